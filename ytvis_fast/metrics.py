"""Which metrics an evaluation computes beyond AP, and the dispatch to them.

``evaluate(..., metrics=("ap", "occlusion", "length"))`` and the command line's
``--metrics ap,occlusion,length`` name them; each extra metric reuses the AP
evaluation's buckets, IoU matrices and matching where it can.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .by_length import DEFAULT_LENGTH_EDGES, length_metrics
from .occlusion import ground_truth_scores, occlusion_metrics

__all__ = ["AVAILABLE_METRICS", "compute_extra_metrics", "parse_metrics"]

AVAILABLE_METRICS = ("ap", "occlusion", "length")


def parse_metrics(metrics: str | Iterable[str]) -> tuple[str, ...]:
    """Validated metric names, in the given order without duplicates; "ap" is always in."""
    names = metrics.split(",") if isinstance(metrics, str) else list(metrics)
    out: list[str] = []
    for raw in names:
        name = str(raw).strip().lower()
        if not name:
            continue
        if name not in AVAILABLE_METRICS:
            raise ValueError(f"unknown metric {raw!r}: choose from {', '.join(AVAILABLE_METRICS)}")
        if name not in out:
            out.append(name)
    if "ap" not in out:
        out.insert(0, "ap")
    return tuple(out)


def compute_extra_metrics(
    evaluator: Any,
    gt_api: Any,
    metrics: Sequence[str],
    *,
    length_edges: Sequence[int] = DEFAULT_LENGTH_EDGES,
) -> dict[str, Any]:
    """EvalResult fields for the metrics beyond AP, from an evaluated `YTVOSeval`."""
    out: dict[str, Any] = {}
    if "occlusion" in metrics:
        annotations = gt_api.dataset.get("annotations", [])
        scores = ground_truth_scores(annotations, gt_api.source)
        out["occlusion"] = occlusion_metrics(evaluator, scores, evaluator.stats)
    if "length" in metrics:
        ids, _, _, lengths = gt_api._video_table()
        video_lengths = {int(v): int(n) for v, n in zip(ids.tolist(), lengths.tolist())}
        out["by_length"] = length_metrics(evaluator, video_lengths, length_edges)
    return out
