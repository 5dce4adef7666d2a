"""A Spark session for the job: a real cluster's when ``spark-submit`` made one, else local.

Local sessions bind the driver to 127.0.0.1 and switch the web UI off (no network is needed or
opened beyond the loopback). :func:`pyspark_available` tells whether pyspark and a Java runtime
are there, so callers and tests can say so instead of failing deep inside the JVM launcher.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from typing import Any

from claimtrace.errors import require

__all__ = ["local_conf", "pyspark_available", "spark_session"]


def pyspark_available() -> bool:
    """Whether pyspark is installed and a ``java`` can be started."""
    if importlib.util.find_spec("pyspark") is None:
        return False
    java_home = os.environ.get("JAVA_HOME")
    return bool(
        shutil.which("java") or (java_home and os.path.exists(os.path.join(java_home, "bin", "java")))
    )


def local_conf(master: str) -> dict[str, str]:
    """Settings of a local session: loopback driver, no UI, few shuffle partitions."""
    cores = master.removeprefix("local[").rstrip("]")
    parallel = str(max(2, 2 * (os.cpu_count() or 2) if cores == "*" else 2 * int(cores or 1)))
    return {
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": parallel,
        "spark.default.parallelism": parallel,
        "spark.driver.memory": os.environ.get("CLAIMTRACE_SPARK_DRIVER_MEMORY", "4g"),
        "spark.python.worker.reuse": "true",
    }


def spark_session(master: str | None = None, *, app: str = "claimtrace") -> Any:
    """The active session (``spark-submit``), else a new one on ``master`` (default ``local[2]``).

    A ``local[...]`` master gets :func:`local_conf`; any other master (``spark://``, ``yarn``,
    ``k8s://``) is left to the cluster's own configuration.
    """
    require("pyspark", "spark", "the Spark job")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    master = master or os.environ.get("CLAIMTRACE_SPARK_MASTER", "local[2]")
    builder = SparkSession.builder.appName(app).master(master)
    if master.startswith("local"):
        # the executors' Python is this one (with claimtrace installed), not the first python3 on PATH
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        for key, value in local_conf(master).items():
            builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
