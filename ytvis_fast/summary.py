"""The 12 standard figures: which slice of precision/recall each one is, and
the reference's line format for printing them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["STAT_KEYS", "SummarySpec", "format_line", "summary_specs"]

STAT_KEYS = ("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl")

_LINE = " {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}"


class SummarySpec(NamedTuple):
    ap: bool
    iou: float | None
    area: str
    max_dets: int


def summary_specs(max_dets: Sequence[int]) -> list[SummarySpec]:
    """The reference's 12 figures; the first uses maxDets=100 literally."""
    md = max_dets
    return [
        SummarySpec(True, None, "all", 100),
        SummarySpec(True, 0.5, "all", md[2]),
        SummarySpec(True, 0.75, "all", md[2]),
        SummarySpec(True, None, "small", md[2]),
        SummarySpec(True, None, "medium", md[2]),
        SummarySpec(True, None, "large", md[2]),
        SummarySpec(False, None, "all", md[0]),
        SummarySpec(False, None, "all", md[1]),
        SummarySpec(False, None, "all", md[2]),
        SummarySpec(False, None, "small", md[2]),
        SummarySpec(False, None, "medium", md[2]),
        SummarySpec(False, None, "large", md[2]),
    ]


def format_line(spec: SummarySpec, value: float, iou_thresholds: Sequence[float]) -> str:
    title = "Average Precision" if spec.ap else "Average Recall"
    kind = "(AP)" if spec.ap else "(AR)"
    if spec.iou is None:
        iou = f"{iou_thresholds[0]:0.2f}:{iou_thresholds[-1]:0.2f}"
    else:
        iou = f"{spec.iou:0.2f}"
    return _LINE.format(title, kind, iou, spec.area, spec.max_dets, value)
