"""The Erlang C staffing search of `ccmm.staffing` (private): the smallest agent count meeting a
service-level or ASA target, for every element at once.

A square-root staffing guess (Halfin-Whitt) gives each element a first candidate just below its
answer; Erlang B there comes from `ccmm.staffing._erlang_b_near`; candidates are then tried
upward on all elements together, one recurrence step per agent.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from ccmm.staffing._erlang_b_near import erlang_b_above_traffic
from ccmm.staffing._erlang_core import BLOCK, FloatArray, IntArray, overload_floor

# Square-root staffing grid: beta = (n - A)/sqrt(A) in the Halfin-Whitt approximation.
_BETA_GRID = np.linspace(0.02, 6.0, 600)
# Entries of the guess's lookup table (beta needed against sqrt(A)·T/AHT, evenly spaced).
_TABLE_SIZE = 4096


def _halfin_whitt_wait(beta: FloatArray) -> FloatArray:
    """P(wait) ≈ 1 / (1 + beta·Phi(beta)/phi(beta)) (Halfin & Whitt 1981), on the small grid."""
    phi_cdf = np.array([0.5 * math.erfc(-float(x) / math.sqrt(2.0)) for x in beta])
    phi_pdf = np.exp(-0.5 * beta**2) / math.sqrt(2.0 * math.pi)
    result: FloatArray = 1.0 / (1.0 + beta * phi_cdf / phi_pdf)
    return result


_GRID_WAIT = _halfin_whitt_wait(_BETA_GRID)


def _beta_lookup(needed: FloatArray) -> tuple[FloatArray, float]:
    """Table of the smallest grid beta whose ``needed`` (decreasing in beta) is <= x, on evenly
    spaced x from 0 to ``needed[0]``, and the table's step. Entry ``k`` is the beta needed at
    ``(k + 1)·step``: looking up ``floor(x/step)`` errs low (a guess below the answer)."""
    # Past the first beta that needs nothing (x = 0) the curve is flat: cut it there.
    flat = np.flatnonzero(needed <= 0.0)
    stop = int(flat[0]) + 1 if flat.size else needed.size
    xs, betas = needed[:stop][::-1], _BETA_GRID[:stop][::-1]
    top = float(needed[0])
    step = top / _TABLE_SIZE if top > 0.0 else 1.0
    at = step * np.arange(1, _TABLE_SIZE + 1)
    table: FloatArray = np.interp(at, xs, betas)
    return table, step


def _lookup(table: FloatArray, step: float, x: FloatArray) -> FloatArray:
    index = np.minimum(x * (1.0 / step), float(table.size - 1)).astype(np.intp)
    found: FloatArray = table[index]
    return found


class _Guide:
    """The search's targets, and the lookup tables of its first guess (built once per call)."""

    def __init__(
        self, *, sl_target: float | None, sl_seconds: float, asa_target: float | None
    ) -> None:
        self.sl_target = sl_target
        self.sl_seconds = sl_seconds
        self.asa_target = asa_target
        self.sl_table: tuple[FloatArray, float] | None = None
        self.asa_table: tuple[FloatArray, float] | None = None
        if sl_target is not None:
            # SL ≈ 1 - W(beta)·exp(-beta·sqrt(A)·T/AHT): the x = sqrt(A)·T/AHT that just meets it.
            with np.errstate(divide="ignore"):
                x_needed = np.log(np.maximum(_GRID_WAIT / (1.0 - sl_target), 1.0)) / _BETA_GRID
            self.sl_table = _beta_lookup(x_needed)
        if asa_target is not None:
            # ASA ≈ W(beta)·AHT / (beta·sqrt(A)) <= target  <=>  W(beta)/beta <= target·sqrt(A)/AHT.
            self.asa_table = _beta_lookup(_GRID_WAIT / _BETA_GRID)

    def guess(self, traffic: FloatArray, aht: FloatArray, root: FloatArray) -> IntArray:
        """A starting agent count just below the answer, from the Halfin-Whitt approximation.

        It only saves steps: the exact search checks whether the guess already passes and, if
        so, restarts that element from the smallest stable agent count, so the result stays
        exact. beta comes from a lookup table (no search per element).
        """
        betas = []
        if self.sl_table is not None:
            betas.append(_lookup(*self.sl_table, root * (self.sl_seconds / aht)))
        if self.asa_table is not None:
            assert self.asa_target is not None
            betas.append(_lookup(*self.asa_table, root * (self.asa_target / aht)))
        beta = betas[0] if len(betas) == 1 else np.maximum(*betas)  # tables hold betas > 0
        return np.floor(traffic + beta * root).astype(np.int64)

    def passes(
        self, wait: FloatArray, decay: FloatArray, excess: FloatArray, aht: FloatArray
    ) -> NDArray[np.bool_]:
        """Whether P(wait) ``wait`` meets the targets (service level, then ASA).

        Each test is written as the reported figure against its target (``1 - C·decay >=
        target``, ``C·aht/(n - A) <= target``), not as an algebraic rearrangement: at a tie the
        rearranged form rounds differently (``1 - 0.99999`` is below ``1e-5``), and the search
        would disagree with `erlang_c_service_level` about whether ``n`` reaches the target.
        """
        ok: NDArray[np.bool_] | None = None
        if self.sl_target is not None:
            ok = 1.0 - wait * decay >= self.sl_target
        if self.asa_target is not None:
            asa_ok: NDArray[np.bool_] = wait * aht / excess <= self.asa_target
            ok = asa_ok if ok is None else ok & asa_ok
        assert ok is not None
        return ok


class _Climb:
    """The state of the upward search: agents ``n``, Erlang B and C there, and the running
    ``exp(-(n - A)·T/AHT)`` (one multiplication per step instead of an ``exp``)."""

    def __init__(
        self, traffic: FloatArray, aht: FloatArray, agents: FloatArray, blocking: FloatArray
    ) -> None:
        self.t = traffic
        self.aht = aht
        self.n = agents
        self.b = blocking
        self.excess = agents - traffic
        self.tb = traffic * blocking
        self.wait = agents * blocking / (self.excess + self.tb)  # Erlang C from B, n > A
        self.per_agent = np.empty(0)
        self.decay = np.empty(0)

    def start_decay(self, seconds: float) -> None:
        seconds_per_aht = seconds / self.aht
        self.per_agent = np.exp(-seconds_per_aht)  # the decay factor of one more agent
        self.decay = np.exp(-self.excess * seconds_per_aht)

    def subset(self, rows: NDArray[np.intp]) -> _Climb:
        part = _Climb.__new__(_Climb)
        part.t, part.aht, part.n, part.b = self.t[rows], self.aht[rows], self.n[rows], self.b[rows]
        part.excess, part.tb, part.wait = self.excess[rows], self.tb[rows], self.wait[rows]
        part.per_agent, part.decay = self.per_agent[rows], self.decay[rows]
        return part

    def step(self) -> None:
        self.n += 1.0
        self.excess += 1.0
        self.decay *= self.per_agent
        self.b = self.tb / (self.n + self.tb)
        self.tb = self.t * self.b
        self.wait = self.n * self.b / (self.excess + self.tb)
        if not np.all(np.isfinite(self.b)):  # pragma: no cover - would otherwise never end
            raise FloatingPointError("Erlang B became non-finite during the staffing search")


class ErlangCAnswer(NamedTuple):
    """The smallest agent counts found by `min_agents_erlang_c` and the Erlang C there."""

    agents: IntArray
    blocking: FloatArray  # Erlang B at ``agents``
    wait: FloatArray  # Erlang C (probability of waiting) at ``agents``
    decay: FloatArray  # exp(-(agents - traffic)·T/AHT) for the search's threshold T


def empty_answer(size: int) -> ErlangCAnswer:
    """Uninitialised `ErlangCAnswer` arrays for ``size`` elements."""
    return ErlangCAnswer(
        np.empty(size, dtype=np.int64), np.empty(size), np.empty(size), np.empty(size)
    )


def min_agents_erlang_c(
    traffic: FloatArray,
    aht: FloatArray,
    *,
    minimum: IntArray,
    sl_target: float | None,
    sl_seconds: float,
    asa_target: float | None,
) -> ErlangCAnswer:
    """Smallest agents (>= ``minimum``, > traffic) meeting the targets, and Erlang B and C there.

    Only elements with traffic > 0. Erlang B at the first candidates is found for all elements
    at once (its cells are shared across the whole input); the climb then works block by block
    (`BLOCK` elements), so that a block's arrays stay in the core's cache through it.
    """
    guide = _Guide(sl_target=sl_target, sl_seconds=sl_seconds, asa_target=asa_target)
    floor_n, first, blocking = _first_candidates(traffic, aht, minimum, guide, use_guess=True)
    size = traffic.size
    found = empty_answer(size)
    for low in range(0, size, BLOCK):
        part = slice(low, low + BLOCK)
        _climb(
            traffic[part],
            aht[part],
            floor_n=floor_n[part],
            first=first[part],
            blocking=blocking[part],
            guide=guide,
            out=ErlangCAnswer(
                found.agents[part], found.blocking[part], found.wait[part], found.decay[part]
            ),
        )
    return found


def _first_candidates(
    traffic: FloatArray, aht: FloatArray, minimum: IntArray, guide: _Guide, *, use_guess: bool
) -> tuple[IntArray, IntArray, FloatArray]:
    """The smallest stable count allowed (``floor_n``), the first candidate and Erlang B there.

    The first candidate is the square-root staffing guess (usually one or two agents below the
    answer), never below ``floor_n``; without ``use_guess`` it is ``floor_n`` itself.
    """
    floor_n = np.maximum(overload_floor(traffic), minimum)
    root = np.sqrt(traffic)
    first = np.maximum(floor_n, guide.guess(traffic, aht, root)) if use_guess else floor_n
    return floor_n, first, erlang_b_above_traffic(traffic, first, root)


def _min_agents(
    traffic: FloatArray,
    aht: FloatArray,
    *,
    minimum: IntArray,
    guide: _Guide,
    out: ErlangCAnswer,
    use_guess: bool = True,
) -> None:
    """`min_agents_erlang_c` on one block, written into ``out`` (arrays of the block's size);
    without ``use_guess`` every element climbs from its smallest stable count."""
    floor_n, first, blocking = _first_candidates(traffic, aht, minimum, guide, use_guess=use_guess)
    _climb(traffic, aht, floor_n=floor_n, first=first, blocking=blocking, guide=guide, out=out)


def _climb(
    traffic: FloatArray,
    aht: FloatArray,
    *,
    floor_n: IntArray,
    first: IntArray,
    blocking: FloatArray,
    guide: _Guide,
    out: ErlangCAnswer,
) -> None:
    """The upward search of one block from ``first`` (Erlang B there: ``blocking``), written
    into ``out``.

    Candidates are tried upward on all elements at once, each element's answer recorded when it
    first passes (the arrays shrink once most have passed). A first candidate above ``floor_n``
    that already passes says nothing about one agent fewer: those elements are searched again
    from ``floor_n``.
    """
    state = _Climb(traffic, aht, first.astype(np.float64), blocking)
    state.start_decay(guide.sl_seconds)
    ok = guide.passes(state.wait, state.decay, state.excess, aht)
    # A guess that already passes says nothing about n - 1: redo those from the floor. Those
    # passing at the floor itself have their answer now (rare): both are written after the climb.
    redo = ok & (state.n > floor_n)
    final = np.flatnonzero(ok & ~redo)
    answered = tuple(v[final] for v in (first, state.b, state.wait, state.decay))
    done = ok
    # Full-width steps while most elements are still climbing (no gathers), then only the rest.
    # The first step writes every element (a plain copy, the cheapest): those that have not
    # passed there are written again when they do, and those done before it after the loop.
    rows: NDArray[np.intp] | None = None
    written = False
    while not np.all(done):
        if rows is None and 4 * np.count_nonzero(~done) < done.size:
            rows = np.flatnonzero(~done)
            state = state.subset(rows)
            done = np.zeros(rows.size, dtype=np.bool_)
        state.step()
        ok = guide.passes(state.wait, state.decay, state.excess, state.aht) & ~done
        values = (state.n, state.b, state.wait, state.decay)
        if rows is None:
            for column, value in zip(out, values, strict=True):
                if written:
                    np.copyto(column, value, where=ok, casting="unsafe")  # n: whole numbers
                else:
                    np.copyto(column, value, casting="unsafe")
            written = True
        elif np.any(ok):
            for column, value in zip(out, values, strict=True):
                column[rows[ok]] = value[ok]
        done |= ok
    for column, kept in zip(out, answered, strict=True):
        column[final] = kept
    if np.any(redo):
        idx = np.flatnonzero(redo)
        again = empty_answer(idx.size)
        root = np.sqrt(traffic[idx])
        _climb(
            traffic[idx],
            aht[idx],
            floor_n=floor_n[idx],
            first=floor_n[idx],
            blocking=erlang_b_above_traffic(traffic[idx], floor_n[idx], root),
            guide=guide,
            out=again,
        )
        for column, redone in zip(out, again, strict=True):
            column[idx] = redone
