"""A progress indicator on stderr for steps that take more than a couple of seconds.

Nothing is written for a step that ends within ``delay`` seconds, so quick commands stay
silent. On a terminal the line is rewritten in place with the elapsed seconds; when stderr is
not a terminal (a log, a pipe) nothing at all is written. The steps (reading a table, a check)
report no fraction done, so a ticking elapsed-time line is all a bar could show.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from ccmm._escape import one_line

_SPINNER = "|/-\\"


class Progress:
    """Reports long steps on ``stream``; ``enabled=False`` makes every step silent."""

    def __init__(
        self, stream: TextIO, *, enabled: bool = True, delay: float = 2.0, every: float = 0.5
    ) -> None:
        self._stream = stream
        self._enabled = enabled
        self._delay = delay
        self._every = every

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Run the body; if it is still running after ``delay`` seconds, say so until it ends."""
        interactive = bool(getattr(self._stream, "isatty", lambda: False)())
        if not self._enabled or not interactive:
            yield
            return
        label = one_line(label)
        start = time.monotonic()
        done = threading.Event()

        def report() -> None:
            if done.wait(self._delay):
                return
            turn = 0
            while True:
                elapsed = time.monotonic() - start
                spin = _SPINNER[turn % len(_SPINNER)]
                self._stream.write(f"\rccmm: {label} {spin} {elapsed:.0f} s")
                self._stream.flush()
                turn += 1
                if done.wait(self._every):
                    break
            elapsed = time.monotonic() - start
            self._stream.write(f"\rccmm: {label}: done in {elapsed:.1f} s\n")
            self._stream.flush()

        thread = threading.Thread(target=report, name="ccmm-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()


__all__ = ["Progress"]
