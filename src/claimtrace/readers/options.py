"""The reading options and the failure record shared by every reader."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["ReadFailure", "ReadOptions", "collect_problems", "report_problem"]


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

    ``metadata`` is a sidecar file (CSV/TSV/JSONL) mapping a document's source, file name or
    id to its outlet, date, url, title, author and language; dates and outlets in URLs and
    file paths fill the rest (:mod:`claimtrace.readers.metadata`). ``group_by`` joins the
    JSONL/CSV records that share this field's value into one document (rows that are the
    sentences or paragraphs of one article).
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
    metadata: str | None = None
    group_by: str | None = None


@dataclass
class ReadFailure:
    """A path that could not be read; ``iter_documents`` yields it and carries on."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


_PROBLEMS: ContextVar[list[ReadFailure] | None] = ContextVar("claimtrace_read_problems", default=None)


@contextlib.contextmanager
def collect_problems() -> Iterator[list[ReadFailure]]:
    """Collect the lines readers skip (``report_problem``) while reading inside the block."""
    found: list[ReadFailure] = []
    token = _PROBLEMS.set(found)
    try:
        yield found
    finally:
        _PROBLEMS.reset(token)


def report_problem(path: str, line: int, reason: str) -> None:
    """A reader skipped line ``line`` of ``path``: collected as ``path:line: reason`` (else a warning)."""
    found = _PROBLEMS.get()
    failure = ReadFailure(path=f"{path}:{line}", reason=reason)
    if found is None:
        warnings.warn(str(failure), stacklevel=2)
    else:
        found.append(failure)
