"""HOTA, CLEAR and Identity against the `trackeval` package's YouTube-VIS evaluation.

TrackEval reads YouTube-VIS files from a fixed folder layout, written here into a
temporary folder: ``<gt>/youtube_vis_<split>/<one>.json`` and
``<trackers>/youtube_vis_<split>/<tracker>/data/<one>.json``. Every figure of every
category and both class combinations is compared to 1e-9 (the summation order of
a few floating-point sums differs; counts are equal).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from synth import _uncompressed, make_dataset

import ytvis_fast
from ytvis_fast.association import HOTA_ALPHAS

trackeval = pytest.importorskip("trackeval")

SPLIT = "val"
TRACKER = "model"


def run_trackeval(gt: dict[str, Any], results: list[dict[str, Any]], root: Path) -> dict[str, Any]:
    gt_dir = root / "gt" / f"youtube_vis_{SPLIT}"
    tracker_dir = root / "trackers" / f"youtube_vis_{SPLIT}" / TRACKER / "data"
    gt_dir.mkdir(parents=True)
    tracker_dir.mkdir(parents=True)
    (gt_dir / "gt.json").write_text(json.dumps(gt))
    (tracker_dir / "results.json").write_text(json.dumps(results))
    eval_config = {
        "USE_PARALLEL": False,
        "PRINT_RESULTS": False,
        "PRINT_CONFIG": False,
        "TIME_PROGRESS": False,
        "OUTPUT_SUMMARY": False,
        "OUTPUT_DETAILED": False,
        "PLOT_CURVES": False,
        "LOG_ON_ERROR": None,
    }
    dataset_config = {
        "GT_FOLDER": f"{root / 'gt'}/",
        "TRACKERS_FOLDER": f"{root / 'trackers'}/",
        "OUTPUT_FOLDER": str(root / "out"),
        "SPLIT_TO_EVAL": SPLIT,
        "PRINT_CONFIG": False,
    }
    metrics = [
        trackeval.metrics.HOTA(),
        trackeval.metrics.CLEAR({"PRINT_CONFIG": False}),
        trackeval.metrics.Identity({"PRINT_CONFIG": False}),
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        evaluator = trackeval.Evaluator(eval_config)
        dataset = trackeval.datasets.YouTubeVIS(dataset_config)
        output, _ = evaluator.evaluate([dataset], metrics)
    return output["YouTubeVIS"][TRACKER]["COMBINED_SEQ"]


def expected_figures(res: dict[str, Any]) -> dict[str, float]:
    """TrackEval's figures of one class or combination, flattened as ytvis_fast reports them."""
    out: dict[str, float] = {}
    for field in ("HOTA", "DetA", "AssA", "DetRe", "DetPr", "AssRe", "AssPr", "LocA", "OWTA"):
        out[field] = float(np.mean(res["HOTA"][field]))
    for field in ("HOTA(0)", "LocA(0)", "HOTALocA(0)"):
        out[field] = float(res["HOTA"][field])
    for field, value in res["CLEAR"].items():
        if field != "MOTP_sum":
            out[field] = float(value)
    for field, value in res["Identity"].items():
        out[field] = float(value)
    return out


def assert_close(ours: dict[str, Any], expected: dict[str, float], where: str) -> None:
    for field, value in expected.items():
        assert ours[field] == pytest.approx(value, abs=1e-9, rel=0), f"{where}: {field}"


def as_uncompressed(gt: dict[str, Any]) -> dict[str, Any]:
    """Ground truth with uncompressed RLE, as YouTube-VIS ships it: TrackEval's
    `frPyObjects` takes any mask dict for uncompressed RLE."""
    gt = copy.deepcopy(gt)
    for ann in gt["annotations"]:
        ann["segmentations"] = [
            s if not s or isinstance(s["counts"], list) else _uncompressed(s)
            for s in ann["segmentations"]
        ]
    return gt


def compare(gt: dict[str, Any], results: list[dict[str, Any]], root: Path) -> None:
    gt = as_uncompressed(gt)
    reference = run_trackeval(copy.deepcopy(gt), copy.deepcopy(results), root)
    ours = ytvis_fast.evaluate(gt, results, metrics="hota").association
    assert ours is not None
    assert_close(ours["class_averaged"], expected_figures(reference["cls_comb_cls_av"]), "cls_av")
    assert_close(
        ours["detection_averaged"], expected_figures(reference["cls_comb_det_av"]), "det_av"
    )
    for cat in gt["categories"]:
        figures = ours["per_category"][str(cat["id"])]
        assert figures["name"] == cat["name"]
        assert_close(figures, expected_figures(reference[cat["name"]]), cat["name"])
    for combo, key in (
        ("class_averaged", "cls_comb_cls_av"),
        ("detection_averaged", "cls_comb_det_av"),
    ):
        for field in ("HOTA", "DetA", "AssA", "LocA"):
            curve = ours["curves"][combo][field]
            assert np.allclose(curve, reference[key]["HOTA"][field], rtol=0, atol=1e-9), field
    assert np.array_equal(ours["alphas"], HOTA_ALPHAS)


@pytest.mark.parametrize(
    ("seed", "options"),
    [
        (0, {}),
        (1, {"crowd": True}),
        (2, {"ties": True, "empty_categories": False}),
        (3, {"all_zero_masks": True}),
        (4, {"videos_without_predictions": True, "foreign_categories": True}),
        (5, {"absent_frames": False, "mixed_resolutions": False}),
        (6, {"gt_id_zero": True, "many_predictions": True}),
    ],
)
def test_matches_trackeval(seed: int, options: dict[str, bool], tmp_path: Path) -> None:
    gt, results = make_dataset(seed, n_videos=6, max_frames=12, max_instances=4, **options)
    compare(gt, results, tmp_path)


def test_tracks_that_switch_and_duplicate(tmp_path: Path) -> None:
    """Copies of ground-truth frames spliced across predictions: ID switches, fragments,
    exact IoU ties between duplicates, tracks absent in some frames."""
    gt, _ = make_dataset(21, n_videos=4, max_frames=10, max_instances=3, absent_frames=True)
    rng = np.random.default_rng(21)
    results = []
    for video in gt["videos"]:
        anns = [a for a in gt["annotations"] if a["video_id"] == video["id"]]
        length = video["length"]
        for p in range(5):
            segs = []
            for f in range(length):
                source = anns[int(rng.integers(len(anns)))]
                seg = source["segmentations"][f] if rng.random() < 0.8 else None
                segs.append(copy.deepcopy(seg))
            category = anns[p % len(anns)]["category_id"]
            results.append(
                {
                    "video_id": video["id"],
                    "category_id": category,
                    "score": 0.5,
                    "segmentations": segs,
                }
            )
        # An exact duplicate of the first ground truth.
        results.append(
            {
                "video_id": video["id"],
                "category_id": anns[0]["category_id"],
                "score": 0.9,
                "segmentations": copy.deepcopy(anns[0]["segmentations"]),
            }
        )
    compare(gt, results, tmp_path)


def test_without_predictions(tmp_path: Path) -> None:
    gt, _ = make_dataset(8, n_videos=3)
    result = ytvis_fast.evaluate(gt, [], metrics="hota").association
    assert result is not None
    assert result["detection_averaged"]["HOTA"] == 0.0
    assert result["detection_averaged"]["IDFN"] == sum(
        sum(1 for s in a["segmentations"] if s) for a in gt["annotations"]
    )


def test_perfect_tracking_scores_one() -> None:
    gt, _ = make_dataset(9, n_videos=3, empty_categories=False)
    results = [
        {
            "video_id": a["video_id"],
            "category_id": a["category_id"],
            "score": 1.0,
            "segmentations": a["segmentations"],
        }
        for a in gt["annotations"]
    ]
    figures = ytvis_fast.evaluate(gt, results, metrics="hota").association
    assert figures is not None
    for key in ("HOTA", "DetA", "AssA", "LocA", "MOTA", "IDF1"):
        assert figures["detection_averaged"][key] == pytest.approx(1.0, abs=1e-12), key
    assert figures["detection_averaged"]["IDSW"] == 0


def test_threads_do_not_change_figures() -> None:
    gt, results = make_dataset(10, n_videos=8, max_frames=10)
    one = ytvis_fast.evaluate(gt, results, metrics="hota", threads=1).association
    two = ytvis_fast.evaluate(gt, results, metrics="hota", threads=2).association
    assert one == two


def test_bbox_is_refused() -> None:
    gt, results = make_dataset(11, n_videos=2)
    with pytest.raises(ValueError, match="defined on masks"):
        ytvis_fast.evaluate(gt, results, "bbox", metrics="hota")


def test_plot(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from ytvis_fast.association import plot_hota

    gt, results = make_dataset(12, n_videos=3)
    figures = ytvis_fast.evaluate(gt, results, metrics="hota").association
    assert figures is not None
    path = tmp_path / "hota.png"
    ax = plot_hota(figures, str(path))
    assert path.stat().st_size > 0
    assert len(ax.get_lines()) == 8
