"""Reading JSON inputs and describing where they came from."""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Sequence
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


_RESULT_PLACE = re.compile(r"^<results>: result (\d+)")


def in_file(error: ValueError, files: Sequence[str], starts: Sequence[int]) -> ValueError:
    """The error with "<results>: result N" of results read from several files
    turned into "FILE: result n", `starts` being each file's first result."""
    message = str(error)
    match = _RESULT_PLACE.match(message)
    if not match:
        return error
    index = int(match.group(1))
    k = bisect.bisect_right(starts, index) - 1
    return type(error)(f"{files[k]}: result {index - starts[k]}{message[match.end() :]}")
