"""The built documentation site (``nox -s docs`` builds it, then runs this file with
CCMM_DOCS_SITE pointing at it): no Sphinx role is printed literally, and every public name of
every public module is documented on the API pages (it is in the site's inventory)."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import zlib
from pathlib import Path

import pytest

import ccmm

SITE = os.environ.get("CCMM_DOCS_SITE")
pytestmark = [
    pytest.mark.docs,
    pytest.mark.skipif(not SITE, reason="needs the built site: nox -s docs"),
]

RAW_ROLE = re.compile(r":(func|class|meth|mod|attr|exc|data|obj|const):`")


def _inventory(site: Path) -> set[str]:
    data = (site / "objects.inv").read_bytes()
    start = 0
    for _ in range(4):  # four header lines, then the zlib-compressed body
        start = data.index(b"\n", start) + 1
    body = zlib.decompress(data[start:]).decode("utf-8")
    return {line.split(" ", 1)[0] for line in body.splitlines() if line.strip()}


def _public_names() -> list[str]:
    names = [f"ccmm.{n}" for n in ccmm.__all__ if n != "__version__"]
    for info in pkgutil.walk_packages(ccmm.__path__, "ccmm."):
        if any(part.startswith("_") for part in info.name.split(".")) or info.name in (
            "ccmm.cli",
            "ccmm.report",
        ):
            continue  # private; the command line and the report have their own pages
        module = importlib.import_module(info.name)
        names += [f"{info.name}.{n}" for n in getattr(module, "__all__", ())]
    return sorted(set(names))


def test_no_page_of_the_built_site_shows_a_raw_sphinx_role() -> None:
    assert SITE is not None
    pages = sorted(Path(SITE).rglob("*.html"))
    assert pages
    raw = [str(p) for p in pages if RAW_ROLE.search(p.read_text(encoding="utf-8"))]
    assert raw == []


def test_every_public_name_is_documented_on_the_api_pages() -> None:
    assert SITE is not None
    documented = _inventory(Path(SITE))
    public = _public_names()
    # A name re-exported by a package is documented once, where the package is; count it when
    # the same object is documented under any public path.
    missing = []
    for path in public:
        module_name, _, name = path.rpartition(".")
        module = importlib.import_module(module_name)
        if "__getattr__" in vars(module) and name not in vars(module):
            # Built on first use (crucial.schemas.facts, ...): griffe cannot see it; the module's
            # docstring, rendered on the API page, must name it.
            if f"{module_name.rsplit('.', 1)[-1]}.{name}" not in (module.__doc__ or ""):
                missing.append(path)
            continue
        obj = getattr(module, name)
        aliases = {
            f"{m}.{name}"
            for m in ("ccmm", "ccmm.kpi", "ccmm.crucial", "ccmm.evidence", "ccmm.staffing")
            if getattr(_maybe_module(m), name, None) is obj
        }
        if path not in documented and not aliases & documented:
            missing.append(path)
    assert sorted(missing) == [], "\n".join(missing)


def _maybe_module(name: str) -> object:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
