"""Numeric kernels of the Erlang B and C staffing of `ccmm.staffing` (private).

All kernels take flat float64/int64 arrays that have already been validated and broadcast, and
work on every element at once: loops run over the agent count (or queue position), never over the
elements.

Erlang B is computed by the recurrence ``B(n) = A·B(n-1) / (n + A·B(n-1))``. A relative error in
``B(n-1)`` is multiplied by ``1 - B(n)`` at each step, so the recurrence forgets its starting value:
for ``n`` below ``A`` the factor is about ``n/A`` and over ``K`` steps the error shrinks by about
``exp(-K²/(2A))``. Starting ``K = 6.5·sqrt(A)`` steps below the agent count (or at 0) from an
asymptotic estimate therefore gives full double precision while costing ``O(sqrt(A))`` steps
instead of ``O(A)``; this is what makes 50,000 Erlangs cheap.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Warm-up length in units of sqrt(traffic): exp(-6.5²/2) ≈ 7e-10, times the second-order start
# estimate's own relative error (1e-3 to 1e-4 here), leaves ~1e-13; measured against an 80-bit
# recurrence from 0 the worst relative error is ~1e-13, the sweep's own rounding (6.0 gives 3e-12,
# 5.0 gives 4e-10). No constant is added: below ~50 Erlangs the sweep starts at 0 anyway, and
# ten more steps for every element (a tenth of the staffing search's time) bought no accuracy.
_WARMUP_SQRT = 6.5


def _warmup_start(
    traffic: FloatArray, agents: IntArray, root: FloatArray | None = None
) -> IntArray:
    """First agent count of the recurrence for each element (0 when traffic is small)."""
    root = np.sqrt(traffic) if root is None else root
    width = _WARMUP_SQRT * root
    below_traffic = np.floor(traffic - width)
    below_agents = agents.astype(np.float64) - width
    start = np.maximum(0.0, np.minimum(below_traffic, np.floor(below_agents)))
    return start.astype(np.int64)


def _start_inverse(traffic: FloatArray, start: FloatArray) -> FloatArray:
    """``1/B`` at ``start`` (exact at 0, else the second-order expansion for start < traffic).

    With ``rho = n/A < 1``: ``1/B(n) = Σ_j Π_{i<j} (n-i)/A ≈ 1/(1-rho) - rho/(A·(1-rho)³)``.
    """
    # The same in terms of the distance d = A - n (one division): (A/d)·(1 - n/d²).
    # At start 0 (any tiny traffic) the value is 1 and the arithmetic is not used.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        per_distance = 1.0 / (traffic - start)
        inverse = traffic * per_distance * (1.0 - start * per_distance * per_distance)
    result: FloatArray = np.where(start > 0, np.maximum(inverse, 1.0), 1.0)
    return result


def _start_value(traffic: FloatArray, start: IntArray) -> FloatArray:
    """Erlang B at ``start``: the reciprocal of `_start_inverse`."""
    result: FloatArray = 1.0 / _start_inverse(traffic, start.astype(np.float64))
    return result


# Elements per block of the sweeps: a block's few arrays stay in the core's cache across the
# hundreds of steps (a whole 100,000-element array does not), which halves the sweep time.
_BLOCK = 16384
# Steps between exact recomputations of ``n/A`` in `_sweep_inverse`: every 16 steps, every 4
# after 1,024 steps (only traffic above ~10,000 Erlangs sweeps that far, and its error grows
# with the steps near the traffic, ~sqrt(A)). Measured against mpmath: <= 3e-13 relative up to
# a million Erlangs (accumulating n/A by additions alone gave 6e-10 there).
_RESYNC = 16
_RESYNC_LONG = 1024
_RESYNC_LONG_EVERY = 4


def _step_order(steps: IntArray) -> NDArray[np.intp]:
    """Indices sorting ``steps`` ascending (stable); radix sort when the counts fit 16 bits."""
    if steps.size and int(steps.max()) < 65536:
        return np.argsort(steps.astype(np.uint16), kind="stable")
    return np.argsort(steps, kind="stable")


#: Sweeps of up to this many steps get their step indices all at once; longer ones (an agent
#: count far above the traffic, where every value soon underflows) one step at a time.
_EAGER_STEPS = 1 << 20


def _blocks(sorted_steps: IntArray) -> list[tuple[int, Iterator[tuple[int, int]]]]:
    """(block end, (step, first index still moving) for steps 1, 2, …) per block of sorted steps.

    Within a block the elements still moving at step ``j`` are the tail ``[first_j:end]``. The
    pairs are made as the sweep asks for them, from the block's distinct step counts: a sweep
    that stops early (every value underflowed) never pays for the steps it skips, however many
    the agent count asked for (10**17 agents must not mean an array of 10**17 indices).
    """
    found: list[tuple[int, Iterator[tuple[int, int]]]] = []
    size = sorted_steps.size
    for low in range(0, size, _BLOCK):
        high = min(low + _BLOCK, size)
        total = int(sorted_steps[high - 1])
        if 0 < total <= _EAGER_STEPS:  # the usual case: all at once, cheapest per step
            wanted = np.arange(1, total + 1)
            firsts = low + np.searchsorted(sorted_steps[low:high], wanted, side="left")
            found.append((high, enumerate(firsts.tolist(), start=1)))
        elif total > 0:
            counts, starts = np.unique(sorted_steps[low:high], return_index=True)
            found.append((high, _moving(counts.tolist(), (starts + low).tolist())))
    return found


def _moving(counts: list[int], starts: list[int]) -> Iterator[tuple[int, int]]:
    """(step, first index with at least that many steps) for steps 1 … max(counts)."""
    k = 0
    for step in range(1, counts[-1] + 1):
        while counts[k] < step:
            k += 1
        yield step, starts[k]


def _sweep(traffic: FloatArray, blocking: FloatArray, start: IntArray, stop: IntArray) -> None:
    """Advance ``blocking`` (Erlang B at ``start``) in place to Erlang B at ``stop`` (>= start).

    Elements are processed in order of their step count, block by block, so that the ones still
    moving at step ``j`` are a contiguous tail of their block: each step costs only the elements
    that still need it.
    """
    steps = stop - start
    moving = np.flatnonzero(steps)
    if moving.size == 0:
        return
    order = moving[_step_order(steps[moving])]
    s_steps = steps[order]
    s_traffic = traffic[order]
    s_b = blocking[order]
    s_n = start[order].astype(np.float64)
    work = np.empty_like(s_b)
    den = np.empty_like(s_b)
    for high, stepping in _blocks(s_steps):
        for step, first in stepping:
            b = s_b[first:high]
            n = s_n[first:high]
            w = work[first:high]
            d = den[first:high]
            n += 1.0
            np.multiply(s_traffic[first:high], b, out=w)
            np.add(n, w, out=d)
            np.divide(w, d, out=b)
            if step % 512 == 0 and not np.any(b):
                break  # every remaining value underflowed to 0 and stays 0
    blocking[order] = s_b


def _sweep_inverse(
    traffic: FloatArray, inverse: FloatArray, start: IntArray, stop: IntArray
) -> None:
    """Like `_sweep` but on ``inverse`` = ``1/B``, by ``1/B(n) = 1 + (n/A)·(1/B(n-1))``: no
    division, so faster. Advances ``inverse`` (``1/B`` at ``start``) in place to ``stop``.

    Only for traffic > 0 and ``stop`` at most ~20·sqrt(A) above A, where ``1/B`` stays far from
    overflow. ``n/A`` is accumulated by adding ``1/A`` (error a few ulp over the sweep).
    """
    steps = stop - start
    moving = np.flatnonzero(steps)
    if moving.size == 0:
        return
    order = moving[_step_order(steps[moving])]
    s_steps = steps[order]
    with np.errstate(over="ignore", invalid="ignore"):  # tiny traffic only ever takes 0 steps
        s_step_ratio = 1.0 / traffic[order]
        s_ratio = start[order] * s_step_ratio
    s_inv = inverse[order]
    s_start = start[order].astype(np.float64)
    s_traffic = traffic[order]
    for high, stepping in _blocks(s_steps):
        for step, first in stepping:
            ratio = s_ratio[first:high]
            inv = s_inv[first:high]
            if step % (_RESYNC if step <= _RESYNC_LONG else _RESYNC_LONG_EVERY):
                ratio += s_step_ratio[first:high]
            else:  # exactly rounded again: the sums' rounding errors never pile up
                np.add(s_start[first:high], float(step), out=ratio)
                ratio /= s_traffic[first:high]
            inv *= ratio
            inv += 1.0
    inverse[order] = s_inv


def erlang_b_flat(traffic: FloatArray, agents: IntArray) -> FloatArray:
    """Erlang B for flat arrays of traffic (Erlangs, >= 0) and agents (>= 0)."""
    start = _warmup_start(traffic, agents)
    blocking = _start_value(traffic, start)
    zero = traffic == 0.0
    _sweep(np.where(zero, 1.0, traffic), blocking, start, agents)
    # With no traffic nothing is offered: B(0, 0) = 1 by the recurrence, 0 for any agent.
    blocking[zero & (agents > 0)] = 0.0
    return blocking


def erlang_c_from_b(traffic: FloatArray, agents: FloatArray, blocking: FloatArray) -> FloatArray:
    """Erlang C from Erlang B; 1 when overloaded (traffic > 0 and agents <= traffic)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        # (n - A) + A·B, the staffing search's own grouping: both give the same C from the same B.
        wait = agents * blocking / ((agents - traffic) + traffic * blocking)
    wait = np.where(agents > traffic, wait, 1.0)
    return np.where(traffic == 0.0, 0.0, np.clip(wait, 0.0, 1.0))


def _overload_floor(traffic: FloatArray) -> IntArray:
    """Smallest agent count that is not overloaded: floor(traffic) + 1."""
    return (np.floor(traffic) + 1.0).astype(np.int64)


def service_level_from_wait(
    wait: FloatArray, excess: FloatArray, seconds_per_aht: FloatArray
) -> FloatArray:
    """Erlang C service level ``1 - P(wait)·exp(-(n - A)·T/AHT)`` (valid for n > A)."""
    return 1.0 - wait * np.exp(-excess * seconds_per_aht)


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


def _erlang_b_at(traffic: FloatArray, agents: IntArray, root: FloatArray) -> FloatArray:
    """Erlang B at ``agents`` (> traffic > 0) by the warm-up recurrence (``root`` = sqrt(traffic)).

    The division-free form while 1/B is safely finite, the B form for any remaining steps
    (below 1 Erlang the sweep is a step or two and 1/A may overflow: B form only).
    """
    # agents > traffic here, so the warm-up starts 6.5·sqrt(A) below the traffic (or at 0).
    start_at = np.maximum(np.floor(traffic - _WARMUP_SQRT * root), 0.0)
    inverse = _start_inverse(traffic, start_at)
    start = start_at.astype(np.int64)
    middle = np.minimum(agents, np.floor(traffic + 20.0 * root).astype(np.int64) + 1)
    middle = np.where(traffic >= 1.0, np.maximum(middle, start), start)
    _sweep_inverse(traffic, inverse, start, middle)
    blocking: FloatArray = 1.0 / inverse
    _sweep(traffic, blocking, middle, agents)
    return blocking


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

    Only elements with traffic > 0. Works block by block (`_BLOCK` elements): a block's
    arrays stay in the core's cache through the whole search, as in the sweeps.
    """
    guide = _Guide(sl_target=sl_target, sl_seconds=sl_seconds, asa_target=asa_target)
    size = traffic.size
    found = empty_answer(size)
    for low in range(0, size, _BLOCK):
        part = slice(low, low + _BLOCK)
        _min_agents(
            traffic[part],
            aht[part],
            minimum=minimum[part],
            guide=guide,
            out=ErlangCAnswer(
                found.agents[part], found.blocking[part], found.wait[part], found.decay[part]
            ),
        )
    return found


def _min_agents(
    traffic: FloatArray,
    aht: FloatArray,
    *,
    minimum: IntArray,
    guide: _Guide,
    out: ErlangCAnswer,
    use_guess: bool = True,
) -> None:
    """`min_agents_erlang_c` on one block, written into ``out`` (arrays of the block's size).

    The square-root staffing guess (usually one or two agents below the answer) is the first
    candidate; one warm-up sweep brings every element's Erlang B there, then candidates are
    tried upward on all elements at once, each element's answer recorded when it first passes
    (the arrays shrink once most have passed). A guess that already passes says nothing about
    one agent fewer: those elements are searched again from the smallest stable count.
    """
    floor_n = np.maximum(_overload_floor(traffic), minimum)
    root = np.sqrt(traffic)
    first = np.maximum(floor_n, guide.guess(traffic, aht, root)) if use_guess else floor_n
    state = _Climb(traffic, aht, first.astype(np.float64), _erlang_b_at(traffic, first, root))
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
        _min_agents(
            traffic[idx], aht[idx], minimum=minimum[idx], guide=guide, out=again, use_guess=False
        )
        for column, redone in zip(out, again, strict=True):
            column[idx] = redone
