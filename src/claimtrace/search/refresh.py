"""The search and match indexes brought up to date at the end of ``analyze``.

Search and match requests only load the vector indexes (:func:`claimtrace.search.sync.load_indexes`
with ``sync=False``); building them is the job of ``claimtrace analyze``, which calls
:func:`refresh_indexes` after the cross-document stages. The update is incremental: only claims
whose analysis changed, new documents and new fact-checks are embedded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claimtrace.errors import MissingExtra
from claimtrace.search.vectors import index_root
from claimtrace.store.base import Store

Reporter = Callable[[str, int, int], None]


def refresh_indexes(store: Store, *, reporter: Reporter | None = None) -> dict[str, Any]:
    """Embed what is new into the ``claims``, ``documents`` and ``reference`` indexes.

    Returns :func:`~claimtrace.search.sync.sync_index`'s counts per namespace, or
    ``{"skipped": reason}`` for an in-memory store (nothing would outlive the process) or when
    the ``embed`` extra is missing.
    """
    url = str(getattr(store, "url", "") or "")
    if index_root(url or None) is None:
        return {"skipped": "in-memory database"}
    try:
        from claimtrace.search.sync import sync_index

        def progress(namespace: str, done: int, total: int) -> None:
            if reporter is not None:
                reporter(f"index {namespace}", done, total)

        return sync_index(store, url, progress=progress)
    except (ImportError, MissingExtra) as exc:
        return {"skipped": str(exc)}
