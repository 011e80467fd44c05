"""Target attainment: CC-CMM-OC 2017 section 3.4 (clauses 127, 128) and COPC Gold (private).

Both rules ask two things of the measured KPIs of a centre: a share of them on target, and a
larger share on target *or* improving. `ccmm.kpi.attainment` decides both exactly (shares are
`fractions.Fraction`) and explains every metric: its level against target, its trend test, and
why it does or does not count. The rules themselves are data, in
``ccmm/standard_data/attainment/rules.yaml``. See ``docs/attainment.md`` for the semantics.

One module per concept: ``_rules`` (the rules and exact shares), ``_results`` (typed results),
``_inputs`` (reading facts and registry), ``_judge`` (one metric, the share tests) and
``_attainment`` (the entry point). The public names live in `ccmm.kpi`.
"""

from __future__ import annotations

from ccmm.kpi._attainment._attainment import attainment
from ccmm.kpi._attainment._inputs import FACT_COLUMNS
from ccmm.kpi._attainment._results import (
    AttainmentResult,
    ExcludedMetric,
    MetricAttainment,
    ShareTest,
)
from ccmm.kpi._attainment._rules import AttainmentRule, load_attainment_rules

__all__ = [
    "FACT_COLUMNS",
    "AttainmentResult",
    "AttainmentRule",
    "ExcludedMetric",
    "MetricAttainment",
    "ShareTest",
    "attainment",
    "load_attainment_rules",
]
