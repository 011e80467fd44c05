"""What every subcommand shares: exit codes, the outcome it hands back, how it loads a standard."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ccmm.cli._progress import Progress

if TYPE_CHECKING:
    from ccmm.report import Report
    from ccmm.standard import Standard

FORMATS = ("text", "json", "markdown", "html")
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_DEMO_OUTPUT = "ccmm-report.html"


@dataclass(frozen=True)
class Outcome:
    """What a subcommand produced: a report to render (or a ready message) and its exit code."""

    report: Report | None
    code: int
    message: str | None = None
    wrote_file: bool = False  # the subcommand wrote -o FILE itself (``template``)


Handler = Callable[[argparse.Namespace, Progress], Outcome]


def load_standard_option(spec: str | None) -> Standard | None:
    """``--standard``: a shipped id, ``id:edition`` or a path; None for the default."""
    from ccmm._loader import load_standard

    if spec is None:
        return None
    if Path(spec).exists():
        return load_standard(spec)
    ident, _, edition = spec.partition(":")
    return load_standard(ident, edition or None)


__all__ = [
    "DEFAULT_DEMO_OUTPUT",
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_OK",
    "FORMATS",
    "Handler",
    "Outcome",
    "load_standard_option",
]
