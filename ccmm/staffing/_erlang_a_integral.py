"""Erlang A (M/M/n+M) by quadrature of the offered-wait density (private).

The series of `ccmm.staffing._erlang_a_kernel` needs about ``max(0, y - b) + O(sqrt(y))``
terms (``y = λ·patience``, ``b = n·μ·patience``): with callers who wait for ever and too few
agents that count grows without bound (1e300 s of patience would take for ever). This module
computes the same measures in a fixed number of operations per element, whatever the patience.

With ``H(s) = (1 - e^{-θs})/θ`` (the mean patience used up in ``s`` seconds) and
``φ(s) = λ·H(s) - nμ·s``, a caller who has to wait has offered wait ``V`` (its wait with infinite
patience) with density ``e^{φ(s)}/J``, ``J = ∫_0^∞ e^{φ}`` (Baccelli & Hebuterne; the M/M/n+G
summary of Mandelbaum & Zeltyn, whose ``A(nμ/θ, λ/θ)`` is ``nμ·J``). It is answered if its
patience outlasts ``V`` (probability ``e^{-θV}``). Hence

* ``P(wait) = nμJ / (1/B - 1 + nμJ)`` with ``B`` Erlang B;
* ``P(answered | wait) = ∫ e^{-θs} e^{φ}/J``, within ``t``: the same integral over ``[0, t]``;
* ``E[wait; answered | wait] = ∫ s e^{-θs} e^{φ}/J``.

``φ`` is concave (``φ'' = -λθe^{-θs} < 0``), and so is ``φ(s) - θs``: each integrand is
log-concave. Around the maximiser ``r`` of ``φ`` on ``s >= 0`` (``log(λ/nμ)/θ`` when ``λ > nμ``,
else 0) we write ``s = r + δ`` and use the exact rearrangement
``φ(r + δ) - φ(r) = (κ - nμ)·δ + κ·h(θδ)/θ`` with ``κ = λe^{-θr}`` (``nμ`` or ``λ``) and
``h(z) = 1 - e^{-z} - z`` evaluated without cancellation, so nothing is lost even when ``r`` is
1e300 seconds and the density 1e150 seconds wide. Each integral runs over the interval where its
log-integrand is within ``_NATS`` of its maximum (found by bracketing and bisection, which is
exact for a concave function); outside it the integrand is below ``e^{-_NATS}`` of its peak, so the
neglected mass is below ``e^{-_NATS}·(window + 1/slope)`` relative, far under double precision.
Inside, composite Gauss-Legendre with ``_PANELS × _NODES`` points integrates the smooth
log-concave integrand to double precision (checked against the series and mpmath in the tests).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ccmm.staffing._erlang_a_kernel import ErlangAMeasures, measures_from_conditionals

FloatArray = NDArray[np.float64]

_NATS = 60.0
_GRADES = 24  # panels on each side of the mode
_NODES = 16  # Gauss-Legendre nodes per panel
_BISECTIONS = 2  # the edge only needs to be on the safe side; the panels are graded anyway
_GL_X, _GL_W = np.polynomial.legendre.leggauss(_NODES)
_GL_U = (_GL_X + 1.0) / 2.0  # nodes on [0, 1]
_GL_W01 = _GL_W / 2.0
# Relative positions of the panel edges on one side: 0, then doubling widths up to 1.
_GRADING = (2.0 ** np.arange(_GRADES + 1) - 1.0) / (2.0**_GRADES - 1.0)


def _h(z: FloatArray) -> FloatArray:
    """``1 - e^{-z} - z`` for any real z, with full relative precision near 0."""
    small = np.abs(z) < 1e-2
    zs = np.where(small, z, 0.0)
    # -z²/2 + z³/6 - z⁴/24 + z⁵/120 - z⁶/720 + z⁷/5040 (next term ~1e-19 relative)
    series = (
        zs
        * zs
        * (-0.5 + zs * (1 / 6 + zs * (-1 / 24 + zs * (1 / 120 + zs * (-1 / 720 + zs / 5040)))))
    )
    with np.errstate(over="ignore"):
        direct = -np.expm1(-np.where(small, 0.0, z)) - np.where(small, 0.0, z)
    result: FloatArray = np.where(small, series, direct)
    return result


class _Chain:
    """Per-element constants of the shifted log-densities (flat arrays, same length)."""

    def __init__(self, lam: FloatArray, n_mu: FloatArray, theta: FloatArray) -> None:
        self.lam, self.n_mu, self.theta = lam, n_mu, theta
        interior = lam > n_mu
        # r = log(λ/nμ)/θ = log1p((λ - nμ)/nμ)/θ, the mode of φ on s >= 0.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            excess = np.where(interior, (lam - n_mu) / n_mu, 0.0)
            self.r = np.where(interior, np.log1p(excess) / theta, 0.0)
            # φ(r) = (nμ/θ)·(x - log1p(x)) with x = λ/nμ - 1, without cancellation.
            q = np.where(
                excess < 1e-3,
                excess * excess * (0.5 - excess / 3.0 + excess * excess / 4.0),
                excess - np.log1p(excess),
            )
            self.phi_r = np.where(interior, n_mu / theta * q, 0.0)
        self.kappa = np.where(interior, n_mu, lam)  # λ·e^{-θr}

    def log_j(self, delta: FloatArray, rows: NDArray[np.intp] | slice) -> FloatArray:
        """``φ(r + δ) - φ(r)``; ``delta`` has shape (len(rows),) or (len(rows), k)."""
        kappa, n_mu, theta = self.kappa[rows], self.n_mu[rows], self.theta[rows]
        if delta.ndim == 2:
            kappa, n_mu, theta = kappa[:, None], n_mu[:, None], theta[:, None]
        result: FloatArray = (kappa - n_mu) * delta + kappa * _h(theta * delta) / theta
        return result

    def log_a(self, delta: FloatArray, rows: NDArray[np.intp] | slice) -> FloatArray:
        """``φ(r + δ) - φ(r) - θδ``: the answered integrand, over ``e^{-θr}``."""
        theta = self.theta[rows]
        if delta.ndim == 2:
            theta = theta[:, None]
        result: FloatArray = self.log_j(delta, rows) - theta * delta
        return result


def _edge(
    chain: _Chain,
    which: str,
    mode: FloatArray,
    peak: FloatArray,
    direction: float,
    limit: FloatArray,
    scale: FloatArray,
) -> FloatArray:
    """The δ beyond ``mode`` (towards ``direction``, not past ``limit``) where the log-integrand
    has fallen ``_NATS`` below ``peak``; ``limit`` itself when it never falls that far."""
    size = mode.size
    rows = np.arange(size)
    value = chain.log_j if which == "j" else chain.log_a
    at_limit = np.isfinite(limit)
    reached = np.zeros(size, dtype=bool)
    if np.any(at_limit):
        reached[at_limit] = value(limit[at_limit], rows[at_limit]) >= peak[at_limit] - _NATS
    near = mode.copy()
    step = 8.0 * scale  # a Gaussian falls 60 nats at 11 widths, an exponential at 60
    far = np.where(reached, limit, mode + direction * step)
    pending = ~reached
    # Widen until the value is below the threshold (or the limit is passed).
    for _ in range(2100):
        if not np.any(pending):
            break
        idx = np.flatnonzero(pending)
        candidate = mode[idx] + direction * step[idx]
        beyond = at_limit[idx] & (direction * (candidate - limit[idx]) >= 0.0)
        candidate = np.where(beyond, limit[idx], candidate)
        below = value(candidate, idx) < peak[idx] - _NATS
        done = below | beyond
        far[idx] = candidate
        still = idx[~done]
        near[still] = candidate[~done]
        step[still] *= 2.0
        pending[idx[done]] = False
    # Bisect between near (above the threshold) and far (below it).
    lo, hi = near, far
    todo = np.flatnonzero(~reached)
    for _ in range(_BISECTIONS):
        if not todo.size:
            break
        mid = 0.5 * (lo[todo] + hi[todo])
        above = value(mid, todo) >= peak[todo] - _NATS
        lo[todo[above]] = mid[above]
        hi[todo[~above]] = mid[~above]
    return np.where(reached, limit, hi)


def _integrate(
    chain: _Chain,
    which: str,
    edges: FloatArray,
    peak: FloatArray,
    *,
    weight_delta: bool,
    cut: FloatArray | None = None,
) -> FloatArray:
    """``∫ e^{L(δ) - peak}`` (times δ when ``weight_delta``) over the panels ``edges``
    (shape (size, panels + 1), increasing), stopped at ``cut`` when given."""
    if cut is not None:
        edges = np.minimum(edges, cut[:, None])
    left, width = edges[:, :-1], np.diff(edges, axis=1)
    delta = (left[:, :, None] + width[:, :, None] * _GL_U[None, None, :]).reshape(len(edges), -1)
    rows = slice(None)
    value = chain.log_j(delta, rows) if which == "j" else chain.log_a(delta, rows)
    with np.errstate(under="ignore"):
        terms = np.exp(np.minimum(value - peak[:, None], 0.0))
    if weight_delta:
        terms = terms * delta
    weighted = terms.reshape((*width.shape, _NODES)) @ _GL_W01
    result: FloatArray = np.sum(weighted * width, axis=1)
    return result


def _graded_edges(mode: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Panel edges from ``lo`` to ``hi``, finest at ``mode`` and doubling away from it, so that
    features at any scale from the window down to 2^-_GRADES of it are resolved."""
    left = mode[:, None] - (mode - lo)[:, None] * _GRADING[None, ::-1]
    right = mode[:, None] + (hi - mode)[:, None] * _GRADING[None, 1:]
    edges: FloatArray = np.concatenate([left, right], axis=1)
    return edges


def erlang_a_integral(
    arrival_rate: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    agents: FloatArray,
    inverse_b: FloatArray,
    threshold_seconds: FloatArray,
) -> ErlangAMeasures:
    """Erlang A measures by quadrature; same contract as ``erlang_a_flat``."""
    n_mu = agents / aht
    theta = 1.0 / patience
    chain = _Chain(arrival_rate, n_mu, theta)
    size = arrival_rate.size
    inf = np.full(size, np.inf)
    rows = np.arange(size)
    lower = -chain.r  # δ >= -r, i.e. s >= 0
    curvature = np.sqrt(chain.kappa * theta)
    scale = 1.0 / (curvature + np.abs(n_mu - chain.kappa) + theta)

    # J: mode at δ = 0, peak 0.
    zero = np.zeros(size)
    j_lo = _edge(chain, "j", zero, zero, -1.0, lower, scale)
    j_hi = _edge(chain, "j", zero, zero, 1.0, inf, scale)
    j_int = _integrate(chain, "j", _graded_edges(zero, j_lo, j_hi), zero, weight_delta=False)

    # Answered integrand: mode where κe^{-θδ} = nμ + θ, i.e. δ = -log1p((nμ + θ - κ)/κ)/θ.
    with np.errstate(divide="ignore", invalid="ignore"):
        a_mode = -np.log1p((n_mu + theta - chain.kappa) / chain.kappa) / theta
    a_mode = np.maximum(np.where(np.isfinite(a_mode), a_mode, lower), lower)
    a_peak = chain.log_a(a_mode, rows)
    a_lo = _edge(chain, "a", a_mode, a_peak, -1.0, lower, scale)
    a_hi = _edge(chain, "a", a_mode, a_peak, 1.0, inf, scale)
    a_edges = _graded_edges(a_mode, a_lo, a_hi)
    a_int = _integrate(chain, "a", a_edges, a_peak, weight_delta=False)
    a_delta = _integrate(chain, "a", a_edges, a_peak, weight_delta=True)
    cut = np.maximum(threshold_seconds - chain.r, a_lo)
    a_within = _integrate(chain, "a", a_edges, a_peak, weight_delta=False, cut=cut)

    # Ratios to J: e^{-θr} = κ/λ, and the answered integrals carry e^{a_peak}.
    factor = chain.kappa / arrival_rate * np.exp(a_peak) / j_int
    answered_given_wait = np.minimum(factor * a_int, 1.0)
    within_given_wait = np.minimum(factor * a_within, answered_given_wait)
    waited_given_wait = (factor * a_int) * chain.r + factor * a_delta

    # P(wait) = S/(1/B - 1 + S), S = nμ·J = nμ·e^{φ(r)}·j_int, in logs (φ(r) may be 1e300).
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        log_s = np.log(n_mu) + chain.phi_r + np.log(j_int)
        log_others = np.log(inverse_b - 1.0)
        wait = 1.0 / (1.0 + np.exp(np.minimum(log_others - log_s, 700.0)))
    return measures_from_conditionals(
        wait, answered_given_wait, within_given_wait, waited_given_wait
    )


def series_terms(
    arrival_rate: FloatArray, agents_rate: FloatArray, patience: FloatArray
) -> FloatArray:
    """Rough count of series terms: past the peak ``y - b`` plus a few widths ``sqrt(y)``."""
    y = arrival_rate * patience
    b = agents_rate * patience
    result: FloatArray = np.maximum(y - b, 0.0) + 12.0 * np.sqrt(y) + 40.0
    return result
