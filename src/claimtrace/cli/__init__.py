"""The ``claimtrace`` command line: thin typer commands over the Python API.

Each command group lives in its own module with a ``register(app)`` function; add a group
by importing its module here and calling ``register``.
"""

from __future__ import annotations

import typer

from claimtrace.cli import (
    analyze,
    attribution,
    docs,
    entities,
    evaluate,
    export,
    factchecks,
    ingest,
    narratives,
    search,
    serve,
    spark,
    users,
)

app = typer.Typer(
    name="claimtrace",
    help="Track recurring claims across news: ingest articles, analyse them, export what was found.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _group in (
    ingest,
    analyze,
    docs,
    export,
    entities,
    narratives,
    search,
    factchecks,
    evaluate,
    attribution,
    serve,
    users,
    spark,
):
    _group.register(app)


def main() -> None:
    """Entry point of the ``claimtrace`` script."""
    app()
