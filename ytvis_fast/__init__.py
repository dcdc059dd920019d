"""ytvis_fast: an exact, fast evaluator for video instance segmentation.

Drop-in for the official YouTube-VIS evaluator::

    from ytvis_fast import YTVOS, YTVOSeval   # instead of the cocoapi fork's

or the high-level call::

    import ytvis_fast
    result = ytvis_fast.evaluate("valid.json", "results.json")
    print(result.stats["AP"])
"""

from __future__ import annotations

from ._native import _core
from .evaluation import evaluate
from .oviseval import OVISeval
from .params import Params
from .result import STAT_KEYS, EvalResult
from .streaming import VideoEvaluator
from .ytvos import YTVIS, YTVOS
from .ytvoseval import YTVISeval, YTVOSeval

__version__: str = _core.__version__

__all__ = [
    "STAT_KEYS",
    "YTVIS",
    "YTVOS",
    "EvalResult",
    "OVISeval",
    "Params",
    "VideoEvaluator",
    "YTVISeval",
    "YTVOSeval",
    "__version__",
    "evaluate",
]
