"""Access to the compiled core, with a helpful message when it is missing."""

from __future__ import annotations

try:
    from . import _core
except ImportError as error:  # pragma: no cover - only without a build
    raise ImportError(
        "ytvis_fast's compiled extension (ytvis_fast._core) could not be imported. "
        "Install the package with `pip install .` (or `pip install ytvis_fast`) rather than "
        "importing the source folder."
    ) from error

__all__ = ["_core"]
