"""The ``ccmm`` command (also ``python -m ccmm``).

Every subcommand takes ``--format text|json|markdown|html``, ``--lang en|zh`` and ``-o FILE``.
Exit status: 0 when all is well, 1 when a check or a gate fails (``check`` with a failing
principle, ``attainment`` not passed, ``evaluate --min-level`` not reached, …), 2 on bad input:
the [`ccmm.CCMMError`][] message is printed without a traceback (argparse usage errors are 2
as well). Run without arguments, ``ccmm`` evaluates the bundled example assessment. The full
reference is ``docs/cli.md``.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ccmm._errors import CCMMError, InputDataError
from ccmm._escape import (
    bounded,
    drop_controls,
    json_controls_escaped,
    markdown_inline,
    one_line,
)
from ccmm._guard import checked_arguments
from ccmm._text import quote
from ccmm.cli._common import (
    DEFAULT_DEMO_OUTPUT,
    EXIT_BAD_INPUT,
    EXIT_OK,
    FORMATS,
    Outcome,
)
from ccmm.cli._demo import demo_summary
from ccmm.cli._options import parse_service_target
from ccmm.cli._output import check_output_path, output_format, render, write_output
from ccmm.cli._parser import build_parser
from ccmm.cli._progress import Progress

# Library messages that name a Python argument, as the command line says it.
_PYTHON_TO_FLAG = (
    ("pass allow_missing=True", "use --allow-missing"),
    ("allow_missing=True", "--allow-missing"),
    ("max_failures", "--max-failures"),
    # attainment's entity: the command line's --entity takes LEVEL:ID (or never an id alone).
    ("pass entity=<entity_id> or entity=(entity_level, entity_id)", "use --entity LEVEL:ID"),
    ("pass entity=(entity_level, entity_id)", "use --entity LEVEL:ID"),
    ("window_months", "--window-months"),
    ("min_level", "--min-level"),
)


def cli_message(error: CCMMError) -> str:
    """The one line the command prints for ``error``: CLI flags for Python names, no controls."""
    text = str(error)
    for python, flag in _PYTHON_TO_FLAG:
        text = text.replace(python, flag)
    return bounded(one_line(text))


def _tolerant(stream: TextIO) -> TextIO:
    """``stream`` set to escape what its encoding cannot hold (``PYTHONIOENCODING=ascii``)."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        # A closed or detached stream is left alone.
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="backslashreplace")
    return stream


@checked_arguments
def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the ``ccmm`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    out = stdout if stdout is not None else _tolerant(sys.stdout)
    err = stderr if stderr is not None else _tolerant(sys.stderr)
    parser = build_parser()
    if isinstance(argv, str) or (
        argv is not None and not all(isinstance(a, str) for a in argv)
    ):  # a program's mistake, not a user's: said before argparse fails on it
        raise InputDataError(
            f"main(): argv must be a list of strings (the command's words), got {quote(argv)}"
        )
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
    output = args.output
    if args.command == "demo" and output is None and args.format in (None, "html"):
        output = DEFAULT_DEMO_OUTPUT
    progress = Progress(err, enabled=not args.quiet)
    try:
        fmt = output_format(args.format, output, "html" if args.command == "demo" else "text")
        if output is not None:
            check_output_path(output, force=args.force)
        outcome: Outcome = args.handler(args, progress)
        if outcome.report is not None:
            text = render(outcome.report, fmt, args.lang)
            write_output(text, output, out, force=args.force)
        elif outcome.message is not None and fmt == "json":
            import json

            message = json.dumps({"message": outcome.message}, ensure_ascii=False)
            out.write(json_controls_escaped(message) + "\n")
        elif outcome.message is not None and fmt == "html":
            from html import escape

            out.write(f"<p>{escape(one_line(outcome.message))}</p>\n")
        elif outcome.message is not None and fmt == "markdown":
            out.write(markdown_inline(outcome.message) + "\n")
        elif outcome.message is not None:
            out.write(drop_controls(outcome.message) + "\n")
        if outcome.report is not None and outcome.message is not None:
            err.write(f"ccmm {args.command}: {one_line(outcome.message)}\n")
        if output is not None and outcome.report is not None:
            if args.command == "demo":
                out.write(demo_summary(outcome.report, Path(output), args.lang))
            else:
                err.write(f"ccmm: wrote {one_line(output)}\n")
    except CCMMError as exc:
        err.write(f"ccmm {args.command}: error: {cli_message(exc)}\n")
        return EXIT_BAD_INPUT
    except OSError as exc:  # a file named on the command line cannot be read or written
        name = f"{one_line(str(exc.filename))}: " if exc.filename else ""
        err.write(f"ccmm {args.command}: error: {name}{one_line(exc.strerror or str(exc))}\n")
        return EXIT_BAD_INPUT
    return outcome.code


__all__ = [
    "DEFAULT_DEMO_OUTPUT",
    "FORMATS",
    "build_parser",
    "cli_message",
    "main",
    "parse_service_target",
    "render",
]


def __dir__() -> list[str]:
    return list(__all__)
