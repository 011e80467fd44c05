"""`import ccmm`, `ccmm.kpi`, `ccmm.crucial` and `ccmm.staffing` load none of the heavy or
optional parts (pyspark, the command line, the report, plotting), even when they are installed,
and print no warning. Each import runs in a fresh interpreter. With pyspark installed (the shared
venv, `nox -s spark`) this is the check that pandera no longer drags pyspark in."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

CORE = ["ccmm", "ccmm.kpi", "ccmm.crucial", "ccmm.staffing"]
NEVER_LOADED = ["pyspark", "ccmm.cli", "ccmm.report", "ccmm._plot", "matplotlib"]

PROBE = """
import importlib, json, sys, warnings
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    importlib.import_module(sys.argv[1])
loaded = sorted({m for m in sys.modules for p in sys.argv[2:] if m == p or m.startswith(p + ".")})
print(json.dumps({"loaded": loaded, "warnings": [str(w.message) for w in caught]}))
"""


def _import_in_fresh_interpreter(module: str) -> tuple[dict[str, list[str]], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONWARNINGS")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module, *NEVER_LOADED],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout), done.stderr


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("module", [m for m in CORE if _present(m)])
def test_core_import_loads_no_spark_cli_report_or_plotting_and_prints_no_warning(
    module: str,
) -> None:
    seen, stderr = _import_in_fresh_interpreter(module)
    assert seen["loaded"] == [], f"import {module} loaded {seen['loaded']}"
    assert seen["warnings"] == []
    assert stderr == ""


def test_importing_ccmm_crucial_leaves_spark_environment_variables_alone() -> None:
    # pandera sets these for the rest of the process when it imports (pandera issue #2344).
    code = (
        "import os; before = {k: os.environ.get(k) for k in ('SPARK_LOCAL_IP', "
        "'PYARROW_IGNORE_TIMEZONE')}; import ccmm.crucial; "
        "assert before == {k: os.environ.get(k) for k in before}, before"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE")
    }
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


@pytest.mark.skipif(not _present("pyspark"), reason="pyspark not installed")
def test_pyspark_still_imports_after_ccmm_crucial_and_the_pandas_checks_still_find_defects() -> (
    None
):
    # Hiding pyspark from pandera must not hide it from the user afterwards.
    code = (
        "import ccmm.crucial, sys; assert 'pyspark' not in sys.modules; "
        "import pyspark.sql; from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example; "
        "t = load_example('dirty'); report = ccmm.crucial.check(t.facts, registry=t.registry, "
        "intervals=t.intervals, analysis_log=t.analysis_log, as_of=EXAMPLE_AS_OF); "
        "assert report.failures.shape[0] > 0"
    )
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
