"""Precision-recall curves and per-category AP as one PNG (matplotlib, an
optional extra: ``pip install 'ytvis_fast[plot]'``)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .result import EvalResult

__all__ = ["precision_curves", "require_matplotlib", "save_plot"]


def require_matplotlib() -> Any:
    """The matplotlib module, or ImportError saying how to install it."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            "plotting needs matplotlib, which is not installed: "
            "pip install 'ytvis_fast[plot]' (or pip install matplotlib)"
        ) from None
    return matplotlib


def _mean_over_valid(values: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """Mean over `axes` of the entries > -1; -1 where there is none."""
    valid = values > -1
    count = valid.sum(axis=axes)
    total = np.where(valid, values, 0.0).sum(axis=axes)
    return np.where(count > 0, total / np.maximum(count, 1), -1.0)


def precision_curves(result: EvalResult) -> dict[str, np.ndarray]:
    """Precision at each recall threshold, averaged over categories (all areas,
    the largest maxDets): at IoU .50, at IoU .75 and averaged over IoU thresholds."""
    thresholds = np.asarray(result.params["iouThrs"])
    precision = result.precision[:, :, :, 0, -1]  # T x R x K
    curves = {}
    for label, iou in (("IoU=0.50", 0.5), ("IoU=0.75", 0.75)):
        at = np.flatnonzero(np.isclose(thresholds, iou))
        if at.size:
            curves[label] = _mean_over_valid(precision[at[0]], (1,))
    curves[f"IoU={thresholds[0]:.2f}:{thresholds[-1]:.2f}"] = _mean_over_valid(precision, (0, 2))
    return curves


def save_plot(result: EvalResult, path: str | os.PathLike[str]) -> None:
    """Writes precision-recall curves (left) and per-category AP bars (right)."""
    require_matplotlib()
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI

    recall = np.asarray(result.params["recThrs"])
    rows = sorted((f for f in result.per_category.values() if f["AP"] > -1), key=lambda f: f["AP"])
    figure = Figure(figsize=(12, max(4.0, 0.22 * len(rows) + 1.5)), layout="constrained")
    curves_axes, bars_axes = figure.subplots(1, 2)
    for label, curve in precision_curves(result).items():
        shown = curve > -1
        curves_axes.plot(recall[shown], curve[shown], label=label)
    curves_axes.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02))
    curves_axes.set_title(f"Precision-recall ({result.params.get('iouType', 'segm')}, all areas)")
    curves_axes.grid(alpha=0.3)
    curves_axes.legend(loc="lower left")
    names = [str(f["name"]) for f in rows]
    bars_axes.barh(range(len(rows)), [f["AP"] for f in rows], color="tab:blue")
    bars_axes.set_yticks(range(len(rows)), names, fontsize=8)
    bars_axes.set(xlabel="AP", xlim=(0, 1))
    bars_axes.set_title(f"AP per category (AP={result.stats['AP']:.3f})")
    figure.savefig(path, dpi=100)
