"""Offline evaluation of results split into several files, optionally on a Dask cluster.

Each shard is reduced where it is read to the streaming evaluator's state (per
prediction: score, category, mean area and IoU row), so only those small states
travel; they are merged in shard order, which gives exactly the evaluation of the
file that concatenates the shards in that order.
"""

from __future__ import annotations

import os
from typing import Any

from .result import EvalResult
from .streaming import GroundTruth, VideoEvaluator
from .ytvos import YTVOS

__all__ = ["evaluate_shards", "shard_state"]


def shard_state(
    gt: str | dict[str, Any], results: str, iou_type: str, threads: int | None
) -> dict[str, Any]:
    """The state of one results file (run on a worker; the ground truth is loaded there)."""
    evaluator = VideoEvaluator(gt, iou_type, threads)
    evaluator._add_results(results)
    return evaluator.state_dict()


def _portable_gt(gt: GroundTruth) -> str | dict[str, Any]:
    """What to send to workers for the ground truth: its path, or its parsed dict."""
    if isinstance(gt, YTVOS):
        if gt._input_path is not None:
            return gt._input_path
        return gt.dataset
    if isinstance(gt, dict):
        return gt
    return os.fspath(gt)


def evaluate_shards(
    gt: GroundTruth,
    shards: list[Any],
    iou_type: str = "segm",
    *,
    client: Any = None,
    threads: int | None = None,
    max_dets: tuple[int, ...] | list[int] | None = None,
    video_ids: list[int] | None = None,
    category_ids: list[int] | None = None,
) -> EvalResult:
    """Evaluates the concatenation of `shards` (results file paths, in order).

    With a ``dask.distributed.Client``, each shard is reduced by a task on the
    cluster; otherwise one after the other in this process.
    """
    if not shards:
        raise ValueError("no results files given")
    paths = [os.fspath(shard) for shard in shards]
    evaluator = VideoEvaluator(gt, iou_type, threads)
    if client is None:
        for path in paths:
            evaluator._add_results(path)
    else:
        source: Any = _portable_gt(gt)
        if isinstance(source, dict):
            source = client.scatter(source, broadcast=True)
        futures = [
            client.submit(shard_state, source, path, iou_type, threads, pure=False)
            for path in paths
        ]
        for state in client.gather(futures):
            evaluator._absorb(state, allow_overlap=True)
    return evaluator.compute(max_dets=max_dets, video_ids=video_ids, category_ids=category_ids)
