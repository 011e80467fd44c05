"""The public API snapshot: find breaking changes against the last release, with griffe.

``python tests/api_snapshot.py check`` (the ``nox -s api`` session, run by CI) loads the committed
snapshot of the last release (tests/api/ccmm-<version>.json, a ``griffe dump`` without
docstrings) and the package as it is now, and lists every breaking change griffe finds (an
object removed, a parameter removed, moved or made required, a changed kind or base class, ...).
Each one must be announced in tests/api/announced-breaking-changes.txt, one
``<object path> <breakage kind>`` per line with a comment naming the CHANGELOG entry; an
unannounced one fails the run; an announcement that matches no breakage is printed.

``python tests/api_snapshot.py dump`` writes the snapshot; run it when a release is cut, and
empty the announcement list at the same time.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import griffe

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "api" / "ccmm-0.1.0.json"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
ANNOUNCED = ROOT / "tests" / "api" / "announced-breaking-changes.txt"


# The breakage check does not read docstrings; they would only make the snapshot churn.
_UNUSED = {"docstring"}


def _strip(node: object) -> object:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in _UNUSED}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def dump(target: Path = SNAPSHOT) -> None:
    package = griffe.load(
        "ccmm", search_paths=[str(ROOT)], docstring_parser=None, try_relative_path=False
    )
    data = json.loads(package.as_json())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(_strip(data), indent=0, sort_keys=True) + "\n", encoding="utf-8")


def _load_snapshot() -> griffe.Module:
    module = json.loads(SNAPSHOT.read_text(encoding="utf-8"), object_hook=griffe.json_decoder)
    # A deserialised module has no modules collection, which griffe needs to follow the aliases
    # of re-exported names; register it in one as griffe.load would.
    collection = griffe.ModulesCollection()
    collection.set_member(module.path, module)
    module._modules_collection = collection
    return module


def breaking_changes() -> list[tuple[str, str, str]]:
    """(object path, breakage kind, explanation) of every break since the snapshot, sorted."""
    old = _load_snapshot()
    new = griffe.load(
        "ccmm", search_paths=[str(ROOT)], docstring_parser=None, try_relative_path=False
    )
    found = {
        (b.obj.path, b.kind.name, _ANSI.sub("", b.explain(style=griffe.ExplanationStyle.ONE_LINE)))
        for b in griffe.find_breaking_changes(old, new)
    }
    return sorted(found)


def announced() -> set[tuple[str, str]]:
    entries = set()
    for line in ANNOUNCED.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].split()
        if text:
            entries.add((text[0], text[1]))
    return entries


def check() -> int:
    changes = breaking_changes()
    allowed = announced()
    unannounced = [c for c in changes if (c[0], c[1]) not in allowed]
    stale = sorted(allowed - {(c[0], c[1]) for c in changes})
    print(f"{len(changes)} breaking change(s) since {SNAPSHOT.name}, {len(allowed)} announced")
    for path, kind, why in unannounced:
        print(f"UNANNOUNCED {path} {kind}: {why}")
    for path, kind in stale:
        # Not fatal: work that is announced may land after its announcement.
        print(f"announced but not (or no longer) a breaking change: {path} {kind}")
    return 1 if unannounced else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "dump":
        dump()
        sys.exit(0)
    sys.exit(check())
