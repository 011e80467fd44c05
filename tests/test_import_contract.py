"""Import contracts of the check engine (issue 16), read from the source with ``ast``.

- nothing outside ``ccmm/_spark`` imports pyspark (``import ccmm`` never loads Spark);
- a CRUCIAL backend (pandas, polars, Spark) imports from the CRUCIAL package only the engine's
  public interface: the names in ``ccmm.crucial._engine.__all__``; no backend imports another
  backend, and no backend (CRUCIAL or KPI) imports a private name of another module;
- the rules modules import no backend: neither they nor any ccmm module they import (followed
  transitively through ``from ccmm… import``) imports a dataframe library or a backend module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ccmm
from ccmm.crucial import _engine

PACKAGE = Path(ccmm.__file__).parent
CRUCIAL_BACKENDS = ("ccmm/crucial/_pandas.py", "ccmm/crucial/_polars.py", "ccmm/_spark/crucial.py")
KPI_BACKENDS = ("ccmm/kpi/_pandas_sums.py", "ccmm/_spark/kpi.py", "ccmm/_spark/kpi_validate.py")
#: The engine's public interface: the only module of ccmm.crucial a backend may import.
ENGINE = "ccmm.crucial._engine"
RULE_MODULES = (
    "ccmm/crucial/_rules.py",
    "ccmm/_row_rules.py",
    "ccmm/_standard_data.py",
    "ccmm/_vocabulary.py",
)
#: Dataframe libraries (a backend's own) and ccmm's backend modules.
BACKEND_LIBRARIES = ("pandas", "polars", "pyspark", "pandera", "pyarrow")
BACKEND_MODULES = (
    "ccmm._spark",
    "ccmm.crucial._pandas",
    "ccmm.crucial._polars",
    "ccmm.kpi._pandas_sums",
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


def _source(dotted: str) -> Path | None:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_module(dotted: str) -> bool:
    return _source(dotted) is not None


def _own_package(backend: str) -> str:
    return backend.rsplit("/", 1)[0].replace("/", ".")


def _reached(module: str) -> set[str]:
    """Every module ``module``'s source imports, followed through the ccmm modules it imports
    (their own imports, not their packages' ``__init__``)."""
    seen: set[str] = set()
    todo = [module]
    found: set[str] = set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        source = _source(current)
        if source is None:
            continue
        for imported, name in _imports(source):
            full = imported if name is None else f"{imported}.{name}"
            target = full if _is_module(full) else imported
            found.add(target)
            if target.split(".")[0] == "ccmm":
                todo.append(target)
    return found


def test_nothing_outside_ccmm_spark_imports_pyspark() -> None:
    offenders = {
        name: sorted(m for m, _ in imported if m.split(".")[0] == "pyspark")
        for name, imported in _modules().items()
        if not name.startswith("ccmm/_spark/")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("backend", CRUCIAL_BACKENDS + KPI_BACKENDS)
def test_a_backend_imports_no_private_name_of_another_module(backend: str) -> None:
    private = [
        f"{module}.{name}"
        for module, name in _imports(PACKAGE.parent / backend)
        if name is not None and name.startswith("_") and not _is_module(f"{module}.{name}")
    ]
    assert private == []


@pytest.mark.parametrize("backend", CRUCIAL_BACKENDS)
def test_a_crucial_backend_imports_only_the_engine_interface(backend: str) -> None:
    imported = _imports(PACKAGE.parent / backend)
    modules = {m for m, _ in imported if m.startswith("ccmm.crucial")}
    assert modules <= {ENGINE}
    names = {n for m, n in imported if m == ENGINE}
    assert None not in names  # ``from ccmm.crucial._engine import name``, name by name
    assert names <= set(_engine.__all__)


@pytest.mark.parametrize("backend", CRUCIAL_BACKENDS + KPI_BACKENDS)
def test_a_backend_imports_no_other_backend(backend: str) -> None:
    own = backend.removesuffix(".py").replace("/", ".")
    package = _own_package(backend)
    others = [
        m
        for m, _ in _imports(PACKAGE.parent / backend)
        if m.startswith(BACKEND_MODULES) and m != own and not m.startswith(package + ".")
    ]
    assert others == []


@pytest.mark.parametrize("module", RULE_MODULES)
def test_a_rules_module_imports_no_backend(module: str) -> None:
    dotted = module.removesuffix(".py").replace("/", ".")
    reached = _reached(dotted)
    assert sorted(m for m in reached if m.split(".")[0] in BACKEND_LIBRARIES) == []
    assert sorted(m for m in reached if m.startswith(BACKEND_MODULES)) == []


def test_the_contract_scan_sees_imports() -> None:
    # The scan is not vacuous: the Spark backend's own pyspark imports and the engine imports of
    # every backend are found, the transitive scan reaches a dataframe library where there is
    # one, and a private name would be caught.
    modules = _modules()
    spark = [m for k, v in modules.items() if k.startswith("ccmm/_spark/") for m, _ in v]
    assert any(m.startswith("pyspark") for m in spark)
    for backend in CRUCIAL_BACKENDS:
        assert ENGINE in {m for m, _ in modules[backend]}
    assert "pandas" in _reached("ccmm.crucial._engine")
    assert "ccmm._yaml" in _reached("ccmm.crucial._rules")
    assert not _is_module("ccmm.crucial._engine.Collector")
    assert _is_module("ccmm._frames")
