"""Import contracts of the check engine (issue 16), read from the source with ``ast``.

- only ``ccmm/_spark`` imports pyspark (``import ccmm`` never loads Spark);
- a backend (pandas, polars, Spark) imports from the CRUCIAL package only the engine's interface
  (`ccmm.crucial._engine`), the rule definitions, the reference pandas evaluation and the
  schemas, and never a private name of another module;
- the rule and data modules import no backend and no engine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ccmm

PACKAGE = Path(ccmm.__file__).parent
BACKENDS = ("ccmm/crucial/_pandas.py", "ccmm/crucial/_polars.py", "ccmm/_spark/crucial.py")
#: What a backend may import from ccmm.crucial.
BACKEND_MAY_USE = (
    "ccmm.crucial._engine",
    "ccmm.crucial._rules",
    "ccmm.crucial._pandas",
    "ccmm.crucial._kinds",
    "ccmm.crucial.schemas",
)
RULE_MODULES = (
    "ccmm/crucial/_rules.py",
    "ccmm/_row_rules.py",
    "ccmm/_standard_data.py",
    "ccmm/_vocabulary.py",
)
BACKEND_MODULES = (
    "polars",
    "pyspark",
    "ccmm._spark",
    "ccmm.crucial._pandas",
    "ccmm.crucial._polars",
    "ccmm.crucial._engine",
    "ccmm.crucial._facts",
    "ccmm.crucial._check",
)


def _imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every import of a file, at any depth (function-level included);
    name is None for ``import module``."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend((node.module, alias.name) for alias in node.names)
    return found


def _modules() -> dict[str, list[tuple[str, str | None]]]:
    return {str(p.relative_to(PACKAGE.parent)): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _full_names(imported: list[tuple[str, str | None]]) -> set[str]:
    return {m if n is None else f"{m}.{n}" for m, n in imported} | {m for m, _ in imported}


def test_only_the_spark_backend_imports_pyspark() -> None:
    offenders = {
        name: sorted(m for m, _ in imported if m.split(".")[0] == "pyspark")
        for name, imported in _modules().items()
        if not name.startswith("ccmm/_spark/")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backend_imports_no_private_name_of_another_module(backend: str) -> None:
    private = [
        f"{module}.{name}"
        for module, name in _imports(PACKAGE.parent / backend)
        if name is not None and name.startswith("_") and not _is_module(f"{module}.{name}")
    ]
    assert private == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backend_uses_only_the_engine_interface_of_the_crucial_package(backend: str) -> None:
    own = backend.removesuffix(".py").replace("/", ".")
    used = {m for m, _ in _imports(PACKAGE.parent / backend) if m.startswith("ccmm.crucial")}
    assert used - {own} <= set(BACKEND_MAY_USE)


@pytest.mark.parametrize("module", RULE_MODULES)
def test_the_rule_definitions_import_no_backend(module: str) -> None:
    imported = _full_names(_imports(PACKAGE.parent / module))
    assert sorted(m for m in imported if m.startswith(BACKEND_MODULES)) == []


def test_the_contract_scan_sees_imports() -> None:
    # The scan is not vacuous: the Spark backend's own pyspark imports and the engine imports of
    # every backend are found, and a private name would be caught.
    modules = _modules()
    spark = [m for k, v in modules.items() if k.startswith("ccmm/_spark/") for m, _ in v]
    assert any(m.startswith("pyspark") for m in spark)
    for backend in BACKENDS[1:]:
        assert "ccmm.crucial._engine" in {m for m, _ in modules[backend]}
    assert not _is_module("ccmm.crucial._engine.Collector")
    assert _is_module("ccmm._frames")
