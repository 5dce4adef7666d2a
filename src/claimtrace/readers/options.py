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


@dataclass
class ReadFailure:
    """A path that could not be read; ``iter_documents`` yields it and carries on."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
