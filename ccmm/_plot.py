"""matplotlib figures for the result types (the ``plot`` extra: ``pip install 'ccmm[plot]'``).

Imported only when a ``.plot()`` method is called, so ``import ccmm`` never loads matplotlib.
Each function draws on ``ax`` when given (a matplotlib Axes), otherwise on a new figure, and
returns the Axes so that notebooks and scripts can style or save it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from ccmm._errors import MissingExtraError

if TYPE_CHECKING:
    from ccmm.crucial._report import CrucialReport
    from ccmm.kpi._attainment import AttainmentResult
    from ccmm.planning import Plan
    from ccmm.scoring import Evaluation
    from ccmm.staffing import StaffingResult

Lang = Literal["en", "zh"]


def _axes(ax: Any) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError("plotting needs matplotlib: pip install 'ccmm[plot]'") from None
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def plot_evaluation(evaluation: Evaluation, *, ax: Any = None, lang: Lang = "en") -> Any:
    """C-Rate and F-Rate per domain as shares of their maxima, titled with the level reached."""
    ax = _axes(ax)
    names = [f"{d.id}" for d in evaluation.domains]
    c = [d.c_sum / d.c_max if d.c_max else 0.0 for d in evaluation.domains]
    f = [d.f_sum / d.f_max if d.f_max else 0.0 for d in evaluation.domains]
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], c, width=0.4, label="C-Rate")
    ax.bar([x + 0.2 for x in xs], f, width=0.4, label="F-Rate")
    ax.set_xticks(list(xs), names)
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of maximum" if lang == "en" else "得分率")
    level = f"L{evaluation.level} {evaluation.level_name.get(lang)}"
    ax.set_title(f"{evaluation.standard_id} {evaluation.edition}: {level}")
    ax.legend()
    return ax


def plot_plan(plan: Plan, *, ax: Any = None, lang: Lang = "en") -> Any:
    """Steps of the plan per domain, C-Rate and F-Rate stacked."""
    ax = _axes(ax)
    groups = plan.by_domain
    names = [g.id for g in groups]
    c = [sum(1 for s in g.steps if s.rating == "c_rate") for g in groups]
    f = [sum(1 for s in g.steps if s.rating == "f_rate") for g in groups]
    ax.bar(names, c, label="C-Rate")
    ax.bar(names, f, bottom=c, label="F-Rate")
    ax.set_ylabel("steps" if lang == "en" else "步数")
    ax.set_title(f"L{plan.current_level} → L{plan.target_level}: {len(plan.steps)} steps")
    ax.legend()
    return ax


def plot_crucial(report: CrucialReport, *, ax: Any = None, lang: Lang = "en") -> Any:
    """Failure count per CRUCIAL principle; principles not checked are shown empty and named."""
    ax = _axes(ax)
    names = list(report.principles)
    counts = [report.principles[n].n_failures for n in names]
    colours = [
        "#c0392b" if report.principles[n].status == "fail"
        else "#27ae60" if report.principles[n].status == "pass"
        else "#95a5a6"
        for n in names
    ]  # fmt: skip
    ax.bar(names, counts, color=colours)
    ax.set_ylabel("failing rows" if lang == "en" else "不合格行数")
    ax.set_title("CRUCIAL" + (" (fail = red, not checked = grey)" if lang == "en" else ""))
    ax.tick_params(axis="x", rotation=30)
    return ax


def plot_attainment(result: AttainmentResult, *, ax: Any = None, lang: Lang = "en") -> Any:
    """Each metric's gap to target (favourable direction positive), coloured by meets."""
    ax = _axes(ax)
    rows = [m for m in result.metrics if m.gap is not None]
    names = [m.metric for m in rows]
    gaps = [float(m.gap if m.direction == "higher" else -m.gap) for m in rows if m.gap is not None]
    ax.barh(names, gaps, color=["#27ae60" if m.meets else "#c0392b" for m in rows])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("gap to target, favourable > 0" if lang == "en" else "与目标差距（有利为正）")
    share = f"{float(result.meets_share):.0%}"
    ax.set_title(f"{result.rule_name}: {share} on target; passed={result.passed}")
    return ax


def plot_staffing(result: StaffingResult, *, ax: Any = None, lang: Lang = "en") -> Any:
    """Required and scheduled agents per interval."""
    import numpy as np

    ax = _axes(ax)
    agents = np.atleast_1d(np.asarray(result.agents))
    scheduled = np.atleast_1d(np.asarray(result.scheduled))
    xs = np.arange(agents.size)
    ax.step(xs, agents, where="mid", label="required" if lang == "en" else "所需")
    ax.step(xs, scheduled, where="mid", label="scheduled" if lang == "en" else "排班")
    ax.set_xlabel("interval" if lang == "en" else "时段")
    ax.set_ylabel("agents" if lang == "en" else "坐席数")
    ax.legend()
    return ax
