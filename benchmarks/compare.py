"""Times the reference evaluator and ytvis_fast side by side, whole process.

Each run is a fresh Python process that goes from the two JSON files to the 12
numbers; the script reports the median wall time and peak memory (max RSS) of
each tool over the repeats, their ratios, and checks the stats are identical.
Besides the two evaluators it times what bounds them from below: `orjson.loads`
of the two files (the goal: evaluating costs less than parsing in Python),
importing ytvis_fast alone (an evaluation of two files needs no numpy, so it
imports none), and simdjson's native DOM parse of the two files (pysimdjson, the
build requirement), i.e. the floor of any evaluator that reads every byte of the
input in a fresh Python process.

    python benchmarks/compare.py ytvis19 [ovis ...] [--repeats 3] [--threads N]
    python benchmarks/compare.py --files GT.json RESULTS.json

Presets are generated once into benchmarks/.data (see generate.py). The
reference is the mmdet 3.3.0 copy of the official evaluator (pip install '.[test]').
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"

_PRELUDE = """
import json, resource, sys, time
start = time.perf_counter()
"""

_EPILOGUE = """
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "stats": [float(s) for s in stats]}))
"""

TOOLS = {
    "reference": """
sys.path.insert(0, {tests!r})
import contextlib, io
from reference import REFERENCE_API, REFERENCE_EVAL, numpy_float_shim
with contextlib.redirect_stdout(io.StringIO()), numpy_float_shim():
    gt = REFERENCE_API.YTVIS({gt!r})
    dt = gt.loadRes({results!r})
    E = REFERENCE_EVAL.YTVISeval(gt, dt, "segm")
    E.evaluate(); E.accumulate(); E.summarize()
stats = E.stats
""",
    "ytvis_fast": """
import ytvis_fast
result = ytvis_fast.evaluate({gt!r}, {results!r}, threads={threads!r})
stats = list(result.stats.values())
""",
    "orjson.loads": """
import orjson
with open({gt!r}, "rb") as f: orjson.loads(f.read())
with open({results!r}, "rb") as f: orjson.loads(f.read())
stats = []
""",
    "import only": """
import ytvis_fast
stats = []
""",
    "simdjson.parse": """
import ytvis_fast, simdjson
parser = simdjson.Parser()
for path in ({gt!r}, {results!r}):
    with open(path, "rb") as f: doc = parser.parse(f.read()); del doc
stats = []
""",
}
OPTIONAL = {"orjson.loads": "orjson", "simdjson.parse": "simdjson"}


def run_once(tool: str, gt: Path, results: Path, threads: int | None) -> dict:
    code = (
        _PRELUDE
        + TOOLS[tool].format(tests=str(TESTS), gt=str(gt), results=str(results), threads=threads)
        + _EPILOGUE
    )
    # Run outside the checkout so the installed package, not the source folder, is used.
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{tool} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("presets", nargs="*", default=[], help="data set presets (generate.py)")
    parser.add_argument(
        "--files", nargs=2, metavar=("GT", "RESULTS"), help="compare on these files"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from conftest import dataset_files

    sets: list[tuple[str, Path, Path]] = []
    if args.files:
        sets.append(("files", Path(args.files[0]).resolve(), Path(args.files[1]).resolve()))
    for name in args.presets or ([] if args.files else ["ytvis19"]):
        sets.append((name, *dataset_files(name)))
    tools = [t for t in TOOLS if t not in OPTIONAL or have(OPTIONAL[t])]

    machine = f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores"
    print(f"# {machine}, Python {platform.python_version()}, threads={args.threads}")
    print(f"# median of {args.repeats} fresh processes per tool, in turn; peak = max RSS")
    columns = ("data set", "JSON MB", "tool", "seconds", "peak MB", "ref / tool")
    print("{:<12} {:>8} {:<15} {:>8} {:>8} {:>10}".format(*columns))
    failed = False
    for name, gt, results in sets:
        size = (gt.stat().st_size + results.stat().st_size) / 1e6
        # Round robin, so that a slow spell of the machine (or the kernel reclaiming
        # the memory of the reference's process) falls on every tool alike.
        runs: dict[str, list[dict[str, Any]]] = {t: [] for t in tools}
        for _ in range(args.repeats):
            for t in tools:
                runs[t].append(run_once(t, gt, results, args.threads))
        med = {t: statistics.median(r["seconds"] for r in runs[t]) for t in tools}
        mem = {t: statistics.median(r["peak_mb"] for r in runs[t]) for t in tools}
        for t in tools:
            print(
                f"{name:<12} {size:>8.1f} {t:<15} {med[t]:>8.3f} {mem[t]:>8.0f} "
                f"{med['reference'] / med[t]:>9.1f}x"
            )
        same = all(r["stats"] == runs["reference"][0]["stats"] for r in runs["ytvis_fast"])
        speedup = med["reference"] / med["ytvis_fast"]
        memory = mem["ytvis_fast"] / mem["reference"]
        verdict = "identical stats" if same else "STATS DIFFER"
        print(f"{name:<12} ytvis_fast: {speedup:.1f}x as fast, {memory:.2f}x memory, {verdict}")
        failed |= not same
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
