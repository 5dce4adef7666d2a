"""The default backend: one SQLite file (WAL, busy timeout, FTS5 over title and text).

The file is a plain database that Datasette can browse; ``documents_fts`` is an
external-content FTS5 index kept in step with ``documents`` by triggers.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claimtrace.errors import E040, ClaimtraceError, explain_os_error
from claimtrace.store.sql import SQLStore

_WORD = re.compile(r"\w+")


def fts5_query(query: str) -> str:
    """Turn any user string into a valid FTS5 query: every word quoted, all words required."""
    return " ".join(f'"{word}"' for word in _WORD.findall(query))


class SQLiteStore(SQLStore):
    """A claimtrace database in one SQLite file (or ``:memory:``)."""

    dialect = "sqlite"

    def __init__(self, path: str = ":memory:", *, timeout: float = 30.0) -> None:
        self.url = path
        self._lock = threading.RLock()
        self._depth = 0
        if path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=timeout, check_same_thread=False)
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: a killed process loses nothing committed (only power loss can).
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise explain_os_error(exc, db=path) or ClaimtraceError(E040, db=path, detail=str(exc)) from exc

    # -- hooks ----------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            cur = self._conn.execute(sql, tuple(params))
            return cur.fetchall() if cur.description else []

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._lock:
            self._conn.executemany(sql, rows)

    def _user_tables(self) -> set[str]:
        return {r[0] for r in self._execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    # -- search -----------------------------------------------------------------------------
    def search_text(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        match = fts5_query(query)
        if not match:
            return []
        # snippets only for the rows kept: in one query SQLite makes one for every match before sorting
        rows = self._execute(
            "SELECT documents_fts.rowid, d.id, d.title, bm25(documents_fts, 2.0, 1.0) AS rank "
            "FROM documents_fts JOIN documents d ON d.seq = documents_fts.rowid "
            "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        )
        if not rows:
            return []
        snippets = dict(
            self._execute(
                "SELECT rowid, snippet(documents_fts, 1, '[', ']', ' … ', 16) FROM documents_fts "
                f"WHERE documents_fts MATCH ? AND rowid IN ({', '.join('?' * len(rows))})",
                (match, *(r[0] for r in rows)),
            )
        )
        return [
            {"doc_id": doc, "title": title, "snippet": snippets.get(rowid), "score": -float(rank)}
            for rowid, doc, title, rank in rows
        ]

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._conn.close()
