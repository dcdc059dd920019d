"""Streaming update() against the obvious alternative: pycocotools' encode per frame.

    python benchmarks/bench_streaming.py [--repeat 7] [--threads 0]

One video of 10 predicted instances x 36 frames x 720 x 1280 (bool, C order, as a
model outputs them). Times `VideoEvaluator.update()` (native encoding plus that
video's IoU against its ground truth) and pycocotools' `encode` of the same masks,
frame by frame (np.asfortranarray per frame, as users write it) and instance by
instance ((H, W, T) Fortran arrays); prints medians and the ratio to the faster
pycocotools variant. The run also checks that update() and update_rle() on
pycocotools' RLE give the same state, so a fast wrong answer fails.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Callable

import numpy as np
from pycocotools import mask as mask_utils

import ytvis_fast
from ytvis_fast import _core

N, T, H, W = 10, 36, 720, 1280


def make_video(seed: int = 0) -> tuple[dict[str, Any], np.ndarray, np.ndarray, np.ndarray]:
    """Ground truth of one video and noisy predicted masks of its instances."""
    rng = np.random.default_rng(seed)
    ys, xs = np.ogrid[0:H, 0:W]
    gt_masks = np.zeros((N, T, H, W), dtype=bool)
    masks = np.zeros((N, T, H, W), dtype=bool)
    for i in range(N):
        cy, cx = rng.uniform(100, H - 100), rng.uniform(100, W - 100)
        ry, rx = rng.uniform(30, 150), rng.uniform(30, 200)
        dy, dx = rng.normal(0, 3), rng.normal(0, 3)
        for t in range(T):
            y, x = cy + t * dy, cx + t * dx
            gt_masks[i, t] = ((ys - y) / ry) ** 2 + ((xs - x) / rx) ** 2 <= 1
            y, x = y + rng.normal(0, 4), x + rng.normal(0, 4)
            masks[i, t] = ((ys - y) / (ry * 1.05)) ** 2 + ((xs - x) / (rx * 0.95)) ** 2 <= 1
    annotations = []
    for i in range(N):
        segs = [{"size": [H, W], "counts": c} for c in _core.rle_encode(gt_masks[i], threads=0)]
        annotations.append(
            {
                "id": i + 1,
                "video_id": 1,
                "category_id": 1 + i % 3,
                "iscrowd": 0,
                "segmentations": segs,
                "areas": [int(m.sum()) for m in gt_masks[i]],
            }
        )
    gt = {
        "videos": [{"id": 1, "height": H, "width": W, "length": T}],
        "categories": [{"id": c, "name": f"class{c}"} for c in (1, 2, 3)],
        "annotations": annotations,
    }
    scores = rng.uniform(0.1, 1.0, N)
    labels = np.array([1 + i % 3 for i in range(N)])
    return gt, masks, scores, labels


def median_seconds(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=0, help="native threads (0: every core)")
    args = parser.parse_args()
    gt, masks, scores, labels = make_video()
    evaluator = ytvis_fast.VideoEvaluator(gt, threads=args.threads or None)

    def streaming_update() -> None:
        evaluator.reset()
        evaluator.update(1, masks, scores, labels)

    def coco_per_frame() -> list[list[dict[str, Any]]]:
        return [
            [mask_utils.encode(np.asfortranarray(masks[i, t].view(np.uint8))) for t in range(T)]
            for i in range(N)
        ]

    def coco_per_instance() -> list[list[dict[str, Any]]]:
        return [
            mask_utils.encode(np.asfortranarray(masks[i].view(np.uint8).transpose(1, 2, 0)))
            for i in range(N)
        ]

    # Correctness: the native encoding gives the IoU rows of pycocotools' RLE.
    streaming_update()
    ours = evaluator.state_dict()
    evaluator.reset()
    segmentations = [
        [{"size": [H, W], "counts": r["counts"].decode()} for r in frames]
        for frames in coco_per_frame()
    ]
    evaluator.update_rle(1, segmentations, scores, labels)
    theirs = evaluator.state_dict()
    for key in ("ious", "areas", "scores", "labels"):
        assert np.array_equal(ours[key], theirs[key]), key

    t_update = median_seconds(streaming_update, args.repeat)
    t_frame = median_seconds(coco_per_frame, args.repeat)
    t_instance = median_seconds(coco_per_instance, args.repeat)
    fastest = min(t_frame, t_instance)
    print(f"masks: {N} x {T} x {H} x {W} bool ({masks.nbytes / 1e6:.0f} MB), {args.repeat} runs")
    print(f"VideoEvaluator.update()              median {t_update * 1e3:8.1f} ms")
    print(f"pycocotools encode, per frame        median {t_frame * 1e3:8.1f} ms")
    print(f"pycocotools encode, per instance     median {t_instance * 1e3:8.1f} ms")
    print(f"speed-up of update() over the faster pycocotools encode: {fastest / t_update:.1f}x")


if __name__ == "__main__":
    main()
