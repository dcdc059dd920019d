"""The outcome of an evaluation as plain Python data."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .summary import STAT_KEYS, format_line, summary_specs

if TYPE_CHECKING:
    import numpy as np

__all__ = ["STAT_KEYS", "Deferred", "EvalResult"]


def _mean_valid(values: np.ndarray) -> float:
    import numpy as np

    valid = values[values > -1]
    return float(np.mean(valid)) if valid.size else -1.0


class Deferred:
    """A field of `EvalResult` made on first use: its numpy arrays, which an
    evaluation read only for its 12 figures never needs (nor numpy's import)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


class _Field:
    """A read-only attribute of EvalResult, resolving a `Deferred` value once."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj._values[self.name]
        if isinstance(value, Deferred):
            value = obj._values[self.name] = value.make()
        return value


class EvalResult:
    """Metrics of one evaluation (read-only).

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
    gt_counts, dt_counts:
        Per category (array order): non-crowd ground-truth instances and
        predictions in the evaluated videos.
    occlusion:
        OVIS's 18 figures (``metrics`` with "occlusion"), see ytvis_fast.occlusion.
    by_length:
        The 12 figures per video-length class (``metrics`` with "length").
    association:
        HOTA, CLEAR and Identity figures (``metrics`` with "hota"), see ytvis_fast.association.
    errors:
        dAP per error type (``metrics`` with "errors"), see ytvis_fast.errors.
    """

    stats: dict[str, float] = _Field()  # type: ignore[assignment]
    precision: np.ndarray = _Field()  # type: ignore[assignment]
    recall: np.ndarray = _Field()  # type: ignore[assignment]
    scores: np.ndarray = _Field()  # type: ignore[assignment]
    params: dict[str, Any] = _Field()  # type: ignore[assignment]
    category_ids: list[int] = _Field()  # type: ignore[assignment]
    category_names: list[str] = _Field()  # type: ignore[assignment]
    gt_counts: list[int] = _Field()  # type: ignore[assignment]
    dt_counts: list[int] = _Field()  # type: ignore[assignment]
    occlusion: dict[str, Any] | None = _Field()  # type: ignore[assignment]
    by_length: dict[str, Any] | None = _Field()  # type: ignore[assignment]
    association: dict[str, Any] | None = _Field()  # type: ignore[assignment]
    errors: dict[str, Any] | None = _Field()  # type: ignore[assignment]

    def __init__(
        self,
        *,
        stats: dict[str, float],
        precision: np.ndarray | Deferred,
        recall: np.ndarray | Deferred,
        scores: np.ndarray | Deferred,
        params: dict[str, Any] | Deferred,
        category_ids: list[int],
        category_names: list[str] | None = None,
        gt_counts: list[int] | None = None,
        dt_counts: list[int] | None = None,
        occlusion: dict[str, Any] | None = None,
        by_length: dict[str, Any] | None = None,
        association: dict[str, Any] | None = None,
        errors: dict[str, Any] | None = None,
    ) -> None:
        values = {
            "stats": stats,
            "precision": precision,
            "recall": recall,
            "scores": scores,
            "params": params,
            "category_ids": category_ids,
            "category_names": [] if category_names is None else category_names,
            "gt_counts": [] if gt_counts is None else gt_counts,
            "dt_counts": [] if dt_counts is None else dt_counts,
            "occlusion": occlusion,
            "by_length": by_length,
            "association": association,
            "errors": errors,
        }
        object.__setattr__(self, "_values", values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"EvalResult is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"EvalResult is read-only: cannot delete {name!r}")

    def __getstate__(self) -> dict[str, Any]:  # pickling: deferred fields made first
        return {name: getattr(self, name) for name in self._values}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "_values", dict(state))

    @property
    def per_category(self) -> dict[int, dict[str, Any]]:
        """Per category: name, AP, AP50, AP75, AR10 (recall at the middle maxDets),
        AR (at the largest maxDets), all areas; ``num_gt`` and ``num_predictions``
        when known. -1 where the category has no ground truth."""
        out: dict[int, dict[str, Any]] = {}
        for k, cat_id in enumerate(self.category_ids):
            figures: dict[str, Any] = {
                "name": self.category_names[k] if k < len(self.category_names) else str(cat_id),
                **self._figures(k, 0),
            }
            if k < len(self.gt_counts):
                figures["num_gt"] = self.gt_counts[k]
            if k < len(self.dt_counts):
                figures["num_predictions"] = self.dt_counts[k]
            out[cat_id] = figures
        return out

    @property
    def per_area(self) -> dict[str, dict[str, float]]:
        """Per area range label (all, small, medium, large): AP, AP50, AP75, AR10
        and AR over all categories, as in `per_category`."""
        labels = self.params.get("areaRngLbl") or [str(a) for a in range(self.precision.shape[3])]
        return {str(label): self._figures(slice(None), a) for a, label in enumerate(labels)}

    def _figures(self, k: int | slice, a: int) -> dict[str, float]:
        import numpy as np

        thresholds = np.asarray(self.params["iouThrs"])
        p = self.precision[:, :, k, a, -1]
        at50 = np.where(thresholds == 0.5)[0]
        at75 = np.where(thresholds == 0.75)[0]
        middle = 1 if self.recall.shape[-1] > 1 else -1
        return {
            "AP": _mean_valid(p),
            "AP50": _mean_valid(p[at50]),
            "AP75": _mean_valid(p[at75]),
            "AR10": _mean_valid(self.recall[:, k, a, middle]),
            "AR": _mean_valid(self.recall[:, k, a, -1]),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: stats, per-category and per-area figures, parameters, and
        the figures of the metrics beyond AP that were computed."""
        import numpy as np

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
            "per_area": self.per_area,
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
        """`to_dict()` as a JSON string; keyword arguments go to `json.dumps`."""
        return json.dumps(self.to_dict(), **kwargs)

    def __repr__(self) -> str:
        iou_type = self.params.get("iouType", "?")
        head = (
            f"EvalResult({iou_type}, {len(self.category_ids)} categories, "
            f"{len(self.params.get('vidIds', []))} videos)"
        )
        rows = [STAT_KEYS[:6], STAT_KEYS[6:]]
        body = ["  " + "  ".join(f"{k}={self.stats[k]:.3f}" for k in row) for row in rows]
        return "\n".join([head, *body])
