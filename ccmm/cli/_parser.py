"""The argument parser of the ``ccmm`` command: every subcommand, its options and their checks."""

from __future__ import annotations

import argparse
import math
import sys
from typing import NoReturn

from ccmm._escape import one_line
from ccmm._readings import READINGS
from ccmm.cli._agreement import cmd_agreement
from ccmm.cli._assessment import cmd_compare, cmd_evaluate, cmd_plan, cmd_template
from ccmm.cli._catalogue import cmd_catalogue
from ccmm.cli._common import FORMATS, Handler
from ccmm.cli._data import cmd_attainment, cmd_check, cmd_kpi
from ccmm.cli._demo import cmd_demo
from ccmm.cli._options import (
    MAX_WINDOW_MONTHS,
    entity,
    evidence_window_months,
    input_file,
    iso_date,
    non_negative_int,
    number_in,
    positive_float,
    service_target_argument,
    share,
    time_zone,
    window_months,
)
from ccmm.cli._staffing import cmd_staff


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit 2)."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")
        raise SystemExit(2)


def _common() -> _Parser:
    common = _Parser(add_help=False)
    group = common.add_argument_group("output")
    group.add_argument(
        "--format", choices=FORMATS, default=None, help="output format (default: text)"
    )
    group.add_argument("--lang", choices=("en", "zh"), default="en", help="language (default: en)")
    group.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    group.add_argument(
        "--force",
        action="store_true",
        help="with -o: replace FILE even when it is a symbolic link (the link, not its target)",
    )
    group.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    return common


def _reading_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reading",
        choices=READINGS,
        default=None,
        help='what "met" means in a share rule: an item rated 10 (rated_10, the edition\'s '
        "default), rated 5 or 10 (rated_5_or_10), or the share of points (share_of_points)",
    )


def _standard_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standard",
        metavar="ID[:EDITION]|PATH",
        help="standard to use (default: the one the assessment names, else CC-CMM-OC 2017)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ccmm`` command."""
    from ccmm import __version__

    parser = _Parser(
        prog="ccmm",
        description=(
            "Contact-centre operations: CC-CMM maturity levels, plans, CRUCIAL data checks, "
            "KPIs, target attainment and Erlang staffing. Without a command, evaluates the "
            "bundled example assessment."
        ),
        epilog="exit status: 0 all well, 1 a check or gate failed, 2 bad input. See docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"ccmm {__version__}")
    common = _common()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = add("evaluate", cmd_evaluate, "Evaluate an assessment and explain every rule.")
    p.add_argument(
        "file",
        nargs="?",
        type=input_file,
        help="assessment (.json, .yaml, .csv); default: the example",
    )
    p.add_argument("--min-level", type=non_negative_int, metavar="N", help="exit 1 below level N")
    p.add_argument("--allow-missing", action="store_true", help="count unrated items as 0")
    p.add_argument(
        "--evidence",
        metavar="DIR",
        help="directory of data tables (registry.csv, facts.csv, intervals.csv, "
        "analysis_log.csv, survey.csv): show which ratings the data supports or contradicts",
    )
    p.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="with --evidence: the day the data is judged on (YYYY-MM-DD)",
    )
    p.add_argument(
        "--policy",
        choices=("report", "cap", "fill-missing"),
        default="report",
        help="with --evidence: report only (default), cap ratings the data contradicts, or fill "
        "unrated items; with cap or fill-missing --min-level gates the merged assessment",
    )
    p.add_argument(
        "--allow-approved-adjustments",
        action="store_true",
        help="with --evidence: a value changed by hand that carries an approval reference passes "
        "114.2 (default: every hand edit fails it); the report says the setting was used",
    )
    p.add_argument(
        "--attainment-window",
        type=evidence_window_months,
        metavar="MONTHS",
        help="with --evidence: 127 and 128 judge target attainment in each of the last MONTHS "
        "complete months (1 to 120; default 3)",
    )
    _standard_option(p)
    _reading_option(p)

    p = add("plan", cmd_plan, "The fewest rating steps from an assessment to a target level.")
    p.add_argument("file", type=input_file, help="assessment (.json, .yaml, .csv)")
    p.add_argument("--to", type=non_negative_int, required=True, metavar="N", help="target level")
    p.add_argument(
        "--freeze", nargs="+", default=[], metavar="ITEM", help="items whose ratings must not move"
    )
    p.add_argument(
        "--allow-missing",
        action="store_true",
        help="plan from an assessment with unrated items, counting them as 0",
    )
    _standard_option(p)
    _reading_option(p)

    p = add("compare", cmd_compare, "What changed between two assessments.")
    p.add_argument("old", type=input_file, help="earlier assessment")
    p.add_argument("new", type=input_file, help="later assessment")
    p.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="exit 1 when the level drops or any rule is lost",
    )

    p = add(
        "agreement",
        cmd_agreement,
        "Agreement between raters: two or more assessment files, or one table "
        "(CSV/Parquet/Excel) with columns subject, rater, score.",
    )
    p.add_argument(
        "files",
        nargs="+",
        type=input_file,
        metavar="FILE",
        help="two or more assessments of one centre, or one table with subject, rater, score",
    )
    p.add_argument(
        "--rating",
        choices=("c_rate", "f_rate", "both"),
        default=None,
        help="with assessment files: which rating to compare (default: both)",
    )
    p.add_argument("--raters", nargs="+", metavar="NAME", help="only these raters")
    p.add_argument(
        "--min-alpha",
        type=number_in(-1, 1),
        metavar="X",
        help="exit 1 when Krippendorff's alpha (ordinal) is below X (from -1 to 1) or undefined",
    )

    p = add("template", cmd_template, "Write a fill-in assessment template (-o FILE.csv|.xlsx).")
    p.add_argument("--organisation", default="", help="organisation name to pre-fill")
    _standard_option(p)

    p = add("catalogue", cmd_catalogue, "Browse the items of the standard.")
    p.add_argument("--search", metavar="TEXT", help="in item ids, titles and summaries (en, zh)")
    p.add_argument("--section", metavar="ID", help="a section (with its subsections) or domain")
    p.add_argument(
        "--tag", action="extend", nargs="+", default=[], metavar="TAG", help="items with all tags"
    )
    _standard_option(p)

    p = add("check", cmd_check, "CRUCIAL data-quality checks of a KPI fact table.")
    p.add_argument("facts", type=input_file, help="KPI facts (.csv, .parquet, .xlsx)")
    p.add_argument(
        "--registry", required=True, type=input_file, metavar="FILE", help="metric registry"
    )
    p.add_argument("--intervals", type=input_file, metavar="FILE", help="interval table")
    p.add_argument("--analysis", type=input_file, metavar="FILE", help="analysis log")
    p.add_argument("--as-of", type=iso_date, required=True, metavar="DATE", help="YYYY-MM-DD")
    p.add_argument(
        "--tolerance",
        type=number_in(0, 1),
        default=0.005,
        metavar="X",
        help="allowed relative difference of a ratio from its parts (default 0.005)",
    )
    p.add_argument(
        "--tz", type=time_zone, metavar="ZONE", help="time zone of the interval start times"
    )
    p.add_argument(
        "--max-failures",
        type=non_negative_int,
        default=50,
        metavar="N",
        help="failure rows kept and shown per check (counts stay exact)",
    )
    p.add_argument(
        "--opening-hours",
        type=input_file,
        metavar="FILE",
        help="opening hours: queue, channel, weekday (0 = Monday), opens, closes (HH:MM, in "
        "the zone of interval_start); only intervals inside them must be present",
    )
    p.add_argument(
        "--closures",
        type=input_file,
        metavar="FILE",
        help="closed dates: date (YYYY-MM-DD), queue, channel (empty = every one)",
    )
    p.add_argument(
        "--settings",
        type=input_file,
        metavar="FILE",
        help="YAML settings of the checks: enabled, severity, reason, thresholds "
        "(docs/settings.md)",
    )
    p.add_argument(
        "--units",
        type=input_file,
        metavar="FILE",
        help="the registry's own units: columns unit, kind (ratio, percent, duration, count, "
        "currency, score)",
    )

    p = add("kpi", cmd_kpi, "KPIs of an interval table, every one a ratio of sums.")
    p.add_argument("intervals", type=input_file, help="interval table (.csv, .parquet, .xlsx)")
    p.add_argument("--freq", choices=("D", "W", "MS"), help="calendar period (default: none)")
    p.add_argument(
        "--by", action="extend", nargs="*", metavar="COLUMN", help="group columns (queue channel)"
    )
    p.add_argument(
        "--tz",
        type=time_zone,
        metavar="ZONE",
        help="time zone of the calendar periods (default UTC)",
    )
    p.add_argument(
        "--min-service-level",
        type=number_in(0, 1),
        metavar="X",
        help="exit 1 when a group's service level is below X (from 0 to 1) or undefined",
    )

    p = add("attainment", cmd_attainment, "Target attainment of monthly KPIs.")
    p.add_argument("facts", type=input_file, help="KPI facts (.csv, .parquet, .xlsx)")
    p.add_argument(
        "--rule",
        default="cc-cmm-2017",
        metavar="RULE",
        help="cc-cmm-2017 (default) or copc-gold",
    )
    p.add_argument("--as-of", type=iso_date, required=True, metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("--registry", type=input_file, metavar="FILE", help="metric registry")
    p.add_argument("--entity", type=entity, metavar="LEVEL:ID", help="e.g. team:T1")
    p.add_argument(
        "--window-months",
        type=window_months,
        default=12,
        metavar="N",
        help=f"months read, ending with the month of --as-of (default 12, at most "
        f"{MAX_WINDOW_MONTHS})",
    )

    p = add("staff", cmd_staff, "Agents needed for a service target (Erlang C, or A).")
    p.add_argument("--calls", type=number_in(0, math.inf), metavar="N", help="calls per interval")
    p.add_argument(
        "--aht",
        type=number_in(0, math.inf, low_open=True),
        metavar="S",
        help="average handling time, seconds",
    )
    p.add_argument(
        "--target", type=service_target_argument, required=True, metavar="SL/S", help="e.g. 80/20"
    )
    p.add_argument("--interval-minutes", type=positive_float, metavar="M", help="default 30")
    p.add_argument("--shrinkage", type=share, default=0.0, metavar="SHARE", help="e.g. 0.3")
    p.add_argument(
        "--max-occupancy",
        type=number_in(0, 1, low_open=True),
        metavar="SHARE",
        help="highest share of staffed time agents may be busy, e.g. 0.85 (default: none)",
    )
    p.add_argument("--patience", type=positive_float, metavar="S", help="Erlang A patience")
    p.add_argument(
        "--intervals", type=input_file, metavar="FILE", help="forecast table, one row per interval"
    )
    p.add_argument(
        "--calls-column",
        default="offered",
        metavar="COLUMN",
        help="with --intervals: the column of calls per interval (default offered)",
    )
    p.add_argument(
        "--aht-column",
        default="aht_seconds",
        metavar="COLUMN",
        help="with --intervals: the column of handling seconds (default aht_seconds)",
    )
    p.add_argument(
        "--by", action="extend", nargs="*", metavar="COLUMN", help="summary groups (queue channel)"
    )

    p = add("demo", cmd_demo, "The whole story on the bundled examples, as one HTML report.")
    return parser


__all__ = ["build_parser"]
