"""``claimtrace eval entities``: named-entity spans on CoNLL-2003 through the per-document stages."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from claimtrace.cli.common import user_errors


@user_errors
def entities(
    conll: Annotated[str, typer.Option("--conll", help="A CoNLL-2003 file (token ... tag per line).")],
    limit: Annotated[int | None, typer.Option(help="Score only the first N documents.")] = None,
) -> None:
    """Print typed and untyped span P/R/F1 (conlleval-style) and F1 per type as one JSON line."""
    from pathlib import Path

    from claimtrace.evaluation.conll import evaluate_conll

    if not Path(conll).is_file():
        raise typer.BadParameter(f"no such file: {conll}", param_hint="--conll")
    typer.echo(json.dumps(evaluate_conll(conll, limit=limit)))


def register(app: typer.Typer) -> None:
    """Add ``entities`` to the ``eval`` group."""
    app.command("entities")(entities)
