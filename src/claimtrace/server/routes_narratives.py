"""Narrative endpoints: the list, one narrative in full, and the analyst's rating.

Ratings come from a fixed vocabulary (:mod:`claimtrace.ratings`: the verdicts of the usual
ClaimReview scale, or the list given to ``claimtrace serve --ratings``), matched without
regard to case or spacing. A rating is a write: it needs the ``write`` role and is recorded
in the audit log with who gave it, from where.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from claimtrace.model import Narrative
from claimtrace.ratings import fold_rating
from claimtrace.server.auth import Access, Principal
from claimtrace.server.catalog import Catalog, Snapshot, page
from claimtrace.server.routes_corpus import Limit, Offset, not_found
from claimtrace.server.security import require_json

__all__ = ["RatingIn", "narratives_router"]

STANCES = ("AMPLIFIES", "ATTRIBUTES", "CONTESTS", "DEBUNKS")


class RatingIn(BaseModel):
    """An analyst's verdict on a narrative: one of ``GET /api/ratings`` (any case)."""

    rating: str = Field(min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=4000)
    author: str | None = Field(default=None, max_length=200)


def _summary(n: Narrative, snap: Snapshot, rating: dict[str, Any] | None) -> dict[str, Any]:
    outlets = {snap.docs_by_id[d]["outlet"] for d in n.documents if d in snap.docs_by_id}
    stances = Counter(s.get("stance") for s in n.stances)
    return {
        "id": n.id,
        "label": n.label,
        "first_seen": n.first_seen,
        "last_seen": n.last_seen,
        "documents": len(n.documents),
        "claims": len(n.claims),
        "outlets": len(outlets - {None}),
        "mutations": len(n.mutations),
        "stances": {label: stances.get(label, 0) for label in STANCES},
        "rating": rating,
    }


def _meta(snap: Snapshot, doc_id: str) -> dict[str, Any]:
    meta = snap.docs_by_id.get(doc_id, {})
    return {"title": meta.get("title"), "outlet": meta.get("outlet"), "published": meta.get("published")}


def _detail(n: Narrative, snap: Snapshot, rating: dict[str, Any] | None) -> dict[str, Any]:
    """One narrative in full: built once per snapshot (see :meth:`Snapshot.memo`), ``rating`` added."""
    base = snap.memo("narrative", n.id, lambda: _full(n, snap))
    return {**base, "rating": rating}


def _full(n: Narrative, snap: Snapshot) -> dict[str, Any]:
    stance_of = {s.get("doc"): s.get("stance") for s in n.stances}
    timeline = [
        {**t, "title": _meta(snap, t.get("doc", ""))["title"], "stance": stance_of.get(t.get("doc"))}
        for t in n.timeline
    ]
    stances = [{**s, **_meta(snap, s.get("doc", ""))} for s in n.stances]
    by_outlet: dict[str, Counter[str]] = {}
    for s in stances:
        by_outlet.setdefault(s["outlet"] or "(unknown outlet)", Counter())[s.get("stance") or "?"] += 1
    stances_by_outlet = [
        {"outlet": o, "counts": {label: c.get(label, 0) for label in STANCES}, "total": sum(c.values())}
        for o, c in sorted(by_outlet.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    mutations = [{**m, **_meta(snap, m.get("doc", ""))} for m in n.mutations]
    carried = [{**c, "title": _meta(snap, c.get("doc", ""))["title"]} for c in n.carried_by]
    entities = [
        {"id": e.id, "name": e.name, "type": e.type}
        for eid in n.entities
        if (e := snap.entities_by_id.get(eid)) is not None
    ]
    return {
        **n.to_dict(),
        **{k: v for k, v in _summary(n, snap, None).items() if k in ("outlets", "rating")},
        "timeline": timeline,
        "stances": stances,
        "stances_by_outlet": stances_by_outlet,
        "mutations": mutations,
        "carried_by": carried,
        "document_list": [snap.docs_by_id[d] for d in n.documents if d in snap.docs_by_id],
        "claim_list": [snap.claims_by_id[c] for c in n.claims if c in snap.claims_by_id],
        "entity_list": entities,
    }


def narratives_router(cat: Catalog, *, access: Access, ratings: list[str]) -> APIRouter:
    """The narrative endpoints over ``cat``; ratings must be one of ``ratings``."""
    r = APIRouter(prefix="/api", tags=["narratives"])
    vocabulary = {fold_rating(x): x for x in ratings}
    sorted_for: list[tuple[Snapshot, list[dict[str, Any]]]] = []

    def summaries(snap: Snapshot) -> list[dict[str, Any]]:
        """Every narrative's summary (rating left out), in list order; made once per snapshot."""
        if not sorted_for or sorted_for[0][0] is not snap:
            items = [_summary(n, snap, None) for n in snap.narratives]
            items.sort(key=lambda x: (-x["documents"], -(x["claims"]), x["label"].casefold(), x["id"]))
            sorted_for[:] = [(snap, items)]
        return sorted_for[0][1]

    def find(narrative_id: str) -> tuple[Narrative, Snapshot]:
        """The narrative, or the one an old id was merged into (``store.resolve_narrative``)."""
        snap = cat.snapshot()
        n = snap.narratives_by_id.get(narrative_id)
        if n is None:
            cur, _path = cat.store.resolve_narrative(narrative_id)
            n = snap.narratives_by_id.get(cur) if cur else None
        if n is None:
            raise not_found("narrative", narrative_id)
        return n, snap

    @r.get("/narratives")
    def narratives(
        offset: Offset = 0,
        limit: Limit = 50,
        q: Annotated[str | None, Query(description="Label contains this (any case).")] = None,
    ) -> dict[str, Any]:
        """Narratives, those in the most documents first, with counts, stance totals and rating."""
        needle = (q or "").casefold().strip()
        items = summaries(cat.snapshot())
        if needle:
            items = [x for x in items if needle in x["label"].casefold()]
        result = page(items, offset=offset, limit=limit)
        ratings = cat.store.load_ratings()  # read live: only the page's items get them
        result["items"] = [{**x, "rating": ratings.get(x["id"])} for x in result["items"]]
        return result

    @r.get("/narratives/{narrative_id}")
    def narrative(narrative_id: str) -> dict[str, Any]:
        """One narrative: timeline, mutations, stances (and per outlet), claims, documents, rating.

        An id merged away by re-analysis answers with the narrative it went to (``resolved_from``).
        """
        n, snap = find(narrative_id)
        out = _detail(n, snap, cat.store.load_ratings().get(n.id))
        return out if n.id == narrative_id else {**out, "resolved_from": narrative_id}

    @r.get("/ratings")
    def rating_vocabulary() -> dict[str, Any]:
        """The ratings analysts may give, in order from false to true."""
        return {"ratings": list(vocabulary.values())}

    @r.post("/narratives/{narrative_id}/rating", dependencies=[Depends(require_json), Depends(access.writer)])
    def rate(narrative_id: str, body: RatingIn, request: Request) -> dict[str, Any]:
        """Record an analyst's rating of a narrative (history is kept; the latest counts; audited)."""
        rating = vocabulary.get(fold_rating(body.rating))
        if rating is None:
            raise HTTPException(
                status_code=422, detail=f"rating must be one of: {', '.join(vocabulary.values())}"
            )
        narrative_id = find(narrative_id)[0].id  # an old id rates the narrative it was merged into
        who: Principal = request.state.principal  # set by access.writer
        author = body.author if who.name == "local" else who.name
        cat.store.set_rating(narrative_id, rating, body.note, author=author)
        remote = request.client.host if request.client else None
        cat.store.add_audit(
            who.name, "narrative.rate", narrative_id, {"rating": rating, "note": body.note}, remote=remote
        )
        return {"narrative": narrative_id, "rating": cat.store.load_ratings().get(narrative_id)}

    return r
