"""The reading options and the failure record shared by every reader."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ReadFailure", "ReadOptions"]


@dataclass
class ReadOptions:
    """How to read input files.

    ``fmt`` forces a reader (None = sniff by extension, then content). The ``*_field``
    options map JSONL/CSV columns onto document fields; a record's id (``id_field``, else its
    1-based record number) makes its source ``<file>#<id>``. Files (and decompressed data)
    larger than ``max_bytes`` are refused; in a WARC the limit applies to each record.
    ``detect_language`` can be switched off for speed.

    Outlets: a document's own outlet (a header marker, the page's site name, a field, a
    feed's title, a copyright sign-off, a URL's domain) always wins. A document without one
    gets the name of its file's parent directory when ``outlet_from_dir`` is set (corpora
    organised as ``outlet/article.txt``), else ``outlet`` (a default for the whole input).
    """

    fmt: str | None = None
    text_field: str = "text"
    id_field: str | None = None
    date_field: str | None = None
    title_field: str | None = None
    outlet_field: str | None = None
    max_bytes: int = 50_000_000
    author_field: str | None = None
    url_field: str | None = None
    detect_language: bool = True
    outlet: str | None = None
    outlet_from_dir: bool = False


@dataclass
class ReadFailure:
    """A path that could not be read; ``iter_documents`` yields it and carries on."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
