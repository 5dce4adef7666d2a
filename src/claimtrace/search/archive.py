"""Import fact-check archives into a database and build their indexes at once.

:func:`import_archives` reads each file (:func:`~claimtrace.exports.importers.import_factchecks`:
ClaimReview JSON-LD, JSON/JSONL records, CSV/TSV with a field mapping), stores the fact-checks
by id (:meth:`~claimtrace.store.base.Store.upsert_reference_claims`: importing a file again
changes nothing, a changed record is updated), re-embeds the ones whose text changed, then
brings the ``reference`` vector index and the BM25 index up to date, so that matching never
has to build either.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from claimtrace.errors import ClaimtraceError
from claimtrace.search.lexical import build_lexical_index, factcheck_text
from claimtrace.search.sync import EncodeFn, ProgressFn, load_indexes, reference_id
from claimtrace.search.vectors import index_root
from claimtrace.store.base import Store

__all__ = ["import_archives"]


def import_archives(
    store: Store,
    db_path: str | os.PathLike[str] | None,
    paths: Sequence[str],
    *,
    fields: dict[str, str] | None = None,
    publisher: str | None = None,
    encode: EncodeFn | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Import fact-check files; return counts and the problems met.

    Returns ``{"files", "failed", "read", "new", "updated", "unchanged", "total", "problems"}``:
    ``problems`` holds one line per skipped record (``file:line: reason``) or unreadable file
    (``file: reason``); ``failed`` counts the files that gave nothing.
    """
    from claimtrace.exports.importers import import_factchecks

    before = {reference_id(r): factcheck_text(r) for r in store.load_reference_claims()}
    stats: dict[str, Any] = {"files": 0, "failed": 0, "read": 0, "new": 0, "updated": 0, "problems": []}
    for path in paths:
        stats["files"] += 1
        try:
            records = import_factchecks(path, fields=fields, publisher=publisher, problems=stats["problems"])
        except ClaimtraceError as exc:
            stats["failed"] += 1
            stats["problems"].append(str(exc))
            continue
        new, updated = store.upsert_reference_claims(records)
        stats["read"] += len(records)
        stats["new"] += new
        stats["updated"] += updated
    stats["unchanged"] = stats["read"] - stats["new"] - stats["updated"]
    refs = {reference_id(r): r for r in store.load_reference_claims()}
    changed = [rid for rid, text in before.items() if rid in refs and factcheck_text(refs[rid]) != text]
    index = load_indexes(store, db_path, namespaces=("reference",), sync=False, encode=encode)["reference"]
    if changed:
        index.remove(changed)
    index = load_indexes(
        store, db_path, namespaces=("reference",), sync=True, encode=encode, progress=progress
    )["reference"]
    root = index_root(db_path if db_path is not None else (store.url or None))
    ids = index.ids()
    build_lexical_index(root, ids, [factcheck_text(refs[rid]) for rid in ids])
    stats["total"] = len(refs)
    return stats
