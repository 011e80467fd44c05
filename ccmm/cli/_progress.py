"""A plain progress indicator on stderr for steps that take more than a couple of seconds.

Nothing is written for a step that ends within ``delay`` seconds, so quick commands stay
silent. On a terminal the line is rewritten in place with the elapsed seconds; elsewhere (a log,
a pipe) one line says the step is running and one says when it ended.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

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
        if not self._enabled:
            yield
            return
        start = time.monotonic()
        done = threading.Event()
        interactive = bool(getattr(self._stream, "isatty", lambda: False)())

        def report() -> None:
            if done.wait(self._delay):
                return
            if not interactive:
                self._stream.write(f"ccmm: {label} …\n")
                self._stream.flush()
            turn = 0
            while interactive:
                elapsed = time.monotonic() - start
                spin = _SPINNER[turn % len(_SPINNER)]
                self._stream.write(f"\rccmm: {label} {spin} {elapsed:.0f} s")
                self._stream.flush()
                turn += 1
                if done.wait(self._every):
                    break
            if not interactive:
                done.wait()
            elapsed = time.monotonic() - start
            lead = "\r" if interactive else ""
            self._stream.write(f"{lead}ccmm: {label}: done in {elapsed:.1f} s\n")
            self._stream.flush()

        thread = threading.Thread(target=report, name="ccmm-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()


__all__ = ["Progress"]
