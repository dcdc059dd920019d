"""The fast reader of ground-truth annotations (PlainAnnotationReader in
plain_elements.cpp): annotations of the usual shape are read with simdjson's
On-Demand API, their uncompressed counts checked as they are read; anything else
goes through the general reader. Whatever path an annotation takes, the store is
the one the Python walk of `json.loads` builds, and errors are those of the
general reader."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synth import _uncompressed, make_dataset
from test_native_ingest import assert_same_store
from test_plain_results import _table, with_escaped_counts

from ytvis_fast import _core


def _gt_text(gt: dict[str, Any], annotations: list[str]) -> str:
    head = json.dumps({k: v for k, v in gt.items() if k != "annotations"})
    return head[:-1] + ', "annotations": [' + ",".join(annotations) + "]}"


def _stores(path: Path, text: str, strict: bool, threads: int = 1) -> tuple[Any, Any]:
    """The annotations of `text` read natively, and walked in Python from json.loads."""
    path.write_text(text)
    native = _core.read_ground_truth(path, strict=strict, threads=threads).annotations
    gt = json.loads(text)
    walked = _core.build_store(gt["annotations"], *_table(gt), results=False, strict=strict)
    return native, walked


def _is_rle(seg: Any) -> bool:
    return isinstance(seg, dict) and isinstance(seg.get("counts"), str)


def _annotation_text(ann: dict[str, Any], variant: str, rng: np.random.Generator) -> str:
    """One annotation written in one of the shapes a ground-truth file may use."""
    ann = dict(ann)
    segs = ann["segmentations"]
    if variant == "uncompressed":
        ann["segmentations"] = [_uncompressed(s) if _is_rle(s) else s for s in segs]
    elif variant == "extra field":
        ann["occlusion"] = [1, 2]
    elif variant == "ignored fields":
        # Fields the evaluation ignores, of every kind, read past by the fast reader.
        labels = ["no_occlusion", "slight_occlusion", "severe_occlusion", None]
        ann["occlusion"] = [labels[int(rng.integers(4))] for _ in segs]
        ann["note"] = {"by": 'an "annotator"', "tags": [1, 2.5, True, None, {"k": []}]}
        ann["height"] = [float(ann["height"]), "720", None, -(2**40)][int(rng.integers(4))]
        ann["score"] = 0.5
        text = json.dumps(ann)
        # A repeated field the evaluation ignores: json.load keeps the last.
        return text[:-1] + ', "note": "again", "occlusion": null}'
    elif variant == "escaped keys":
        # A key written with an escape is the same key to json.load: the last of
        # "iscrowd" and "iscrow\u0064" counts, and an escaped "areas" is read.
        text = json.dumps(ann)
        text = text.replace('"areas"', '"\\u0061reas"')
        crowd = int(rng.integers(2))
        return text[:-1] + f', "iscrow\\u0064": {crowd}}}'
    elif variant == "rle extra field":
        ann["segmentations"] = [dict(s, extra=1) if _is_rle(s) else s for s in segs]
    elif variant == "falsy frames":
        falsy = [None, {}, [], False, 0, ""]
        ann["segmentations"] = [
            s if s and rng.random() < 0.5 else falsy[int(rng.integers(len(falsy)))] for s in segs
        ]
    elif variant == "number kinds":
        ann["iscrowd"] = [0.0, 1.0, True, False, 1][int(rng.integers(5))]
        ann["areas"] = [
            None if a is None else [a, a * 1.5, 0, 0.0][int(rng.integers(4))] for a in ann["areas"]
        ]
        ann["height"] = [ann["height"], float(ann["height"]), None][int(rng.integers(3))]
    elif variant == "areas and boxes":
        choice = int(rng.integers(4))
        if choice == 0:
            del ann["areas"]
        elif choice == 1:
            ann["areas"] = None
        elif choice == 2:
            del ann["bboxes"]
        else:  # entries past the last frame are ignored
            ann["bboxes"] = ann["bboxes"] + [[1.0, 2.0, 3.0, 4.0], None]
    elif variant == "reordered":
        ann = dict(reversed(list(ann.items())))
    elif variant == "spaced":
        return json.dumps(ann, indent=2).replace('",', '" ,')
    elif variant == "unicode escapes":
        return with_escaped_counts(ann, rng)
    return json.dumps(ann)


VARIANTS = [
    "plain",
    "uncompressed",
    "extra field",
    "ignored fields",
    "escaped keys",
    "rle extra field",
    "falsy frames",
    "number kinds",
    "areas and boxes",
    "reordered",
    "spaced",
    "unicode escapes",
]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("strict", [False, True])
def test_every_shape_gives_the_walked_store(tmp_path: Path, variant: str, strict: bool) -> None:
    gt, _ = make_dataset(71, n_videos=6, max_frames=6, absent_frames=True, crowd=True)
    rng = np.random.default_rng(1)
    text = _gt_text(gt, [_annotation_text(a, variant, rng) for a in gt["annotations"]])
    native, walked = _stores(tmp_path / "gt.json", text, strict)
    assert_same_store(native, walked)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**16),
    variants=st.lists(st.sampled_from(VARIANTS), min_size=1),
    threads=st.sampled_from([1, 2, 3]),
)
def test_mixed_shapes_in_one_file(
    tmp_path: Path, seed: int, variants: list[str], threads: int
) -> None:
    gt, _ = make_dataset(seed, n_videos=4, max_frames=5, absent_frames=True, polygons=True)
    rng = np.random.default_rng(seed)
    pieces = [
        _annotation_text(a, variants[i % len(variants)], rng)
        for i, a in enumerate(gt["annotations"])
    ]
    native, walked = _stores(tmp_path / "gt.json", _gt_text(gt, pieces), False, threads)
    assert_same_store(native, walked)


def test_large_uncompressed_masks(tmp_path: Path) -> None:
    # 720p frames with scattered pixels: long runs lists, counts past 16 bits.
    rng = np.random.default_rng(5)
    h, w = 720, 1280
    gt: dict[str, Any] = {
        "videos": [{"id": 1, "height": h, "width": w, "length": 2}],
        "categories": [{"id": 1}],
        "annotations": [],
    }
    from pycocotools import mask as mask_utils

    for k in range(3):
        segs = []
        for _ in range(2):
            mask = np.zeros((h, w), dtype=np.uint8, order="F")
            y, x = rng.integers(0, 600), rng.integers(0, 1100)
            mask[y : y + 100 + 7 * k, x : x + 150] = 1
            mask[rng.random((h, w)) < 0.001] = 1
            segs.append(
                _uncompressed({"size": [h, w], "counts": mask_utils.encode(mask)["counts"]})
            )
        gt["annotations"].append(
            {"id": k + 1, "video_id": 1, "category_id": 1, "iscrowd": 0, "segmentations": segs}
        )
    native, walked = _stores(tmp_path / "gt.json", json.dumps(gt), True)
    assert_same_store(native, walked)


def _one_annotation(tmp_path: Path, annotation: str) -> Path:
    gt = {
        "videos": [{"id": 1, "height": 2, "width": 2, "length": 1}],
        "categories": [{"id": 1}],
    }
    path = tmp_path / "gt.json"
    path.write_text(_gt_text(gt, [annotation]))
    return path


@pytest.mark.parametrize(
    "annotation",
    [
        # Invalid JSON where the fast reader would stop reading: the general reader
        # parses the whole element and reports it.
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": [null], "x": tru}',
        # ... and inside fields the evaluation ignores, which the fast reader passes over.
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": [null], "x": [01]}',
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": [null], "x": {"a": 1.}}',
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": [null], "x": "\\q"}',
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": [null], "height": -}',
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": [nul]}',
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": [null],}',
        '{"id": 1, "video_id": 1, "category_id": 1 "segmentations": [null]}',
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": '
        '[{"size": [2, 2], "counts": [1, 2 1]}]}',
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": '
        '[{"size": [2, 2], "counts": [1, 2, 1,]}]}',
    ],
)
def test_invalid_json_inside_an_annotation_is_reported(tmp_path: Path, annotation: str) -> None:
    path = _one_annotation(tmp_path, annotation)
    with pytest.raises(ValueError, match=re.escape(str(path)) + r": annotation 0: not valid JSON"):
        _core.read_ground_truth(path)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ("[1, 2]", "RLE counts sum to 3 but the mask is 2x2 (4 pixels)"),
        ("[1, 2, 2]", "RLE counts sum to 5 but the mask is 2x2 (4 pixels)"),
        ("[5, -1]", "negative run length -1 at position 1"),
        ("[4294967296, 0]", "run length 4294967296 overflows 32 bits"),
        ("[1.0, 3]", "'counts' must be an integer, got float"),
    ],
)
@pytest.mark.parametrize("strict", [False, True])
def test_bad_counts_are_named_as_the_walk_names_them(
    tmp_path: Path, counts: str, message: str, strict: bool
) -> None:
    annotation = (
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": '
        f'[{{"size": [2, 2], "counts": {counts}}}]}}'
    )
    path = _one_annotation(tmp_path, annotation)
    with pytest.raises(ValueError) as native:
        _core.read_ground_truth(path, strict=strict)
    table = _table(json.loads(path.read_text()) | {"annotations": []})
    with pytest.raises(ValueError) as walked:
        _core.build_store([json.loads(annotation)], *table, results=False, strict=strict)
    assert message in str(native.value)
    assert str(native.value).endswith(str(walked.value))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"video_id": 9}, "video_id 9 is not in the ground truth's 'videos'"),
        ({"segmentations": [None, None]}, "video 1 has 1 frames but 'segmentations' has 2"),
        (
            {"segmentations": [{"size": [1, 4], "counts": [1, 3]}]},
            "mask is 1x4 but video 1 is 2x2",
        ),
    ],
)
def test_strict_checks_name_the_annotation(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    annotation = {"id": 1, "video_id": 1, "category_id": 1, "segmentations": [None]} | change
    path = _one_annotation(tmp_path, json.dumps(annotation))
    with pytest.raises(
        ValueError, match=re.escape(f"{path}: annotation 0") + ".*" + re.escape(message)
    ):
        _core.read_ground_truth(path, strict=True)
    # Not strict, the same annotations are read as the walk reads them.
    native, walked = _stores(path, path.read_text(), False)
    assert_same_store(native, walked)


def test_a_count_past_32_bits_is_not_cut_short(tmp_path: Path) -> None:
    # The largest mask has 2**32 pixels: one run of them sums right, but does not
    # fit the 32-bit runs of the store.
    annotation = (
        '{"id": 1, "video_id": 1, "category_id": 1, "segmentations": '
        '[{"size": [65536, 65536], "counts": [0, 4294967296]}]}'
    )
    path = _one_annotation(tmp_path, annotation)
    with pytest.raises(ValueError, match="run length 4294967296 overflows 32 bits"):
        _core.read_ground_truth(path)
