"""OVIS occlusion AP/AR: the 18 figures of OVIS's evaluator.

OVIS's evaluator is the YouTube-VIS one plus an occlusion score per ground-truth
instance. Each frame is labelled ``no_occlusion`` (0), ``slight_occlusion`` (0.25)
or ``severe_occlusion`` (0.75); unlabelled frames (``null``) are dropped, the
scores are sorted and the mean of the top half (``ceil(n / 2)`` of them) is the
instance's occlusion score. A ground truth outside an occlusion range, both ends
inside (light [0, 0.25], medium [0.25, 0.5], heavy [0.5, 1]), is ignored like a
ground truth outside an area range; predictions are filtered by area only. So a
score of exactly 0.25 counts as light and as medium, and 0.5 as medium and heavy.

The figures reuse the buckets and IoU matrices of the AP evaluation: only the
greedy matching and the accumulation run again, natively, for the three ranges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._native import _core
from .summary import STAT_KEYS

__all__ = [
    "OCCLUSION_LABEL_SCORES",
    "OCCLUSION_RANGES",
    "OCCLUSION_STAT_KEYS",
    "file_scores",
    "ground_truth_scores",
    "occlusion_accumulate",
    "occlusion_metrics",
    "occlusion_score",
    "occlusion_summary_lines",
]

OCCLUSION_LABEL_SCORES = {"no_occlusion": 0.0, "slight_occlusion": 0.25, "severe_occlusion": 0.75}
OCCLUSION_RANGES: dict[str, tuple[float, float]] = {
    "light": (0.0, 0.25),
    "medium": (0.25, 0.5),
    "heavy": (0.5, 1.0),
}
# OVIS's stats order: six AP, three occlusion AP, six AR, three occlusion AR.
OCCLUSION_STAT_KEYS = (
    *STAT_KEYS[:6],
    "AP_light",
    "AP_medium",
    "AP_heavy",
    *STAT_KEYS[6:],
    "AR_light",
    "AR_medium",
    "AR_heavy",
)

_LINE = " {:<18} {} @[ IoU={:<9} | area={:>6s} | occ={:>6s} | maxDets={:>3d} ] = {:0.3f}"


def occlusion_score(labels: Sequence[str | None], *, where: str = "annotation") -> float:
    """The OVIS occlusion score of one instance from its per-frame labels.

    Raises ValueError (naming `where` and the frame) on an unknown label, and when
    no frame is labelled (OVIS's evaluator divides by zero there).
    """
    scores = []
    for frame, label in enumerate(labels):
        if label is None:
            continue
        try:
            scores.append(OCCLUSION_LABEL_SCORES[label])
        except (KeyError, TypeError):
            known = ", ".join(OCCLUSION_LABEL_SCORES)
            raise ValueError(
                f"{where}, frame {frame}: occlusion label {label!r} is not one of {known}"
            ) from None
    if not scores:
        raise ValueError(f"{where}: no frame has an occlusion label")
    scores.sort()
    top = scores[-math.ceil(len(scores) / 2) :]
    return sum(top) / len(top)


def ground_truth_scores(annotations: Sequence[dict[str, Any]], source: str = "") -> np.ndarray:
    """Occlusion score of every annotation, in file order (the native store's order)."""
    prefix = f"{source}: " if source else ""
    out = np.empty(len(annotations), dtype=np.float64)
    for i, ann in enumerate(annotations):
        where = f"{prefix}annotation {i} (id {ann.get('id')!r}, video {ann.get('video_id')!r})"
        labels = ann.get("occlusion")
        if not isinstance(labels, list):
            raise ValueError(
                f"{where}: no per-frame 'occlusion' list; occlusion metrics need one on every "
                "ground-truth annotation (OVIS format)"
            )
        out[i] = occlusion_score(labels, where=where)
    return out


def file_scores(path: str, gt_store: Any, read: Callable[[], Any] | None = None) -> np.ndarray:
    """Occlusion scores of a ground-truth file, read natively (no Python view of the
    file), by `read()` where given (a read started earlier, on another thread)."""
    scores = np.asarray(read() if read is not None else _core.read_occlusion_scores(path))
    if len(scores) != len(gt_store):
        raise ValueError(f"{path}: {len(scores)} annotations, but {len(gt_store)} were loaded")
    missing = np.flatnonzero(np.isnan(scores))
    if missing.size:
        i = int(missing[0])
        where = (
            f"{path}: annotation {i} (id {int(gt_store.ids[i])}, "
            f"video {int(gt_store.video_ids[i])})"
        )
        raise ValueError(
            f"{where}: no per-frame 'occlusion' list, or no labelled frame in it; occlusion "
            "metrics need labels on every ground-truth annotation (OVIS format)"
        )
    return scores


def _mean_valid(values: np.ndarray) -> float:
    valid = values[values > -1]
    return float(np.mean(valid)) if valid.size else -1.0


def occlusion_accumulate(evaluator: Any, gt_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Precision [T, R, K, O, M] and recall [T, K, O, M] for the O = 3 occlusion
    ranges (light, medium, heavy) at the area range "all", from an evaluated
    `YTVOSeval`; `gt_scores` holds every ground-truth instance's score in store order."""
    p = evaluator._paramsEval
    native = evaluator._native
    labels = list(OCCLUSION_RANGES)
    all_area = np.asarray(p.areaRng[0], dtype=np.float64)
    area_ranges = np.repeat(all_area.reshape(1, 2), len(labels), axis=0)
    key_ranges = np.asarray([OCCLUSION_RANGES[name] for name in labels], dtype=np.float64)
    threads = evaluator.threads or 0
    rematched = native.rematch(
        np.asarray(p.iouThrs, dtype=np.float64),
        area_ranges,
        np.ascontiguousarray(gt_scores, dtype=np.float64),
        key_ranges,
        threads,
    )
    K = len(p.catIds) if p.useCats else 1
    T = len(p.iouThrs)
    accumulation = rematched.accumulate(
        list(range(K)),
        list(range(len(labels))),
        [int(m) for m in p.maxDets],
        list(range(len(p.vidIds))),
        T,
        K,
        len(labels),
        np.asarray(p.recThrs, dtype=np.float64),
        threads,
    )
    precision, recall = accumulation.precision, accumulation.recall
    return precision, recall


def occlusion_metrics(
    evaluator: Any, gt_scores: np.ndarray, stats: Sequence[float]
) -> dict[str, Any]:
    """OVIS's 18 figures from an evaluated `YTVOSeval`, as plain data.

    `gt_scores` holds the occlusion score of every ground-truth instance in store
    order; `stats` are the evaluator's 12 standard figures (OVIS's "all" occlusion
    range [0, 1] holds every score, so they are OVIS's figures too).
    """
    p = evaluator._paramsEval
    labels = list(OCCLUSION_RANGES)
    precision, recall = occlusion_accumulate(evaluator, gt_scores)
    mind = [i for i, m in enumerate(p.maxDets) if m == p.maxDets[2]]
    figures: dict[str, float] = {}
    for a, name in enumerate(labels):
        figures[f"AP_{name}"] = _mean_valid(precision[:, :, :, a, mind])
    for a, name in enumerate(labels):
        figures[f"AR_{name}"] = _mean_valid(recall[:, :, a, mind])
    named = dict(zip(STAT_KEYS, (float(s) for s in stats)))
    named.update(figures)
    counts = {
        name: int(np.count_nonzero((gt_scores >= lo) & (gt_scores <= hi)))
        for name, (lo, hi) in OCCLUSION_RANGES.items()
    }
    return {
        "stats": {key: named[key] for key in OCCLUSION_STAT_KEYS},
        "ranges": {name: list(bounds) for name, bounds in OCCLUSION_RANGES.items()},
        "instances": counts,
    }


def occlusion_summary_lines(
    stats: dict[str, float], max_dets: Sequence[int], iou_thresholds: Sequence[float]
) -> list[str]:
    """OVIS's 18 printed lines."""
    span = f"{iou_thresholds[0]:0.2f}:{iou_thresholds[-1]:0.2f}"
    md = list(max_dets)
    rows: list[tuple[bool, str, str, str, int]] = [
        (True, span, "all", "all", 100),
        (True, "0.50", "all", "all", md[2]),
        (True, "0.75", "all", "all", md[2]),
        (True, span, "small", "all", md[2]),
        (True, span, "medium", "all", md[2]),
        (True, span, "large", "all", md[2]),
        (True, span, "all", "light", md[2]),
        (True, span, "all", "medium", md[2]),
        (True, span, "all", "heavy", md[2]),
        (False, span, "all", "all", md[0]),
        (False, span, "all", "all", md[1]),
        (False, span, "all", "all", md[2]),
        (False, span, "small", "all", md[2]),
        (False, span, "medium", "all", md[2]),
        (False, span, "large", "all", md[2]),
        (False, span, "all", "light", md[2]),
        (False, span, "all", "medium", md[2]),
        (False, span, "all", "heavy", md[2]),
    ]
    lines = []
    for (ap, iou, area, occ, m), key in zip(rows, OCCLUSION_STAT_KEYS):
        title = "Average Precision" if ap else "Average Recall"
        kind = "(AP)" if ap else "(AR)"
        lines.append(_LINE.format(title, kind, iou, area, occ, m, stats[key]))
    return lines
