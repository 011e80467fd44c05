"""Apache Spark backend (private): KPI roll-ups and CRUCIAL checks on PySpark DataFrames.

`ccmm.kpi.compute`, [`ccmm.kpi.compute_agents`][] and [`ccmm.crucial.check`][] hand a
PySpark DataFrame to this package; nothing here imports pyspark until such a frame arrives, so
``import ccmm`` never loads Spark. The rules come from the same table specs, KPI catalogue and
row-rule predicates as the pandas and polars paths; only their evaluation is written in Spark SQL
expressions. See ``docs/spark.md``.
"""

from __future__ import annotations

from ccmm._frames import is_spark_frame

__all__ = ["is_spark_frame"]
