"""The dataset API of the drop-in classes behaves as the reference's."""

from __future__ import annotations

import contextlib
import copy
import io
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import REFERENCE_API, numpy_float_shim
from synth import make_dataset

import ytvis_fast
from ytvis_fast.params import sorted_unique
from ytvis_fast.ytvos import YTVOS as YTVOSFromModule
from ytvis_fast.ytvoseval import YTVOSeval as YTVOSevalFromModule


def _pair(**options: bool) -> tuple[Any, Any, dict[str, Any], list[dict[str, Any]]]:
    gt, results = make_dataset(7, n_videos=5, **options)
    with contextlib.redirect_stdout(io.StringIO()):
        ref = REFERENCE_API.YTVIS(copy.deepcopy(gt))
    ours = ytvis_fast.YTVOS(copy.deepcopy(gt), verbose=False)
    return ref, ours, gt, results


def test_module_paths_and_aliases() -> None:
    assert YTVOSFromModule is ytvis_fast.YTVOS is ytvis_fast.YTVIS
    assert YTVOSevalFromModule is ytvis_fast.YTVOSeval is ytvis_fast.YTVISeval


def test_queries_match_the_reference() -> None:
    ref, ours, _, _ = _pair(crowd=True)
    assert sorted(ours.getVidIds()) == sorted(ref.getVidIds())
    assert ours.getVidIds(catIds=[1]) == ref.getVidIds(catIds=[1])
    assert ours.getVidIds(vidIds=[1, 2], catIds=[1, 2]) == ref.getVidIds(
        vidIds=[1, 2], catIds=[1, 2]
    )
    assert ours.getCatIds() == ref.getCatIds()
    assert ours.getCatIds(catNms=["class2"]) == ref.getCatIds(catNms=["class2"])
    assert ours.getCatIds(supNms="thing", catIds=[1, 3]) == ref.getCatIds(
        supNms="thing", catIds=[1, 3]
    )
    assert ours.getAnnIds() == ref.getAnnIds()
    assert ours.getAnnIds(vidIds=[2, 1]) == ref.getAnnIds(vidIds=[2, 1])
    assert ours.getAnnIds(vidIds=3, catIds=[1, 2]) == ref.getAnnIds(vidIds=3, catIds=[1, 2])
    assert ours.getAnnIds(iscrowd=1) == ref.getAnnIds(iscrowd=1)
    ids = ref.getAnnIds()[:3]
    assert ours.loadAnns(ids) == ref.loadAnns(ids)
    assert ours.loadAnns(ids[0]) == ref.loadAnns(ids[0])
    assert ours.loadVids([1, 2]) == ref.loadVids([1, 2])
    assert ours.loadCats(2) == ref.loadCats(2)
    assert ours.dataset == ref.dataset


@pytest.mark.parametrize("option", ["polygons", "uncompressed", "absent_frames"])
def test_ann_to_mask_and_rle(option: str) -> None:
    ref, ours, gt, _ = _pair(**{option: True})
    for ann in gt["annotations"]:
        for f, seg in enumerate(ann["segmentations"]):
            if not seg:
                continue
            expected = ref.annToMask(copy.deepcopy(ann), f)
            assert np.array_equal(ours.annToMask(ann, f), expected)
            rle = ours.annToRLE(ann, f)
            ref_rle = ref.annToRLE(copy.deepcopy(ann), f)
            ref_counts = ref_rle["counts"]
            if isinstance(ref_counts, bytes):
                ref_counts = ref_counts.decode()
            assert rle["counts"] == ref_counts
            assert list(rle["size"]) == list(ref_rle["size"])


def test_load_res_adds_the_reference_fields() -> None:
    ref, ours, _, results = _pair(short_results=True, all_zero_masks=True)
    with contextlib.redirect_stdout(io.StringIO()), numpy_float_shim():
        ref_res = ref.loadRes(copy.deepcopy(results))
    ours_res = ours.loadRes(copy.deepcopy(results))
    assert sorted(ours_res.anns) == sorted(ref_res.anns)
    for ann_id, expected in ref_res.anns.items():
        actual = ours_res.anns[ann_id]
        assert actual["id"] == expected["id"]
        assert actual["iscrowd"] == expected["iscrowd"]
        assert actual["avg_area"] == expected["avg_area"]
        assert actual["areas"] == [None if a is None else int(a) for a in expected["areas"]]
        assert [None if b is None else list(b) for b in actual["bboxes"]] == [
            None if b is None else [float(v) for v in b] for b in expected["bboxes"]
        ]
    assert ours_res.getCatIds() == ref_res.getCatIds()
    assert ours_res.getAnnIds(vidIds=[1]) == ref_res.getAnnIds(vidIds=[1])


def test_results_for_unknown_video_are_rejected() -> None:
    _, ours, _, results = _pair()
    results[0]["video_id"] = 999
    with pytest.raises(
        ValueError, match=r"result 0: video_id 999 is not a video of the ground truth"
    ):
        ours.loadRes(results)


def test_polygons_in_results_are_rasterized() -> None:
    # The reference fails on them (maskUtils.area of a list); we rasterize them as
    # ground-truth polygons are, so a polygon copy of the ground truth scores AP 1.
    gt = {
        "videos": [{"id": 1, "height": 20, "width": 20, "length": 2}],
        "categories": [{"id": 1, "name": "a"}],
        "annotations": [
            {
                "id": 1,
                "video_id": 1,
                "category_id": 1,
                "iscrowd": 0,
                "segmentations": [[[2, 2, 12, 2, 12, 12, 2, 12]], None],
                "areas": [100, None],
            }
        ],
    }
    results = [
        {
            "video_id": 1,
            "category_id": 1,
            "score": 0.9,
            "segmentations": [[[2, 2, 12, 2, 12, 12, 2, 12]], None],
        }
    ]
    api = ytvis_fast.YTVOS(gt, verbose=False)
    evaluator = ytvis_fast.YTVOSeval(api, api.loadRes(results), verbose=False)
    evaluator.evaluate()
    assert evaluator.ious[(1, 1)].tolist() == [[1.0]]


def test_printed_messages(capsys: pytest.CaptureFixture[str]) -> None:
    gt, results = make_dataset(2, n_videos=2)
    api = ytvis_fast.YTVOS(gt)
    evaluator = ytvis_fast.YTVOSeval(api, api.loadRes(results))
    evaluator.evaluate()
    evaluator.accumulate()
    evaluator.summarize()
    out = capsys.readouterr().out
    for message in (
        "loading annotations into memory...",
        "creating index...",
        "Loading and preparing results...",
        "Running per image evaluation...",
        "Evaluate annotation type *segm*",
        "Accumulating evaluation results...",
    ):
        assert message in out
    assert len([line for line in out.splitlines() if line.startswith(" Average")]) == 12


def test_bbox_and_keypoints_params() -> None:
    with pytest.raises(ValueError, match="iouType 'keypoints' is not supported"):
        ytvis_fast.Params("keypoints")
    assert ytvis_fast.Params("bbox").iouType == "bbox"


@given(
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=40)
    | st.lists(st.integers(0, 5), max_size=40)
    | st.lists(st.booleans(), max_size=5)
    | st.lists(st.floats(allow_nan=True), max_size=6)
    | st.lists(st.text(max_size=2), max_size=6)
)
def test_sorted_unique_is_np_unique(values: list[Any]) -> None:
    """What YTVOSeval.evaluate() normalises vidIds and catIds with, as the reference
    does with np.unique: the same values, dtype and shape."""
    ours, theirs = sorted_unique(values), np.unique(values)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert np.array_equal(ours, theirs, equal_nan=ours.dtype.kind == "f")
