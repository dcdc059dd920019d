"""The high-level call: `evaluate(gt, results)` -> `EvalResult`."""

from __future__ import annotations

import os
from typing import Union

import numpy as np

from .metrics import compute_extra_metrics, parse_metrics
from .result import STAT_KEYS, EvalResult
from .ytvos import YTVOS
from .ytvoseval import YTVOSeval

__all__ = ["evaluate"]

GroundTruth = Union[str, "os.PathLike[str]", dict, YTVOS]
Results = Union[str, "os.PathLike[str]", list, YTVOS]


def evaluate(
    gt: GroundTruth,
    results: Results,
    iou_type: str = "segm",
    *,
    threads: int | None = None,
    max_dets: tuple[int, ...] | list[int] | None = None,
    video_ids: list[int] | None = None,
    category_ids: list[int] | None = None,
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
    metrics:
        ``"ap"`` (always computed), ``"occlusion"`` (OVIS's 18 figures, in
        ``result.occlusion``; needs per-frame ``occlusion`` labels in the ground
        truth), ``"hota"`` (HOTA, CLEAR and IDF1 as TrackEval computes them, in
        ``result.association``), ``"errors"`` (dAP per error type, TIVE-style, in
        ``result.errors``) and ``"length"`` (the 12 figures per video-length
        class, in ``result.by_length``), as a sequence or a comma-separated string.
    length_edges:
        Upper ends (inclusive) of the video-length classes but the last:
        (16, 32) gives short <= 16 < medium <= 32 < long frames.

    Unlike the drop-in classes, this call is strict: a segmentations list whose
    length differs from the video's, or a mask whose size differs from the
    video's, is an error naming the file, the annotation and the frame.
    """
    if isinstance(gt, YTVOS):
        gt_api = gt
    else:
        gt_api = YTVOS(gt, threads=threads, verbose=False, strict=True)
    dt_api = results if isinstance(results, YTVOS) else gt_api._load_results(results)
    evaluator = YTVOSeval(gt_api, dt_api, iou_type, threads=threads, verbose=False)
    evaluator._strict = True
    wanted = parse_metrics(metrics)
    if max_dets is not None:
        evaluator.params.maxDets = list(max_dets)
    if video_ids is not None:
        evaluator.params.vidIds = list(video_ids)
    if category_ids is not None:
        evaluator.params.catIds = list(category_ids)
    evaluator.evaluate()
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
        **compute_extra_metrics(evaluator, gt_api, wanted, length_edges=length_edges),
    )
