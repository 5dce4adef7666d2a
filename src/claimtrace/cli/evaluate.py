"""``claimtrace eval ...``: score claimtrace on labelled data (PolNeAR, ECB+, MSRP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from claimtrace.cli import eval_entities, eval_linking, eval_match, eval_narratives, eval_stance
from claimtrace.cli.attribution import ModelOption, use_model
from claimtrace.cli.common import user_errors

eval_app = typer.Typer(help="Score claimtrace against labelled corpora.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the full result as one JSON line.")]


def _exists(path: str) -> str:
    if not Path(path).exists():
        raise typer.BadParameter(f"{path}: no such file or directory")
    return path


def _maybe_exists(path: str | None) -> str | None:
    return None if path is None else _exists(path)


@eval_app.command("attribution")
@user_errors
def attribution(
    polnear: Annotated[
        str,
        typer.Option(
            "--polnear", help="A PolNeAR split directory (text/ + attributions/).", callback=_exists
        ),
    ],
    limit: Annotated[int | None, typer.Option(help="Score only the first N articles.")] = None,
    agreement: Annotated[
        bool,
        typer.Option(
            "--agreement",
            help="Score the annotators of multiply annotated articles against each other, "
            "beside the extractor on the same articles (the ceiling to read the scores by).",
        ),
    ] = False,
    as_json: JsonOption = False,
    attribution_model: ModelOption = None,
) -> None:
    """Source, cue and content spans against PolNeAR: exact and token-overlap P/R/F1 per kind."""
    from claimtrace.evaluation import polnear as pn

    use_model(attribution_model)

    if agreement:
        res = pn.evaluate_agreement(polnear)
        typer.echo(json.dumps(res) if as_json else pn.format_agreement(res))
        return
    result = pn.evaluate_polnear(polnear, limit=limit)
    typer.echo(json.dumps(result) if as_json else pn.format_report(result))


@eval_app.command("stories")
@user_errors
def stories(
    ecbplus: Annotated[
        str | None, typer.Option("--ecbplus", help="ecbplus_docs.jsonl.", callback=_maybe_exists)
    ] = None,
    headlines: Annotated[
        str | None,
        typer.Option(
            "--headlines",
            help="A headline CSV/JSONL with gold stories (Emergent, UCI News Aggregator, or "
            "headline + story columns).",
            callback=_maybe_exists,
        ),
    ] = None,
    split: Annotated[str, typer.Option(help="ECB+: which split to cluster: train, dev or test.")] = "dev",
    as_json: JsonOption = False,
) -> None:
    """Story clustering against ECB+ sub-topics or headline stories: B-cubed P/R/F1 and ARI."""
    from claimtrace.evaluation.ecbplus import evaluate_ecbplus, format_report

    if (ecbplus is None) == (headlines is None):
        raise typer.BadParameter("give one of --ecbplus or --headlines")
    try:
        if headlines is not None:
            from claimtrace.evaluation.headlines import evaluate_headlines

            result = evaluate_headlines(headlines)
        else:
            result = evaluate_ecbplus(str(ecbplus), split=split)
    except ValueError as exc:  # a file without what the scorer needs: one line
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(result) if as_json else format_report(result))


@eval_app.command("paraphrase")
@user_errors
def paraphrase(
    train: Annotated[
        str, typer.Option("--train", help="MSRP training pairs (tab-separated).", callback=_exists)
    ],
    test: Annotated[str, typer.Option("--test", help="MSRP test pairs (tab-separated).", callback=_exists)],
) -> None:
    """Fit the paraphrase scorer on --train, print accuracy/precision/recall/F1 on --test as one JSON line."""
    from claimtrace.evaluation.msrp import evaluate_msrp

    typer.echo(json.dumps(evaluate_msrp(train, test)))


def register(app: typer.Typer) -> None:
    """Add the ``eval`` group to the app."""
    eval_match.register(eval_app)
    eval_stance.register(eval_app)
    eval_linking.register(eval_app)
    eval_entities.register(eval_app)
    eval_narratives.register(eval_app)
    app.add_typer(eval_app, name="eval")
