"""Error breakdown (TIVE-style dAP per error type).

Three kinds of checks: the base AP is the reference's AP50 bit for bit; the
fixes that only remove predictions or ground truth (duplicate, both, background,
missed, all false positives, all false negatives) equal the real reference's AP50
on the results or ground truth without them (removing a prediction that matched
nothing, or a ground truth nothing matched, changes no other match); and every
error type on hand-built videos.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from pycocotools import mask as mask_utils
from reference import run_reference
from synth import make_dataset

import ytvis_fast
from ytvis_fast.errors import (
    ERROR_TYPES,
    _classify,
    _ranked_predictions,
    _undetected_by_category,
    plot_errors,
)

DATASETS = [
    (0, {}),
    (1, {"crowd": True}),
    (2, {"ties": True, "foreign_categories": True}),
    (3, {"gt_id_zero": True}),
    (4, {"empty_categories": False, "videos_without_predictions": True}),
]


def _evaluator(gt: dict[str, Any], results: list[dict[str, Any]]) -> Any:
    api = ytvis_fast.YTVOS(copy.deepcopy(gt), verbose=False)
    evaluator = ytvis_fast.YTVOSeval(api, api.loadRes(copy.deepcopy(results)), verbose=False)
    evaluator.evaluate()
    return evaluator


@pytest.mark.parametrize(("seed", "options"), DATASETS)
def test_base_is_reference_ap50(seed: int, options: dict[str, bool]) -> None:
    gt, results = make_dataset(seed, n_videos=8, max_frames=8, **options)
    result = ytvis_fast.evaluate(gt, results, metrics="errors")
    assert result.errors is not None
    assert result.errors["AP"] == run_reference(gt, results).stats[1]
    assert result.errors["AP"] == result.stats["AP50"]


@pytest.mark.parametrize(("seed", "options"), DATASETS)
def test_removal_fixes_match_reference(seed: int, options: dict[str, bool]) -> None:
    gt, results = make_dataset(seed, n_videos=8, max_frames=8, **options)
    evaluator = _evaluator(gt, results)
    ranked, _, _ = _ranked_predictions(evaluator, 0, 100)
    kinds, _ = _classify(evaluator, ranked, 0.5, 0.1)
    errors = ytvis_fast.evaluate(gt, results, metrics="errors").errors
    assert errors is not None
    base = errors["AP"]

    def without(store_indices: np.ndarray) -> float:
        dropped = set(store_indices.tolist())
        kept = [r for i, r in enumerate(results) if i not in dropped]
        return run_reference(gt, kept).stats[1]

    for kind, name in enumerate(ERROR_TYPES[:6]):
        if name in ("duplicate", "both", "background"):
            expected = without(ranked.store[kinds == kind]) - base
            assert errors["dAP"][name] == pytest.approx(expected, abs=1e-15), name
    expected_fp = without(ranked.store[ranked.fp]) - base
    assert errors["dAP_special"]["false_positives"] == pytest.approx(expected_fp, abs=1e-15)

    # Ground truth nothing matched, by store index (= annotation position).
    detected = set(ranked.matched_gt[ranked.tp].tolist())
    undetected = _undetected_by_category(evaluator, detected, len(evaluator.params.catIds))
    missing = {g for gts in undetected.values() for g in gts}
    reduced = copy.deepcopy(gt)
    reduced["annotations"] = [a for i, a in enumerate(gt["annotations"]) if i not in missing]
    if reduced["annotations"]:
        expected_fn = run_reference(reduced, results).stats[1] - base
        assert errors["dAP_special"]["false_negatives"] == pytest.approx(expected_fn, abs=1e-15)


# -- hand-built videos: 8 x 8 frames, 4 frames, categories 1 and 2 -----------------------
H = W = 8
FRAMES = 4


def _rle(rows: slice, cols: slice) -> dict[str, Any]:
    mask = np.zeros((H, W), dtype=np.uint8)
    mask[rows, cols] = 1
    rle = mask_utils.encode(np.asfortranarray(mask))
    return {"size": [H, W], "counts": rle["counts"].decode()}


A = _rle(slice(0, 4), slice(0, 4))  # a 4 x 4 square, top left
B = _rle(slice(4, 8), slice(4, 8))  # bottom right
A_SHIFTED = _rle(slice(0, 4), slice(2, 6))  # IoU 8 / 24 = 1/3 with A
CORNER = _rle(slice(6, 8), slice(0, 2))  # touches neither A nor B


def _case(gts: list[tuple[int, list[Any]]], preds: list[tuple[int, float, list[Any]]]):
    video = {"id": 1, "height": H, "width": W, "length": FRAMES, "file_names": ["f"] * FRAMES}
    annotations = []
    for n, (category, segs) in enumerate(gts, start=1):
        annotations.append(
            {
                "id": n,
                "video_id": 1,
                "category_id": category,
                "iscrowd": 0,
                "segmentations": segs,
                "areas": [None if s is None else 16 for s in segs],
                "bboxes": [None] * FRAMES,
            }
        )
    gt = {
        "videos": [video],
        "categories": [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}],
        "annotations": annotations,
    }
    results = [
        {"video_id": 1, "category_id": c, "score": s, "segmentations": segs} for c, s, segs in preds
    ]
    errors = ytvis_fast.evaluate(gt, results, metrics="errors").errors
    assert errors is not None
    return errors


def _only(errors: dict[str, Any], name: str, count: int = 1) -> None:
    for other in ERROR_TYPES:
        assert errors["counts"][other] == (count if other == name else 0), other
        if other != name:
            assert errors["dAP"][other] == 0.0, other


ONE = 1 / (1 + np.spacing(1))  # precision of a lone true positive


def test_no_error() -> None:
    errors = _case([(1, [A] * FRAMES)], [(1, 0.9, [A] * FRAMES)])
    _only(errors, "classification", 0)
    assert errors["AP"] == pytest.approx(ONE, abs=1e-15)


def test_classification() -> None:
    errors = _case([(1, [A] * FRAMES)], [(2, 0.9, [A] * FRAMES)])
    _only(errors, "classification")
    assert errors["AP"] == 0.0
    assert errors["dAP"]["classification"] == pytest.approx(1.0, abs=1e-15)


def test_duplicate() -> None:
    # Ranked TP, FP (duplicate of A), TP: precision 2/3 at full recall.
    errors = _case(
        [(1, [A] * FRAMES), (1, [B] * FRAMES)],
        [(1, 0.9, [A] * FRAMES), (1, 0.8, [A] * FRAMES), (1, 0.7, [B] * FRAMES)],
    )
    _only(errors, "duplicate")
    base = (51 * ONE + 50 * 2 / (3 + np.spacing(1))) / 101
    assert errors["AP"] == pytest.approx(base, abs=1e-15)
    assert errors["dAP"]["duplicate"] == pytest.approx(ONE - base, abs=1e-15)


def test_spatial() -> None:
    # On the object in every frame (frame IoU 1/3) but poor masks.
    errors = _case([(1, [A] * FRAMES)], [(1, 0.9, [A_SHIFTED] * FRAMES)])
    _only(errors, "spatial")
    assert errors["dAP"]["spatial"] == pytest.approx(1.0, abs=1e-15)


def test_temporal() -> None:
    # Perfect in frame 0, then lost: spatio-temporal IoU 1/4, frame IoU 0 later.
    errors = _case([(1, [A] * FRAMES)], [(1, 0.9, [A, None, None, None])])
    _only(errors, "temporal")
    assert errors["dAP"]["temporal"] == pytest.approx(1.0, abs=1e-15)
    # Switching to another object is temporal too.
    errors = _case([(1, [A] * FRAMES)], [(1, 0.9, [A, A, CORNER, CORNER])])
    _only(errors, "temporal")


def test_both_background_and_missed() -> None:
    errors = _case(
        [(1, [A] * FRAMES), (2, [B] * FRAMES)],
        [(1, 0.9, [A] * FRAMES), (2, 0.95, [A_SHIFTED] * FRAMES)],
    )
    # The category-2 prediction overlaps A (category 1) by 1/3: both; B is missed.
    assert errors["counts"]["both"] == 1 and errors["counts"]["missed"] == 1
    assert errors["dAP"]["both"] == pytest.approx(0.0, abs=1e-15)  # no TP in category 2 anyway
    assert errors["dAP"]["missed"] == pytest.approx(ONE / 2, abs=1e-15)  # category 2 drops out
    errors = _case([(1, [A] * FRAMES)], [(1, 0.95, [CORNER] * FRAMES), (1, 0.9, [A] * FRAMES)])
    _only(errors, "background")
    assert errors["AP"] == pytest.approx(0.5, abs=1e-15)  # FP then TP: precision 1/2
    assert errors["AP"] + errors["dAP"]["background"] == pytest.approx(ONE, abs=1e-15)


def test_fix_that_leaves_no_ground_truth_is_undefined() -> None:
    errors = _case([(1, [A] * FRAMES)], [(1, 0.9, [CORNER] * FRAMES)])
    assert errors["dAP_special"]["false_negatives"] is None
    assert errors["dAP"]["background"] == 0.0  # still no true positive


def test_two_fixes_claiming_one_target() -> None:
    # Both predictions are spatial errors on A: the better-ranked one matches it,
    # the other is removed, so the fixed AP is that of one true positive.
    errors = _case(
        [(1, [A] * FRAMES)], [(1, 0.9, [A_SHIFTED] * FRAMES), (1, 0.8, [A_SHIFTED] * FRAMES)]
    )
    assert errors["counts"]["spatial"] == 2
    assert errors["dAP"]["spatial"] == pytest.approx(ONE, abs=1e-15)


def test_plot(tmp_path: Any) -> None:
    pytest.importorskip("matplotlib")
    gt, results = make_dataset(5, n_videos=4)
    errors = ytvis_fast.evaluate(gt, results, metrics="errors").errors
    assert errors is not None
    path = tmp_path / "errors.png"
    ax = plot_errors(errors, str(path))
    assert path.stat().st_size > 0
    assert [t.get_text() for t in ax.get_xticklabels()] == list(ERROR_TYPES)


def test_pruned_cross_category_ious() -> None:
    """Pairs that provably stay below the floor are 0; every other IoU is exact."""
    from ytvis_fast import _core

    gt, results = make_dataset(6, n_videos=8, max_frames=8, foreign_categories=True)
    api = ytvis_fast.YTVOS(gt, verbose=False)
    dt = api.loadRes(results)
    gs, ds = api._native_store(), dt._native_store()
    everyone = list(range(len(results)))
    cats = api.getCatIds()
    offsets, gts, exact = _core.video_tube_ious(gs, ds, everyone, cats, 0.0)
    _, pruned_gts, pruned = _core.video_tube_ious(gs, ds, everyone, cats, 0.3)
    assert np.array_equal(gts, pruned_gts)
    kept = exact >= 0.3
    assert np.array_equal(pruned[kept], exact[kept])
    assert np.all((pruned == exact) | (pruned == 0))
    # Against pycocotools, frame by frame: other categories of the same video only.
    checked = 0
    for i, result in enumerate(results):
        for pair in range(int(offsets[i]), int(offsets[i + 1])):
            ann = gt["annotations"][int(gts[pair])]
            assert ann["video_id"] == result["video_id"]
            assert ann["category_id"] != result["category_id"]
            inter = union = 0
            for d, g in zip(result["segmentations"], ann["segmentations"]):
                if d and g:
                    inter += int(mask_utils.area(mask_utils.merge([d, g], True)))
                    union += int(mask_utils.area(mask_utils.merge([d, g], False)))
                elif d or g:
                    union += int(mask_utils.area(d or g))
            assert exact[pair] == (inter / union if union else 0.0)
            checked += 1
    assert checked > 10
