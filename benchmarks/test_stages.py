"""pytest-benchmark suite of the native stages on a YouTube-VIS 2019-size set.

    pytest benchmarks --benchmark-enable

Ingest is timed from the files (the native parser) and from parsed Python
objects; IoU and matching run in one native call, with one and two threads.

Each benchmark also checks its result, so a fast wrong answer fails.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import dataset_files

import ytvis_fast
from ytvis_fast import _core


def _video_table(gt: dict[str, Any]) -> tuple[np.ndarray, ...]:
    videos = gt["videos"]
    return (
        np.array([v["id"] for v in videos]),
        np.array([v["height"] for v in videos]),
        np.array([v["width"] for v in videos]),
        np.array([v["length"] for v in videos]),
    )


@pytest.fixture(scope="module")
def stores(ytvis19: tuple[Any, Any]) -> tuple[Any, Any, dict[str, Any]]:
    gt, results = ytvis19
    table = _video_table(gt)
    gt_store = _core.build_store(gt["annotations"], *table, results=False, strict=True)
    dt_store = _core.build_store(results, *table, results=True, strict=True)
    return gt_store, dt_store, gt


def _evaluate(gt_store: Any, dt_store: Any, gt: dict[str, Any], threads: int) -> Any:
    p = ytvis_fast.Params()
    return _core.evaluate(
        gt_store,
        dt_store,
        sorted(v["id"] for v in gt["videos"]),
        sorted(c["id"] for c in gt["categories"]),
        True,
        p.iouThrs,
        np.array(p.areaRng, dtype=float),
        p.maxDets[-1],
        "segm",
        threads,
    )


@pytest.mark.parametrize("threads", [1, 2])
def test_ingest_files(benchmark: Any, threads: int) -> None:
    gt_path, res_path = dataset_files("ytvis19")

    def ingest() -> tuple[Any, Any]:
        gt = _core.read_ground_truth(gt_path, True, threads)
        table = (gt.video_ids, gt.video_heights, gt.video_widths, gt.video_lengths)
        return gt, _core.read_results(res_path, *table, True, threads)

    gt, results = benchmark(ingest)
    assert len(gt.annotations) > 0 and len(results) == 10 * len(gt.video_ids)


def test_ingest_results(benchmark: Any, ytvis19: tuple[Any, Any]) -> None:
    gt, results = ytvis19
    table = _video_table(gt)
    store = benchmark(_core.build_store, results, *table, results=True, strict=True)
    assert len(store) == len(results)


@pytest.mark.parametrize("threads", [1, 2])
def test_iou_and_matching(benchmark: Any, stores: tuple[Any, Any, Any], threads: int) -> None:
    gt_store, dt_store, gt = stores
    evaluation = benchmark(_evaluate, gt_store, dt_store, gt, threads)
    reference = _evaluate(gt_store, dt_store, gt, 1)
    assert np.array_equal(evaluation.iou_values, reference.iou_values)
    assert np.array_equal(evaluation.dt_match, reference.dt_match)


def test_accumulate(benchmark: Any, stores: tuple[Any, Any, Any]) -> None:
    gt_store, dt_store, gt = stores
    evaluation = _evaluate(gt_store, dt_store, gt, 0)
    p = ytvis_fast.Params()
    n_videos, n_cats = len(gt["videos"]), len(gt["categories"])
    accumulation = benchmark(
        evaluation.accumulate,
        list(range(n_cats)),
        list(range(4)),
        p.maxDets,
        list(range(n_videos)),
        len(p.iouThrs),
        n_cats,
        4,
        p.recThrs,
    )
    assert accumulation.precision.shape == (10, 101, n_cats, 4, 3)
    assert (accumulation.recall <= 1).all()


def test_end_to_end(benchmark: Any, ytvis19: tuple[Any, Any]) -> None:
    gt, results = ytvis19
    result = benchmark(ytvis_fast.evaluate, gt, results)
    assert 0 <= result.stats["AP"] <= 1
