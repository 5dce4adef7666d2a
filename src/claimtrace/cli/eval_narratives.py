"""``claimtrace eval narratives``: narratives as recurring claims on Emergent headlines, blob
figures on SemEval-2025 task 10 documents (:mod:`claimtrace.evaluation.emergent`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from claimtrace.cli.common import user_errors
from claimtrace.errors import ClaimtraceError


def _exists(path: str | None) -> str | None:
    if path is not None and not Path(path).exists():
        raise typer.BadParameter(f"{path}: no such file or directory")
    return path


@user_errors
def narratives(
    emergent: Annotated[
        str | None,
        typer.Option(
            "--emergent",
            help="An Emergent clean CSV (claimHeadline, articleHeadline, articleHeadlineStance, articleId, "
            "claimId): each headline is ingested and analysed as one document.",
            callback=_exists,
        ),
    ] = None,
    semeval: Annotated[
        str | None,
        typer.Option(
            "--semeval",
            help="A SemEval-2025 task 10 folder (raw-documents/ + subtask-2-annotations.txt): "
            "print the largest narrative's share of documents, the one-document share and label samples.",
            callback=_exists,
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Use only the first N headlines / documents.")] = None,
) -> None:
    """Score narratives as recurring claims; prints one JSON line."""
    if (emergent is None) == (semeval is None):
        raise ClaimtraceError("give exactly one of --emergent FILE.csv or --semeval DIR")
    from claimtrace.evaluation import emergent as em

    if emergent is not None:
        try:
            result = em.evaluate_emergent(emergent, limit=limit)
        except ValueError as exc:
            raise ClaimtraceError("{message}", message=str(exc)) from exc
        typer.echo(json.dumps(result))
        return
    from claimtrace.evaluation.narratives import evaluate_semeval_narratives

    assert semeval is not None
    res = evaluate_semeval_narratives(semeval, limit=limit)
    blob = em.blob_report(res["narrative_list"], res["documents"])
    blob["seconds"] = res["seconds"]
    typer.echo(json.dumps(blob))


def register(app: typer.Typer) -> None:
    """Add ``narratives`` to the ``eval`` group."""
    app.command("narratives")(narratives)
