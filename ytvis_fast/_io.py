"""Reading JSON inputs and describing where they came from."""

from __future__ import annotations

import json
import os
from typing import Any, Union

PathLike = Union[str, "os.PathLike[str]"]


def is_path(obj: object) -> bool:
    return isinstance(obj, (str, os.PathLike))


def path_list(obj: object) -> list[str] | None:
    """The paths when `obj` is a non-empty list of files (results split into
    several files), else None."""
    if isinstance(obj, (list, tuple)) and obj and all(is_path(p) for p in obj):
        return [os.fspath(p) for p in obj]
    return None


def load_json(path: PathLike) -> Any:
    """Parses a JSON file; errors name the file and the position."""
    try:
        with open(path, "rb") as handle:
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{os.fspath(path)}: not valid JSON at line {error.lineno}, column {error.colno}: "
            f"{error.msg}"
        ) from None
