"""Type stubs of the native core (csrc/bindings). tests/test_stubs.py keeps them in sync."""

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str

class InstanceStore:
    """Columnar ground truth or predictions."""

    def __len__(self) -> int: ...
    @property
    def ids(self) -> npt.NDArray[np.int64]: ...
    @property
    def video_ids(self) -> npt.NDArray[np.int64]: ...
    @property
    def category_ids(self) -> npt.NDArray[np.int64]: ...
    @property
    def scores(self) -> npt.NDArray[np.float64]: ...
    @property
    def iscrowd(self) -> npt.NDArray[np.float64]: ...
    @property
    def avg_areas(self) -> npt.NDArray[np.float64]: ...
    @property
    def frame_offsets(self) -> npt.NDArray[np.uint64]: ...
    @property
    def frame_areas(self) -> npt.NDArray[np.uint64]: ...
    @property
    def frame_present(self) -> npt.NDArray[np.bool_]: ...
    @property
    def frame_boxes(self) -> npt.NDArray[np.float64]: ...
    def frame_rle(self, instance: int, frame: int) -> dict[str, Any] | None: ...
    def first_repeated_id(self) -> tuple[int, int, int] | None: ...
    def categories_outside(self, known: Sequence[int]) -> tuple[int, int, int] | None: ...
    def count_per_category(
        self, videos: Sequence[int], categories: Sequence[int], skip_crowd: bool
    ) -> list[int]: ...

class Accumulation:
    """Precision, recall and scores of accumulate(), numpy arrays when asked for."""

    @property
    def precision(self) -> npt.NDArray[np.float64]: ...
    @property
    def recall(self) -> npt.NDArray[np.float64]: ...
    @property
    def scores(self) -> npt.NDArray[np.float64]: ...
    def summarize(
        self, precision: bool, thresholds: Sequence[int], area: int, max_det: int
    ) -> float: ...

class Evaluation:
    """Buckets, IoU matrices and matches of one evaluate() run."""

    @property
    def bucket_gt_offsets(self) -> npt.NDArray[np.uint64]: ...
    @property
    def bucket_dt_offsets(self) -> npt.NDArray[np.uint64]: ...
    @property
    def bucket_gt_index(self) -> npt.NDArray[np.uint32]: ...
    @property
    def bucket_dt_index(self) -> npt.NDArray[np.uint32]: ...
    @property
    def iou_offsets(self) -> npt.NDArray[np.uint64]: ...
    @property
    def iou_values(self) -> npt.NDArray[np.float64]: ...
    @property
    def zero_union_buckets(self) -> list[tuple[int, int]]: ...
    @property
    def present(self) -> npt.NDArray[np.uint8]: ...
    @property
    def entry_gt_offsets(self) -> npt.NDArray[np.uint64]: ...
    @property
    def entry_dt_offsets(self) -> npt.NDArray[np.uint64]: ...
    @property
    def gt_order(self) -> npt.NDArray[np.uint32]: ...
    @property
    def gt_ignore(self) -> npt.NDArray[np.uint8]: ...
    @property
    def gt_match(self) -> npt.NDArray[np.int32]: ...
    @property
    def dt_match(self) -> npt.NDArray[np.int32]: ...
    @property
    def dt_ignore(self) -> npt.NDArray[np.uint8]: ...
    @property
    def dt_matched_nonzero(self) -> npt.NDArray[np.uint8]: ...
    @property
    def video_count(self) -> int: ...
    @property
    def category_count(self) -> int: ...
    @property
    def area_count(self) -> int: ...
    @property
    def threshold_count(self) -> int: ...
    def accumulate(
        self,
        categories: Sequence[int],
        areas: Sequence[int],
        max_dets: Sequence[int],
        videos: Sequence[int],
        out_thresholds: int,
        out_categories: int,
        out_areas: int,
        recall_thresholds: Sequence[float],
        threads: int = 0,
    ) -> Accumulation: ...
    def rematch(
        self,
        iou_thresholds: npt.ArrayLike,
        area_ranges: npt.ArrayLike,
        gt_keys: npt.ArrayLike,
        key_ranges: npt.ArrayLike,
        threads: int = 0,
    ) -> Evaluation: ...

def build_store(
    annotations: list[Any],
    video_ids: npt.ArrayLike,
    heights: npt.ArrayLike,
    widths: npt.ArrayLike,
    lengths: npt.ArrayLike,
    results: bool,
    strict: bool,
    threads: int = 0,
) -> InstanceStore: ...
def evaluate(
    gt: InstanceStore,
    dt: InstanceStore,
    video_ids: list[int],
    category_ids: list[int],
    use_cats: bool,
    iou_thresholds: Sequence[float],
    area_ranges: Sequence[Sequence[float]],
    max_dets: int,
    iou_type: str = "segm",
    threads: int = 0,
) -> Evaluation: ...
def evaluate_rows(
    gt: InstanceStore,
    dt_video_ids: npt.ArrayLike,
    dt_category_ids: npt.ArrayLike,
    dt_scores: npt.ArrayLike,
    dt_areas: npt.ArrayLike,
    iou_row_offsets: npt.ArrayLike,
    iou_values: npt.ArrayLike,
    video_ids: list[int],
    category_ids: list[int],
    use_cats: bool,
    iou_thresholds: npt.ArrayLike,
    area_ranges: npt.ArrayLike,
    max_dets: int,
    threads: int = 0,
) -> Evaluation: ...
def stream_masks(
    gt: InstanceStore,
    masks: npt.NDArray[np.uint8] | npt.NDArray[np.bool_],
    video_id: int,
    labels: npt.ArrayLike,
    scores: npt.ArrayLike,
    category_ids: list[int],
    iou_type: str = "segm",
    threads: int = 0,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint64], npt.NDArray[np.float64]]: ...
def stream_store(
    gt: InstanceStore,
    dt: InstanceStore,
    category_ids: list[int],
    iou_type: str = "segm",
    threads: int = 0,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint64], npt.NDArray[np.float64]]: ...

class InputError(ValueError):
    """Input whose shape or values are wrong; the message names the place."""

class GroundTruthFile:
    """Videos, categories and annotations of a ground-truth file."""

    @property
    def video_ids(self) -> list[int]: ...
    @property
    def video_heights(self) -> list[int]: ...
    @property
    def video_widths(self) -> list[int]: ...
    @property
    def video_lengths(self) -> list[int]: ...
    @property
    def category_ids(self) -> list[int]: ...
    @property
    def category_names(self) -> list[str]: ...
    @property
    def annotations(self) -> InstanceStore: ...

def read_ground_truth(
    source: str | os.PathLike[str] | bytes, strict: bool = False, threads: int = 0
) -> GroundTruthFile: ...
def read_results(
    source: str | os.PathLike[str] | bytes,
    video_ids: npt.ArrayLike,
    heights: npt.ArrayLike,
    widths: npt.ArrayLike,
    lengths: npt.ArrayLike,
    strict: bool = False,
    threads: int = 0,
) -> InstanceStore: ...
def read_results_files(
    sources: list[str | os.PathLike[str]],
    video_ids: npt.ArrayLike,
    heights: npt.ArrayLike,
    widths: npt.ArrayLike,
    lengths: npt.ArrayLike,
    strict: bool = False,
    threads: int = 0,
) -> tuple[InstanceStore, list[int]]: ...

class SplitResults:
    """Results files walked once, their elements found but not yet parsed."""

def split_results(sources: list[str | os.PathLike[str]], threads: int = 0) -> SplitResults: ...
def read_ground_truth_walking_results(
    source: str | os.PathLike[str] | bytes,
    results: list[str | os.PathLike[str]],
    strict: bool = False,
    threads: int = 0,
) -> tuple[GroundTruthFile, SplitResults]: ...
def build_results(
    split: SplitResults,
    video_ids: npt.ArrayLike,
    heights: npt.ArrayLike,
    widths: npt.ArrayLike,
    lengths: npt.ArrayLike,
    strict: bool = False,
    threads: int = 0,
    borrow: bool = False,
) -> tuple[InstanceStore, list[int]]: ...

class RleError(ValueError):
    """An RLE or polygon that cannot be trusted."""

def rle_decode(counts: str, height: int, width: int) -> npt.NDArray[np.uint8]: ...
def rle_counts(counts: str, height: int, width: int) -> npt.NDArray[np.uint32]: ...
def rle_encode(masks: npt.ArrayLike, threads: int = 0) -> str | list[str]: ...
def rle_encode_counts(counts: npt.ArrayLike, height: int, width: int) -> str: ...
def rle_area(counts: str, height: int, width: int) -> int: ...
def rle_bbox(counts: str, height: int, width: int) -> list[float]: ...
def rle_intersection(a: str, b: str, height: int, width: int) -> int: ...
def rle_merge(masks: list[str], height: int, width: int) -> str: ...
def rle_from_polygons(polygons: list[list[float]], height: int, width: int) -> str: ...
def association_counts(
    gt: InstanceStore,
    dt: InstanceStore,
    video_ids: list[int],
    video_lengths: list[int],
    category_ids: list[int],
    alphas: npt.ArrayLike,
    clear_threshold: float = 0.5,
    identity_threshold: float = 0.5,
    threads: int = 0,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def read_occlusion_scores(path: str | os.PathLike[str]) -> npt.NDArray[np.float64]: ...
def good_frame_counts(
    gt: InstanceStore,
    dt: InstanceStore,
    gt_instances: list[int],
    dt_instances: list[int],
    threshold: float,
    threads: int = 0,
) -> npt.NDArray[np.uint32]: ...
def video_tube_ious(
    gt: InstanceStore,
    dt: InstanceStore,
    dt_instances: list[int],
    category_ids: list[int],
    floor: float = 0.0,
    threads: int = 0,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32], npt.NDArray[np.float64]]: ...
