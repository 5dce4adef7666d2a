"""``claimtrace eval linking``: cross-document entity linking scored on ECB+ gold entity chains."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from claimtrace.cli.common import user_errors


def _dir(path: str) -> str:
    if not Path(path).is_dir():
        raise typer.BadParameter(f"{path}: no such directory")
    return path


@user_errors
def linking(
    ecbplus_coref: Annotated[
        str,
        typer.Option(
            "--ecbplus-coref",
            help="The ecbplus_coref folder (ECB_<Split>_corpus.txt, ECB_<Split>_Entity_gold_mentions.json).",
            callback=_dir,
        ),
    ],
    split: Annotated[str, typer.Option(help="dev or train.")] = "dev",
    limit: Annotated[int | None, typer.Option(help="Score only the first N documents.")] = None,
) -> None:
    """Link the split's named mentions across documents; print B-cubed P/R/F1 as one JSON line."""
    from claimtrace.evaluation.ecbplus_coref import evaluate_linking

    if split not in ("dev", "train"):
        raise typer.BadParameter("--split must be dev or train")
    typer.echo(json.dumps(evaluate_linking(ecbplus_coref, split, limit=limit)))


def register(app: typer.Typer) -> None:
    """Add ``linking`` to the ``eval`` group."""
    app.command("linking")(linking)
