"""The ``ccmm`` command (also ``python -m ccmm``).

Every subcommand takes ``--format text|json|markdown|html``, ``--lang en|zh`` and ``-o FILE``.
Exit status: 0 when all is well, 1 when a check or a gate fails (``check`` with a failing
principle, ``attainment`` not passed, ``evaluate --min-level`` not reached, …), 2 on bad input:
the [`ccmm.CCMMError`][] message is printed without a traceback (argparse usage errors are 2
as well). Run without arguments, ``ccmm`` evaluates the bundled example assessment. The full
reference is ``docs/cli.md``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from ccmm._errors import CCMMError
from ccmm.cli._common import (
    DEFAULT_DEMO_OUTPUT,
    EXIT_BAD_INPUT,
    EXIT_OK,
    FORMATS,
    Outcome,
)
from ccmm.cli._options import parse_service_target
from ccmm.cli._output import render, write_output
from ccmm.cli._parser import build_parser
from ccmm.cli._progress import Progress


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the ``ccmm`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        arguments = ["evaluate"]
        err.write("ccmm: no command given; evaluating the bundled example (see ccmm --help)\n")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err  # argparse prints help and usage errors to sys.*
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    finally:
        sys.stdout, sys.stderr = saved
    if args.command is None:
        parser.print_help(out)
        return EXIT_OK
    fmt = args.format or ("html" if args.command == "demo" else "text")
    output = args.output
    if args.command == "demo" and output is None:
        output = DEFAULT_DEMO_OUTPUT
    progress = Progress(err, enabled=not args.quiet)
    try:
        outcome: Outcome = args.handler(args, progress)
        if outcome.report is not None:
            write_output(render(outcome.report, fmt, args.lang), output, out)
        elif outcome.message is not None and fmt == "json":
            import json

            out.write(json.dumps({"message": outcome.message}, ensure_ascii=False) + "\n")
        elif outcome.message is not None:
            out.write(outcome.message + "\n")
        if outcome.report is not None and outcome.message is not None:
            err.write(f"ccmm {args.command}: {outcome.message}\n")
        if output is not None and outcome.report is not None:
            err.write(f"ccmm: wrote {output}\n")
    except CCMMError as exc:
        err.write(f"ccmm {args.command}: error: {exc}\n")
        return EXIT_BAD_INPUT
    return outcome.code


__all__ = [
    "DEFAULT_DEMO_OUTPUT",
    "FORMATS",
    "build_parser",
    "main",
    "parse_service_target",
    "render",
]
