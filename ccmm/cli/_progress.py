"""A progress line on stderr for steps that take more than a couple of seconds, drawn by tqdm.

Nothing is written for a step that ends within ``delay`` seconds, so quick commands stay
silent. On a terminal, tqdm draws the line (rewritten in place, fitted to the terminal's width)
with the elapsed time, redrawn every ``every`` seconds; when stderr is not a terminal (a log, a
pipe) nothing at all is written and tqdm is not even imported. The steps (reading a table, a
check) report no fraction done, so the line shows the step and its elapsed time, not a bar
filling up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from ccmm._escape import one_line


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
        from tqdm import tqdm  # only on a terminal, only for the CLI

        text = f"ccmm: {one_line(label)}"
        done = threading.Event()

        def report() -> None:
            if done.wait(self._delay):
                return
            # total=None: the step has no known size, so tqdm shows the elapsed time alone.
            bar = tqdm(
                desc=text,
                total=None,
                file=self._stream,
                bar_format="{desc} {elapsed}",
                dynamic_ncols=True,
                leave=True,
                mininterval=0,
            )
            try:
                while not done.wait(self._every):
                    bar.refresh()
                bar.bar_format = "{desc}: done in {elapsed}"
                bar.refresh()
            finally:
                bar.close()

        thread = threading.Thread(target=report, name="ccmm-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()


__all__ = ["Progress"]
