"""Ground truth read with several threads: when the videos come before the
annotations, as files are written, annotations are built while the walk of the
file goes on (walk_and_build in json_ingest.cpp). Whatever the order of the
fields and the number of threads, the store is the one read with one thread,
and the error reported is the one reading in turn finds first."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from synth import make_dataset
from test_native_ingest import assert_same_store

from ytvis_fast import _core


def _text(fields: list[tuple[str, Any]]) -> str:
    """A JSON object with the fields in this order (keys may repeat)."""
    return "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in fields) + "}"


def _read(path: Path, threads: int, strict: bool = True) -> Any:
    return _core.read_ground_truth(path, strict=strict, threads=threads)


def _error(path: Path, threads: int) -> str:
    with pytest.raises(ValueError) as caught:
        _read(path, threads)
    return str(caught.value)


@pytest.fixture(scope="module")
def dataset() -> dict[str, Any]:
    gt, _ = make_dataset(81, n_videos=12, max_frames=6, absent_frames=True, polygons=True)
    return gt


def _orders(gt: dict[str, Any]) -> dict[str, list[tuple[str, Any]]]:
    other_videos = [dict(v, height=v["height"] + 1) for v in gt["videos"]]
    return {
        "as written": [(k, gt[k]) for k in ("videos", "categories", "annotations")],
        "annotations first": [(k, gt[k]) for k in ("annotations", "categories", "videos")],
        "videos again after": [
            ("videos", other_videos),
            ("annotations", gt["annotations"]),
            ("categories", gt["categories"]),
            ("videos", gt["videos"]),
        ],
        "annotations again": [
            ("videos", gt["videos"]),
            ("annotations", gt["annotations"][:2]),
            ("annotations", gt["annotations"]),
            ("categories", gt["categories"]),
        ],
        "videos that do not read": [
            ("videos", [{"height": 2}]),
            ("annotations", gt["annotations"]),
            ("categories", gt["categories"]),
            ("videos", gt["videos"]),
        ],
    }


@pytest.mark.parametrize(
    "order",
    [
        "as written",
        "annotations first",
        "videos again after",
        "annotations again",
        "videos that do not read",
    ],
)
@pytest.mark.parametrize("threads", [2, 3, 8])
def test_store_is_the_one_read_with_one_thread(
    tmp_path: Path, dataset: dict[str, Any], order: str, threads: int
) -> None:
    path = tmp_path / "gt.json"
    path.write_text(_text(_orders(dataset)[order]))
    one = _read(path, 1)
    many = _read(path, threads)
    assert_same_store(many.annotations, one.annotations)
    assert list(many.video_ids) == list(one.video_ids)
    assert len(many.annotations) == len(json.loads(path.read_text())["annotations"])


def _broken(gt: dict[str, Any], at: list[int]) -> list[dict[str, Any]]:
    """The annotations with a mask whose counts do not sum right at positions `at`."""
    anns = json.loads(json.dumps(gt["annotations"]))
    for i in at:
        f = next(f for f, s in enumerate(anns[i]["segmentations"]) if s)
        anns[i]["segmentations"][f] = {"size": [2, 2], "counts": [1, 1]}
    return anns


@pytest.mark.parametrize("threads", [2, 3])
def test_first_bad_annotation_is_reported(
    tmp_path: Path, dataset: dict[str, Any], threads: int
) -> None:
    path = tmp_path / "gt.json"
    last = len(dataset["annotations"]) - 1
    anns = _broken(dataset, [3, last])
    path.write_text(_text([("videos", dataset["videos"]), ("annotations", anns)]))
    message = _error(path, threads)
    assert message == _error(path, 1)
    assert "annotation 3" in message


@pytest.mark.parametrize("threads", [2, 3])
def test_errors_come_in_the_order_reading_in_turn_finds_them(
    tmp_path: Path, dataset: dict[str, Any], threads: int
) -> None:
    path = tmp_path / "gt.json"
    anns = _broken(dataset, [0])
    head = _text([("videos", dataset["videos"]), ("annotations", anns)])[:-1]
    # Invalid JSON after the annotations: the walk's error comes first.
    path.write_text(head + ', "categories": [{"id": 1} {"id": 2}]}')
    assert re.search(r"not valid JSON", _error(path, threads))
    assert _error(path, threads) == _error(path, 1)
    # A category that does not read comes before any annotation.
    path.write_text(head + ', "categories": [{"name": "no id"}]}')
    assert "category 0: missing 'id'" in _error(path, threads)
    assert _error(path, threads) == _error(path, 1)
    # A video that does not read comes before categories and annotations.
    videos = dataset["videos"] + [{"height": 4}]
    path.write_text(_text([("videos", videos), ("annotations", anns)]))
    assert f"video {len(videos) - 1}: missing 'id'" in _error(path, threads)
    assert _error(path, threads) == _error(path, 1)
