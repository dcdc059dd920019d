"""The RLE decoder and the JSON ingest (with the evaluation behind it) under a
fuzzer, built with AddressSanitizer and UndefinedBehaviorSanitizer: for a
bounded time, no crash, no leak, no undefined behaviour, no disagreement.

The fuzz targets live in fuzz/ (their own CMake project); this test builds them
into build/fuzz (kept between runs) and runs each on seeds made here. Set
YTVIS_FUZZ_SECONDS to fuzz longer than the default few seconds per target.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pycocotools import mask as mask_utils
from synth import _uncompressed, make_dataset
from test_repeated_keys import ALL_DECOYS, dumps

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "fuzz"
SECONDS = float(os.environ.get("YTVIS_FUZZ_SECONDS", "6"))

pytestmark = pytest.mark.skipif(
    not (FUZZ / "CMakeLists.txt").exists(), reason="needs the source tree (fuzz/), not an sdist"
)


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise RuntimeError(f"{name} not found: pip install '.[test]' installs it")
    return found


@pytest.fixture(scope="module")
def fuzzers() -> Path:
    build = ROOT / "build" / "fuzz"
    configure = [_tool("cmake"), "-S", str(FUZZ), "-B", str(build), "-G", "Ninja"]
    configure += [f"-DCMAKE_MAKE_PROGRAM={_tool('ninja')}", f"-DPython_EXECUTABLE={sys.executable}"]
    for command in (configure, [_tool("cmake"), "--build", str(build), "-j", "2"]):
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return build


def _rle(mask: np.ndarray) -> dict[str, object]:
    encoded = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {"size": list(mask.shape), "counts": encoded["counts"].decode()}


def _ingest_seeds(folder: Path) -> Path:
    folder.mkdir()
    gt, results = make_dataset(3, n_videos=2, max_frames=3, crowd=True, polygons=True)
    gt_small, results_small = make_dataset(
        4, n_videos=2, max_frames=2, uncompressed=True, short_results=True, size_mismatch=True
    )
    mask = np.zeros((4, 4), dtype=np.uint8)
    mask[1:3, 1:3] = 1
    box_only = [{"video_id": 1, "category_id": 1, "score": 0.5, "bboxes": [[1, 1, 2, 2], None]}]
    tiny = {
        "videos": [{"id": 1, "height": 4, "width": 4, "length": 2}],
        "categories": [{"id": 1}],
        "annotations": [
            {"id": 1, "video_id": 1, "category_id": 1, "segmentations": [_rle(mask), None]},
            {
                "id": 0,
                "video_id": 2,
                "category_id": 1,
                "segmentations": [_rle(mask[:3]), [[0, 0, 2, 2, 0, 2]]],
            },
        ],
    }
    # Ground truth as YouTube-VIS writes it: uncompressed runs, areas and boxes.
    gt_runs = json.loads(json.dumps(gt_small))
    for ann in gt_runs["annotations"]:
        ann["segmentations"] = [
            _uncompressed(s) if isinstance(s, dict) and isinstance(s["counts"], str) else s
            for s in ann["segmentations"]
        ]
    plain = [
        {"video_id": 1, "category_id": 1, "score": 0.5, "segmentations": [_rle(mask), None]},
        {"video_id": 3, "category_id": 2, "score": 0.25, "segmentations": [{}]},
    ]
    # First byte: bit 0 results, bit 1 strict, bit 2 two threads, bit 3 masks borrowed
    # from the input (see fuzz_ingest.cpp).
    documents = {
        "gt": (0, gt),
        "gt_strict": (6, gt_small),
        "gt_runs_strict": (6, gt_runs),
        "tiny": (0, tiny),
        "results": (1, results),
        "results_strict": (7, results_small),
        "box_only": (5, box_only),
        "results_borrowed": (13, results),
        "plain_strict_borrowed": (11, plain),
    }
    for name, (flags, document) in documents.items():
        (folder / name).write_bytes(bytes([flags]) + json.dumps(document).encode())
    # Repeated keys, a decoy before each real value (see test_repeated_keys.py).
    with_decoys = {"gt_repeated_keys": (4, gt_runs), "results_repeated_keys": (13, results)}
    for name, (flags, document) in with_decoys.items():
        text = dumps(document, ALL_DECOYS, lambda number: number % 2 == 0)
        (folder / name).write_bytes(bytes([flags]) + text.encode())
    return folder


def _rle_seeds(folder: Path) -> Path:
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i, (h, w) in enumerate([(4, 4), (7, 5), (1, 9), (16, 16)]):
        mask = rng.random((h, w)) < 0.4
        counts = _rle(mask)["counts"]
        (folder / f"compressed{i}").write_bytes(bytes([h, w, 0]) + str(counts).encode())
        runs = np.diff(np.flatnonzero(np.diff(np.r_[-1, mask.flatten(order="F"), -1])))
        runs = np.r_[0, runs] if mask.flatten(order="F")[0] else runs
        (folder / f"uncompressed{i}").write_bytes(bytes([h, w, 1]) + runs.astype("<i2").tobytes())
    return folder


def _run(binary: Path, seeds: Path, max_len: int) -> None:
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    proc = subprocess.run(
        [str(binary), f"-seconds={SECONDS}", "-seed=1", f"-max_len={max_len}", str(seeds)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=SECONDS + 120,
    )
    assert proc.returncode == 0 and "no failure" in proc.stdout, proc.stderr[-6000:]
    assert proc.stderr == "", proc.stderr[-6000:]  # no sanitizer report of any kind


def test_rle_decoder(fuzzers: Path, tmp_path: Path) -> None:
    _run(fuzzers / "fuzz_rle", _rle_seeds(tmp_path / "rle"), max_len=512)


def test_json_ingest_and_evaluation(fuzzers: Path, tmp_path: Path) -> None:
    _run(fuzzers / "fuzz_ingest", _ingest_seeds(tmp_path / "ingest"), max_len=1 << 16)


ATHERIS_TARGET = Path(__file__).with_name("atheris_target.py")


@pytest.mark.parametrize("target", ["rle", "ingest"])
def test_installed_extension_under_atheris(target: str, tmp_path: Path) -> None:
    """libFuzzer's engine (atheris) on the installed extension, for a bounded time."""
    pytest.importorskip("atheris")
    seeds = tmp_path / "seeds"
    if target == "rle":
        _rle_seeds(seeds)
        for seed in seeds.iterdir():  # height, width, then the compressed string only
            data = seed.read_bytes()
            seed.write_bytes(data[:2] + data[3:] if data[2] == 0 else b"")
    else:
        _ingest_seeds(seeds)
    proc = subprocess.run(
        [
            sys.executable,
            str(ATHERIS_TARGET),
            target,
            str(seeds),
            f"-max_total_time={max(1, int(SECONDS))}",
            "-seed=1",
            f"-max_len={512 if target == 'rle' else 1 << 16}",
            "-rss_limit_mb=4096",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=SECONDS + 120,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    assert "DONE" in proc.stderr, proc.stderr[-6000:]
