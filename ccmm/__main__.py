"""``python -m ccmm``: evaluate an assessment (default: the bundled example) and print the result.

A fuller command line arrives with the CLI issue; this entry point keeps the README's main-job
command true until then.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    import ccmm
    from ccmm.examples import example_path

    parser = argparse.ArgumentParser(
        prog="ccmm", description="Evaluate a CC-CMM assessment and explain every rule."
    )
    parser.add_argument("file", nargs="?", help="assessment (.json, .yaml, .csv); default: example")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--allow-missing", action="store_true", help="count unrated items as 0")
    parser.add_argument("--version", action="version", version=f"ccmm {ccmm.__version__}")
    args = parser.parse_args(argv)
    try:
        assessment = ccmm.read_assessment(args.file or example_path())
        evaluation = ccmm.evaluate(assessment, allow_missing=args.allow_missing)
    except ccmm.CCMMError as exc:
        print(f"ccmm: error: {exc}", file=sys.stderr)
        return 2
    print(evaluation.explain(args.lang))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
