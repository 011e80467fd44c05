"""Inline SVG charts: no scripts, no external fonts or files, deterministic text output.

Coordinates are rounded to 0.1 px so that the same data always gives byte-identical SVG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

C_COLOUR = "#1f5fa8"
F_COLOUR = "#d4700a"
PASS_COLOUR = "#2e7d32"
HOLD_COLOUR = "#9e9d24"
FAIL_COLOUR = "#c62828"
GRID_COLOUR = "#c8c8c8"


def _n(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def radar(
    axes: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    title: str,
    size: int = 340,
) -> str:
    """A radar chart: one axis per label, values in [0, 1]; ``series`` is (name, colour, values).

    With fewer than three axes a radar is not a shape, so bars are drawn instead.
    """
    if len(axes) < 3:
        return bars(axes, series, title=title)
    cx = cy = size / 2
    radius = size / 2 - 48
    n = len(axes)

    def point(k: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * k / n
        r = radius * max(0.0, min(1.0, value))
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ccmm-chart radar" role="img" '
        f'width="{size}" height="{size}" viewBox="0 0 {size} {size}">',
        f"<title>{escape(title)}</title>",
    ]
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(k, ring) for k in range(n)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="{GRID_COLOUR}"/>')
    for k, name in enumerate(axes):
        x, y = point(k, 1.0)
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{GRID_COLOUR}"/>'
        )
        lx, ly = point(k, 1.17)
        anchor = "middle" if abs(lx - cx) < 1 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{_n(lx)}" y="{_n(ly + 4)}" text-anchor="{anchor}" '
            f'font-size="12">{escape(name)}</text>'
        )
    for k, (name, colour, values) in enumerate(series):
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(j, v) for j, v in enumerate(values)))
        parts.append(
            f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.15" stroke="{colour}" '
            f'stroke-width="2"><title>{escape(name)}</title></polygon>'
        )
        parts.append(
            f'<rect x="8" y="{8 + 18 * k}" width="12" height="12" fill="{colour}"/>'
            f'<text x="26" y="{18 + 18 * k}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    title: str,
    width: int = 340,
) -> str:
    """Horizontal bars, values in [0, 1], one group of bars per label."""
    row = 14 * max(1, len(series)) + 10
    height = 20 + row * len(labels)
    left = 60
    span = width - left - 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ccmm-chart bars" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, name in enumerate(labels):
        y0 = 10 + i * row
        parts.append(f'<text x="4" y="{y0 + 12}" font-size="12">{escape(name)}</text>')
        for k, (sname, colour, values) in enumerate(series):
            v = max(0.0, min(1.0, values[i]))
            parts.append(
                f'<rect x="{left}" y="{y0 + 14 * k}" width="{_n(span * v)}" height="12" '
                f'fill="{colour}"><title>{escape(sname)}: {v:.0%}</title></rect>'
            )
    parts.append("</svg>")
    return "".join(parts)


def ladder(rungs: Sequence[tuple[str, str, str]], *, title: str, width: int = 340) -> str:
    """A level ladder, highest level on top; ``rungs`` are (label, detail, state) from level 1
    upwards, state one of ``reached``, ``holds``, ``not_met``."""
    colours = {"reached": PASS_COLOUR, "holds": HOLD_COLOUR, "not_met": FAIL_COLOUR}
    rung = 40
    height = 10 + rung * len(rungs)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ccmm-chart ladder" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="14" y1="4" x2="14" y2="{height - 4}" stroke="#777" stroke-width="3"/>',
        f'<line x1="{width - 14}" y1="4" x2="{width - 14}" y2="{height - 4}" stroke="#777" '
        'stroke-width="3"/>',
    ]
    for k, (name, detail, state) in enumerate(reversed(rungs)):
        y = 6 + k * rung
        colour = colours[state]
        opacity = "1" if state == "reached" else "0.25"
        parts.append(
            f'<rect x="20" y="{y}" width="{width - 40}" height="{rung - 8}" rx="4" '
            f'fill="{colour}" fill-opacity="{opacity}" stroke="{colour}"/>'
        )
        ink = "#fff" if state == "reached" else "#222"
        parts.append(
            f'<text x="30" y="{y + 20}" font-size="13" font-weight="bold" fill="{ink}">'
            f"{escape(name)}</text>"
            f'<text x="{width - 30}" y="{y + 20}" font-size="12" text-anchor="end" '
            f'fill="{ink}">{escape(detail)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(
    values: Sequence[float | None],
    *,
    title: str,
    reference: float | None = None,
    width: int = 120,
    height: int = 28,
    colour: str = C_COLOUR,
) -> str:
    """A small line of ``values`` in order (None leaves a gap); ``reference`` is drawn dashed."""
    known = [v for v in values if v is not None and math.isfinite(v)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ccmm-chart spark" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    if not known:
        parts.append("</svg>")
        return "".join(parts)
    scale_values = [*known, *([reference] if reference is not None else [])]
    low, high = min(scale_values), max(scale_values)
    if high == low:
        low, high = low - 1.0, high + 1.0
    pad = 4.0
    n = len(values)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        y = height - pad - (height - 2 * pad) * (v - low) / (high - low)
        return x, y

    if reference is not None:
        _, ry = xy(0, reference)
        parts.append(
            f'<line x1="{_n(pad)}" y1="{_n(ry)}" x2="{_n(width - pad)}" y2="{_n(ry)}" '
            f'stroke="#888" stroke-dasharray="3,2"/>'
        )
    run: list[str] = []
    runs: list[list[str]] = []
    last: tuple[float, float] | None = None
    for i, v in enumerate(values):
        if v is None or not math.isfinite(v):
            if run:
                runs.append(run)
            run = []
            continue
        last = xy(i, v)
        run.append(f"{_n(last[0])},{_n(last[1])}")
    if run:
        runs.append(run)
    for r in runs:
        parts.append(
            f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
        )
    if last is not None:
        parts.append(f'<circle cx="{_n(last[0])}" cy="{_n(last[1])}" r="2.5" fill="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["bars", "ladder", "radar", "sparkline"]
