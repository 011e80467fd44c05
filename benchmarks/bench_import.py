"""Import time of ccmm.crucial (issue 17).

Before: pandera imported the usual way, which with pyspark installed also imports pyspark.pandas
(and prints its pandas-3 FutureWarning); that is what ``import ccmm.crucial`` cost in 0.1.
After: ``import ccmm.crucial`` as it is now, pandera imported with pyspark hidden
(ccmm/_pandera.py). Each import runs in a fresh interpreter; the figure is the median wall time
of several runs, and the ratio before/after from the same run. Without pyspark installed both
sides do the same work and the ratio is about 1.
"""

from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import time

RUNS = 5
BEFORE = "import pandera, ccmm.crucial"  # 0.1: pandera's top level probes pyspark.pandas
AFTER = "import ccmm.crucial"
BARE = "pass"  # the interpreter's own start-up, subtracted from both


def wall(code: str) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    pyspark = importlib.util.find_spec("pyspark") is not None
    bare = wall(BARE)
    before = wall(BEFORE) - bare
    after = wall(AFTER) - bare
    print(
        f"import ccmm.crucial (pyspark {'installed' if pyspark else 'not installed'}), "
        f"median of {RUNS} fresh interpreters, start-up ({bare:.3f} s) subtracted:"
    )
    print(f"  before (pandera imported as usual): {before:.3f} s")
    print(f"  after  (pyspark hidden from pandera): {after:.3f} s")
    print(f"  ratio before/after: {before / after:.2f}x")


if __name__ == "__main__":
    main()
