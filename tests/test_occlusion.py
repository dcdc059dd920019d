"""OVIS occlusion AP/AR against the reference evaluator, and the score and bucket edges by hand.

OVIS's evaluator (its cocoapi fork's ``oviseval.py``) is not on PyPI. It is the
YouTube-VIS evaluator with one more ground-truth filter: a ground truth is ignored
when its occlusion score is outside the occlusion range (ends inside), exactly as
when its mean area is outside the area range; predictions are filtered by area
only, and its occlusion figures use the area range "all". The real reference
(mmdet 3.3.0's ytviseval) therefore computes the same numbers when each ground
truth's mean area *is* its occlusion score (``areas = [score]``; a zero area is
dropped from the mean, which gives 0 as well), the area ranges are the occlusion
ranges, and every prediction's mean area is the range's lower end, so that no
prediction is ever filtered (as in OVIS, where every area is inside "all"). IoU
does not read ``areas``, so matching sees the same IoU matrices.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import random
from typing import Any

import numpy as np
import pytest
from reference import REFERENCE_API, REFERENCE_EVAL, numpy_float_shim
from synth import make_dataset

import ytvis_fast
from ytvis_fast.occlusion import (
    OCCLUSION_RANGES,
    OCCLUSION_STAT_KEYS,
    ground_truth_scores,
    occlusion_accumulate,
    occlusion_score,
    occlusion_summary_lines,
)

LABELS = ["no_occlusion", "slight_occlusion", "severe_occlusion"]


def with_occlusion(gt: dict[str, Any], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    gt = copy.deepcopy(gt)
    for ann in gt["annotations"]:
        # Mostly one label per instance, so that every range gets ground truth.
        weights = rng.choice([(8, 1, 1), (1, 8, 1), (1, 1, 8), (1, 1, 1)])
        labels: list[Any] = [rng.choices(LABELS, weights)[0] for _ in ann["segmentations"]]
        # Unlabelled frames are dropped from the score; keep at least one label.
        for f in range(1, len(labels)):
            if rng.random() < 0.2:
                labels[f] = None
        ann["occlusion"] = labels
    return gt


def reference_evaluated(
    gt: dict[str, Any], results: list[dict[str, Any]], low: float, high: float
) -> Any:
    """The reference evaluator, after evaluate(), with the occlusion score in place of
    the area (see above): one range [low, high] labelled "all"."""
    gt = copy.deepcopy(gt)
    for ann in gt["annotations"]:
        ann["areas"] = [occlusion_score(ann["occlusion"])]
    with numpy_float_shim(), contextlib.redirect_stdout(io.StringIO()):
        api = REFERENCE_API.YTVIS(gt)
        dt = api.loadRes(copy.deepcopy(results))
        for ann in dt.dataset["annotations"]:
            ann["areas"] = [low]
        evaluator = REFERENCE_EVAL.YTVISeval(api, dt, "segm")
        evaluator.params.areaRng = [[low, high]]
        evaluator.params.areaRngLbl = ["all"]
        evaluator.evaluate()
    return evaluator


def reference_range(
    gt: dict[str, Any], results: list[dict[str, Any]], low: float, high: float
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Precision, recall, AP and AR of the reference run of reference_evaluated()."""
    evaluator = reference_evaluated(gt, results, low, high)
    with numpy_float_shim(), contextlib.redirect_stdout(io.StringIO()):
        evaluator.accumulate()
        evaluator.summarize()
    precision = evaluator.eval["precision"][:, :, :, 0, :]
    recall = evaluator.eval["recall"][:, :, 0, :]
    # stats[0]: AP at maxDets 100; stats[8]: AR at maxDets[2] (also 100), as OVIS's.
    return precision, recall, float(evaluator.stats[0]), float(evaluator.stats[8])


@pytest.mark.parametrize(
    ("seed", "options"),
    [(0, {}), (1, {}), (2, {"crowd": True}), (3, {"ties": True}), (4, {"many_predictions": True})],
)
def test_matches_reference(seed: int, options: dict[str, bool]) -> None:
    gt, results = make_dataset(seed, n_videos=7, max_frames=8, max_instances=4, **options)
    gt = with_occlusion(gt, seed)
    ours = ytvis_fast.evaluate(gt, results, metrics=("ap", "occlusion"))
    assert ours.occlusion is not None
    stats = ours.occlusion["stats"]
    assert list(stats) == list(OCCLUSION_STAT_KEYS)
    for key, value in ours.stats.items():
        assert stats[key] == value

    gt_api = ytvis_fast.YTVOS(copy.deepcopy(gt), verbose=False)
    evaluator = ytvis_fast.YTVOSeval(gt_api, gt_api.loadRes(copy.deepcopy(results)), verbose=False)
    evaluator.evaluate()
    scores = ground_truth_scores(gt["annotations"])
    precision, recall = occlusion_accumulate(evaluator, scores)
    for o, (name, (low, high)) in enumerate(OCCLUSION_RANGES.items()):
        ref_precision, ref_recall, ref_ap, ref_ar = reference_range(gt, results, low, high)
        assert np.array_equal(precision[:, :, :, o, :], ref_precision), name
        assert np.array_equal(recall[:, :, o, :], ref_recall), name
        assert stats[f"AP_{name}"] == ref_ap, name
        assert stats[f"AR_{name}"] == ref_ar, name


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["no_occlusion"], 0.0),
        (["severe_occlusion"], 0.75),
        (["slight_occlusion", "severe_occlusion"], 0.75),  # top ceil(2 / 2) = 1
        (["no_occlusion", "no_occlusion", "slight_occlusion"], 0.125),  # top 2 of 3
        (["severe_occlusion", None, "no_occlusion", "slight_occlusion"], 0.5),  # None dropped
        (["no_occlusion"] * 3 + ["slight_occlusion", "severe_occlusion"], 1 / 3),  # top 3 of 5
        ([None, "slight_occlusion", None], 0.25),
    ],
)
def test_occlusion_score_by_hand(labels: list[Any], expected: float) -> None:
    assert occlusion_score(labels) == expected


def test_occlusion_score_errors() -> None:
    with pytest.raises(ValueError, match="no frame has an occlusion label"):
        occlusion_score([None, None], where="annotation 3")
    with pytest.raises(ValueError, match="annotation 3, frame 1: occlusion label 'partial'"):
        occlusion_score(["no_occlusion", "partial"], where="annotation 3")
    with pytest.raises(ValueError, match=r"annotation 0 \(id 7, video 1\): no per-frame"):
        ground_truth_scores([{"id": 7, "video_id": 1, "segmentations": []}])


def _square(h: int, w: int) -> dict[str, Any]:
    # A full-frame mask as uncompressed RLE: zero zeros, then h * w ones.
    return {"size": [h, w], "counts": [0, h * w]}


def _one_instance(labels: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One video, one ground truth with the given occlusion labels, one perfect prediction."""
    h, w, n = 4, 4, len(labels)
    gt = {
        "videos": [{"id": 1, "height": h, "width": w, "length": n, "file_names": ["f"] * n}],
        "categories": [{"id": 1, "name": "thing"}],
        "annotations": [
            {
                "id": 1,
                "video_id": 1,
                "category_id": 1,
                "iscrowd": 0,
                "segmentations": [_square(h, w)] * n,
                "areas": [h * w] * n,
                "bboxes": [[0, 0, w, h]] * n,
                "occlusion": labels,
            }
        ],
    }
    from pycocotools import mask as mask_utils

    rle = mask_utils.encode(np.asfortranarray(np.ones((h, w), np.uint8)))
    seg = {"size": [h, w], "counts": rle["counts"].decode()}
    results = [{"video_id": 1, "category_id": 1, "score": 0.9, "segmentations": [seg] * n}]
    return gt, results


@pytest.mark.parametrize(
    ("labels", "inside"),
    [
        (["no_occlusion"], {"light"}),  # 0
        (["slight_occlusion"], {"light", "medium"}),  # 0.25: both ends are inside
        (["no_occlusion", "slight_occlusion", "severe_occlusion"], {"medium", "heavy"}),  # 0.5
        (["severe_occlusion", "no_occlusion", "severe_occlusion"], {"heavy"}),  # 0.75
        (["no_occlusion", "no_occlusion", "slight_occlusion"], {"light"}),  # 0.125
    ],
)
def test_bucket_edges_are_inclusive(labels: list[str], inside: set[str]) -> None:
    gt, results = _one_instance(labels)
    result = ytvis_fast.evaluate(gt, results, metrics="occlusion")
    assert result.occlusion is not None
    stats = result.occlusion["stats"]
    for name in OCCLUSION_RANGES:
        if name in inside:
            # Precision is tp / (tp + fp + eps): a perfect match gives 1 - 2**-52.
            assert stats[f"AP_{name}"] == pytest.approx(1.0, abs=1e-15), name
            assert stats[f"AR_{name}"] == 1.0, name
        else:  # no ground truth in the range: undefined
            assert stats[f"AP_{name}"] == -1.0, name
            assert stats[f"AR_{name}"] == -1.0, name
        assert result.occlusion["instances"][name] == int(name in inside)


def test_summary_lines_and_json() -> None:
    gt, results = make_dataset(5, n_videos=4)
    result = ytvis_fast.evaluate(with_occlusion(gt, 5), results, metrics=["occlusion"])
    assert result.occlusion is not None
    lines = occlusion_summary_lines(
        result.occlusion["stats"], result.params["maxDets"], result.params["iouThrs"]
    )
    assert len(lines) == 18
    head = " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | occ= light"
    assert lines[6].startswith(head)
    assert lines[-1].endswith(f"= {result.occlusion['stats']['AR_heavy']:0.3f}")
    assert result.to_dict()["occlusion"]["stats"] == result.occlusion["stats"]


def test_missing_labels_are_an_error() -> None:
    gt, results = make_dataset(6, n_videos=3)
    with pytest.raises(ValueError, match=r"annotation 0 .*no per-frame 'occlusion' list"):
        ytvis_fast.evaluate(gt, results, metrics="occlusion")


def test_unknown_metric_is_an_error() -> None:
    gt, results = make_dataset(6, n_videos=2)
    with pytest.raises(ValueError, match="unknown metric 'mota'"):
        ytvis_fast.evaluate(gt, results, metrics="ap,mota")


def test_native_file_reader_agrees_with_python(tmp_path: Any) -> None:
    gt, results = make_dataset(14, n_videos=6, max_frames=9)
    gt = with_occlusion(gt, 14)
    path = tmp_path / "gt.json"
    path.write_text(json.dumps(gt))
    from ytvis_fast import _core

    native = _core.read_occlusion_scores(str(path))
    assert np.array_equal(native, ground_truth_scores(gt["annotations"]))
    from_file = ytvis_fast.evaluate(path, results, metrics="occlusion")
    from_dict = ytvis_fast.evaluate(gt, results, metrics="occlusion")
    assert from_file.occlusion == from_dict.occlusion


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["no_occlusion", None, "partly"], r"annotation 1, frame 2: occlusion label 'partly'"),
        ([None, None, None], r"annotation 1 \(id 2, video 1\): no per-frame 'occlusion' list"),
        ("severe_occlusion", r"annotation 1 \(id 2, video 1\): no per-frame 'occlusion' list"),
        (["no_occlusion", 3, None], r"annotation 1, frame 1: occlusion label is not a string"),
    ],
)
def test_native_file_reader_errors(tmp_path: Any, labels: Any, message: str) -> None:
    gt, results = _one_instance(["no_occlusion"] * 3)
    second = copy.deepcopy(gt["annotations"][0])
    second.update(id=2, occlusion=labels)
    gt["annotations"].append(second)
    path = tmp_path / "gt.json"
    path.write_text(json.dumps(gt))
    with pytest.raises(ValueError, match=message):
        ytvis_fast.evaluate(path, results, metrics="occlusion")


def test_threads_do_not_change_figures() -> None:
    gt, results = make_dataset(15, n_videos=8, max_frames=8)
    gt = with_occlusion(gt, 15)
    metrics = "occlusion,errors,length"
    one = ytvis_fast.evaluate(gt, results, metrics=metrics, threads=1).to_dict()
    two = ytvis_fast.evaluate(gt, results, metrics=metrics, threads=2).to_dict()
    assert one == two
