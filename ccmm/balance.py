"""Method versus execution: where the F-Rate (execution) runs ahead of the C-Rate (method).

An item rated higher on execution than on method is carried out without a compliant, written
method behind it — a classic audit finding, since the practice depends on people rather than on
the system. Beside those items, the C/F balance of each domain compares the two sums.

Only rated items count: an item left out of the assessment (an optional domain) has neither a
method nor an execution rating, so it is counted in ``items`` but not in ``rated_items`` or the
sums. Balances are ratios of sums over the rated items, never means of per-item ratios.
"""

from __future__ import annotations

from fractions import Fraction

from ccmm._errors import AssessmentError
from ccmm._guard import checked_arguments
from ccmm._model import FrozenModel, trusted
from ccmm._text import Text
from ccmm.assessment import Assessment
from ccmm.scoring import resolve_standard
from ccmm.standard import Standard

ALL_DOMAINS = Text(en="All domains", zh="全部领域")


class ItemBalance(FrozenModel):
    """The two ratings of one item."""

    item: str
    domain: str
    section: str
    c_rate: int
    f_rate: int


class DomainBalance(FrozenModel):
    """C-Rate against F-Rate over the rated items of one domain (or of all, id ``"all"``).

    ``difference`` is ``c_sum - f_sum`` (negative: execution ahead of method); ``c_share`` and
    ``f_share`` are the sums over their maximum (None without rated items); ``c_to_f`` is
    ``c_sum / f_sum`` (None when ``f_sum`` is 0). ``f_above_c``, ``c_above_f`` and ``equal``
    count rated items.
    """

    id: str
    name: Text
    items: int
    rated_items: int
    c_sum: int
    f_sum: int
    max_sum: int
    difference: int
    c_share: Fraction | None
    f_share: Fraction | None
    c_to_f: Fraction | None
    f_above_c: int
    c_above_f: int
    equal: int


class MethodExecution(FrozenModel):
    """The result of [`method_execution`][ccmm.method_execution].

    ``f_exceeds_c`` lists the items whose F-Rate exceeds their C-Rate, in catalogue order;
    ``domains`` the balance of every domain in the standard's order; ``overall`` over all items.
    """

    standard_id: str
    edition: str
    organisation: str
    f_exceeds_c: tuple[ItemBalance, ...]
    domains: tuple[DomainBalance, ...]
    overall: DomainBalance


def _balance(
    area_id: str, name: Text, items: int, pairs: list[tuple[int, int]], top: int
) -> DomainBalance:
    c_sum = sum(c for c, _ in pairs)
    f_sum = sum(f for _, f in pairs)
    max_sum = top * len(pairs)
    return trusted(
        DomainBalance,
        id=area_id,
        name=name,
        items=items,
        rated_items=len(pairs),
        c_sum=c_sum,
        f_sum=f_sum,
        max_sum=max_sum,
        difference=c_sum - f_sum,
        c_share=Fraction(c_sum, max_sum) if max_sum else None,
        f_share=Fraction(f_sum, max_sum) if max_sum else None,
        c_to_f=Fraction(c_sum, f_sum) if f_sum else None,
        f_above_c=sum(1 for c, f in pairs if f > c),
        c_above_f=sum(1 for c, f in pairs if c > f),
        equal=sum(1 for c, f in pairs if c == f),
    )


@checked_arguments
def method_execution(assessment: Assessment, standard: Standard | None = None) -> MethodExecution:
    """Items executed beyond their method (F-Rate > C-Rate) and the C/F balance per domain.

    Raises [`ccmm.AssessmentError`][] for item ids the standard does not have; items left out
    are reported by [`ccmm.evaluate`][], not here (they have no ratings to compare).
    """
    std = resolve_standard(assessment, standard)
    unknown = [i for i in assessment.scores if not std.has_item(i)]
    if unknown:
        raise AssessmentError(
            f"assessment of {assessment.organisation!r}: {len(unknown)} item id(s) not in "
            f"{std.id} {std.edition}: {', '.join(map(repr, unknown))}"
        )
    per_domain: dict[str, list[tuple[int, int]]] = {d.id: [] for d in std.domains}
    size: dict[str, int] = {d.id: 0 for d in std.domains}
    ahead = []
    for item in std.items:
        size[item.domain] += 1
        score = assessment.scores.get(item.id)
        if score is None:
            continue
        per_domain[item.domain].append((score.c_rate, score.f_rate))
        if score.f_rate > score.c_rate:
            ahead.append(
                trusted(
                    ItemBalance,
                    item=item.id,
                    domain=item.domain,
                    section=item.section,
                    c_rate=score.c_rate,
                    f_rate=score.f_rate,
                )
            )
    top = std.max_rating
    domains = tuple(_balance(d.id, d.name, size[d.id], per_domain[d.id], top) for d in std.domains)
    every = [pair for d in std.domains for pair in per_domain[d.id]]
    return trusted(
        MethodExecution,
        standard_id=std.id,
        edition=std.edition,
        organisation=assessment.organisation,
        f_exceeds_c=tuple(ahead),
        domains=domains,
        overall=_balance("all", ALL_DOMAINS, len(std.items), every, top),
    )


__all__ = ["DomainBalance", "ItemBalance", "MethodExecution", "method_execution"]


def __dir__() -> list[str]:
    return list(__all__)
