"""Spatio-temporal IoU against a dense numpy computation, and its symmetries."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ytvis_fast
from ytvis_fast import _core


@st.composite
def tubes(draw: st.DrawFn) -> tuple[int, int, int, list[list[np.ndarray | None]]]:
    h, w, frames = draw(st.integers(1, 8)), draw(st.integers(1, 8)), draw(st.integers(1, 4))
    count = draw(st.integers(1, 4))
    mask = arrays(np.uint8, (h, w), elements=st.integers(0, 1))
    instances = [[draw(st.one_of(st.none(), mask)) for _ in range(frames)] for _ in range(count)]
    return h, w, frames, instances


def _dataset(
    h: int, w: int, frames: int, instances: list[list[np.ndarray | None]]
) -> dict[str, Any]:
    anns = []
    for i, tube in enumerate(instances):
        segs = [
            None if m is None else {"size": [h, w], "counts": _core.rle_encode(m)} for m in tube
        ]
        anns.append(
            {
                "id": i + 1,
                "video_id": 1,
                "category_id": 1,
                "iscrowd": 0,
                "segmentations": segs,
                "areas": [None if m is None else int(m.sum()) for m in tube],
            }
        )
    return {
        "videos": [{"id": 1, "height": h, "width": w, "length": frames}],
        "categories": [{"id": 1, "name": "a"}],
        "annotations": anns,
    }


def _as_results(gt: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "video_id": 1,
            "category_id": 1,
            "score": 1.0 - 0.01 * i,
            "segmentations": a["segmentations"],
        }
        for i, a in enumerate(gt["annotations"])
    ]


def _ious(gt: dict[str, Any], results: list[dict[str, Any]]) -> np.ndarray:
    api = ytvis_fast.YTVOS(gt, verbose=False)
    evaluator = ytvis_fast.YTVOSeval(api, api.loadRes(results), verbose=False)
    evaluator.evaluate()
    return evaluator.ious[(1, 1)]


def _dense(a: list[np.ndarray | None], b: list[np.ndarray | None]) -> float:
    inter = union = 0
    for x, y in zip(a, b):
        x = np.zeros((1, 1), np.uint8) if x is None else x
        y = np.zeros((1, 1), np.uint8) if y is None else y
        if x.shape == y.shape:
            inter += int((x & y).sum())
            union += int((x | y).sum())
        else:  # one side absent
            union += int(x.sum()) + int(y.sum())
    return inter / union if union else 0.0


@settings(max_examples=150, deadline=None)
@given(tubes(), tubes())
def test_iou_equals_dense_computation(gt_tubes: Any, dt_tubes: Any) -> None:
    h, w, frames, gt_instances = gt_tubes
    dt_instances = [t[:frames] + [None] * (frames - len(t)) for t in dt_tubes[3]]
    dt_instances = [
        [None if m is None or m.shape != (h, w) else m for m in t] for t in dt_instances
    ]
    gt = _dataset(h, w, frames, gt_instances)
    results = _as_results(_dataset(h, w, frames, dt_instances))
    ious = _ious(gt, results)
    expected = np.array([[_dense(d, g) for g in gt_instances] for d in dt_instances])
    assert np.array_equal(ious, expected)
    assert ((ious >= 0) & (ious <= 1)).all()


@settings(max_examples=80, deadline=None)
@given(tubes(), tubes())
def test_swapping_roles_transposes(a: Any, b: Any) -> None:
    h, w, frames, first = a
    second = [
        [
            None if m is None or m.shape != (h, w) else m
            for m in (t[:frames] + [None] * (frames - len(t)))
        ]
        for t in b[3]
    ]
    gt_a, gt_b = _dataset(h, w, frames, first), _dataset(h, w, frames, second)
    forward = _ious(gt_a, _as_results(gt_b))
    backward = _ious(gt_b, _as_results(gt_a))
    assert np.array_equal(forward, backward.T)
