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
E015 = "{path}: cannot read this directory ({detail}); check its permissions"
E016 = "{path}: the feed has no items; nothing to ingest (check the feed URL or fetch it again later)"
E017 = "{path}: looks like {encoding} without a byte-order mark but does not decode; save it as UTF-8"
E018 = "{path}: permission denied ({detail}); check the file's permissions or run as its owner"
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
E050 = "{path}: no space left on the device; free some space or write somewhere else"
E051 = "{path}: permission denied; check its permissions or choose another path"
E052 = "{path}: the file system is read-only; write somewhere else"
E053 = "{path}: the database file cannot be opened ({detail}); check the folder exists and is writable"
E080 = (
    "serving on {host} needs access tokens: set CLAIMTRACE_TOKEN, or add users with "
    "'claimtrace users add NAME --db {db}'"
)
E081 = "user {name!r} exists already: see 'claimtrace users list' (a new token: 'claimtrace users token')"
E082 = "no user {name!r}: see 'claimtrace users list'"
E060 = "{path}: no column {field!r} in the header (columns: {columns}); map it with {option}"
E061 = "{path}: no ClaimReview found (expected a JSON-LD object, list or @graph with @type ClaimReview)"
E070 = "{db}: no analysed claims to search or match; run 'claimtrace analyze' first"


def explain_os_error(exc: BaseException, *, db: str | None = None) -> ClaimtraceError | None:
    """The one-line error for a failure of the machine (disk full, permissions), or None for anything else.

    Handles :class:`OSError` and SQLite's own errors for the same conditions; ``db`` names the
    database in SQLite messages.
    """
    import errno
    import sqlite3

    if isinstance(exc, OSError):
        path = str(exc.filename) if exc.filename else (db or "output")
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return ClaimtraceError(E050, path=path)
        if exc.errno in (errno.EACCES, errno.EPERM):
            return ClaimtraceError(E051, path=path)
        if exc.errno == errno.EROFS:
            return ClaimtraceError(E052, path=path)
        return None
    if isinstance(exc, sqlite3.OperationalError):
        message, path = str(exc).lower(), db or "database"
        if "disk is full" in message:
            return ClaimtraceError(E050, path=path)
        if "readonly database" in message:
            return ClaimtraceError(E051, path=path)
        if "unable to open database" in message:
            return ClaimtraceError(E053, path=path, detail=str(exc))
    return None


def require(module: str, extra: str, what: str) -> object:
    """Import an optional module or raise :class:`MissingExtra` naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(E020, extra=extra, what=what) from exc
