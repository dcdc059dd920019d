"""Work on a thread of its own, its outcome collected later."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Background"]


class Background:
    """Runs `function(*args)` on a thread of its own (a thread pool would cost its
    import, milliseconds of every fresh process)."""

    def __init__(self, name: str, function: Callable[..., Any], *args: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._value = function(*args)
            except BaseException as error:  # handed to result()
                self._error = error

        self._thread = threading.Thread(target=run, name=f"ytvis_fast-{name}", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> Any:
        """What the function returned; raises what it raised."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._value
