"""The outcome of an evaluation as plain Python data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .summary import STAT_KEYS, format_line, summary_specs

__all__ = ["STAT_KEYS", "EvalResult"]


def _mean_valid(values: np.ndarray) -> float:
    valid = values[values > -1]
    return float(np.mean(valid)) if valid.size else -1.0


@dataclass(frozen=True)
class EvalResult:
    """Metrics of one evaluation.

    Attributes
    ----------
    stats:
        The 12 standard figures by name (``AP``, ``AP50``, ``AP75``, ``APs``,
        ``APm``, ``APl``, ``AR1``, ``AR10``, ``AR100``, ``ARs``, ``ARm``, ``ARl``);
        -1 where undefined, as the reference reports it.
    precision:
        [T, R, K, A, M] array (IoU thresholds, recall thresholds, categories,
        area ranges, max detections); -1 where a category has no ground truth.
    recall:
        [T, K, A, M] array.
    scores:
        [T, R, K, A, M] score at each precision point.
    params:
        The parameters used (IoU thresholds, recall thresholds, maxDets, ...).
    category_ids, category_names:
        The K categories, in array order.
    """

    stats: dict[str, float]
    precision: np.ndarray
    recall: np.ndarray
    scores: np.ndarray
    params: dict[str, Any]
    category_ids: list[int]
    category_names: list[str] = field(default_factory=list)
    #: OVIS's 18 figures (``metrics`` with "occlusion"), see ytvis_fast.occlusion.
    occlusion: dict[str, Any] | None = None
    #: The 12 figures per video-length class (``metrics`` with "length").
    by_length: dict[str, Any] | None = None
    #: HOTA, CLEAR and Identity figures (``metrics`` with "hota"), see ytvis_fast.association.
    association: dict[str, Any] | None = None
    #: dAP per error type (``metrics`` with "errors"), see ytvis_fast.errors.
    errors: dict[str, Any] | None = None

    @property
    def per_category(self) -> dict[int, dict[str, Any]]:
        """Per category: name, AP, AP50, AP75 and AR at the largest maxDets, all areas."""
        thresholds = np.asarray(self.params["iouThrs"])
        out: dict[int, dict[str, Any]] = {}
        for k, cat_id in enumerate(self.category_ids):
            p = self.precision[:, :, k, 0, -1]
            r = self.recall[:, k, 0, -1]
            at50 = np.where(thresholds == 0.5)[0]
            at75 = np.where(thresholds == 0.75)[0]
            out[cat_id] = {
                "name": self.category_names[k] if k < len(self.category_names) else str(cat_id),
                "AP": _mean_valid(p),
                "AP50": _mean_valid(p[at50]),
                "AP75": _mean_valid(p[at75]),
                "AR": _mean_valid(r),
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: stats, per-category figures and parameters."""
        extras = {
            name: value
            for name, value in (
                ("occlusion", self.occlusion),
                ("by_length", self.by_length),
                ("association", self.association),
                ("errors", self.errors),
            )
            if value is not None
        }
        return {
            "stats": {k: float(v) for k, v in self.stats.items()},
            "per_category": {str(k): v for k, v in self.per_category.items()},
            "params": {
                k: (np.asarray(v).tolist() if isinstance(v, np.ndarray) else v)
                for k, v in self.params.items()
            },
            **extras,
        }

    def summary_lines(self) -> list[str]:
        """The 12 lines the reference's summarize() prints."""
        specs = summary_specs(self.params["maxDets"])
        values = [self.stats[key] for key in STAT_KEYS]
        return [format_line(s, v, self.params["iouThrs"]) for s, v in zip(specs, values)]

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def __repr__(self) -> str:
        figures = ", ".join(f"{k}={v:.3f}" for k, v in self.stats.items())
        return f"EvalResult({figures})"
