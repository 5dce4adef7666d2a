"""Every error a user can meet, with a code, in one place.

Messages are one line and say what to do. Raise ``ClaimtraceError(E001, path=...)``.
"""

from __future__ import annotations


class ClaimtraceError(Exception):
    """A user-facing error: ``str(err)`` is one clear line."""

    def __init__(self, template: str, **values: object) -> None:
        self.template = template
        self.values = values
        super().__init__(template.format(**values))


class ReadError(ClaimtraceError):
    """A file could not be read into documents."""


class MissingExtra(ClaimtraceError):
    """An optional dependency is not installed."""


E001 = "{path}: empty file"
E002 = "{path}: binary file, not text (use --format to force a reader)"
E003 = "{path}: larger than the size limit ({size} > {limit} bytes; raise it with --max-bytes)"
E004 = "{path}: truncated or corrupt gzip data"
E005 = "{path}: malformed feed: {detail}"
E006 = "{path}: malformed {kind} at line {line}: {detail}"
E007 = "{path}: no such file or directory"
E008 = "{path}: unknown format {fmt!r} (choose one of: {choices})"
E009 = "{path}: corrupt WARC: {detail}"
E010 = "{path}: no readable documents: {detail}"
E011 = "{path}: no {field!r} field in any {kind} record (fields: {fields}; choose one with --text-field)"
E012 = "{path}: decompressed data larger than the size limit ({limit} bytes; raise it with --max-bytes)"
E013 = "{path}: could not be read ({detail}); please report this as a bug"
E014 = "{path}: is a directory; read it with iter_documents or the CLI, which read every file in it"
E020 = "the '{extra}' extra is needed for {what}: pip install 'claimtrace[{extra}]'"
E030 = "no document with id {doc_id!r} in {db}"
E031 = "unknown export format {fmt!r} (choose one of: {choices})"
E032 = "unknown entity {name!r}: see 'claimtrace entities list'"
E033 = "unknown narrative {nid!r}: see 'claimtrace narratives list'"
E035 = "{path}: cannot export here: {detail}; choose a new or empty directory, or one from an earlier export"
E040 = "{db}: not a claimtrace database ({detail})"
E041 = "{db}: cannot connect to the database ({detail})"
E042 = "{db}: no such database (create it with 'claimtrace ingest PATH... --db {db}')"
E060 = "{path}: no column {field!r} in the header (columns: {columns}); map it with {option}"
E061 = "{path}: no ClaimReview found (expected a JSON-LD object, list or @graph with @type ClaimReview)"
E070 = "{db}: no analysed claims to search or match; run 'claimtrace analyze' first"


def require(module: str, extra: str, what: str) -> object:
    """Import an optional module or raise :class:`MissingExtra` naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(E020, extra=extra, what=what) from exc
