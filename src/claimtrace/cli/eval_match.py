"""``claimtrace eval match``: CheckThat!-style claim retrieval through ``claimtrace match``'s code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from claimtrace.cli.common import user_errors
from claimtrace.cli.factchecks import FieldOption, parse_fields

__all__ = ["eval_match", "register"]


def _exists(path: str) -> str:
    if not Path(path).exists():
        raise typer.BadParameter(f"{path}: no such file or directory")
    return path


@user_errors
def eval_match(
    queries: Annotated[str, typer.Option("--queries", help="qid<TAB>text per line.", callback=_exists)],
    claims: Annotated[
        str,
        typer.Option(
            "--claims", help="The fact-checked claims (TSV/CSV/JSONL/ClaimReview).", callback=_exists
        ),
    ],
    qrels: Annotated[str, typer.Option("--qrels", help="TREC qrels: qid 0 claim_id 1.", callback=_exists)],
    out: Annotated[str | None, typer.Option("--out", help="Write the TREC run here.")] = None,
    field: FieldOption = None,
) -> None:
    """Import --claims, rank 5 per query as 'claimtrace match' does; print MAP@1/@5, P@1 as one JSON line."""
    from claimtrace.evaluation.checkthat import evaluate_match

    result = evaluate_match(queries, claims, qrels, out=out, fields=parse_fields(field))
    typer.echo(json.dumps(result))


def register(app: typer.Typer) -> None:
    """Add ``match`` to an ``eval`` group."""
    app.command("match")(eval_match)
