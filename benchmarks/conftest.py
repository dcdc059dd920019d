"""Shared fixtures of the benchmark suite: generated data sets, cached on disk."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from generate import PRESETS, generate

CACHE = Path(__file__).parent / ".data"


def dataset_files(name: str, seed: int = 0) -> tuple[Path, Path]:
    """Paths of the (ground truth, results) JSON of a preset, generated once."""
    gt_path = CACHE / f"{name}-{seed}_gt.json"
    res_path = CACHE / f"{name}-{seed}_results.json"
    if not (gt_path.exists() and res_path.exists()):
        CACHE.mkdir(exist_ok=True)
        gt, results = generate(PRESETS[name], seed)
        gt_path.write_text(json.dumps(gt, separators=(",", ":")))
        res_path.write_text(json.dumps(results, separators=(",", ":")))
    return gt_path, res_path


@pytest.fixture(scope="session")
def ytvis19() -> tuple[Any, Any]:
    gt_path, res_path = dataset_files("ytvis19")
    return json.loads(gt_path.read_text()), json.loads(res_path.read_text())
