"""Native JSON ingest: files parsed by the core give the reference's numbers,
the same stores as the Python walk, and clear errors on malformed input."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from reference import run_reference
from synth import OPTION_NAMES, make_dataset
from test_dropin_exact import assert_identical

import ytvis_fast
from ytvis_fast import _core

STORE_COLUMNS = (
    "ids",
    "video_ids",
    "category_ids",
    "scores",
    "iscrowd",
    "avg_areas",
    "frame_offsets",
    "frame_areas",
    "frame_present",
)


def assert_same_store(native: Any, walked: Any) -> None:
    """Every column, box and mask of two stores agree."""
    for column in STORE_COLUMNS:
        assert np.array_equal(getattr(native, column), getattr(walked, column)), column
    assert np.array_equal(native.frame_boxes, walked.frame_boxes, equal_nan=True)
    offsets = walked.frame_offsets
    for instance in range(len(walked)):
        for frame in range(int(offsets[instance + 1] - offsets[instance])):
            assert native.frame_rle(instance, frame) == walked.frame_rle(instance, frame)


def _write(tmp_path: Path, gt: dict[str, Any], results: Any) -> tuple[Path, Path]:
    gt_path, res_path = tmp_path / "gt.json", tmp_path / "res.json"
    gt_path.write_text(json.dumps(gt))
    res_path.write_text(json.dumps(results))
    return gt_path, res_path


def _run_from_files(gt_path: Path, res_path: Path) -> Any:
    from reference import Run

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        api = ytvis_fast.YTVOS(gt_path)
        evaluator = ytvis_fast.YTVOSeval(api, api.loadRes(res_path))
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    lines = [line for line in out.getvalue().splitlines() if line.startswith(" Average")]
    return Run(
        evaluator, list(evaluator.stats), evaluator.eval, evaluator.evalImgs, evaluator.ious, lines
    )


@pytest.mark.parametrize("option", OPTION_NAMES)
def test_files_give_the_reference_numbers(tmp_path: Path, option: str) -> None:
    gt, results = make_dataset(41, n_videos=6, **{option: True})
    paths = _write(tmp_path, gt, results)
    assert_identical(run_reference(gt, results), _run_from_files(*paths))


def test_native_and_python_stores_agree(tmp_path: Path) -> None:
    options = {name: True for name in OPTION_NAMES if name != "size_mismatch"}
    gt, results = make_dataset(43, n_videos=6, **options)
    # Scores and areas with every digit, to check float parsing is correctly rounded.
    rng = np.random.default_rng(0)
    for r in results:
        r["score"] = float(rng.random())
    for a in gt["annotations"]:
        a["areas"] = [
            None if x is None else float(x) * (1 + float(rng.random())) for x in a["areas"]
        ]
    gt_path, res_path = _write(tmp_path, gt, results)
    native_gt = _core.read_ground_truth(gt_path)
    table = (
        native_gt.video_ids,
        native_gt.video_heights,
        native_gt.video_widths,
        native_gt.video_lengths,
    )
    native_res = _core.read_results(res_path, *table)
    walked_gt = _core.build_store(gt["annotations"], *table, results=False, strict=False)
    walked_res = _core.build_store(results, *table, results=True, strict=False)
    for native, walked in ((native_gt.annotations, walked_gt), (native_res, walked_res)):
        assert_same_store(native, walked)
    assert native_gt.category_ids == [c["id"] for c in gt["categories"]]
    assert native_gt.video_lengths == [v["length"] for v in gt["videos"]]


def test_bytes_input() -> None:
    gt, _ = make_dataset(44, n_videos=3)
    native = _core.read_ground_truth(json.dumps(gt).encode())
    assert len(native.annotations) == len(gt["annotations"])


def test_evaluate_from_files_equals_from_objects(tmp_path: Path) -> None:
    gt, results = make_dataset(45, n_videos=6, crowd=True, polygons=True, uncompressed=True)
    paths = _write(tmp_path, gt, results)
    from_files = ytvis_fast.evaluate(*paths)
    from_objects = ytvis_fast.evaluate(gt, results)
    assert from_files.stats == from_objects.stats
    assert np.array_equal(from_files.precision, from_objects.precision)


def test_python_view_is_built_on_demand(tmp_path: Path) -> None:
    gt, results = make_dataset(46, n_videos=3)
    gt_path, res_path = _write(tmp_path, gt, results)
    api = ytvis_fast.YTVOS(gt_path, verbose=False)
    assert api._dataset is None  # nothing parsed in Python yet
    assert api.getVidIds() == [v["id"] for v in gt["videos"]]
    assert api.getCatIds() == [c["id"] for c in gt["categories"]]
    res = api.loadRes(res_path)
    assert api._dataset is None and res._dataset is None
    assert res.dataset["annotations"][0]["id"] == 1
    assert api.dataset["videos"] == gt["videos"]
    assert api.loadAnns(gt["annotations"][0]["id"]) == [gt["annotations"][0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"videos": [', r"gt\.json: not valid JSON"),
        ("[]", r"gt\.json: ground truth must be a JSON object .* got list"),
        ('{"videos": {}}', r"gt\.json: 'videos' must be a list, got dict"),
        ('{"videos": [{"id": "a"}]}', r"gt\.json: video 0: 'id' must be an integer, got str"),
        (
            '{"videos": [{"id": 1, "height": 4, "width": 4, "length": 1}], "annotations": '
            '[{"id": 1, "video_id": 1, "category_id": 1, "segmentations": [{"size": [4, 4], '
            '"counts": "0"}]}]}',
            r"gt\.json: annotation 0 \(id 1, video 1\), frame 0: "
            r"RLE counts sum to 0 but the mask is 4x4",
        ),
        (
            '{"videos": [], "annotations": [{"id": 1, "video_id": 1.5}]}',
            r"gt\.json: annotation 0: 'video_id' must be an integer, got float",
        ),
        # Fields the reader skips must still be JSON, as json.load requires.
        ('{"info": {"a" 1}, "videos": []}', r"gt\.json: .*not valid JSON at line 1, column 1[45]"),
        (
            '{"info": [1, 2 3], "videos": []}',
            r"gt\.json: .*not valid JSON at line 1, column 1[0-9]",
        ),
        ('{"videos": [], "licenses": [tru]}', r"gt\.json: .*not valid JSON at line 1, column"),
        (
            '{"videos": []}}',
            r"gt\.json: not valid JSON at line 1, column 15: more after the end of the document",
        ),
    ],
)
def test_malformed_ground_truth(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "gt.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        ytvis_fast.YTVOS(path, verbose=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", r"res\.json: results must be a JSON array of objects, got dict"),
        (
            '[{"video_id": 1, "category_id": 1, "score": "high", "segmentations": []}]',
            r"res\.json: result 0: 'score' must be a number, got str",
        ),
        (
            '[{"video_id": 1, "category_id": 1, "score": 0.5}]',
            r"res\.json: result 0: missing 'segmentations'",
        ),
        (
            '[{"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [{"size": [4, 4], '
            '"counts": 7}]}]',
            r"res\.json: result 0, frame 0: "
            r"RLE 'counts' must be a string or a list of integers, got int",
        ),
        ('[{"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [', r"not valid JSON"),
        # Text after the list, as json.load's "Extra data": read in place or not.
        (
            '[{"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [null]}]]',
            r"res\.json: not valid JSON at line 1, column 75: more after the end of the document",
        ),
        (
            '[{"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [null], "x": 1}] ]',
            r"res\.json: not valid JSON at line 1, column 84: more after the end of the document",
        ),
    ],
)
def test_malformed_results(tmp_path: Path, text: str, message: str) -> None:
    gt = {
        "videos": [{"id": 1, "height": 4, "width": 4, "length": 1}],
        "categories": [],
        "annotations": [],
    }
    gt_path = tmp_path / "gt.json"
    gt_path.write_text(json.dumps(gt))
    res_path = tmp_path / "res.json"
    res_path.write_text(text)
    api = ytvis_fast.YTVOS(gt_path, verbose=False)
    with pytest.raises(ValueError, match=message):
        api.loadRes(res_path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"nope\.json: cannot open file"):
        ytvis_fast.YTVOS(tmp_path / "nope.json", verbose=False)


@pytest.mark.parametrize("tail", [0, 1, 4095 - 40, 4096 - 8])
def test_files_ending_anywhere_in_a_page(tmp_path: Path, tail: int) -> None:
    # The parser reads padding past the end of the mapped file, also when it
    # crosses into the next page.
    gt, _ = make_dataset(46, n_videos=3)
    text = json.dumps(gt)
    text += " " * ((tail - len(text)) % 4096)
    path = tmp_path / "gt.json"
    path.write_text(text)
    assert path.stat().st_size % 4096 == tail % 4096
    assert len(_core.read_ground_truth(path).annotations) == len(gt["annotations"])


def test_input_from_a_pipe(tmp_path: Path) -> None:
    import os
    import threading

    gt, _ = make_dataset(47, n_videos=3)
    fifo = tmp_path / "gt.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(json.dumps(gt)))
    writer.start()
    try:
        native = _core.read_ground_truth(fifo)
    finally:
        writer.join()
    assert len(native.annotations) == len(gt["annotations"])


def test_empty_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty\.json: not valid JSON: the document is empty"):
        _core.read_ground_truth(path)


def test_several_results_files_read_natively_as_one_list(tmp_path: Path) -> None:
    gt, results = make_dataset(48, n_videos=5)
    gt_path, whole = _write(tmp_path, gt, results)
    cut = len(results) // 3
    parts = [tmp_path / f"rank{i}.json" for i in range(3)]
    for part, chunk in zip(parts, (results[:cut], [], results[cut:])):
        part.write_text(json.dumps(chunk))
    api = ytvis_fast.YTVOS(gt_path, verbose=False)
    one, split = api.loadRes(whole), api.loadRes(parts)
    one_store, split_store = one._native_store(), split._native_store()
    assert split._file_starts == [0, cut, cut]
    for column in ("ids", "video_ids", "category_ids", "scores", "avg_areas", "frame_areas"):
        assert np.array_equal(getattr(one_store, column), getattr(split_store, column)), column
    assert [a["id"] for a in split.dataset["annotations"]] == list(range(1, len(results) + 1))
    evaluated = []
    for dt in (one, split):
        evaluator = ytvis_fast.YTVOSeval(api, dt, verbose=False)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluated.append(evaluator.eval["precision"])
    assert np.array_equal(*evaluated)
