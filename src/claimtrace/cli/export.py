"""``claimtrace export``: write the database in an export format."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrace.api import Corpus
from claimtrace.cli.common import DEFAULT, DbOption, user_errors


def _check_format(value: str) -> str:
    from claimtrace.exports import EXPORTERS

    if value not in EXPORTERS:
        raise typer.BadParameter(
            f"unknown export format {value!r} (choose one of: {', '.join(sorted(EXPORTERS))})"
        )
    return value


@user_errors
def export(
    out: Annotated[
        str,
        typer.Option(help="Output file ('-' for stdout); for csv a directory, or a file ending in .zip."),
    ],
    db: DbOption = DEFAULT,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="Export format: json (CONTRACT.md), jsonl, csv, ...", callback=_check_format
        ),
    ] = "json",
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="csv: write cells as they are. By default a text cell starting with = + - @ gets a "
            "leading ' so spreadsheets do not run it as a formula.",
        ),
    ] = False,
) -> None:
    """Export documents, entities, claims, reuse, stories and narratives.

    Every file (and every directory of tables) is written under a temporary name and renamed
    into place, so an interrupted export leaves the previous one intact.
    """
    with Corpus.open(db, create=False) as corpus:
        corpus.export(fmt, out, raw=raw)


def register(app: typer.Typer) -> None:
    """Add ``export`` to the app."""
    app.command("export")(export)
