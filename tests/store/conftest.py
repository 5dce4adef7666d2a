"""Store fixtures: every backend test runs on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from claimtrace.store.base import Store

PG_URL = os.environ.get("CLAIMTRACE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
RUN_ID = f"ct_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
_pg_ok: bool | None = None


def postgres_available() -> bool:
    """True when the test PostgreSQL server answers (checked once)."""
    global _pg_ok
    if _pg_ok is None:
        try:
            import psycopg

            psycopg.connect(PG_URL, connect_timeout=2).close()
            _pg_ok = True
        except Exception:
            _pg_ok = False
    return _pg_ok


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    """A fresh, empty store of each backend (PostgreSQL: a throwaway schema, dropped afterwards)."""
    if request.param == "sqlite":
        from claimtrace.store.sqlite import SQLiteStore

        s = SQLiteStore(str(tmp_path / "t.db"))
        yield s
        s.close()
        return
    if not postgres_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    from claimtrace.store.postgres import PostgresStore

    pg = PostgresStore(PG_URL, schema=f"{RUN_ID}_{uuid.uuid4().hex[:6]}")
    try:
        yield pg
    finally:
        pg.drop_schema()
        pg.close()
