"""The high-level call: `evaluate(gt, results)` -> `EvalResult`."""

from __future__ import annotations

import copy
import os
from typing import Any, Callable, Union

import numpy as np

from ._io import is_path
from .metrics import compute_extra_metrics, parse_metrics
from .params import Params
from .result import STAT_KEYS, EvalResult
from .ytvos import YTVOS
from .ytvoseval import YTVOSeval

__all__ = ["evaluate"]

GroundTruth = Union[str, "os.PathLike[str]", dict, YTVOS]
Results = Union[str, "os.PathLike[str]", list, YTVOS]  # or a list of paths (shards)


def evaluate(
    gt: GroundTruth,
    results: Results,
    iou_type: str = "segm",
    *,
    threads: int | None = None,
    max_dets: tuple[int, ...] | list[int] | None = None,
    video_ids: list[int] | None = None,
    category_ids: list[int] | None = None,
    client: Any = None,
    metrics: str | tuple[str, ...] | list[str] = ("ap",),
    length_edges: tuple[int, ...] | list[int] = (16, 32),
) -> EvalResult:
    """Evaluates YouTube-VIS results against ground truth.

    Parameters
    ----------
    gt:
        Ground truth: a JSON path, the parsed dict, or a `YTVOS`.
    results:
        Predictions: a JSON path, the parsed list, or a `YTVOS` from `loadRes`.
    iou_type:
        ``"segm"`` (spatio-temporal mask IoU) or ``"bbox"`` (tube box IoU).
    threads:
        Native worker threads (default: every core). Results never depend on it.
    max_dets, video_ids, category_ids:
        Optional overrides of the reference's parameters.
    client:
        A ``dask.distributed.Client``: with a list of results files, each file is
        reduced on the cluster (IoU rows per prediction) and the shards are merged
        exactly. The files (and a ground-truth path) must be readable by the workers.

    metrics:
        ``"ap"`` (always computed), ``"occlusion"`` (OVIS's 18 figures, in
        ``result.occlusion``; needs per-frame ``occlusion`` labels in the ground
        truth), ``"hota"`` (HOTA, CLEAR and IDF1 as TrackEval computes them, in
        ``result.association``), ``"errors"`` (dAP per error type, TIVE-style, in
        ``result.errors``) and ``"length"`` (the 12 figures per video-length
        class, in ``result.by_length``), as a sequence or a comma-separated string
        (see docs/metrics.md). Not with a list of results files.
    length_edges:
        Upper ends (inclusive) of the video-length classes but the last:
        (16, 32) gives short <= 16 < medium <= 32 < long frames.

    ``results`` may also be a list of results file paths: the evaluation of the
    file that concatenates them in that order (without a client, shard by shard in
    this process).

    Unlike the drop-in classes, this call is strict: a segmentations list whose
    length differs from the video's, or a mask whose size differs from the
    video's, is an error naming the file, the annotation and the frame.
    """
    wanted = parse_metrics(metrics)
    if client is not None or _is_shard_list(results):
        if wanted != ("ap",):
            raise ValueError(
                "metrics beyond AP need the predictions themselves: give one results "
                "file (or list of predictions), not a list of results files"
            )
        from .sharded import evaluate_shards

        return evaluate_shards(
            gt,
            list(results),  # type: ignore[arg-type]
            iou_type,
            client=client,
            threads=threads,
            max_dets=max_dets,
            video_ids=video_ids,
            category_ids=category_ids,
        )
    if isinstance(gt, YTVOS):
        gt_api = gt
    else:
        gt_api = YTVOS(gt, threads=threads, verbose=False, strict=True)
    dt_api = results if isinstance(results, YTVOS) else gt_api._load_results(results)
    evaluator = _evaluator(gt_api, dt_api, iou_type, threads, max_dets, video_ids, category_ids)
    evaluator.evaluate()
    return _result(evaluator, gt_api, wanted, length_edges)


def _is_shard_list(results: object) -> bool:
    """A non-empty list of paths: results files evaluated as shards of one file."""
    return (
        isinstance(results, (list, tuple))
        and len(results) > 0
        and all(is_path(item) for item in results)
    )


def _evaluator(
    gt_api: YTVOS,
    dt_api: YTVOS | None,
    iou_type: str,
    threads: int | None,
    max_dets: tuple[int, ...] | list[int] | None,
    video_ids: list[int] | None,
    category_ids: list[int] | None,
) -> YTVOSeval:
    evaluator = YTVOSeval(gt_api, dt_api, iou_type, threads=threads, verbose=False)
    evaluator._strict = True
    if max_dets is not None:
        evaluator.params.maxDets = list(max_dets)
    if video_ids is not None:
        evaluator.params.vidIds = list(video_ids)
    if category_ids is not None:
        evaluator.params.catIds = list(category_ids)
    return evaluator


def _finish(
    gt_api: YTVOS,
    run: Callable[[Params], Any],
    iou_type: str,
    *,
    threads: int | None,
    max_dets: tuple[int, ...] | list[int] | None,
    video_ids: list[int] | None,
    category_ids: list[int] | None,
) -> EvalResult:
    """evaluate() for native evaluations made elsewhere (the streaming evaluator):
    `run(params)` returns the native evaluation for the normalised params."""
    evaluator = _evaluator(gt_api, None, iou_type, threads, max_dets, video_ids, category_ids)
    p = evaluator.params
    # As YTVOSeval.evaluate() normalises them.
    p.vidIds = [int(v) for v in np.unique(np.asarray(p.vidIds, dtype=np.int64))]
    if p.useCats:
        p.catIds = [int(c) for c in np.unique(np.asarray(p.catIds, dtype=np.int64))]
    p.maxDets = sorted(p.maxDets)
    evaluator._native = run(p)
    evaluator._paramsEval = copy.deepcopy(p)
    return _result(evaluator, gt_api)


def _result(
    evaluator: YTVOSeval,
    gt_api: YTVOS,
    metrics: tuple[str, ...] = ("ap",),
    length_edges: tuple[int, ...] | list[int] = (16, 32),
) -> EvalResult:
    """Accumulates and summarizes an evaluated YTVOSeval into an EvalResult, with
    the `metrics` beyond AP (which need the evaluator's predictions)."""
    evaluator.accumulate()
    evaluator.summarize()
    p = evaluator.params
    cat_ids = [int(c) for c in p.catIds] if p.useCats else [-1]
    known = gt_api._category_names()
    names = [str(known.get(c, c)) for c in cat_ids]
    return EvalResult(
        stats={key: float(value) for key, value in zip(STAT_KEYS, evaluator.stats)},
        precision=evaluator.eval["precision"],
        recall=evaluator.eval["recall"],
        scores=evaluator.eval["scores"],
        params={
            "iouType": p.iouType,
            "iouThrs": np.asarray(p.iouThrs),
            "recThrs": np.asarray(p.recThrs),
            "maxDets": list(p.maxDets),
            "areaRng": [list(a) for a in p.areaRng],
            "areaRngLbl": list(p.areaRngLbl),
            "useCats": int(p.useCats),
            "vidIds": [int(v) for v in p.vidIds],
            "catIds": cat_ids,
        },
        category_ids=cat_ids,
        category_names=names,
        **compute_extra_metrics(evaluator, gt_api, metrics, length_edges=length_edges),
    )
