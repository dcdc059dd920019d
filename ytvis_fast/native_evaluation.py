"""`evaluate()` of files, the native core end to end.

When the ground truth and the results are both files and only AP is asked for,
nothing needs the Python view of the data (`YTVOS`) nor numpy: the files are
read into native stores, evaluated, accumulated and summarized natively, and
the result's arrays are made when first read. Importing numpy alone takes a
sixth of a small evaluation's time in a fresh process (a command-line run, a
benchmark sweep). The steps, their order and their errors are those of the
general path in evaluation.py, which the tests hold this path to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._io import in_file
from ._native import _core
from .checks import check_categories, check_max_dets, check_subset, check_unique_ids
from .params import (
    AREA_LABELS,
    AREA_RANGES,
    IOU_THRESHOLDS,
    MAX_DETS,
    RECALL_THRESHOLDS,
    check_iou_type,
)
from .result import STAT_KEYS, Deferred, EvalResult
from .summary import summary_specs

__all__ = ["evaluate_files", "warn_zero_unions"]


def evaluate_files(
    gt_path: str,
    result_paths: list[str],
    several: bool,
    iou_type: str,
    *,
    threads: int | None,
    max_dets: Sequence[int] | None,
    video_ids: list[int] | None,
    category_ids: list[int] | None,
    step: Callable[[str], None],
    stages: Sequence[str],
) -> EvalResult:
    """AP of the results files against the ground-truth file; `several`: the
    results are a list of files (errors then name the file of a result)."""
    workers = threads or 0
    step(stages[0])
    # Walking the results files is serial work that needs nothing from the ground
    # truth: it runs beside the ground truth's reading, which then checks the
    # masks the walk has read. Errors keep their order: the ground truth's first.
    gt, split = _core.read_ground_truth_walking_results(gt_path, result_paths, True, workers)
    gt_store = gt.annotations
    check_unique_ids(gt_store, gt_path)
    known_categories = list(gt.category_ids)
    check_categories(gt_store, known_categories, gt_path, "annotation")
    step(stages[1])
    table = (gt.video_ids, gt.video_heights, gt.video_widths, gt.video_lengths)
    dt_store, starts = _core.build_results(split, *table, True, workers, borrow=True)
    source = "<results>" if several else result_paths[0]
    try:
        check_categories(dt_store, known_categories, source, "result")
    except ValueError as error:
        raise in_file(error, result_paths, starts) if several else error from None

    iou_type = iou_type or "segm"  # as the reference's YTVOSeval takes an empty type
    check_iou_type(iou_type)
    all_videos = sorted(set(gt.video_ids))
    limits = sorted(check_max_dets(max_dets) if max_dets is not None else MAX_DETS)
    videos = all_videos
    if video_ids is not None:
        check_subset(video_ids, all_videos, "videos")
        videos = sorted(set(video_ids))
    categories = sorted(set(known_categories))
    if category_ids is not None:
        check_subset(category_ids, known_categories, "categories")
        categories = sorted(set(category_ids))
    videos = [int(v) for v in videos]
    categories = [int(c) for c in categories]

    step(stages[2])
    native = _core.evaluate(
        gt_store,
        dt_store,
        videos,
        categories,
        True,
        IOU_THRESHOLDS,
        AREA_RANGES,
        limits[-1],
        iou_type,
        workers,
    )
    warn_zero_unions(native, videos, categories)

    step(stages[3])
    K, A, V = len(categories), len(AREA_RANGES), len(videos)
    accumulation = native.accumulate(
        range(K), range(A), limits, range(V), len(IOU_THRESHOLDS), K, A, RECALL_THRESHOLDS, workers
    )
    names = dict(zip(gt.category_ids, gt.category_names))

    def params() -> dict[str, Any]:
        import numpy as np

        return {
            "iouType": iou_type,
            "iouThrs": np.array(IOU_THRESHOLDS),
            "recThrs": np.array(RECALL_THRESHOLDS),
            "maxDets": list(limits),
            "areaRng": [list(a) for a in AREA_RANGES],
            "areaRngLbl": list(AREA_LABELS),
            "useCats": 1,
            "vidIds": list(videos),
            "catIds": list(categories),
        }

    return EvalResult(
        stats=dict(zip(STAT_KEYS, summarize(accumulation, limits))),
        precision=Deferred(lambda: accumulation.precision),
        recall=Deferred(lambda: accumulation.recall),
        scores=Deferred(lambda: accumulation.scores),
        params=Deferred(params),
        category_ids=categories,
        category_names=[str(names.get(c, c)) for c in categories],
        gt_counts=gt_store.count_per_category(videos, categories, True),
        dt_counts=dt_store.count_per_category(videos, categories, False),
    )


def summarize(accumulation: Any, max_dets: Sequence[int]) -> list[float]:
    """The 12 figures, as the reference's summarize() takes them from default
    parameters (one label per area range) and `max_dets`."""
    stats = []
    for spec in summary_specs(max_dets):
        if spec.iou is None:
            thresholds = list(range(len(IOU_THRESHOLDS)))
        else:
            thresholds = [t for t, value in enumerate(IOU_THRESHOLDS) if value == spec.iou]
        area = AREA_LABELS.index(spec.area)
        limit = [m for m, value in enumerate(max_dets) if value == spec.max_dets]
        if not limit:  # the reference's slice is empty: no figure
            stats.append(-1.0)
            continue
        stats.append(accumulation.summarize(spec.ap, thresholds, area, limit[0]))
    return stats


def warn_zero_unions(native: Any, video_ids: Sequence[Any], category_ids: Sequence[Any]) -> None:
    """Logs the buckets of an evaluation where a pair's union was empty (mask sizes
    that disagree with each other), as the reference warns of them; `category_ids`
    is [-1] when categories are pooled."""
    found = native.zero_union_buckets
    if not found:
        return
    import logging  # here: its import costs milliseconds of every `import ytvis_fast`

    logger = logging.getLogger("ytvis_fast")
    for bucket, pairs in found:
        video, category = divmod(bucket, len(category_ids))
        # The reference prints this once per pair; one line per bucket says as much.
        logger.warning(
            "Mask sizes in video %s and category %s may not match! (%d pairs with an empty "
            "union, IoU taken as 0)",
            video_ids[video],
            category_ids[category],
            pairs,
        )
