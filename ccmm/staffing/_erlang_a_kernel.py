"""Erlang A (M/M/n+M) kernel (private): one pass over the queue position seen on arrival.

Model: Poisson arrivals at rate ``lam``, ``n`` agents each serving at rate ``mu = 1/AHT``, every
waiting caller abandons at rate ``theta = 1/mean patience``. With ``b = n·mu/theta`` and
``y = lam/theta``, an arrival that finds all agents busy and ``j`` callers already waiting has
relative probability ``a_j = Π_{i=1..j} y/(b+i)`` (Palm; Garnett, Mandelbaum & Reiman 2002), so
``P(wait) = S / (1/B - 1 + S)`` with ``S = Σ a_j`` (= ``A(b, y)`` of Mandelbaum & Zeltyn) and
``B`` Erlang B for ``n`` agents.

Such a caller's *offered* wait (the wait with infinite patience) is a sum of exponentials with
rates ``n·mu + i·theta``, ``i = 0..j``, so ``U = exp(-theta·V)`` is Beta(b, j+1). Hence, given
``j``:

* P(answered) = E[U] = b/(b+j+1);
* P(answered within t) = b/(b+j+1) · (1 - I_c(b+1, j+1)), ``c = exp(-theta·t)``, where
  ``I_c(b+1, j+1)`` is the negative-binomial distribution function ``P(K <= j)``,
  ``K ~ NB(b+1, c)``, accumulated term by term;
* E[wait; answered] = b/(b+j+1) · Σ_{i=1..j+1} 1/(n·mu + i·theta).

Sums run until the remaining terms are below 1e-17 of the total; ``a_j`` and the
negative-binomial terms are carried with a scale exponent so nothing overflows or underflows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

_RESCALE = 1e200
_LOG_RESCALE = math.log(_RESCALE)
_TAIL = 1e-17
# The negative-binomial first term exp(-(n·mu + theta)·t) is kept at least exp(-_NB_FLOOR).
_NB_FLOOR = 600.0


@dataclass(frozen=True)
class ErlangAMeasures:
    """Per-element Erlang A measures (flat arrays)."""

    wait_probability: FloatArray
    abandon_probability: FloatArray
    service_level: FloatArray
    asa_seconds: FloatArray


def erlang_a_flat(
    arrival_rate: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    agents: FloatArray,
    inverse_b: FloatArray,
    target_seconds: FloatArray,
) -> ErlangAMeasures:
    """Erlang A for flat arrays; elements must have arrival_rate > 0 and agents >= 1.

    ``inverse_b`` is ``1/B(A, n)`` (Erlang B) for each element.
    """
    size = arrival_rate.size
    service_rate = agents / aht  # n·mu
    theta = 1.0 / patience
    b = service_rate * patience
    y = arrival_rate * patience

    # Running state, compacted as elements finish.
    idx = np.arange(size)
    term = np.ones(size)  # a_j (scaled)
    total = np.zeros(size)  # Σ a_j
    answered = np.zeros(size)  # Σ a_j·b/(b+j+1)
    within = np.zeros(size)  # Σ a_j·b/(b+j+1)·(1 - F_j)
    waited = np.zeros(size)  # Σ a_j·b/(b+j+1)·H_j
    scale = np.zeros(size)  # log of the factor dividing the four sums above
    harmonic = np.zeros(size)  # H_j = Σ_{i=1..j+1} 1/(n·mu + i·theta)
    decay = theta * target_seconds  # -log c
    nb_offset = np.maximum((service_rate + theta) * target_seconds - _NB_FLOOR, 0.0)
    nb_term = np.exp(-((service_rate + theta) * target_seconds - nb_offset))  # scaled q_0
    nb_cdf = np.zeros(size)  # scaled F_j = P(K <= j)
    one_minus_c = -np.expm1(-decay)

    out_total = np.zeros(size)
    out_answered = np.zeros(size)
    out_within = np.zeros(size)
    out_waited = np.zeros(size)
    out_scale = np.zeros(size)

    s_b, s_y, s_mu_n, s_theta = b, y, service_rate, theta
    s_nb_off, s_one_minus_c = nb_offset, one_minus_c
    j = 0
    while idx.size:
        harmonic = harmonic + 1.0 / (s_mu_n + (j + 1) * s_theta)
        if j > 0:
            nb_term = nb_term * ((s_b + j) * s_one_minus_c / j)
        nb_cdf = nb_cdf + nb_term
        served = s_b / (s_b + j + 1.0)
        true_cdf = np.minimum(nb_cdf * np.exp(-s_nb_off), 1.0)
        total = total + term
        weighted = term * served
        answered = answered + weighted
        within = within + weighted * (1.0 - true_cdf)
        waited = waited + weighted * harmonic

        # Keep the negative-binomial terms finite: move their scale into the offset.
        big_nb = nb_term > _RESCALE
        if np.any(big_nb):
            nb_term = np.where(big_nb, nb_term / _RESCALE, nb_term)
            nb_cdf = np.where(big_nb, nb_cdf / _RESCALE, nb_cdf)
            s_nb_off = np.where(big_nb, s_nb_off - _LOG_RESCALE, s_nb_off)

        ratio = s_y / (s_b + j + 1.0)
        term = term * ratio
        big = term > _RESCALE
        if np.any(big):
            term = np.where(big, term / _RESCALE, term)
            total = np.where(big, total / _RESCALE, total)
            answered = np.where(big, answered / _RESCALE, answered)
            within = np.where(big, within / _RESCALE, within)
            waited = np.where(big, waited / _RESCALE, waited)
            scale = np.where(big, scale + _LOG_RESCALE, scale)
        # Finished once terms decrease and their geometric tail bound is negligible.
        finished = (ratio < 1.0) & (
            term * ratio / (1.0 - np.minimum(ratio, 0.999999)) <= _TAIL * total
        )
        if np.any(finished):
            done = idx[finished]
            out_total[done] = total[finished]
            out_answered[done] = answered[finished]
            out_within[done] = within[finished]
            out_waited[done] = waited[finished]
            out_scale[done] = scale[finished]
            keep = ~finished
            idx = idx[keep]
            term, total, answered, within, waited, scale = (
                term[keep],
                total[keep],
                answered[keep],
                within[keep],
                waited[keep],
                scale[keep],
            )
            harmonic, nb_term, nb_cdf = harmonic[keep], nb_term[keep], nb_cdf[keep]
            s_b, s_y, s_mu_n, s_theta = s_b[keep], s_y[keep], s_mu_n[keep], s_theta[keep]
            s_nb_off, s_one_minus_c = s_nb_off[keep], s_one_minus_c[keep]
        j += 1

    # P(wait) = S/(1/B - 1 + S) with S = out_total·exp(out_scale).
    with np.errstate(over="ignore", under="ignore"):
        others = (inverse_b - 1.0) * np.exp(-out_scale) / out_total
    wait = 1.0 / (1.0 + others)
    answered_given_wait = out_answered / out_total
    within_given_wait = out_within / out_total
    waited_given_wait = out_waited / out_total
    return measures_from_conditionals(
        wait, answered_given_wait, within_given_wait, waited_given_wait
    )


def measures_from_conditionals(
    wait: FloatArray,
    answered_given_wait: FloatArray,
    within_given_wait: FloatArray,
    waited_given_wait: FloatArray,
) -> ErlangAMeasures:
    """The four measures from P(wait) and, given a wait, P(answered), P(answered within the
    threshold) and E[wait; answered]: callers who do not wait are answered at once."""
    abandon = wait * (1.0 - answered_given_wait)
    service = (1.0 - wait) + wait * within_given_wait
    answered_share = (1.0 - wait) + wait * answered_given_wait
    asa = wait * waited_given_wait / answered_share
    return ErlangAMeasures(
        wait_probability=wait,
        abandon_probability=np.clip(abandon, 0.0, 1.0),
        service_level=np.clip(service, 0.0, 1.0),
        asa_seconds=asa,
    )
