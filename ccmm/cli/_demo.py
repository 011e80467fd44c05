"""``demo``: the whole story on the bundled examples, as one report."""

from __future__ import annotations

import argparse

from ccmm.cli._common import EXIT_OK, Outcome
from ccmm.cli._progress import Progress


def cmd_demo(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm.report import demo_report

    with progress.step("running the demo on the bundled examples"):
        report = demo_report()
    return Outcome(report, EXIT_OK)


__all__ = ["cmd_demo"]
