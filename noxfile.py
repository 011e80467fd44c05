"""Developer tasks: `nox -s tests`, `nox -s lint`, `nox -s typecheck`, `nox -s api`,
`nox -s package`, `nox -s docs`, `nox -s bench`."""

from __future__ import annotations

import glob
import os
import shutil

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "api", "package"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"
DIST = "build/dist"  # build/ is git-ignored


def _build(session: nox.Session) -> tuple[str, str]:
    """Build the sdist and the wheel afresh into build/dist; returns their paths."""
    shutil.rmtree(DIST, ignore_errors=True)
    session.install("build>=1.2")
    session.run("python", "-m", "build", "--outdir", DIST, silent=True)
    (sdist,) = glob.glob(f"{DIST}/ccmm-*.tar.gz")
    (wheel,) = glob.glob(f"{DIST}/ccmm-*.whl")
    return sdist, wheel


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Build the wheel, install it (not the source tree) with the test extras, run the suite.

    pytest does not put the project root on sys.path (no `pythonpath` in pyproject.toml), so the
    tests import the installed wheel; tests/test_public_api.py checks that when
    CCMM_TESTS_INSTALLED is set.
    """
    _, wheel = _build(session)
    session.install("--force-reinstall", "--no-deps", wheel)
    session.install(f"{wheel}[test]")
    # No profile switch here: CI and a newcomer get the same hypothesis profile (tests/conftest.py).
    # `-n auto`: one worker per core (pytest-xdist); the suite is CPU-bound hypothesis work, so
    # on the 2-core CI machine this halves the wall time. `nox -s tests -- -n 0` runs it serially.
    session.run(
        "pytest",
        "-m",
        "not browser and not spark",
        "-n",
        "auto",
        *session.posargs,
        env={"CCMM_TESTS_INSTALLED": "1"},
    )


@nox.session(python=PYTHON)
def package(session: nox.Session) -> None:
    """The sdist's and the wheel's metadata render on PyPI (`twine check --strict`)."""
    sdist, wheel = _build(session)
    session.install("twine>=5")
    session.run("twine", "check", "--strict", sdist, wheel)


@nox.session(python=PYTHON)
def api(session: nox.Session) -> None:
    """No unannounced breaking change of the public API since the last release (griffe).

    Compares the package with the committed snapshot tests/api/ccmm-0.1.0.json; every breaking
    change must be listed in tests/api/announced-breaking-changes.txt (tests/api_snapshot.py).
    """
    session.install("griffe>=1.5,<3")
    session.run("python", "tests/api_snapshot.py", "check", *session.posargs)


@nox.session(python=PYTHON)
def browser(session: nox.Session) -> None:
    """Open the demo report (en and zh) in headless Chromium (Debian package, installed when
    missing; needs root) at 1280 px and at 390 px (phone emulation over DevTools) and check the
    rendered page: named summary, KPI charts and heat maps, no sideways scrolling on the phone,
    no English heading in Chinese. Full-page screenshots: artifacts/report-<lang>-<width>.png."""
    # Debian packages: the browser, and a CJK font so that the Chinese screenshots show text.
    missing = [
        package
        for package, path in (
            ("chromium", "/usr/bin/chromium"),
            ("fonts-noto-cjk", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        )
        if not os.path.exists(path)
    ]
    if missing:
        session.run("apt-get", "update", external=True)
        session.run("apt-get", "install", "-y", *missing, external=True)
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "browser", "-s", "tests/test_browser.py", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff over the package, tests, benchmarks and this file."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", "ccmm", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "ccmm")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install(
        "-e", ".[polars,plot]", "mypy>=1.10", "pandas-stubs", "types-PyYAML", "types-tqdm"
    )
    session.run("mypy", "--strict", "ccmm")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: print each figure an issue asks for, against its baseline, in the same run."""
    session.install("-e", ".[test]", "pyworkforce", "ciw")
    for script in sorted(os.listdir("benchmarks")):
        # bench_spark*.py need pyspark and Java: `nox -s bench-spark`.
        if (
            script.startswith("bench_")
            and script.endswith(".py")
            and not script.startswith("bench_spark")
        ):
            session.run("python", f"benchmarks/{script}", *session.posargs)


@nox.session(python=PYTHON)
def spark(session: nox.Session) -> None:
    """The Spark backend's tests on a local[2] session (pyspark from PyPI; needs Java 17+)."""
    session.install("-e", ".[test,spark]")
    # With pyspark installed, importing the core must still not load it, nor warn (issue 17).
    session.run(
        "python",
        "-W",
        "error",
        "-c",
        "import ccmm.crucial, sys; assert 'pyspark' not in sys.modules",
    )
    session.run("pytest", "-m", "spark", *session.posargs)
    session.run("pytest", "tests/test_public_api_imports.py", *session.posargs)


@nox.session(python=PYTHON, name="bench-spark")
def bench_spark(session: nox.Session) -> None:
    """Spark on local[2]: KPI roll-up and CRUCIAL check against pandas (bench_spark.py);
    kpi.compute against a hand-written groupBy (bench_spark_kpi.py); CRUCIAL interval checks
    against hand-written Spark SQL (bench_spark_crucial.py)."""
    session.install("-e", ".[test,spark]")
    session.run("python", "benchmarks/bench_spark.py", *session.posargs)
    session.run("python", "benchmarks/bench_spark_kpi.py", *session.posargs)
    session.run("python", "benchmarks/bench_spark_crucial.py")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site with warnings as errors; the examples in it run meanwhile.

    mkdocs.yml sets `strict: true` too; `--strict` here keeps the guarantee if that line goes.
    ruff only formats the signatures in the API reference.
    """
    session.install("-e", ".[docs]", "ruff>=0.5", "pytest>=8", "hypothesis>=6.100")
    session.run("mkdocs", "build", "--strict", *session.posargs)
    # The built site: no raw Sphinx role, every public name documented.
    session.run(
        "pytest",
        "tests/test_public_api_docs.py",
        env={"CCMM_DOCS_SITE": "build/site"},
    )
