"""Which reader a file needs: by extension first, then by its first bytes.

:func:`sniff_format` returns one of :data:`FORMATS`. Gzip is not a format: the caller
decompresses (:func:`is_gzip`) and sniffs again on the inner name and bytes.
"""

from __future__ import annotations

import json
import os

__all__ = [
    "FORMATS",
    "GZIP_MAGIC",
    "format_from_extension",
    "is_gzip",
    "sniff_content",
    "sniff_format",
    "utf16_without_bom",
]

FORMATS = ("text", "html", "rss", "jsonl", "csv", "warc")
GZIP_MAGIC = b"\x1f\x8b"

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".rss": "rss",
    ".atom": "rss",
    ".rdf": "rss",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".warc": "warc",
    ".arc": "warc",
}


def is_gzip(head: bytes) -> bool:
    """True for gzip data (by its two magic bytes)."""
    return head[:2] == GZIP_MAGIC


def utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` for UTF-16 text that lacks a byte-order mark, else None.

    Such text is mostly Latin script, so every other byte is NUL: at odd positions for little
    endian, at even ones for big endian. UTF-8 text never has NULs, so it never matches
    (a file that starts with a BOM is left to the decoder).

    >>> utf16_without_bom("Port cranes idle".encode("utf-16-le")), utf16_without_bom(b"Port cranes")
    ('utf-16-le', None)
    """
    sample = head[:4096]
    if len(sample) < 8 or sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    nul_even, nul_odd = even.count(0), odd.count(0)
    if nul_odd >= 0.6 * half and nul_even <= 0.05 * half:
        enc = "utf-16-le"
    elif nul_even >= 0.6 * half and nul_odd <= 0.05 * half:
        enc = "utf-16-be"
    else:
        return None
    text = sample.decode(enc, errors="replace")
    readable = sum(ch.isprintable() or ch.isspace() for ch in text)
    return enc if readable >= 0.95 * len(text) else None  # not numbers stored as 16-bit integers


def format_from_extension(path: str) -> str | None:
    """The format a file name promises (``a.warc.gz`` -> ``warc``), or None (``.xml``, none)."""
    name = os.path.basename(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(".warc") or ".warc." in name:
        return "warc"
    return _EXTENSIONS.get(os.path.splitext(name)[1])


def sniff_content(head: bytes, *, text_field: str = "text") -> str:
    """The format of data from its first bytes (at least a few KiB for CSV and JSON)."""
    if head.startswith((b"WARC/1.", b"WARC/0.")):
        return "warc"
    sample = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith(b"<?xml"):
        if b"<rss" in sample or b"<feed" in sample or b"<rdf:rdf" in sample:
            return "rss"
        if b"<html" in sample:
            return "html"
    if sample.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        return "rss"
    if sample.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or (
        sample.startswith(b"<") and (b"<html" in sample or b"<body" in sample or b"<div" in sample)
    ):
        return "html"
    if sample.startswith(b"{"):
        first = sample.split(b"\n", 1)[0]
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except ValueError:
            pass
        return "jsonl" if b'":' in first else "text"
    if sample.startswith(b"["):
        return "jsonl" if b"{" in sample[:200] else "text"
    first_line = sample.split(b"\n", 1)[0].decode("utf-8", "replace")
    field = text_field.lower()
    for delim in (",", "\t", ";", "|"):
        cells = [c.strip().strip('"').strip() for c in first_line.split(delim)]
        if len(cells) >= 2 and field in cells:
            return "csv"
    return "text"


def sniff_format(path: str, head: bytes, *, text_field: str = "text") -> str:
    """Extension first; content when the extension says nothing (or says XML)."""
    by_ext = format_from_extension(path)
    if by_ext is not None:
        if by_ext == "warc" or by_ext == "csv":
            return by_ext
        by_content = sniff_content(head, text_field=text_field)
        # a .txt holding HTML, or an .html holding a feed: trust the content for markup
        if by_ext in ("text", "html") and by_content in ("html", "rss", "warc"):
            return by_content
        return by_ext
    return sniff_content(head, text_field=text_field)
