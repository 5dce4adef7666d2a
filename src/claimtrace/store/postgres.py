"""The PostgreSQL backend (psycopg 3): the same tables as SQLite, full text through a tsvector.

JSON columns are ``jsonb`` (read back as text, parsed in one place); ``documents.tsv`` is a
generated column (title weighted above text) with a GIN index. ``?schema=NAME`` in the URL
puts every table in that schema (created if missing).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from claimtrace.errors import E041, ClaimtraceError, require
from claimtrace.store.schema import PG_FTS_CHARS
from claimtrace.store.sql import SQLStore

_WORD = re.compile(r"\w+")
_MIGRATION_LOCK = 0x636C61696D  # any constant: serialises migrations across processes


def split_schema(url: str) -> tuple[str, str | None]:
    """Take a ``schema=NAME`` parameter out of a PostgreSQL URL: ``(url without it, NAME)``."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PostgresStore(SQLStore):
    """A claimtrace database in PostgreSQL (``postgresql://user@host:port/db?schema=name``)."""

    dialect = "postgres"
    binary_collation = ' COLLATE "C"'

    def __init__(self, url: str, *, schema: str | None = None, connect_timeout: int = 10) -> None:
        psycopg: Any = require("psycopg", "postgres", "PostgreSQL storage")
        from psycopg.types.string import TextLoader

        conninfo, url_schema = split_schema(url)
        self.url = url
        self.schema = schema or url_schema
        self._lock = threading.RLock()
        try:
            self._conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=connect_timeout)
        except psycopg.OperationalError as exc:
            raise ClaimtraceError(E041, db=url, detail=str(exc).strip().splitlines()[0]) from exc
        for name in ("json", "jsonb"):  # JSON comes back as text, parsed like SQLite's
            self._conn.adapters.register_loader(name, TextLoader)
        if self.schema:
            self._conn.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote_ident(self.schema)}")
            self._conn.execute(f"SET search_path TO {_quote_ident(self.schema)}")
        self._migrate()

    # -- hooks ----------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock, self._conn.transaction():
            yield

    def _lock_for_migration(self) -> None:
        self._execute(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            cur = self._conn.execute(sql.replace("?", "%s"), tuple(params) or None)
            return cur.fetchall() if cur.description else []

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        with self._lock, self._conn.cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), rows)

    def _user_tables(self) -> set[str]:
        return {
            r[0]
            for r in self._execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        }

    # -- search -----------------------------------------------------------------------------
    def search_text(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        words = " ".join(_WORD.findall(query))
        if not words:
            return []
        rows = self._execute(
            "SELECT id, title, ts_headline('simple', left(text, ?), q, "
            "'StartSel=[, StopSel=], MaxWords=30, MinWords=10'), rank FROM ("
            "  SELECT seq, id, title, text, q, ts_rank_cd(tsv, q) AS rank"
            "  FROM documents, plainto_tsquery('simple', ?) AS q WHERE tsv @@ q"
            "  ORDER BY rank DESC, seq LIMIT ?) AS hits ORDER BY rank DESC, seq",
            (PG_FTS_CHARS, words, limit),
        )
        return [{"doc_id": r[0], "title": r[1], "snippet": r[2], "score": float(r[3])} for r in rows]

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def drop_schema(self) -> None:
        """Drop this store's schema and everything in it (for tests and throwaway stores)."""
        if not self.schema:
            raise ValueError("drop_schema needs a store opened with a schema")
        self._execute(f"DROP SCHEMA IF EXISTS {_quote_ident(self.schema)} CASCADE")
