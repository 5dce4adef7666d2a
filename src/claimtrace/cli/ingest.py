"""``claimtrace ingest``: read files and directories into the database."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrace.api import Corpus, ProgressCallback
from claimtrace.cli.common import DEFAULT, DbOption, err, user_errors
from claimtrace.cli.progress import stage_progress

OutletOption = Annotated[
    str | None,
    typer.Option("--outlet", metavar="NAME", help="Outlet for documents whose input names none."),
]
OutletFromDirOption = Annotated[
    bool,
    typer.Option(
        "--outlet-from-dir",
        help="Outlet of documents whose input names none = their file's folder (corpus/OUTLET/article.txt).",
    ),
]
MetadataOption = Annotated[
    str | None,
    typer.Option(
        "--metadata",
        metavar="FILE",
        help="Sidecar CSV/TSV/JSONL mapping each document's source, file name or id to its outlet, "
        "date, url, title, author, language.",
    ),
]


def metadata_warning(gaps: tuple[int, int, int]) -> None:
    """Print the gap warning for ``store.metadata_gaps()`` (a fifth without a date or an outlet)."""
    from claimtrace.readers.metadata import gap_warning

    warning = gap_warning(*gaps)
    if warning:
        err(warning)


def _check_format(value: str | None) -> str | None:
    from claimtrace.readers import FORMATS

    if value is not None and value not in FORMATS:
        raise typer.BadParameter(f"unknown format {value!r} (choose one of: {', '.join(sorted(FORMATS))})")
    return value


@user_errors
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files or directories to read (directories recursively).", metavar="PATH..."),
    ],
    db: DbOption = DEFAULT,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="Read every file with this reader instead of guessing.", callback=_check_format
        ),
    ] = None,
    text_field: Annotated[str, typer.Option(help="Field holding the body text (JSON, JSONL, CSV).")] = "text",
    id_field: Annotated[
        str | None, typer.Option(help="Field holding a document id (JSON, JSONL, CSV).")
    ] = None,
    date_field: Annotated[str | None, typer.Option(help="Field holding the publication date.")] = None,
    title_field: Annotated[str | None, typer.Option(help="Field holding the title.")] = None,
    outlet_field: Annotated[str | None, typer.Option(help="Field holding the outlet name.")] = None,
    author_field: Annotated[str | None, typer.Option(help="Field holding the author.")] = None,
    url_field: Annotated[
        str | None, typer.Option(help="Field holding the article URL (used as its source).")
    ] = None,
    max_bytes: Annotated[
        int, typer.Option(min=1, help="Refuse files larger than this many bytes.")
    ] = 50_000_000,
    detect_language: Annotated[
        bool, typer.Option(help="Guess each document's language (off is faster).")
    ] = True,
    outlet: OutletOption = None,
    outlet_from_dir: OutletFromDirOption = False,
    metadata: MetadataOption = None,
    group_by: Annotated[
        str | None,
        typer.Option(
            "--group-by", metavar="FIELD", help="Join JSONL/CSV rows sharing this field into one document."
        ),
    ] = None,
) -> None:
    """Read articles (text, HTML, JSON/JSONL, CSV, feeds, WARC, .gz) into the database.

    Unreadable files and skipped JSONL/CSV lines get one line each on stderr (file: reason,
    file:line: reason), the rest are ingested; exit status 1 if any failed. A warning follows
    when more than a fifth of the stored documents have no date or no outlet.
    """
    from claimtrace.readers import ReadOptions
    from claimtrace.readers.metadata import sidecar_for

    if metadata is not None:
        sidecar_for(metadata)  # a missing or malformed sidecar stops here, before reading anything
    options = ReadOptions(
        fmt=fmt,
        text_field=text_field,
        id_field=id_field,
        date_field=date_field,
        title_field=title_field,
        outlet_field=outlet_field,
        max_bytes=max_bytes,
        author_field=author_field,
        url_field=url_field,
        detect_language=detect_language,
        outlet=outlet,
        outlet_from_dir=outlet_from_dir,
        metadata=metadata,
        group_by=group_by,
    )
    with Corpus.open(db) as corpus, stage_progress() as update:
        progress: ProgressCallback | None = None
        if update is not None:

            def progress(done: int, total: int) -> None:
                update("ingesting", done, total)

        report = corpus.ingest(paths, options, progress=progress)
        gaps = corpus.store.metadata_gaps()
    for failure in report.failures:
        err(str(failure))
    typer.echo(report.summary())
    metadata_warning(gaps)
    if report.failures:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``ingest`` to the app."""
    app.command("ingest")(ingest)
