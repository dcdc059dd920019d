"""evaluate() of two files runs the native core end to end (native_evaluation.py):
the same figures, arrays, parameters, counts, warnings and errors as the general
path, which evaluate() takes for the same files once a metric beyond AP is asked
for, and the reference's figures."""

from __future__ import annotations

import copy
import json
import logging
import pickle
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ytvis_fast
from ytvis_fast import params as params_module
from ytvis_fast.evaluation import STAGES
from ytvis_fast.result import EvalResult

from .reference import REFERENCE_EVAL, run_reference
from .synth import OPTION_NAMES, make_dataset

#: Options evaluate() accepts (it is strict about lengths and sizes).
STRICT_SAFE = [n for n in OPTION_NAMES if n not in ("short_results", "size_mismatch")]


def _write(folder: Path, gt: Any, results: Any, parts: int = 1) -> tuple[str, Any]:
    gt_path = folder / "gt.json"
    gt_path.write_text(json.dumps(gt))
    if parts == 1:
        res_path = folder / "results.json"
        res_path.write_text(json.dumps(results))
        return str(gt_path), str(res_path)
    # Contiguous slices: the files' concatenation is the results, in order.
    bounds = np.linspace(0, len(results), parts + 1).astype(int)
    paths = []
    for k in range(parts):
        path = folder / f"results_{k}.json"
        path.write_text(json.dumps(results[bounds[k] : bounds[k + 1]]))
        paths.append(str(path))
    return str(gt_path), paths


def _general(gt_path: str, results: Any, **kwargs: Any) -> EvalResult:
    """The general path on the same files: a metric beyond AP takes it."""
    return ytvis_fast.evaluate(gt_path, results, metrics=("ap", "length"), **kwargs)


def assert_same_result(fast: EvalResult, general: EvalResult) -> None:
    assert fast.stats == general.stats
    for key in ("precision", "recall", "scores"):
        a, b = getattr(fast, key), getattr(general, key)
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b), key
    assert fast.params.keys() == general.params.keys()
    for key, value in general.params.items():
        ours = fast.params[key]
        assert type(ours) is type(value), key
        if isinstance(value, np.ndarray):
            assert ours.dtype == value.dtype and np.array_equal(ours, value), key
        else:
            assert json.dumps(ours) == json.dumps(value), key  # 0 and 0.0 differ here
    assert fast.category_ids == general.category_ids
    assert fast.category_names == general.category_names
    assert fast.gt_counts == general.gt_counts
    assert fast.dt_counts == general.dt_counts
    assert fast.summary_lines() == general.summary_lines()
    assert fast.per_category == general.per_category
    assert fast.by_length is None and fast.occlusion is None


@st.composite
def st_case(draw: st.DrawFn) -> dict[str, Any]:
    options = {name: draw(st.booleans()) for name in STRICT_SAFE if name != "many_predictions"}
    gt, results = make_dataset(
        draw(st.integers(0, 2**31 - 1)),
        n_videos=draw(st.integers(1, 5)),
        n_categories=draw(st.integers(1, 4)),
        max_frames=draw(st.integers(1, 6)),
        predictions_per_video=draw(st.integers(0, 10)),
        **options,
    )
    kwargs: dict[str, Any] = {"threads": draw(st.sampled_from([1, 2, 3]))}
    if draw(st.booleans()):
        kwargs["iou_type"] = draw(st.sampled_from(["bbox", ""]))
    if draw(st.booleans()):
        kwargs["max_dets"] = draw(st.sampled_from([(1, 5, 20), (2, 10, 100), (1, 10, 300)]))
    videos = [v["id"] for v in gt["videos"]]
    if draw(st.booleans()):
        kwargs["video_ids"] = draw(st.lists(st.sampled_from(videos), max_size=len(videos) + 1))
    categories = [c["id"] for c in gt["categories"]]
    if draw(st.booleans()):
        kwargs["category_ids"] = draw(st.lists(st.sampled_from(categories), min_size=1))
    return {"gt": gt, "results": results, "parts": draw(st.sampled_from([1, 1, 2, 3])), **kwargs}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st_case())
def test_the_same_result_as_the_general_path(case: dict[str, Any]) -> None:
    gt, results, parts = case.pop("gt"), case.pop("results"), case.pop("parts")
    with tempfile.TemporaryDirectory() as folder:
        gt_path, res = _write(Path(folder), gt, results, parts)
        stages: list[str] = []
        fast = ytvis_fast.evaluate(gt_path, res, progress=stages.append, **case)
        assert stages == list(STAGES)
        assert_same_result(fast, _general(gt_path, res, **case))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**31 - 1), st.booleans(), st.booleans())
def test_the_reference_figures(seed: int, crowd: bool, ties: bool) -> None:
    gt, results = make_dataset(seed, crowd=crowd, ties=ties, empty_categories=True)
    if not results:
        return  # the reference crashes on an empty list
    ref = run_reference(gt, results)
    with tempfile.TemporaryDirectory() as folder:
        fast = ytvis_fast.evaluate(*_write(Path(folder), gt, results))
    assert list(fast.stats.values()) == ref.stats
    for key in ("precision", "recall", "scores"):
        assert np.array_equal(getattr(fast, key), ref.eval[key]), key


def test_many_entries_sum_as_numpy_does(tmp_path: Path) -> None:
    """Above 128 defined entries numpy's pairwise summation splits the sum; a
    plain running sum differs in the last bits somewhere in these figures."""
    gt, results = make_dataset(11, n_videos=5, n_categories=40, predictions_per_video=60)
    fast = ytvis_fast.evaluate(*_write(tmp_path, gt, results))
    ref = run_reference(gt, results)
    assert list(fast.stats.values()) == ref.stats
    valid = fast.precision[:, :, :, 0, -1]
    assert (valid > -1).sum() > 1000


def _bad_inputs() -> list[tuple[str, Any, Any, dict[str, Any]]]:
    gt, results = make_dataset(5, n_videos=3, n_categories=3, empty_categories=False)
    cases: list[tuple[str, Any, Any, dict[str, Any]]] = []
    dup = copy.deepcopy(gt)
    dup["annotations"][-1]["id"] = dup["annotations"][0]["id"]
    cases.append(("duplicate ground-truth id", dup, results, {}))
    foreign = copy.deepcopy(gt)
    foreign["annotations"][1]["category_id"] = 99
    cases.append(("ground truth outside the categories", foreign, results, {}))
    unknown = copy.deepcopy(results)
    for r in unknown[-3:]:
        r["category_id"] = 77
    cases.append(("results outside the categories", gt, unknown, {}))
    cases.append(("... in the third of several files", gt, unknown, {"parts": 3}))
    cases.append(("unknown iou type", gt, results, {"iou_type": "mask"}))
    cases.append(("two max dets", gt, results, {"max_dets": (1, 10)}))
    cases.append(("unknown video", gt, results, {"video_ids": [1, 12345]}))
    cases.append(("unknown category", gt, results, {"category_ids": [2, 4000]}))
    cases.append(("results not a list", gt, {"annotations": results}, {}))
    short = copy.deepcopy(results)
    short[4]["segmentations"] = short[4]["segmentations"][:-1]
    cases.append(("short segmentations", gt, short, {"parts": 2}))
    return cases


@pytest.mark.parametrize(
    "gt, results, kwargs", [c[1:] for c in _bad_inputs()], ids=[c[0] for c in _bad_inputs()]
)
def test_the_same_errors_as_the_general_path(
    tmp_path: Path, gt: Any, results: Any, kwargs: dict[str, Any]
) -> None:
    kwargs = dict(kwargs)
    gt_path, res = _write(tmp_path, gt, results, kwargs.pop("parts", 1))
    with pytest.raises(Exception) as general:
        _general(gt_path, res, **kwargs)
    with pytest.raises(Exception) as fast:
        ytvis_fast.evaluate(gt_path, res, **kwargs)
    assert type(fast.value) is type(general.value)
    assert str(fast.value) == str(general.value)


def test_missing_and_invalid_files(tmp_path: Path) -> None:
    gt, results = make_dataset(6, n_videos=2)
    gt_path, res_path = _write(tmp_path, gt, results)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(results)[:-40])
    for args in (
        (gt_path, str(tmp_path / "absent.json")),
        (str(tmp_path / "absent.json"), res_path),
        (gt_path, str(broken)),
        (str(broken), res_path),
    ):
        with pytest.raises(Exception) as general:
            _general(*args)
        with pytest.raises(Exception) as fast:
            ytvis_fast.evaluate(*args)
        assert (type(fast.value), str(fast.value)) == (type(general.value), str(general.value))


def test_empty_unions_are_reported_alike(tmp_path: Path, caplog: Any) -> None:
    gt, results = make_dataset(8, n_videos=4)
    # An instance and a prediction without a mask in any frame: their union is empty.
    first = gt["annotations"][0]
    length = len(first["segmentations"])
    first["segmentations"], first["areas"] = [None] * length, [None] * length
    results.append(
        {
            "video_id": first["video_id"],
            "category_id": first["category_id"],
            "score": 0.5,
            "segmentations": [None] * length,
        }
    )
    files = _write(tmp_path, gt, results)
    caplog.set_level(logging.WARNING, logger="ytvis_fast")
    _general(*files)
    general = [r.getMessage() for r in caplog.records]
    caplog.clear()
    ytvis_fast.evaluate(*files)
    assert general and [r.getMessage() for r in caplog.records] == general


def test_result_is_read_only_and_pickles(tmp_path: Path) -> None:
    gt, results = make_dataset(9, n_videos=3)
    result = ytvis_fast.evaluate(*_write(tmp_path, gt, results))
    with pytest.raises(AttributeError):
        result.stats = {}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del result.precision
    restored = pickle.loads(pickle.dumps(result))
    assert restored.stats == result.stats
    assert np.array_equal(restored.precision, result.precision)
    assert restored.to_dict() == result.to_dict()


def test_default_parameters_are_the_reference_s() -> None:
    ours, ref = ytvis_fast.Params(), REFERENCE_EVAL.Params()
    for name in ("iouThrs", "recThrs"):
        assert getattr(ours, name).tolist() == getattr(ref, name).tolist()
        assert getattr(ours, name).dtype == getattr(ref, name).dtype
    assert ours.iouThrs.tolist() == list(params_module.IOU_THRESHOLDS)
    assert ours.recThrs.tolist() == list(params_module.RECALL_THRESHOLDS)
    for name in ("maxDets", "areaRng", "areaRngLbl", "useCats"):
        assert json.dumps(getattr(ours, name)) == json.dumps(getattr(ref, name)), name
