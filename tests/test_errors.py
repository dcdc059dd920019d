"""Error breakdown (dAP per error type, with TIVE's definitions).

Four kinds of checks: the base AP is the reference's AP50 bit for bit; the fixes
that only remove predictions or ground truth (duplicate, both, background, missed,
all false positives, all false negatives) equal the real reference's AP50 on the
results or ground truth without them (removing a prediction that matched nothing,
or a ground truth nothing matched, changes no other match); every false positive
of seeded synthetic data gets the type and target of an independent, rule-by-rule
implementation on the reference's matches and pycocotools masks; and hand-built
videos whose expected types and dAP are worked out by hand from the definitions,
one per rule and per edge (thresholds hit exactly, frames that count or not).
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
    _gain,
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
            expected = max(without(ranked.store[kinds == kind]) - base, 0.0)
            assert errors["dAP"][name] == pytest.approx(expected, abs=1e-15), name
    expected_fp = max(without(ranked.store[ranked.fp]) - base, 0.0)
    assert errors["dAP_special"]["false_positives"] == pytest.approx(expected_fp, abs=1e-15)

    # Ground truth nothing matched, by store index (= annotation position).
    detected = set(ranked.matched_gt[ranked.tp].tolist())
    undetected = _undetected_by_category(evaluator, detected, len(evaluator.params.catIds))
    missing = {g for gts in undetected.values() for g in gts}
    reduced = copy.deepcopy(gt)
    reduced["annotations"] = [a for i, a in enumerate(gt["annotations"]) if i not in missing]
    if reduced["annotations"]:
        expected_fn = max(run_reference(reduced, results).stats[1] - base, 0.0)
        assert errors["dAP_special"]["false_negatives"] == pytest.approx(expected_fn, abs=1e-15)


# -- the rules against an independent implementation on synthetic data ------------------


def _tube_iou(d: list[Any], g: list[Any]) -> float:
    """The reference's spatio-temporal IoU, with pycocotools."""
    inter = union = 0
    for dm, gm in zip(d, g):
        if dm and gm:
            inter += int(mask_utils.area(mask_utils.merge([dm, gm], True)))
            union += int(mask_utils.area(mask_utils.merge([dm, gm], False)))
        elif dm or gm:
            union += int(mask_utils.area(dm or gm))
    return inter / union if union else 0.0


def _temporal_overlap(d: list[Any], g: list[Any]) -> float:
    """good / (gt_frames + pred_frames), frame by frame with pycocotools."""
    good = gt_frames = pred_frames = 0
    for dm, gm in zip(d, g):
        has_pred = bool(dm) and int(mask_utils.area(dm)) > 0
        gt_frames += bool(gm)
        pred_frames += has_pred
        if gm and has_pred:
            inter = int(mask_utils.area(mask_utils.merge([dm, gm], True)))
            union = int(mask_utils.area(mask_utils.merge([dm, gm], False)))
            good += union > 0 and inter / union > 0.1
    return good / (gt_frames + pred_frames) if gt_frames + pred_frames else 0.0


def _oracle(gt: dict[str, Any], results: list[dict[str, Any]]) -> dict[int, tuple[str, int]]:
    """(error type, target annotation position or -1) of every false positive (by
    result index), from the reference's matches at IoU 0.5, area "all", and the rules
    written out one by one (t_f = 0.5, t_b = 0.1)."""
    t_f, t_b = 0.5, 0.1
    ref = run_reference(gt, results)
    all_range = list(ref.evaluator.params.areaRng[0])
    position = {a["id"]: i for i, a in enumerate(gt["annotations"])}
    false_positives, used = [], set()
    for record in ref.eval_imgs:
        if record is None or list(record["aRng"]) != all_range:
            continue
        for j, dt_id in enumerate(record["dtIds"]):
            match = int(record["dtMatches"][0][j])
            if record["dtIgnore"][0][j]:
                continue
            if match:
                used.add(position[match])
            else:
                false_positives.append(dt_id - 1)  # loadRes numbers results from 1
    anns = gt["annotations"]
    out = {}
    for r in false_positives:
        pred = results[r]
        segs = pred["segmentations"]
        gts = [
            i for i, a in enumerate(anns) if a["video_id"] == pred["video_id"] and not a["iscrowd"]
        ]
        if not gts:
            out[r] = ("background", -1)
            continue
        ious = {i: _tube_iou(segs, anns[i]["segmentations"]) for i in gts}
        same = [i for i in gts if anns[i]["category_id"] == pred["category_id"]]
        other = [i for i in gts if anns[i]["category_id"] != pred["category_id"]]
        best_same = max(same, key=lambda i: ious[i]) if same else -1  # first on ties
        best_other = max(other, key=lambda i: ious[i]) if other else -1
        if same and t_b <= ious[best_same] <= t_f:
            overlap = _temporal_overlap(segs, anns[best_same]["segmentations"])
            out[r] = ("spatial" if overlap >= 0.4 else "temporal", best_same)
        elif other and ious[best_other] >= t_f:
            out[r] = ("classification", best_other)
        elif any(ious[i] >= t_f for i in same if i in used):
            out[r] = ("duplicate", -1)
        elif max(ious.values()) <= t_b:
            out[r] = ("background", -1)
        else:
            out[r] = ("both", -1)
    return out


ORACLE_DATASETS = [
    *DATASETS,
    (7, {"all_zero_masks": True, "short_results": True, "empty_list_frames": True}),
    (8, {"foreign_categories": True, "all_zero_masks": True}),
    (9, {"crowd": True, "short_results": True}),
]


def test_types_match_an_independent_implementation() -> None:
    seen: set[str] = set()
    for seed, options in ORACLE_DATASETS:
        gt, results = make_dataset(seed, n_videos=10, max_frames=8, **options)
        evaluator = _evaluator(gt, results)
        ranked, _, _ = _ranked_predictions(evaluator, 0, 100)
        kinds, targets = _classify(evaluator, ranked, 0.5, 0.1)
        expected = _oracle(gt, results)
        assert sorted(ranked.store[ranked.fp].tolist()) == sorted(expected), seed
        for store, kind, target in zip(ranked.store.tolist(), kinds.tolist(), targets.tolist()):
            if store in expected:
                assert (ERROR_TYPES[kind], target) == expected[store], (seed, store)
                seen.add(ERROR_TYPES[kind])
    # Every rule fired somewhere.
    assert seen == set(ERROR_TYPES) - {"missed"}, seen


# -- hand-built videos: 8 x 8 frames, categories 1 and 2 ---------------------------------
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
A_HALF = _rle(slice(0, 4), slice(0, 2))  # inside A: IoU 8 / 16 = 1/2
A_TENTH = _rle(slice(3, 4), slice(2, 8))  # 2 of its 6 pixels in A: IoU 2 / 20 = 0.1
A_TWENTIETH = _rle(slice(3, 4), slice(3, 8))  # 1 of its 5 pixels in A: IoU 1 / 20
CORNER = _rle(slice(6, 8), slice(0, 2))  # touches neither A nor B
EMPTY = _rle(slice(0, 0), slice(0, 0))  # a mask without foreground


def _case(gts: list[tuple[Any, ...]], preds: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The error breakdown of hand-built videos. Ground truth: (category, masks) or
    (category, masks, video, iscrowd); predictions: (category, score, masks) or
    (category, score, masks, video). A video is as long as its longest list."""
    lengths: dict[int, int] = {}
    for video, segs in [(g[2] if len(g) > 2 else 1, g[1]) for g in gts] + [
        (p[3] if len(p) > 3 else 1, p[2]) for p in preds
    ]:
        lengths[video] = max(lengths.get(video, 0), len(segs))
    videos = [
        {"id": v, "height": H, "width": W, "length": n, "file_names": ["f"] * n}
        for v, n in sorted(lengths.items())
    ]
    annotations = []
    for n, (category, segs, *rest) in enumerate(gts, start=1):
        annotations.append(
            {
                "id": n,
                "video_id": rest[0] if rest else 1,
                "category_id": category,
                "iscrowd": rest[1] if len(rest) > 1 else 0,
                "segmentations": segs,
                "areas": [None if s is None else int(mask_utils.area(s)) for s in segs],
                "bboxes": [None] * len(segs),
            }
        )
    gt = {
        "videos": videos,
        "categories": [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}],
        "annotations": annotations,
    }
    results = [
        {"video_id": rest[0] if rest else 1, "category_id": c, "score": s, "segmentations": segs}
        for c, s, segs, *rest in preds
    ]
    errors = ytvis_fast.evaluate(gt, results, metrics="errors").errors
    assert errors is not None
    return errors


def _only(errors: dict[str, Any], name: str, count: int = 1) -> None:
    for other in ERROR_TYPES:
        assert errors["counts"][other] == (count if other == name else 0), other
        if other != name:
            assert errors["dAP"][other] == 0.0, other


def _kind(gts: list[tuple[Any, ...]], pred: tuple[Any, ...]) -> str:
    """The error type of a single false positive."""
    counts = _case(gts, [pred])["counts"]
    kinds = [name for name in ERROR_TYPES[:6] if counts[name]]
    assert len(kinds) == 1 and counts[kinds[0]] == 1, counts
    return kinds[0]


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
    # Ranked TP, FP (IoU 1 with A, already matched), TP: precision 2/3 at full recall.
    errors = _case(
        [(1, [A] * FRAMES), (1, [B] * FRAMES)],
        [(1, 0.9, [A] * FRAMES), (1, 0.8, [A] * FRAMES), (1, 0.7, [B] * FRAMES)],
    )
    _only(errors, "duplicate")
    base = (51 * ONE + 50 * 2 / (3 + np.spacing(1))) / 101
    assert errors["AP"] == pytest.approx(base, abs=1e-15)
    assert errors["dAP"]["duplicate"] == pytest.approx(ONE - base, abs=1e-15)


def test_iou_exactly_t_f_with_a_matched_ground_truth_is_localisation() -> None:
    # The same ranking, but the false positive covers half of A in every frame:
    # IoU exactly 0.5 = t_f, inside rule 1's closed range, so spatial (4 good frames
    # of 4 + 4), not duplicate. Its target is taken: the fix removes it.
    errors = _case(
        [(1, [A] * FRAMES), (1, [B] * FRAMES)],
        [(1, 0.9, [A] * FRAMES), (1, 0.8, [A_HALF] * FRAMES), (1, 0.7, [B] * FRAMES)],
    )
    _only(errors, "spatial")
    base = (51 * ONE + 50 * 2 / (3 + np.spacing(1))) / 101
    assert errors["dAP"]["spatial"] == pytest.approx(ONE - base, abs=1e-15)


def test_spatial() -> None:
    # On the object in every frame (frame IoU 1/3) but poor masks: 4 good / (4 + 4).
    errors = _case([(1, [A] * FRAMES)], [(1, 0.9, [A_SHIFTED] * FRAMES)])
    _only(errors, "spatial")
    assert errors["dAP"]["spatial"] == pytest.approx(1.0, abs=1e-15)


def test_temporal() -> None:
    # Perfect in frame 0, then lost: IoU 1/4; 1 good / (4 + 1).
    errors = _case([(1, [A] * FRAMES)], [(1, 0.9, [A, None, None, None])])
    _only(errors, "temporal")
    assert errors["dAP"]["temporal"] == pytest.approx(1.0, abs=1e-15)
    # Switching to another object: IoU 32 / 72; 2 good / (4 + 4).
    errors = _case([(1, [A] * FRAMES)], [(1, 0.9, [A, A, CORNER, CORNER])])
    _only(errors, "temporal")


def test_iou_exactly_t_b() -> None:
    # IoU 8 / 80 = 0.1 = t_b: localisation with its own category (every frame IoU is
    # 0.1, not above it, so no good frame: temporal); background with another one.
    gts = [(1, [A] * FRAMES)]
    assert _kind(gts, (1, 0.9, [A_TENTH] * FRAMES)) == "temporal"
    assert _kind(gts, (2, 0.9, [A_TENTH] * FRAMES)) == "background"
    # Below t_b with its own category: background.
    assert _kind(gts, (1, 0.9, [A_TWENTIETH] * FRAMES)) == "background"


def test_temporal_overlap_threshold() -> None:
    # Present in exactly the 5 frames of A: the overlap is good / 10, so at most 0.5.
    gts = [(1, [A] * 5)]
    # 4 good frames (80%), one of IoU 0.1: exactly 0.4, spatial.
    assert _kind(gts, (1, 0.9, [A_SHIFTED] * 4 + [A_TENTH])) == "spatial"
    # 3 good frames (60%): 0.3, temporal, though 60% of the frames are good.
    assert _kind(gts, (1, 0.9, [A_SHIFTED] * 3 + [A_TENTH] * 2)) == "temporal"
    # 11 frames, A in the first 10, 8 good: 8 / (10 + 10) = 0.4 is spatial; one more
    # predicted frame without A gives 8 / (10 + 11) < 0.4, temporal.
    gts = [(1, [A] * 10 + [None])]
    good_bad = [A_SHIFTED] * 8 + [A_TENTH] * 2
    assert _kind(gts, (1, 0.9, [*good_bad, None])) == "spatial"
    assert _kind(gts, (1, 0.9, [*good_bad, CORNER])) == "temporal"


def test_frames_that_count() -> None:
    spatial = [A_SHIFTED] * 4 + [A_TENTH]  # 4 / (5 + 5) = 0.4 against A in 5 frames
    # A frame with only the ground truth counts: 4 / (6 + 5).
    assert _kind([(1, [A] * 6)], (1, 0.9, [*spatial, None])) == "temporal"
    # So does one with only the prediction, when its mask has foreground: 4 / (5 + 6);
    assert _kind([(1, [A] * 5 + [None])], (1, 0.9, [*spatial, CORNER])) == "temporal"
    # an empty predicted mask does not, and frames where neither is present are skipped.
    gts = [(1, [None, *([A] * 5), None, None])]
    assert _kind(gts, (1, 0.9, [EMPTY, *spatial, None, EMPTY])) == "spatial"
    # A ground-truth mask counts whenever it is given, even empty: 4 / (6 + 5).
    assert _kind([(1, [A] * 5 + [EMPTY])], (1, 0.9, [*spatial, None])) == "temporal"


def test_localisation_comes_before_classification() -> None:
    # IoU 1/3 with A (its category) and 1 with the category-2 object: spatial.
    errors = _case([(1, [A] * FRAMES), (2, [A_SHIFTED] * FRAMES)], [(1, 0.9, [A_SHIFTED] * FRAMES)])
    assert errors["counts"]["spatial"] == 1 and errors["counts"]["classification"] == 0
    # Category 2's object is then missed; fixing the spatial error makes category 1
    # perfect, category 2 stays at 0.
    assert errors["counts"]["missed"] == 1
    assert errors["AP"] == 0.0
    assert errors["dAP"]["spatial"] == pytest.approx(0.5, abs=1e-15)


def test_video_without_ground_truth_is_background() -> None:
    # Video 2 has no ground truth; video 3 only a crowd one, which the prediction
    # overlaps by 1/3 (a spatial error against a regular object): both background.
    errors = _case(
        [(1, [A] * FRAMES), (1, [A] * FRAMES, 3, 1)],
        [
            (1, 0.95, [A] * FRAMES, 2),
            (1, 0.93, [A_SHIFTED] * FRAMES, 3),
            (1, 0.9, [A] * FRAMES),
        ],
    )
    _only(errors, "background", 2)
    assert errors["AP"] == pytest.approx(1 / (3 + np.spacing(1)), abs=1e-15)
    assert errors["AP"] + errors["dAP"]["background"] == pytest.approx(ONE, abs=1e-15)


def test_both_background_and_missed() -> None:
    errors = _case(
        [(1, [A] * FRAMES), (2, [B] * FRAMES)],
        [(1, 0.9, [A] * FRAMES), (2, 0.95, [A_SHIFTED] * FRAMES)],
    )
    # The category-2 prediction overlaps A (category 1) by 1/3 and its own category's
    # B not at all: both, the leftover; B is missed.
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


def test_claimants_of_every_type_compete_for_a_target() -> None:
    # A category-2 prediction on A (classification, 0.95) and a category-1 one over
    # A by 1/3 (spatial, 0.9) claim A; B is found (0.8). Category 1 alone counts.
    errors = _case(
        [(1, [A] * FRAMES), (1, [B] * FRAMES)],
        [(2, 0.95, [A] * FRAMES), (1, 0.9, [A_SHIFTED] * FRAMES), (1, 0.8, [B] * FRAMES)],
    )
    assert errors["counts"]["classification"] == 1 and errors["counts"]["spatial"] == 1
    half = 1 / (2 + np.spacing(1))
    base = 51 * half / 101  # FP then TP: recall 1/2 at precision 1/2
    assert errors["AP"] == pytest.approx(base, abs=1e-15)
    # Classification fixed: the best claimant moves to category 1 and matches A.
    fixed = (51 * ONE + 50 * 2 / (3 + np.spacing(1))) / 101
    assert errors["dAP"]["classification"] == pytest.approx(fixed - base, abs=1e-15)
    # Spatial fixed: A belongs to the better-ranked classification error, so the
    # spatial one is removed (it would match A if only spatial errors competed).
    assert errors["dAP"]["spatial"] == pytest.approx(51 * ONE / 101 - base, abs=1e-15)
    assert errors["counts"]["missed"] == 0


def test_gain_is_clamped_at_zero() -> None:
    assert _gain(0.25, 0.5) == 0.0
    assert _gain(0.75, 0.5) == 0.25
    assert _gain(-1.0, 0.5) is None and _gain(0.5, -1.0) is None


def test_no_negative_gain() -> None:
    for seed, options in DATASETS:
        gt, results = make_dataset(seed, n_videos=8, max_frames=8, **options)
        errors = ytvis_fast.evaluate(gt, results, metrics="errors").errors
        assert errors is not None
        gains = [*errors["dAP"].values(), *errors["dAP_special"].values()]
        assert all(g is None or g >= 0.0 for g in gains), (seed, gains)


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
