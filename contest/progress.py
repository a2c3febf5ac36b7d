"""A progress bar for the command line: what `contest bank import` shows while
it reads a large file."""

from __future__ import annotations

import time
from typing import TextIO


class ProgressBar:
    """Call with (done, total); draws at most ten times a second, only on a
    terminal, and only when the work takes long enough to need it."""

    WIDTH = 30

    def __init__(self, stream: TextIO, *, label: str = "Đọc tệp") -> None:
        self._stream = stream
        self._label = label
        self._started = time.monotonic()
        self._drawn = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self._stream.isatty() or now - self._started < 0.5 or (now - self._drawn < 0.1 and done < total):
            return
        self._drawn = now
        self._shown = True
        filled = self.WIDTH * done // max(total, 1)
        percent = 100 * done // max(total, 1)
        self._stream.write(
            f"\r{self._label} [{'#' * filled}{' ' * (self.WIDTH - filled)}] {percent:3d}% {done}/{total}"
        )
        self._stream.flush()

    def close(self) -> None:
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()
