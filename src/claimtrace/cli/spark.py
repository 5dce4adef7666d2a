"""``claimtrace spark``: the ``analyze`` job on Apache Spark, and loading its tables into a store.

``analyze`` runs on a local Spark (``--master local[N]``) or, under ``spark-submit``, on the
cluster's session; see :mod:`claimtrace.spark` and the README's "Spark" section.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from claimtrace.cli.common import DEFAULT, DbOption, user_errors

__all__ = ["register", "spark_app"]

spark_app = typer.Typer(
    name="spark",
    help="Run analyze on Apache Spark over a JSONL/Parquet corpus; load its Parquet tables into a store.",
    no_args_is_help=True,
)


@spark_app.command("analyze")
@user_errors
def analyze_cmd(
    paths: Annotated[list[str], typer.Argument(help="Input JSONL (.gz) or Parquet files/folders, then OUT.")],
    master: Annotated[
        str | None,
        typer.Option("--master", help="Spark master (default: the spark-submit session, else local[2])."),
    ] = None,
    partitions: Annotated[int | None, typer.Option("--partitions", min=1, help="Input partitions.")] = None,
    text_field: Annotated[str, typer.Option("--text-field", help="Field holding the text.")] = "text",
    id_field: Annotated[str | None, typer.Option("--id-field", help="Field holding the id.")] = None,
    load: Annotated[
        str | None, typer.Option("--load", help="Then load the tables into this store (path or URL).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print counts and stage timings as JSON.")] = False,
) -> None:
    """Read the corpus, run every stage, write Parquet tables to OUT (the last argument)."""
    from claimtrace.readers.options import ReadOptions
    from claimtrace.spark import spark_session
    from claimtrace.spark.job import analyze_corpus

    if len(paths) < 2:
        raise typer.BadParameter("give the input file(s) and then the output folder")
    *inputs, out = paths
    spark = spark_session(master)
    report = analyze_corpus(
        spark,
        inputs,
        out,
        options=ReadOptions(text_field=text_field, id_field=id_field),
        partitions=partitions,
    )
    typer.echo(
        json.dumps({"summary": report.summary(), "timings": report.timings}) if as_json else report.summary()
    )
    if load:
        _load(out, load, index=True)


def _load(out: str, db: str, *, index: bool) -> None:
    from claimtrace.spark.tables import load_tables
    from claimtrace.store import open_store

    with open_store(db) as store:
        counts = load_tables(out, store, index=index)
    typer.echo(
        f"loaded {counts['documents']} documents, {counts['entities']} entities, "
        f"{counts['reuse']} reuse links, {counts['stories']} stories, "
        f"{counts['narratives']} narratives into {db}"
    )


@spark_app.command("load")
@user_errors
def load_cmd(
    out: Annotated[str, typer.Argument(help="The output folder of 'claimtrace spark analyze'.")],
    db: DbOption = DEFAULT,
    no_index: Annotated[bool, typer.Option("--no-index", help="Skip building the search indexes.")] = False,
) -> None:
    """Load a Spark run's Parquet tables into a store, for 'claimtrace serve' and the exports."""
    _load(out, db, index=not no_index)


def register(app: typer.Typer) -> None:
    """Add the ``spark`` group to the main app."""
    app.add_typer(spark_app, name="spark")
