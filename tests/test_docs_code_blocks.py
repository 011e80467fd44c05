"""Every code block of README.md and docs/**/*.md runs as written.

Each file's ```python blocks run in order in one namespace (as markdown-exec's sessions do), in a
fresh temporary working directory; ``>>>`` blocks run as doctests. Shell blocks (```bash,
```console) run their ``ccmm …`` commands through :func:`ccmm.cli.main` in that directory, which
holds the files the docs name (``my-centre.csv``, ``facts.csv``, ``registry.csv``, ``data/``,
``evidence/``) made from the shipped examples; a command may exit 0 or 1 (a gate), never 2 (bad
input or a usage error). ``pip``, ``nox`` and ``spark-submit`` lines are not run here: CI runs
the README's test command itself. The Spark page is marked ``spark``.
"""

from __future__ import annotations

import csv
import doctest
import io
import re
import shlex
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_SHELL = ("bash", "console", "sh", "shell")


def code_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, body)`` of every fenced block of a Markdown text, in order."""
    blocks = []
    for match in _FENCE.finditer(text):
        info = match.group("info").strip()
        language = info.split()[0] if info else ""
        indent = len(match.group("indent"))
        body = "\n".join(line[indent:] for line in match.group("body").splitlines())
        blocks.append((language, body))
    return blocks


def ccmm_commands(body: str, language: str) -> list[list[str]]:
    """The ``ccmm`` commands of a shell block, as argument lists (without ``ccmm``)."""
    commands = []
    for raw in body.replace("\\\n", " ").splitlines():  # a trailing backslash continues a line
        line = raw.strip()
        if language == "console":
            if not line.startswith("$ "):
                continue  # program output
            line = line[2:]
        if not line or line.startswith("#"):
            continue
        for part in line.split("&&"):
            words = shlex.split(part, comments=True)
            if words and words[0] == "ccmm":
                commands.append(words[1:])
    return commands


def _filled_template(path: Path) -> None:
    """The CSV template with the bundled example's ratings: a centre's filled-in assessment."""
    import ccmm
    from ccmm.examples import load_example_assessment

    example = load_example_assessment()
    ccmm.write_assessment_template(path, organisation=example.organisation)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    for row in rows:
        score = example.scores[row["item"]]
        row["c_rate"], row["f_rate"] = str(score.c_rate), str(score.f_rate)
    with path.open("w", encoding="utf-8", newline="") as file:
        about = {
            "assessed_on": example.assessed_on.isoformat(),
            "operating_years": str(example.operating_years),
        }
        for line in lines:
            if line.startswith("#"):
                key = line[2:].split(":")[0]
                file.write(f"# {key}: {about[key]}\n" if key in about else line)
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _files_the_docs_name(folder: Path) -> None:
    from ccmm.examples import example_path

    _filled_template(folder / "my-centre.csv")
    examples = example_path("crucial")
    for name in ("facts.csv", "registry.csv", "intervals.csv", "analysis_log.csv"):
        shutil.copy(examples / "clean" / name, folder / name)
    shutil.copytree(examples / "dirty", folder / "data")
    shutil.copytree(examples / "dirty", folder / "evidence")


def _run_doctest(body: str, namespace: dict[str, object], where: str) -> None:
    """A ``>>>`` block: every example runs and prints what the page says it prints."""
    test = doctest.DocTestParser().get_doctest(body, namespace, where, where, 0)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=report.write, clear_globs=False)
    assert runner.failures == 0, report.getvalue()


def _spark_page_namespace() -> dict[str, object]:
    """What the Spark page takes for granted, as a notebook on a cluster has it: a session named
    ``spark`` and the centre's tables in its catalogue (here the shipped clean example)."""
    from pyspark.sql import SparkSession
    from test_spark import to_spark

    from ccmm.crucial.examples import load_example

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    data = load_example("clean")
    for view, frame in (
        ("intervals", data.intervals),
        ("kpi_facts", data.facts),
        ("kpi_registry", data.registry),
    ):
        to_spark(spark, frame).createOrReplaceTempView(view)
    return {"spark": spark}


def _marks(doc: Path) -> list[pytest.MarkDecorator]:
    # The Spark page's blocks start a Spark session: they run with the other Spark tests.
    return [pytest.mark.spark] if doc.name == "spark.md" else []


@pytest.mark.parametrize(
    "doc",
    [pytest.param(d, marks=_marks(d), id=str(d.relative_to(ROOT))) for d in DOC_FILES],
)
# The docs teach the current names: a block that reaches a deprecated ccmm name fails.
@pytest.mark.filterwarnings(r"error:ccmm\..* is deprecated:DeprecationWarning")
def test_every_code_block_of_the_page_runs_as_written(
    doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccmm.cli import main

    blocks = code_blocks(doc.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    _files_the_docs_name(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{doc.stem}"}
    if doc.name == "spark.md":
        namespace.update(_spark_page_namespace())
    for number, (language, body) in enumerate(blocks, start=1):
        where = f"{doc.relative_to(ROOT)} block {number} ({language or 'plain'})"
        if language == "python" and body.lstrip().startswith(">>>"):
            _run_doctest(body, namespace, where)
        elif language == "python":
            try:
                exec(compile(body, where, "exec"), namespace)
            except Exception as exc:  # the failure names the block
                raise AssertionError(f"{where} fails: {type(exc).__name__}: {exc}") from exc
        elif language in _SHELL:
            for argv in ccmm_commands(body, language):
                out, err = io.StringIO(), io.StringIO()
                code = main(argv, stdout=out, stderr=err)
                assert code in (0, 1), (
                    f"{where}: ccmm {shlex.join(argv)} exit {code}: {err.getvalue()}"
                )


def test_the_block_finder_sees_every_fence_of_the_readme() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    fences = sum(1 for line in text.splitlines() if line.lstrip().startswith("```"))
    assert len(code_blocks(text)) * 2 == fences
    assert any(language == "python" for language, _ in code_blocks(text))


def test_shell_blocks_yield_the_ccmm_commands_and_skip_the_rest() -> None:
    body = "# comment\npip install . && ccmm demo\npip install nox && nox -s tests\n"
    assert ccmm_commands(body, "bash") == [["demo"]]
    console = "$ ccmm check f.csv --as-of 2024-04-15   # why\nccmm output line\n"
    assert ccmm_commands(console, "console") == [["check", "f.csv", "--as-of", "2024-04-15"]]
