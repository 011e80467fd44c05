"""CI runs the tests as a newcomer does: the README's command, the same hypothesis profile."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent


def _readme_shell_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.DOTALL)
    return [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_commands = [c for c in _readme_shell_commands() if "nox -s tests" in c]
    assert len(test_commands) == 1, test_commands
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_commands[0] in ci_lines


def test_no_ci_only_hypothesis_profile() -> None:
    # Neither CI nor nox may pick a profile a newcomer does not get.
    for path in (ROOT / ".ci" / "run", ROOT / "noxfile.py"):
        text = path.read_text()
        assert "HYPOTHESIS_PROFILE=" not in text.replace("unset HYPOTHESIS_PROFILE", "")
        assert '"HYPOTHESIS_PROFILE"' not in text


def test_the_default_profile_draws_fresh_random_examples() -> None:
    current = settings()
    assert not current.derandomize
    assert current.max_examples <= 100  # bounded: the whole suite stays short on 2 cores


def test_every_relative_link_of_the_readme_points_to_a_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", readme)
    assert targets  # the README links the docs pages
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert missing == []


def test_ci_gets_the_same_profile_as_a_newcomer() -> None:
    # With CI=true hypothesis would load its own derandomized "ci" profile; ours must win.
    code = (
        "import runpy; runpy.run_path('tests/conftest.py'); from hypothesis import settings;"
        " s = settings(); print(s.derandomize, s.max_examples, s.database)"
    )
    outputs = {
        ci: subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "CI": ci},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for ci in ("true", "")
    }
    assert outputs["true"] == outputs[""] == "False 40 None"


def test_tests_import_their_helpers_as_top_level_modules() -> None:
    # `nox -s tests` runs against the installed wheel: the project root is not on sys.path there,
    # so `from tests.strategies_x import …` only works in a source checkout.
    offenders = [
        f"{path.name}:{number}"
        for path in sorted((ROOT / "tests").glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*(from|import) tests\b", line)
    ]
    assert offenders == []


def test_ci_stops_when_the_readme_test_command_fails_in_any_part() -> None:
    # `set -e` ignores a failure before the last `&&` of a list: a pip that cannot install
    # nox would skip the tests. The next line of .ci/run must check the list's status.
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    (test_command,) = [c for c in _readme_shell_commands() if "nox -s tests" in c]
    after = [line for line in lines[lines.index(test_command) + 1 :] if not line.startswith("#")]
    assert after[0].startswith("[ $? -eq 0 ] ||") and "exit 1" in after[0]
