"""Rendering a report in the chosen format and writing it to stdout or ``-o FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ccmm._errors import InputDataError

if TYPE_CHECKING:
    from ccmm.report import Report
    from ccmm.report._labels import Lang


def render(report: Report, fmt: str, lang: str) -> str:
    """``report`` rendered in ``fmt`` (one of `FORMATS`) and ``lang``."""
    from ccmm.report import render_html, render_json, render_markdown, render_text

    language: Lang = "zh" if lang == "zh" else "en"
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report, language)
    if fmt == "html":
        return render_html(report, language)
    return render_text(report, language)


def write_output(text: str, output: str | None, stdout: TextIO) -> None:
    if output is None:
        stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputDataError(f"{output}: cannot write: {exc}") from None


__all__ = ["render", "write_output"]
