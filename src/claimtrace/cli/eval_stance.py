"""``claimtrace eval stance``: headline/body stance on FNC-1 with the pipeline's stance function."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from claimtrace.cli.common import user_errors


@user_errors
def stance(
    fnc1: Annotated[
        tuple[str, str],
        typer.Option("--fnc1", help="BODIES.csv STANCES.csv (FNC-1 format; a Stance column is only scored)."),
    ],
    out: Annotated[str | None, typer.Option("--out", help="Write Headline,Body ID,Stance here.")] = None,
    body_ids: Annotated[
        str | None,
        typer.Option("--body-ids", help="A file of Body IDs (one a line): score only those bodies."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N pairs.")] = None,
) -> None:
    """Predict agree/disagree/discuss/unrelated per pair; print FNC score, per-class and macro F1 as JSON."""
    from claimtrace.evaluation.fnc1 import evaluate_fnc1, read_ids

    bodies, stances = fnc1
    ids = read_ids(body_ids) if body_ids is not None else None
    typer.echo(json.dumps(evaluate_fnc1(bodies, stances, out=out, body_ids=ids, limit=limit)))


def register(app: typer.Typer) -> None:
    """Add ``stance`` to the ``eval`` group."""
    app.command("stance")(stance)
