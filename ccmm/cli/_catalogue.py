"""``catalogue``: browse the items of a standard by section, domain, tag or text."""

from __future__ import annotations

import argparse

from ccmm._errors import InputDataError
from ccmm.cli._common import EXIT_FAILED, EXIT_OK, Outcome, load_standard_option
from ccmm.cli._progress import Progress


def cmd_catalogue(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm._loader import load_standard
    from ccmm._text import Text
    from ccmm.report import Report, TableSection

    standard = load_standard_option(args.standard) or load_standard()
    items = list(standard.items)
    problems = []
    if args.section is not None:
        domain_ids = {d.id for d in standard.domains}
        section_ids = {s.id for s in standard.sections}
        if args.section in domain_ids:
            items = [i for i in items if i.domain == args.section]
        elif args.section in section_ids:
            items = [
                i
                for i in items
                if i.section == args.section or i.section.startswith(args.section + ".")
            ]
        else:
            problems.append(
                f"--section {args.section!r} is neither a section nor a domain of "
                f"{standard.id} {standard.edition}"
            )
    known_tags = sorted({t for i in standard.items for t in i.tags})
    unknown = [t for t in args.tag if t not in known_tags]
    if unknown:
        problems.append(
            f"--tag: unknown tag(s) {', '.join(map(repr, unknown))}; known: {', '.join(known_tags)}"
        )
    if problems:
        raise InputDataError("catalogue: bad filter", problems=problems)
    items = [i for i in items if all(t in i.tags for t in args.tag)]
    if args.search:
        needle = args.search.casefold()
        items = [
            i
            for i in items
            if needle in i.id.casefold()
            or any(
                needle in text.casefold()
                for text in (i.title.en, i.title.zh, i.summary.en, i.summary.zh)
            )
        ]
    lang = args.lang
    rows = tuple((i.id, i.section, i.domain, i.title.get(lang), ", ".join(i.tags)) for i in items)
    report = Report(
        title=Text(
            en=f"{standard.id} {standard.edition} catalogue",
            zh=f"{standard.id} {standard.edition} 条目目录",
        ),
        sections=(
            TableSection(
                key="catalogue",
                title=Text(en="Items", zh="条目"),
                columns=("item", "section", "domain", "title", "tags"),
                rows=rows,
                notes=(f"{len(rows)} of {len(standard.items)} items",),
            ),
        ),
    )
    if not rows:
        return Outcome(report, EXIT_FAILED, "no item matches")
    return Outcome(report, EXIT_OK)


__all__ = ["cmd_catalogue"]
