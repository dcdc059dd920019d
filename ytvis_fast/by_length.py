"""AP and AR by video length (short / medium / long videos).

Definition: a video's length is its number of frames (the ``length`` field, else
the number of ``file_names``). With edges (16, 32) a video is *short* when its
length is <= 16, *medium* when 16 < length <= 32 and *long* when length > 32;
other edges give one class per interval, each upper end inside. "Instances in
short videos" are the ground truth and predictions of the short videos: each
class's figures are exactly the 12 standard figures of the official evaluator
run with ``vidIds`` restricted to the videos of that class. IoU and matching are
per video, so they are shared with the AP evaluation; only the accumulation runs
again (natively) over each class's videos.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .params import DEFAULT_LENGTH_EDGES
from .summary import STAT_KEYS, summary_specs

__all__ = ["DEFAULT_LENGTH_EDGES", "length_classes", "length_metrics"]


def length_classes(edges: Sequence[int]) -> list[tuple[str, int, float]]:
    """(label, lowest length exclusive, highest length inclusive) of each class."""
    bounds = [int(e) for e in edges]
    if not bounds or any(b <= a for a, b in zip(bounds, bounds[1:])) or bounds[0] < 0:
        raise ValueError(
            f"length edges must be increasing non-negative integers, got {list(edges)}"
        )
    lows = [-1, *bounds]
    highs: list[float] = [*bounds, float("inf")]
    if len(bounds) == 2:
        labels = ["short", "medium", "long"]
    else:
        labels = [f"<={bounds[0]}"]
        labels += [f"{lo + 1}-{hi}" for lo, hi in zip(bounds, bounds[1:])]
        labels += [f">{bounds[-1]}"]
    return list(zip(labels, lows, highs))


def _mean_valid(values: np.ndarray) -> float:
    valid = values[values > -1]
    return float(np.mean(valid)) if valid.size else -1.0


def _stats(precision: np.ndarray, recall: np.ndarray, p: Any) -> dict[str, float]:
    """The 12 figures, sliced as the reference's summarize() does."""
    out: dict[str, float] = {}
    for key, spec in zip(STAT_KEYS, summary_specs(p.maxDets)):
        aind = [i for i, label in enumerate(p.areaRngLbl) if label == spec.area]
        mind = [i for i, m in enumerate(p.maxDets) if m == spec.max_dets]
        s = precision if spec.ap else recall
        if spec.iou is not None:
            s = s[np.where(spec.iou == np.asarray(p.iouThrs))[0]]
        s = s[:, :, :, aind, mind] if spec.ap else s[:, :, aind, mind]
        out[key] = _mean_valid(s)
    return out


def length_metrics(
    evaluator: Any, video_lengths: dict[int, int], edges: Sequence[int] = DEFAULT_LENGTH_EDGES
) -> dict[str, Any]:
    """Per length class: the 12 standard figures and the numbers of videos and
    non-crowd ground truth, from an evaluated `YTVOSeval`.

    `video_lengths` maps every evaluated video id to its number of frames.
    """
    p = evaluator._paramsEval
    native = evaluator._native
    video_ids = [int(v) for v in p.vidIds]
    missing = [v for v in video_ids if video_lengths.get(v, -1) < 0]
    if missing:
        raise ValueError(
            f"video {missing[0]}: no 'length' or 'file_names', so its length class is unknown"
        )
    lengths = np.array([video_lengths[v] for v in video_ids], dtype=np.int64)
    gt_store = evaluator.cocoGt._native_store(evaluator._strict)
    gt_videos = np.asarray(gt_store.video_ids)
    non_crowd = np.asarray(gt_store.iscrowd) == 0
    K = len(p.catIds) if p.useCats else 1
    cat_ids = set(int(c) for c in p.catIds)
    in_cats = (
        np.isin(np.asarray(gt_store.category_ids), list(cat_ids))
        if p.useCats
        else np.ones(len(gt_videos), bool)
    )
    classes: dict[str, Any] = {}
    for label, low, high in length_classes(edges):
        chosen = np.flatnonzero((lengths > low) & (lengths <= high))
        accumulation = native.accumulate(
            list(range(K)),
            list(range(len(p.areaRng))),
            [int(m) for m in p.maxDets],
            [int(i) for i in chosen],
            len(p.iouThrs),
            K,
            len(p.areaRng),
            np.asarray(p.recThrs, dtype=np.float64),
            evaluator.threads or 0,
        )
        precision, recall = accumulation.precision, accumulation.recall
        chosen_ids = [video_ids[i] for i in chosen]
        instances = int(np.count_nonzero(np.isin(gt_videos, chosen_ids) & non_crowd & in_cats))
        classes[label] = {
            "frames": [low + 1, None if high == float("inf") else int(high)],
            "videos": len(chosen),
            "instances": instances,
            "stats": _stats(precision, recall, p),
        }
    return classes
