"""Command line: ``ytvis-fast GT.json RESULTS.json [MORE_RESULTS.json ...]`` or
``ytvis-fast --demo``.

Prints the reference's 12 summary lines and a per-category table; ``--json``
writes every figure, ``--plot`` draws precision-recall curves. Any error is one
line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Callable, NoReturn

from . import __version__
from .checks import check_max_dets
from .evaluation import STAGES, evaluate
from .metrics import report_lines
from .result import EvalResult

__all__ = ["main"]

PROG = "ytvis-fast"


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _id_list(text: str) -> list[int]:
    try:
        values = [int(item) for item in text.split(",") if item.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one integer")
    return values


def _max_dets(text: str) -> list[int]:
    try:
        return check_max_dets(_id_list(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected three increasing positive integers (like 1,10,100), got {text!r}"
        ) from None


def _threads(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Evaluate YouTube-VIS / OVIS video instance segmentation results "
        "(AP/AR with spatio-temporal IoU, identical to the official evaluator).",
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="ground-truth JSON, then one or more results JSON files (evaluated as one list)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="evaluate the sample shipped with the package"
    )
    parser.add_argument("--iou-type", choices=("segm", "bbox"), default="segm")
    parser.add_argument(
        "--threads", type=_threads, default=None, help="worker threads (default: all cores)"
    )
    parser.add_argument(
        "--max-dets", type=_max_dets, default=None, metavar="A,B,C", help="default: 1,10,100"
    )
    parser.add_argument(
        "--categories", type=_id_list, default=None, metavar="IDS", help="evaluate these only"
    )
    parser.add_argument(
        "--videos", type=_id_list, default=None, metavar="IDS", help="evaluate these only"
    )
    parser.add_argument(
        "--metrics",
        default="ap",
        help="comma-separated: ap, occlusion (OVIS), hota (HOTA, CLEAR, IDF1), errors "
        "(dAP per error type), length (by video length); default ap",
    )
    parser.add_argument(
        "--length-edges",
        type=_id_list,
        default=[16, 32],
        metavar="A,B",
        help="video-length class edges in frames for --metrics length (default 16,32)",
    )
    parser.add_argument("--json", metavar="OUT", help="write all figures as JSON to OUT")
    parser.add_argument(
        "--plot",
        metavar="OUT.png",
        help="draw precision-recall curves and per-category AP (needs matplotlib)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing but errors, no progress bar"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _demo_files() -> tuple[Path, Path]:
    data = resources.files("ytvis_fast") / "data"
    return Path(str(data / "demo_gt.json")), Path(str(data / "demo_results.json"))


def _cell(value: float) -> str:
    return f"{value:6.3f}" if value > -1 else f"{'-':>6}"


def category_table(result: EvalResult) -> list[str]:
    """Per-category AP, AP50, AP75, AR10 and instance counts, best AP first;
    categories without ground truth (AP undefined, shown as -) come last."""
    rows = sorted(
        result.per_category.values(), key=lambda f: (f["AP"] <= -1, -f["AP"], str(f["name"]))
    )
    max_dets = result.params.get("maxDets", [1, 10, 100])
    recall_label = f"AR{max_dets[1] if len(max_dets) > 1 else max_dets[-1]}"
    width = max([len(str(f["name"])) for f in rows] + [len("category")])
    counts = [str(f.get(key, "")) for f in rows for key in ("num_gt", "num_predictions")]
    count_width = max([len(c) for c in counts] + [len("preds")])
    header = (
        f"{'category':<{width}}  {'AP':>6}  {'AP50':>6}  {'AP75':>6}  {recall_label:>6}  "
        f"{'GT':>{count_width}}  {'preds':>{count_width}}"
    )
    lines = [header, "-" * len(header)]
    for f in rows:
        cells = "  ".join(_cell(f[k]) for k in ("AP", "AP50", "AP75", "AR10"))
        gt_count, dt_count = f.get("num_gt", ""), f.get("num_predictions", "")
        lines.append(
            f"{f['name']:<{width}}  {cells}  {gt_count:>{count_width}}  {dt_count:>{count_width}}"
        )
    return lines


def _describe_file(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def report(result: EvalResult, gt: Path, results: Sequence[Path]) -> dict[str, Any]:
    """Everything --json writes: the figures, the version, the inputs."""
    out = result.to_dict()
    out["version"] = __version__
    out["inputs"] = {
        "ground_truth": _describe_file(gt),
        "results": [_describe_file(path) for path in results],
    }
    return out


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    """A stage progress bar on stderr, shown only once work lasts over a second."""
    from tqdm import tqdm

    bar = tqdm(
        total=len(STAGES),
        file=sys.stderr,
        disable=not enabled,
        delay=1.0,
        leave=False,
        bar_format="{desc:<20} {bar} {n_fmt}/{total_fmt} [{elapsed}]",
    )
    started = False

    def step(stage: str) -> None:
        nonlocal started
        if started:
            bar.update(1)
        started = True
        bar.set_description_str(stage)

    try:
        yield step
    finally:
        bar.close()


class _UsageError(Exception):
    """A usage mistake found after parsing; reported like argparse's own."""


@contextmanager
def _warnings_to_stderr(quiet: bool) -> Iterator[None]:
    """The library's logged warnings (ytvis_fast logger) as one line each on
    stderr while the command runs; none with --quiet."""
    logger = logging.getLogger("ytvis_fast")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{PROG}: %(levelname)s: %(message)s"))
    handler.setLevel(logging.ERROR if quiet else logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _run(args: argparse.Namespace) -> int:
    if args.demo:
        if args.files:
            raise _UsageError("--demo takes no files")
        gt, *results = _demo_files()
    elif len(args.files) >= 2:
        gt, *results = (Path(f) for f in args.files)
    else:
        raise _UsageError("give GT.json and at least one RESULTS.json, or --demo")
    if args.plot:
        from .plot import require_matplotlib

        require_matplotlib()  # before the work, not after it
    show_progress = not args.quiet and sys.stderr.isatty()
    with _progress(show_progress) as step:
        result = evaluate(
            gt,
            results[0] if len(results) == 1 else results,
            args.iou_type,
            threads=args.threads,
            max_dets=args.max_dets,
            video_ids=args.videos,
            category_ids=args.categories,
            progress=step,
            metrics=args.metrics,
            length_edges=args.length_edges,
        )
    if not args.quiet:
        if args.demo:
            print(f"Demo: {gt.name} against {results[0].name} (shipped with ytvis_fast)")
        print("\n".join(result.summary_lines()))
        print()
        print("\n".join(category_table(result)))
        extra = report_lines(result)
        if extra:
            print("\n".join(extra))
    if args.json:
        text = json.dumps(report(result, gt, results), indent=2, allow_nan=False)
        Path(args.json).write_text(text + "\n")
    if args.plot:
        from .plot import save_plot

        save_plot(result, args.plot)
        _save_metric_plots(result, Path(args.plot))
    return 0


def _save_metric_plots(result: EvalResult, path: Path) -> None:
    """Beside the --plot image: the error breakdown and the HOTA curves, when computed."""
    if result.errors is not None:
        from .errors import plot_errors

        plot_errors(result.errors, str(path.with_name(f"{path.stem}_errors{path.suffix}")))
    if result.association is not None:
        from .association import plot_hota

        plot_hota(result.association, str(path.with_name(f"{path.stem}_hota{path.suffix}")))


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status (0, 1 on bad input, 2 on bad usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        with _warnings_to_stderr(args.quiet):
            return _run(args)
    except _UsageError as error:
        parser.error(str(error))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`ytvis-fast ... | head`): stop quietly, as Unix tools do,
        # and keep Python from complaining while flushing stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (OSError, ValueError, TypeError, KeyError, IndexError, ImportError) as error:
        print(f"{PROG}: error: {_one_line(error)}", file=sys.stderr)
        return 1
    except Exception as error:  # a bug of ours: still one line, but say so
        print(
            f"{PROG}: internal error ({type(error).__name__}): {_one_line(error)}", file=sys.stderr
        )
        return 1
