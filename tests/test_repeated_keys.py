"""A key repeated inside a JSON object: the last occurrence counts, as in json.load.

The reference reads its files with json.load, whose dicts keep the last value
of a repeated key. Each test writes the files with a decoy first (a value that
changes the evaluation, or does not even read, if it were taken) and the real
value after it, then runs the real reference and ytvis_fast on the same files.
Every test also checks that taking the first occurrence would give other data,
so it fails on a reader that keeps the first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from reference import run_reference
from synth import make_dataset
from test_occlusion import with_occlusion

import ytvis_fast

Decoy = Callable[[dict[str, Any]], Any]

# Decoys by the kind of object and the key; each gets the object it sits in.
RESULT_DECOYS: dict[str, Decoy] = {
    "video_id": lambda r: r["video_id"] % 4 + 1,
    "category_id": lambda r: r["category_id"] % 4 + 1,
    "score": lambda r: 1.0 - r["score"],
    "segmentations": lambda r: [None] * len(r["segmentations"]),
}
ANNOTATION_DECOYS: dict[str, Decoy] = {
    "id": lambda a: 1000 + a["id"],
    "video_id": lambda a: "not a video",
    "category_id": lambda a: a["category_id"] % 4 + 1,
    "iscrowd": lambda a: 1 - a["iscrowd"],
    "segmentations": lambda a: [None] * len(a["segmentations"]),
    "areas": lambda a: [10**9] * len(a["areas"]),
    "bboxes": lambda a: "no boxes",
}
RLE_DECOYS: dict[str, Decoy] = {
    "size": lambda m: [m["size"][1] + 1, m["size"][0]],
    "counts": lambda m: "this is not RLE",
}
VIDEO_DECOYS: dict[str, Decoy] = {
    "id": lambda v: 1000 + v["id"],
    "height": lambda v: v["height"] + 7,
    "width": lambda v: None,
    "length": lambda v: 1,
}
CATEGORY_DECOYS: dict[str, Decoy] = {"id": lambda c: 1000 + c["id"], "name": lambda c: 17}
GROUND_TRUTH_DECOYS: dict[str, Decoy] = {
    "videos": lambda g: [],
    "categories": lambda g: "no categories",
    "annotations": lambda g: g["annotations"][:1],
}


def kind_of(obj: dict[str, Any]) -> str:
    if "counts" in obj:
        return "rle"
    if "score" in obj:
        return "result"
    if "iscrowd" in obj:
        return "annotation"
    if "file_names" in obj:
        return "video"
    if "supercategory" in obj:
        return "category"
    if "annotations" in obj:
        return "ground truth"
    return "other"


def dumps(value: Any, decoys: dict[str, dict[str, Decoy]], only: Callable[[int], bool]) -> str:
    """JSON text of `value` in which every object of a kind named in `decoys`,
    among those `only` admits (by their number in the order written), has each of
    its decoyed keys twice: the decoy first, then the real value."""
    seen: dict[str, int] = {}

    def write(v: Any) -> str:
        if isinstance(v, dict):
            kind = kind_of(v)
            number = seen.get(kind, 0)
            seen[kind] = number + 1
            mine = decoys.get(kind, {}) if only(number) else {}
            fields = []
            for key, item in v.items():
                if key in mine:
                    fields.append(f"{json.dumps(key)}:{write(mine[key](v))}")
                fields.append(f"{json.dumps(key)}:{write(item)}")
            return "{" + ",".join(fields) + "}"
        if isinstance(v, list):
            return "[" + ",".join(write(item) for item in v) + "]"
        return json.dumps(v)

    return write(value)


def first_wins(text: str) -> Any:
    def keep_first(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            out.setdefault(key, value)
        return out

    return json.loads(text, object_pairs_hook=keep_first)


def write_files(
    tmp_path: Path,
    gt: dict[str, Any],
    results: list[dict[str, Any]],
    decoys: dict[str, dict[str, Decoy]],
    only: Callable[[int], bool] = lambda number: True,
) -> tuple[str, str]:
    gt_text, results_text = dumps(gt, decoys, only), dumps(results, decoys, only)
    assert (json.loads(gt_text), json.loads(results_text)) == (gt, results)
    assert (first_wins(gt_text), first_wins(results_text)) != (gt, results), "no decoy written"
    gt_path, results_path = tmp_path / "gt.json", tmp_path / "results.json"
    gt_path.write_text(gt_text)
    results_path.write_text(results_text)
    return str(gt_path), str(results_path)


def assert_same_as_reference(gt_path: str, results_path: str, threads: int = 2) -> None:
    # The reference json.loads a path it is given; it leaves the file open, so
    # load here what it would load.
    loaded = []
    for path in (gt_path, results_path):
        with open(path) as f:
            loaded.append(json.load(f))
    ref = run_reference(*loaded)
    result = ytvis_fast.evaluate(gt_path, results_path, threads=threads)
    assert list(result.stats.values()) == ref.stats
    assert np.array_equal(result.precision, ref.eval["precision"])
    assert np.array_equal(result.recall, ref.eval["recall"])
    api = ytvis_fast.YTVOS(gt_path, verbose=False)
    evaluator = ytvis_fast.YTVOSeval(api, api.loadRes(results_path), verbose=False)
    evaluator.evaluate()
    evaluator.accumulate()
    evaluator.summarize()
    assert list(evaluator.stats) == ref.stats


def dataset(seed: int = 0, **options: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return make_dataset(seed, n_videos=6, max_instances=3, crowd=True, **options)


CASES = [
    *(("result", key) for key in RESULT_DECOYS),
    *(("annotation", key) for key in ANNOTATION_DECOYS),
    *(("rle", key) for key in RLE_DECOYS),
    *(("video", key) for key in VIDEO_DECOYS),
    *(("category", key) for key in CATEGORY_DECOYS),
    *(("ground truth", key) for key in GROUND_TRUTH_DECOYS),
]
ALL_DECOYS = {
    "result": RESULT_DECOYS,
    "annotation": ANNOTATION_DECOYS,
    "rle": RLE_DECOYS,
    "video": VIDEO_DECOYS,
    "category": CATEGORY_DECOYS,
    "ground truth": GROUND_TRUTH_DECOYS,
}


@pytest.mark.parametrize(("kind", "key"), CASES)
def test_each_key_in_every_object(tmp_path: Path, kind: str, key: str) -> None:
    gt, results = dataset()
    decoys = {kind: {key: ALL_DECOYS[kind][key]}}
    assert_same_as_reference(*write_files(tmp_path, gt, results, decoys))


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_all_keys_at_once(tmp_path: Path, threads: int) -> None:
    gt, results = dataset(1, uncompressed=True)
    assert_same_as_reference(*write_files(tmp_path, gt, results, ALL_DECOYS), threads=threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_one_object_in_the_middle(tmp_path: Path, threads: int) -> None:
    """A repeated key in one element after usual ones: the fast readers hand the
    file to the general reader, which keeps the last occurrence too."""
    gt, results = dataset(2)
    decoys = {kind: ALL_DECOYS[kind] for kind in ("result", "annotation", "rle")}
    files = write_files(tmp_path, gt, results, decoys, only=lambda number: number == 7)
    assert_same_as_reference(*files, threads=threads)


def test_occlusion_labels(tmp_path: Path) -> None:
    """OVIS occlusion labels, read natively from the file: the last 'occlusion' of
    an annotation counts, and the last 'annotations' of the file."""
    gt, results = dataset(3)
    gt = with_occlusion(gt, 3)
    decoys = {
        "annotation": {"occlusion": lambda a: ["not a label"]},
        "ground truth": {"annotations": lambda g: g["annotations"][:1]},
    }
    gt_path, results_path = write_files(tmp_path, gt, results, decoys)
    from_file = ytvis_fast.evaluate(gt_path, results_path, metrics=("ap", "occlusion"))
    from_dicts = ytvis_fast.evaluate(gt, results, metrics=("ap", "occlusion"))
    assert from_file.occlusion is not None and from_dicts.occlusion is not None
    assert from_file.occlusion["stats"] == from_dicts.occlusion["stats"]
