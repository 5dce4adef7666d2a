"""``spark-submit`` entry point: ``spark-submit [options] claimtrace/spark/__main__.py analyze IN... OUT``.

The same commands as ``claimtrace spark`` (``analyze``, ``load``); under ``spark-submit`` the job
uses the session spark-submit configured (master, executors, memory). ``python -m
claimtrace.spark ...`` works too (a local session).
"""

from __future__ import annotations

from claimtrace.cli.spark import spark_app

if __name__ == "__main__":
    spark_app(prog_name="claimtrace-spark")
