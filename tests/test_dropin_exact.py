"""The drop-in classes equal the real reference bit for bit.

Every comparison is exact: stats with ==, arrays with np.array_equal, the
printed summary lines, the IoU matrices and every evalImgs record.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from reference import Run, run_pipeline, run_reference
from synth import OPTION_NAMES, make_dataset, st_dataset

import ytvis_fast


def run_ours(gt: dict[str, Any], results: list[dict[str, Any]], **kwargs: Any) -> Run:
    return run_pipeline(ytvis_fast.YTVOS, ytvis_fast.YTVOSeval, gt, results, **kwargs)


def assert_identical(ref: Run, ours: Run) -> None:
    assert ours.stats == ref.stats
    assert ours.summary_lines == ref.summary_lines
    for key in ("precision", "recall", "scores"):
        assert np.array_equal(ours.eval[key], ref.eval[key]), key
    assert ours.eval["counts"] == ref.eval["counts"]
    assert list(ours.ious) == list(ref.ious)
    for key, expected in ref.ious.items():
        actual = ours.ious[key]
        if isinstance(expected, list):
            assert actual == expected, key
        else:
            assert actual.shape == expected.shape and np.array_equal(actual, expected), key
    assert len(ours.eval_imgs) == len(ref.eval_imgs)
    for expected, actual in zip(ref.eval_imgs, ours.eval_imgs):
        if expected is None:
            assert actual is None
            continue
        assert actual is not None
        assert set(actual) == set(expected)
        for field in ("video_id", "category_id", "aRng", "maxDet", "dtIds", "gtIds", "dtScores"):
            assert actual[field] == expected[field], field
        for field in ("dtMatches", "gtMatches", "gtIgnore", "dtIgnore"):
            a, e = np.asarray(actual[field]), np.asarray(expected[field])
            assert a.dtype == e.dtype and a.shape == e.shape and np.array_equal(a, e), field


def compare(gt: dict[str, Any], results: list[dict[str, Any]], **kwargs: Any) -> None:
    assert_identical(run_reference(gt, results, **kwargs), run_ours(gt, results, **kwargs))


@pytest.mark.parametrize("seed", range(4))
def test_default_params(seed: int) -> None:
    compare(*make_dataset(seed, n_videos=6))


@pytest.mark.parametrize("option", OPTION_NAMES)
@pytest.mark.parametrize("seed", [11, 12])
def test_each_edge_case(option: str, seed: int) -> None:
    compare(*make_dataset(seed, n_videos=6, **{option: True}))


def test_all_edge_cases_at_once() -> None:
    options = {name: True for name in OPTION_NAMES}
    compare(*make_dataset(5, n_videos=8, **options))


CUSTOM_PARAMS: list[dict[str, Any]] = [
    {"useCats": 0},
    {"maxDets": [1, 5, 20]},
    {"maxDets": [3, 2, 200]},
    {"iouThrs": np.array([0.5, 0.75])},
    {"iouThrs": np.array([0.6])},
    {"areaRng": [[0, 1e10], [0, 150]], "areaRngLbl": ["all", "small"]},
    {"vidIds": [1, 3, 4]},
    {"catIds": [1, 3]},
    {"recThrs": np.linspace(0, 1, 11)},
    {"useCats": 0, "maxDets": [2, 4, 8], "vidIds": [2, 3]},
]


@pytest.mark.parametrize("params", CUSTOM_PARAMS, ids=lambda p: ",".join(p))
@pytest.mark.parametrize("seed", [21, 22])
def test_custom_params(params: dict[str, Any], seed: int) -> None:
    gt, results = make_dataset(seed, n_videos=6, crowd=True, ties=True, many_predictions=True)
    compare(gt, results, params=params)


@pytest.mark.parametrize(
    "accumulate_params",
    [{"maxDets": [1, 10]}, {"maxDets": [100, 10, 1]}, {"catIds": [2, 1]}, {"vidIds": [1, 2]}],
    ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()),
)
def test_accumulate_with_other_params(accumulate_params: dict[str, Any]) -> None:
    gt, results = make_dataset(31, n_videos=5)
    ref = run_reference(gt, results, accumulate_params=accumulate_params)
    ours = run_ours(gt, results, accumulate_params=accumulate_params)
    for key in ("precision", "recall", "scores"):
        assert np.array_equal(ours.eval[key], ref.eval[key]), key
    assert ours.stats == ref.stats


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st_dataset())
def test_generated_data_sets(data: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    gt, results = data
    if not results:
        return  # the reference crashes on an empty list; see test_empty_results
    compare(gt, results)


def test_empty_results_are_no_predictions() -> None:
    gt, _ = make_dataset(3, n_videos=4)
    ours = run_ours(gt, [])
    # With no predictions, every category with ground truth has AP and AR 0.
    assert ours.stats[0] == 0.0 and ours.stats[8] == 0.0
    assert ((ours.eval["precision"] == 0) | (ours.eval["precision"] == -1)).all()


def test_results_from_a_file(tmp_path: Any) -> None:
    import json

    gt, results = make_dataset(4, n_videos=4)
    gt_path, res_path = tmp_path / "gt.json", tmp_path / "res.json"
    gt_path.write_text(json.dumps(gt))
    res_path.write_text(json.dumps(results))
    api = ytvis_fast.YTVOS(str(gt_path), verbose=False)
    evaluator = ytvis_fast.YTVOSeval(api, api.loadRes(str(res_path)), verbose=False)
    evaluator.evaluate()
    evaluator.accumulate()
    evaluator.summarize()
    assert list(evaluator.stats) == run_reference(gt, results).stats


def test_evaluate_matches_the_drop_in() -> None:
    gt, results = make_dataset(8, n_videos=6, crowd=True)
    ref = run_reference(gt, results)
    result = ytvis_fast.evaluate(gt, results)
    assert list(result.stats.values()) == ref.stats
    assert np.array_equal(result.precision, ref.eval["precision"])
    assert np.array_equal(result.recall, ref.eval["recall"])
