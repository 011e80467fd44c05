"""The cheapest way up ([`plan`][ccmm.plan]) and how fragile the current level is
([`margin`][ccmm.margin]).

Both work on *steps*: a step moves one rating (C-Rate or F-Rate) of one item by one grade of the
standard's scale (0 -> 5 or 5 -> 10 upwards, 10 -> 5 or 5 -> 0 downwards). On the scale 0, 5, 10
every step moves the total by exactly 5 points, which is what makes both answers exact:

* a plan to level *T* needs the strictest share requirement of each (rating, scope) over the
  levels 1..*T*, and the largest ``min_total`` of those levels. When a rating's rules use scopes
  that are disjoint or identical (CC-CMM), its scopes share no item, so the cheapest top-grade
  conversions of each scope are chosen on their own (a rating at 5 costs one step, at 0 two),
  and the points still missing afterwards cost ⌈points / 5⌉ steps on any rating not yet at the
  top. The step count is then max(cheapest conversions, ⌈total deficit / 5⌉), a lower bound for
  every plan, hence the fewest.
* a level is lost as soon as one rule of it or of a level below fails; the cheapest way to make a
  share rule fail is to take (count - needed + 1) top grades down by one step, and the total rule
  fails after ⌈(total - minimum + 1) / 5⌉ steps. The margin is the smallest of these.

Under the other readings of "met" (`ccmm._readings`) the same bounds hold with their own
conversions: under ``rated_5_or_10`` a rating at 0 counts after one step; under
``share_of_points`` every step adds 5 points to its scope, so a scope short of *p* points needs
⌈p / 5⌉ steps. A share rule is broken by taking the cheapest counted ratings to 0
(``rated_5_or_10``) or by ⌈(points - needed + 1) / 5⌉ steps (``share_of_points``).

The full semantics and the tie-breaking rules are documented in ``docs/planning.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeVar

from ccmm._errors import AssessmentError, InputDataError, StandardError, StandardMismatchError
from ccmm._guard import checked_arguments
from ccmm._model import FrozenModel, trusted
from ccmm._readings import ShareReading, check_reading, unit_size
from ccmm._text import Text
from ccmm.assessment import Assessment, ItemScore
from ccmm.scoring import (
    NO_LEVEL,
    Evaluation,
    RuleResult,
    evaluate,
    items_needed,
    resolve_standard,
)
from ccmm.standard import RATINGS, Item, Rating, Standard

_GRADES = (0, 5, 10)
_RATING_LABEL = {"c_rate": "C-Rate", "f_rate": "F-Rate"}
_TOP = len(_GRADES) - 1  # index of the top grade


# ---- result models --------------------------------------------------------------------------
class RatingStep(FrozenModel):
    """One rating of one item moving from ``from_rating`` to ``to_rating``."""

    item: str
    rating: Rating
    from_rating: int
    to_rating: int
    domain: str
    section: str


class PlanStep(RatingStep):
    """A step of a plan: raises one rating of one item by one grade (0 -> 5 or 5 -> 10)."""


class Downgrade(RatingStep):
    """A one-step downgrade of one rating of one item (10 -> 5 or 5 -> 0)."""


class StepGroup(FrozenModel):
    """The steps of a plan that fall in one domain or one section."""

    id: str
    name: Text
    steps: tuple[PlanStep, ...]


class Plan(FrozenModel):
    """The fewest steps that make the score rules of ``target_level`` and every level below hold.

    ``steps`` are in catalogue order, C-Rate before F-Rate of the same item, lower grade first;
    ``by_domain`` and ``by_section`` group them (standard order, groups without steps left out).
    ``blockers`` are the failing rules that ratings cannot fix (operating years). ``reachable``
    is True when applying the plan reaches the target; otherwise ``reason`` says why. When the
    score rules cannot be met at all (frozen items, or the scale's maximum), ``steps`` is empty.
    ``minimal`` is False, with a ``note``, when the rules of one rating use scopes that overlap
    without being identical: the plan then meets every rule but may not have the fewest steps.
    """

    standard_id: str
    edition: str
    organisation: str
    target_level: int
    current_level: int
    level_after: int
    reachable: bool
    reason: Text | None
    blockers: tuple[RuleResult, ...]
    minimal: bool
    note: Text | None
    frozen_items: tuple[str, ...]
    total_before: int
    total_after: int
    steps: tuple[PlanStep, ...]
    by_domain: tuple[StepGroup, ...]
    by_section: tuple[StepGroup, ...]

    def apply(self, assessment: Assessment) -> Assessment:
        """``assessment`` with every step applied (validated: each step must start where it says).

        An item left out of the assessment (an optional domain) that the plan raises enters it
        with its other rating at 0, which is how the evaluator counted it.
        """
        return _apply_steps(assessment, self.standard_id, self.edition, self.steps)

    def explain(self, lang: Literal["en", "zh"] = "en") -> str:
        """A short explanation, one line per step."""
        zh = lang == "zh"
        # The words for level 0 are the evaluation's own ("No level reached").
        now = f"L{self.current_level}" if self.current_level else NO_LEVEL.get(lang).lower()
        if zh:
            head = (
                f"目标L{self.target_level}（当前{now}）：{len(self.steps)}步，"
                f"执行后达到L{self.level_after}"
            )
        else:
            head = (
                f"target L{self.target_level} (now {now}): "
                f"{len(self.steps)} step(s), reaching L{self.level_after}"
            )
        lines = [head]
        if self.reason is not None:
            lines.append(self.reason.get(lang))
        if self.note is not None:
            lines.append(self.note.get(lang))
        for group in self.by_section:
            lines.append(f"{group.id} {group.name.get(lang)}")
            lines.extend(
                f"  {s.item} {_RATING_LABEL[s.rating]}: {s.from_rating} -> {s.to_rating}"
                for s in group.steps
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Notebook display (rendered by `ccmm.report`, imported only when displayed)."""
        from ccmm.report import fragment_html, section_for

        return fragment_html(section_for(self))

    def plot(self, *, ax: Any = None, lang: Literal["en", "zh"] = "en") -> Any:
        """A matplotlib chart of this result (needs the ``plot`` extra); returns the Axes."""
        from ccmm._plot import plot_plan

        return plot_plan(self, ax=ax, lang=lang)


class RuleMargin(FrozenModel):
    """A rule of a reached level and the fewest one-step downgrades that make it fail.

    ``downgrades_needed`` is None when no downgrade of ratings can make it fail (operating years,
    a share minimum of 0, a total minimum of 0).
    """

    rule: RuleResult
    downgrades_needed: int | None


class Margin(FrozenModel):
    """The fewest one-step downgrades that lose the current ``level``, and which ones.

    ``downgrades`` is one such set (applying it gives ``level_after`` < ``level``); ``breaks`` is
    the rule it makes fail and ``items`` the items it touches. ``rules`` lists every rule of the
    levels reached with its own margin. ``downgrades_needed`` is None when nothing can be lost
    (level 0, or no rule that ratings can break).
    """

    standard_id: str
    edition: str
    organisation: str
    level: int
    downgrades_needed: int | None
    downgrades: tuple[Downgrade, ...]
    breaks: RuleResult | None
    items: tuple[str, ...]
    level_after: int
    rules: tuple[RuleMargin, ...]

    def apply(self, assessment: Assessment) -> Assessment:
        """``assessment`` with every downgrade applied."""
        return _apply_steps(assessment, self.standard_id, self.edition, self.downgrades)


# ---- internal view of an assessment as rating slots ------------------------------------------
class _Slots:
    """Every (item, rating) of the standard as a slot: slot ``2k`` is item k's C-Rate, ``2k+1``
    its F-Rate, so slot order is catalogue order with C-Rate before F-Rate. Grades are indices
    into the scale (0, 1, 2 for 0, 5, 10); items left out count as 0, as the evaluator counts them.
    """

    def __init__(self, standard: Standard, assessment: Assessment) -> None:
        self.items: tuple[Item, ...] = standard.items
        index = {g: k for k, g in enumerate(_GRADES)}
        grades: list[int] = []
        for item in self.items:
            score = assessment.scores.get(item.id)
            grades.extend((0, 0) if score is None else (index[score.c_rate], index[score.f_rate]))
        self.grades: tuple[int, ...] = tuple(grades)

    def rating(self, slot: int) -> Rating:
        return RATINGS[slot % 2]

    def item(self, slot: int) -> Item:
        return self.items[slot // 2]

    def slots_of(self, rating: Rating, domains: Iterable[str]) -> list[int]:
        offset = RATINGS.index(rating)
        wanted = set(domains)
        return [2 * k + offset for k, item in enumerate(self.items) if item.domain in wanted]


_Step = TypeVar("_Step", bound=RatingStep)


def _points(grades: Sequence[int]) -> int:
    return sum(_GRADES[g] for g in grades)


def _counted(reading: ShareReading, grades: Sequence[int], members: Iterable[int]) -> int:
    """What ``reading`` counts over ``members``: top grades, ratings above 0, or points."""
    if reading == "rated_10":
        return sum(1 for s in members if grades[s] == _TOP)
    if reading == "rated_5_or_10":
        return sum(1 for s in members if grades[s] > 0)
    return sum(_GRADES[grades[s]] for s in members)


def _steps_between(
    slots: _Slots, before: Sequence[int], after: Sequence[int], kind: type[_Step]
) -> list[_Step]:
    """The one-grade steps that turn ``before`` into ``after``, in slot order."""
    steps: list[_Step] = []
    for s, (a, b) in enumerate(zip(before, after, strict=True)):
        if a == b:
            continue
        item, rating = slots.item(s), slots.rating(s)
        move = 1 if b > a else -1
        for g in range(a, b, move):
            steps.append(
                trusted(
                    kind,
                    item=item.id,
                    rating=rating,
                    from_rating=_GRADES[g],
                    to_rating=_GRADES[g + move],
                    domain=item.domain,
                    section=item.section,
                )
            )
    return steps


def _apply_steps(
    assessment: Assessment, standard_id: str, edition: str, steps: Sequence[RatingStep]
) -> Assessment:
    if (assessment.standard_id, assessment.edition) != (standard_id, edition):
        raise StandardMismatchError(
            f"the steps are for {standard_id} {edition}, but the assessment of "
            f"{assessment.organisation!r} is for {assessment.standard_id} {assessment.edition}"
        )
    current: dict[str, dict[str, int]] = {}
    problems: list[str] = []
    for step in steps:
        if step.item not in current:
            score = assessment.scores.get(step.item)
            current[step.item] = (
                {"c_rate": 0, "f_rate": 0}
                if score is None
                else {"c_rate": score.c_rate, "f_rate": score.f_rate}
            )
        have = current[step.item][step.rating]
        if have != step.from_rating:
            problems.append(
                f"item {step.item!r} {_RATING_LABEL[step.rating]}: the step starts at "
                f"{step.from_rating}, but the assessment has {have}"
            )
        current[step.item][step.rating] = step.to_rating
    if problems:
        raise AssessmentError(
            f"cannot apply the steps to the assessment of {assessment.organisation!r}: "
            f"{len(problems)} problem(s)",
            problems=problems,
        )
    scores = dict(assessment.scores)
    for item_id, ratings in current.items():
        old = scores.get(item_id)
        scores[item_id] = (
            ItemScore.model_validate(ratings) if old is None else old.model_copy(update=ratings)
        )
    return assessment.model_copy(update={"scores": scores})


def _check_planning_standard(standard: Standard) -> None:
    problems = []
    if standard.grades != _GRADES:
        problems.append(
            "rating_scale must be 0, 5, 10 for planning, got "
            + ", ".join(map(str, standard.grades))
        )
    for scope in standard.scopes:
        if len(set(scope.domains)) != len(scope.domains):
            problems.append(f"scope {scope.id!r} names a domain more than once: {scope.domains}")
    if problems:
        raise StandardError(
            f"{standard.id} {standard.edition} cannot be planned on", problems=problems
        )


# ---- the planner ----------------------------------------------------------------------------
class _Requirement:
    """The strictest share requirement of one rating over one set of domains (levels 1..T)."""

    def __init__(self, rating: Rating, domains: tuple[str, ...], scope_name: Text) -> None:
        self.rating = rating
        self.domains = domains
        self.label = trusted(
            Text,
            en=f"{_RATING_LABEL[rating]} {scope_name.en}",
            zh=f"{_RATING_LABEL[rating]} {scope_name.zh}",
        )
        self.need = 0
        self.level = 0


def _requirements(
    standard: Standard, target: int, reading: ShareReading = "rated_10"
) -> tuple[list[_Requirement], int, int]:
    """Share requirements (first-appearance order, in the unit ``reading`` counts), the largest
    ``min_total`` and its level."""
    per_item = unit_size(reading, standard.max_rating)
    found: dict[tuple[Rating, tuple[str, ...]], _Requirement] = {}
    total_need, total_level = 0, 0
    for lv in standard.levels[:target]:
        for rule in lv.share_rules:
            scope = standard.scope(rule.scope)
            key = (rule.rating, tuple(sorted(scope.domains)))
            req = found.get(key)
            if req is None:
                req = found[key] = _Requirement(rule.rating, key[1], scope.name)
            need = items_needed(rule.minimum, standard.scope_sizes[rule.scope] * per_item)
            if need > req.need:
                req.need, req.level = need, lv.level
        if lv.min_total > total_need:
            total_need, total_level = lv.min_total, lv.level
    return list(found.values()), total_need, total_level


def _overlaps(requirements: Sequence[_Requirement]) -> list[tuple[_Requirement, _Requirement]]:
    """Pairs of requirements of one rating whose scopes overlap without being identical."""
    pairs = []
    for k, a in enumerate(requirements):
        for b in requirements[k + 1 :]:
            if a.rating == b.rating and set(a.domains) & set(b.domains):
                pairs.append((a, b))
    return pairs


def _check_target(standard: Standard, target_level: object) -> int:
    top = len(standard.levels)
    if isinstance(target_level, bool) or not isinstance(target_level, int):
        raise InputDataError(
            f"target_level must be a whole number from 0 to {top}, got {target_level!r}"
        )
    if not 0 <= target_level <= top:
        raise InputDataError(
            f"target_level must be a level of {standard.id} {standard.edition} (0 to {top}), "
            f"got {target_level}"
        )
    return target_level


def _check_frozen(standard: Standard, frozen_items: Iterable[str]) -> tuple[str, ...]:
    if isinstance(frozen_items, str):
        raise InputDataError(
            f"frozen_items must be a collection of item ids, got the string {frozen_items!r} "
            f"(write frozen_items=[{frozen_items!r}])"
        )
    frozen = tuple(frozen_items)
    unknown = [i for i in frozen if not (isinstance(i, str) and standard.has_item(i))]
    if unknown:
        raise InputDataError(
            f"frozen_items: {len(unknown)} id(s) not items of {standard.id} {standard.edition}: "
            + ", ".join(map(repr, unknown))
        )
    order = {i: k for k, i in enumerate(standard.item_ids)}
    return tuple(sorted(set(frozen), key=order.__getitem__))


def _greedy_conversions(
    slots: _Slots,
    grades: list[int],
    movable: Sequence[bool],
    requirements: Sequence[_Requirement],
    reading: ShareReading = "rated_10",
) -> None:
    """Raise ratings until every share requirement holds (in place).

    ``rated_10``: to the top grade, per requirement cheapest first: a rating at 5 (one step)
    before one at 0 (two); then, when scopes overlap, the slot that also serves the most other
    unmet requirements; then slot order. ``rated_5_or_10``: ratings at 0 to 5, in that order of
    preference. ``share_of_points``: ⌈points short / 5⌉ steps, ratings at 5 to 10 first.
    """
    members = [set(slots.slots_of(r.rating, r.domains)) for r in requirements]

    def count(k: int) -> int:
        return _counted(reading, grades, members[k])

    if reading == "share_of_points":
        for k, req in enumerate(requirements):
            steps = -(-(req.need - count(k)) // _GRADES[1])
            order = sorted(members[k], key=lambda s: (-grades[s], s))
            for s in order:
                if steps <= 0:
                    break
                if movable[s] and grades[s] < _TOP:
                    take = min(_TOP - grades[s], steps)
                    grades[s] += take
                    steps -= take
        return
    goal = _TOP if reading == "rated_10" else 1

    for k, req in enumerate(requirements):
        short = req.need - count(k)
        if short <= 0:
            continue
        unmet = [j for j in range(len(requirements)) if j != k and count(j) < requirements[j].need]
        candidates = sorted(
            (s for s in members[k] if movable[s] and grades[s] < goal),
            key=lambda s: (goal - grades[s], -sum(s in members[j] for j in unmet), s),
        )
        for s in candidates[:short]:
            grades[s] = goal


def _raise_for_points(grades: list[int], movable: Sequence[bool], steps: int) -> None:
    """Spend ``steps`` more one-grade steps (in place): ratings at 5 go to 10 first, in slot order;
    then ratings at 0, each taken to 10 before the next (the last may stop at 5)."""
    remaining = steps
    for s, g in enumerate(grades):
        if remaining == 0:
            return
        if movable[s] and 0 < g < _TOP:
            grades[s] = _TOP
            remaining -= 1
    for s, g in enumerate(grades):
        if remaining == 0:
            return
        if movable[s] and g == 0:
            take = min(_TOP, remaining)
            grades[s] = take
            remaining -= take


def _group(
    steps: Sequence[PlanStep], ids: Sequence[str], names: Sequence[Text], attr: str
) -> tuple[StepGroup, ...]:
    groups = []
    for area_id, name in zip(ids, names, strict=True):
        members = tuple(s for s in steps if getattr(s, attr) == area_id)
        if members:
            groups.append(trusted(StepGroup, id=area_id, name=name, steps=members))
    return tuple(groups)


def _join(texts: Sequence[Text]) -> Text | None:
    if not texts:
        return None
    return trusted(Text, en="; ".join(t.en for t in texts), zh="；".join(t.zh for t in texts))


@checked_arguments
def plan(
    assessment: Assessment,
    target_level: int,
    standard: Standard | None = None,
    *,
    frozen_items: Iterable[str] = (),
    reading: ShareReading | None = None,
) -> Plan:
    """The fewest one-grade steps with which ``assessment`` meets the score rules of
    ``target_level`` and of every level below it; ratings of ``frozen_items`` never move.
    ``reading`` is the reading of "met" the share rules use (default: the edition's).

    Raises [`ccmm.InputDataError`][] for a target that is not a level of the standard or
    unknown frozen item ids, and what [`ccmm.evaluate`][] raises for the assessment itself.
    """
    std = resolve_standard(assessment, standard)
    _check_planning_standard(std)
    target = _check_target(std, target_level)
    frozen = _check_frozen(std, frozen_items)
    used = std.share_reading if reading is None else check_reading(reading)
    evaluation = evaluate(assessment, std, reading=used)
    slots = _Slots(std, assessment)
    frozen_set = set(frozen)
    movable = [slots.item(s).id not in frozen_set for s in range(len(slots.grades))]
    current = list(slots.grades)
    requirements, total_need, total_level = _requirements(std, target, used)
    overlapping = _overlaps(requirements)

    # What raising every movable rating to the top would give: the best any plan can do.
    best = [_TOP if movable[s] else g for s, g in enumerate(current)]
    impossible: list[Text] = []
    what_en, what_zh = {
        "rated_10": (f"items at {_GRADES[_TOP]}", f"项达到{_GRADES[_TOP]}分"),
        "rated_5_or_10": ("items rated 5 or 10", "项评分为5或10"),
        "share_of_points": ("points", "分"),
    }[used]
    for req in requirements:
        members = slots.slots_of(req.rating, req.domains)
        most = _counted(used, best, members)
        if most < req.need:
            impossible.append(
                trusted(
                    Text,
                    en=f"L{req.level} {req.label.en} needs {req.need} {what_en}; "
                    f"at most {most} can get there without raising frozen items",
                    zh=f"L{req.level} {req.label.zh}需要{req.need}{what_zh}；"
                    f"不提升冻结项时最多{most}",
                )
            )
    if _points(best) < total_need:
        impossible.append(
            trusted(
                Text,
                en=f"L{total_level} total needs {total_need} points; at most {_points(best)} "
                "are possible without raising frozen items",
                zh=f"L{total_level} 总分需要{total_need}分；不提升冻结项时最多{_points(best)}分",
            )
        )

    planned = list(current)
    if not impossible and target > evaluation.level:
        _greedy_conversions(slots, planned, movable, requirements, used)
        deficit = total_need - _points(planned)
        if deficit > 0:
            _raise_for_points(planned, movable, -(-deficit // _GRADES[1]))
    steps = _steps_between(slots, current, planned, PlanStep)

    blockers = tuple(
        r
        for lv in evaluation.levels[:target]
        for r in lv.rules
        if r.kind == "operating_years" and not r.holds
    )
    reasons = list(impossible)
    reasons.extend(
        trusted(
            Text,
            en=f"{r.explanation.en} (ratings cannot change this)",
            zh=f"{r.explanation.zh}（评分无法改变）",
        )
        for r in blockers
    )
    note = None
    if overlapping:
        a, b = overlapping[0]
        note = trusted(
            Text,
            en=f"the {_RATING_LABEL[a.rating]} rules use scopes that overlap without being "
            f"identical ({a.label.en} and {b.label.en}): the plan meets every rule but may not "
            "have the fewest steps",
            zh=f"{_RATING_LABEL[a.rating]}规则使用了部分重叠的范围（{a.label.zh}与{b.label.zh}）："
            "本计划满足所有规则，但步数未必最少",
        )
    if steps:
        after = _apply_steps(assessment, std.id, std.edition, steps)
        level_after = evaluate(after, std, reading=used).level
    else:
        level_after = evaluation.level
    return trusted(
        Plan,
        standard_id=std.id,
        edition=std.edition,
        organisation=assessment.organisation,
        target_level=target,
        current_level=evaluation.level,
        level_after=level_after,
        reachable=not reasons,
        reason=_join(reasons),
        blockers=blockers,
        minimal=not overlapping,
        note=note,
        frozen_items=frozen,
        total_before=evaluation.total,
        total_after=_points(planned),
        steps=tuple(steps),
        by_domain=_group(
            steps, [d.id for d in std.domains], [d.name for d in std.domains], "domain"
        ),
        by_section=_group(
            steps, [s.id for s in std.sections], [s.name for s in std.sections], "section"
        ),
    )


# ---- the margin -----------------------------------------------------------------------------
def _downgrades_to_break(
    rule: RuleResult,
    slots: _Slots,
    grades: Sequence[int],
    standard: Standard,
    reading: ShareReading = "rated_10",
) -> list[int] | None:
    """The grades after the fewest one-step downgrades that make ``rule`` fail (None: cannot)."""
    down = list(grades)
    if rule.kind == "share" and reading != "rated_10":
        assert rule.scope is not None
        assert rule.rating is not None
        need = int(rule.required)
        if need == 0:
            return None
        members = slots.slots_of(rule.rating, standard.scope(rule.scope).domains)
        # Cheapest first: ratings at 5 (one step to 0) before ratings at 10, then slot order.
        counted = sorted((s for s in members if grades[s] > 0), key=lambda s: (grades[s], s))
        if reading == "rated_5_or_10":
            for s in counted[: len(counted) - need + 1]:
                down[s] = 0
            return down
        steps = -(-(_counted(reading, grades, members) - need + 1) // _GRADES[1])
        for s in counted:
            take = min(grades[s], steps)
            down[s], steps = grades[s] - take, steps - take
        return down
    if rule.kind == "share":
        assert rule.scope is not None
        assert rule.rating is not None
        need = int(rule.required)
        if need == 0:
            return None
        tops = [
            s
            for s in slots.slots_of(rule.rating, standard.scope(rule.scope).domains)
            if grades[s] == _TOP
        ]
        # count - need + 1 top grades taken down one step each, first in slot order.
        for s in tops[: len(tops) - need + 1]:
            down[s] = _TOP - 1
        return down
    if rule.kind == "total":
        minimum = int(rule.required)
        if minimum == 0:
            return None
        steps = -(-(_points(grades) - minimum + 1) // _GRADES[1])
        # Ratings at 5 go to 0 first (the share counts keep), then ratings at 10, each to 0.
        for s, g in enumerate(grades):
            if steps and 0 < g < _TOP:
                down[s], steps = 0, steps - 1
        for s, g in enumerate(grades):
            if steps and g == _TOP:
                take = min(_TOP, steps)
                down[s], steps = _TOP - take, steps - take
        return down
    return None


@checked_arguments
def margin(
    assessment: Assessment,
    standard: Standard | None = None,
    *,
    reading: ShareReading | None = None,
) -> Margin:
    """The fewest one-step downgrades (10 -> 5 or 5 -> 0 of one rating of one item) that lose the
    level ``assessment`` reaches, with one such set of downgrades and the rule it breaks.

    ``reading`` is the reading of "met" the share rules use (default: the edition's). Ties
    between rules go to the highest level (the mildest loss), then to the rule listed first.
    """
    std = resolve_standard(assessment, standard)
    _check_planning_standard(std)
    used = std.share_reading if reading is None else check_reading(reading)
    evaluation: Evaluation = evaluate(assessment, std, reading=used)
    slots = _Slots(std, assessment)
    grades = slots.grades
    rule_margins: list[RuleMargin] = []
    best: tuple[int, RuleResult, list[int]] | None = None
    for lv in reversed(evaluation.levels[: evaluation.level]):
        for rule in lv.rules:
            down = _downgrades_to_break(rule, slots, grades, std, used)
            needed = None if down is None else sum(a - b for a, b in zip(grades, down, strict=True))
            rule_margins.append(trusted(RuleMargin, rule=rule, downgrades_needed=needed))
            if down is not None and needed is not None and (best is None or needed < best[0]):
                best = (needed, rule, down)
    rule_margins.sort(key=lambda m: m.rule.level)
    if best is None:
        downgrades: list[Downgrade] = []
        level_after = evaluation.level
    else:
        downgrades = _steps_between(slots, grades, best[2], Downgrade)
        after = _apply_steps(assessment, std.id, std.edition, downgrades)
        level_after = evaluate(after, std, reading=used).level
    touched = {s.item for s in downgrades}
    return trusted(
        Margin,
        standard_id=std.id,
        edition=std.edition,
        organisation=assessment.organisation,
        level=evaluation.level,
        downgrades_needed=None if best is None else best[0],
        downgrades=tuple(downgrades),
        breaks=None if best is None else best[1],
        items=tuple(i for i in std.item_ids if i in touched),
        level_after=level_after,
        rules=tuple(rule_margins),
    )


__all__ = [
    "Downgrade",
    "Margin",
    "Plan",
    "PlanStep",
    "RatingStep",
    "RuleMargin",
    "StepGroup",
    "margin",
    "plan",
]


def __dir__() -> list[str]:
    return list(__all__)
