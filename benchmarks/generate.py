"""Realistic synthetic YouTube-VIS data sets for benchmarks and the demo.

Ellipses move and grow through the frames of each video; predictions are noisy
copies (shifted, resized, frames dropped) plus false positives, with scores
that favour the better copies. Sizes of the presets follow real benchmarks.

    python benchmarks/generate.py ytvis19 OUT_DIR      # 302 videos, 10 predictions each
    python benchmarks/generate.py demo ytvis_fast/data # the sample shipped with the package
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pycocotools import mask as mask_utils


@dataclass(frozen=True)
class Preset:
    videos: int
    frames: tuple[int, int]
    instances: tuple[int, int]
    predictions: int
    resolutions: tuple[tuple[int, int], ...]
    categories: int = 40
    uncompressed_gt: bool = True


PRESETS = {
    "demo": Preset(
        6, (4, 8), (1, 3), 6, ((96, 128), (72, 96)), categories=5, uncompressed_gt=False
    ),
    "ytvis19": Preset(302, (5, 36), (1, 3), 10, ((720, 1280), (480, 640), (720, 960))),
    "ovis": Preset(140, (20, 120), (2, 10), 30, ((720, 1280), (540, 960)), categories=25),
    "ytvis19-100": Preset(302, (5, 36), (1, 3), 100, ((720, 1280), (480, 640), (720, 960))),
}


def _ellipse_counts(h: int, w: int, cy: float, cx: float, ry: float, rx: float) -> list[int]:
    """Uncompressed RLE (column-major runs, zeros first) of a filled ellipse,
    computed column by column without drawing the mask."""
    ry, rx = max(ry, 0.5), max(rx, 0.5)
    xs = np.arange(max(int(cx - rx) - 1, 0), min(int(cx + rx) + 2, w))
    t = 1.0 - ((xs - cx) / rx) ** 2
    keep = t >= 0
    xs, half = xs[keep], ry * np.sqrt(t[keep])
    lo = np.maximum(np.ceil(cy - half), 0).astype(np.int64)
    hi = np.minimum(np.floor(cy + half), h - 1).astype(np.int64)
    keep = lo <= hi
    xs, lo, hi = xs[keep], lo[keep], hi[keep]
    starts, ends = xs * h + lo, xs * h + hi + 1
    if len(starts) > 1:  # merge runs that touch across a column boundary
        touching = starts[1:] == ends[:-1]
        starts = np.concatenate([starts[:1], starts[1:][~touching]])
        ends = np.concatenate([ends[:-1][~touching], ends[-1:]])
    edges = np.empty(2 * len(starts), dtype=np.int64)
    edges[0::2], edges[1::2] = starts, ends
    counts = np.diff(np.concatenate([[0], edges, [h * w]]))
    if counts[-1] == 0:
        counts = counts[:-1]
    return [int(c) for c in counts]


def _encode(counts: list[int], h: int, w: int) -> dict[str, Any]:
    rle = mask_utils.frPyObjects({"size": [h, w], "counts": counts}, h, w)
    return {"size": [h, w], "counts": rle["counts"].decode()}


def _track(rng: np.random.Generator, h: int, w: int, length: int) -> list[tuple[float, ...]]:
    cy, cx = rng.uniform(0.2, 0.8) * h, rng.uniform(0.2, 0.8) * w
    ry, rx = rng.uniform(0.05, 0.3) * h, rng.uniform(0.05, 0.3) * w
    vy, vx = rng.normal(0, 0.01 * h), rng.normal(0, 0.01 * w)
    return [(cy + f * vy, cx + f * vx, ry * (1 + 0.02 * f), rx) for f in range(length)]


def _segmentations(
    rng: np.random.Generator,
    h: int,
    w: int,
    track: list[tuple[float, ...]],
    present: np.ndarray,
    jitter: float = 0.0,
    uncompressed: bool = False,
) -> tuple[list[Any], list[Any], list[Any]]:
    segs: list[Any] = []
    areas: list[Any] = []
    boxes: list[Any] = []
    for (cy, cx, ry, rx), here in zip(track, present):
        if not here:
            segs.append(None)
            areas.append(None)
            boxes.append(None)
            continue
        if jitter:
            cy, cx = cy + rng.normal(0, jitter * ry), cx + rng.normal(0, jitter * rx)
            ry *= rng.uniform(1 - jitter, 1 + jitter)
            rx *= rng.uniform(1 - jitter, 1 + jitter)
        counts = _ellipse_counts(h, w, cy, cx, ry, rx)
        rle = _encode(counts, h, w)
        # Ground truth keeps uncompressed RLE, as YouTube-VIS annotation files do.
        segs.append({"size": [h, w], "counts": counts} if uncompressed else rle)
        areas.append(int(sum(counts[1::2])))
        boxes.append([float(v) for v in mask_utils.toBbox(rle)])
    return segs, areas, boxes


def generate(preset: Preset, seed: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Returns (ground truth dict, results list)."""
    rng = np.random.default_rng(seed)
    categories = [
        {"id": c, "name": f"class_{c}", "supercategory": "object"}
        for c in range(1, preset.categories + 1)
    ]
    videos: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for v in range(1, preset.videos + 1):
        h, w = preset.resolutions[int(rng.integers(len(preset.resolutions)))]
        length = int(rng.integers(preset.frames[0], preset.frames[1] + 1))
        videos.append(
            {
                "id": v,
                "width": w,
                "height": h,
                "length": length,
                "file_names": [f"video_{v:04d}/{f:05d}.jpg" for f in range(length)],
            }
        )
        tracks = []
        for _ in range(int(rng.integers(preset.instances[0], preset.instances[1] + 1))):
            track = _track(rng, h, w, length)
            present = rng.random(length) > 0.1
            present[int(rng.integers(length))] = True
            category = int(rng.integers(1, preset.categories + 1))
            segs, areas, boxes = _segmentations(
                rng, h, w, track, present, uncompressed=preset.uncompressed_gt
            )
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "video_id": v,
                    "category_id": category,
                    "iscrowd": int(rng.random() < 0.03),
                    "segmentations": segs,
                    "areas": areas,
                    "bboxes": boxes,
                    "height": h,
                    "width": w,
                    "length": 1,
                }
            )
            tracks.append((track, category))
        for p in range(preset.predictions):
            if p < len(tracks) * 2:
                track, category = tracks[p % len(tracks)]
                jitter = 0.05 + 0.15 * (p // len(tracks))
                if rng.random() < 0.2:
                    category = int(rng.integers(1, preset.categories + 1))
                score = float(np.clip(rng.normal(0.8 - jitter, 0.1), 0.01, 1.0))
            else:
                track, category = (
                    _track(rng, h, w, length),
                    int(rng.integers(1, preset.categories + 1)),
                )
                jitter, score = 0.1, float(rng.uniform(0.01, 0.5))
            present = rng.random(length) > 0.05
            segs, _, _ = _segmentations(rng, h, w, track, present, jitter)
            results.append(
                {
                    "video_id": v,
                    "category_id": category,
                    "score": round(score, 5),
                    "segmentations": segs,
                }
            )
    gt = {
        "info": {"description": "synthetic YouTube-VIS-format data (ytvis_fast benchmarks)"},
        "licenses": [],
        "videos": videos,
        "categories": categories,
        "annotations": annotations,
    }
    return gt, results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("preset", choices=sorted(PRESETS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    gt, results = generate(PRESETS[args.preset], args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    prefix = "demo" if args.preset == "demo" else args.preset
    (args.out / f"{prefix}_gt.json").write_text(json.dumps(gt, separators=(",", ":")))
    (args.out / f"{prefix}_results.json").write_text(json.dumps(results, separators=(",", ":")))


if __name__ == "__main__":
    main()
