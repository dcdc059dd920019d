"""Results never depend on the number of threads."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from synth import make_dataset

import ytvis_fast
from ytvis_fast import _core


@pytest.mark.parametrize("seed", [0, 1])
def test_same_result_for_every_thread_count(seed: int) -> None:
    gt, results = make_dataset(seed, n_videos=12)
    runs = [ytvis_fast.evaluate(gt, results, threads=t) for t in (1, 2, 3, 8)]
    for run in runs[1:]:
        assert run.stats == runs[0].stats
        assert np.array_equal(run.precision, runs[0].precision)
        assert np.array_equal(run.recall, runs[0].recall)
        assert np.array_equal(run.scores, runs[0].scores)


COLUMNS = ("ids", "video_ids", "category_ids", "scores", "iscrowd", "avg_areas", "frame_offsets")
FRAME_COLUMNS = ("frame_areas", "frame_present", "frame_boxes")


def _store_snapshot(store: _core.InstanceStore) -> dict[str, Any]:
    snapshot: dict[str, Any] = {c: np.asarray(getattr(store, c)).tolist() for c in COLUMNS}
    snapshot.update({c: np.asarray(getattr(store, c)).tolist() for c in FRAME_COLUMNS})
    # NaN marks frames without a box; None compares equal to itself.
    snapshot["frame_boxes"] = [
        [None if v != v else v for v in box] for box in snapshot["frame_boxes"]
    ]
    offsets = snapshot["frame_offsets"]
    snapshot["rles"] = [
        store.frame_rle(i, f) for i in range(len(store)) for f in range(offsets[i + 1] - offsets[i])
    ]
    return snapshot


def test_native_ingest_is_the_same_for_every_thread_count() -> None:
    # Enough annotations for the ingest to split them into many chunks.
    gt, results = make_dataset(2, n_videos=30, uncompressed=True, polygons=True, crowd=True)
    gt_bytes, res_bytes = json.dumps(gt).encode(), json.dumps(results).encode()
    snapshots = []
    for threads in (1, 2, 3, 8):
        native = _core.read_ground_truth(gt_bytes, threads=threads)
        table = (
            native.video_ids,
            native.video_heights,
            native.video_widths,
            native.video_lengths,
        )
        res = _core.read_results(res_bytes, *table, threads=threads)
        snapshots.append((_store_snapshot(native.annotations), _store_snapshot(res)))
    for snapshot in snapshots[1:]:
        assert snapshot == snapshots[0]


def test_the_first_bad_result_is_reported_for_every_thread_count() -> None:
    gt, results = make_dataset(3, n_videos=30)
    for index in (len(results) // 3, 2 * len(results) // 3):
        frame = next(f for f, s in enumerate(results[index]["segmentations"]) if s)
        results[index]["segmentations"][frame]["counts"] = "!!"
    first = len(results) // 3
    native = _core.read_ground_truth(json.dumps(gt).encode())
    table = (native.video_ids, native.video_heights, native.video_widths, native.video_lengths)
    for threads in (1, 2, 3, 8):
        with pytest.raises(ValueError, match=rf"result {first}\b"):
            _core.read_results(json.dumps(results).encode(), *table, threads=threads)
