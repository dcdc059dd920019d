"""Evaluation parameters, with the reference's defaults and field names.

The defaults are plain Python values as well, so that an evaluation needing
nothing else never imports numpy (a sixth of a small evaluation's time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "AREA_LABELS",
    "AREA_RANGES",
    "DEFAULT_LENGTH_EDGES",
    "IOU_THRESHOLDS",
    "MAX_DETS",
    "RECALL_THRESHOLDS",
    "Params",
    "sorted_unique",
]


def _linspace(start: float, stop: float, num: int) -> tuple[float, ...]:
    """`np.linspace(start, stop, num)`, the same doubles: i * step + start, stop last."""
    step = (stop - start) / (num - 1)
    return (*(i * step + start for i in range(num - 1)), stop)


# linspace, not arange: arange's points drift above the true values. The counts
# are the reference's int(np.round((stop - start) / step)) + 1.
IOU_THRESHOLDS = _linspace(0.5, 0.95, round((0.95 - 0.5) / 0.05) + 1)
RECALL_THRESHOLDS = _linspace(0.0, 1.00, round((1.00 - 0.0) / 0.01) + 1)
MAX_DETS = (1, 10, 100)
AREA_RANGES = ((0**2, 1e5**2), (0**2, 128**2), (128**2, 256**2), (256**2, 1e5**2))
AREA_LABELS = ("all", "small", "medium", "large")
#: Upper ends (inclusive) of the video-length classes but the last (metric "length").
DEFAULT_LENGTH_EDGES = (16, 32)


def sorted_unique(values: Any) -> np.ndarray:
    """`np.unique(values)`, the same array, without importing `numpy.ma`: numpy 2.4's
    `np.unique` does so on first use, 10-20 ms of a fresh process's evaluation."""
    import numpy as np

    array = np.asarray(values)
    if array.dtype.kind not in "biu":  # NaNs and objects: numpy's own rules
        return np.unique(array)
    array = np.sort(array, axis=None)
    keep = np.ones(array.shape, dtype=bool)
    np.not_equal(array[1:], array[:-1], out=keep[1:])
    return array[keep]


class Params:
    """Parameters of a YouTube-VIS evaluation (the reference's `Params`).

    Fields: ``vidIds``, ``catIds``, ``iouThrs`` (.50:.05:.95), ``recThrs``
    (0:.01:1), ``maxDets`` ([1, 10, 100]), ``areaRng`` (all / small < 128² /
    medium / large ≥ 256²), ``areaRngLbl``, ``useCats`` (1), ``iouType``.
    """

    def __init__(self, iouType: str = "segm") -> None:
        import numpy as np

        check_iou_type(iouType)
        self.vidIds: list[Any] = []
        self.catIds: list[Any] = []
        self.iouThrs = np.array(IOU_THRESHOLDS)
        self.recThrs = np.array(RECALL_THRESHOLDS)
        self.maxDets = list(MAX_DETS)
        self.areaRng = [list(r) for r in AREA_RANGES]
        self.areaRngLbl = list(AREA_LABELS)
        self.useCats = 1
        self.iouType = iouType
        # useSegm is deprecated; kept because the reference honours it.
        self.useSegm: int | None = None


def check_iou_type(iou_type: str) -> None:
    if iou_type not in ("segm", "bbox"):
        raise ValueError(
            f"iouType {iou_type!r} is not supported: use 'segm' (spatio-temporal mask IoU) "
            "or 'bbox' (tube box IoU)"
        )
