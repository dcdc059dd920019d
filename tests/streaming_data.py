"""Predictions of synthetic data sets as a training loop holds them: per video,
dense (N, T, H, W) masks, scores and labels; and the results file equal to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pycocotools import mask as mask_utils

from ytvis_fast import EvalResult


@dataclass
class VideoPredictions:
    video_id: int
    masks: np.ndarray  # (N, T, H, W) bool
    segmentations: list[list[Any]]  # as in the results, None where absent
    scores: np.ndarray
    labels: np.ndarray


def per_video(gt: dict[str, Any], results: list[dict[str, Any]]) -> list[VideoPredictions]:
    """The results grouped by video (first appearance order), in file order inside one."""
    videos = {v["id"]: v for v in gt["videos"]}
    grouped: dict[int, list[dict[str, Any]]] = {}
    for r in results:
        grouped.setdefault(r["video_id"], []).append(r)
    out = []
    for video_id, rs in grouped.items():
        v = videos[video_id]
        masks = np.zeros((len(rs), v["length"], v["height"], v["width"]), dtype=bool)
        for i, r in enumerate(rs):
            for f, seg in enumerate(r["segmentations"]):
                if seg:
                    masks[i, f] = mask_utils.decode(seg).astype(bool)
        out.append(
            VideoPredictions(
                video_id,
                masks,
                [r["segmentations"] for r in rs],
                np.array([r["score"] for r in rs]),
                np.array([r["category_id"] for r in rs]),
            )
        )
    return out


def results_file(videos: list[VideoPredictions]) -> list[dict[str, Any]]:
    """A results list holding exactly the dense masks (every frame as pycocotools RLE)."""
    results = []
    for v in videos:
        _, frames, h, w = v.masks.shape
        for i in range(len(v.scores)):
            segs = []
            for f in range(frames):
                rle = mask_utils.encode(np.asfortranarray(v.masks[i, f].view(np.uint8)))
                segs.append({"size": [h, w], "counts": rle["counts"].decode()})
            results.append(
                {
                    "video_id": v.video_id,
                    "category_id": int(v.labels[i]),
                    "score": float(v.scores[i]),
                    "segmentations": segs,
                }
            )
    return results


def assert_same(actual: EvalResult, expected: EvalResult) -> None:
    assert actual.stats == expected.stats
    for key in ("precision", "recall", "scores"):
        a, e = getattr(actual, key), getattr(expected, key)
        assert a.shape == e.shape and np.array_equal(a, e), key
    assert actual.category_ids == expected.category_ids
    assert actual.params["vidIds"] == expected.params["vidIds"]
