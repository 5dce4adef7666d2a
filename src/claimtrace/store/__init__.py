"""Storage: one small protocol (:class:`Store`), backends picked by URL.

>>> from claimtrace.store import open_store
>>> with open_store(":memory:") as store:
...     store.count_documents()
0
"""

from __future__ import annotations

import os

from claimtrace.errors import E042, ClaimtraceError
from claimtrace.store.base import Store

__all__ = ["Store", "open_store", "sqlite_path"]


def sqlite_path(url_or_path: str) -> str | None:
    """The SQLite file a path or ``sqlite:///`` URL names (``:memory:`` for none), or None for other URLs."""
    if url_or_path.startswith("sqlite:"):
        rest = url_or_path[len("sqlite:") :]
        if rest.startswith("///"):
            rest = rest[3:]
        elif rest.startswith("//"):
            rest = rest[2:]
        return rest or ":memory:"
    if url_or_path.startswith(("postgresql:", "postgres:")):
        return None
    return url_or_path


def open_store(url_or_path: str, *, create: bool = True) -> Store:
    """Open (creating and migrating if needed) the store at a path or URL.

    A path or ``sqlite:///x.db`` opens :class:`~claimtrace.store.sqlite.SQLiteStore`
    (``sqlite:////abs/x.db`` for an absolute path, ``:memory:`` for a throwaway one);
    ``postgresql://...`` opens :class:`~claimtrace.store.postgres.PostgresStore` (needs the
    ``postgres`` extra; add ``?schema=NAME`` to use a schema other than ``public``).
    With ``create=False`` a missing SQLite file is an error instead of a new database.
    """
    path = sqlite_path(url_or_path)
    if not create and path not in (None, ":memory:") and not os.path.exists(path):
        raise ClaimtraceError(E042, db=url_or_path)
    if path is None:
        from claimtrace.store.postgres import PostgresStore

        return PostgresStore(url_or_path)
    from claimtrace.store.sqlite import SQLiteStore

    return SQLiteStore(path)
