"""``claimtrace analyze``, ``claimtrace report`` and ``claimtrace run`` (ingest + analyze + report)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from claimtrace.api import Corpus
from claimtrace.cli.attribution import ModelOption, use_model
from claimtrace.cli.common import DEFAULT, DbOption, err, user_errors
from claimtrace.cli.ingest import MetadataOption, OutletFromDirOption, OutletOption, metadata_warning
from claimtrace.cli.progress import stage_progress

WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, help="Processes for the per-document stages.")
]
ForceOption = Annotated[bool, typer.Option("--force", help="Re-analyse every document, not only new ones.")]
NoIndexOption = Annotated[
    bool,
    typer.Option(
        "--no-index",
        help="Skip updating the search and match vector indexes (search and match then find "
        "only what was indexed before).",
    ),
]


def _analyze(corpus: Corpus, *, force: bool, workers: int, as_json: bool = False, index: bool = True) -> None:
    from claimtrace.pipeline import analyze as run_analysis
    from claimtrace.pipeline import describe_timings

    with stage_progress() as reporter:
        report = run_analysis(corpus.store, force=force, workers=workers, reporter=reporter, index=index)
    if "skipped" in report.index and "memory" not in str(report.index["skipped"]):
        err(f"note: search index not updated: {report.index['skipped']}")
    if as_json:
        payload = {"summary": report.summary(), "timings": describe_timings(report), "index": report.index}
        typer.echo(json.dumps(payload))
    else:
        typer.echo(report.summary())


def _write_report(corpus: Corpus, out: str, fmt: str, *, full: bool = False) -> None:
    from claimtrace.exports.contract import build_export
    from claimtrace.report.html import write_report

    write_report(build_export(corpus.store), out, fmt=fmt, full=full)
    typer.echo(f"report written to {out}")


@user_errors
def analyze(
    db: DbOption = DEFAULT,
    force: ForceOption = False,
    workers: WorkersOption = 1,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary and stage timings as JSON.")
    ] = False,
    attribution_model: ModelOption = None,
    no_index: NoIndexOption = False,
) -> None:
    """Find claims, entities, quantities, reuse, stories, narratives, mutations and stances.

    Ends by updating the search and match vector indexes (new claims, documents and fact-checks).
    """
    use_model(attribution_model)
    with Corpus.open(db, create=False) as corpus:
        _analyze(corpus, force=force, workers=workers, as_json=as_json, index=not no_index)


FormatOption = Annotated[str, typer.Option("--format", help="Report format: html or md.")]


def _check_report_format(fmt: str) -> str:
    if fmt not in ("html", "md"):
        raise typer.BadParameter(f"unknown report format {fmt!r} (choose html or md)")
    return fmt


@user_errors
def report(
    out: Annotated[str, typer.Option("--out", help="Where to write the report.")] = "report.html",
    db: DbOption = DEFAULT,
    fmt: FormatOption = "html",
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="HTML: include every narrative, story and document in full (by default the page "
            "stays small: the largest ones in full, the rest summarised; the dashboard has all).",
        ),
    ] = False,
) -> None:
    """Write the analysis as one self-contained HTML page (or Markdown)."""
    _check_report_format(fmt)
    with Corpus.open(db, create=False) as corpus:
        _write_report(corpus, out, fmt, full=full)


@user_errors
def run(
    paths: Annotated[list[str], typer.Argument(help="Files or directories to read.", metavar="PATH...")],
    db: DbOption = DEFAULT,
    report_path: Annotated[str, typer.Option("--report", help="Where to write the report.")] = "report.html",
    fmt: FormatOption = "html",
    workers: WorkersOption = 1,
    force: ForceOption = False,
    outlet: OutletOption = None,
    outlet_from_dir: OutletFromDirOption = False,
    metadata: MetadataOption = None,
    attribution_model: ModelOption = None,
) -> None:
    """Ingest, analyse and report in one command."""
    from claimtrace.readers import ReadOptions
    from claimtrace.readers.metadata import sidecar_for

    _check_report_format(fmt)
    use_model(attribution_model)
    if metadata is not None:
        sidecar_for(metadata)  # a missing or malformed sidecar stops here
    options = ReadOptions(outlet=outlet, outlet_from_dir=outlet_from_dir, metadata=metadata)
    with Corpus.open(db) as corpus:
        with stage_progress() as reporter:
            ingested = corpus.ingest(
                paths,
                options,
                progress=(lambda done, total: reporter("ingest", done, total)) if reporter else None,
            )
        for failure in ingested.failures:
            err(str(failure))
        typer.echo(ingested.summary())
        metadata_warning(corpus.store.metadata_gaps())
        _analyze(corpus, force=force, workers=workers)
        _write_report(corpus, report_path, fmt)
    if ingested.failures:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``analyze``, ``report`` and ``run`` to the app."""
    app.command("analyze")(analyze)
    app.command("report")(report)
    app.command("run")(run)
