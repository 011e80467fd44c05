"""Benchmark of ccmm.crucial.check (issue 7).

A 10-million-row interval table (2,000 queues x 5,000 half hours) plus a 1-million-row fact
table, full check. Prints the time and the peak memory of each run, and the ratio against the
same rules hand-written in vectorised pandas, measured in the same run. Each run is a separate
subprocess; the peak RSS mark is reset (Linux /proc/self/clear_refs) after the tables are built,
so "extra peak" is what the check itself adds on top of its input. ``--quick`` shrinks the sizes
100-fold for a smoke run.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

AS_OF = "2024-12-31"
METRICS = (
    ("service_level", "ratio", "customer", "higher", 0.8),
    ("aht_seconds", "seconds", "operations-support", "lower", 300.0),
    ("quality_score", "percent", "operations-support", "higher", 90.0),
    ("cost_per_contact", "currency", "financial", "lower", 4.0),
)


def make_tables(n_intervals: int, n_facts: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(1)
    n_queues = max(1, n_intervals // 5000)
    per_queue = n_intervals // n_queues
    utc = pd.date_range("2024-03-01", periods=per_queue, freq="30min", tz="UTC")
    starts = np.tile(utc.as_unit("ns").asi8, n_queues)
    n = len(starts)
    offered = rng.integers(0, 60, n)
    answered = (offered * 0.9).astype(np.int64)
    abandoned = offered - answered
    intervals = pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex(starts, tz="UTC").tz_convert("Europe/Berlin"),
            "interval_minutes": np.full(n, 30, dtype=np.int64),
            "queue": pd.Categorical.from_codes(
                np.repeat(np.arange(n_queues), per_queue), [f"q{i}" for i in range(n_queues)]
            ),
            "channel": pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), ["voice"]),
            "offered": offered,
            "answered": answered,
            "abandoned": abandoned,
            "answered_within_threshold": (answered * 0.8).astype(np.int64),
            "threshold_seconds": np.full(n, 20, dtype=np.int64),
            "wait_seconds": answered * 12.0,
            "talk_seconds": answered * 200.0,
            "hold_seconds": answered * 10.0,
            "acw_seconds": answered * 30.0,
            "available_seconds": rng.uniform(0, 1800, n),
        }
    )
    months = pd.date_range("2024-01-01", periods=12, freq="MS")
    per_entity = len(months) * len(METRICS)
    n_entities = max(2, n_facts // per_entity)
    levels = np.where(np.arange(n_entities) % 10 == 0, "team", "agent")
    ent = np.repeat(np.arange(n_entities), per_entity)
    month = np.tile(np.repeat(np.arange(len(months)), len(METRICS)), n_entities)
    metric = np.tile(np.arange(len(METRICS)), n_entities * len(months))
    m = len(ent)
    den = rng.integers(1, 500, m).astype(float)
    num = np.floor(den * rng.uniform(0.7, 1.0, m))
    is_ratio = metric == 0
    value = np.where(is_ratio, num / den, rng.uniform(50, 95, m))
    facts = pd.DataFrame(
        {
            "period_start": months[month],
            "period": pd.Categorical.from_codes(np.zeros(m, dtype=np.int64), ["month"]),
            "entity_level": pd.Categorical(levels[ent]),
            "entity_id": pd.Categorical.from_codes(ent, [f"E{i}" for i in range(n_entities)]),
            "metric": pd.Categorical.from_codes(metric, [x[0] for x in METRICS]),
            "value": value,
            "target": np.nan,
            "source": pd.Categorical.from_codes(np.zeros(m, dtype=np.int64), ["ACD"]),
            "manually_adjusted": np.zeros(m, dtype=bool),
            "adjustment_ref": pd.Series([None] * m, dtype=object),
            "numerator": np.where(is_ratio, num, np.nan),
            "denominator": np.where(is_ratio, den, np.nan),
        }
    )
    registry = pd.DataFrame(
        {
            "metric": [x[0] for x in METRICS],
            "name": [x[0] for x in METRICS],
            "definition": "defined",
            "unit": [x[1] for x in METRICS],
            "category": [x[2] for x in METRICS],
            "dimension": "efficiency",
            "direction": [x[3] for x in METRICS],
            "target": [x[4] for x in METRICS],
            "cadence": "month",
            "owner": "ops",
            "collection_process": "CP-1",
            "formula": "f",
            "definition_reviewed_on": pd.Timestamp("2024-06-01"),
        }
    )
    return {"facts": facts, "registry": registry, "intervals": intervals}


def baseline(t: dict[str, pd.DataFrame]) -> int:
    """The same rules, hand-written in vectorised pandas; returns the number of failures."""
    iv, facts, reg = t["intervals"], t["facts"], t["registry"]
    bad = 0
    for col in ("offered", "answered", "abandoned", "answered_within_threshold",
                "threshold_seconds", "wait_seconds", "talk_seconds", "hold_seconds",
                "acw_seconds", "available_seconds", "interval_minutes"):  # fmt: skip
        s = iv[col]
        bad += int(s.isna().sum() + (~np.isfinite(s)).sum() + (s < 0).sum())
    bad += int((iv.answered + iv.abandoned > iv.offered).sum())
    bad += int((iv.answered_within_threshold > iv.answered).sum())
    bad += int((iv.interval_minutes > 30).sum())
    ns = iv.interval_start.dt.tz_convert("UTC").array.as_unit("ns").asi8
    grp = iv.queue.cat.codes.to_numpy().astype(np.int64) * 4 + iv.channel.cat.codes.to_numpy()
    order = np.lexsort((ns, grp))
    s = ns[order]
    end = s + iv.interval_minutes.to_numpy()[order] * 60_000_000_000
    same = grp[order][1:] == grp[order][:-1]
    bad += int((same & (s[1:] != end[:-1])).sum())
    bad += int(facts.value.isna().sum() + (~np.isfinite(facts.value)).sum())
    bad += int((~facts.metric.isin(reg.metric)).sum())
    bad += int(
        facts.duplicated(["period_start", "period", "entity_level", "entity_id", "metric"]).sum()
    )
    r = reg.set_index("metric")
    target = facts.target.fillna(facts.metric.map(r.target).astype(float))
    bad += int(target.isna().sum())
    sign = facts.metric.map(r.direction).map({"higher": 1.0, "lower": -1.0}).astype(float)
    _ = (facts.value - target) * sign
    cat = facts.metric.map(r.category)
    month = facts.period_start.dt.to_period("M")
    bad += 3 * month.nunique() - len(pd.DataFrame({"c": cat, "m": month}).drop_duplicates())
    counts = facts.groupby(["metric", "entity_level", "entity_id", "period"], observed=True)[
        "period_start"
    ].nunique()
    bad += int((counts < 2).sum())
    bad += int((facts.manually_adjusted & facts.adjustment_ref.isna()).sum())
    bad += int(facts.source.isna().sum())
    unit = facts.metric.map(r.unit)
    bad += int(((unit == "ratio") & ((facts.value < 0) | (facts.value > 1))).sum())
    scale = np.where(unit == "percent", 100.0, 1.0)
    rec = scale * facts.numerator / facts.denominator
    both = facts.numerator.notna() & facts.denominator.notna()
    bad += int((both & ((facts.value - rec).abs() > 0.005 * rec.abs())).sum())
    return bad


def polars_baseline(t: dict[str, Any]) -> int:
    """The same rules as `baseline`, hand-written in polars; returns the number of failures."""
    import polars as pl

    iv, facts, reg = t["intervals"], t["facts"], t["registry"]
    counts = ("offered", "answered", "abandoned", "answered_within_threshold",
              "threshold_seconds", "wait_seconds", "talk_seconds", "hold_seconds",
              "acw_seconds", "available_seconds", "interval_minutes")  # fmt: skip
    per_column = [
        pl.col(c).is_null().sum()
        + (~pl.col(c).cast(pl.Float64).is_finite()).sum()
        + (pl.col(c) < 0).sum()
        for c in counts
    ]
    rules = [
        (pl.col("answered") + pl.col("abandoned") > pl.col("offered")).sum(),
        (pl.col("answered_within_threshold") > pl.col("answered")).sum(),
        (pl.col("interval_minutes") > 30).sum(),
    ]
    bad = int(sum(iv.select(pl.sum_horizontal(per_column + rules)).row(0)))
    # The grid as the pandas baseline does it: sort by (queue and channel codes, start).
    group = pl.col("queue").to_physical().cast(pl.Int64) * 4 + pl.col("channel").to_physical()
    start = pl.col("interval_start").dt.epoch("ns")
    grid = (
        iv.lazy()
        .select(group.alias("g"), start.alias("s"), pl.col("interval_minutes").alias("m"))
        .sort("g", "s")
        .select(
            (
                (pl.col("s") != (pl.col("s") + pl.col("m") * 60_000_000_000).shift(1))
                & (pl.col("g") == pl.col("g").shift(1))
            ).sum()
        )
        .collect()
    )
    bad += int(grid.item())
    value = pl.col("value")
    bad += int(facts.select(value.is_null().sum() + (~value.is_finite()).sum()).item())
    metric = pl.col("metric").cast(pl.String)
    known = reg.get_column("metric").to_list()
    bad += int(facts.select((~metric.is_in(known)).sum()).item())
    key = ["period_start", "period", "entity_level", "entity_id", "metric"]
    bad += int(facts.select(pl.struct(key).is_duplicated().sum()).item())
    r = reg.select(
        pl.col("metric"),
        pl.col("target").alias("_target"),
        pl.col("direction"),
        pl.col("category"),
        pl.col("unit"),
    )
    joined = facts.with_columns(metric.alias("metric")).join(r, on="metric", how="left")
    target = pl.coalesce(pl.col("target"), pl.col("_target"))
    sign = pl.when(pl.col("direction") == "higher").then(1.0).otherwise(-1.0)
    month = pl.col("period_start").dt.truncate("1mo")
    scale = pl.when(pl.col("unit") == "percent").then(100.0).otherwise(1.0)
    rec = scale * pl.col("numerator") / pl.col("denominator")
    both = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    row = joined.select(
        target.is_null().sum().alias("no_target"),
        ((value - target) * sign).sum().alias("_gap"),
        (3 * month.n_unique() - pl.struct(pl.col("category"), month).n_unique()).alias("cyc"),
        (pl.col("manually_adjusted") & pl.col("adjustment_ref").is_null()).sum().alias("adj"),
        pl.col("source").is_null().sum().alias("src"),
        ((pl.col("unit") == "ratio") & ((value < 0) | (value > 1))).sum().alias("ratio"),
        (both & ((value - rec).abs() > 0.005 * rec.abs())).sum().alias("rec"),
    ).row(0, named=True)
    bad += sum(int(v) for k, v in row.items() if not k.startswith("_"))
    periods = (
        joined.group_by("metric", "entity_level", "entity_id", "period")
        .agg(pl.col("period_start").n_unique().alias("n"))
        .select((pl.col("n") < 2).sum())
    )
    bad += int(periods.item())
    return bad


def to_polars(df: pd.DataFrame) -> object:
    import polars as pl

    cols = {}
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            naive = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
            cols[c] = (
                pl.Series(c, naive).dt.replace_time_zone("UTC").dt.convert_time_zone(str(s.dt.tz))
            )
        elif isinstance(s.dtype, pd.CategoricalDtype):
            cats = pl.Series(list(map(str, s.cat.categories)), dtype=pl.String)
            cols[c] = cats.gather(s.cat.codes.to_numpy()).cast(pl.Categorical).alias(c)
        elif s.dtype == object:
            cols[c] = pl.Series(c, [None if pd.isna(v) else v for v in s], dtype=pl.String)
        else:
            cols[c] = pl.Series(c, s.to_numpy())
    return pl.DataFrame(cols)


def _peak_rss_reset() -> bool:
    """Reset the kernel's peak-RSS mark (Linux), so the peak measured is the check's own."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_rss() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rss() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


#: Time a second call in each process (``--warm``), after one untimed call.
WARM = "--warm" in sys.argv


def worker(mode: str, n_intervals: int, n_facts: int) -> None:
    tables = make_tables(n_intervals, n_facts)
    input_bytes = sum(int(t.memory_usage(deep=True).sum()) for t in tables.values())
    if mode in ("polars", "polars_baseline"):
        tables = {k: to_polars(v) for k, v in tables.items()}  # type: ignore[misc]
    import ccmm.crucial as crucial

    _peak_rss_reset()
    before = _rss()

    if mode == "failing":
        # issue 14 #15: one row in five breaks answered + abandoned <= offered.
        iv = tables["intervals"]
        hit = np.random.default_rng(2).choice(len(iv), size=len(iv) // 5, replace=False)
        iv.loc[hit, "abandoned"] = iv.loc[hit, "offered"] - iv.loc[hit, "answered"] + 1

    def once() -> int:
        if mode == "baseline":
            return baseline(tables)
        if mode == "polars_baseline":
            return polars_baseline(tables)
        report = crucial.check(
            tables["facts"],
            registry=tables["registry"],
            intervals=tables["intervals"],
            as_of=AS_OF,
        )
        return len(report.failures)

    if WARM:
        once()  # first-call costs (schemas built, data files read) are not the per-row cost
    t0 = time.perf_counter()
    failures = once()
    seconds = time.perf_counter() - t0
    peak = _peak_rss()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "input_bytes": input_bytes,
                "extra_peak_bytes": max(0, peak - before),
                "peak_bytes": peak,
                "failures": failures,
            }
        )
    )


def run(mode: str, n_intervals: int, n_facts: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(n_intervals), str(n_facts)]
        + (["--warm"] if WARM else []),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _size(flag: str, default: int) -> int:
    if flag in sys.argv:
        return int(sys.argv[sys.argv.index(flag) + 1].replace("_", ""))
    return default


def main() -> None:
    """``--quick``: 100k interval rows; ``--intervals N --facts M`` any size (the default is
    10M + 1M; ``nox -s bench`` passes its arguments through); ``--repeat K`` best of K
    processes per figure; ``--warm`` times each process's second call."""
    quick = "--quick" in sys.argv
    n_intervals = _size("--intervals", 100_000 if quick else 10_000_000)
    n_facts = _size("--facts", max(1, n_intervals // 10))
    repeat = _size("--repeat", 1)
    print(
        f"CRUCIAL check: {n_intervals:,} interval rows + {n_facts:,} fact rows; best of {repeat} "
        f"process(es){', each timing its second call' if WARM else ''}"
    )
    gib = 2**30

    # Each figure is the best of --repeat runs (each its own process), so a shared machine's
    # noise inflates neither side of a ratio.
    def best(mode: str) -> dict[str, float]:
        return min((run(mode, n_intervals, n_facts) for _ in range(repeat)),
                   key=lambda r: r["seconds"])  # fmt: skip

    base = best("baseline")
    polars_base = best("polars_baseline")
    for mode, ref, ref_name, goal in (
        ("pandas", base, "hand-written pandas", 1.25),
        ("polars", polars_base, "hand-written polars", 1.1),
    ):
        r = best(mode)
        print(
            f"  ccmm ({mode}): {r['seconds']:.2f} s, ratio vs {ref_name} "
            f"{r['seconds'] / ref['seconds']:.2f}x (goal <= {goal}x); peak RSS "
            f"{r['peak_bytes'] / gib:.2f} GiB, "
            f"extra peak during check {r['extra_peak_bytes'] / gib:.2f} GiB = "
            f"{r['extra_peak_bytes'] / r['input_bytes']:.2f}x the input "
            f"({r['input_bytes'] / gib:.2f} GiB); failures {int(r['failures'])}"
        )
    print(
        f"  baseline (hand-written pandas): {base['seconds']:.2f} s, extra peak "
        f"{base['extra_peak_bytes'] / base['input_bytes']:.2f}x the input; "
        f"(hand-written polars): {polars_base['seconds']:.2f} s"
    )
    print("  goal: extra peak memory <= 3x the input (pandas, categorical ids)")
    # The cost of failing rows (issue 14 #15): benchmarks/bench_crucial_failures.py.


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
