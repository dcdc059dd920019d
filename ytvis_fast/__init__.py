"""ytvis_fast: an exact, fast evaluator for video instance segmentation.

Drop-in for the official YouTube-VIS evaluator::

    from ytvis_fast import YTVOS, YTVOSeval   # instead of the cocoapi fork's

or the high-level call::

    import ytvis_fast
    result = ytvis_fast.evaluate("valid.json", "results.json")
    print(result.stats["AP"])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._native import _core
from .evaluation import evaluate
from .params import Params
from .result import STAT_KEYS, EvalResult
from .ytvos import YTVIS, YTVOS

if TYPE_CHECKING:
    from .oviseval import OVISeval
    from .streaming import VideoEvaluator
    from .ytvoseval import YTVISeval, YTVOSeval

__version__: str = _core.__version__

# Imported on first use: they need numpy, which `evaluate()` of two files does not.
_LAZY = {
    "OVISeval": ".oviseval",
    "VideoEvaluator": ".streaming",
    "YTVISeval": ".ytvoseval",
    "YTVOSeval": ".ytvoseval",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
