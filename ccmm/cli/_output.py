"""Rendering a report in the chosen format and writing it to stdout or ``-o FILE``.

Files are written whole or not at all: the text goes to a temporary file in the same directory,
which then replaces FILE (``os.replace``), so a crash or a full disk never leaves half a report.
``-o`` onto a symbolic link is refused unless ``--force`` (then the link itself is replaced, never
the file it points to). Whatever the format, control characters from the user's data are dropped
before anything reaches a terminal or a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ccmm._errors import InputDataError
from ccmm._escape import drop_controls, json_controls_escaped, one_line
from ccmm._guard import checked_arguments

if TYPE_CHECKING:
    from ccmm.report import Report
    from ccmm.report._labels import Lang

HTML_SUFFIXES = (".html", ".htm")
# The format -o FILE implies when --format is not given.
FORMAT_OF_SUFFIX = {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json"}


@checked_arguments
def render(report: Report, fmt: str, lang: str) -> str:
    """``report`` rendered in ``fmt`` (one of `FORMATS`) and ``lang``."""
    from ccmm.report import render_html, render_json, render_markdown, render_text

    language: Lang = "zh" if lang == "zh" else "en"
    if fmt == "json":
        return json_controls_escaped(render_json(report))
    if fmt == "markdown":
        return drop_controls(render_markdown(report, language))
    if fmt == "html":
        return drop_controls(render_html(report, language))
    return drop_controls(render_text(report, language))


def output_format(fmt: str | None, output: str | None, default: str) -> str:
    """The format to write: ``--format``, else the one ``-o FILE``'s suffix names, else default.

    Non-HTML never goes into an ``.html`` file: that is refused as bad input.
    """
    suffix = Path(output).suffix.lower() if output is not None else ""
    chosen = fmt or FORMAT_OF_SUFFIX.get(suffix, default)
    if suffix in HTML_SUFFIXES and chosen != "html":
        raise InputDataError(
            f"-o {one_line(str(output))}: --format {chosen} is not HTML; "
            f"use a file name ending in .md, .txt or .json, or --format html"
        )
    return chosen


def check_output_path(output: str, *, force: bool) -> Path:
    """``-o FILE`` as a path, refusing a symbolic link unless ``force``."""
    path = Path(output)
    if path.is_symlink() and not force:
        raise InputDataError(
            f"-o {one_line(output)}: is a symbolic link; refusing to write through it "
            f"(use --force to replace the link itself)"
        )
    if path.exists() and not path.is_symlink() and not path.is_file():
        raise InputDataError(f"-o {one_line(output)}: is not a regular file")
    return path


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then move it onto ``path``."""
    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=folder
        )
    except OSError as exc:
        raise InputDataError(f"{path}: cannot write: {exc.strerror or exc}") from None
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_output(text: str, output: str | None, stdout: TextIO, *, force: bool = False) -> None:
    """``text`` to ``stdout``, or atomically to the file ``output``."""
    if output is None:
        stdout.write(text)
        return
    path = check_output_path(output, force=force)
    try:
        write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    except OSError as exc:
        raise InputDataError(f"{one_line(output)}: cannot write: {exc.strerror or exc}") from None


__all__ = [
    "FORMAT_OF_SUFFIX",
    "check_output_path",
    "output_format",
    "render",
    "write_atomically",
    "write_output",
]
