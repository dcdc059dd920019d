"""evaluate() is strict: inconsistent input is an error that names the place."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pycocotools import mask as mask_utils

import ytvis_fast

# precision = tp / (tp + fp + eps) with eps = np.spacing(1), as in the reference.
PERFECT_PRECISION = 1 / (1 + np.spacing(1))


def _rle(h: int, w: int, fill: bool = True) -> dict[str, Any]:
    mask = np.zeros((h, w), dtype=np.uint8, order="F")
    if fill:
        mask[1:3, 1:3] = 1
    rle = mask_utils.encode(mask)
    return {"size": [h, w], "counts": rle["counts"].decode()}


def _data() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    gt = {
        "videos": [{"id": 7, "width": 8, "height": 6, "length": 3}],
        "categories": [{"id": 1, "name": "thing"}],
        "annotations": [
            {
                "id": 1,
                "video_id": 7,
                "category_id": 1,
                "iscrowd": 0,
                "segmentations": [_rle(6, 8)] * 3,
                "areas": [4, 4, 4],
            }
        ],
    }
    results = [{"video_id": 7, "category_id": 1, "score": 0.5, "segmentations": [_rle(6, 8)] * 3}]
    return gt, results


def test_valid_input_evaluates() -> None:
    gt, results = _data()
    assert ytvis_fast.evaluate(gt, results).stats["AP"] == PERFECT_PRECISION


def test_short_segmentations_list_is_an_error() -> None:
    gt, results = _data()
    results[0]["segmentations"] = results[0]["segmentations"][:2]
    with pytest.raises(
        ValueError, match=r"result 0: video 7 has 3 frames but 'segmentations' has 2"
    ):
        ytvis_fast.evaluate(gt, results)


def test_mask_size_mismatch_is_an_error() -> None:
    gt, results = _data()
    results[0]["segmentations"][1] = _rle(5, 8)
    with pytest.raises(ValueError, match=r"result 0, frame 1: mask is 5x8 but video 7 is 6x8"):
        ytvis_fast.evaluate(gt, results)


def test_unknown_video_is_an_error() -> None:
    gt, results = _data()
    results[0]["video_id"] = 99
    with pytest.raises(
        ValueError, match=r"result 0: video_id 99 is not a video of the ground truth"
    ):
        ytvis_fast.evaluate(gt, results)


def test_bad_rle_names_file_annotation_and_frame(tmp_path: Path) -> None:
    gt, results = _data()
    bad = copy.deepcopy(results)
    bad[0]["segmentations"][2] = {"size": [6, 8], "counts": "!!"}
    path = tmp_path / "res.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(ValueError, match=r"res\.json: result 0 .*frame 2"):
        ytvis_fast.evaluate(gt, path)


def test_missing_score_is_an_error() -> None:
    gt, results = _data()
    del results[0]["score"]
    with pytest.raises(ValueError, match=r"result 0: missing 'score'"):
        ytvis_fast.evaluate(gt, results)


def test_nan_score_is_an_error() -> None:
    gt, results = _data()
    results[0]["score"] = float("nan")
    with pytest.raises(ValueError, match=r"result 0: 'score' must be finite"):
        ytvis_fast.evaluate(gt, results)


def test_results_must_be_a_list(tmp_path: Path) -> None:
    gt, results = _data()
    path = tmp_path / "res.json"
    path.write_text(json.dumps({"annotations": results}))
    with pytest.raises(
        ValueError, match=r"res\.json: results must be a JSON array of objects, got dict"
    ):
        ytvis_fast.evaluate(gt, path)


def test_empty_results_give_zero_ap() -> None:
    gt, _ = _data()
    result = ytvis_fast.evaluate(gt, [])
    assert result.stats["AP"] == 0.0
    assert result.stats["APs"] == 0.0
    assert result.stats["APl"] == -1.0
