"""Evaluation that streams: predictions arrive video by video, as arrays.

`VideoEvaluator` encodes each video's masks natively and reduces them at once to
what the evaluation needs later (per prediction: score, category, mean area and
its IoU against the ground truth of the same video and category), so memory does
not grow with the frames or pixels seen. `compute()` then runs the matching and
accumulation of `evaluate()` on those rows: the result is bit for bit the result
of `ytvis_fast.evaluate()` on a results file holding the same predictions.

Order contract. Ties in score are broken by the order of predictions inside one
video, as in a results file. The equivalent results file lists, for each video,
its predictions in the order of the `update()` calls for that video, then in
mask order inside one call; the order of the videos does not matter. `merge()`
joins states that saw disjoint sets of videos, so merging is exact whatever the
split and the order; a video seen by two states is an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from ._native import _core
from .checks import check_categories
from .params import sorted_unique
from .result import EvalResult
from .ytvos import YTVOS

if TYPE_CHECKING:  # pragma: no cover
    import numpy.typing as npt

__all__ = ["VideoEvaluator"]

GroundTruth = Union[str, "os.PathLike[str]", dict, YTVOS]

STATE_FORMAT = "ytvis_fast.VideoEvaluator/1"
_STATE_ARRAYS = ("video_ids", "labels", "scores", "areas", "iou_lengths", "ious")

# DLPack device types (dlpack.h): CPU memory, and pinned host memory a CPU can read.
_DLPACK_CPU = (1, 3)


@dataclass(frozen=True)
class _Chunk:
    """Predictions of one video from one update: attributes and IoU rows."""

    labels: np.ndarray  # int64 [n]
    scores: np.ndarray  # float64 [n]
    areas: np.ndarray  # float64 [n]
    iou_lengths: np.ndarray  # int64 [n]
    ious: np.ndarray  # float64 [sum(iou_lengths)]


class VideoEvaluator:
    """Streaming YouTube-VIS evaluator for training loops.

    Parameters
    ----------
    gt:
        Ground truth: a JSON path, the parsed dict, or a `YTVOS` (loaded once).
    iou_type:
        ``"segm"`` (spatio-temporal mask IoU) or ``"bbox"`` (tube box IoU, boxes
        from the masks).
    threads:
        Native worker threads (default: every core). Results never depend on it.

    Use ``update()`` (dense masks) or ``update_rle()`` (RLE) once per video, then
    ``compute()``. Across processes: ``state_dict()`` / ``load_state_dict()`` /
    ``merge()``, or ``sync()`` inside an initialised ``torch.distributed`` group.
    """

    def __init__(self, gt: GroundTruth, iou_type: str = "segm", threads: int | None = None) -> None:
        if iou_type not in ("segm", "bbox"):
            raise ValueError(f"iou_type must be 'segm' or 'bbox', got {iou_type!r}")
        self.iou_type = iou_type
        self.threads = threads
        if isinstance(gt, YTVOS):
            self._gt = gt
        else:
            self._gt = YTVOS(gt, threads=threads, verbose=False, strict=True)
        self._store = self._gt._native_store(True)
        ids, heights, widths, lengths = self._gt._video_table()
        self._videos: dict[int, tuple[int, int, int]] = {}
        for v, h, w, n in zip(ids, heights, widths, lengths):
            self._videos.setdefault(int(v), (int(h), int(w), int(n)))
        self._category_ids = [int(c) for c in sorted_unique(self._gt.getCatIds())]
        self._category_set = set(self._category_ids)
        self._fingerprint = self._gt_fingerprint(ids, heights, widths, lengths)
        self._chunks: dict[int, list[_Chunk]] = {}

    # -- input ---------------------------------------------------------------------------
    def update(self, video_id: int, masks: Any, scores: Any, labels: Any) -> None:
        """Adds the predictions of one video.

        Parameters
        ----------
        video_id:
            A video of the ground truth.
        masks:
            (N, T, H, W) bool or uint8 (any non-zero value is foreground): a numpy
            array, or any CPU object exposing DLPack (a CPU torch tensor is read in
            place, without a copy) or the buffer protocol. T, H and W must be the
            video's. A tensor on a GPU is refused: move it with ``.cpu()`` first.
        scores, labels:
            N scores (finite numbers) and N category ids of the ground truth.
        """
        video = self._check_video(video_id)
        array = _as_mask_array(masks)
        if array.ndim != 4:
            raise ValueError(
                f"video {video}: masks must have shape (N, T, H, W), got shape {array.shape}"
            )
        n, frames, height, width = (int(s) for s in array.shape)
        score_values, label_values = self._check_predictions(video, n, scores, labels)
        video_height, video_width, length = self._videos[video]
        if length >= 0 and frames != length:
            raise ValueError(f"video {video} has {length} frames but masks have T={frames}")
        if (height, width) != (video_height, video_width):
            raise ValueError(
                f"video {video} is {video_height}x{video_width} but masks are {height}x{width}"
            )
        if n == 0:
            return
        areas, offsets, ious = _core.stream_masks(
            self._store,
            array.view(np.uint8),
            video,
            label_values,
            score_values,
            self._category_ids,
            self.iou_type,
            self.threads or 0,
        )
        self._append(video, label_values, score_values, areas, offsets, ious)

    def update_rle(self, video_id: int, segmentations: Any, scores: Any, labels: Any) -> None:
        """Adds the predictions of one video given as RLE.

        ``segmentations`` holds one list per prediction with one entry per frame:
        a COCO RLE dict (compressed ``counts`` string or uncompressed list), a
        polygon list, or ``None`` where the instance is absent, as in a results
        file. Checked as strictly as `evaluate()` checks a results file.
        """
        video = self._check_video(video_id)
        if isinstance(segmentations, (str, bytes)) or not hasattr(segmentations, "__len__"):
            raise TypeError(
                f"video {video}: segmentations must be a list with one entry per prediction"
            )
        n = len(segmentations)
        score_values, label_values = self._check_predictions(video, n, scores, labels)
        if n == 0:
            return
        results = [
            {"video_id": video, "category_id": int(c), "score": float(s), "segmentations": seg}
            for c, s, seg in zip(label_values.tolist(), score_values.tolist(), segmentations)
        ]
        table = self._gt._video_table()
        try:
            dt = _core.build_store(results, *table, True, True, self.threads or 0)
        except ValueError as error:
            raise type(error)(f"video {video}: {error}") from None
        areas, offsets, ious = _core.stream_store(
            self._store, dt, self._category_ids, self.iou_type, self.threads or 0
        )
        self._append(video, label_values, score_values, areas, offsets, ious)

    def _check_video(self, video_id: Any) -> int:
        try:
            video = int(video_id)
        except (TypeError, ValueError):
            raise TypeError(f"video_id must be an integer, got {video_id!r}") from None
        if video != video_id or video not in self._videos:
            raise KeyError(f"video_id {video_id!r} is not a video of the ground truth")
        return video

    def _check_predictions(
        self, video: int, n: int, scores: Any, labels: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        score_values = np.asarray(scores, dtype=np.float64).reshape(-1)
        label_array = np.asarray(labels)
        if label_array.size and label_array.dtype.kind not in "iu":
            raise TypeError(f"video {video}: labels must be integers, got {label_array.dtype}")
        label_values = label_array.astype(np.int64).reshape(-1)
        if score_values.size != n or label_values.size != n:
            raise ValueError(
                f"video {video}: {n} masks but {score_values.size} scores and "
                f"{label_values.size} labels"
            )
        bad = np.flatnonzero(~np.isfinite(score_values))
        if bad.size:
            raise ValueError(
                f"video {video}, prediction {int(bad[0])}: "
                f"score {score_values[bad[0]]} is not finite"
            )
        unknown = [int(c) for c in label_values.tolist() if c not in self._category_set]
        if unknown:
            raise ValueError(
                f"video {video}: label {unknown[0]} is not a category of the ground truth "
                f"(categories: {self._category_ids})"
            )
        return score_values, label_values

    def _append(
        self,
        video: int,
        labels: np.ndarray,
        scores: np.ndarray,
        areas: np.ndarray,
        offsets: np.ndarray,
        ious: np.ndarray,
    ) -> None:
        chunk = _Chunk(
            labels=np.array(labels, dtype=np.int64),
            scores=np.array(scores, dtype=np.float64),
            areas=np.asarray(areas, dtype=np.float64),
            iou_lengths=np.diff(offsets).astype(np.int64),
            ious=np.asarray(ious, dtype=np.float64),
        )
        self._chunks.setdefault(video, []).append(chunk)

    def _add_results(self, results: Any) -> None:
        """Adds a whole results file (path) or list, keeping its order inside each video."""
        results_api = self._gt._load_results(results)
        dt = results_api._native_store(True)
        # As evaluate() does: a category the ground truth does not list is an error.
        check_categories(dt, self._category_ids, results_api.source, "result")
        areas, offsets, ious = _core.stream_store(
            self._store, dt, self._category_ids, self.iou_type, self.threads or 0
        )
        state = {
            "format": STATE_FORMAT,
            "iou_type": self.iou_type,
            "gt_fingerprint": self._fingerprint,
            "video_ids": np.asarray(dt.video_ids),
            "labels": np.asarray(dt.category_ids),
            "scores": np.asarray(dt.scores),
            "areas": areas,
            "iou_lengths": np.diff(offsets).astype(np.int64),
            "ious": ious,
        }
        self._absorb(state, allow_overlap=True)

    # -- state ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Forgets every prediction (the ground truth stays loaded)."""
        self._chunks = {}

    @property
    def video_ids(self) -> list[int]:
        """The videos that received predictions, ascending."""
        return sorted(self._chunks)

    def __len__(self) -> int:
        """Number of predictions held."""
        return sum(len(c.scores) for chunks in self._chunks.values() for c in chunks)

    def state_dict(self) -> dict[str, Any]:
        """The whole state as flat numpy arrays plus metadata: small and picklable.

        Predictions are ordered by video id, then in update order (the order
        contract of the module docstring).
        """
        videos = sorted(self._chunks)
        chunks = [(v, c) for v in videos for c in self._chunks[v]]
        state: dict[str, Any] = {
            "format": STATE_FORMAT,
            "iou_type": self.iou_type,
            "gt_fingerprint": self._fingerprint,
            "video_ids": _concat(
                [np.full(len(c.scores), v, np.int64) for v, c in chunks], np.int64
            ),
            "labels": _concat([c.labels for _, c in chunks], np.int64),
            "scores": _concat([c.scores for _, c in chunks], np.float64),
            "areas": _concat([c.areas for _, c in chunks], np.float64),
            "iou_lengths": _concat([c.iou_lengths for _, c in chunks], np.int64),
            "ious": _concat([c.ious for _, c in chunks], np.float64),
        }
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Replaces the state with one from `state_dict()` (same ground truth and IoU type)."""
        chunks = self._chunks_of(state)
        self._chunks = {v: [c] for v, c in chunks.items()}

    def merge(self, other: VideoEvaluator | dict[str, Any]) -> VideoEvaluator:
        """Adds the predictions of another evaluator (or of its `state_dict()`).

        The two must have seen disjoint sets of videos; then merging is exact
        whatever the split and the order. Returns self.
        """
        state = other.state_dict() if isinstance(other, VideoEvaluator) else other
        self._absorb(state, allow_overlap=False)
        return self

    def _absorb(self, state: dict[str, Any], allow_overlap: bool) -> None:
        incoming = self._chunks_of(state)
        if not allow_overlap:
            both = sorted(set(incoming) & set(self._chunks))
            if both:
                raise ValueError(
                    f"video {both[0]} (and {len(both) - 1} more) has predictions in both states: "
                    "each video must be evaluated by one evaluator only (drop the duplicates a "
                    "padding sampler adds)"
                )
        for video, chunk in incoming.items():
            self._chunks.setdefault(video, []).append(chunk)

    def _chunks_of(self, state: dict[str, Any]) -> dict[int, _Chunk]:
        """Validates a state dict and splits it per video (keeping the order inside one)."""
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            raise ValueError(f"not a VideoEvaluator state (expected format {STATE_FORMAT!r})")
        if state.get("iou_type") != self.iou_type:
            raise ValueError(
                f"state was computed with iou_type {state.get('iou_type')!r}, not {self.iou_type!r}"
            )
        if state.get("gt_fingerprint") != self._fingerprint:
            raise ValueError("state was computed against other ground truth")
        missing = [key for key in _STATE_ARRAYS if key not in state]
        if missing:
            raise ValueError(f"state lacks {missing}")
        video_ids = np.asarray(state["video_ids"], dtype=np.int64)
        labels = np.asarray(state["labels"], dtype=np.int64)
        scores = np.asarray(state["scores"], dtype=np.float64)
        areas = np.asarray(state["areas"], dtype=np.float64)
        lengths = np.asarray(state["iou_lengths"], dtype=np.int64)
        ious = np.asarray(state["ious"], dtype=np.float64)
        n = video_ids.size
        if any(a.ndim != 1 or a.size != n for a in (labels, scores, areas, lengths)):
            raise ValueError("state arrays must all have one entry per prediction")
        if (lengths < 0).any() or int(lengths.sum()) != ious.size:
            raise ValueError("state IoU lengths do not add up to its IoU values")
        unknown = set(video_ids.tolist()) - set(self._videos)
        if unknown:
            raise ValueError(f"state holds video {min(unknown)}, not a video of the ground truth")
        starts = np.concatenate([[0], np.cumsum(lengths)])[:-1]
        # A stable sort by video keeps the order inside each video.
        order = np.argsort(video_ids, kind="stable")
        groups = np.split(order, np.flatnonzero(np.diff(video_ids[order])) + 1) if n else []
        out: dict[int, _Chunk] = {}
        for rows in groups:
            row_lengths = lengths[rows]
            # Positions of the IoU values of `rows`, row after row.
            first = np.repeat(starts[rows] - np.cumsum(row_lengths) + row_lengths, row_lengths)
            picked = first + np.arange(int(row_lengths.sum()), dtype=np.int64)
            out[int(video_ids[rows[0]])] = _Chunk(
                labels=labels[rows],
                scores=scores[rows],
                areas=areas[rows],
                iou_lengths=row_lengths,
                ious=ious[picked],
            )
        return out

    def sync(self, group: Any = None) -> None:
        """Gathers the states of every rank of an initialised ``torch.distributed``
        process group, so that each rank then holds all predictions.

        Each video must have been updated on one rank only. Every rank must call it.
        """
        try:
            import torch.distributed as dist
        except ImportError as error:  # pragma: no cover - torch is optional
            raise RuntimeError("sync() needs torch (torch.distributed)") from error
        if not dist.is_available() or not dist.is_initialized():
            raise RuntimeError(
                "sync() needs an initialised torch.distributed process group "
                "(torch.distributed.init_process_group)"
            )
        gathered: list[Any] = [None] * dist.get_world_size(group)
        dist.all_gather_object(gathered, self.state_dict(), group=group)
        self._chunks = {}
        for state in gathered:
            self._absorb(state, allow_overlap=False)

    # -- result --------------------------------------------------------------------------
    def compute(
        self,
        *,
        max_dets: tuple[int, ...] | list[int] | None = None,
        video_ids: list[int] | None = None,
        category_ids: list[int] | None = None,
    ) -> EvalResult:
        """The evaluation of every prediction seen, equal to `ytvis_fast.evaluate()` on
        a results file holding the same predictions (overrides as there)."""
        from .evaluation import _finish

        state = self.state_dict()
        lengths = state["iou_lengths"]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.uint64)

        def run(params: Any) -> Any:
            return _core.evaluate_rows(
                self._store,
                state["video_ids"],
                state["labels"],
                state["scores"],
                state["areas"],
                offsets,
                state["ious"],
                [int(v) for v in params.vidIds],
                [int(c) for c in params.catIds],
                bool(params.useCats),
                np.asarray(params.iouThrs, dtype=np.float64),
                np.asarray(params.areaRng, dtype=np.float64).reshape(-1, 2),
                int(params.maxDets[-1]),
                self.threads or 0,
            )

        return _finish(
            self._gt,
            run,
            self.iou_type,
            threads=self.threads,
            max_dets=max_dets,
            video_ids=video_ids,
            category_ids=category_ids,
            predictions=SimpleNamespace(video_ids=state["video_ids"], category_ids=state["labels"]),
        )

    # -- helpers -------------------------------------------------------------------------
    def _gt_fingerprint(self, *video_table: np.ndarray) -> str:
        """Identifies the ground truth a state belongs to, cheaply."""
        import hashlib  # here: its import costs milliseconds of every `import ytvis_fast`

        digest = hashlib.sha256()
        store = self._store
        for array in (*video_table, store.ids, store.video_ids, store.category_ids):
            digest.update(np.ascontiguousarray(array, dtype=np.int64).tobytes())
            digest.update(b"|")
        digest.update(np.asarray(self._category_ids, dtype=np.int64).tobytes())
        return digest.hexdigest()

    def __repr__(self) -> str:
        return (
            f"VideoEvaluator(iou_type={self.iou_type!r}, videos={len(self._chunks)}, "
            f"predictions={len(self)})"
        )


def _concat(arrays: list[np.ndarray], dtype: npt.DTypeLike) -> np.ndarray:
    if not arrays:
        return np.zeros(0, dtype=dtype)
    return np.concatenate(arrays).astype(dtype, copy=False)


def _as_mask_array(masks: Any) -> np.ndarray:
    """A numpy view of `masks` (no copy): numpy arrays, DLPack producers on the CPU,
    buffer-protocol objects. Bool and uint8 only."""
    if isinstance(masks, np.ndarray):
        array = masks
    elif hasattr(masks, "__dlpack__"):
        device = getattr(masks, "__dlpack_device__", None)
        if device is not None and int(device()[0]) not in _DLPACK_CPU:
            raise ValueError(
                "masks are on a GPU (DLPack device type "
                f"{int(device()[0])}); VideoEvaluator reads masks in host memory: move them "
                "with .cpu() (masks that stay on the GPU are not supported)"
            )
        try:
            array = np.from_dlpack(masks)
        except (TypeError, BufferError, RuntimeError) as error:
            raise TypeError(f"masks could not be read through DLPack: {error}") from None
    else:
        try:
            array = np.asarray(memoryview(masks))
        except TypeError:
            raise TypeError(
                "masks must be a numpy array, or expose DLPack (__dlpack__) or the buffer "
                f"protocol; got {type(masks).__name__}"
            ) from None
    if array.dtype != np.bool_ and array.dtype != np.uint8:
        raise TypeError(f"masks must be bool or uint8, got {array.dtype}")
    return array
