"""Error breakdown: how much AP each kind of error costs, with the definitions of
TIVE (Jia, Yang, Jia, Zhao, Zhou, Song, "TIVE: A Toolbox for Identifying Video
Instance Segmentation Errors", arXiv 2022 / Neurocomputing 2023), itself the video
version of TIDE (Bolya et al., 2020).

The definitions follow TIVE's released toolbox, restated here in prose from reading
it (the paper's methods section could not be consulted); no code of TIVE or TIDE is
used (the toolbox's licence is non-commercial). Let t_f = 0.5 (foreground) and
t_b = 0.1 (background) be the IoU thresholds and IoU the spatio-temporal mask IoU of
the AP evaluation (per-frame intersections summed over per-frame unions summed).

The base figure is AP at IoU t_f (the reference's AP50: area "all", maxDets 100,
101 recall points, mean over categories with ground truth). Every prediction kept
by that evaluation that is a false positive there (neither a true positive nor
ignored) gets the type of the first rule that fires, against the non-crowd ground
truth of its video in the evaluated categories (crowd ground truth is never a
target):

0. **background**: the video has no such ground truth;
1. **spatial** or **temporal** (localisation): t_b <= IoU <= t_f (both ends
   included) with g, the ground truth of its own category of highest IoU (the
   first in file order on ties; skipped when the video has none of its category).
   Over the frames of the video, against g: a frame where neither has a mask is
   skipped; one where only the prediction has a non-empty mask adds 1 to
   pred_frames; one where only g has a mask adds 1 to gt_frames; one where both do
   adds 1 to each. A frame is *good* when its mask IoU is > 0.1. With
   temporal_overlap = good / (gt_frames + pred_frames) the error is **spatial**
   when temporal_overlap >= 0.4, else **temporal** (0.1 and 0.4 are the
   toolbox's own constants, not t_b: `background` does not change them);
2. **classification**: IoU >= t_f with a ground truth of another category (the
   one of highest IoU is the target);
3. **duplicate**: IoU >= t_f with a ground truth of its category that a
   higher-scored prediction matched (a true positive: a ground truth whose id is 0
   never counts as matched, as in the reference's AP);
4. **background**: IoU <= t_b with every ground truth, of any category;
5. **both**: anything left (in practice IoU in (t_b, t_f) with a ground truth of
   another category and below t_b with every one of its own).

Quirks of the toolbox kept on purpose:

- temporal_overlap divides by the *sum* gt_frames + pred_frames, not by the number
  of frames where either is present, so a prediction present in exactly the
  frames of its target scores good / (2 * frames) <= 0.5: it is spatial only when
  at least 80% of those frames are good;
- a ground-truth mask counts in a frame whenever it is given (even if empty), a
  prediction's only when it has foreground;
- localisation is tested before classification, so a prediction with
  t_b <= IoU <= t_f on its own category is spatial or temporal even when it
  overlaps a ground truth of another category by t_f or more;
- both ends of rule 1 are included. IoU exactly t_f with an unmatched ground truth
  of its category would have matched it, so a false positive gets there only when
  that ground truth is already matched: it is then a localisation error (not a
  duplicate), and its fix removes it as a duplicate's would. Background (rule 4)
  includes IoU exactly t_b, which rule 1 has already taken for its own category;
- dAP is clamped at 0.

Edge cases decided here: frames are walked in step up to the shorter of the two
lists, as the IoU does; a frame IoU is 0 where either mask is empty or their sizes
differ; temporal_overlap is 0 (temporal) when no frame counts (possible only with
t_b = 0). Only false positives are typed: the toolbox also types the predictions
AP ignores (those on crowd ground truth), which here have no error type.

A non-ignored ground truth is **missed** when no true positive matched it and it
is not the target of a classification, spatial or temporal error.

Fixing the errors of one type and recomputing AP gives that type's dAP =
max(AP fixed - base AP, 0), one type at a time (not cumulative):

- classification: the prediction takes its target's category and matches it;
- spatial, temporal: the prediction keeps its category and matches its target;
- in these three, only when the target has no true positive and the prediction
  is the best-ranked of all classification, spatial and temporal errors claiming
  that target (score, then video, then rank; whatever type each claimant has);
  otherwise the prediction is removed; a fix never un-matches a true positive;
- duplicate, both, background: the prediction is removed;
- missed: the missed ground truth is removed (its category's count of ground
  truth goes down by one).

A dAP is None when the fix leaves no category with ground truth (AP undefined).

Two summary figures, clamped the same way, fix all false positives (every one
removed) and all false negatives (every ground truth without a true positive
removed). Predictions keep their score and so their rank; categories left without
ground truth drop out of the mean, as in AP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._native import _core

__all__ = ["ERROR_TYPES", "error_breakdown", "plot_errors"]

ERROR_TYPES = (
    "classification",
    "duplicate",
    "spatial",
    "temporal",
    "both",
    "background",
    "missed",
)
_CLS, _DUP, _SPATIAL, _TEMPORAL, _BOTH, _BKG = range(6)
_GOOD_FRAME = 0.1  # a frame of a localisation error is good above this mask IoU
_SPATIAL_OVERLAP = 0.4  # spatial from this temporal overlap on, temporal below


@dataclass
class _Ranked:
    """The predictions of the AP evaluation at IoU t_f, one entry per prediction."""

    category: np.ndarray  # position in catIds
    video: np.ndarray  # position in vidIds
    position: np.ndarray  # rank inside its (category, video) list
    score: np.ndarray
    tp: np.ndarray  # bool
    fp: np.ndarray  # bool
    store: np.ndarray  # index in the results store
    matched_gt: np.ndarray  # gt store index of a true positive, else -1


def _average_precision(
    category: np.ndarray,
    video: np.ndarray,
    position: np.ndarray,
    score: np.ndarray,
    tp: np.ndarray,
    fp: np.ndarray,
    npig: np.ndarray,
    rec_thrs: np.ndarray,
) -> float:
    """AP exactly as the reference's accumulate() and summarize() compute it at one
    IoU threshold, area and maxDets, from per-prediction true/false positive flags."""
    K, R = len(npig), len(rec_thrs)
    order = np.lexsort((position, video, -score, category))
    category, tp, fp = category[order], tp[order], fp[order]
    bounds = np.searchsorted(category, np.arange(K + 1), side="left")
    precision = -np.ones((R, K))
    eps = np.spacing(1)
    for k in range(K):
        if npig[k] == 0:
            continue
        lo, hi = bounds[k], bounds[k + 1]
        tp_sum = np.cumsum(tp[lo:hi]).astype(np.float64)
        fp_sum = np.cumsum(fp[lo:hi]).astype(np.float64)
        q = np.zeros(R)
        nd = hi - lo
        if nd:
            rc = tp_sum / npig[k]
            pr = tp_sum / (fp_sum + tp_sum + eps)
            pr = np.maximum.accumulate(pr[::-1])[::-1]
            inds = np.searchsorted(rc, rec_thrs, side="left")
            inside = inds < nd
            q[inside] = pr[inds[inside]]
        precision[:, k] = q
    valid = precision[precision > -1]
    return float(np.mean(valid)) if valid.size else -1.0


def _ragged(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated ranges [start, start + length) and each element's offset in its range."""
    total = int(lengths.sum())
    first = np.repeat(np.cumsum(lengths) - lengths, lengths)
    within = np.arange(total) - first
    return np.repeat(starts, lengths) + within, within


def _entries(evaluator: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Category position, video position, entry and bucket of every (category, video)
    at area "all", categories outermost as the accumulation walks them."""
    p = evaluator._paramsEval
    K, V, A = len(p.catIds), len(p.vidIds), len(p.areaRng)
    k, v = np.divmod(np.arange(K * V), V)
    return k, v, k * A * V + v, v * K + k


def _ranked_predictions(evaluator: Any, t: int, max_det: int) -> tuple[_Ranked, np.ndarray, Any]:
    """Per-prediction flags at threshold index t, area "all", and npig per category."""
    n = evaluator._native
    p = evaluator._paramsEval
    K, T = len(p.catIds), n.threshold_count
    k, v, e, b = _entries(evaluator)
    egt, edt = n.entry_gt_offsets.astype(np.int64), n.entry_dt_offsets.astype(np.int64)
    bgt, bdt = n.bucket_gt_offsets.astype(np.int64), n.bucket_dt_offsets.astype(np.int64)
    not_ignored = np.concatenate([[0], np.cumsum(n.gt_ignore == 0)])
    npig = np.bincount(k, weights=not_ignored[egt[e + 1]] - not_ignored[egt[e]], minlength=K)
    npig = npig.astype(np.int64)
    D = edt[e + 1] - edt[e]
    keep = np.minimum(D, max_det)
    flat, position = _ragged(edt[e] * T + t * D, keep)
    owner = np.repeat(np.arange(len(e)), keep)
    ignored = n.dt_ignore[flat].astype(bool)
    nonzero = n.dt_matched_nonzero[flat].astype(bool)
    stores = n.bucket_dt_index[np.repeat(bdt[b], keep) + position].astype(np.int64)
    tp = nonzero & ~ignored
    matched = np.full(len(flat), -1, dtype=np.int64)
    slot = egt[e][owner[tp]] + n.dt_match[flat][tp]  # position in the entry's matching order
    matched[tp] = n.bucket_gt_index[bgt[b][owner[tp]] + n.gt_order[slot]]
    dt_scores = np.asarray(evaluator.cocoDt._native_store(evaluator._strict).scores)
    ranked = _Ranked(
        category=k[owner],
        video=v[owner],
        position=position,
        score=dt_scores[stores],
        tp=tp,
        fp=~nonzero & ~ignored,
        store=stores,
        matched_gt=matched,
    )
    return ranked, npig, p


def _best_per_owner(
    owner: np.ndarray, starts: np.ndarray, lengths: np.ndarray, values: np.ndarray, gts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Highest value per owner (the first candidate in order on ties) and its ground
    truth; -1 for owners without candidates. Candidates come grouped by owner."""
    order = np.lexsort((-values, owner))
    iou = np.full(len(lengths), -1.0)
    gt = np.full(len(lengths), -1, dtype=np.int64)
    has = lengths > 0
    iou[has] = values[order][starts[has]]
    gt[has] = gts[order][starts[has]]
    return iou, gt


def _temporal_overlaps(
    gt_store: Any, dt_store: Any, gts: np.ndarray, dts: np.ndarray, threads: int
) -> np.ndarray:
    """TIVE's temporal overlap of each (ground truth, prediction) pair: frames with a
    mask IoU > _GOOD_FRAME over gt_frames + pred_frames (see the module docstring),
    walking the frames of both in step up to the shorter list. The good frames are
    counted natively, each pair's masks decoded only where an IoU above the
    threshold is possible."""
    g_off = np.asarray(gt_store.frame_offsets, dtype=np.int64)
    d_off = np.asarray(dt_store.frame_offsets, dtype=np.int64)
    lengths = np.minimum(g_off[gts + 1] - g_off[gts], d_off[dts + 1] - d_off[dts])
    g_frames, within = _ragged(g_off[gts], lengths)
    d_frames = np.repeat(d_off[dts], lengths) + within
    owner = np.repeat(np.arange(len(gts)), lengths)
    has_dt = np.asarray(dt_store.frame_areas)[d_frames] > 0  # foreground only
    has_gt = np.asarray(gt_store.frame_present, dtype=bool)[g_frames]  # even if empty
    counted = np.bincount(owner, weights=has_gt, minlength=len(gts))
    counted += np.bincount(owner, weights=has_dt, minlength=len(gts))
    good = _core.good_frame_counts(
        gt_store, dt_store, gts.tolist(), dts.tolist(), _GOOD_FRAME, threads
    ).astype(np.float64)
    return np.divide(good, counted, out=np.zeros(len(gts)), where=counted > 0)


def _classify(
    evaluator: Any, ranked: _Ranked, t_f: float, t_b: float
) -> tuple[np.ndarray, np.ndarray]:
    """Error type (-1: none) and target ground truth (store index, -1: none) of
    every false positive, from its IoUs with every ground truth of its video: those
    of its category from the AP buckets, the others computed natively."""
    n = evaluator._native
    p = evaluator._paramsEval
    gt_store = evaluator.cocoGt._native_store(evaluator._strict)
    dt_store = evaluator.cocoDt._native_store(evaluator._strict)
    threads = evaluator.threads or 0
    kinds = np.full(len(ranked.store), -1, dtype=np.int64)
    targets = np.full(len(ranked.store), -1, dtype=np.int64)
    fp_at = np.flatnonzero(ranked.fp)
    if fp_at.size == 0:
        return kinds, targets
    crowd = np.asarray(gt_store.iscrowd) != 0

    # Rule 0: videos with non-crowd ground truth in the evaluated categories.
    gt_videos = np.asarray(gt_store.video_ids)
    counted = ~crowd & np.isin(np.asarray(gt_store.category_ids), [int(c) for c in p.catIds])
    vid_ids = np.asarray([int(v) for v in p.vidIds], dtype=np.int64)
    has_gt = np.isin(vid_ids, gt_videos[counted])[ranked.video[fp_at]]

    # Same category: the prediction's row of its bucket's IoU matrix.
    K = len(p.catIds)
    bucket = ranked.video[fp_at] * K + ranked.category[fp_at]
    bgt = n.bucket_gt_offsets.astype(np.int64)
    G = bgt[bucket + 1] - bgt[bucket]
    iou_off = n.iou_offsets.astype(np.int64)
    cells, column = _ragged(iou_off[bucket] + ranked.position[fp_at] * G, G)
    owner = np.repeat(np.arange(fp_at.size), G)
    same_gts = n.bucket_gt_index[np.repeat(bgt[bucket], G) + column].astype(np.int64)
    same_vals = np.where(crowd[same_gts], -1.0, n.iou_values[cells])
    starts = np.cumsum(G) - G
    same_iou, same_gt = _best_per_owner(owner, starts, G, same_vals, same_gts)
    # The same, over the ground truth a true positive matched (for duplicates).
    matched = np.isin(same_gts, ranked.matched_gt[ranked.tp])
    used_iou, _ = _best_per_owner(owner, starts, G, np.where(matched, same_vals, -1.0), same_gts)

    # Other categories of the video; pairs that cannot reach t_b are reported as 0,
    # which only needs to stay <= t_b.
    offsets, other_gts, values = _core.video_tube_ious(
        gt_store, dt_store, ranked.store[fp_at].tolist(), [int(c) for c in p.catIds], t_b, threads
    )
    offsets = np.asarray(offsets, dtype=np.int64)
    other_gts = np.asarray(other_gts, dtype=np.int64)
    lengths = np.diff(offsets)
    owner = np.repeat(np.arange(fp_at.size), lengths)
    other_vals = np.where(crowd[other_gts], -1.0, values)
    other_iou, other_gt = _best_per_owner(owner, offsets[:-1], lengths, other_vals, other_gts)

    # The first rule that fires; same_iou is -1 without ground truth of the category.
    left = has_gt.copy()
    loc = left & (same_iou >= t_b) & (same_iou <= t_f)
    left &= ~loc
    cls = left & (other_iou >= t_f)
    left &= ~cls
    dup = left & (used_iou >= t_f)
    left &= ~dup
    bkg = ~has_gt | (left & (np.maximum(same_iou, other_iou) <= t_b))
    kind = np.full(fp_at.size, _BOTH, dtype=np.int64)
    target = np.full(fp_at.size, -1, dtype=np.int64)
    kind[bkg] = _BKG
    kind[dup] = _DUP
    kind[cls], target[cls] = _CLS, other_gt[cls]
    if loc.any():
        overlap = _temporal_overlaps(
            gt_store, dt_store, same_gt[loc], ranked.store[fp_at][loc], threads
        )
        kind[loc] = np.where(overlap >= _SPATIAL_OVERLAP, _SPATIAL, _TEMPORAL)
        target[loc] = same_gt[loc]
    kinds[fp_at], targets[fp_at] = kind, target
    return kinds, targets


def _fixable(ranked: _Ranked, kinds: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Whether each classification, spatial or temporal error becomes a true positive
    when its type is fixed: its target has no true positive and it is the best-ranked
    (score, then video, then rank) of the errors of any of these types claiming it.
    Such an error that is not fixable is removed by its fix."""
    fixable = np.zeros(len(ranked.store), dtype=bool)
    at = np.flatnonzero(np.isin(kinds, (_CLS, _SPATIAL, _TEMPORAL)))
    order = at[np.lexsort((ranked.position[at], ranked.video[at], -ranked.score[at]))]
    claimed = set(ranked.matched_gt[ranked.tp].tolist())
    for i in order.tolist():
        target = int(targets[i])
        if target not in claimed:
            claimed.add(target)
            fixable[i] = True
    return fixable


def error_breakdown(
    evaluator: Any, *, foreground: float = 0.5, background: float = 0.1
) -> dict[str, Any]:
    """The error breakdown of an evaluated `YTVOSeval` (see the module docstring)."""
    p = evaluator._paramsEval
    if not p.useCats:
        raise ValueError("the error breakdown needs useCats=1")
    if not 0 <= background < foreground <= 1:
        raise ValueError(
            f"need 0 <= background < foreground <= 1, got {background} and {foreground}"
        )
    where = np.flatnonzero(np.asarray(p.iouThrs) == foreground)
    if where.size == 0:
        raise ValueError(f"the foreground threshold {foreground} must be one of params.iouThrs")
    max_det = int(p.maxDets[2] if len(p.maxDets) > 2 else p.maxDets[-1])
    ranked, npig, _ = _ranked_predictions(evaluator, int(where[0]), max_det)
    kinds, targets = _classify(evaluator, ranked, foreground, background)
    rec_thrs = np.asarray(p.recThrs, dtype=np.float64)

    def ap(keep: np.ndarray, tp: np.ndarray, category: np.ndarray, counts: np.ndarray) -> float:
        return _average_precision(
            category[keep],
            ranked.video[keep],
            ranked.position[keep],
            ranked.score[keep],
            tp[keep],
            (~tp)[keep] & (ranked.fp | ranked.tp)[keep],
            counts,
            rec_thrs,
        )

    everything = np.ones(len(ranked.store), dtype=bool)
    base = ap(everything, ranked.tp, ranked.category, npig)

    # Ground truth: detected (a true positive), targets of errors, missed.
    gt_store = evaluator.cocoGt._native_store(evaluator._strict)
    detected = set(ranked.matched_gt[ranked.tp].tolist())
    cat_pos = {int(c): k for k, c in enumerate(p.catIds)}
    gt_cats = np.asarray(gt_store.category_ids)
    undetected = _undetected_by_category(evaluator, detected, len(p.catIds))
    explained = set(targets[np.isin(kinds, (_CLS, _SPATIAL, _TEMPORAL))].tolist())
    missed = {k: [g for g in gts if g not in explained] for k, gts in undetected.items()}

    def gain(fixed: float) -> float | None:
        return _gain(fixed, base)

    dap: dict[str, float | None] = {}
    # Predictions matched by a fix, or removed when their target is taken.
    fixable = _fixable(ranked, kinds, targets)
    for name, kind in (("classification", _CLS), ("spatial", _SPATIAL), ("temporal", _TEMPORAL)):
        to_tp = (kinds == kind) & fixable
        removed = (kinds == kind) & ~fixable
        category = ranked.category.copy()
        if kind == _CLS:
            moved = kinds == _CLS
            category[moved] = [cat_pos[int(gt_cats[g])] for g in targets[moved]]
        dap[name] = gain(ap(~removed, ranked.tp | to_tp, category, npig))
    for name, kind in (("duplicate", _DUP), ("both", _BOTH), ("background", _BKG)):
        dap[name] = gain(ap(kinds != kind, ranked.tp, ranked.category, npig))
    fewer = npig.copy()
    for k, gts in missed.items():
        fewer[k] -= len(gts)
    dap["missed"] = gain(ap(everything, ranked.tp, ranked.category, fewer))
    only_found = npig - np.array([len(undetected.get(k, [])) for k in range(len(npig))])
    special = {
        "false_positives": gain(ap(~ranked.fp, ranked.tp, ranked.category, npig)),
        "false_negatives": gain(ap(everything, ranked.tp, ranked.category, only_found)),
    }
    counts = {
        name: int(np.count_nonzero(kinds == kind)) for kind, name in enumerate(ERROR_TYPES[:6])
    }
    counts["missed"] = sum(len(gts) for gts in missed.values())
    return {
        "thresholds": {"foreground": foreground, "background": background},
        "AP": base,
        "dAP": {name: dap[name] for name in ERROR_TYPES},
        "dAP_special": special,
        "counts": counts,
    }


def _gain(fixed: float, base: float) -> float | None:
    """dAP of a fix: AP fixed - base AP, clamped at 0; None when either AP is undefined
    (no category with ground truth)."""
    if fixed == -1.0 or base == -1.0:
        return None
    return max(float(fixed - base), 0.0)


def _undetected_by_category(evaluator: Any, detected: set[int], K: int) -> dict[int, list[int]]:
    """Non-ignored ground truth (area "all") without a true positive, per category position."""
    n = evaluator._native
    k, _, e, b = _entries(evaluator)
    egt = n.entry_gt_offsets.astype(np.int64)
    bgt = n.bucket_gt_offsets.astype(np.int64)
    G = egt[e + 1] - egt[e]
    slots, _ = _ragged(egt[e], G)
    owner = np.repeat(np.arange(len(e)), G)
    stores = n.bucket_gt_index[bgt[b][owner] + n.gt_order[slots]].astype(np.int64)
    wanted = (n.gt_ignore[slots] == 0) & ~np.isin(stores, list(detected))
    out: dict[int, list[int]] = {}
    for category, store in zip(k[owner][wanted].tolist(), stores[wanted].tolist()):
        out.setdefault(category, []).append(store)
    return out


def plot_errors(errors: dict[str, Any], path: str | None = None, ax: Any = None) -> Any:
    """Bar chart of the dAP of each error type (needs matplotlib); saved to `path` if
    given. Returns the matplotlib Axes."""
    from .plot import require_matplotlib

    require_matplotlib()
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI

    names = list(ERROR_TYPES)
    values = [100 * (errors["dAP"][name] or 0.0) for name in names]
    figure = None
    if ax is None:
        figure = Figure(figsize=(7, 3.2), layout="constrained")
        ax = figure.subplots()
    ax.bar(range(len(names)), values, color="#4c72b0")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel("dAP (AP points)")
    ap_at = errors["thresholds"]["foreground"]
    ax.set_title(f"AP gained by fixing each error type (AP@{ap_at:g} = {100 * errors['AP']:.1f})")
    for x, value in enumerate(values):
        ax.annotate(f"{value:.1f}", (x, value), ha="center", va="bottom", fontsize=8)
    if figure is not None and path is not None:
        figure.savefig(path, dpi=100)
    return ax
