"""Which metrics an evaluation computes beyond AP, and the dispatch to them.

``evaluate(..., metrics=("ap", "occlusion", "length"))`` and the command line's
``--metrics ap,occlusion,length`` name them; each extra metric reuses the AP
evaluation's buckets, IoU matrices and matching where it can.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .params import DEFAULT_LENGTH_EDGES

# Each metric's module is imported when it is asked for: they need numpy, which an
# evaluation of AP alone can do without.

__all__ = ["AVAILABLE_METRICS", "compute_extra_metrics", "parse_metrics", "report_lines"]

AVAILABLE_METRICS = ("ap", "occlusion", "hota", "errors", "length")


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
    occlusion_scores: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """EvalResult fields for the metrics beyond AP, from an evaluated `YTVOSeval`;
    `occlusion_scores` returns the ground-truth file's raw occlusion scores where
    they have been read already (see occlusion.file_scores)."""
    out: dict[str, Any] = {}
    if "occlusion" in metrics:
        from .occlusion import file_scores, ground_truth_scores, occlusion_metrics

        path = gt_api._file_only()
        if path is not None:
            store = evaluator.cocoGt._native_store(evaluator._strict)
            scores = file_scores(path, store, occlusion_scores)
        else:
            annotations = gt_api.dataset.get("annotations", [])
            scores = ground_truth_scores(annotations, gt_api.source)
        out["occlusion"] = occlusion_metrics(evaluator, scores, evaluator.stats)
    if "hota" in metrics:
        from .association import association_metrics

        p = evaluator._paramsEval
        if p.iouType != "segm":
            raise ValueError("hota (association metrics) is defined on masks: use iou_type='segm'")
        ids, _, _, lengths = gt_api._video_table()
        length_of = dict(zip(ids, lengths))
        video_ids = [int(v) for v in p.vidIds]
        names = gt_api._category_names()
        out["association"] = association_metrics(
            evaluator.cocoGt._native_store(evaluator._strict),
            evaluator.cocoDt._native_store(evaluator._strict),
            video_ids,
            [int(length_of.get(v, -1)) for v in video_ids],
            [int(c) for c in p.catIds],
            [str(names.get(c, c)) for c in p.catIds],
            threads=evaluator.threads or 0,
        )
    if "errors" in metrics:
        from .errors import error_breakdown

        out["errors"] = error_breakdown(evaluator)
    if "length" in metrics:
        from .by_length import length_metrics

        ids, _, _, lengths = gt_api._video_table()
        video_lengths = {int(v): int(n) for v, n in zip(ids, lengths)}
        out["by_length"] = length_metrics(evaluator, video_lengths, length_edges)
    return out


def report_lines(result: Any) -> list[str]:
    """Printable lines of the metrics beyond AP that `result` holds (none: empty)."""
    lines: list[str] = []
    if getattr(result, "occlusion", None) is not None:
        from .occlusion import occlusion_summary_lines

        lines += ["", "Occlusion (OVIS):"]
        lines += occlusion_summary_lines(
            result.occlusion["stats"], result.params["maxDets"], result.params["iouThrs"]
        )
    if getattr(result, "association", None) is not None:
        keys = ("HOTA", "DetA", "AssA", "LocA", "MOTA", "MOTP", "IDSW", "IDF1")
        lines += ["", "Association (TrackEval's HOTA, CLEAR, Identity):"]
        lines.append(f"{'combined':<19} " + " ".join(f"{k:>7}" for k in keys))
        for label in ("class_averaged", "detection_averaged"):
            figures = result.association[label]
            cells = " ".join(
                f"{figures[k]:7.0f}" if k == "IDSW" else f"{figures[k]:7.3f}" for k in keys
            )
            lines.append(f"{label:<19} {cells}")
    if getattr(result, "errors", None) is not None:
        from .errors import ERROR_TYPES

        errors = result.errors
        at = errors["thresholds"]["foreground"]
        lines += ["", f"Error breakdown (dAP on AP@{at:g} = {errors['AP']:.3f}):"]
        lines.append(f"{'error':<16} {'count':>6} {'dAP':>7}")
        for name in ERROR_TYPES:
            lines.append(f"{name:<16} {errors['counts'][name]:>6} {_cell(errors['dAP'][name])}")
        for name, value in errors["dAP_special"].items():
            lines.append(f"{name:<16} {'':>6} {_cell(value)}")
    if getattr(result, "by_length", None) is not None:
        lines += ["", "By video length:"]
        lines.append(
            f"{'class':<8} {'frames':>9} {'videos':>6} {'inst':>6} "
            f"{'AP':>6} {'AP50':>6} {'AP75':>6} {'AR100':>6}"
        )
        for label, figures in result.by_length.items():
            low, high = figures["frames"]
            span = f"{low}-{high}" if high is not None else f">={low}"
            stats = figures["stats"]
            cells = " ".join(f"{stats[k]:6.3f}" for k in ("AP", "AP50", "AP75", "AR100"))
            lines.append(
                f"{label:<8} {span:>9} {figures['videos']:>6} {figures['instances']:>6} {cells}"
            )
    return lines


def _cell(value: float | None) -> str:
    return f"{value:7.3f}" if value is not None else f"{'n/a':>7}"
