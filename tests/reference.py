"""The real reference evaluator, loaded by path from the installed mmdet wheel.

mmdet 3.3.0 ships the official YouTube-VIS evaluator (youtubevos cocoapi fork) as
``mmdet/evaluation/functional/ytvis.py`` and ``ytviseval.py``. Importing
``mmdet`` itself needs mmcv, so the two files are loaded on their own. The
reference uses ``np.float``, gone since numpy 1.24: it is shimmed only while the
reference runs, so ytvis_fast never sees it.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _reference_modules() -> tuple[ModuleType, ModuleType]:
    spec = importlib.util.find_spec("mmdet")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the reference needs mmdet==3.3.0: pip install '.[test]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "evaluation" / "functional"
    return (
        _load("_ytvis_reference_api", folder / "ytvis.py"),
        _load("_ytvis_reference_eval", folder / "ytviseval.py"),
    )


REFERENCE_API, REFERENCE_EVAL = _reference_modules()


@contextlib.contextmanager
def numpy_float_shim() -> Iterator[None]:
    """Gives numpy back its `float` alias while the reference runs."""
    had = "float" in np.__dict__
    setattr(np, "float", float)  # noqa: B010 - the reference reads np.float
    try:
        yield
    finally:
        if not had:
            delattr(np, "float")


@dataclass
class Run:
    """Everything an evaluation produced, for comparison."""

    evaluator: Any
    stats: list[float]
    eval: dict[str, Any]
    eval_imgs: list[Any]
    ious: dict[Any, Any]
    summary_lines: list[str]


def run_pipeline(
    api_class: Any,
    eval_class: Any,
    gt: dict[str, Any],
    results: list[dict[str, Any]],
    *,
    iou_type: str = "segm",
    params: dict[str, Any] | None = None,
    accumulate_params: dict[str, Any] | None = None,
) -> Run:
    """gt -> loadRes -> evaluate -> accumulate -> summarize, on deep copies (the
    reference mutates its inputs), with the printed output captured."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        api = api_class(copy.deepcopy(gt))
        dt = api.loadRes(copy.deepcopy(results))
        evaluator = eval_class(api, dt, iou_type)
        for key, value in (params or {}).items():
            setattr(evaluator.params, key, copy.deepcopy(value))
        evaluator.evaluate()
        if accumulate_params is None:
            evaluator.accumulate()
        else:
            p = copy.deepcopy(evaluator.params)
            for key, value in accumulate_params.items():
                setattr(p, key, copy.deepcopy(value))
            evaluator.accumulate(p)
        if accumulate_params is None:
            # summarize() reads self.params, which no longer describes eval here.
            evaluator.summarize()
    lines = [line for line in out.getvalue().splitlines() if line.startswith(" Average")]
    return Run(
        evaluator=evaluator,
        stats=list(evaluator.stats),
        eval=evaluator.eval,
        eval_imgs=evaluator.evalImgs,
        ious=evaluator.ious,
        summary_lines=lines,
    )


def run_reference(gt: dict[str, Any], results: list[dict[str, Any]], **kwargs: Any) -> Run:
    with numpy_float_shim():
        return run_pipeline(REFERENCE_API.YTVIS, REFERENCE_EVAL.YTVISeval, gt, results, **kwargs)
