"""Numeric kernels of Erlang B and C for `ccmm.staffing` (private): the recurrence and its sweeps.

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

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Warm-up length in units of sqrt(traffic): exp(-6.5²/2) ≈ 7e-10, times the second-order start
# estimate's own relative error (1e-3 to 1e-4 here), leaves ~1e-13; measured against an 80-bit
# recurrence from 0 the worst relative error is ~1e-13, the sweep's own rounding (6.0 gives 3e-12,
# 5.0 gives 4e-10). No constant is added: below ~50 Erlangs the sweep starts at 0 anyway, and
# ten more steps for every element (a tenth of the staffing search's time) bought no accuracy.
WARMUP_SQRT = 6.5


def _warmup_start(
    traffic: FloatArray, agents: IntArray, root: FloatArray | None = None
) -> IntArray:
    """First agent count of the recurrence for each element (0 when traffic is small)."""
    root = np.sqrt(traffic) if root is None else root
    width = WARMUP_SQRT * root
    below_traffic = np.floor(traffic - width)
    below_agents = agents.astype(np.float64) - width
    start = np.maximum(0.0, np.minimum(below_traffic, np.floor(below_agents)))
    return start.astype(np.int64)


def start_inverse(traffic: FloatArray, start: FloatArray) -> FloatArray:
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
    """Erlang B at ``start``: the reciprocal of `start_inverse`."""
    result: FloatArray = 1.0 / start_inverse(traffic, start.astype(np.float64))
    return result


# Elements per block of the sweeps: a block's few arrays stay in the core's cache across the
# hundreds of steps (a whole 100,000-element array does not), which halves the sweep time.
BLOCK = 16384
# Steps between exact recomputations of ``n/A`` in `sweep_inverse`: every 16 steps, every 4
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


def step_blocks(sorted_steps: IntArray) -> list[tuple[int, Iterator[tuple[int, int]]]]:
    """(block end, (step, first index still moving) for steps 1, 2, …) per block of sorted steps.

    Within a block the elements still moving at step ``j`` are the tail ``[first_j:end]``. The
    pairs are made as the sweep asks for them, from the block's distinct step counts: a sweep
    that stops early (every value underflowed) never pays for the steps it skips, however many
    the agent count asked for (10**17 agents must not mean an array of 10**17 indices).
    """
    found: list[tuple[int, Iterator[tuple[int, int]]]] = []
    size = sorted_steps.size
    for low in range(0, size, BLOCK):
        high = min(low + BLOCK, size)
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


def sweep(traffic: FloatArray, blocking: FloatArray, start: IntArray, stop: IntArray) -> None:
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
    for high, stepping in step_blocks(s_steps):
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


def sweep_inverse(
    traffic: FloatArray, inverse: FloatArray, start: IntArray, stop: IntArray
) -> None:
    """Like `sweep` but on ``inverse`` = ``1/B``, by ``1/B(n) = 1 + (n/A)·(1/B(n-1))``: no
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
    for high, stepping in step_blocks(s_steps):
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
    sweep(np.where(zero, 1.0, traffic), blocking, start, agents)
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


def overload_floor(traffic: FloatArray) -> IntArray:
    """Smallest agent count that is not overloaded: floor(traffic) + 1."""
    return (np.floor(traffic) + 1.0).astype(np.int64)


def service_level_from_wait(
    wait: FloatArray, excess: FloatArray, seconds_per_aht: FloatArray
) -> FloatArray:
    """Erlang C service level ``1 - P(wait)·exp(-(n - A)·T/AHT)`` (valid for n > A)."""
    return 1.0 - wait * np.exp(-excess * seconds_per_aht)
