"""Numeric kernels of the Erlang B and C staffing of `ccmm.staffing` (private).

All kernels take flat float64/int64 arrays that have already been validated and broadcast, and
work on every element at once: loops run over the agent count (or queue position), never over the
elements.

Erlang B is computed by the recurrence ``B(n) = A·B(n-1) / (n + A·B(n-1))``. A relative error in
``B(n-1)`` is multiplied by ``1 - B(n)`` at each step, so the recurrence forgets its starting value:
for ``n`` below ``A`` the factor is about ``n/A`` and over ``K`` steps the error shrinks by about
``exp(-K²/(2A))``. Starting ``K = 6.5·sqrt(A) + 10`` steps below the agent count (or at 0) from an
asymptotic estimate therefore gives full double precision while costing ``O(sqrt(A))`` steps
instead of ``O(A)``; this is what makes 50,000 Erlangs cheap.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Warm-up length in units of sqrt(traffic): exp(-6.5²/2) ≈ 7e-10, times the second-order start
# estimate's own relative error (~1e-4 here), leaves ~1e-13; measured against mpmath the worst
# relative error is ~5e-14 (6.0 gives 2e-12, 5.0 gives 2e-9).
_WARMUP_SQRT = 6.5
_WARMUP_CONST = 10.0


def _warmup_start(traffic: FloatArray, agents: IntArray) -> IntArray:
    """First agent count of the recurrence for each element (0 when traffic is small)."""
    width = _WARMUP_SQRT * np.sqrt(traffic) + _WARMUP_CONST
    below_traffic = np.floor(traffic - width)
    below_agents = agents.astype(np.float64) - width
    start = np.maximum(0.0, np.minimum(below_traffic, np.floor(below_agents)))
    return start.astype(np.int64)


def _start_value(traffic: FloatArray, start: IntArray) -> FloatArray:
    """Erlang B at ``start`` (exact at 0, else the second-order expansion for start < traffic).

    With ``rho = n/A < 1``: ``1/B(n) = Σ_j Π_{i<j} (n-i)/A ≈ 1/(1-rho) - rho/(A·(1-rho)³)``.
    """
    b = np.ones_like(traffic)
    inner = start > 0
    if np.any(inner):
        a = traffic[inner]
        rho = start[inner] / a
        gap = 1.0 - rho
        inverse = 1.0 / gap - rho / (a * gap**3)
        b[inner] = 1.0 / np.maximum(inverse, 1.0)
    return b


def _sweep(traffic: FloatArray, blocking: FloatArray, start: IntArray, stop: IntArray) -> None:
    """Advance ``blocking`` (Erlang B at ``start``) in place to Erlang B at ``stop`` (>= start).

    Elements are processed in order of their step count so that the ones still moving at step
    ``j`` are a contiguous tail: each step costs only the elements that still need it.
    """
    steps = stop - start
    if steps.size == 0:
        return
    order = np.argsort(steps, kind="stable")
    s_steps = steps[order]
    s_traffic = traffic[order]
    s_b = blocking[order]
    s_n = start[order].astype(np.float64)
    total = int(s_steps[-1]) if s_steps.size else 0
    first = 0
    work = np.empty_like(s_b)
    den = np.empty_like(s_b)
    for step in range(1, total + 1):
        while s_steps[first] < step:
            first += 1
        t = s_traffic[first:]
        b = s_b[first:]
        n = s_n[first:]
        w = work[first:]
        d = den[first:]
        n += 1.0
        np.multiply(t, b, out=w)
        np.add(n, w, out=d)
        np.divide(w, d, out=b)
        if step % 512 == 0 and not np.any(b):
            break  # every remaining value underflowed to 0 and stays 0
    blocking[order] = s_b


def _sweep_inverse(
    traffic: FloatArray, blocking: FloatArray, start: IntArray, stop: IntArray
) -> None:
    """Like `_sweep` but on ``1/B(n) = 1 + (n/A)·(1/B(n-1))``: no division, so faster.

    Only for traffic > 0 and ``stop`` at most ~20·sqrt(A) above A, where ``1/B`` stays far from
    overflow. ``n/A`` is accumulated by adding ``1/A`` (error a few ulp over the sweep).
    """
    steps = stop - start
    if steps.size == 0:
        return
    order = np.argsort(steps, kind="stable")
    s_steps = steps[order]
    with np.errstate(over="ignore", invalid="ignore"):  # tiny traffic only ever takes 0 steps
        s_step_ratio = 1.0 / traffic[order]
        s_ratio = start[order] * s_step_ratio
    s_inv = 1.0 / blocking[order]
    total = int(s_steps[-1])
    first = 0
    for step in range(1, total + 1):
        while s_steps[first] < step:
            first += 1
        ratio = s_ratio[first:]
        inv = s_inv[first:]
        ratio += s_step_ratio[first:]
        inv *= ratio
        inv += 1.0
    blocking[order] = 1.0 / s_inv


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
        wait = agents * blocking / (agents - traffic * (1.0 - blocking))
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
# Safety margin in units of sqrt(A). Measured on the benchmark mix the approximation already
# undershoots (mean 1.2 steps to the answer, never over), so none is needed.
_GUESS_MARGIN = 0.0


def _halfin_whitt_wait(beta: FloatArray) -> FloatArray:
    """P(wait) ≈ 1 / (1 + beta·Phi(beta)/phi(beta)) (Halfin & Whitt 1981), on the small grid."""
    phi_cdf = np.array([0.5 * math.erfc(-float(x) / math.sqrt(2.0)) for x in beta])
    phi_pdf = np.exp(-0.5 * beta**2) / math.sqrt(2.0 * math.pi)
    result: FloatArray = 1.0 / (1.0 + beta * phi_cdf / phi_pdf)
    return result


def _guess_agents(
    traffic: FloatArray,
    aht: FloatArray,
    *,
    sl_target: float | None,
    sl_seconds: float,
    asa_target: float | None,
) -> IntArray:
    """A starting agent count just below the answer, from the Halfin-Whitt approximation.

    It only saves steps: the exact search checks whether the guess already passes and, if so,
    restarts that element from the smallest stable agent count, so the result stays exact.
    """
    wait = _halfin_whitt_wait(_BETA_GRID)
    root = np.sqrt(traffic)
    beta = np.zeros_like(traffic)
    if sl_target is not None:
        # SL ≈ 1 - W(beta)·exp(-beta·sqrt(A)·T/AHT): the x = sqrt(A)·T/AHT that just meets it.
        with np.errstate(divide="ignore"):
            x_needed = np.log(np.maximum(wait / (1.0 - sl_target), 1.0)) / _BETA_GRID
        x = root * (sl_seconds / aht)
        beta = np.maximum(beta, np.interp(-x, -x_needed, _BETA_GRID))
    if asa_target is not None:
        # ASA ≈ W(beta)·AHT / (beta·sqrt(A)) <= target  <=>  W(beta)/beta <= target·sqrt(A)/AHT.
        y_needed = wait / _BETA_GRID
        y = root * (asa_target / aht)
        beta = np.maximum(beta, np.interp(-y, -y_needed, _BETA_GRID))
    return np.floor(traffic + (beta - _GUESS_MARGIN) * root).astype(np.int64)


def min_agents_erlang_c(
    traffic: FloatArray,
    aht: FloatArray,
    *,
    minimum: IntArray,
    sl_target: float | None,
    sl_seconds: float,
    asa_target: float | None,
    use_guess: bool = True,
) -> tuple[IntArray, FloatArray]:
    """Smallest agents (>= ``minimum``, > traffic) meeting the targets, and Erlang B there.

    Only elements with traffic > 0. One warm-up sweep brings every element to its first
    candidate, then candidates are tried upward, dropping each element as soon as it passes.
    The service-level test ``P(wait)·exp(-(n-A)·T/AHT) <= 1 - target`` keeps the exponential
    as a running product (one multiplication per step instead of an ``exp``).
    """
    floor_n = np.maximum(_overload_floor(traffic), minimum)
    first = floor_n
    if use_guess:
        guess = _guess_agents(
            traffic, aht, sl_target=sl_target, sl_seconds=sl_seconds, asa_target=asa_target
        )
        first = np.maximum(floor_n, guess)
    start = _warmup_start(traffic, first)
    blocking = _start_value(traffic, start)
    # The division-free form while 1/B is safely finite, the B form for any remaining steps.
    # (Below 1 Erlang the sweep is a step or two and 1/A may overflow: B form only.)
    middle = np.minimum(first, np.floor(traffic + 20.0 * np.sqrt(traffic)).astype(np.int64) + 1)
    middle = np.where(traffic >= 1.0, np.maximum(middle, start), start)
    _sweep_inverse(traffic, blocking, start, middle)
    _sweep(traffic, blocking, middle, first)

    result_n = first.copy()
    result_b = blocking.copy()
    active = np.arange(traffic.size)
    t = traffic
    n = first.astype(np.float64)
    b = blocking
    excess = n - t
    gap = 1.0 - (0.0 if sl_target is None else sl_target)
    per_agent = np.exp(-sl_seconds / aht)  # exp(-T/AHT): the decay factor of one more agent
    decay = np.exp(-excess * (sl_seconds / aht))
    asa_over_aht = None if asa_target is None else asa_target / aht
    checked_first = False
    while active.size:
        tb = t * b
        wait = n * b / (excess + tb)  # Erlang C from Erlang B, n > A
        if sl_target is not None:
            ok = wait * decay <= gap
            if asa_over_aht is not None:
                ok &= wait <= asa_over_aht * excess
        else:
            assert asa_over_aht is not None
            ok = wait <= asa_over_aht * excess
        settle = ok
        if not checked_first:
            checked_first = True
            # A guess that already passes says nothing about n - 1: redo those from the floor.
            redo = ok & (n > floor_n[active])
            if np.any(redo):
                idx = active[redo]
                result_n[idx], result_b[idx] = min_agents_erlang_c(
                    traffic[idx],
                    aht[idx],
                    minimum=minimum[idx],
                    sl_target=sl_target,
                    sl_seconds=sl_seconds,
                    asa_target=asa_target,
                    use_guess=False,
                )
                settle = ok & ~redo
        if np.any(ok):
            done = active[settle]
            result_n[done] = n[settle].astype(np.int64)
            result_b[done] = b[settle]
            keep = np.flatnonzero(~ok)
            active, t, n, b, tb = active[keep], t[keep], n[keep], b[keep], tb[keep]
            excess, decay, per_agent = excess[keep], decay[keep], per_agent[keep]
            if asa_over_aht is not None:
                asa_over_aht = asa_over_aht[keep]
        n += 1.0
        excess += 1.0
        decay *= per_agent
        b = tb / (n + tb)
        if not np.all(np.isfinite(b)):  # pragma: no cover - would otherwise never terminate
            raise FloatingPointError("Erlang B became non-finite during the staffing search")
    return result_n, result_b
