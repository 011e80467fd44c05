"""pandera, imported without importing pyspark or changing Spark's environment.

On import, pandera tries ``import pyspark.pandas`` (so that pandas' type hints are patched before
its own typing module exists) and sets ``SPARK_LOCAL_IP`` and ``PYARROW_IGNORE_TIMEZONE`` for the
rest of the process (pandera issues #1551, #2344). With pyspark installed that costs about a
second, prints pyspark's pandas-3 ``FutureWarning`` and can point a cluster's driver at localhost.
ccmm's pandas schemas need none of it and its Spark path does not use pandera, so every ccmm
module imports pandera from here: pyspark is hidden while pandera's top level runs, and the two
environment variables are put back as they were. A user who imported pyspark first keeps it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_SPARK_VARIABLES = ("SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE")


@contextmanager
def _pyspark_hidden() -> Iterator[None]:
    """Inside: ``import pyspark`` fails unless pyspark was imported before; after: env as before."""
    hide = "pyspark" not in sys.modules
    saved = {name: os.environ.get(name) for name in _SPARK_VARIABLES}
    if hide:
        sys.modules["pyspark"] = None  # type: ignore[assignment]  # `import pyspark` now fails
    try:
        yield
    finally:
        if hide and "pyspark" in sys.modules and sys.modules["pyspark"] is None:
            del sys.modules["pyspark"]
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


with _pyspark_hidden():
    # pandera's top level and pandera.pandas each probe for pyspark.pandas.
    import pandera.errors as pa_errors
    import pandera.pandas as pa


__all__ = ["pa", "pa_errors"]
