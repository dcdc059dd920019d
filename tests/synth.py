"""Small seeded YouTube-VIS-format data sets, with every edge case on a switch.

`make_dataset(seed, **options)` returns (ground truth dict, results list).
Masks are moving rectangles and ellipses encoded with pycocotools; predictions
are noisy copies of the ground truth plus false positives.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from hypothesis import strategies as st
from pycocotools import mask as mask_utils


@dataclass(frozen=True)
class Options:
    absent_frames: bool = True  # None entries on both sides
    crowd: bool = False  # some crowd ground truth
    polygons: bool = False  # some ground truth as polygons
    uncompressed: bool = False  # some ground truth as uncompressed RLE
    mixed_resolutions: bool = True
    ties: bool = False  # scores rounded to one decimal
    many_predictions: bool = False  # > 100 predictions in one (video, category)
    empty_categories: bool = True  # categories with no ground truth
    videos_without_predictions: bool = False
    foreign_categories: bool = False  # predictions for categories absent from the video
    gt_id_zero: bool = False
    short_results: bool = False  # results lists shorter than the video
    size_mismatch: bool = False  # result masks of another size than the ground truth
    all_zero_masks: bool = False  # present but empty masks instead of None
    float_areas: bool = False  # ground-truth areas as non-integer floats
    empty_list_frames: bool = False  # [] and {} as absent frames


OPTION_NAMES = [f.name for f in fields(Options)]


def _encode(mask: np.ndarray) -> dict[str, Any]:
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {"size": [int(mask.shape[0]), int(mask.shape[1])], "counts": rle["counts"].decode()}


def _shape(
    rng: np.random.Generator, h: int, w: int, cy: float, cx: float, ry: float, rx: float
) -> np.ndarray:
    mask = np.zeros((h, w), dtype=np.uint8)
    ys, xs = np.mgrid[0:h, 0:w]
    if rng.random() < 0.5:
        mask[((ys - cy) / max(ry, 0.5)) ** 2 + ((xs - cx) / max(rx, 0.5)) ** 2 <= 1] = 1
    else:
        mask[max(int(cy - ry), 0) : int(cy + ry) + 1, max(int(cx - rx), 0) : int(cx + rx) + 1] = 1
    return mask


def _uncompressed(rle: dict[str, Any]) -> dict[str, Any]:
    """The same mask as uncompressed RLE: column-major runs, zeros first."""
    counts: list[int] = []
    previous, run = 0, 0
    for pixel in mask_utils.decode(rle).flatten(order="F"):
        if pixel != previous:
            counts.append(run)
            previous, run = pixel, 0
        run += 1
    counts.append(run)
    return {"size": rle["size"], "counts": counts}


def _polygon(mask_box: list[float], rng: np.random.Generator) -> list[list[float]]:
    x, y, w, h = mask_box
    poly = [
        x,
        y,
        x + w,
        y + rng.uniform(0, h),
        x + w * rng.uniform(0.3, 1),
        y + h,
        x,
        y + h * rng.uniform(0.5, 1),
    ]
    return [[round(float(v), 2) for v in poly]]


def make_dataset(
    seed: int,
    n_videos: int = 5,
    n_categories: int = 4,
    max_frames: int = 6,
    max_instances: int = 3,
    predictions_per_video: int = 8,
    **option_values: bool,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    opts = Options(**option_values)
    rng = np.random.default_rng(seed)
    sizes = [(24, 32), (20, 20), (32, 24)] if opts.mixed_resolutions else [(24, 32)]
    n_cats_used = n_categories - 1 if opts.empty_categories and n_categories > 1 else n_categories
    videos, annotations, results = [], [], []
    for v in range(1, n_videos + 1):
        h, w = sizes[int(rng.integers(len(sizes)))]
        length = int(rng.integers(1, max_frames + 1))
        videos.append(
            {
                "id": v,
                "height": h,
                "width": w,
                "length": length,
                "file_names": [f"{v}/{f}.jpg" for f in range(length)],
            }
        )
        tracks = []
        for _ in range(int(rng.integers(1, max_instances + 1))):
            cy, cx = rng.uniform(0, h), rng.uniform(0, w)
            ry, rx = rng.uniform(1, h / 2), rng.uniform(1, w / 2)
            dy, dx = rng.normal(0, 2), rng.normal(0, 2)
            category = int(rng.integers(1, n_cats_used + 1))
            frames = []
            for f in range(length):
                if opts.absent_frames and rng.random() < 0.2:
                    frames.append(None)
                else:
                    frames.append(_shape(rng, h, w, cy + f * dy, cx + f * dx, ry, rx))
            tracks.append((category, frames, (cy, cx, ry, rx, dy, dx)))
            segs = [None if m is None else _encode(m) for m in frames]
            areas: list[Any] = [None if m is None else int(m.sum()) for m in frames]
            boxes = [None if s is None else [float(b) for b in mask_utils.toBbox(s)] for s in segs]
            if opts.polygons and rng.random() < 0.5:
                segs = [s if s is None else _polygon(b, rng) for s, b in zip(segs, boxes)]
            elif opts.uncompressed and rng.random() < 0.5:
                segs = [s if s is None else _uncompressed(s) for s in segs]
            if opts.float_areas:
                areas = [a if a is None else a * 1.37 + 0.1 for a in areas]
            if opts.empty_list_frames:
                segs = [({} if rng.random() < 0.5 else []) if s is None else s for s in segs]
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "video_id": v,
                    "category_id": category,
                    "iscrowd": int(opts.crowd and rng.random() < 0.3),
                    "segmentations": segs,
                    "areas": areas,
                    "bboxes": boxes,
                    "height": h,
                    "width": w,
                    "length": 1,
                }
            )
        if opts.videos_without_predictions and v % 3 == 0:
            continue
        n_preds = predictions_per_video + (120 if opts.many_predictions and v == 1 else 0)
        for p in range(n_preds):
            category, frames, (cy, cx, ry, rx, dy, dx) = tracks[p % len(tracks)]
            noise = rng.uniform(0, 3) if p < 2 * len(tracks) else rng.uniform(3, 12)
            if opts.many_predictions and v == 1:
                category = tracks[0][0]
            if opts.foreign_categories and rng.random() < 0.3:
                category = int(rng.integers(1, n_categories + 1))
            segs = []
            for f, gt_mask in enumerate(frames):
                if rng.random() < 0.1 or (gt_mask is None and rng.random() < 0.7):
                    segs.append(None)
                    continue
                mh, mw = h, w
                if opts.size_mismatch and rng.random() < 0.2:
                    mh += 1
                mask = _shape(
                    rng,
                    mh,
                    mw,
                    cy + f * dy + rng.normal(0, noise),
                    cx + f * dx + rng.normal(0, noise),
                    ry * rng.uniform(0.7, 1.3),
                    rx * rng.uniform(0.7, 1.3),
                )
                if opts.all_zero_masks and rng.random() < 0.2:
                    mask[:] = 0
                segs.append(_encode(mask))
            if opts.short_results and rng.random() < 0.4:
                segs = segs[: int(rng.integers(0, len(segs) + 1))]
            if opts.empty_list_frames:
                segs = [[] if s is None and rng.random() < 0.5 else s for s in segs]
            score = float(rng.uniform(0.01, 1.0))
            score = round(score, 1) if opts.ties else round(score, 6)
            results.append(
                {"video_id": v, "category_id": category, "score": score, "segmentations": segs}
            )
    if opts.gt_id_zero and annotations:
        annotations[0]["id"] = 0
    categories = [
        {"id": c, "name": f"class{c}", "supercategory": "thing"} for c in range(1, n_categories + 1)
    ]
    gt = {"videos": videos, "categories": categories, "annotations": annotations}
    return gt, copy.deepcopy(results)


@st.composite
def st_dataset(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A generated data set with a drawn seed, size and edge cases."""
    seed = draw(st.integers(0, 2**31 - 1))
    options = {name: draw(st.booleans()) for name in OPTION_NAMES if name != "many_predictions"}
    gt, results = make_dataset(
        seed,
        n_videos=draw(st.integers(1, 5)),
        n_categories=draw(st.integers(1, 4)),
        max_frames=draw(st.integers(1, 6)),
        predictions_per_video=draw(st.integers(0, 10)),
        **options,
    )
    return gt, results
