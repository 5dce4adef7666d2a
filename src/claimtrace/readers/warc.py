"""WARC and WARC.gz web archives (warcio): each HTML response through the HTML reader.

Only ``response`` records with a 2xx status and an HTML content type are read; everything
else (requests, metadata, images, redirects) is skipped. A record's source is its
``WARC-Target-URI`` (else ``<file>#<n>``). The size limit applies to each record, not the
archive, so archives are streamed and never loaded whole. A truncated or corrupt archive
fails as a whole (nothing half-read is kept). Needs the ``warc`` and ``html`` extras.
"""

from __future__ import annotations

import io
import zlib
from typing import IO, Any

from claimtrace.errors import E009, E010, ReadError, require
from claimtrace.model import Document
from claimtrace.readers.options import ReadOptions

__all__ = ["read_warc_bytes", "read_warc_file", "read_warc_stream"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc_file(path: str, *, source: str, options: ReadOptions) -> list[Document]:
    """Stream a WARC (optionally gzipped) file from disk."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        from claimtrace.errors import E007

        raise ReadError(E007, path=path) from None
    with fh:
        return read_warc_stream(fh, path=path, source=source, options=options)


def read_warc_bytes(data: bytes, *, path: str, source: str, options: ReadOptions) -> list[Document]:
    """Read an in-memory WARC (e.g. from stdin)."""
    return read_warc_stream(io.BytesIO(data), path=path, source=source, options=options)


def read_warc_stream(stream: IO[bytes], *, path: str, source: str, options: ReadOptions) -> list[Document]:
    """Read every HTML response of a WARC stream into documents."""
    warcio: Any = require("warcio.archiveiterator", "warc", "reading WARC files")
    head = stream.read(4)
    stream.seek(0)
    if not head:
        from claimtrace.errors import E001

        raise ReadError(E001, path=path)
    if not (head.startswith(b"WARC") or head[:2] == b"\x1f\x8b"):
        raise ReadError(E009, path=path, detail="does not start with a WARC record")
    docs: list[Document] = []
    records = html_records = 0
    try:
        iterator = warcio.ArchiveIterator(stream, arc2warc=True)
        records_iter = iter(iterator)
        while True:
            try:
                record = next(records_iter)
            except StopIteration:
                break
            except (ReadError, zlib.error, EOFError, OSError):
                raise
            except Exception as exc:  # warcio's own parse errors on damaged data
                if type(exc).__name__ == "ArchiveLoadFailed":
                    raise
                raise ReadError(E009, path=path, detail=f"unreadable record ({type(exc).__name__})") from None
            records += 1
            n = records
            if record.length is None:
                raise ReadError(E009, path=path, detail=f"record {n} is cut off (no Content-Length)")
            doc, is_html = _record_document(record, n=n, path=path, source=source, options=options)
            _check_complete(record, path)
            html_records += is_html
            if doc is not None:
                docs.append(doc)
        _check_end(iterator, stream, path)
    except ReadError:
        raise
    except (zlib.error, EOFError, OSError) as exc:
        raise ReadError(E009, path=path, detail=f"truncated or corrupt data ({type(exc).__name__})") from None
    except Exception as exc:
        if type(exc).__name__ == "ArchiveLoadFailed":
            detail = str(exc).splitlines()[0] if str(exc) else "unreadable record"
            raise ReadError(E009, path=path, detail=detail[:160]) from None
        raise
    if records == 0:
        raise ReadError(E009, path=path, detail="no WARC records")
    if not docs and html_records == 0:
        raise ReadError(E010, path=path, detail=f"no HTML responses among {records} WARC records")
    return docs


def _check_end(iterator: Any, stream: IO[bytes], path: str) -> None:
    """warcio ends quietly at a record whose headers were cut off: compare with the file's end."""
    size = stream.seek(0, io.SEEK_END)
    end = getattr(iterator, "offset", size) or 0
    if 0 < end < size:
        stream.seek(end)
        if stream.read(4096).strip():
            raise ReadError(E009, path=path, detail=f"truncated or unreadable data at byte {end}")


def _check_complete(record: Any, path: str) -> None:
    """Drain the record; if fewer bytes arrived than its Content-Length promised, it was cut off."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    if getattr(raw, "limit", 0) > 0:
        raise ReadError(E009, path=path, detail="truncated record (the file was cut off)")


def _record_document(
    record: Any, *, n: int, path: str, source: str, options: ReadOptions
) -> tuple[Document | None, bool]:
    """``(document or None, whether the record was an HTML response)``."""
    from claimtrace.readers.html import html_document

    if record.rec_type != "response" or record.http_headers is None:
        return None, False
    status = record.http_headers.get_statuscode() or ""
    ctype = (record.http_headers.get_header("Content-Type") or "").lower()
    if not status.startswith("2") or not ctype.startswith(_HTML_TYPES):
        return None, False
    payload = record.content_stream().read(options.max_bytes + 1)
    if len(payload) > options.max_bytes or not payload.strip():
        return None, True
    uri = record.rec_headers.get_header("WARC-Target-URI") or f"{source}#{n}"
    doc = html_document(payload, source=uri, path=path, url=uri, language=options.detect_language)
    if doc is None:
        return None, True
    doc.meta["warc"] = source
    warc_date = record.rec_headers.get_header("WARC-Date")
    if warc_date:
        doc.meta["fetched"] = warc_date[:10]
    return doc, True
