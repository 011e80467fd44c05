"""Import contracts of the check engine (issue 16), read from the source with ``ast``: only the
Spark backend imports pyspark, and the rule definitions import no backend."""

from __future__ import annotations

import ast
from pathlib import Path

import ccmm

PACKAGE = Path(ccmm.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules() -> dict[str, set[str]]:
    return {str(path.relative_to(PACKAGE.parent)): _imports(path) for path in PACKAGE.rglob("*.py")}


def test_only_the_spark_backend_imports_pyspark() -> None:
    offenders = {
        name: sorted(m for m in imported if m.split(".")[0] == "pyspark")
        for name, imported in _modules().items()
        if not name.startswith("ccmm/_spark/")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_rule_definitions_import_no_backend() -> None:
    backends = ("polars", "pyspark", "ccmm._spark", "ccmm.crucial._polars")
    imported = _imports(PACKAGE / "crucial" / "_rules.py")
    assert not {m for m in imported if m.startswith(backends)}


def test_the_contract_scan_sees_imports() -> None:
    # The scan is not vacuous: the Spark backend's own pyspark imports are found.
    spark_imports = set().union(*(v for k, v in _modules().items() if k.startswith("ccmm/_spark/")))
    assert any(m.startswith("pyspark") for m in spark_imports)
