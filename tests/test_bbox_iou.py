"""Tube box IoU (iouType="bbox"), checked on cases computed by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ytvis_fast

# precision = tp / (tp + fp + eps) with eps = np.spacing(1), as in the reference.
PERFECT_PRECISION = 1 / (1 + np.spacing(1))


def _gt(boxes_per_instance: list[list[list[float] | None]], length: int) -> dict[str, Any]:
    return {
        "videos": [{"id": 1, "width": 100, "height": 100, "length": length}],
        "categories": [{"id": 1, "name": "thing"}],
        "annotations": [
            {
                "id": i + 1,
                "video_id": 1,
                "category_id": 1,
                "iscrowd": 0,
                "segmentations": [None] * length,
                "bboxes": boxes,
                "areas": [b[2] * b[3] if b else None for b in boxes],
            }
            for i, boxes in enumerate(boxes_per_instance)
        ],
    }


def _result(boxes: list[list[float] | None], score: float = 0.9) -> dict[str, Any]:
    return {"video_id": 1, "category_id": 1, "score": score, "bboxes": boxes}


def _iou(gt: dict[str, Any], results: list[dict[str, Any]]) -> np.ndarray:
    api = ytvis_fast.YTVOS(gt, verbose=False)
    dt = api.loadRes(results)
    evaluator = ytvis_fast.YTVOSeval(api, dt, "bbox", verbose=False)
    evaluator.evaluate()
    return evaluator.ious[(1, 1)]


def test_identical_tubes_have_iou_one() -> None:
    boxes = [[10, 10, 20, 20], [12, 10, 20, 20], None]
    assert _iou(_gt([boxes], 3), [_result(boxes)]).tolist() == [[1.0]]


def test_sum_of_intersections_over_sum_of_unions() -> None:
    # Frame 0: boxes 10x10 overlapping in 5x10 = 50, union 150.
    # Frame 1: only the ground truth (area 100) -> union 100.
    # Frame 2: disjoint 10x10 boxes -> intersection 0, union 200.
    gt_boxes = [[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10]]
    dt_boxes = [[5, 0, 10, 10], None, [50, 50, 10, 10]]
    iou = _iou(_gt([gt_boxes], 3), [_result(dt_boxes)])
    assert iou[0, 0] == 50 / (150 + 100 + 200)


def test_fractional_boxes_and_several_instances() -> None:
    gt_boxes = [[[0, 0, 4, 4]], [[2.5, 2.5, 2, 2]]]
    dt_boxes = [[1, 1, 2, 2]]
    iou = _iou(_gt(gt_boxes, 1), [_result(dt_boxes)])
    # With gt 1: intersection 4, union 16 + 4 - 4 = 16.
    # With gt 2: overlap [2.5, 3] x [2.5, 3] = 0.25, union 4 + 4 - 0.25.
    assert iou.tolist() == [[4 / 16, 0.25 / (8 - 0.25)]]


def test_boxes_derived_from_masks_when_absent() -> None:
    pytest.importorskip("pycocotools")
    from pycocotools import mask as mask_utils

    mask = np.zeros((20, 30), dtype=np.uint8, order="F")
    mask[2:6, 3:9] = 1  # box [3, 2, 6, 4]
    rle = mask_utils.encode(mask)
    rle["counts"] = rle["counts"].decode()
    gt = {
        "videos": [{"id": 1, "width": 30, "height": 20, "length": 1}],
        "categories": [{"id": 1, "name": "thing"}],
        "annotations": [
            {
                "id": 1,
                "video_id": 1,
                "category_id": 1,
                "iscrowd": 0,
                "segmentations": [rle],
                "areas": [24],
            }
        ],
    }
    result = {"video_id": 1, "category_id": 1, "score": 1.0, "bboxes": [[3, 2, 3, 4]]}
    iou = _iou(gt, [result])
    assert iou.tolist() == [[12 / 24]]


def test_bbox_metrics_perfect_prediction() -> None:
    boxes = [[10, 10, 20, 20], [11, 10, 20, 20]]
    result = ytvis_fast.evaluate(_gt([boxes], 2), [_result(boxes)], "bbox")
    assert result.stats["AP"] == PERFECT_PRECISION
    assert result.stats["AR1"] == 1.0
