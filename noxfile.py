"""Developer tasks: `nox -s tests`, `nox -s lint`, `nox -s typecheck`, `nox -s bench`."""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Install ccmm with its test extras and run the whole suite."""
    session.install("-e", ".[test]")
    # No profile switch here: CI and a newcomer get the same hypothesis profile (tests/conftest.py).
    session.run("pytest", "-m", "not browser and not spark", *session.posargs)


@nox.session(python=PYTHON)
def browser(session: nox.Session) -> None:
    """Open the demo report in headless Chromium (Debian package, installed when missing; needs
    root) and check the rendered page; the screenshot is kept as artifacts/report.png."""
    if not os.path.exists("/usr/bin/chromium"):
        session.run("apt-get", "update", external=True)
        session.run("apt-get", "install", "-y", "chromium", external=True)
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "browser", "tests/test_browser.py", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff over the package, tests, benchmarks and this file."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", "ccmm", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "ccmm")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".[polars,plot]", "mypy>=1.10", "pandas-stubs", "types-PyYAML")
    session.run("mypy", "--strict", "ccmm")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: print each figure an issue asks for, against its baseline, in the same run."""
    session.install("-e", ".[test]", "pyworkforce")
    for script in sorted(os.listdir("benchmarks")):
        # bench_spark.py needs pyspark and Java: `nox -s bench-spark`.
        if script.startswith("bench_") and script.endswith(".py") and script != "bench_spark.py":
            session.run("python", f"benchmarks/{script}", *session.posargs)


@nox.session(python=PYTHON)
def spark(session: nox.Session) -> None:
    """The Spark backend's tests on a local[2] session (pyspark from PyPI; needs Java 17+)."""
    session.install("-e", ".[test,spark]")
    session.run("pytest", "-m", "spark", *session.posargs)


@nox.session(python=PYTHON, name="bench-spark")
def bench_spark(session: nox.Session) -> None:
    """50 million interval rows on local[2]: KPI roll-up and CRUCIAL check, against pandas."""
    session.install("-e", ".[test,spark]")
    session.run("python", "benchmarks/bench_spark.py", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site with warnings as errors; the examples in it run meanwhile.

    mkdocs.yml sets `strict: true` too; `--strict` here keeps the guarantee if that line goes.
    ruff only formats the signatures in the API reference.
    """
    session.install("-e", ".[docs]", "ruff>=0.5")
    session.run("mkdocs", "build", "--strict", *session.posargs)
