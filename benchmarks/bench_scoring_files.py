"""Benchmark: a 1 KB YAML or JSON file of any shape is refused or read within 1 s and 100 MB.

Issue #14, finding 1: a 307-byte YAML assessment of nested aliases built a 351 MB error message
in 12.8 s (10 levels exhausted 24 GB). Every shape below is at most 1 KB: alias bombs of several
widths and depths (under an unknown key, under ``scores``), nesting 1,000 deep, numbers of a
thousand digits, long keys, many keys, and random bytes. Each file is read by
``ccmm.read_assessment`` in its own process; the figures are the wall time of the read and the
growth of peak RSS over the same process's after importing ccmm and reading a valid file.
Run: ``nox -s bench`` (or ``python benchmarks/bench_scoring_files.py [--quick]``).
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 1.0
GOAL_MB = 100.0
LIMIT = 1024


def _bomb(levels: int, width: int, key: str) -> str:
    lines = ["standard_id: cc-cmm-oc", f"{key}:", "  l0: &l0 [" + ",".join(["x"] * width) + "]"]
    lines += [f"  l{k}: &l{k} [" + ",".join([f"*l{k - 1}"] * width) + "]" for k in range(1, levels)]
    return "\n".join(lines) + "\n"


def shapes() -> dict[str, bytes]:
    rng = random.Random(14)
    out: dict[str, str | bytes] = {
        "yaml alias bomb 7x9 (issue)": _bomb(7, 9, "unknown"),
        "yaml alias bomb 10x9": _bomb(10, 9, "unknown"),
        "yaml alias bomb 30x2": _bomb(30, 2, "unknown"),
        "yaml alias bomb 12x9 under scores": _bomb(12, 9, "scores"),
        "yaml nesting 500": "a: " + "[" * 500 + "]" * 500,
        "json nesting 511": "[" * 511 + "]" * 511,
        "json object nesting 170": '{"a":' * 170 + "1" + "}" * 170,
        "json number 1000 digits": '{"operating_years": ' + "9" * 1000 + "}",
        "yaml number 1000 digits": "operating_years: " + "9" * 1000,
        "json float 1e400": '{"standard_id": "x", "operating_years": 1e400}',
        "json long key": '{"' + "k" * 1000 + '": 1}',
        "yaml long key": "k" * 1000 + ": 1",
        "json many keys": "{" + ",".join(f'"{i}": {i}' for i in range(100)) + "}",
        "yaml many aliases flat": "a: &a x\nb: [" + ",".join(["*a"] * 300) + "]",
        "yaml recursive alias": "a: &a [*a]",
        "random bytes": bytes(rng.randrange(256) for _ in range(LIMIT)),
    }
    files: dict[str, bytes] = {}
    for name, body in out.items():
        data = body.encode() if isinstance(body, str) else body
        assert len(data) <= LIMIT, (name, len(data))
        files[name] = data
    return files


def case(path: str) -> dict[str, float | str]:
    import ccmm
    from ccmm.examples import example_path

    ccmm.read_assessment(example_path())  # warm: imports, the standard
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        ccmm.read_assessment(path)
        outcome = "read"
    except ccmm.CCMMError as exc:
        outcome = "refused: " + str(exc).splitlines()[0].split(": ", 1)[-1][:70]
    seconds = time.perf_counter() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return {"seconds": seconds, "mb": grown, "outcome": outcome}


def main(quick: bool) -> None:
    worst_s = worst_mb = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name, data in shapes().items():
            suffix = ".json" if name.startswith("json") or name == "random bytes" else ".yaml"
            path = Path(folder) / f"f{suffix}"
            path.write_bytes(data)
            done = subprocess.run([sys.executable, __file__, "--case", str(path)],
                                  capture_output=True, text=True, timeout=120)  # fmt: skip
            if done.returncode != 0:
                print(f"{name:36s} {len(data):5d} B  CRASHED: {done.stderr.strip()[-200:]}")
                worst_s = worst_mb = float("inf")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            worst_s, worst_mb = max(worst_s, r["seconds"]), max(worst_mb, r["mb"])
            print(f"{name:36s} {len(data):5d} B  {r['seconds'] * 1e3:8.1f} ms  "
                  f"{r['mb']:6.1f} MB  {r['outcome']}")  # fmt: skip
    ok = worst_s <= GOAL_SECONDS and worst_mb <= GOAL_MB
    print(
        f"1 KB files of any shape: worst {worst_s:.3f} s ({worst_s / GOAL_SECONDS:.3f}x the goal "
        f"of {GOAL_SECONDS} s) and {worst_mb:.1f} MB ({worst_mb / GOAL_MB:.3f}x the goal of "
        f"{GOAL_MB:.0f} MB): {'met' if ok else 'NOT met'}; baseline (issue): 307 bytes took "
        "12.8 s and 351 MB"
    )


if __name__ == "__main__":
    if "--case" in sys.argv:
        print(json.dumps(case(sys.argv[sys.argv.index("--case") + 1])))
    else:
        main(quick="--quick" in sys.argv)
