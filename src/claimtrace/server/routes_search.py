"""Search and claim matching: ``GET /api/search`` and ``POST /api/match``.

Both use :mod:`claimtrace.search` (FTS5 and vectors fused by rank; nearest known claims).
Requests only load the vector indexes, which ``claimtrace analyze`` builds and updates; the
encoder and the indexes are loaded once in a background thread when the router is made
(:func:`warm_search`), so the first request does not pay for them.
When its extras (``embed``, ``crossdoc``) are missing, search falls back to full text only
(documents by FTS5, claims by their words) and says so in ``mode`` and ``note``; matching
needs the vectors and answers 503 naming the extra to install.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from claimtrace.errors import MissingExtra
from claimtrace.server.catalog import Catalog
from claimtrace.server.security import require_json

__all__ = ["EncodeFn", "MatchIn", "fts_search", "search_router", "warm_search"]

EncodeFn = Callable[[Sequence[str]], np.ndarray]
SearchKind = Literal["all", "claims", "documents"]
_WORD = re.compile(r"\w+")


class MatchIn(BaseModel):
    """A claim to compare with the claims already known."""

    text: str = Field(min_length=1, max_length=5000)
    k: int = Field(default=5, ge=1, le=50)


def fts_search(cat: Catalog, query: str, *, limit: int, kind: SearchKind) -> list[dict[str, Any]]:
    """Full-text-only hits in the shape of :func:`claimtrace.search.search.search`.

    Documents come from FTS5; claims are those whose text holds every query word. When both
    are wanted, claims take at most half of ``limit``.
    """
    snap = cat.snapshot()
    words = {w.casefold() for w in _WORD.findall(query)}
    claims: list[dict[str, Any]] = []
    if kind != "documents" and words:
        for c in snap.claims:
            have = {w.casefold() for w in _WORD.findall(c["content"])}
            if words <= have:
                claims.append(
                    {
                        "kind": "claim",
                        "id": c["id"],
                        "doc": c["doc"],
                        "score": float(len(words)),
                        "cosine": None,
                        "matched_by": ["text"],
                        "text": c["content"],
                        "snippet": c["content"],
                        "title": c["title"],
                        "outlet": c["outlet"],
                        "published": c["published"],
                        "speaker": c["speaker"]["text"],
                        "narrative": c["narrative"],
                    }
                )
    docs: list[dict[str, Any]] = []
    if kind != "claims":
        for h in cat.store.search_text(query, limit=limit):
            meta = snap.docs_by_id.get(h["doc_id"], {})
            docs.append(
                {
                    "kind": "document",
                    "id": h["doc_id"],
                    "doc": h["doc_id"],
                    "score": h["score"],
                    "cosine": None,
                    "matched_by": ["text"],
                    "text": h.get("title") or "",
                    "snippet": h.get("snippet"),
                    "title": h.get("title"),
                    "outlet": meta.get("outlet"),
                    "published": meta.get("published"),
                }
            )
    if kind == "all":
        claims = claims[: max(1, limit // 2)]
    return (claims + docs)[:limit]


def warm_search(cat: Catalog, *, encode: EncodeFn | None = None) -> threading.Thread:
    """Load the encoder and open the vector indexes in a daemon thread (reads only, never syncs)."""

    def work() -> None:
        try:
            from claimtrace.search.sync import _default_encode, load_indexes

            (encode or _default_encode)(["warm up"])
            load_indexes(cat.store, cat.db, sync=False)  # sync=False never touches the store
        except Exception:  # a request meets and reports the same problem properly
            return

    thread = threading.Thread(target=work, name="claimtrace-warm-search", daemon=True)
    thread.start()
    return thread


def lookups(cat: Catalog) -> Callable[[], Any]:
    """A function giving the :class:`~claimtrace.search.lookup.Lookup` for the next request.

    One lookup is kept per catalog snapshot (with the snapshot's narrative labels), so what
    the hits show is read from the store once per snapshot; while no snapshot is ready, each
    request gets a fresh lookup (the store is read as a one-off command would).
    """
    held: list[Any] = [None, None]  # [snapshot, lookup]

    def current() -> Any:
        from claimtrace.search.lookup import Lookup

        snap = cat.current()
        if snap is None:
            return Lookup(cat.store)
        if held[0] is not snap:
            held[:] = [snap, Lookup(cat.store, narratives=snap.narrative_of_claim)]
        return held[1]

    return current


def search_router(cat: Catalog, *, encode: EncodeFn | None = None) -> APIRouter:
    """Search and match endpoints over ``cat`` (``encode`` replaces the MiniLM encoder, for tests)."""
    r = APIRouter(prefix="/api", tags=["search"])
    warm_search(cat, encode=encode)
    lookup = lookups(cat)

    @r.get("/search")
    def search(
        q: Annotated[str, Query(min_length=1, max_length=1000, description="Words or a sentence.")],
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        kind: SearchKind = "all",
    ) -> dict[str, Any]:
        """Documents and claims for ``q``, best first; ``mode`` is "hybrid" or "fts" (fallback)."""
        note: str | None = None
        try:
            from claimtrace.search.search import search as hybrid_search
        except ImportError:
            note = "semantic search is not available in this installation; full-text results only"
        else:
            try:  # a GET changes nothing: the vector indexes are built by 'claimtrace analyze'
                hits = hybrid_search(
                    cat.store, cat.db, q, limit=limit, kind=kind, sync=False, encode=encode, lookup=lookup()
                )
            except MissingExtra as exc:
                note = f"{exc}; full-text results only"
            else:
                return {"query": q, "mode": "hybrid", "note": None, "items": hits}
        return {"query": q, "mode": "fts", "note": note, "items": fts_search(cat, q, limit=limit, kind=kind)}

    @r.post("/match", dependencies=[Depends(require_json)])
    def match(body: MatchIn) -> dict[str, Any]:
        """The known claims nearest to ``text``, with narrative, fact-checks and evidence."""
        try:
            from claimtrace.search.match import match as match_claim
        except ImportError as exc:
            raise HTTPException(status_code=501, detail="claim matching is not available here") from exc
        # only loads the vector indexes: 'claimtrace analyze' builds and updates them
        items = match_claim(
            cat.store, cat.db, body.text, k=body.k, sync=False, encode=encode, lookup=lookup()
        )
        return {"text": body.text, "k": body.k, "items": items}

    return r
