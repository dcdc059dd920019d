"""The high-level call: `evaluate(gt, results)` -> `EvalResult`."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Union

from ._background import Background
from ._io import in_file, is_path, path_list
from ._native import _core
from .checks import check_categories, check_max_dets, check_subset, check_unique_ids
from .metrics import compute_extra_metrics, parse_metrics
from .native_evaluation import evaluate_files
from .params import DEFAULT_LENGTH_EDGES, Params, sorted_unique
from .result import STAT_KEYS, EvalResult
from .ytvos import YTVOS

if TYPE_CHECKING:
    import numpy as np

    from .ytvoseval import YTVOSeval

__all__ = ["evaluate"]

GroundTruth = Union[str, "os.PathLike[str]", dict, YTVOS]
Results = Union[str, "os.PathLike[str]", list, YTVOS]

#: The stages `evaluate()` reports to its `progress` callback, in order.
STAGES = ("reading ground truth", "reading results", "matching", "accumulating")


def evaluate(
    gt: GroundTruth,
    results: Results,
    iou_type: str = "segm",
    *,
    threads: int | None = None,
    max_dets: tuple[int, ...] | list[int] | None = None,
    video_ids: list[int] | None = None,
    category_ids: list[int] | None = None,
    progress: Callable[[str], None] | None = None,
    client: Any = None,
    metrics: str | Sequence[str] = ("ap",),
    length_edges: Sequence[int] = DEFAULT_LENGTH_EDGES,
) -> EvalResult:
    """Evaluates YouTube-VIS results against ground truth.

    Parameters
    ----------
    gt:
        Ground truth: a JSON path, the parsed dict, or a `YTVOS`.
    results:
        Predictions: a JSON path, the parsed list, a `YTVOS` from `loadRes`, or a
        list of JSON paths (one per rank of a distributed run, say), evaluated as
        one list in the order given.
    iou_type:
        ``"segm"`` (spatio-temporal mask IoU) or ``"bbox"`` (tube box IoU).
    threads:
        Native worker threads (default: every core). Results never depend on it.
    max_dets, video_ids, category_ids:
        Optional overrides of the reference's parameters; ids must exist in the
        ground truth.
    progress:
        Called with each name of `STAGES` as that stage starts.
    client:
        A ``dask.distributed.Client``: each results file of `results` (a path or a
        list of paths) is reduced on the cluster to IoU rows per prediction, and
        the shards are merged exactly. The files (and a ground-truth path) must be
        readable by the workers.
    metrics:
        ``"ap"`` (always computed), ``"occlusion"`` (OVIS's 18 figures, in
        ``result.occlusion``; needs per-frame ``occlusion`` labels in the ground
        truth), ``"hota"`` (HOTA, CLEAR and IDF1 as TrackEval computes them, in
        ``result.association``), ``"errors"`` (dAP per error type, TIVE's definitions, in
        ``result.errors``) and ``"length"`` (the 12 figures per video-length
        class, in ``result.by_length``), as a sequence or a comma-separated string
        (see docs/metrics.md). Not with a `client`.
    length_edges:
        Upper ends (inclusive) of the video-length classes but the last:
        (16, 32) gives short <= 16 < medium <= 32 < long frames.

    Ground truth and results given as files, with AP alone asked for, go through
    the native core from end to end (ytvis_fast.native_evaluation): the same
    figures and errors, without importing numpy until the result's arrays are read.

    Unlike the drop-in classes, this call is strict: a segmentations list whose
    length differs from the video's, or a mask whose size differs from the
    video's, is an error naming the file, the annotation and the frame; so are
    duplicate ground-truth ids, negative or non-finite scores and category ids
    that the ground truth's categories do not list.
    """
    wanted = parse_metrics(metrics)
    if client is not None:
        if wanted != ("ap",):
            raise ValueError(
                "metrics beyond AP need the predictions themselves, which a Dask client "
                "reduces away: evaluate without `client`"
            )
        from .sharded import evaluate_shards

        shards = path_list(results) or [results]
        return evaluate_shards(
            gt,
            shards,
            iou_type,
            client=client,
            threads=threads,
            max_dets=max_dets,
            video_ids=video_ids,
            category_ids=category_ids,
        )
    step = progress or (lambda stage: None)
    files = path_list(results)
    if wanted == ("ap",) and is_path(gt) and (files or is_path(results)):
        return evaluate_files(
            os.fspath(gt),  # type: ignore[arg-type]
            files or [os.fspath(results)],  # type: ignore[arg-type]
            files is not None,
            iou_type,
            threads=threads,
            max_dets=max_dets,
            video_ids=video_ids,
            category_ids=category_ids,
            step=step,
            stages=STAGES,
        )
    step(STAGES[0])
    # Walking the results files is serial work that needs nothing from the ground
    # truth: it runs on its own thread (natively, without the GIL) while the
    # ground truth is read. Errors keep their order: the ground truth's first.
    walk = None
    if not isinstance(results, YTVOS) and (files or is_path(results)):
        walk = Background("walk", _core.split_results, files or [results], threads or 0)
    try:
        if isinstance(gt, YTVOS):
            gt_api = gt
        else:
            gt_api = YTVOS(gt, threads=threads, verbose=False, strict=True)
        gt_store = gt_api._native_store(True)
        check_unique_ids(gt_store, gt_api.source)
        known_categories = [int(c) for c in gt_api.getCatIds()]
        check_categories(gt_store, known_categories, gt_api.source, "annotation")
    finally:
        if walk is not None:
            walk.wait()
    # OVIS's occlusion labels of a ground-truth file are read on a thread of their
    # own while the evaluation goes on; not sooner, so that their reader's index of
    # the file and the ground truth reader's are never both in memory.
    occlusion_read = None
    gt_file = gt_api._file_only()
    if "occlusion" in wanted and gt_file is not None:
        occlusion_read = Background("occlusion", _core.read_occlusion_scores, gt_file)
    try:
        step(STAGES[1])
        if isinstance(results, YTVOS):
            dt_api = results
        else:
            walked = walk.result() if walk is not None else None
            dt_api = gt_api._load_results(files or results, walked)
        dt_store = dt_api._native_store(True)
        try:
            check_categories(dt_store, known_categories, dt_api.source, "result")
        except ValueError as error:
            raise error if files is None else in_file(error, files, dt_api._file_starts) from None
        evaluator = _evaluator(gt_api, dt_api, iou_type, threads, max_dets, video_ids, category_ids)
        step(STAGES[2])
        evaluator.evaluate()
        step(STAGES[3])
        occlusion = None if occlusion_read is None else occlusion_read.result
        return _result(evaluator, gt_api, gt_store, dt_store, wanted, length_edges, occlusion)
    finally:
        if occlusion_read is not None:  # an error above: the read ends before it is raised
            occlusion_read.wait()


def _evaluator(
    gt_api: YTVOS,
    dt_api: YTVOS | None,
    iou_type: str,
    threads: int | None,
    max_dets: Sequence[int] | None,
    video_ids: list[int] | None,
    category_ids: list[int] | None,
) -> YTVOSeval:
    """A strict YTVOSeval with the overrides applied (ids checked against the ground truth)."""
    from .ytvoseval import YTVOSeval  # numpy's import: not for evaluations of files alone

    evaluator = YTVOSeval(gt_api, dt_api, iou_type, threads=threads, verbose=False)
    evaluator._strict = True
    if max_dets is not None:
        evaluator.params.maxDets = check_max_dets(max_dets)
    if video_ids is not None:
        check_subset(video_ids, evaluator.params.vidIds, "videos")
        evaluator.params.vidIds = list(video_ids)
    if category_ids is not None:
        check_subset(category_ids, [int(c) for c in gt_api.getCatIds()], "categories")
        evaluator.params.catIds = list(category_ids)
    return evaluator


def _finish(
    gt_api: YTVOS,
    run: Callable[[Params], Any],
    iou_type: str,
    *,
    threads: int | None,
    max_dets: Sequence[int] | None,
    video_ids: list[int] | None,
    category_ids: list[int] | None,
    predictions: Any = None,
) -> EvalResult:
    """evaluate() for native evaluations made elsewhere (the streaming evaluator):
    `run(params)` returns the native evaluation for the normalised params;
    `predictions` (with `video_ids` and `category_ids` columns) gives the counts."""
    evaluator = _evaluator(gt_api, None, iou_type, threads, max_dets, video_ids, category_ids)
    p = evaluator.params
    # As YTVOSeval.evaluate() normalises them.
    import numpy as np

    p.vidIds = [int(v) for v in sorted_unique(np.asarray(p.vidIds, dtype=np.int64))]
    if p.useCats:
        p.catIds = [int(c) for c in sorted_unique(np.asarray(p.catIds, dtype=np.int64))]
    p.maxDets = sorted(p.maxDets)
    evaluator._native = run(p)
    evaluator._paramsEval = copy.deepcopy(p)
    return _result(evaluator, gt_api, gt_api._native_store(True), predictions)


def _result(
    evaluator: YTVOSeval,
    gt_api: YTVOS,
    gt_store: Any,
    dt_store: Any,
    metrics: Sequence[str] = ("ap",),
    length_edges: Sequence[int] = (16, 32),
    occlusion_scores: Callable[[], Any] | None = None,
) -> EvalResult:
    """Accumulates and summarizes an evaluated YTVOSeval into an EvalResult; the
    stores give the instance counts per category (predictions only where known),
    `metrics` beyond AP need the evaluator's predictions; `occlusion_scores`, if
    given, returns the ground-truth file's occlusion scores, read already."""
    import numpy as np

    evaluator.accumulate()
    evaluator.summarize()
    p = evaluator.params
    cat_ids = [int(c) for c in p.catIds] if p.useCats else [-1]
    known = gt_api._category_names()
    names = [str(known.get(c, c)) for c in cat_ids]
    evaluated = np.asarray([int(v) for v in p.vidIds], dtype=np.int64)
    crowd = np.asarray(gt_store.iscrowd) != 0
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
        gt_counts=_counts(gt_store, evaluated, cat_ids, keep=~crowd),
        dt_counts=[] if dt_store is None else _counts(dt_store, evaluated, cat_ids),
        **compute_extra_metrics(
            evaluator,
            gt_api,
            metrics,
            length_edges=length_edges,
            occlusion_scores=occlusion_scores,
        ),
    )


def _counts(
    store: Any, videos: np.ndarray, categories: list[int], keep: np.ndarray | None = None
) -> list[int]:
    """Instances per category (in `categories` order) within the evaluated videos."""
    import numpy as np

    selected = np.isin(store.video_ids, videos)
    if keep is not None:
        selected &= keep
    present, counts = np.unique(np.asarray(store.category_ids)[selected], return_counts=True)
    found = dict(zip(present.tolist(), counts.tolist()))
    if categories == [-1]:  # useCats=0: one pooled category
        return [int(counts.sum())]
    return [int(found.get(c, 0)) for c in categories]
