"""Where ytvis_fast's time goes, stage by stage, with one and with two threads.

    python benchmarks/stages.py ytvis19 [ovis ytvis19-100 ...] [--repeats 5]

Times the drop-in path in one process (medians over the repeats): ground-truth
ingest (`YTVOS(path)`), results ingest (`loadRes(path)`), IoU and matching
(`evaluate()`) and `accumulate()`. Each repeat frees the previous one's stores
first, so every repeat starts from the same memory.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("presets", nargs="+", help="data set presets (generate.py)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    import numpy  # noqa: F401

    numpy_done = time.perf_counter()
    import ytvis_fast
    from ytvis_fast.ytvoseval import YTVOSeval

    print(
        f"# import numpy {numpy_done - start:.3f} s, "
        f"import ytvis_fast {time.perf_counter() - numpy_done:.3f} s"
    )
    sys.path.insert(0, str(HERE))
    from conftest import dataset_files

    stages = ("gt ingest", "results ingest", "IoU + matching", "accumulate")
    print(f"{'data set':<12} {'threads':>7} " + " ".join(f"{s:>15}" for s in stages))
    for name in args.presets:
        gt_path, results_path = dataset_files(name)
        for threads in (1, 2):
            times: dict[str, list[float]] = {s: [] for s in stages}
            for _ in range(args.repeats):
                gc.collect()
                t0 = time.perf_counter()
                gt = ytvis_fast.YTVOS(gt_path, verbose=False, threads=threads)
                t1 = time.perf_counter()
                dt = gt.loadRes(results_path)
                t2 = time.perf_counter()
                evaluator = YTVOSeval(gt, dt, "segm", threads=threads, verbose=False)
                t3 = time.perf_counter()
                evaluator.evaluate()
                t4 = time.perf_counter()
                evaluator.accumulate()
                t5 = time.perf_counter()
                for stage, seconds in zip(stages, (t1 - t0, t2 - t1, t4 - t3, t5 - t4)):
                    times[stage].append(seconds)
                del gt, dt, evaluator
            cells = " ".join(f"{statistics.median(times[s]):>14.3f}s" for s in stages)
            print(f"{name:<12} {threads:>7} {cells}")


if __name__ == "__main__":
    main()
