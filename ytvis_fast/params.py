"""Evaluation parameters, with the reference's defaults and field names."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Params", "sorted_unique"]


def sorted_unique(values: Any) -> np.ndarray:
    """`np.unique(values)`, the same array, without importing `numpy.ma`: numpy 2.4's
    `np.unique` does so on first use, 10-20 ms of a fresh process's evaluation."""
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
        if iouType not in ("segm", "bbox"):
            raise ValueError(
                f"iouType {iouType!r} is not supported: use 'segm' (spatio-temporal mask IoU) "
                "or 'bbox' (tube box IoU)"
            )
        self.vidIds: list[Any] = []
        self.catIds: list[Any] = []
        # linspace, not arange: arange's points drift above the true values.
        self.iouThrs = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
        self.recThrs = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
        self.maxDets = [1, 10, 100]
        self.areaRng = [[0**2, 1e5**2], [0**2, 128**2], [128**2, 256**2], [256**2, 1e5**2]]
        self.areaRngLbl = ["all", "small", "medium", "large"]
        self.useCats = 1
        self.iouType = iouType
        # useSegm is deprecated; kept because the reference honours it.
        self.useSegm: int | None = None
