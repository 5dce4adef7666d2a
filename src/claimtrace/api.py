"""The Python API: a :class:`Corpus` is a claimtrace database and what you do with it.

>>> import claimtrace
>>> with claimtrace.open(":memory:") as corpus:    # a path, sqlite:///x.db or postgresql://...
...     corpus.count()
0
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

from claimtrace.model import Document
from claimtrace.store import Store, open_store

if TYPE_CHECKING:
    from claimtrace.readers import ReadFailure, ReadOptions

#: The database used when none is named (the CLAIMTRACE_DB environment variable overrides it).
DEFAULT_DB = "claimtrace.db"
#: Documents committed per transaction during ingest: a crash loses at most the batch in flight.
INGEST_BATCH = 500

ProgressCallback = Callable[[int, int], None]


def default_db() -> str:
    """The database to use when none is named: ``$CLAIMTRACE_DB`` or ``claimtrace.db``."""
    return os.environ.get("CLAIMTRACE_DB") or DEFAULT_DB


@dataclass
class IngestReport:
    """What an ingest did: documents added, documents already stored, files that failed."""

    added: int = 0
    skipped: int = 0
    failures: list[ReadFailure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """How many inputs could not be read."""
        return len(self.failures)

    def summary(self) -> str:
        """One line: ``added N, skipped N, failed N``."""
        return f"added {self.added}, skipped {self.skipped} (already stored), failed {self.failed}"


class Corpus:
    """A claimtrace database: ingest documents, read them back, export them.

    ``corpus.store`` is the underlying :class:`~claimtrace.store.Store` for everything else.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, db: str | None = None, *, create: bool = True) -> Corpus:
        """Open the corpus at a path or URL (default: :func:`default_db`); ``create=False``: it must exist."""
        return cls(open_store(db or default_db(), create=create))

    def ingest(
        self,
        paths: Iterable[str],
        options: ReadOptions | None = None,
        *,
        progress: ProgressCallback | None = None,
        batch_size: int = INGEST_BATCH,
    ) -> IngestReport:
        """Read files and directories into the corpus.

        Documents are committed ``batch_size`` at a time, so a killed run keeps whole batches
        only and a rerun completes it (stored documents are skipped). Unreadable inputs are
        collected in ``report.failures``; the rest are ingested. ``progress(done, total)`` is
        called after each input file.
        """
        from claimtrace.readers import ReadFailure, ReadOptions, expand_paths, iter_documents

        options = options or ReadOptions()
        report = IngestReport()
        files = expand_paths(paths)
        batch: list[Document] = []

        def flush() -> None:
            added, skipped = self.store.add_documents(batch)
            report.added += added
            report.skipped += skipped
            batch.clear()

        for done, path in enumerate(files, start=1):
            for item in iter_documents([path], options):
                if isinstance(item, ReadFailure):
                    report.failures.append(item)
                    continue
                batch.append(item)
                if len(batch) >= batch_size:
                    flush()
            if progress is not None:
                progress(done, len(files))
        if batch:
            flush()
        return report

    def documents(self) -> Iterator[Document]:
        """Every stored document, in ingest order."""
        return self.store.iter_documents()

    def get(self, doc_id: str) -> Document | None:
        """The document with this id, or None."""
        return self.store.get_document(doc_id)

    def count(self) -> int:
        """How many documents are stored."""
        return self.store.count_documents()

    def search(self, query: str, *, limit: int = 20) -> list[dict[str, object]]:
        """Full-text search over titles and text: dicts with doc_id, title, snippet, score."""
        return self.store.search_text(query, limit=limit)

    def export(self, fmt: str, out: str, *, raw: bool = False) -> None:
        """Write the corpus in an export format (json, jsonl, csv, ...) to ``out``.

        CSV cells that a spreadsheet would run as formulas are neutralised unless ``raw``.
        """
        from claimtrace.exports import export

        export(self.store, fmt, out, raw=raw)

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
