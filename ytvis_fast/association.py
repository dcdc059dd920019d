"""Association metrics: HOTA (DetA, AssA, LocA, ...), CLEAR (MOTA, MOTP, ID switches,
...) and Identity (IDF1), as the `trackeval` package computes them for YouTube-VIS.

Definitions (those of TrackEval's ``YouTubeVIS`` dataset with the ``HOTA``, ``CLEAR``
and ``Identity`` metrics):

- Each category is evaluated on its own: a sequence is one (category, video) pair
  holding that category's ground truth and predictions, every prediction (no score
  threshold, no maxDets cut; crowd ground truth counts like any other).
- A detection is a track's mask in one frame where its ``segmentations`` entry is
  present; the similarity of a ground truth and a prediction in a frame is their
  mask IoU (pycocotools' ``iou``), computed natively from the same RLE code as AP.
- Ground-truth track ids are the annotation ids; predictions, which have none, are
  numbered in file order (TrackEval's global counter starts at 0; only their order
  matters).
- HOTA at alphas 0.05, 0.10, ..., 0.95; its figures are the mean over the alphas
  (``HOTA(0)`` and ``LocA(0)`` are at the lowest alpha). CLEAR and Identity match at
  IoU >= 0.5.
- Sequences of one category are combined by TrackEval's ``combine_sequences``; the
  categories then by ``combine_classes_class_averaged`` (the mean over *every*
  category of the ground truth, those without ground truth or predictions included
  with HOTA 0, as TrackEval's evaluator does) and ``combine_classes_det_averaged``
  (counts summed over categories).

Per-frame IoUs, the per-frame optimal assignments (the shortest-augmenting-path
method of scipy's ``linear_sum_assignment``, ties included) and every per-sequence
count run natively across threads; only the combination of a few arrays is numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._native import _core

__all__ = ["HOTA_ALPHAS", "association_metrics", "plot_hota"]

HOTA_ALPHAS = np.arange(0.05, 0.99, 0.05)  # TrackEval's array_labels

_HOTA_ARRAYS = ("HOTA", "DetA", "AssA", "DetRe", "DetPr", "AssRe", "AssPr", "LocA", "OWTA")
_HOTA_COUNTS = ("HOTA_TP", "HOTA_FN", "HOTA_FP")
_HOTA_FLOATS = ("HOTA(0)", "LocA(0)", "HOTALocA(0)")
_CLEAR_COUNTS = ("CLR_TP", "CLR_FN", "CLR_FP", "IDSW", "MT", "PT", "ML", "Frag", "CLR_Frames")
_CLEAR_FLOATS = (
    "MOTA",
    "MOTP",
    "MODA",
    "CLR_Re",
    "CLR_Pr",
    "MTR",
    "PTR",
    "MLR",
    "sMOTA",
    "CLR_F1",
    "FP_per_frame",
    "MOTAL",
    "MOTP_sum",
)
_ID_COUNTS = ("IDTP", "IDFN", "IDFP")
_ID_FLOATS = ("IDF1", "IDR", "IDP")


# -- TrackEval's final fields, vectorised over leading axes (categories) -------------------
def _hota_final(res: dict[str, Any]) -> dict[str, Any]:
    tp, fn, fp = res["HOTA_TP"], res["HOTA_FN"], res["HOTA_FP"]
    res["DetRe"] = tp / np.maximum(1, tp + fn)
    res["DetPr"] = tp / np.maximum(1, tp + fp)
    res["DetA"] = tp / np.maximum(1, tp + fn + fp)
    res["HOTA"] = np.sqrt(res["DetA"] * res["AssA"])
    res["OWTA"] = np.sqrt(res["DetRe"] * res["AssA"])
    res["HOTA(0)"] = res["HOTA"][..., 0]
    res["LocA(0)"] = res["LocA"][..., 0]
    res["HOTALocA(0)"] = res["HOTA(0)"] * res["LocA(0)"]
    return res


def _clear_final(res: dict[str, Any]) -> dict[str, Any]:
    tp, fn, fp, idsw = res["CLR_TP"], res["CLR_FN"], res["CLR_FP"], res["IDSW"]
    num_gt_ids = res["MT"] + res["ML"] + res["PT"]
    res["MTR"] = res["MT"] / np.maximum(1.0, num_gt_ids)
    res["MLR"] = res["ML"] / np.maximum(1.0, num_gt_ids)
    res["PTR"] = res["PT"] / np.maximum(1.0, num_gt_ids)
    res["CLR_Re"] = tp / np.maximum(1.0, tp + fn)
    res["CLR_Pr"] = tp / np.maximum(1.0, tp + fp)
    res["MODA"] = (tp - fp) / np.maximum(1.0, tp + fn)
    res["MOTA"] = (tp - fp - idsw) / np.maximum(1.0, tp + fn)
    res["MOTP"] = res["MOTP_sum"] / np.maximum(1.0, tp)
    res["sMOTA"] = (res["MOTP_sum"] - fp - idsw) / np.maximum(1.0, tp + fn)
    res["CLR_F1"] = tp / np.maximum(1.0, tp + 0.5 * fn + 0.5 * fp)
    res["FP_per_frame"] = fp / np.maximum(1.0, res["CLR_Frames"])
    # log10(IDSW) where positive, else IDSW (0): counts are whole numbers.
    safe_log_idsw = np.log10(np.maximum(idsw, 1.0))
    res["MOTAL"] = (tp - fp - safe_log_idsw) / np.maximum(1.0, tp + fn)
    return res


def _identity_final(res: dict[str, Any]) -> dict[str, Any]:
    tp, fn, fp = res["IDTP"], res["IDFN"], res["IDFP"]
    res["IDR"] = tp / np.maximum(1.0, tp + fn)
    res["IDP"] = tp / np.maximum(1.0, tp + fp)
    res["IDF1"] = tp / np.maximum(1.0, tp + 0.5 * fp + 0.5 * fn)
    return res


# -- combinations ------------------------------------------------------------------------
def _hota_combined(parts: dict[str, np.ndarray], axis: int) -> dict[str, Any]:
    """TrackEval's HOTA combine_sequences / combine_classes_det_averaged along `axis`."""
    res: dict[str, Any] = {f: parts[f].sum(axis) for f in _HOTA_COUNTS}
    for f in ("AssRe", "AssPr", "AssA"):
        res[f] = (parts[f] * parts["HOTA_TP"]).sum(axis) / np.maximum(1.0, res["HOTA_TP"])
    loc_weighted = (parts["LocA"] * parts["HOTA_TP"]).sum(axis)
    res["LocA"] = np.maximum(1e-10, loc_weighted) / np.maximum(1e-10, res["HOTA_TP"])
    return _hota_final(res)


def _summed(parts: dict[str, np.ndarray], fields: Sequence[str], axis: int) -> dict[str, Any]:
    return {f: parts[f].sum(axis) for f in fields}


def _class_averaged(
    per_class: dict[str, np.ndarray], counts: Sequence[str], floats: Sequence[str]
) -> dict[str, Any]:
    """TrackEval's combine_classes_class_averaged: counts summed, figures averaged."""
    res: dict[str, Any] = _summed(per_class, counts, 0)
    for f in floats:
        res[f] = np.mean(per_class[f], axis=0)
    return res


def _summary(
    hota_res: dict[str, Any],
    clear_res: dict[str, Any],
    id_res: dict[str, Any],
    k: int | tuple[()] = (),
) -> dict[str, float]:
    """One flat dict of figures (of category k, if given): HOTA's per-alpha arrays as
    their mean (TrackEval's summary)."""
    out: dict[str, float] = {}
    for f in _HOTA_ARRAYS:
        out[f] = float(np.mean(hota_res[f][k]))
    for f in _HOTA_FLOATS:
        out[f] = float(hota_res[f][k])
    for f in (*_CLEAR_FLOATS[:-1], *_CLEAR_COUNTS):
        out[f] = float(clear_res[f][k])
    for f in (*_ID_FLOATS, *_ID_COUNTS):
        out[f] = float(id_res[f][k])
    return out


def _curves(hota_res: dict[str, Any]) -> dict[str, list[float]]:
    return {f: [float(x) for x in hota_res[f]] for f in ("HOTA", "DetA", "AssA", "LocA")}


def association_metrics(
    gt_store: Any,
    dt_store: Any,
    video_ids: Sequence[int],
    video_lengths: Sequence[int],
    category_ids: Sequence[int],
    category_names: Sequence[str],
    *,
    threads: int = 0,
) -> dict[str, Any]:
    """HOTA, CLEAR and Identity figures: class-averaged, detection-averaged and per
    category, plus HOTA, DetA, AssA and LocA per alpha (``curves``)."""
    hota, clear, identity = _core.association_counts(
        gt_store,
        dt_store,
        [int(v) for v in video_ids],
        [int(n) for n in video_lengths],
        [int(c) for c in category_ids],
        HOTA_ALPHAS,
        0.5,
        0.5,
        threads,
    )
    # Per sequence [K, V, ...] as TrackEval's eval_sequence returns them.
    seq_hota = dict(zip((*_HOTA_COUNTS, "AssA", "AssRe", "AssPr", "LocA"), np.moveaxis(hota, 2, 0)))
    seq_clear = dict(zip((*_CLEAR_COUNTS, "MOTP_sum"), np.moveaxis(clear, 2, 0)))
    seq_id = dict(zip(_ID_COUNTS, np.moveaxis(identity, 2, 0)))
    # Per category: combine_sequences over the videos.
    class_hota = _hota_combined(seq_hota, 1)
    class_clear = _clear_final(_summed(seq_clear, (*_CLEAR_COUNTS, "MOTP_sum"), 1))
    class_id = _identity_final(_summed(seq_id, _ID_COUNTS, 1))

    class_av_hota = _class_averaged(class_hota, _HOTA_COUNTS, (*_HOTA_FLOATS, *_HOTA_ARRAYS))
    class_av_clear = _class_averaged(class_clear, _CLEAR_COUNTS, _CLEAR_FLOATS)
    class_av_id = _class_averaged(class_id, _ID_COUNTS, _ID_FLOATS)
    det_av_hota = _hota_combined(class_hota, 0)
    det_av_clear = _clear_final(_summed(class_clear, (*_CLEAR_COUNTS, "MOTP_sum"), 0))
    det_av_id = _identity_final(_summed(class_id, _ID_COUNTS, 0))
    per_category = {}
    for k, (cat_id, name) in enumerate(zip(category_ids, category_names)):
        figures = _summary(class_hota, class_clear, class_id, k)
        per_category[str(int(cat_id))] = {"name": str(name), **figures}
    return {
        "class_averaged": _summary(class_av_hota, class_av_clear, class_av_id),
        "detection_averaged": _summary(det_av_hota, det_av_clear, det_av_id),
        "per_category": per_category,
        "alphas": [float(a) for a in HOTA_ALPHAS],
        "curves": {
            "class_averaged": _curves(class_av_hota),
            "detection_averaged": _curves(det_av_hota),
        },
    }


def plot_hota(association: dict[str, Any], path: str | None = None, ax: Any = None) -> Any:
    """HOTA, DetA, AssA and LocA against the localisation threshold alpha (needs
    matplotlib), class-averaged solid and detection-averaged dashed; saved to
    `path` if given. Returns the matplotlib Axes."""
    from .plot import require_matplotlib

    require_matplotlib()
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI

    figure = None
    if ax is None:
        figure = Figure(figsize=(5, 4), layout="constrained")
        ax = figure.subplots()
    alphas = association["alphas"]
    colours = {"HOTA": "C3", "DetA": "C0", "AssA": "C2", "LocA": "C4"}
    for combo, style in (("class_averaged", "-"), ("detection_averaged", "--")):
        for field, colour in colours.items():
            label = f"{field} ({combo.split('_')[0]})"
            ax.plot(alphas, association["curves"][combo][field], style, color=colour, label=label)
    ax.set_xlabel("alpha (IoU threshold)")
    ax.set_ylabel("score")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, ncol=2)
    if figure is not None and path is not None:
        figure.savefig(path, dpi=100)
    return ax
