"""``claimtrace factchecks import``: load fact-check archives that ``claimtrace match`` ranks."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrace.cli.common import DEFAULT, DbOption, err, user_errors

__all__ = ["parse_fields", "register"]

factchecks_app = typer.Typer(help="Fact-check archives: import them for matching.", no_args_is_help=True)

FieldOption = Annotated[
    list[str] | None,
    typer.Option(
        "--field",
        metavar="ROLE=NAME",
        help="Map a role (claim, id, title, subtitle, rating, url, publisher, date, claimant, author) "
        "to a column or field name; repeatable.",
    ),
]


def parse_fields(values: list[str] | None) -> dict[str, str]:
    """``["claim=Statement", "rating=Verdict"]`` -> ``{"claim": "Statement", "rating": "Verdict"}``."""
    from claimtrace.exports.importers import ARCHIVE_FIELDS

    out: dict[str, str] = {}
    for value in values or []:
        role, sep, name = value.partition("=")
        role = role.strip().lower()
        if not sep or role not in ARCHIVE_FIELDS:
            raise typer.BadParameter(
                f"{value!r}: expected ROLE=NAME with ROLE one of {', '.join(ARCHIVE_FIELDS)}",
                param_hint="--field",
            )
        out[role] = name.strip()
    return out


@factchecks_app.command("import")
@user_errors
def import_command(
    files: Annotated[list[str], typer.Argument(help="ClaimReview JSON-LD, JSON/JSONL or CSV/TSV files.")],
    db: DbOption = DEFAULT,
    field: FieldOption = None,
    publisher: Annotated[
        str | None, typer.Option("--publisher", help="Fact-checker of records that name none.")
    ] = None,
) -> None:
    """Import fact-checks (incremental: a record imported again is updated, not duplicated).

    Skipped records and unreadable files get one line each on stderr; exit status 1 if a file gave nothing.
    """
    from claimtrace.search.archive import import_archives
    from claimtrace.store import open_store

    fields = parse_fields(field)
    with open_store(db) as store:
        stats = import_archives(store, db, files, fields=fields, publisher=publisher)
    for line in stats["problems"]:
        err(line)
    typer.echo(
        f"{stats['read']} fact-checks read from {stats['files'] - stats['failed']} of "
        f"{stats['files']} files: "
        f"{stats['new']} new, {stats['updated']} updated, {stats['unchanged']} unchanged; "
        f"{stats['total']} in the archive"
    )
    if stats["failed"]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``factchecks`` group to the app."""
    app.add_typer(factchecks_app, name="factchecks")
