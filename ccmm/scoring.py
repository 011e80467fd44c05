"""The level evaluator: which level an assessment reaches, and why, rule by rule.

Every rule comes from the standard's data ([`ccmm.standard.LevelRule`][]); nothing about
CC-CMM is written here. The semantics, also documented in ``docs/evaluation.md``:

* a share rule ``(scope, rating, minimum)`` holds when the share of the scope that is "met" is at
  least ``minimum``, compared exactly with integers. What "met" means is the *reading*
  (`ccmm._readings`): ``rated_10`` (the edition's default for CC-CMM-OC 2017: items whose
  ``rating`` is the top grade), ``rated_5_or_10`` (items rated above 0) or ``share_of_points``
  (points of the scope over its maximum); ``Evaluation.readings`` gives the level under each;
* the total is the sum of ``c_rate + f_rate`` over every item of the standard;
* a level is reached when its own rules and those of every level below hold (level 0: none);
* the minimum operating years compare with ``assessment.operating_years``; unknown years never
  meet the rule;
* items of an optional domain (5.0 in CC-CMM) may be left out and count 0; any other item left
  out raises [`ccmm.IncompleteAssessmentError`][] unless ``allow_missing=True``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import cache
from numbers import Integral
from typing import TYPE_CHECKING, Any, Literal

from ccmm._errors import (
    AssessmentError,
    IncompleteAssessmentError,
    InputDataError,
    StandardMismatchError,
)
from ccmm._guard import checked_arguments
from ccmm._model import FrozenModel, trusted
from ccmm._readings import COUNTED, READINGS, ShareReading, check_reading, unit_size
from ccmm._text import Text, quote
from ccmm.assessment import Assessment
from ccmm.standard import Rating, ShareRule, Standard

if TYPE_CHECKING:
    import pandas as pd

NO_LEVEL = Text(en="No level reached", zh="未达到任何等级")

_RATING_LABEL = {"c_rate": "C-Rate", "f_rate": "F-Rate"}


class RuleResult(FrozenModel):
    """One rule of one level, with what was observed and how far it is from holding.

    ``observed`` is what the reading counts (share rules: items, or points under
    ``share_of_points``), the points (total) or the operating years (``None`` when unknown);
    ``denominator`` and ``required`` are in the same unit, and ``short_by`` is how much is
    missing (0 when the rule holds, ``None`` when unknown).
    """

    level: int
    kind: Literal["share", "total", "operating_years"]
    label: str
    scope: str | None = None
    rating: Rating | None = None
    observed: int | float | None
    denominator: int | None = None
    share: Fraction | None = None
    minimum: Fraction | None = None
    required: int | float
    short_by: int | float | None
    holds: bool
    explanation: Text


class ReadingLevel(FrozenModel):
    """The level an assessment reaches under one reading of "met" (see `ccmm._readings`)."""

    reading: ShareReading
    level: int


class LevelResult(FrozenModel):
    """A level's own rules (``holds``) and whether it is reached with every level below it."""

    level: int
    name: Text
    holds: bool
    reached: bool
    rules: tuple[RuleResult, ...]


class AreaScore(FrozenModel):
    """C-Rate and F-Rate sums of a domain or section, with their maxima."""

    id: str
    name: Text
    items: int
    rated_items: int
    c_sum: int
    f_sum: int
    c_max: int
    f_max: int


class Evaluation(FrozenModel):
    """The result of [`evaluate`][ccmm.evaluate]: the level, every rule of every level, sums and
    gaps.

    ``reading`` is the reading of "met" the level and the share rules use; ``readings`` gives
    the level under every reading, so that a reader sees when the choice matters
    (``readings_differ``).
    """

    standard_id: str
    edition: str
    digest: str
    level: int
    level_name: Text
    levels: tuple[LevelResult, ...]
    total: int
    max_total: int
    domains: tuple[AreaScore, ...]
    sections: tuple[AreaScore, ...]
    not_assessed: tuple[str, ...]
    counted_as_zero: tuple[str, ...]
    domains_not_assessed: tuple[str, ...]
    operating_years: float | None
    reading: ShareReading = "rated_10"
    readings: tuple[ReadingLevel, ...] = ()

    @property
    def readings_differ(self) -> bool:
        """True when some reading of "met" gives another level than the others."""
        return len({r.level for r in self.readings}) > 1

    def readings_line(self, lang: Literal["en", "zh"] = "en") -> str:
        """One line naming the level under every reading (say it when they differ)."""
        if lang == "zh":
            shown = "，".join(f"{r.reading} 下为 L{r.level}" for r in self.readings)
            return f"等级取决于份额规则中“达标”的解读：{shown}（采用：{self.reading}）"
        shown = ", ".join(f"L{r.level} under {r.reading}" for r in self.readings)
        return (
            f"the level depends on the reading of the share rules: {shown} (used: {self.reading})"
        )

    def level_result(self, level: int) -> LevelResult:
        """The [`LevelResult`][ccmm.LevelResult] of ``level`` (1-based)."""
        return self.levels[level - 1]

    @property
    def rules(self) -> tuple[RuleResult, ...]:
        """Every rule of every level, level by level."""
        return tuple(r for lv in self.levels for r in lv.rules)

    def explain(self, lang: Literal["en", "zh"] = "en") -> str:
        """The full explanation, one line per rule."""
        head = (
            f"L{self.level} {self.level_name.get(lang)}"
            if self.level
            else self.level_name.get(lang)
        )
        lines = [f"{self.standard_id} {self.edition}: {head}; total {self.total}/{self.max_total}"]
        for lv in self.levels:
            mark = "reached" if lv.reached else ("holds" if lv.holds else "not met")
            if lang == "zh":
                mark = "达到" if lv.reached else ("本级规则满足" if lv.holds else "未满足")
            lines.append(f"L{lv.level} {lv.name.get(lang)}: {mark}")
            lines.extend(f"  {'✓' if r.holds else '✗'} {r.explanation.get(lang)}" for r in lv.rules)
        if self.domains_not_assessed:
            lines.append(f"not assessed: domain(s) {', '.join(self.domains_not_assessed)}")
        if self.counted_as_zero:
            lines.append(f"counted as 0: {', '.join(self.counted_as_zero)}")
        if self.readings_differ:
            lines.append(self.readings_line(lang))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Notebook display (rendered by `ccmm.report`, imported only when displayed)."""
        from ccmm.report import fragment_html, section_for

        return fragment_html(section_for(self))

    def plot(self, *, ax: Any = None, lang: Literal["en", "zh"] = "en") -> Any:
        """A matplotlib chart of this result (needs the ``plot`` extra); returns the Axes."""
        from ccmm._plot import plot_evaluation

        return plot_evaluation(self, ax=ax, lang=lang)


# ---- exact arithmetic -----------------------------------------------------------------------
@checked_arguments
def items_needed(minimum: Fraction, denominator: int) -> int:
    """Fewest items at the top grade that make ``count / denominator >= minimum`` (exact)."""
    return -(-minimum.numerator * denominator // minimum.denominator)


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:.1f}%" if den else "n/a"


@cache
def _fmt_pct(share: Fraction) -> str:
    value = 100 * share
    return f"{int(value)}%" if value.denominator == 1 else f"{float(value):.1f}%"


def _years(value: float) -> str:
    return f"{value:g}"


# ---- resolving the standard and checking the assessment --------------------------------------
@checked_arguments
def resolve_standard(assessment: Assessment, standard: Standard | None) -> Standard:
    """The standard to evaluate against: ``standard``, else the shipped one the assessment names."""
    from ccmm._loader import load_standard

    if standard is None:
        standard = load_standard(assessment.standard_id, assessment.edition)
    if (assessment.standard_id, assessment.edition) != (standard.id, standard.edition):
        raise StandardMismatchError(
            f"assessment of {assessment.organisation!r} is for {assessment.standard_id} "
            f"{assessment.edition}, but the standard given is {standard.id} {standard.edition}"
        )
    return standard


def _check_items(assessment: Assessment, standard: Standard, allow_missing: bool) -> list[str]:
    unknown = [i for i in assessment.scores if not standard.has_item(i)]
    if unknown:
        raise AssessmentError(
            f"assessment of {assessment.organisation!r}: {len(unknown)} item id(s) not in "
            f"{standard.id} {standard.edition}: {', '.join(map(repr, unknown))}"
        )
    optional = set(standard.optional_domains)
    missing = [
        i.id for i in standard.items if i.id not in assessment.scores and i.domain not in optional
    ]
    if missing and not allow_missing:
        raise IncompleteAssessmentError(
            f"assessment of {assessment.organisation!r} leaves {len(missing)} required item(s) "
            f"unrated: {', '.join(missing)} (pass allow_missing=True to count them as 0)",
            missing=missing,
        )
    return missing


# ---- building rule results ------------------------------------------------------------------
@checked_arguments
def share_rule_result(
    level: int,
    rule: ShareRule,
    count: int,
    denominator: int,
    standard: Standard,
    reading: ShareReading = "rated_10",
) -> RuleResult:
    """The [`RuleResult`][ccmm.RuleResult] of a share rule given what ``reading`` counts in its
    scope (items, or points under ``share_of_points``) and the scope's size in the same unit."""
    scope = standard.scope(rule.scope)
    need = items_needed(rule.minimum, denominator)
    short = max(0, need - count)
    holds = count * rule.minimum.denominator >= rule.minimum.numerator * denominator
    label = f"{_RATING_LABEL[rule.rating]} {scope.name.en}"
    meaning = COUNTED[reading][rule.rating]
    points = reading == "share_of_points"
    unit_en, unit_zh = ("points", "分") if points else ("items", "项")
    verdict_en = "met" if holds else f"{short} short"
    verdict_zh = "满足" if holds else f"差{short}{unit_zh}"
    if points:
        en = f"L{level} {label}: {count} of {denominator} {meaning.en}"
        zh = f"L{level} {_RATING_LABEL[rule.rating]} {scope.name.zh}：{denominator}分中得{count}分"
    else:
        en = f"L{level} {label}: {count} of {denominator} items {meaning.en}"
        zh = (
            f"L{level} {_RATING_LABEL[rule.rating]} {scope.name.zh}：{denominator}项中{count}项"
            f"{meaning.zh}"
        )
    en += (
        f" ({_pct(count, denominator)}); needs {_fmt_pct(rule.minimum)} ({need} {unit_en}): "
        f"{verdict_en}"
    )
    zh += (
        f"（{_pct(count, denominator)}）；要求{_fmt_pct(rule.minimum)}（{need}{unit_zh}）："
        f"{verdict_zh}"
    )
    return trusted(
        RuleResult,
        level=level,
        kind="share",
        label=label,
        scope=rule.scope,
        rating=rule.rating,
        observed=count,
        denominator=denominator,
        share=Fraction(count, denominator) if denominator else None,
        minimum=rule.minimum,
        required=need,
        short_by=short,
        holds=holds,
        explanation=trusted(Text, en=en, zh=zh),
    )


@checked_arguments
def total_rule_result(level: int, total: int, min_total: int, max_total: int) -> RuleResult:
    short = max(0, min_total - total)
    holds = total >= min_total
    en = f"L{level} total: {total} of {max_total} points; needs {min_total}: " + (
        "met" if holds else f"{short} short"
    )
    zh = f"L{level} 总分：{total}/{max_total}分；要求{min_total}分：" + (
        "满足" if holds else f"差{short}分"
    )
    return trusted(
        RuleResult,
        level=level,
        kind="total",
        label="total",
        observed=total,
        required=min_total,
        short_by=short,
        holds=holds,
        explanation=trusted(Text, en=en, zh=zh),
    )


@checked_arguments
def years_rule_result(level: int, years: float | None, minimum: float) -> RuleResult:
    if years is None:
        holds, short = False, None
        en = f"L{level} operating years: unknown; needs {_years(minimum)}: not met (unknown)"
        zh = f"L{level} 运营年限：未知；要求{_years(minimum)}年：未满足（年限未知）"
    else:
        holds = years >= minimum
        short = 0 if holds else minimum - years
        en = f"L{level} operating years: {_years(years)}; needs {_years(minimum)}: " + (
            "met" if holds else f"{_years(minimum - years)} short"
        )
        zh = f"L{level} 运营年限：{_years(years)}年；要求{_years(minimum)}年：" + (
            "满足" if holds else f"差{_years(minimum - years)}年"
        )
    return trusted(
        RuleResult,
        level=level,
        kind="operating_years",
        label="operating years",
        observed=years,
        required=minimum,
        short_by=short,
        holds=holds,
        explanation=trusted(Text, en=en, zh=zh),
    )


@checked_arguments
def level_results(
    standard: Standard,
    *,
    top_counts: dict[tuple[Rating, str], int],
    total: int,
    operating_years: float | None,
    reading: ShareReading = "rated_10",
) -> tuple[LevelResult, ...]:
    """Every level's rule results from what ``reading`` counts per (rating, scope) (top-grade
    items under ``rated_10``) and the total."""
    needed = sorted({(r.rating, r.scope) for lv in standard.levels for r in lv.share_rules})
    # The guard checks one entry of a mapping; every count the rules read is checked here.
    bad = [
        f"{rating}/{scope}: "
        + ("missing" if (rating, scope) not in top_counts else quote(top_counts[(rating, scope)]))
        for rating, scope in needed
        if not _is_count(top_counts.get((rating, scope)))
    ]
    if bad:
        raise InputDataError(
            "top_counts needs a whole number >= 0 for every (rating, scope) the level rules "
            f"read; got {'; '.join(bad[:10])}",
            problems=bad,
        )
    per_item = unit_size(reading, standard.max_rating)
    denominators = {k: n * per_item for k, n in standard.scope_sizes.items()}
    results = []
    reached_so_far = True
    for lv in standard.levels:
        rules = [
            share_rule_result(
                lv.level,
                r,
                top_counts[(r.rating, r.scope)],
                denominators[r.scope],
                standard,
                reading,
            )
            for r in lv.share_rules
        ]
        rules.append(total_rule_result(lv.level, total, lv.min_total, standard.max_total))
        if lv.min_operating_years is not None:
            rules.append(years_rule_result(lv.level, operating_years, lv.min_operating_years))
        holds = all(r.holds for r in rules)
        reached_so_far = reached_so_far and holds
        results.append(
            trusted(
                LevelResult,
                level=lv.level,
                name=lv.name,
                holds=holds,
                reached=reached_so_far,
                rules=tuple(rules),
            )
        )
    return tuple(results)


def _is_count(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool) and int(value) >= 0


def _level_under(
    standard: Standard,
    counts: dict[tuple[Rating, str], int],
    total: int,
    operating_years: float | None,
    reading: ShareReading,
) -> int:
    """The level reached from the counts of ``reading`` alone (no explanations built)."""
    per_item = unit_size(reading, standard.max_rating)
    sizes = standard.scope_sizes
    level = 0
    for lv in standard.levels:
        holds = total >= lv.min_total and all(
            counts[(r.rating, r.scope)] * r.minimum.denominator
            >= r.minimum.numerator * sizes[r.scope] * per_item
            for r in lv.share_rules
        )
        if lv.min_operating_years is not None:
            holds = holds and operating_years is not None
            holds = holds and operating_years >= lv.min_operating_years  # type: ignore[operator]
        if not holds:
            break
        level = lv.level
    return level


@checked_arguments
def reached_level(levels: Sequence[LevelResult]) -> int:
    """The highest level reached (levels are cumulative); 0 when none."""
    level = 0
    for lv in levels:
        if not lv.reached:
            break
        level = lv.level
    return level


# ---- the evaluator --------------------------------------------------------------------------
@checked_arguments
def evaluate(
    assessment: Assessment,
    standard: Standard | None = None,
    *,
    allow_missing: bool = False,
    reading: ShareReading | None = None,
) -> Evaluation:
    """Evaluate ``assessment`` against ``standard`` (default: the shipped standard it names).

    ``reading`` is the reading of "met" in the share rules (``rated_10``, ``rated_5_or_10`` or
    ``share_of_points``; default: the one the edition names). ``Evaluation.readings`` gives the
    level under every reading. Pure: no I/O beyond loading a shipped standard once, no clock,
    no global state.
    """
    std = resolve_standard(assessment, standard)
    used = std.share_reading if reading is None else check_reading(reading)
    missing = _check_items(assessment, std, allow_missing)
    top = std.max_rating
    scores = assessment.scores
    n_d = len(std.domains)
    # Accumulators indexed by position: domains first, then sections (one pass, no dict churn).
    size = [0] * (n_d + len(std.sections))
    rated = size.copy()
    c_sum = size.copy()
    f_sum = size.copy()
    c_top = [0] * n_d
    f_top = [0] * n_d
    c_rated = [0] * n_d  # ratings above 0, for the rated_5_or_10 reading
    f_rated = [0] * n_d
    not_assessed = []
    for item_id, d, sec in std.item_positions:
        sec += n_d
        size[d] += 1
        size[sec] += 1
        score = scores.get(item_id)
        if score is None:
            not_assessed.append(item_id)
            continue
        c, f = score.c_rate, score.f_rate
        rated[d] += 1
        rated[sec] += 1
        c_sum[d] += c
        c_sum[sec] += c
        f_sum[d] += f
        f_sum[sec] += f
        if c == top:
            c_top[d] += 1
        if f == top:
            f_top[d] += 1
        if c:
            c_rated[d] += 1
        if f:
            f_rated[d] += 1
    total = sum(c_sum[:n_d]) + sum(f_sum[:n_d])
    d_pos = {d.id: k for k, d in enumerate(std.domains)}
    per_domain: dict[ShareReading, tuple[list[int], list[int]]] = {
        "rated_10": (c_top, f_top),
        "rated_5_or_10": (c_rated, f_rated),
        "share_of_points": (c_sum, f_sum),
    }
    counts: dict[ShareReading, dict[tuple[Rating, str], int]] = {}
    for name, (c_per, f_per) in per_domain.items():
        counts[name] = {}
        for scope in std.scopes:
            positions = [d_pos[d] for d in scope.domains]
            counts[name][("c_rate", scope.id)] = sum(c_per[k] for k in positions)
            counts[name][("f_rate", scope.id)] = sum(f_per[k] for k in positions)
    years = assessment.operating_years
    levels = level_results(
        std, top_counts=counts[used], total=total, operating_years=years, reading=used
    )
    level = reached_level(levels)
    readings = tuple(
        trusted(
            ReadingLevel,
            reading=name,
            level=level if name == used else _level_under(std, counts[name], total, years, name),
        )
        for name in READINGS
    )

    def area_score(k: int, area_id: str, name: Text) -> AreaScore:
        return trusted(
            AreaScore,
            id=area_id,
            name=name,
            items=size[k],
            rated_items=rated[k],
            c_sum=c_sum[k],
            f_sum=f_sum[k],
            c_max=size[k] * top,
            f_max=size[k] * top,
        )

    domains = tuple(area_score(k, d.id, d.name) for k, d in enumerate(std.domains))
    sections = tuple(
        area_score(n_d + k, s.id, s.name) for k, s in enumerate(std.sections) if size[n_d + k]
    )
    return trusted(
        Evaluation,
        standard_id=std.id,
        edition=std.edition,
        digest=std.digest,
        level=level,
        level_name=std.level(level).name if level else NO_LEVEL,
        levels=levels,
        total=total,
        max_total=std.max_total,
        domains=domains,
        sections=sections,
        not_assessed=tuple(not_assessed),
        counted_as_zero=tuple(missing),
        domains_not_assessed=tuple(d.id for d in domains if d.items and not d.rated_items),
        operating_years=assessment.operating_years,
        reading=used,
        readings=readings,
    )


@checked_arguments
def evaluate_many(
    scores_frame: pd.DataFrame | Iterable[pd.DataFrame],
    standard: Standard | None = None,
    *,
    allow_missing: bool = False,
    reading: ShareReading | None = None,
) -> pd.DataFrame:
    """Evaluate many assessments given as one long table, vectorised.

    ``scores_frame`` has columns ``assessment_id``, ``item``, ``c_rate``, ``f_rate`` and optionally
    ``operating_years`` (constant within an assessment; blank = unknown). Returns one row per
    assessment, in order of first appearance: ``assessment_id``, ``level``, ``total``,
    ``operating_years``, then ``<rating>_count[<scope>]`` and ``<rating>_share[<scope>]`` for
    every (rating, scope) the level rules use, ``L<n>_holds`` per level, and last
    ``level[<reading>]`` for every reading of "met" (the columns of
    [`Evaluation.readings`][ccmm.Evaluation]). ``reading`` is as in [`evaluate`][ccmm.evaluate]
    (default: the edition's): ``level``, the counts, shares and ``L<n>_holds`` are under it
    (counts are points under ``share_of_points``). The levels equal
    [`evaluate`][ccmm.evaluate]'s for every assessment and reading, and every value is validated
    by the same functions (ratings as in [`ItemScore`][ccmm.ItemScore], ``operating_years`` as in
    [`Assessment`][ccmm.Assessment]).

    ``scores_frame`` may also be an iterable of DataFrames (chunks, e.g. from
    ``pd.read_csv(..., chunksize=...)``): they are evaluated one at a time, so that peak memory is
    one chunk plus the result. An assessment's rows may run from one chunk into the next but must
    be together (e.g. sorted by ``assessment_id``).
    """
    from ccmm._many import evaluate_frame

    return evaluate_frame(scores_frame, standard, allow_missing=allow_missing, reading=reading)


__all__ = [
    "AreaScore",
    "Evaluation",
    "LevelResult",
    "ReadingLevel",
    "RuleResult",
    "evaluate",
    "evaluate_many",
    "items_needed",
    "level_results",
    "reached_level",
    "resolve_standard",
    "share_rule_result",
    "total_rule_result",
    "years_rule_result",
]


def __dir__() -> list[str]:
    return list(__all__)
