"""Erlang B a little above the traffic, for many elements at once (private).

The staffing search needs Erlang B at one agent count ``n`` per element, a few ``sqrt(A)`` above
its traffic ``A``. The warm-up recurrence of `ccmm.staffing._erlang_core` costs about
``8·sqrt(A)`` steps per element, most of them forgetting the start. Here the elements are put in
cells of width 1/32 in ``sqrt(A)``; the recurrence runs once per cell, at the cell's centre
``A0``, recording ``1/B(n, A0)`` for every ``n`` its elements need. Each element then moves from
``A0`` to its own ``A`` along the linear differential equation that ``1/B`` obeys in ``A``::

    A · d(1/B)/dA = (A - n) · (1/B) - A

whose Taylor coefficients ``c_k`` around ``A0`` follow a three-term recurrence::

    c_{k+1} = ((A0 - n - k)·c_k + c_{k-1}) / (A0·(k + 1))    (less A0 at k = 0, less 1 at k = 1)

``1/B`` is a polynomial in ``1/A``, so the series converges for ``|A - A0| < A0``; within a cell
``|A - A0| <= sqrt(A0)/32``. Up to ``x**10`` the relative error stays below ~2e-13 for
``A >= 9`` and ``n - A <= 8·sqrt(A)`` (measured against mpmath from 9 to a million Erlangs,
tests/test_erlang_b_near.py), as good as the warm-up recurrence. Other elements take that
recurrence. Which way an element goes depends on the element alone, and a cell's records on
its centre alone, so no element's result depends on the other rows.

For 100,000 half-hour intervals the cells are ~800 sweeps of ~200 steps instead of 100,000, and
the series about 70 array operations per element instead of ~300 recurrence steps.
"""

from __future__ import annotations

import numpy as np

from ccmm.staffing._erlang_core import (
    BLOCK,
    WARMUP_SQRT,
    FloatArray,
    IntArray,
    start_inverse,
    sweep,
    sweep_inverse,
)

#: Cells per unit of sqrt(traffic).
_CELLS_PER_ROOT = 32.0
#: Highest power of ``A - A0`` in the series.
_ORDER = 10
#: Below this traffic a cell is too wide for the series (relative to A0); the recurrence is
#: short there anyway.
_MIN_TRAFFIC = 9.0
#: Largest ``(n - A)/sqrt(A)`` for the series: beyond, ten terms no longer reach 1e-13.
_MAX_HEADROOM = 8.0


def erlang_b_above_traffic(traffic: FloatArray, agents: IntArray, root: FloatArray) -> FloatArray:
    """Erlang B at ``agents`` (> traffic > 0) for flat arrays (``root`` = sqrt(traffic))."""
    if traffic.size == 0:
        return np.empty(0)
    near = (traffic >= _MIN_TRAFFIC) & (agents - traffic <= _MAX_HEADROOM * root)
    if np.all(near):  # the usual case
        return _by_cells(traffic, agents, root)
    rest = np.flatnonzero(~near)
    if 8 * rest.size <= traffic.size:
        # A few outside: they sit in the series as a placeholder element (9 Erlangs, 10 agents;
        # cells are independent, so it changes no other value) and are then overwritten. This
        # avoids gathering every other element.
        traffic_in, agents_in, root_in = traffic.copy(), agents.copy(), root.copy()
        traffic_in[rest], agents_in[rest], root_in[rest] = _MIN_TRAFFIC, 10, 3.0
        blocking = _by_cells(traffic_in, agents_in, root_in)
    else:
        blocking = np.empty(traffic.size)
        cells = np.flatnonzero(near)
        if cells.size:
            blocking[cells] = _by_cells(traffic[cells], agents[cells], root[cells])
    blocking[rest] = _by_recurrence(traffic[rest], agents[rest], root[rest])
    return blocking


def _by_recurrence(traffic: FloatArray, agents: IntArray, root: FloatArray) -> FloatArray:
    """Erlang B at ``agents`` (> traffic > 0) by the warm-up recurrence, element by element.

    The division-free form while 1/B is safely finite, the B form for any remaining steps
    (below 1 Erlang the sweep is a step or two and 1/A may overflow: B form only).
    """
    # agents > traffic here, so the warm-up starts 6.5·sqrt(A) below the traffic (or at 0).
    start_at = np.maximum(np.floor(traffic - WARMUP_SQRT * root), 0.0)
    inverse = start_inverse(traffic, start_at)
    start = start_at.astype(np.int64)
    middle = np.minimum(agents, np.floor(traffic + 20.0 * root).astype(np.int64) + 1)
    middle = np.where(traffic >= 1.0, np.maximum(middle, start), start)
    sweep_inverse(traffic, inverse, start, middle)
    blocking: FloatArray = 1.0 / inverse
    sweep(traffic, blocking, middle, agents)
    return blocking


class _Cells:
    """The cells holding some element: centres, and ``1/B(n, centre)`` for every ``n`` from the
    cell's warm-up start up to the largest its elements need.

    The cells are swept in order of their last row, so at each step those still moving are a
    tail of that order; the record holds each step's tail after the previous ones (no gaps, one
    contiguous copy per step).
    """

    def __init__(self, agents: IntArray, root: FloatArray) -> None:
        index = (root * _CELLS_PER_ROOT).astype(np.int64)  # root >= 3: floor
        low = int(index.min())
        counts = np.bincount(index - low)
        present = np.flatnonzero(counts)
        centre = np.square((present + low + 0.5) / _CELLS_PER_ROOT, dtype=np.float64)
        start: FloatArray = np.maximum(np.floor(centre - WARMUP_SQRT * np.sqrt(centre)), 0.0)
        cell = (np.cumsum(counts > 0) - 1)[index - low]  # each element's cell
        row = agents - start.astype(np.int64)[cell]  # >= 0: agents > traffic
        last = np.zeros(present.size, dtype=np.int64)
        np.maximum.at(last, cell, row)
        order = np.argsort(last, kind="stable")
        place = np.empty(present.size, dtype=np.int64)  # each cell's place in the sweep order
        place[order] = np.arange(present.size)
        self.centre = centre
        self.cell = cell
        self.row = row
        self.place = place
        self.record, self.step_at, self.first_at = self._sweep(
            centre[order], start[order], last[order]
        )

    @staticmethod
    def _sweep(
        centre: FloatArray, start: FloatArray, last: IntArray
    ) -> tuple[FloatArray, IntArray, IntArray]:
        """Run each cell's recurrence (cells sorted by ``last``) from its start to its last row.

        Returns the record, where each step's values begin in it, and the first cell (in sweep
        order) still moving at each step.
        """
        inverse = start_inverse(centre, start)
        record = np.empty(int(last.sum()) + last.size)
        steps = int(last[-1])
        step_at = np.empty(steps + 1, dtype=np.int64)
        first_at = np.zeros(steps + 1, dtype=np.int64)
        record[: last.size] = inverse
        step_at[0], at = 0, last.size
        ratio = np.empty_like(inverse)
        # Steps are bounded here (the series takes n - A <= 8·sqrt(A) <= 8,000): all at once.
        firsts = np.searchsorted(last, np.arange(1, steps + 1), side="left")
        for step, first in enumerate(firsts.tolist(), start=1):
            r = ratio[first:]
            # n/A0 rounded once at every step: no error piles up over the sweep.
            np.add(start[first:], float(step), out=r)
            r /= centre[first:]
            moving = inverse[first:]
            moving *= r
            moving += 1.0
            step_at[step], first_at[step] = at, first
            record[at : at + moving.size] = moving
            at += moving.size
        return record, step_at, first_at

    def inverse(self, part: slice) -> FloatArray:
        """``1/B(n, centre)`` for the elements of ``part`` (their own n, their cell's centre)."""
        row = self.row[part]
        found: FloatArray = self.record[
            self.step_at[row] + self.place[self.cell[part]] - self.first_at[row]
        ]
        return found


def _by_cells(traffic: FloatArray, agents: IntArray, root: FloatArray) -> FloatArray:
    """Erlang B at ``agents`` for elements with ``A >= 9`` and ``agents - A <= 8·sqrt(A)``: the
    cells' records moved along the Taylor series in ``x = A - A0`` (block by block)."""
    cells = _Cells(agents, root)
    blocking = np.empty(traffic.size)
    for low in range(0, traffic.size, BLOCK):
        part = slice(low, low + BLOCK)
        cell = cells.cell[part]
        centre = cells.centre[cell]
        inverse = cells.inverse(part)
        x = traffic[part] - centre
        q = centre - agents[part]
        r = x / centre
        # Terms d_k = c_k·x**k: d_{k+1} = r/(k+1)·((q - k)·d_k + x·d_{k-1}), with the
        # inhomogeneous parts at k = 0 and 1.
        previous = inverse
        term = x * (q * inverse / centre - 1.0)
        total = inverse + term
        after = (0.5 * r) * ((q - 1.0) * term + x * (previous - 1.0))
        total += after
        previous, term = term, after
        for k in range(2, _ORDER):
            after = (q - k) * term
            after += x * previous
            after *= r * (1.0 / (k + 1))
            total += after
            previous, term = term, after
        np.divide(1.0, total, out=blocking[part])
    return blocking
