"""Search and claim matching: FTS5 + vector search, the on-disk vector index, claim matching.

>>> from claimtrace.search import search, match, sync_index   # doctest: +SKIP
"""

from __future__ import annotations

from claimtrace.search.match import Matcher, evidence, match, match_file
from claimtrace.search.search import rrf, search
from claimtrace.search.sync import load_indexes, sync_index
from claimtrace.search.vectors import NAMESPACES, VectorIndex, index_root

__all__ = [
    "NAMESPACES",
    "Matcher",
    "VectorIndex",
    "evidence",
    "index_root",
    "load_indexes",
    "match",
    "match_file",
    "rrf",
    "search",
    "sync_index",
]
