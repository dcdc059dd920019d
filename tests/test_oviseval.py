"""The drop-in OVISeval: standard figures equal YTVOSeval's, occlusion figures and
matching records equal the reference run with occlusion scores in place of areas
(the equivalence is explained in test_occlusion.py)."""

from __future__ import annotations

import contextlib
import copy
import io
from typing import Any

import numpy as np
import pytest
from pycocotools import mask as mask_utils
from synth import make_dataset
from test_occlusion import reference_evaluated, reference_range, with_occlusion

import ytvis_fast
from ytvis_fast.occlusion import OCCLUSION_RANGES


def run(eval_class: Any, gt: dict[str, Any], results: list[dict[str, Any]]) -> tuple[Any, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        api = ytvis_fast.YTVOS(copy.deepcopy(gt))
        evaluator = eval_class(api, api.loadRes(copy.deepcopy(results)), "segm")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return evaluator, out.getvalue()


def reference_records(gt: dict[str, Any], results: list[dict[str, Any]], low: float, high: float):
    return reference_evaluated(gt, results, low, high).evalImgs


@pytest.mark.parametrize(("seed", "options"), [(0, {}), (1, {"crowd": True}), (2, {"ties": True})])
def test_ovis_drop_in(seed: int, options: dict[str, bool]) -> None:
    gt, results = make_dataset(seed, n_videos=7, max_frames=8, max_instances=4, **options)
    gt = with_occlusion(gt, seed)
    ovis, printed = run(ytvis_fast.OVISeval, gt, results)
    plain, _ = run(ytvis_fast.YTVOSeval, gt, results)
    assert len(ovis.stats) == 18
    assert list(ovis.stats[:6]) == list(plain.stats[:6])
    assert list(ovis.stats[9:15]) == list(plain.stats[6:])
    # Occlusion "all" holds every score: the area slices equal YTVOSeval's.
    assert np.array_equal(ovis.eval["precision"][:, :, :, :, 0, :], plain.eval["precision"])
    assert np.array_equal(ovis.eval["recall"][:, :, :, 0, :], plain.eval["recall"])
    assert ovis.eval["counts"] == [10, 101, 4, 4, 4, 3]
    lines = [line for line in printed.splitlines() if line.startswith(" Average")]
    assert len(lines) == 18 and "| occ= light |" in lines[6]

    K, A, OCC, V = 4, 4, 4, len(ovis.params.vidIds)
    assert len(ovis.evalImgs) == K * A * OCC * V
    for o, (name, (low, high)) in enumerate(OCCLUSION_RANGES.items(), start=1):
        precision, recall, ap, ar = reference_range(gt, results, low, high)
        assert np.array_equal(ovis.eval["precision"][:, :, :, 0, o, :], precision), name
        assert np.array_equal(ovis.eval["recall"][:, :, 0, o, :], recall), name
        assert ovis.stats[5 + o] == ap and ovis.stats[14 + o] == ar, name
        expected = reference_records(gt, results, low, high)
        for k in range(K):
            for v in range(V):
                ours = ovis.evalImgs[((k * A + 0) * OCC + o) * V + v]
                ref = expected[k * V + v]
                assert (ours is None) == (ref is None)
                if ref is None:
                    continue
                for field in ("dtIds", "gtIds", "dtScores", "video_id", "category_id"):
                    assert ours[field] == ref[field], field
                for field in ("dtMatches", "gtMatches", "gtIgnore", "dtIgnore"):
                    assert np.array_equal(ours[field], ref[field]), field
                assert ours["aRng"] == ovis.params.areaRng[0]


def test_area_and_occlusion_together_by_hand() -> None:
    """A small (area 16 < 128²) and heavily occluded instance: counted in (small, heavy)
    and (all, heavy), ignored in (large, heavy) and (small, light)."""
    seg = {"size": [4, 4], "counts": [0, 16]}
    gt = {
        "videos": [{"id": 1, "height": 4, "width": 4, "length": 2, "file_names": ["a", "b"]}],
        "categories": [{"id": 1, "name": "a"}],
        "annotations": [
            {
                "id": 1,
                "video_id": 1,
                "category_id": 1,
                "iscrowd": 0,
                "segmentations": [seg, seg],
                "areas": [16, 16],
                "bboxes": [[0, 0, 4, 4]] * 2,
                "occlusion": ["severe_occlusion", "severe_occlusion"],
            }
        ],
    }
    ones = mask_utils.encode(np.asfortranarray(np.ones((4, 4), np.uint8)))
    pred = {"size": [4, 4], "counts": ones["counts"].decode()}
    results = [{"video_id": 1, "category_id": 1, "score": 0.9, "segmentations": [pred, pred]}]
    ovis, _ = run(ytvis_fast.OVISeval, gt, results)
    recall = ovis.eval["recall"][0, 0, :, :, -1]  # [area, occlusion] at IoU .5, maxDets 100
    assert recall[1, 3] == 1.0 and recall[0, 3] == 1.0
    assert recall[3, 3] == -1.0 and recall[1, 1] == -1.0
