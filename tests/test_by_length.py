"""AP by video length against the reference run on each length class's videos.

A class's figures are defined as the official evaluator's 12 figures with
``vidIds`` restricted to the videos of that class, so the reference is run with
exactly that restriction and compared bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from reference import run_reference
from synth import make_dataset

import ytvis_fast
from ytvis_fast.by_length import length_classes


def _classes_of(gt: dict[str, Any], edges: tuple[int, ...]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for label, low, high in length_classes(edges):
        out[label] = [v["id"] for v in gt["videos"] if low < v["length"] <= high]
    return out


@pytest.mark.parametrize(
    ("seed", "edges", "options"),
    [
        (0, (16, 32), {}),
        (1, (16, 32), {"crowd": True}),
        (2, (5, 12), {"ties": True}),
        (3, (8,), {}),
        (4, (3, 6, 20), {"empty_categories": False}),
    ],
)
def test_matches_reference_on_each_class(
    seed: int, edges: tuple[int, ...], options: dict[str, bool]
) -> None:
    gt, results = make_dataset(seed, n_videos=10, max_frames=40, **options)
    result = ytvis_fast.evaluate(gt, results, metrics="length", length_edges=edges)
    assert result.by_length is not None
    classes = _classes_of(gt, edges)
    assert list(result.by_length) == list(classes)
    for label, video_ids in classes.items():
        figures = result.by_length[label]
        assert figures["videos"] == len(video_ids)
        if not video_ids:
            assert all(v == -1.0 for v in figures["stats"].values())
            continue
        ref = run_reference(gt, results, params={"vidIds": video_ids})
        assert list(figures["stats"].values()) == ref.stats, label


def test_all_videos_in_one_class_give_the_overall_figures() -> None:
    gt, results = make_dataset(7, n_videos=6, max_frames=10)
    result = ytvis_fast.evaluate(gt, results, metrics="length", length_edges=(100, 200))
    assert result.by_length is not None
    assert result.by_length["short"]["stats"] == result.stats
    assert result.by_length["short"]["videos"] == 6


def _tiny_video(video_id: int, length: int) -> tuple[dict[str, Any], dict[str, Any]]:
    seg = {"size": [2, 2], "counts": [0, 4]}
    video = {
        "id": video_id,
        "height": 2,
        "width": 2,
        "length": length,
        "file_names": ["f"] * length,
    }
    ann = {
        "id": video_id,
        "video_id": video_id,
        "category_id": 1,
        "iscrowd": 0,
        "segmentations": [seg] * length,
        "areas": [4] * length,
        "bboxes": [[0, 0, 2, 2]] * length,
    }
    return video, ann


def test_class_edges_by_hand() -> None:
    lengths = {1: 16, 2: 17, 3: 32, 4: 33, 5: 1}
    videos, anns = zip(*(_tiny_video(v, n) for v, n in lengths.items()))
    gt = {"videos": list(videos), "categories": [{"id": 1, "name": "a"}], "annotations": list(anns)}
    # A perfect prediction in the 16- and 33-frame videos only.
    results = [
        {
            "video_id": v,
            "category_id": 1,
            "score": 0.5,
            "segmentations": [{"size": [2, 2], "counts": "04"}] * lengths[v],
        }
        for v in (1, 4)
    ]
    result = ytvis_fast.evaluate(gt, results, metrics=["length"])
    assert result.by_length is not None
    short, medium, long = (result.by_length[k] for k in ("short", "medium", "long"))
    assert (short["videos"], medium["videos"], long["videos"]) == (2, 2, 1)
    assert (short["instances"], medium["instances"], long["instances"]) == (2, 2, 1)
    assert (
        short["frames"] == [0, 16] and medium["frames"] == [17, 32] and long["frames"] == [33, None]
    )
    assert short["stats"]["AR100"] == 0.5  # the 16-frame video is short
    assert medium["stats"]["AR100"] == 0.0  # 17 and 32 frames: medium, no prediction
    assert long["stats"]["AR100"] == 1.0  # 33 frames: long
    assert np.isclose(long["stats"]["AP"], 1.0)


def test_labels_and_bad_edges() -> None:
    assert [c[0] for c in length_classes((16, 32))] == ["short", "medium", "long"]
    assert [c[0] for c in length_classes((8,))] == ["<=8", ">8"]
    assert [c[0] for c in length_classes((4, 8, 16))] == ["<=4", "5-8", "9-16", ">16"]
    for bad in [(), (32, 16), (8, 8), (-1, 4)]:
        with pytest.raises(ValueError, match="length edges"):
            length_classes(bad)
