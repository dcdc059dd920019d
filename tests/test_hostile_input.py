"""Hostile input: every broken file gets a clear error naming the problem and,
where it applies, the file, the video, the annotation or result index and the
frame; never a crash or a silently wrong number.

Each case runs through `evaluate()` twice: from files (the native JSON ingest)
and from parsed Python objects (the native walk of the lists).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pycocotools import mask as mask_utils

import ytvis_fast

Data = tuple[dict[str, Any], list[dict[str, Any]]]


def _rle(h: int = 6, w: int = 8) -> dict[str, Any]:
    mask = np.zeros((h, w), dtype=np.uint8, order="F")
    mask[1:3, 1:3] = 1
    return {"size": [h, w], "counts": mask_utils.encode(mask)["counts"].decode()}


def _data() -> Data:
    gt = {
        "videos": [
            {"id": 7, "width": 8, "height": 6, "length": 3},
            {"id": 8, "width": 8, "height": 6, "length": 3},
        ],
        "categories": [{"id": 1, "name": "thing"}, {"id": 2, "name": "other"}],
        "annotations": [
            {
                "id": 10 + i,
                "video_id": video,
                "category_id": 1,
                "iscrowd": 0,
                "segmentations": [_rle(), None, _rle()],
                "areas": [4, None, 4],
            }
            for i, video in enumerate((7, 8))
        ],
    }
    results = [
        {"video_id": video, "category_id": 1, "score": 0.9, "segmentations": [_rle(), None, _rle()]}
        for video in (7, 8)
    ]
    return gt, results


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """Sets (or, with value DELETE, removes) gt/res.<index>.<key>... in the data."""
    side, *keys = path.split(".")

    def mutate(data: Data) -> None:
        node: Any = data[0] if side == "gt" else data[1]
        *parents, last = [int(k) if k.isdigit() else k for k in keys]
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = copy.deepcopy(value)

    return mutate


DELETE = object()
FRAME = "res.1.segmentations.2"  # result 1, frame 2
GT_FRAME = "gt.annotations.1.segmentations.2"  # annotation 1, frame 2


def _duplicate_gt_id(data: Data) -> None:
    data[0]["annotations"][1]["id"] = 10


CASES: dict[str, tuple[Callable[[Data], None], str, str]] = {
    # name: (mutation, file the message names, pattern after "FILE: ")
    "result missing video_id": (
        _set("res.1.video_id", DELETE),
        "res",
        r"result 1: missing 'video_id'",
    ),
    "result video_id as text": (
        _set("res.1.video_id", "7"),
        "res",
        r"result 1: 'video_id' must be an integer, got str",
    ),
    "result missing category_id": (
        _set("res.1.category_id", DELETE),
        "res",
        r"result 1: missing 'category_id'",
    ),
    "result category_id as float": (
        _set("res.1.category_id", 1.5),
        "res",
        r"result 1: 'category_id' must be an integer, got float",
    ),
    "result missing score": (_set("res.1.score", DELETE), "res", r"result 1: missing 'score'"),
    "result score as list": (
        _set("res.1.score", [0.5]),
        "res",
        r"result 1: 'score' must be a number, got list",
    ),
    "negative score": (
        _set("res.1.score", -0.25),
        "res",
        r"result 1: 'score' must be finite and non-negative, got -0\.25",
    ),
    "result missing segmentations": (
        _set("res.1.segmentations", DELETE),
        "res",
        r"result 1: missing 'segmentations'",
    ),
    "segmentations as dict": (
        _set("res.1.segmentations", {"0": _rle()}),
        "res",
        r"result 1: 'segmentations' must be a list, got dict",
    ),
    "RLE without size": (
        _set(FRAME, {"counts": _rle()["counts"]}),
        "res",
        r"result 1, frame 2: RLE without 'size'",
    ),
    "RLE size not a pair": (
        _set(FRAME, {"size": [6], "counts": _rle()["counts"]}),
        "res",
        r"result 1, frame 2: RLE 'size' must be \[height, width\]",
    ),
    "RLE size as text": (
        _set(FRAME, {"size": ["6", "8"], "counts": _rle()["counts"]}),
        "res",
        r"result 1, frame 2: 'size' must be an integer, got str",
    ),
    "RLE without counts": (
        _set(FRAME, {"size": [6, 8]}),
        "res",
        r"result 1, frame 2: RLE without 'counts'",
    ),
    "RLE counts as number": (
        _set(FRAME, {"size": [6, 8], "counts": 48}),
        "res",
        r"result 1, frame 2: RLE 'counts' must be a string or a list of integers, got int",
    ),
    "unknown video": (
        _set("res.1.video_id", 99),
        "res",
        r"result 1: video_id 99 is not a video of the ground truth",
    ),
    "unknown category in results": (
        _set("res.1.category_id", 3),
        "res",
        r"result 1: category_id 3 is not one of the ground truth's categories",
    ),
    "unknown category in ground truth": (
        _set("gt.annotations.1.category_id", 0),
        "gt",
        r"annotation 1: category_id 0 is not one of the ground truth's categories",
    ),
    "counts sum short of the mask": (
        _set(FRAME, {"size": [6, 8], "counts": "7"}),
        "res",
        r"result 1 \(id 2, video 8\), frame 2: RLE counts sum to 7 but the mask is 6x8 \(48 "
        r"pixels\)",
    ),
    "counts decode past the end": (
        _set(FRAME, {"size": [6, 8], "counts": "1" * 20}),
        "res",
        r"result 1 \(id 2, video 8\), frame 2: RLE counts sum to 50 but the mask is 6x8",
    ),
    "uncompressed counts with a wrong sum": (
        _set(FRAME, {"size": [6, 8], "counts": [40, 4, 5]}),
        "res",
        r"result 1, frame 2: RLE counts sum to 49 but the mask is 6x8",
    ),
    "negative uncompressed count": (
        _set(FRAME, {"size": [6, 8], "counts": [40, -4, 12]}),
        "res",
        r"result 1, frame 2: negative run length -4 at position 1 of RLE counts",
    ),
    "negative compressed count": (
        _set(FRAME, {"size": [6, 8], "counts": "@"}),
        "res",
        r"result 1 \(id 2, video 8\), frame 2: negative run length -16 in compressed RLE",
    ),
    "character outside the alphabet": (
        _set(FRAME, {"size": [6, 8], "counts": "0!"}),
        "res",
        r"result 1 \(id 2, video 8\), frame 2: invalid character '!' at position 1",
    ),
    "compressed value cut off": (
        _set(FRAME, {"size": [6, 8], "counts": "0P"}),
        "res",
        r"result 1 \(id 2, video 8\), frame 2: compressed RLE ends in the middle of a value",
    ),
    "empty counts string": (
        _set(FRAME, {"size": [6, 8], "counts": ""}),
        "res",
        r"result 1 \(id 2, video 8\), frame 2: RLE counts sum to 0 but the mask is 6x8",
    ),
    "result mask of another size than the video": (
        _set(FRAME, _rle(5, 8)),
        "res",
        r"result 1, frame 2: mask is 5x8 but video 8 is 6x8",
    ),
    "ground-truth mask of another size than the video": (
        _set(GT_FRAME, _rle(6, 9)),
        "gt",
        r"annotation 1, frame 2: mask is 6x9 but video 8 is 6x8",
    ),
    "short results segmentations": (
        _set("res.1.segmentations", [_rle()] * 2),
        "res",
        r"result 1: video 8 has 3 frames but 'segmentations' has 2",
    ),
    "long ground-truth segmentations": (
        _set("gt.annotations.1.segmentations", [_rle()] * 4),
        "gt",
        r"annotation 1: video 8 has 3 frames but 'segmentations' has 4",
    ),
    "duplicate ground-truth id": (
        _duplicate_gt_id,
        "gt",
        r"annotation 1: duplicate id 10 \(annotation 0 has the same id\)",
    ),
    "absurd mask size": (
        _set(FRAME, {"size": [10**6, 10**6], "counts": "0"}),
        "res",
        r"result 1, frame 2: mask size 1000000x1000000 is out of range",
    ),
    "absurd video size": (
        _set("gt.videos.1.height", 10**6),
        "gt",
        r"video 1 \(id 8\): mask size 1000000x8 is out of range",
    ),
    "absurd video length": (
        _set("gt.videos.1.length", 10**7),
        "gt",
        r"video 1 \(id 8\): length 10000000 is out of range \(at most 1048576 frames\)",
    ),
}


def _write(tmp_path: Path, data: Data) -> tuple[Path, Path]:
    gt_path, res_path = tmp_path / "gt.json", tmp_path / "res.json"
    gt_path.write_text(json.dumps(data[0]))
    res_path.write_text(json.dumps(data[1]))
    return gt_path, res_path


def test_the_unbroken_data_evaluates(tmp_path: Path) -> None:
    result = ytvis_fast.evaluate(*_write(tmp_path, _data()))
    assert result.stats["AP"] > 0.99


@pytest.mark.parametrize("case", CASES)
def test_from_files(tmp_path: Path, case: str) -> None:
    mutate, named, pattern = CASES[case]
    data = _data()
    mutate(data)
    with pytest.raises(ValueError, match=rf"^\S*/{named}\.json: {pattern}"):
        ytvis_fast.evaluate(*_write(tmp_path, data))


@pytest.mark.parametrize("case", CASES)
def test_from_objects(case: str) -> None:
    mutate, _, pattern = CASES[case]
    data = _data()
    mutate(data)
    with pytest.raises(ValueError, match=pattern):
        ytvis_fast.evaluate(*data)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_scores_from_objects(value: float) -> None:
    gt, results = _data()
    results[1]["score"] = value
    with pytest.raises(ValueError, match=r"result 1: 'score' must be finite and non-negative"):
        ytvis_fast.evaluate(gt, results)


@pytest.mark.parametrize(("value", "token"), [(math.nan, "NaN"), (math.inf, "Infinity")])
def test_non_finite_scores_in_a_file(tmp_path: Path, value: float, token: str) -> None:
    gt, results = _data()
    results[1]["score"] = value  # json.dumps writes NaN / Infinity, which JSON does not allow
    with pytest.raises(ValueError, match=rf"res\.json: result 1: not valid JSON .*{token}"):
        ytvis_fast.evaluate(*_write(tmp_path, (gt, results)))


@pytest.mark.parametrize(
    ("side", "text", "pattern"),
    [
        ("gt", "this is not json", r"gt\.json: not valid JSON"),
        ("res", "this is not json", r"res\.json: not valid JSON"),
        ("gt", '{"videos": [{"id": 7, "width": 8', r"gt\.json: not valid JSON"),
        ("res", '[{"video_id": 7, "category_id": 1, "sco', r"res\.json: .*not valid JSON"),
        ("gt", "[]", r"gt\.json: ground truth must be a JSON object .* got list"),
        ("res", '{"annotations": []}', r"res\.json: results must be a JSON array .* got dict"),
        ("gt", "", r"gt\.json: not valid JSON"),
    ],
)
def test_malformed_documents(tmp_path: Path, side: str, text: str, pattern: str) -> None:
    gt_path, res_path = _write(tmp_path, _data())
    (gt_path if side == "gt" else res_path).write_text(text)
    with pytest.raises(ValueError, match=pattern):
        ytvis_fast.evaluate(gt_path, res_path)


def test_wrong_shapes_from_objects() -> None:
    gt, results = _data()
    with pytest.raises(ValueError, match=r"results must be a JSON array of objects, got dict"):
        ytvis_fast.evaluate(gt, {"annotations": results})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"ground truth must be a JSON object"):
        ytvis_fast.evaluate([gt], results)  # type: ignore[arg-type]


def test_too_many_frames_rejected_before_reading_them(tmp_path: Path) -> None:
    gt, results = _data()
    results[1]["segmentations"] = [None] * ((1 << 20) + 1)
    with pytest.raises(
        ValueError, match=r"res\.json: result 1: 'segmentations' has 1048577 frames, more than"
    ):
        ytvis_fast.evaluate(*_write(tmp_path, (gt, results)))


def test_empty_results_follow_the_reference_conventions(tmp_path: Path) -> None:
    gt_path, res_path = _write(tmp_path, (_data()[0], []))
    result = ytvis_fast.evaluate(gt_path, res_path)
    # Ground truth exists (all areas, small): AP and AR are 0; no medium/large ground truth: -1.
    assert [result.stats[k] for k in ("AP", "APs", "AR1", "ARs")] == [0.0] * 4
    assert [result.stats[k] for k in ("APm", "APl", "ARm", "ARl")] == [-1.0] * 4
    assert result.per_category[1]["num_predictions"] == 0
    assert result.per_category[2]["AP"] == -1.0  # no ground truth for category 2


def test_several_results_files_name_the_file_and_local_index(tmp_path: Path) -> None:
    gt, results = _data()
    gt_path = tmp_path / "gt.json"
    gt_path.write_text(json.dumps(gt))
    parts = [tmp_path / f"rank{i}.json" for i in range(3)]
    parts[0].write_text(json.dumps(results[:1]))
    parts[1].write_text("[]")
    bad = copy.deepcopy(results[1:])
    bad[0]["segmentations"][1] = {"size": [6, 8], "counts": "0!"}
    parts[2].write_text(json.dumps(bad))
    with pytest.raises(ValueError, match=r"^\S*rank2\.json: result 0 \(id 2, video 8\), frame 1"):
        ytvis_fast.evaluate(gt_path, parts)
    bad[0]["segmentations"][1] = None
    bad[0]["category_id"] = 5
    parts[2].write_text(json.dumps(bad))
    with pytest.raises(ValueError, match=r"^\S*rank2\.json: result 0: category_id 5 is not"):
        ytvis_fast.evaluate(gt_path, parts)
    parts[1].write_text('{"not": "a list"}')
    with pytest.raises(ValueError, match=r"rank1\.json: results must be a JSON array"):
        ytvis_fast.evaluate(gt_path, parts)


def test_errors_keep_their_order_while_results_are_walked_early(tmp_path: Path) -> None:
    """evaluate() walks the results files while it reads the ground truth; the
    error reported is still the one reading them in turn meets first."""
    gt, results = _data()
    gt_path = tmp_path / "gt.json"
    gt_path.write_text(json.dumps(gt)[:-1])
    missing = tmp_path / "missing.json"
    with pytest.raises(ValueError, match=r"gt\.json: not valid JSON"):
        ytvis_fast.evaluate(gt_path, missing)
    with pytest.raises(ValueError, match=r"gt\.json: not valid JSON"):
        ytvis_fast.evaluate(gt_path, [missing, missing])
    gt_path.write_text(json.dumps(gt))
    with pytest.raises(ValueError, match=r"missing\.json"):
        ytvis_fast.evaluate(gt_path, missing)
    first, second = tmp_path / "rank0.json", tmp_path / "rank1.json"
    bad = copy.deepcopy(results[:1])
    bad[0]["segmentations"][1] = {"size": [6, 8], "counts": "0!"}
    first.write_text(json.dumps(bad))
    second.write_text("[{")
    with pytest.raises(ValueError, match=r"^\S*rank0\.json: result 0 \(id 1, video 7\), frame 1"):
        ytvis_fast.evaluate(gt_path, [first, second])
    first.write_text(json.dumps(results[:1]))
    with pytest.raises(ValueError, match=r"^\S*rank1\.json: not valid JSON"):
        ytvis_fast.evaluate(gt_path, [first, second, missing])


def test_several_results_files_equal_one(tmp_path: Path) -> None:
    from synth import make_dataset

    gt, results = make_dataset(5, n_videos=6)
    gt_path = tmp_path / "gt.json"
    gt_path.write_text(json.dumps(gt))
    whole = tmp_path / "all.json"
    whole.write_text(json.dumps(results))
    parts = []
    for i, chunk in enumerate(np.array_split(np.arange(len(results)), 3)):
        part = tmp_path / f"part{i}.json"
        part.write_text(json.dumps([results[j] for j in chunk]))
        parts.append(part)
    one, split = ytvis_fast.evaluate(gt_path, whole), ytvis_fast.evaluate(gt_path, parts)
    assert one.stats == split.stats
    assert np.array_equal(one.precision, split.precision)
    assert one.per_category == split.per_category


def test_subsets_must_exist(tmp_path: Path) -> None:
    paths = _write(tmp_path, _data())
    with pytest.raises(ValueError, match=r"videos not in the ground truth: 99"):
        ytvis_fast.evaluate(*paths, video_ids=[7, 99])
    with pytest.raises(ValueError, match=r"categories not in the ground truth: 3"):
        ytvis_fast.evaluate(*paths, category_ids=[3])


@pytest.mark.parametrize("max_dets", [[1, 10], [1, 10, 100, 1000], [10, 1, 100], [0, 10, 100]])
def test_max_dets_must_be_three_increasing_limits(max_dets: list[int]) -> None:
    from synth import make_dataset

    gt, results = make_dataset(5, n_videos=2)
    with pytest.raises(ValueError, match="max_dets must be three increasing positive integers"):
        ytvis_fast.evaluate(gt, results, max_dets=max_dets)
