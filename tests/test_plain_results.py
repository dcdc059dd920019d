"""The fast reader of results files (PlainResultReader in plain_elements.cpp): results
of the usual shape are read with simdjson's On-Demand API and their masks
borrowed from the input; anything else goes through the general reader. Whatever
path an element takes, the store is the one the Python walk of `json.loads`
builds, and errors are those of the general reader."""

from __future__ import annotations

import gc
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synth import make_dataset
from test_native_ingest import assert_same_store

from ytvis_fast import _core


def _table(gt: dict[str, Any]) -> tuple[np.ndarray, ...]:
    videos = gt["videos"]
    return tuple(
        np.array([v[key] for v in videos], dtype=np.int64)
        for key in ("id", "height", "width", "length")
    )


def _stores_from_text(path: Path, text: str, table: tuple[np.ndarray, ...], strict: bool) -> list:
    """The store of `text` read natively (owned, and borrowed as evaluate() reads
    it) and walked in Python from json.loads."""
    path.write_text(text)
    owned = _core.read_results(path, *table, strict=strict)
    split = _core.split_results([path])
    borrowed, starts = _core.build_results(split, *table, strict=strict, borrow=True)
    assert starts == [0]
    walked = _core.build_store(json.loads(text), *table, results=True, strict=strict)
    return [owned, borrowed, walked]


def _escape_some(counts: str, rng: np.random.Generator) -> str:
    """The JSON body of `counts` with some characters written as \\u escapes."""
    out = []
    for ch in counts:
        if rng.random() < 0.2:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(json.dumps(ch)[1:-1])
    return "".join(out)


def _element_text(result: dict[str, Any], variant: str, rng: np.random.Generator) -> str:
    """One result written in one of the shapes a results file may use."""
    result = dict(result)
    if variant == "extra field":
        result["id"] = 7
    elif variant == "rle extra field":
        result["segmentations"] = [
            dict(seg, extra=[1, 2]) if seg else seg for seg in result["segmentations"]
        ]
    elif variant == "falsy frames":
        falsy = [None, {}, [], False, 0, ""]
        result["segmentations"] = [
            seg if seg and rng.random() < 0.5 else falsy[int(rng.integers(len(falsy)))]
            for seg in result["segmentations"]
        ]
    elif variant == "integer score":
        result["score"] = int(rng.integers(0, 3))
    elif variant == "uncompressed":
        result["segmentations"] = [
            {"size": seg["size"], "counts": _core.rle_counts(seg["counts"], *seg["size"]).tolist()}
            if seg
            else None
            for seg in result["segmentations"]
        ]
    elif variant == "spaced":
        return json.dumps(result, indent=2).replace('",', '" ,').replace('"}', '" \n}')
    if variant == "unicode escapes":
        return with_escaped_counts(result, rng)
    return json.dumps(result)


def with_escaped_counts(element: dict[str, Any], rng: np.random.Generator) -> str:
    """The JSON of a result or annotation whose string counts have some characters
    written as \\u escapes."""
    parts = []
    for seg in element["segmentations"]:
        if isinstance(seg, dict) and isinstance(seg.get("counts"), str):
            body = _escape_some(seg["counts"], rng)
            parts.append(f'{{"size": {json.dumps(seg["size"])}, "counts": "{body}"}}')
        else:
            parts.append(json.dumps(seg))
    rest = {k: v for k, v in element.items() if k != "segmentations"}
    return json.dumps(rest)[:-1] + ', "segmentations": [' + ", ".join(parts) + "]}"


VARIANTS = [
    "plain",
    "extra field",
    "rle extra field",
    "falsy frames",
    "integer score",
    "uncompressed",
    "spaced",
    "unicode escapes",
]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("strict", [False, True])
def test_every_shape_gives_the_walked_store(tmp_path: Path, variant: str, strict: bool) -> None:
    gt, results = make_dataset(61, n_videos=5, max_frames=6)
    rng = np.random.default_rng(0)
    text = "[" + ",".join(_element_text(r, variant, rng) for r in results) + "]"
    owned, borrowed, walked = _stores_from_text(tmp_path / "res.json", text, _table(gt), strict)
    assert_same_store(owned, walked)
    assert_same_store(borrowed, walked)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**16), variants=st.lists(st.sampled_from(VARIANTS), min_size=1))
def test_mixed_shapes_in_one_file(tmp_path: Path, seed: int, variants: list[str]) -> None:
    gt, results = make_dataset(seed, n_videos=3, max_frames=5, predictions_per_video=4)
    rng = np.random.default_rng(seed)
    pieces = [_element_text(r, variants[i % len(variants)], rng) for i, r in enumerate(results)]
    text = "[" + ",".join(pieces) + "]"
    owned, borrowed, walked = _stores_from_text(tmp_path / "res.json", text, _table(gt), False)
    assert_same_store(owned, walked)
    assert_same_store(borrowed, walked)


def test_doubled_backslashes_are_read_in_place(tmp_path: Path) -> None:
    # Real masks: most strings hold a backslash, which JSON doubles; the reader
    # borrows them as they are and undoes the doubling where a mask is read.
    gt = {
        "videos": [{"id": 1, "height": 720, "width": 1280, "length": 3}],
        "categories": [{"id": 1}],
        "annotations": [],
    }
    from pycocotools import mask as mask_utils

    rng = np.random.default_rng(3)
    results = []
    for k in range(6):
        counts = []
        for _ in range(3):
            mask = np.zeros((720, 1280), dtype=np.uint8, order="F")
            y, x = rng.integers(0, 600), rng.integers(0, 1100)
            mask[y : y + 100 + 7 * k, x : x + 150] = 1
            mask[rng.random((720, 1280)) < 0.001] = 1  # scattered pixels: long values
            counts.append(mask_utils.encode(mask)["counts"].decode())
        results.append(
            {
                "video_id": 1,
                "category_id": 1,
                "score": 0.5,
                "segmentations": [{"size": [720, 1280], "counts": c} for c in counts],
            }
        )
    assert sum("\\" in seg["counts"] for r in results for seg in r["segmentations"]) > 0
    text = json.dumps(results)
    owned, borrowed, walked = _stores_from_text(tmp_path / "res.json", text, _table(gt), True)
    assert_same_store(owned, walked)
    assert_same_store(borrowed, walked)


def test_owned_store_does_not_depend_on_the_file(tmp_path: Path) -> None:
    gt, results = make_dataset(62, n_videos=3)
    path = tmp_path / "res.json"
    path.write_text(json.dumps(results))
    table = _table(gt)
    owned = _core.read_results(path, *table)
    before = [owned.frame_rle(0, f) for f in range(int(owned.frame_offsets[1]))]
    path.write_text("[]")  # truncated and rewritten: the store kept copies
    assert [owned.frame_rle(0, f) for f in range(int(owned.frame_offsets[1]))] == before


def test_borrowed_store_keeps_its_input(tmp_path: Path) -> None:
    gt, results = make_dataset(63, n_videos=3)
    path = tmp_path / "res.json"
    path.write_text(json.dumps(results))
    table = _table(gt)
    split = _core.split_results([path])
    borrowed, _ = _core.build_results(split, *table, borrow=True)
    del split
    gc.collect()
    walked = _core.build_store(results, *table, results=True, strict=False)
    assert_same_store(borrowed, walked)


@pytest.mark.parametrize(
    "element",
    [
        # Invalid JSON where the fast reader would only skip: the general reader
        # parses the whole element and reports it.
        '{"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [null], "x": tru}',
        '{"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [nul]}',
        '{"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [null],}',
        '{"video_id": 1, "category_id": 1, "score": 0.5 "segmentations": [null]}',
        '{"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [{"size": [4, 4], '
        '"counts": "0"} {"size": [4, 4], "counts": "0"}]}',
    ],
)
@pytest.mark.parametrize("after", [0, 1, 3])
def test_invalid_json_inside_a_result_is_reported(tmp_path: Path, element: str, after: int) -> None:
    # First, or after results of the usual shape, which the walk reads in place
    # until it meets this one.
    gt, results = make_dataset(64, n_videos=1)
    path = tmp_path / "res.json"
    path.write_text("[" + "".join(json.dumps(r) + ", " for r in results[:after]) + element + "]")
    table = _table(gt)
    where = re.escape(str(path)) + rf": result {after}: not valid JSON"
    with pytest.raises(ValueError, match=where):
        _core.read_results(path, *table)
    split = _core.split_results([path])
    with pytest.raises(ValueError, match=where):
        _core.build_results(split, *table, borrow=True)


def test_bad_masks_are_named_the_same_way(tmp_path: Path) -> None:
    gt, results = make_dataset(65, n_videos=2)
    table = _table(gt)
    bad = next(i for i, r in enumerate(results) if r["segmentations"][0])
    results[bad]["segmentations"][0]["counts"] += "\\x"  # invalid characters
    path = tmp_path / "res.json"
    path.write_text(json.dumps(results))
    with pytest.raises(ValueError) as from_file:
        _core.read_results(path, *table)
    with pytest.raises(ValueError) as borrowed:
        _core.build_results(_core.split_results([path]), *table, borrow=True)
    with pytest.raises(ValueError) as walked:
        _core.build_store(results, *table, results=True, strict=False)
    assert f"result {bad} (id {bad + 1}" in str(walked.value)
    assert str(from_file.value).endswith(str(walked.value))
    assert str(borrowed.value) == str(from_file.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"video_id": 99}, "video_id 99 is not a video of the ground truth"),
        ({"segmentations": [None] * 40}, "'segmentations' has 40"),
        ({"score": -1.0}, "'score' must be finite and non-negative"),
        ({"extra": 1, "video_id": 99}, "video_id 99 is not a video of the ground truth"),
    ],
)
def test_results_read_in_place_report_as_the_walk_does(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    # Every result but one has the usual shape: the walk reads them in place, and
    # the one to report sends the file the general way, which names it.
    gt, results = make_dataset(66, n_videos=3)
    table = _table(gt)
    bad = len(results) // 2
    results[bad] = dict(results[bad], **change)
    path = tmp_path / "res.json"
    path.write_text(json.dumps(results))
    with pytest.raises(ValueError) as walked:
        _core.build_store(results, *table, results=True, strict=True)
    for read in (
        lambda: _core.read_results(path, *table, strict=True),
        lambda: _core.build_results(_core.split_results([path]), *table, strict=True, borrow=True),
    ):
        with pytest.raises(ValueError) as native:
            read()
        assert message in str(native.value)
        assert str(native.value).endswith(str(walked.value))
        assert f"result {bad}" in str(native.value)


@pytest.mark.parametrize("mask_first", [True, False])
def test_first_bad_result_is_reported_whatever_the_chunks(tmp_path: Path, mask_first: bool) -> None:
    # A mask that does not decode (found when the chunk's masks are decoded) and a
    # result the builder rejects at once: the earlier of the two is reported, at
    # every number of threads, whether or not they fall in one chunk.
    gt, results = make_dataset(65, n_videos=4, predictions_per_video=20)
    table = _table(gt)
    with_masks = [i for i, r in enumerate(results) if r["segmentations"][0]]
    bad_mask, bad_video = (with_masks[1], len(results) - 1)
    if not mask_first:
        bad_mask, bad_video = with_masks[-1], with_masks[0]
    results[bad_mask]["segmentations"][0]["counts"] += "zz"
    results[bad_video]["video_id"] = 999
    path = tmp_path / "res.json"
    path.write_text(json.dumps(results))
    first = min(bad_mask, bad_video)
    messages = set()
    for threads in (1, 2, 3, 8):
        with pytest.raises(ValueError) as raised:
            _core.read_results(path, *table, strict=True, threads=threads)
        messages.add(str(raised.value))
    assert len(messages) == 1
    assert f"result {first}" in messages.pop()


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_results_walked_beside_the_ground_truth(tmp_path: Path, threads: int) -> None:
    # The ground truth read while the results are walked (and their masks checked
    # by the reading thread) is read_ground_truth's; the results are those of
    # split_results and of the Python walk, over two files: one of the usual shape
    # with doubled backslashes, one with \u escapes that goes the general way.
    gt, results = make_dataset(67, n_videos=6, predictions_per_video=12)
    table = _table(gt)
    gt_path, first, second = tmp_path / "gt.json", tmp_path / "a.json", tmp_path / "b.json"
    gt_path.write_text(json.dumps(gt))
    half = len(results) // 2
    first.write_text(json.dumps(results[:half]))
    assert "\\\\" in first.read_text()
    rng = np.random.default_rng(1)
    second.write_text("[" + ",".join(with_escaped_counts(r, rng) for r in results[half:]) + "]")
    for source in (gt_path, gt_path.read_bytes()):
        read, split = _core.read_ground_truth_walking_results(
            source, [first, second], True, threads
        )
        assert_same_store(read.annotations, _core.read_ground_truth(gt_path, True).annotations)
        assert read.video_ids == _core.read_ground_truth(gt_path, True).video_ids
        store, starts = _core.build_results(split, *table, strict=True, borrow=True)
        assert starts == [0, half]
        assert_same_store(store, _core.build_store(results, *table, results=True, strict=True))


def test_walking_beside_keeps_the_order_of_errors(tmp_path: Path) -> None:
    gt, results = make_dataset(68, n_videos=3)
    table = _table(gt)
    gt_path, res_path, missing = tmp_path / "gt.json", tmp_path / "res.json", tmp_path / "none.json"
    gt_path.write_text(json.dumps(gt))
    bad = next(i for i, r in enumerate(results) if r["segmentations"][0])
    results[bad]["segmentations"][0]["counts"] += "zz"
    res_path.write_text(json.dumps(results))

    def messages(read: Any, *args: Any, **kwargs: Any) -> str:
        with pytest.raises(ValueError) as raised:
            read(*args, **kwargs)
        return str(raised.value)

    # The ground truth's error comes first, whatever the results hold.
    broken = tmp_path / "broken.json"
    broken.write_text('{"videos": [}')
    assert messages(
        _core.read_ground_truth_walking_results, broken, [missing, res_path]
    ) == messages(_core.read_ground_truth, broken)
    # The results' errors come when they are built, as from split_results.
    for paths in ([res_path], [missing], [res_path, missing], [missing, res_path]):
        _, split = _core.read_ground_truth_walking_results(gt_path, paths, True, 2)
        beside = messages(_core.build_results, split, *table, strict=True)
        alone = messages(_core.build_results, _core.split_results(paths), *table, strict=True)
        assert beside == alone
    assert f"result {bad} " in messages(
        _core.build_results, _core.split_results([res_path]), *table, strict=True
    )
