"""Import time of ccmm.crucial (issue 17).

Before: pandera imported the usual way, which with pyspark installed also imports pyspark.pandas
(and prints its pandas-3 FutureWarning); that is what ``import ccmm.crucial`` cost in 0.1.
After: ``import ccmm.crucial`` as it is now, pandera imported with pyspark hidden
(ccmm/_pandera.py). Each import runs in a fresh interpreter; the figure is the median wall time
of several runs, and the ratio before/after from the same run; the CPU time (user + system) of
the child is printed too, as it is less disturbed by other work on a busy machine. Without
pyspark installed both sides do the same work and the ratio is about 1.
"""

from __future__ import annotations

import importlib.util
import resource
import statistics
import subprocess
import sys
import time

RUNS = 5
BEFORE = "import pandera, ccmm.crucial"  # 0.1: pandera's top level probes pyspark.pandas
AFTER = "import ccmm.crucial"
BARE = "pass"  # the interpreter's own start-up, subtracted from both


def measure(code: str) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a fresh interpreter running code."""
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    pyspark = importlib.util.find_spec("pyspark") is not None
    bare_wall, bare_cpu = measure(BARE)
    before_wall, before_cpu = measure(BEFORE)
    after_wall, after_cpu = measure(AFTER)
    before, after = before_wall - bare_wall, after_wall - bare_wall
    before_c, after_c = before_cpu - bare_cpu, after_cpu - bare_cpu
    print(
        f"import ccmm.crucial (pyspark {'installed' if pyspark else 'not installed'}), "
        f"median of {RUNS} fresh interpreters, start-up ({bare_wall:.3f} s) subtracted:"
    )
    print(f"  before (pandera imported as usual):   wall {before:.3f} s, CPU {before_c:.3f} s")
    print(f"  after  (pyspark hidden from pandera): wall {after:.3f} s, CPU {after_c:.3f} s")
    print(f"  ratio before/after: wall {before / after:.2f}x, CPU {before_c / after_c:.2f}x")


if __name__ == "__main__":
    main()
