"""EvalResult: per-category and per-area figures as plain dicts, repr, JSON."""

from __future__ import annotations

import json

import numpy as np
from reference import run_reference
from synth import make_dataset

import ytvis_fast


def _mean_valid(values: np.ndarray) -> float:
    valid = values[values > -1]
    return float(np.mean(valid)) if valid.size else -1.0


def test_figures_are_slices_of_the_reference_arrays() -> None:
    gt, results = make_dataset(21, n_videos=8, crowd=True)
    result = ytvis_fast.evaluate(gt, results)
    reference = run_reference(gt, results)
    precision, recall = reference.eval["precision"], reference.eval["recall"]
    for k, cat_id in enumerate(sorted(c["id"] for c in gt["categories"])):
        figures = result.per_category[cat_id]
        assert figures["AP"] == _mean_valid(precision[:, :, k, 0, -1])
        assert figures["AP50"] == _mean_valid(precision[0, :, k, 0, -1])
        assert figures["AP75"] == _mean_valid(precision[5, :, k, 0, -1])
        assert figures["AR10"] == _mean_valid(recall[:, k, 0, 1])
        assert figures["AR"] == _mean_valid(recall[:, k, 0, -1])
    for a, label in enumerate(("all", "small", "medium", "large")):
        assert result.per_area[label]["AP"] == _mean_valid(precision[:, :, :, a, -1])
        assert result.per_area[label]["AR"] == _mean_valid(recall[:, :, a, -1])
    # The stats are the same slices: per-area AP/AR equal the summary's.
    assert result.per_area["all"]["AP"] == result.stats["AP"]
    assert result.per_area["small"]["AP"] == result.stats["APs"]
    assert result.per_area["large"]["AR"] == result.stats["ARl"]


def test_plain_data_and_json() -> None:
    gt, results = make_dataset(22, n_videos=4)
    result = ytvis_fast.evaluate(gt, results)
    for figures in [*result.per_category.values(), *result.per_area.values()]:
        assert all(type(v) in (str, int, float) for v in figures.values())
    assert json.loads(result.to_json()) == json.loads(json.dumps(result.to_dict()))
    assert list(result.to_dict()) == ["stats", "per_category", "per_area", "params"]


def test_repr_is_a_readable_summary() -> None:
    gt, results = make_dataset(23, n_videos=4)
    result = ytvis_fast.evaluate(gt, results)
    text = repr(result)
    lines = text.splitlines()
    assert lines[0] == f"EvalResult(segm, {len(gt['categories'])} categories, 4 videos)"
    for key in ytvis_fast.STAT_KEYS:
        assert f"{key}={result.stats[key]:.3f}" in text
    assert len(lines) == 3
