"""ytvis_fast: an exact, fast evaluator for video instance segmentation.

Drop-in for the official YouTube-VIS evaluator::

    from ytvis_fast import YTVOS, YTVOSeval   # instead of the cocoapi fork's

or the high-level call::

    import ytvis_fast
    result = ytvis_fast.evaluate("valid.json", "results.json")
    print(result.stats["AP"])
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .evaluation import evaluate
from .params import Params
from .result import STAT_KEYS, EvalResult
from .streaming import VideoEvaluator
from .ytvos import YTVIS, YTVOS
from .ytvoseval import YTVISeval, YTVOSeval

try:
    __version__ = version("ytvis_fast")
except PackageNotFoundError:  # pragma: no cover - running from an unbuilt tree
    __version__ = "0.0.0"

__all__ = [
    "STAT_KEYS",
    "YTVIS",
    "YTVOS",
    "EvalResult",
    "Params",
    "VideoEvaluator",
    "YTVISeval",
    "YTVOSeval",
    "__version__",
    "evaluate",
]
