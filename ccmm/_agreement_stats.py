"""Agreement coefficients in numpy, on a rater x subject matrix of category codes.

``codes[r, s]`` is the index (into the sorted ``scale``) of the score rater ``r`` gave subject
``s``, or ``-1`` when that rater did not rate that subject. Every function returns ``None`` when
its coefficient is undefined for the data (no subject to compare, or no variation to correct for
chance); the caller turns that into a reason. Formulas are written out in ``docs/agreement.md``.

Imported lazily by `ccmm.agreement` so that ``import ccmm`` does not load numpy.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

Codes = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Weighting = Literal["unweighted", "linear", "quadratic"]

MISSING = -1


def _one_hot_counts(codes: Codes, categories: int) -> npt.NDArray[np.int64]:
    """(subjects, categories): how many raters put each subject in each category."""
    hits = codes[:, :, np.newaxis] == np.arange(categories)[np.newaxis, np.newaxis, :]
    counts: npt.NDArray[np.int64] = hits.sum(axis=0, dtype=np.int64)
    return counts


def exact_agreement(codes: Codes) -> tuple[float | None, int]:
    """Share of subjects rated by two or more raters on which all of them gave the same score.

    Returns the share (``None`` when no subject has two ratings) and the number of such subjects.
    """
    rated = codes != MISSING
    compared = rated.sum(axis=0) >= 2
    count = int(compared.sum())
    if count == 0:
        return None, 0
    highest = np.where(rated, codes, np.iinfo(np.int64).min).max(axis=0)
    lowest = np.where(rated, codes, np.iinfo(np.int64).max).min(axis=0)
    agreeing = int(((highest == lowest) & compared).sum())
    return agreeing / count, count


def _weights(categories: int, weighting: Weighting) -> Floats:
    index = np.arange(categories, dtype=np.float64)
    distance = np.abs(index[:, np.newaxis] - index[np.newaxis, :])
    if weighting == "unweighted":
        return (distance > 0).astype(np.float64)
    if weighting == "linear":
        return distance
    return distance**2


def cohen_kappa(
    first: Codes, second: Codes, categories: int
) -> tuple[dict[Weighting, float] | None, int]:
    """Cohen's kappa of two raters, unweighted and with linear and quadratic weights.

    Computed on the subjects both raters scored. Weights use category *positions* on the scale
    (0, 1, 2, ...), as Cohen (1968) and scikit-learn do. Returns ``None`` (with the count of
    subjects) when the chance disagreement is zero: both raters used one and the same category.
    """
    both = (first != MISSING) & (second != MISSING)
    subjects = int(both.sum())
    if subjects == 0:
        return None, 0
    pairs = first[both] * categories + second[both]
    observed = np.bincount(pairs, minlength=categories * categories).astype(np.float64)
    observed = observed.reshape(categories, categories)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / subjects
    kappas: dict[Weighting, float] = {}
    for weighting in ("unweighted", "linear", "quadratic"):
        w = _weights(categories, weighting)
        chance = float((w * expected).sum())
        if chance == 0.0:
            return None, subjects
        kappas[weighting] = 1.0 - float((w * observed).sum()) / chance
    return kappas, subjects


def fleiss_kappa(codes: Codes, categories: int) -> tuple[float | None, int]:
    """Fleiss' kappa (1971) over the subjects every rater scored.

    Fleiss' formula needs the same number of ratings per subject, so subjects with a missing
    rating are left out of this coefficient (the count of subjects used is returned and
    reported). ``None`` when no subject is complete or all ratings fall in one category.
    """
    raters = codes.shape[0]
    complete = (codes != MISSING).all(axis=0)
    subjects = int(complete.sum())
    if subjects == 0 or raters < 2:
        return None, subjects
    counts = _one_hot_counts(codes[:, complete], categories).astype(np.float64)
    shares = counts.sum(axis=0) / (subjects * raters)
    per_subject = ((counts**2).sum(axis=1) - raters) / (raters * (raters - 1))
    observed = float(per_subject.mean())
    chance = float((shares**2).sum())
    if chance == 1.0:
        return None, subjects
    return (observed - chance) / (1.0 - chance), subjects


def krippendorff_alpha(
    codes: Codes, scale: Floats, level: Literal["ordinal", "interval"]
) -> tuple[float | None, int]:
    """Krippendorff's alpha from the coincidence matrix; missing ratings allowed.

    Subjects with fewer than two ratings carry no pair and drop out of the coincidences (that
    is the definition, not a choice). Returns alpha (``None`` when no subject has two ratings or
    the pairable values show no variation) and the number of pairable subjects.
    """
    categories = len(scale)
    counts = _one_hot_counts(codes, categories).astype(np.float64)
    per_subject = counts.sum(axis=1)
    pairable = per_subject >= 2
    subjects = int(pairable.sum())
    if subjects == 0:
        return None, 0
    counts = counts[pairable]
    inverse = 1.0 / (per_subject[pairable] - 1.0)
    # o[c, k] = sum over subjects of (pairs c-k within the subject) / (ratings of subject - 1)
    coincidences = (counts * inverse[:, np.newaxis]).T @ counts
    coincidences -= np.diag((counts * inverse[:, np.newaxis]).sum(axis=0))
    marginals = coincidences.sum(axis=0)
    total = float(marginals.sum())
    if level == "interval":
        distance = (scale[:, np.newaxis] - scale[np.newaxis, :]) ** 2
    else:
        # Ordinal distance: (sum of marginals from c to k inclusive - (n_c + n_k) / 2) squared.
        cumulative = np.cumsum(marginals)
        low = np.minimum.outer(np.arange(categories), np.arange(categories))
        high = np.maximum.outer(np.arange(categories), np.arange(categories))
        between = cumulative[high] - cumulative[low] + marginals[low]
        distance = (between - (marginals[low] + marginals[high]) / 2.0) ** 2
    chance = float((np.outer(marginals, marginals) * distance).sum())
    if chance == 0.0:
        return None, subjects
    return 1.0 - (total - 1.0) * float((coincidences * distance).sum()) / chance, subjects


__all__ = [
    "MISSING",
    "Codes",
    "Floats",
    "Weighting",
    "cohen_kappa",
    "exact_agreement",
    "fleiss_kappa",
    "krippendorff_alpha",
]
