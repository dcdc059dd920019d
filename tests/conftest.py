"""Test set-up: the tests must exercise the installed, compiled package."""

from __future__ import annotations

import sys
from pathlib import Path

# Helpers (reference.py, synth.py) live beside the tests; --import-mode=importlib
# does not put this folder on sys.path by itself.
sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure() -> None:
    try:
        from ytvis_fast import _core
    except ImportError as error:  # pragma: no cover - a broken install
        raise RuntimeError(
            "ytvis_fast's compiled extension is not importable: install the package "
            "(pip install '.[test]') before running the tests"
        ) from error
    assert Path(_core.__file__).suffix in {".so", ".pyd"}
