"""Command line: ``ytvis-fast GT.json RESULTS.json`` or ``ytvis-fast --demo``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from . import __version__
from .evaluation import evaluate
from .metrics import report_lines
from .result import EvalResult

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ytvis-fast",
        description="Evaluate YouTube-VIS / OVIS video instance segmentation results "
        "(AP/AR with spatio-temporal IoU, identical to the official evaluator).",
    )
    parser.add_argument("gt", nargs="?", help="ground-truth JSON (videos, categories, annotations)")
    parser.add_argument("results", nargs="?", help="results JSON (a list of predictions)")
    parser.add_argument(
        "--demo", action="store_true", help="evaluate the sample shipped with the package"
    )
    parser.add_argument("--iou-type", choices=("segm", "bbox"), default="segm")
    parser.add_argument(
        "--threads", type=int, default=None, help="worker threads (default: all cores)"
    )
    parser.add_argument(
        "--metrics",
        default="ap",
        help="comma-separated: ap, occlusion (OVIS), hota (HOTA, CLEAR, IDF1), errors "
        "(dAP per error type), length (by video length); default ap",
    )
    parser.add_argument(
        "--length-edges",
        default="16,32",
        help="video-length class edges in frames for --metrics length (default 16,32)",
    )
    parser.add_argument("--json", metavar="OUT", help="write all figures as JSON to OUT")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _demo_files() -> tuple[Path, Path]:
    data = resources.files("ytvis_fast") / "data"
    return Path(str(data / "demo_gt.json")), Path(str(data / "demo_results.json"))


def _category_table(result: EvalResult) -> list[str]:
    rows = sorted(result.per_category.items(), key=lambda item: -item[1]["AP"])
    width = max([len(str(v["name"])) for _, v in rows] + [8])
    lines = [f"{'category':<{width}}  {'AP':>6}  {'AP50':>6}  {'AP75':>6}  {'AR':>6}"]
    for _, figures in rows:
        cells = "  ".join(f"{figures[k]:6.3f}" for k in ("AP", "AP50", "AP75", "AR"))
        lines.append(f"{figures['name']:<{width}}  {cells}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.demo:
        gt, results = _demo_files()
    elif args.gt and args.results:
        gt, results = Path(args.gt), Path(args.results)
    else:
        _parser().print_usage(sys.stderr)
        print("ytvis-fast: error: give GT.json and RESULTS.json, or --demo", file=sys.stderr)
        return 2
    try:
        edges = [int(e) for e in args.length_edges.split(",") if e.strip()]
        result = evaluate(
            gt,
            results,
            args.iou_type,
            threads=args.threads,
            metrics=args.metrics,
            length_edges=edges,
        )
    except (OSError, ValueError, TypeError, KeyError, IndexError) as error:
        print(f"ytvis-fast: error: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        if args.demo:
            print(f"Demo: {gt.name} against {results.name} (shipped with ytvis_fast)")
        print("\n".join(result.summary_lines()))
        print()
        print("\n".join(_category_table(result)))
        extra = report_lines(result)
        if extra:
            print("\n".join(extra))
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), indent=2) + "\n")
    return 0
