"""Cost of the metrics beyond AP: every metric set against AP alone, same data.

Each timing is one `ytvis_fast.evaluate(GT.json, RESULTS.json, metrics=...)` call
from the files (parsing included), repeated and interleaved; the script prints the
median wall time of each metric set and its ratio to AP alone. The ground truth
gets per-frame OVIS occlusion labels (seeded) so that "occlusion" has work to do.

    python benchmarks/metrics_overhead.py [ytvis19] [--repeats 5] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from conftest import CACHE, dataset_files

import ytvis_fast

SETS = {
    "ap": "ap",
    "occlusion": "ap,occlusion",
    "hota": "ap,hota",
    "errors": "ap,errors",
    "length": "ap,length",
    "all": "ap,occlusion,hota,errors,length",
}
LABELS = ["no_occlusion", "slight_occlusion", "severe_occlusion"]


def with_occlusion(gt_path: Path, seed: int = 0) -> Path:
    out = CACHE / f"{gt_path.stem}_occlusion.json"
    if not out.exists():
        gt = json.loads(gt_path.read_text())
        rng = np.random.default_rng(seed)
        for ann in gt["annotations"]:
            ann["occlusion"] = [
                LABELS[int(rng.integers(3))] if seg else None for seg in ann["segmentations"]
            ]
            if not any(ann["occlusion"]):
                ann["occlusion"][0] = LABELS[0]
        out.write_text(json.dumps(gt, separators=(",", ":")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", nargs="?", default="ytvis19")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    gt_path, res_path = dataset_files(args.preset)
    gt_path = with_occlusion(gt_path)
    times: dict[str, list[float]] = {name: [] for name in SETS}
    stats: dict[str, dict[str, float]] = {}
    for _ in range(args.repeats):
        for name, metrics in SETS.items():
            start = time.perf_counter()
            result = ytvis_fast.evaluate(gt_path, res_path, threads=args.threads, metrics=metrics)
            times[name].append(time.perf_counter() - start)
            stats[name] = result.stats
    assert all(s == stats["ap"] for s in stats.values()), "AP changed with the metric set"
    base = statistics.median(times["ap"])
    print(f"{args.preset}: {args.repeats} repeats, threads={args.threads or 'all'}")
    print(f"{'metrics':<34} {'median s':>9} {'x AP':>6}")
    for name, metrics in SETS.items():
        median = statistics.median(times[name])
        print(f"{metrics:<34} {median:9.3f} {median / base:6.2f}")


if __name__ == "__main__":
    main()
