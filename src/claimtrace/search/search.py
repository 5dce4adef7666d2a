"""Search documents and claims: full-text (FTS5) and semantic (vectors), merged by rank fusion.

Four ranked lists are fused with reciprocal-rank fusion (each list adds ``1 / (60 + rank)``):
documents by FTS5 (``store.search_text``), documents by vector, claims by vector, and claims
by words (claims inside the FTS5 hits that contain query words, most words first).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, Literal

from claimtrace.errors import E070, ClaimtraceError
from claimtrace.search.lookup import Lookup, narrative_index, terms
from claimtrace.search.sync import EncodeFn, _default_encode, load_indexes
from claimtrace.store.base import Store

__all__ = ["RRF_K", "SEMANTIC_MIN", "Lookup", "claim_records", "narrative_index", "rrf", "search"]

SearchKind = Literal["all", "claims", "documents"]
#: The reciprocal-rank-fusion constant.
RRF_K = 60
#: Semantic hits below this cosine are dropped (MiniLM puts unrelated sentences near 0-0.2).
SEMANTIC_MIN = 0.25


def rrf(lists: Iterable[list[tuple[str, str]]], *, k: int = RRF_K) -> list[tuple[tuple[str, str], float]]:
    """Fuse ranked lists of ``(kind, id)`` keys; return ``(key, score)`` best first (ties: first seen)."""
    scores: dict[tuple[str, str], float] = {}
    for ranked in lists:
        for rank, key in enumerate(ranked):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def claim_records(store: Store, claim_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored claims ``claim_ids`` with their text and document metadata, by claim id."""
    return Lookup(store).claim_records(claim_ids)


def _lexical_claims(lookup: Lookup, query: str, doc_ids: list[str]) -> list[str]:
    """Claims inside ``doc_ids`` (ranked documents) that share words with the query, best first."""
    wanted = terms(query)
    if not wanted or not doc_ids:
        return []
    rank = {d: i for i, d in enumerate(doc_ids)}
    scored: list[tuple[int, int, int, str]] = []
    for doc_id, entries in lookup.claims_of(doc_ids).items():
        for e in entries:
            hits = len(wanted & e.terms)
            if hits:
                scored.append((-hits, rank.get(doc_id, 0), e.start, e.id))
    return [cid for *_, cid in sorted(scored)]


def search(
    store: Store,
    db_path: str | os.PathLike[str] | None,
    query: str,
    *,
    limit: int = 20,
    kind: SearchKind = "all",
    sync: bool = True,
    encode: EncodeFn | None = None,
    lookup: Lookup | None = None,
) -> list[dict[str, Any]]:
    """Documents and/or claims for ``query``, best first.

    Each hit: ``kind`` ("claim" or "document"), ``id``, ``doc``, ``score`` (fused), ``cosine``
    (semantic similarity, None when found by words only), ``matched_by`` ("text", "semantic"),
    ``text`` (claim content or document title), ``snippet``, ``title``, ``outlet``,
    ``published``; claims add ``speaker`` and ``narrative`` (``{"id", "label"}`` or None).
    Raises :class:`ClaimtraceError` (E070) for ``kind="claims"`` when nothing is analysed.
    ``lookup`` reads what the hits show (kept between calls; default: a fresh one per call).
    """
    if kind not in ("all", "claims", "documents"):
        raise ValueError(f"unknown kind {kind!r} (choose one of: all, claims, documents)")
    if not query.strip() or limit <= 0:
        return []
    want_claims, want_docs = kind in ("all", "claims"), kind in ("all", "documents")
    namespaces = [ns for ns, on in (("claims", want_claims), ("documents", want_docs)) if on]
    indexes = load_indexes(store, db_path, namespaces=namespaces, sync=sync, encode=encode)
    lookup = lookup if lookup is not None else Lookup(store)
    if kind == "claims" and len(indexes["claims"]) == 0:
        raise ClaimtraceError(E070, db=store.url or str(db_path))
    depth = max(limit * 2, 10)
    fts = store.search_text(query, limit=depth)
    qvec = (encode or _default_encode)([query])
    cosine: dict[tuple[str, str], float] = {}
    lists: list[list[tuple[str, str]]] = []
    by_text: set[tuple[str, str]] = set()
    for ns, label in (("documents", "document"), ("claims", "claim")):
        if ns not in indexes:
            continue
        hits = [(i, s) for i, s in indexes[ns].query(qvec, depth)[0] if s >= SEMANTIC_MIN]
        lists.append([(label, i) for i, _ in hits])
        cosine.update({(label, i): s for i, s in hits})
    snippets = {h["doc_id"]: h.get("snippet") for h in fts}
    if want_docs:
        lists.append([("document", h["doc_id"]) for h in fts])
        by_text.update(lists[-1])
    if want_claims:
        lex = [("claim", c) for c in _lexical_claims(lookup, query, [h["doc_id"] for h in fts])[:depth]]
        lists.append(lex)
        by_text.update(lex)
    fused = rrf(lists)[:limit]
    claims = lookup.claim_records([i for (k, i), _ in fused if k == "claim"])
    docs = lookup.heads(sorted({i for (k, i), _ in fused if k == "document"}))
    out: list[dict[str, Any]] = []
    for key, score in fused:
        label, ident = key
        matched = [m for m, on in (("text", key in by_text), ("semantic", key in cosine)) if on]
        hit: dict[str, Any] = {
            "kind": label,
            "id": ident,
            "score": round(score, 6),
            "cosine": cosine.get(key),
            "matched_by": matched,
        }
        if label == "claim":
            rec = claims.get(ident)
            if rec is None:
                continue
            hit.update(
                doc=rec["doc"],
                text=rec["text"],
                snippet=rec["sentence"],
                title=rec["title"],
                outlet=rec["outlet"],
                published=rec["published"],
                speaker=rec["speaker"],
                narrative=lookup.narrative_of(ident),
            )
        else:
            doc = docs.get(ident)
            if doc is None:
                continue
            hit.update(
                doc=ident,
                text=doc.title or doc.head[:80],
                snippet=snippets.get(ident) or doc.head,
                title=doc.title,
                outlet=doc.outlet,
                published=doc.published,
            )
        out.append(hit)
    return out
