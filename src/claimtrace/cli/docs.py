"""``claimtrace docs`` and ``claimtrace show``: look at stored documents."""

from __future__ import annotations

import json
from itertools import islice
from typing import Annotated

import typer

from claimtrace.api import Corpus
from claimtrace.cli.common import DEFAULT, DbOption, user_errors
from claimtrace.errors import E030, ClaimtraceError
from claimtrace.model import Document


def headline(doc: Document, *, words: int = 10) -> str:
    """The title, or the first words of the text."""
    if doc.title:
        return doc.title
    head = doc.text.split()
    return " ".join(head[:words]) + (" …" if len(head) > words else "")


@user_errors
def docs(
    db: DbOption = DEFAULT,
    limit: Annotated[int, typer.Option(min=0, help="Show at most this many documents (0: all).")] = 20,
) -> None:
    """List stored documents: id, date, outlet and title (or first words)."""
    from rich.console import Console
    from rich.table import Table

    with Corpus.open(db, create=False) as corpus:
        total = corpus.count()
        table = Table(box=None, pad_edge=False)
        for name in ("id", "published", "outlet", "title"):
            table.add_column(name, no_wrap=True, overflow="ellipsis")
        shown = 0
        for doc in islice(corpus.documents(), limit or None):
            table.add_row(doc.id, doc.published or "", doc.outlet or "", headline(doc))
            shown += 1
    console = Console(soft_wrap=False)
    console.print(table)
    console.print(f"{shown} of {total} documents")


@user_errors
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id (see 'claimtrace docs').")],
    db: DbOption = DEFAULT,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the document as JSON (export shape).")
    ] = False,
) -> None:
    """Print one document: its metadata, then its body text."""
    from claimtrace.exports.contract import document_record

    with Corpus.open(db, create=False) as corpus:
        doc = corpus.get(doc_id)
    if doc is None:
        raise ClaimtraceError(E030, doc_id=doc_id, db=db)
    if as_json:
        typer.echo(json.dumps(document_record(doc), ensure_ascii=False, indent=2))
        return
    for name in ("id", "source", "title", "subtitle", "published", "author", "outlet", "language"):
        value = getattr(doc, name)
        if value:
            typer.echo(f"{name}: {value}")
    if doc.credits:
        typer.echo(f"credits: {', '.join(doc.credits)}")
    typer.echo("")
    typer.echo(doc.text)


def register(app: typer.Typer) -> None:
    """Add ``docs`` and ``show`` to the app."""
    app.command("docs")(docs)
    app.command("show")(show)
