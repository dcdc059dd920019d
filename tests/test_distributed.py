"""Evaluation spread over processes: torch.distributed (gloo over loopback) and Dask."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from streaming_data import assert_same, per_video, results_file
from synth import make_dataset

import ytvis_fast
from ytvis_fast import VideoEvaluator

HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_data(tmp_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[Any]]:
    gt, results = make_dataset(21, n_videos=7, ties=True, crowd=True)
    videos = per_video(gt, results)
    (tmp_path / "gt.json").write_text(json.dumps(gt))
    arrays: dict[str, np.ndarray] = {"video_ids": np.array([v.video_id for v in videos])}
    for v in videos:
        arrays[f"masks_{v.video_id}"] = v.masks
        arrays[f"scores_{v.video_id}"] = v.scores
        arrays[f"labels_{v.video_id}"] = v.labels
    np.savez(tmp_path / "predictions.npz", **arrays)
    return gt, results_file(videos), videos


def test_sync_over_gloo_equals_one_process(tmp_path: Path) -> None:
    gt, results, videos = write_data(tmp_path)
    env = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=str(free_port()), WORLD_SIZE="2")
    env.pop("PYTHONPATH", None)
    ranks = [
        subprocess.Popen(
            [sys.executable, str(HERE / "distributed_worker.py"), str(tmp_path)],
            env=dict(env, RANK=str(rank)),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for rank in range(2)
    ]
    outputs = []
    try:
        for process in ranks:
            outputs.append(process.communicate(timeout=180)[0].decode(errors="replace"))
    finally:
        for process in ranks:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, output in zip(ranks, outputs):
        assert process.returncode == 0, output

    single = VideoEvaluator(gt)
    for v in videos:
        single.update(v.video_id, v.masks, v.scores, v.labels)
    expected = ytvis_fast.evaluate(gt, results)
    assert_same(single.compute(), expected)
    for rank in range(2):
        saved = np.load(tmp_path / f"rank{rank}.npz")
        stats = json.loads((tmp_path / f"rank{rank}_stats.json").read_text())
        assert stats == expected.stats
        assert int(saved["predictions"]) == len(single)
        for key in ("precision", "recall", "scores"):
            assert np.array_equal(saved[key], getattr(expected, key)), key
        duplicate = (tmp_path / f"rank{rank}_duplicate.txt").read_text()
        assert f"video {videos[0].video_id} " in duplicate and "in both states" in duplicate


@pytest.fixture(scope="module")
def dask_client() -> Any:
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def write_shards(tmp_path: Path) -> tuple[Path, list[dict[str, Any]], list[Path]]:
    """Results split into three files; some videos span several of them."""
    gt, results = make_dataset(33, n_videos=7, ties=True, many_predictions=True)
    gt_path = tmp_path / "gt.json"
    gt_path.write_text(json.dumps(gt))
    rng = np.random.default_rng(0)
    cuts = np.sort(rng.choice(np.arange(1, len(results)), 2, replace=False))
    shards = []
    for i, part in enumerate(np.split(np.arange(len(results)), cuts)):
        path = tmp_path / f"results_{i}.json"
        path.write_text(json.dumps([results[j] for j in part]))
        shards.append(path)
    return gt_path, results, shards


def test_dask_shards_equal_one_results_file(tmp_path: Path, dask_client: Any) -> None:
    gt_path, results, shards = write_shards(tmp_path)
    expected = ytvis_fast.evaluate(gt_path, results)
    assert_same(ytvis_fast.evaluate(gt_path, shards, client=dask_client), expected)
    gt = json.loads(gt_path.read_text())  # a dict is shipped to the workers
    assert_same(ytvis_fast.evaluate(gt, [str(p) for p in shards], client=dask_client), expected)
    # Without a client, shard by shard in this process.
    assert_same(ytvis_fast.evaluate(gt_path, shards), expected)
    overridden = ytvis_fast.evaluate(gt_path, results, max_dets=[1, 3, 10], category_ids=[1, 2])
    sharded = ytvis_fast.evaluate(
        gt_path, shards, client=dask_client, max_dets=[1, 3, 10], category_ids=[1, 2]
    )
    assert_same(sharded, overridden)


def test_dask_shard_errors_name_the_file(tmp_path: Path, dask_client: Any) -> None:
    gt_path, _, shards = write_shards(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"video_id": 999, "category_id": 1, "score": 0.5}]))
    with pytest.raises(ValueError, match=r"bad\.json: result 0: video_id 999"):
        ytvis_fast.evaluate(gt_path, [*shards, bad], client=dask_client)
