"""Inline SVG charts: no scripts, no external fonts or files, deterministic text output.

Coordinates are rounded to 0.1 px so that the same data always gives byte-identical SVG.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ccmm.report._clean import esc as escape

C_COLOUR = "#1f5fa8"
F_COLOUR = "#d4700a"
PASS_COLOUR = "#2e7d32"
HOLD_COLOUR = "#9e9d24"
FAIL_COLOUR = "#c62828"
GRID_COLOUR = "#c8c8c8"


def _n(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _wrap(text: str, width: int) -> list[str]:
    """Split a label into lines of at most ``width`` characters at spaces (CJK text, which has
    no spaces, is cut every ``width // 2`` characters)."""
    if " " not in text:
        step = max(1, width // 2) if any(ord(ch) > 0x2E80 for ch in text) else width
        return [text[k : k + step] for k in range(0, len(text), step)] or [""]
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _svg_open(kind: str, width: float, height: float, title: str, label: str = "") -> str:
    aria = f' aria-label="{escape(label or title)}"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ccmm-chart {kind}" role="img"{aria} '
        f'width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}">'
        f"<title>{escape(title)}</title>"
    )


def radar(
    axes: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    title: str,
    size: int = 440,
) -> str:
    """A radar chart: one axis per label, values in [0, 1]; ``series`` is (name, colour, values).

    Axis labels are wrapped onto short lines; the rings are labelled 25 %, 50 %, 75 % and 100 %
    along the first axis. With fewer than three axes a radar is not a shape, so bars are drawn.
    """
    if len(axes) < 3:
        return bars(axes, series, title=title)
    width, height = size + 120, size - 20
    cx, cy = width / 2, height / 2 + 12
    radius = size / 2 - 72
    n = len(axes)

    def point(k: int, value: float) -> tuple[float, float]:
        return at(k, radius * max(0.0, min(1.0, value)))

    def at(k: int, distance: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * k / n
        return cx + distance * math.cos(angle), cy + distance * math.sin(angle)

    parts = [_svg_open("radar", width, height, title)]
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(k, ring) for k in range(n)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="{GRID_COLOUR}"/>')
    for k, name in enumerate(axes):
        x, y = point(k, 1.0)
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{GRID_COLOUR}"/>'
        )
        lx, ly = at(k, radius + 14)  # labels sit outside the 100 % ring
        anchor = "middle" if abs(lx - cx) < 1 else ("start" if lx > cx else "end")
        lines = _wrap(name, 16)
        top = ly + 4 - (16 * (len(lines) - 1) if ly < cy - 1 else 0)
        if abs(ly - cy) <= 1:
            top = ly + 4 - 8 * (len(lines) - 1)
        spans = "".join(
            f'<tspan x="{_n(lx)}" y="{_n(top + 16 * j)}">{escape(line)}</tspan>'
            for j, line in enumerate(lines)
        )
        parts.append(
            f'<text class="axis-label" text-anchor="{anchor}" font-size="14">{spans}</text>'
        )
    for ring in (0.25, 0.5, 0.75, 1.0):
        _, ry = point(0, ring)
        parts.append(
            f'<text class="scale" x="{_n(cx - 3)}" y="{_n(ry + 11)}" font-size="10" '
            f'text-anchor="end" fill="#666">{round(ring * 100)}%</text>'
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
    parts = [_svg_open("bars", width, height, title)]
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
        _svg_open("ladder", width, height, title),
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
    parts = [_svg_open("spark", width, height, title)]
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


def _nice_top(high: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``high`` (> 0)."""
    exponent = math.floor(math.log10(high))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        top = step * 10.0**exponent
        if top >= high * (1 - 1e-12):
            return top
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop ends at 10 × 10^k


def _axis(low: float, high: float) -> tuple[float, float, float]:
    """(bottom, top, step) of a value axis with 3 to 6 gridlines that shows ``low``..``high``:
    from 0 unless every value lies in the upper half, and never above 100 % for shares."""
    if high <= 0:
        return 0.0, 1.0, 0.25
    bottom = 0.0 if low < high / 2 else low
    step = _nice_top(max(high - bottom, high * 0.05) / 4)
    bottom = math.floor(bottom / step + 1e-9) * step
    if bottom > 0 and low - bottom < step * 0.3:
        bottom = max(0.0, bottom - step)
    top = bottom + step
    while top < high * 1.02 and not (top >= 1.0 >= high and high > 0.9):
        top += step
    return round(bottom, 12), round(top, 12), step


def line_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    fmt: Callable[[float], str],
    target: tuple[str, float] | None = None,
    references: Sequence[tuple[str, float]] = (),
    width: int = 480,
    height: int = 230,
    colour: str = C_COLOUR,
) -> str:
    """A value per label (days) as a line with labelled points, on an axis from 0 with four
    gridlines; ``target`` is drawn as a solid red line, each reference as a dotted grey line,
    both named at the right edge. None leaves a gap."""
    known = [v for v in values if v is not None and math.isfinite(v)]
    levels = [*known, *([target[1]] if target else []), *(v for _, v in references)]
    levels = [v for v in levels if math.isfinite(v)]
    bottom, top, step = _axis(min(levels, default=0.0), max(levels, default=1.0))
    left, right, upper, lower = 52, 150, 16, 40
    span_x = width - left - right
    span_y = height - upper - lower
    n = len(labels)

    def x_of(i: int) -> float:
        return left + span_x * ((i + 0.5) / n if n else 0.5)

    def y_of(v: float) -> float:
        return upper + span_y * (1 - (max(bottom, min(v, top)) - bottom) / (top - bottom))

    parts = [_svg_open("line", width, height, title)]
    for k in range(round((top - bottom) / step) + 1):
        v = bottom + step * k
        y = y_of(v)
        parts.append(
            f'<line x1="{left}" y1="{_n(y)}" x2="{width - right}" y2="{_n(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.6"/>'
            f'<text x="{left - 4}" y="{_n(y + 4)}" font-size="11" text-anchor="end" '
            f'fill="#555">{escape(fmt(v))}</text>'
        )
    every = max(1, math.ceil(n / 8))
    for i, name in enumerate(labels):
        if i % every == 0:
            parts.append(
                f'<text x="{_n(x_of(i))}" y="{height - lower + 16}" font-size="11" '
                f'text-anchor="middle" fill="#555">{escape(name)}</text>'
            )
    marks = [(name, value, "#777", "2,3") for name, value in references]
    if target is not None:
        marks.append((target[0], target[1], FAIL_COLOUR, ""))
    placed: list[float] = []
    for name, value, ink, dash in marks:
        y = y_of(value)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line class="reference" x1="{left}" y1="{_n(y)}" x2="{width - right}" '
            f'y2="{_n(y)}" stroke="{ink}" stroke-width="1.3"{dashes}>'
            f"<title>{escape(name)}: {escape(fmt(value))}</title></line>"
        )
        ty = y + 4
        while any(abs(ty - p) < 12 for p in placed):
            ty += 12
        placed.append(ty)
        wide = any(ord(ch) > 0x2E80 for ch in name)
        room = 11 if wide else 22
        short = name if len(name) <= room else name[: room - 1].rstrip(" ,") + "…"
        parts.append(
            f'<text x="{width - right + 4}" y="{_n(ty)}" font-size="10" fill="{ink}">'
            f"{escape(fmt(value))} {escape(short)}</text>"
        )
    run: list[str] = []
    for i, w in enumerate([*values, None]):
        if w is None or not math.isfinite(w):
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>'
                )
            run = []
            continue
        x, y = x_of(i), y_of(w)
        run.append(f"{_n(x)},{_n(y)}")
        parts.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{colour}">'
            f"<title>{escape(labels[i])}: {escape(fmt(w))}</title></circle>"
            f'<text x="{_n(x)}" y="{_n(y - 8)}" font-size="11" text-anchor="middle" '
            f'fill="{colour}">{escape(fmt(w))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _mix(low: str, high: str, t: float) -> str:
    a = [int(low[k : k + 2], 16) for k in (1, 3, 5)]
    b = [int(high[k : k + 2], 16) for k in (1, 3, 5)]
    t = max(0.0, min(1.0, t))
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    *,
    title: str,
    fmt: Callable[[float], str],
    colour: Callable[[float], str],
    legend: Sequence[tuple[str, str]] = (),
    cell_width: int = 13,
    cell_height: int = 24,
) -> str:
    """A grid of coloured cells, ``cells[row][column]`` (None: no data, drawn light grey);
    columns are labelled every fourth one, each cell carries its value as a tooltip, and
    ``legend`` lists (colour, meaning) under the grid."""
    left, upper = 46, 8
    width = left + cell_width * len(columns) + 8
    grid_bottom = upper + cell_height * len(rows)
    height = grid_bottom + 24 + (18 if legend else 0)
    parts = [_svg_open("heatmap", width, height, title)]
    for r, name in enumerate(rows):
        y = upper + r * cell_height
        parts.append(
            f'<text x="{left - 4}" y="{y + cell_height / 2 + 4:.0f}" font-size="11" '
            f'text-anchor="end">{escape(name)}</text>'
        )
        for c, value in enumerate(cells[r]):
            x = left + c * cell_width
            fill = "#eeeeee" if value is None else colour(value)
            shown = "–" if value is None else fmt(value)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_width - 1}" height="{cell_height - 1}" '
                f'fill="{fill}"><title>{escape(name)} {escape(columns[c])}: '
                f"{escape(shown)}</title></rect>"
            )
    for c, name in enumerate(columns):
        if c % 4 == 0:
            parts.append(
                f'<text x="{left + c * cell_width}" y="{grid_bottom + 14}" font-size="10" '
                f'fill="#555">{escape(name)}</text>'
            )
    x = left
    for ink, meaning in legend:
        parts.append(
            f'<rect x="{x}" y="{grid_bottom + 24}" width="12" height="12" fill="{ink}"/>'
            f'<text x="{x + 16}" y="{grid_bottom + 34}" font-size="11">{escape(meaning)}</text>'
        )
        x += (
            24
            + 7 * len(meaning)
            + (6 * len(meaning) if any(ord(ch) > 0x2E80 for ch in meaning) else 0)
        )
    parts.append("</svg>")
    return "".join(parts)


def profile_chart(
    times: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None], str]],
    *,
    title: str,
    width: int = 460,
    height: int = 240,
) -> str:
    """Lines over the times of day; ``series`` is (name, colour, values, dash pattern or "").
    The y axis counts agents from 0; the legend is drawn under the plot."""
    known = [v for _, _, vals, _ in series for v in vals if v is not None and math.isfinite(v)]
    top = _nice_top(max(known) * 1.1) if known and max(known) > 0 else 1.0
    left, right, upper = 36, 10, 10
    legend_rows = len(series)
    lower = 26 + 16 * legend_rows
    span_x = width - left - right
    span_y = height - upper - lower
    n = len(times)

    def x_of(i: int) -> float:
        return left + span_x * (i / (n - 1) if n > 1 else 0.5)

    def y_of(v: float) -> float:
        return upper + span_y * (1 - max(0.0, min(v, top)) / top)

    parts = [_svg_open("profile", width, height, title)]
    for k in range(5):
        v = top * k / 4
        y = y_of(v)
        parts.append(
            f'<line x1="{left}" y1="{_n(y)}" x2="{width - right}" y2="{_n(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.6"/>'
            f'<text x="{left - 4}" y="{_n(y + 4)}" font-size="11" text-anchor="end" '
            f'fill="#555">{v:g}</text>'
        )
    for i, name in enumerate(times):
        if name.endswith(":00") and int(name[:2]) % 3 == 0:
            parts.append(
                f'<text x="{_n(x_of(i))}" y="{height - lower + 16}" font-size="10" '
                f'text-anchor="middle" fill="#555">{escape(name)}</text>'
            )
    for k, (name, ink, values, dash) in enumerate(series):
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        run: list[str] = []
        for i, w in enumerate([*values, None]):
            if w is None or not math.isfinite(w):
                if run:
                    parts.append(
                        f'<polyline points="{" ".join(run)}" fill="none" stroke="{ink}" '
                        f'stroke-width="2"{dashes}><title>{escape(name)}</title></polyline>'
                    )
                run = []
                continue
            run.append(f"{_n(x_of(i))},{_n(y_of(w))}")
        y = height - lower + 28 + 16 * k
        parts.append(
            f'<line x1="{left}" y1="{y - 4}" x2="{left + 22}" y2="{y - 4}" stroke="{ink}" '
            f'stroke-width="2"{dashes}/><text x="{left + 28}" y="{y}" font-size="11">'
            f"{escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def scale_colour(value: float, low: float, high: float, *, ink: str = C_COLOUR) -> str:
    """A sequential colour from near-white (``low``) to ``ink`` (``high``)."""
    t = 0.0 if high <= low else (value - low) / (high - low)
    return _mix("#f4f8fc", ink, 0.08 + 0.92 * t)


__all__ = [
    "bars",
    "heatmap",
    "ladder",
    "line_chart",
    "profile_chart",
    "radar",
    "scale_colour",
    "sparkline",
]
