"""Docstrings use the cross-reference syntax the docs site renders, never Sphinx roles.

The built-site test (nox -s docs) finds a raw role after the fact; this one names the line in
the source during the ordinary test run.
"""

from __future__ import annotations

import re
from pathlib import Path

import ccmm

ROLE = re.compile(r":(func|class|meth|mod|attr|exc|data|obj|const):`")


def test_no_sphinx_role_in_the_package_source() -> None:
    package = Path(ccmm.__file__).parent
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ROLE.search(line)
    ]
    assert found == []
