"""Reading the inputs of [`ccmm.kpi.attainment`][]: months, cells, the entity, the registry."""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pandas as pd

from ccmm._errors import InputDataError
from ccmm.kpi._attainment._rules import Direction

#: Fact-table columns attainment reads (the KPI fact table of ccmm.crucial has more).
FACT_COLUMNS: tuple[str, ...] = (
    "period_start",
    "period",
    "entity_level",
    "entity_id",
    "metric",
    "value",
    "target",
)
CENTRE_LEVEL = "centre"
MONTH_PERIOD = "month"


#: The longest window an attainment judgement looks back over, in months (a century; the CLI's
#: --window-months takes the same bound).
MAX_WINDOW_MONTHS = 1200


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_date(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def number(raw: object) -> float | None:
    """A float, or None when the cell is empty; ValueError when it holds something else."""
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    value = float(raw)  # type: ignore[arg-type]
    return None if math.isnan(value) else value


def present(raw: object) -> bool:
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return False
    return not (isinstance(raw, float) and math.isnan(raw))


def fmt_value(x: float) -> str:
    return f"{x:.6g}"


@dataclass(frozen=True)
class FactRow:
    label: str
    value: object
    target: object
    numerator: object
    denominator: object


@dataclass
class MetricFacts:
    by_month: dict[int, list[FactRow]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MetricInfo:
    direction: Direction | None
    direction_source: Literal["registry", "catalogue"] | None
    category: str | None
    copc_family: str | None
    registry_target: float | None
    ratio: bool | None
    problems: tuple[str, ...]
    band: tuple[float, float] | None = None


def check_scope(
    values: Iterable[str] | None, allowed: Sequence[str], option: str
) -> frozenset[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    chosen = [str(v) for v in values]
    unknown = sorted({v for v in chosen if v not in allowed})
    if unknown:
        raise InputDataError(
            f"{option} must be drawn from {', '.join(map(repr, allowed))}, "
            f"got {', '.join(map(repr, unknown))}"
        )
    if not chosen:
        raise InputDataError(f"{option} is empty; pass None to keep every metric")
    return frozenset(chosen)


def select_entity(
    facts: pd.DataFrame, entity: str | tuple[str, str] | None
) -> tuple[str, str, pd.Series]:
    levels = facts["entity_level"].astype("string").fillna("<empty>")
    ids = facts["entity_id"].astype("string").fillna("<empty>")
    pairs = sorted(set(zip(levels.tolist(), ids.tolist(), strict=True)))

    def listing(candidates: Sequence[tuple[str, str]]) -> str:
        shown = ", ".join(f"({lvl!r}, {eid!r})" for lvl, eid in candidates[:20])
        return shown + (f" and {len(candidates) - 20} more" if len(candidates) > 20 else "")

    if not pairs:
        raise InputDataError(
            "the facts table has no rows: attainment needs at least one entity's monthly facts"
        )
    if entity is None:
        centres = [p for p in pairs if p[0] == CENTRE_LEVEL]
        if len(centres) == 1:
            chosen = centres[0]
        elif len(centres) > 1:
            raise InputDataError(
                f"the facts hold {len(centres)} centre-level entities ({listing(centres)}); "
                "pass entity=<entity_id> or entity=(entity_level, entity_id) to pick one"
            )
        elif len(pairs) == 1:
            chosen = pairs[0]
        else:
            raise InputDataError(
                "the facts hold no entity_level 'centre' rows and several entities "
                f"({listing(pairs)}); pass entity=(entity_level, entity_id) to pick one"
            )
    elif isinstance(entity, str):
        matching = [p for p in pairs if p[1] == entity]
        if len(matching) != 1:
            what = "no rows" if not matching else f"rows at levels {listing(matching)}"
            raise InputDataError(
                f"entity {entity!r}: the facts hold {what}; expected exactly one entity level. "
                f"Entities present: {listing(pairs)}"
            )
        chosen = matching[0]
    else:
        level, eid = (str(entity[0]), str(entity[1]))
        if (level, eid) not in pairs:
            raise InputDataError(
                f"entity ({level!r}, {eid!r}) has no rows in the facts; "
                f"entities present: {listing(pairs)}"
            )
        chosen = (level, eid)
    mask = (levels == chosen[0]) & (ids == chosen[1])
    return chosen[0], chosen[1], mask.astype(bool)


def catalogue_lookup() -> Callable[[str], object | None]:
    """``metric id -> Kpi or None`` from ccmm.kpi.catalogue, imported only when needed."""
    try:
        module = importlib.import_module("ccmm.kpi.catalogue")
    except ImportError:
        return lambda _metric: None
    catalogue = module.load_kpi_catalogue()

    def get(metric: str) -> object | None:
        try:
            found: object | None = catalogue.get(metric)
        except (LookupError, ValueError):  # the catalogue refuses ids it does not know
            return None
        return found

    return get


def registry_values(registry: pd.DataFrame | None) -> dict[str, dict[str, list[object]]]:
    """metric -> column -> non-empty values in row order, for the columns attainment uses."""
    if registry is None:
        return {}
    if "metric" not in registry.columns:
        raise InputDataError(
            "registry table is missing required column 'metric'; got columns "
            + (", ".join(map(repr, map(str, registry.columns))) or "(none)")
        )
    used = [c for c in ("direction", "target", "category", "copc_family") if c in registry]
    out: dict[str, dict[str, list[object]]] = {}
    for record in registry[["metric", *used]].itertuples(index=False, name=None):
        if not present(record[0]):
            continue
        slot = out.setdefault(str(record[0]), {c: [] for c in used})
        for column, raw in zip(used, record[1:], strict=True):
            if present(raw):
                slot[column].append(raw)
    return out


def _single(values: list[object], what: str, metric: str, problems: list[str]) -> object | None:
    distinct = list(dict.fromkeys(str(v).strip() for v in values))
    if len(distinct) > 1:
        problems.append(
            f"registry gives metric {metric!r} {len(distinct)} different {what}s "
            f"({', '.join(map(repr, distinct))}); expected one"
        )
        return None
    return values[0] if values else None


def metric_info(
    metric: str,
    registry_row: Mapping[str, list[object]] | None,
    catalogue: Callable[[str], object | None],
) -> MetricInfo:
    problems: list[str] = []
    row = registry_row or {}
    kpi = catalogue(metric)

    direction: Direction | None = None
    source: Literal["registry", "catalogue"] | None = None
    conflicts = len(problems)
    raw_direction = _single(row.get("direction", []), "direction", metric, problems)
    if raw_direction is not None:
        source = "registry"
    elif kpi is not None and getattr(kpi, "direction", None) is not None:
        raw_direction = getattr(kpi, "direction", None)
        source = "catalogue"
    if raw_direction is not None:
        text = str(raw_direction).strip().lower()
        if text in ("higher", "lower"):
            direction = "higher" if text == "higher" else "lower"
        elif text == "band" and getattr(kpi, "band", None) is not None:
            direction = "band"
        else:
            problems.append(
                f"direction of metric {metric!r} must be 'higher' or 'lower' (or 'band' for a "
                f"catalogue KPI with a band), got {raw_direction!r}"
            )
    elif len(problems) == conflicts:
        problems.append(
            f"no direction known for metric {metric!r} (not in the registry nor the KPI "
            "catalogue), so neither target nor trend can be judged"
        )

    def text_attr(column: str) -> str | None:
        raw = _single(row.get(column, []), column, metric, problems)
        if raw is None and kpi is not None:
            raw = getattr(kpi, column, None)
        return None if raw is None else str(raw).strip()

    registry_target: float | None = None
    raw_target = _single(row.get("target", []), "target", metric, problems)
    if raw_target is not None:
        try:
            registry_target = number(raw_target)
        except (TypeError, ValueError):
            problems.append(f"registry target of metric {metric!r} is not a number: {raw_target!r}")
    # A catalogue KPI is a ratio of sums exactly when it declares one; unknown when not listed.
    ratio = None if kpi is None else getattr(kpi, "ratio", None) is not None
    bounds = getattr(kpi, "band", None) if direction == "band" else None
    return MetricInfo(
        band=None if bounds is None else (float(bounds.lower), float(bounds.upper)),
        direction=direction,
        direction_source=source if direction is not None else None,
        category=text_attr("category"),
        copc_family=text_attr("copc_family"),
        registry_target=registry_target,
        ratio=ratio,
        problems=tuple(problems),
    )


__all__ = [
    "CENTRE_LEVEL",
    "FACT_COLUMNS",
    "MAX_WINDOW_MONTHS",
    "MONTH_PERIOD",
    "FactRow",
    "MetricFacts",
    "MetricInfo",
    "catalogue_lookup",
    "check_scope",
    "fmt_value",
    "metric_info",
    "month_date",
    "month_index",
    "month_label",
    "number",
    "present",
    "registry_values",
    "select_entity",
]
