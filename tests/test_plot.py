"""``.plot()`` on the result types draws what the result says (matplotlib, the ``plot`` extra)."""

from __future__ import annotations

import subprocess
import sys

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import ccmm  # noqa: E402
import ccmm.crucial  # noqa: E402
import ccmm.kpi  # noqa: E402
import ccmm.staffing  # noqa: E402
from ccmm.crucial.examples import load_example  # noqa: E402
from ccmm.examples import load_example_assessment  # noqa: E402


def _heights(ax: object) -> list[float]:
    return [p.get_height() for p in ax.patches]  # type: ignore[attr-defined]


def test_evaluation_plot_shows_c_and_f_shares_per_domain() -> None:
    evaluation = ccmm.evaluate(load_example_assessment())
    ax = evaluation.plot()
    expected = [d.c_sum / d.c_max for d in evaluation.domains] + [
        d.f_sum / d.f_max for d in evaluation.domains
    ]
    assert _heights(ax) == pytest.approx(expected)
    assert f"L{evaluation.level}" in ax.get_title()


def test_plan_plot_stacks_the_steps_per_domain() -> None:
    plan = ccmm.plan(load_example_assessment(), 3)
    ax = plan.plot()
    assert sum(_heights(ax)) == len(plan.steps)


def test_crucial_plot_counts_failures_per_principle() -> None:
    tables = load_example("dirty")
    report = ccmm.crucial.check(
        tables.facts,
        registry=tables.registry,
        intervals=tables.intervals,
        analysis_log=tables.analysis_log,
        as_of="2024-04-15",
    )
    ax = report.plot(lang="zh")
    assert _heights(ax) == [report.principles[p].n_failures for p in report.principles]


def test_staffing_plot_draws_required_and_scheduled() -> None:
    result = ccmm.staffing.agents_for_service_level(
        [100.0, 250.0, 40.0], [180.0, 200.0, 240.0], interval_seconds=1800,
        target_service_level=0.8, threshold_seconds=20, shrinkage=0.3,
    )  # fmt: skip
    ax = result.plot()
    required, scheduled = (list(line.get_ydata()) for line in ax.get_lines())
    assert required == list(result.agents) and scheduled == list(result.scheduled)


def test_plot_without_matplotlib_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import ccmm\n"
        "from ccmm.examples import load_example_assessment\n"
        "e = ccmm.evaluate(load_example_assessment())\n"
        "try:\n    e.plot()\nexcept ccmm.MissingExtraError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'ccmm[plot]'" in out.stdout


def test_attainment_plot_has_one_bar_per_metric_with_a_gap() -> None:
    clean = load_example("clean")
    result = ccmm.kpi.attainment(
        clean.facts, registry=clean.registry, rule="cc-cmm-2017", as_of="2024-03-31",
        entity=("team", "T1"),
    )  # fmt: skip
    ax = result.plot()
    with_gap = [m for m in result.metrics if m.gap is not None]
    assert len(ax.patches) == len(with_gap) > 0
    assert [p.get_width() > 0 for p in ax.patches] == [
        (m.gap > 0) == (m.direction == "higher") for m in with_gap if m.gap
    ] or all(m.gap == 0 for m in with_gap)
