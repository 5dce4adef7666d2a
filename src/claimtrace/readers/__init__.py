"""Readers: input files of any supported format -> :class:`~claimtrace.model.Document`.

>>> from claimtrace.readers import iter_documents
>>> for item in iter_documents(["articles/"]):        # doctest: +SKIP
...     print(item)                                     # a Document or a ReadFailure

Formats (one module each): plain text (``text``, scraped articles with their header lines
and furniture pulled into metadata), ``html`` (trafilatura), ``rss`` (RSS/Atom via
feedparser), ``jsonl`` and ``csv`` (field mapping in :class:`ReadOptions`), ``warc``
(warcio; HTML responses only). Gzip-compressed files are read transparently; ``-`` is
stdin. A file that cannot be read raises :class:`~claimtrace.errors.ReadError` with one line
``path: reason``; :func:`iter_documents` turns that into a :class:`ReadFailure` and goes on.

Sources: a file's absolute path (symlinks not resolved); ``<file>#<id>`` for JSONL/CSV
records; the record URL (else ``<file>#<n>``) for WARC records and feed items; ``<stdin>``.
A malformed JSONL/CSV line is skipped: :func:`iter_documents` yields a :class:`ReadFailure`
``file:line: reason`` for it and the file's other records.

**Directories** are walked recursively in sorted order, and files that are not articles
are left out (:func:`is_auxiliary`): hidden files and folders; documentation named
``README``, ``LICENSE``/``LICENCE``, ``COPYING``, ``CHANGELOG``, ``CHANGES``, ``HISTORY``,
``NOTICE``, ``AUTHORS``, ``CONTRIBUTING``... (with no extension or ``.md``, ``.txt``,
``.rst``, ``.markdown``); images, audio, video, fonts, code and configuration files, logs,
checksums and databases (a ``claimtrace.db`` kept beside the articles); and a ``.json``
file that shares its name with an article beside it (``story.html`` + ``story.json`` or
``story.info.json``: a metadata sidecar). Other JSON and JSONL files are read as articles.
A file named explicitly (or matched by a glob) is always read.

**Outlets**: each reader takes the outlet from the input itself (a text header's
``Outlet:``/``Source:`` line, a URL's domain, a copyright sign-off, the page's site name, a
field, the feed's title); :class:`ReadOptions` adds a fallback for documents without one,
the parent directory's name (``outlet_from_dir``) or a fixed name (``outlet``).
"""

from __future__ import annotations

import glob
import os
import sys
import zlib
from collections.abc import Iterable, Iterator

from claimtrace.errors import (
    E001,
    E003,
    E004,
    E007,
    E008,
    E012,
    E013,
    E014,
    E015,
    E017,
    E018,
    ClaimtraceError,
    MissingExtra,
    ReadError,
)
from claimtrace.limits import cap_document
from claimtrace.model import Document
from claimtrace.readers.options import ReadFailure, ReadOptions, collect_problems
from claimtrace.readers.outlets import directory_outlet
from claimtrace.readers.sniff import FORMATS, format_from_extension, is_gzip, sniff_format, utf16_without_bom

__all__ = [
    "FORMATS",
    "ReadFailure",
    "ReadOptions",
    "expand_paths",
    "is_auxiliary",
    "iter_documents",
    "read_bytes",
    "read_path",
]

STDIN = "-"
STDIN_SOURCE = "<stdin>"


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Expand directories (recursively, sorted, hidden files and folders skipped) and globs.

    ``-`` (stdin) is kept; a path that does not exist is kept too, so that reading it
    reports the problem. Duplicates are dropped, first occurrence wins.
    """
    out: list[str] = []
    seen: set[str] = set()

    def add(p: str) -> None:
        if p not in seen:
            seen.add(p)
            out.append(p)

    for path in paths:
        if path == STDIN:
            add(path)
            continue
        if os.path.isdir(path):
            for p in _walk(path):
                add(p)
        elif any(ch in path for ch in "*?[") and not os.path.exists(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                add(path)
            for m in matches:
                if os.path.isdir(m):
                    for p in _walk(m):
                        add(p)
                elif not os.path.basename(m).startswith("."):
                    add(m)
        else:
            add(path)
    return out


#: documentation file names (lower case, extension removed) that are never articles
DOC_NAMES = frozenset(
    {
        "readme",
        "license",
        "licence",
        "copying",
        "copyright",
        "changelog",
        "changes",
        "history",
        "notice",
        "authors",
        "contributors",
        "contributing",
        "code_of_conduct",
        "security",
        "citation",
        "todo",
        "install",
        "manifest",
        "source",
        "sources",
    }
)
_DOC_EXTENSIONS = frozenset({"", ".md", ".markdown", ".txt", ".rst"})
#: extensions of files that are never articles (when walking directories)
SKIPPED_EXTENSIONS = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".svg",
        ".ico",
        ".bmp",
        ".tif",
        ".tiff",
        ".avif",
        ".heic",
        ".mp3",
        ".mp4",
        ".m4a",
        ".wav",
        ".ogg",
        ".webm",
        ".mov",
        ".avi",
        ".mkv",
        ".flac",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".py",
        ".pyc",
        ".js",
        ".mjs",
        ".ts",
        ".css",
        ".map",
        ".sh",
        ".bat",
        ".toml",
        ".yaml",
        ".yml",
        ".ini",
        ".cfg",
        ".conf",
        ".lock",
        ".log",
        ".md5",
        ".sha1",
        ".sha256",
        ".sha512",
        ".sig",
        ".asc",
        ".db",
        ".sqlite",
        ".sqlite3",
        ".db-wal",
        ".db-shm",
        ".db-journal",
        ".sqlite-wal",
        ".sqlite-shm",
        ".parquet",
        ".pkl",
        ".npy",
        ".npz",
        ".exe",
        ".dll",
        ".so",
        ".dylib",
        ".class",
        ".jar",
        ".o",
    }
)
_SIDECAR_SUFFIXES = (".info", ".meta", ".metadata")


def _stem(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return os.path.splitext(lower)[0]


def _article_stems(names: Iterable[str]) -> frozenset[str]:
    """Names (extension removed) of the files that a ``.json`` sidecar could describe."""
    return frozenset(_stem(n) for n in names if not n.lower().endswith((".json", ".json.gz")))


def is_auxiliary(name: str, siblings: Iterable[str] = ()) -> bool:
    """True for a file that directory walks leave out (see the module docstring).

    ``name`` is a file name; ``siblings`` the file names in its directory (for recognising
    ``.json`` metadata sidecars).
    """
    return _auxiliary(name, _article_stems(siblings))


def _auxiliary(name: str, article_stems: frozenset[str]) -> bool:
    if name.startswith("."):
        return True
    lower = name.lower()
    base = lower[:-3] if lower.endswith(".gz") else lower
    stem, ext = os.path.splitext(base)
    if (stem in DOC_NAMES and ext in _DOC_EXTENSIONS) or ext in SKIPPED_EXTENSIONS:
        return True
    if ext == ".json":
        for suffix in _SIDECAR_SUFFIXES:
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        return stem in article_stems
    return False


def _walk(root: str) -> list[str]:
    files: list[str] = []
    # an unreadable directory is listed itself, so reading it reports why (E015)
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: files.append(e.filename)):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        stems = _article_stems(filenames)
        files.extend(os.path.join(dirpath, f) for f in sorted(filenames) if not _auxiliary(f, stems))
    return files


def read_path(path: str, options: ReadOptions | None = None) -> list[Document]:
    """Read one file (or ``-`` for stdin) into documents.

    Raises :class:`~claimtrace.errors.ReadError` (one line, ``path: reason``) for input that
    cannot be read, :class:`~claimtrace.errors.MissingExtra` when the format's optional
    dependency is missing.
    """
    options = options or ReadOptions()
    docs = _fill_outlets(_read_path(path, options), path=path, options=options)
    return [cap_document(d) for d in docs]  # resource bound: see claimtrace.limits


def _read_path(path: str, options: ReadOptions) -> list[Document]:
    if options.fmt is not None and options.fmt not in FORMATS:
        raise ReadError(E008, path=path, fmt=options.fmt, choices=", ".join(FORMATS))
    if path == STDIN:
        data = sys.stdin.buffer.read(options.max_bytes + 1)
        if len(data) > options.max_bytes:
            raise ReadError(
                E003, path=STDIN_SOURCE, size=f"more than {options.max_bytes}", limit=options.max_bytes
            )
        return _read_bytes(data, path=STDIN_SOURCE, source=STDIN_SOURCE, options=options)
    if os.path.isdir(path):
        try:
            os.listdir(path)
        except OSError as exc:
            raise ReadError(E015, path=path, detail=exc.strerror or type(exc).__name__) from None
        raise ReadError(E014, path=path)
    try:
        size = os.path.getsize(path)
    except OSError:
        raise ReadError(E007, path=path) from None
    fmt = options.fmt or format_from_extension(path)
    if fmt == "warc":
        # WARC files are streamed record by record; the size limit applies to each record
        from claimtrace.readers.warc import read_warc_file

        return _guard(path, lambda: read_warc_file(path, source=os.path.abspath(path), options=options))
    if size > options.max_bytes:
        raise ReadError(E003, path=path, size=size, limit=options.max_bytes)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except PermissionError as exc:
        raise ReadError(E018, path=path, detail=exc.strerror or "EACCES") from None
    except OSError as exc:
        raise ReadError(E013, path=path, detail=exc.strerror or type(exc).__name__) from None
    return _read_bytes(data, path=path, source=os.path.abspath(path), options=options)


def read_bytes(data: bytes, *, path: str, source: str, options: ReadOptions | None = None) -> list[Document]:
    """Read in-memory file content. ``path`` names it in errors and sniffing, ``source`` in documents."""
    options = options or ReadOptions()
    docs = _fill_outlets(
        _read_bytes(data, path=path, source=source, options=options), path=path, options=options
    )
    return [cap_document(d) for d in docs]


def _fill_outlets(docs: list[Document], *, path: str, options: ReadOptions) -> list[Document]:
    """Add sidecar, URL and path metadata, then give documents without an outlet the directory's
    name or the default (see ReadOptions)."""
    from claimtrace.readers.metadata import fill_metadata, sidecar_for

    fallback_given = bool(options.outlet or options.outlet_from_dir)
    file_path = None if path in (STDIN, STDIN_SOURCE) else path
    sidecar = sidecar_for(options.metadata)
    fill_metadata(docs, path=file_path, sidecar=sidecar, path_outlets=not fallback_given)
    if not fallback_given:
        return docs
    fallback, how = None, ""
    if options.outlet_from_dir and path not in (STDIN, STDIN_SOURCE):
        fallback, how = directory_outlet(path), "directory"
    if not fallback and options.outlet:
        fallback, how = options.outlet.strip() or None, "option"
    if fallback:
        for doc in docs:
            if not doc.outlet:
                doc.outlet = fallback
                doc.meta["outlet_from"] = how
    return docs


def _read_bytes(data: bytes, *, path: str, source: str, options: ReadOptions) -> list[Document]:
    if not data.strip():
        raise ReadError(E001, path=path)
    name = path
    if is_gzip(data):
        if (options.fmt or format_from_extension(path)) == "warc" or _gunzip_head(data).startswith(b"WARC/"):
            from claimtrace.readers.warc import read_warc_bytes

            return _guard(path, lambda: read_warc_bytes(data, path=path, source=source, options=options))
        data = _gunzip(data, path=path, limit=options.max_bytes)
        if not data.strip():
            raise ReadError(E001, path=path)
        name = path[:-3] if path.lower().endswith(".gz") else path
    wide = utf16_without_bom(data)
    if wide is not None:  # UTF-16 without a BOM would pass as UTF-8 with a NUL between letters
        try:
            data = data.decode(wide).encode("utf-8")
        except UnicodeDecodeError:
            raise ReadError(E017, path=path, encoding=wide.upper()) from None
    fmt = options.fmt or sniff_format(name, data[:8192], text_field=options.text_field)
    return _guard(path, lambda: _dispatch(fmt, data, path=path, source=source, options=options))


def _dispatch(fmt: str, data: bytes, *, path: str, source: str, options: ReadOptions) -> list[Document]:
    if fmt == "text":
        from claimtrace.readers.normalize import decode_bytes
        from claimtrace.readers.text import text_document

        text = decode_bytes(data, path=path)
        if not text.strip():
            raise ReadError(E001, path=path)
        return [text_document(text, source=source, language=options.detect_language)]
    if fmt == "html":
        from claimtrace.readers.html import read_html

        return read_html(data, path=path, source=source, options=options)
    if fmt == "rss":
        from claimtrace.readers.feeds import read_feed

        return read_feed(data, path=path, source=source, options=options)
    if fmt in ("jsonl", "csv"):
        from claimtrace.readers.tabular import read_csv, read_jsonl

        reader = read_jsonl if fmt == "jsonl" else read_csv
        return reader(data, path=path, source=source, options=options)
    if fmt == "warc":
        from claimtrace.readers.warc import read_warc_bytes

        return read_warc_bytes(data, path=path, source=source, options=options)
    raise ReadError(E008, path=path, fmt=fmt, choices=", ".join(FORMATS))


def _guard(path: str, fn):  # type: ignore[no-untyped-def]
    """Run a reader; anything but a claimtrace error becomes one clear ReadError line."""
    try:
        return fn()
    except ClaimtraceError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise ReadError(E013, path=path, detail=type(exc).__name__) from exc
    except Exception as exc:
        detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")
        raise ReadError(E013, path=path, detail=detail[:200]) from exc


def _gunzip_head(data: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=47).decompress(data[:4096], 64)
    except zlib.error:
        return b""


def _gunzip(data: bytes, *, path: str, limit: int) -> bytes:
    """Decompress (multi-member) gzip data, refusing truncated data and output over ``limit``."""
    out: list[bytes] = []
    total = 0
    rest = data
    try:
        while rest:
            d = zlib.decompressobj(wbits=47)
            chunk = d.decompress(rest, limit + 1 - total)
            total += len(chunk)
            out.append(chunk)
            if total > limit:
                raise ReadError(E012, path=path, limit=limit)
            if not d.eof:
                raise ReadError(E004, path=path)
            rest = d.unused_data.lstrip(b"\x00")
            if rest and not is_gzip(rest):
                break  # trailing garbage after the last member: ignore, as gzip does
    except zlib.error:
        raise ReadError(E004, path=path) from None
    return b"".join(out)


def iter_documents(
    paths: Iterable[str], options: ReadOptions | None = None
) -> Iterator[Document | ReadFailure]:
    """Documents from every path (directories and globs expanded); failures are yielded, not raised."""
    for path in expand_paths(paths):
        try:
            with collect_problems() as skipped:
                docs = read_path(path, options)
        except (ReadError, MissingExtra) as exc:
            yield ReadFailure(path=path, reason=_reason(path, str(exc)))
            continue
        yield from skipped
        yield from docs


def _reason(path: str, message: str) -> str:
    for prefix in (f"{path}: ", f"{STDIN_SOURCE}: "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message
