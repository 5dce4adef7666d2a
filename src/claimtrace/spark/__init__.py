"""claimtrace on Apache Spark: the ``analyze`` job over a JSONL/Parquet corpus, past one machine.

``claimtrace spark analyze IN... OUT`` (or ``spark-submit .../claimtrace/spark/__main__.py
analyze IN... OUT`` on a cluster) reads the corpus, runs the per-document stages, reuse
candidates (banded MinHash) and embeddings on the executors, the cross-document clustering on
the driver through the same functions as the single-machine ``analyze``, and writes Parquet
tables (:mod:`claimtrace.spark.tables`); ``claimtrace spark load OUT --db URL`` puts them in a
store for ``claimtrace serve``. Needs the ``spark`` extra (pyspark) and Java 17.
"""

from __future__ import annotations

from claimtrace.spark.session import pyspark_available, spark_session

__all__ = ["pyspark_available", "spark_session"]
