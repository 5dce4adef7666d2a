"""Corpus endpoints: stats, documents, entities, claims, stories, reuse and the export.

Every list is paged the same way (``offset``, ``limit``; the answer carries ``total`` and
``next_offset``); an unknown id is a 404 ``{"error": ...}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query

from claimtrace.exports.contract import build_export, document_record
from claimtrace.server.catalog import Catalog, Snapshot, display_db, page

__all__ = ["Limit", "Offset", "corpus_router"]

Offset = Annotated[int, Query(ge=0, description="Skip this many items.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Return at most this many items.")]
DateParam = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY[-MM[-DD]]")]
#: FTS hits considered when ``q`` filters documents.
FTS_DEPTH = 2000


def not_found(what: str, ident: str) -> HTTPException:
    """A 404 whose body is ``{"error": "no <what> with id '<ident>'"}``."""
    return HTTPException(status_code=404, detail=f"no {what} with id {ident!r}")


def _in_dates(published: str | None, date_from: str | None, date_to: str | None) -> bool:
    if date_from is None and date_to is None:
        return True
    if not published:
        return False
    if date_from is not None and published < date_from:
        return False
    # a prefix bound ("2024-03") includes the whole month
    return date_to is None or published[: len(date_to)] <= date_to


def _stats(cat: Catalog, snap: Snapshot) -> dict[str, Any]:
    return {
        "db": display_db(cat.db),
        "documents": snap.doc_count,
        "outlets": snap.outlets,
        "date_range": {"first": snap.first_date, "last": snap.last_date},
        "counts": {
            "documents": snap.doc_count,
            "outlets": len(snap.outlets),
            "entities": len(snap.entities),
            "claims": len(snap.claims),
            "reuse": len(snap.reuse),
            "stories": len(snap.stories),
            "narratives": len(snap.narratives),
            "ratings": len(cat.store.load_ratings()),
        },
    }


def _entity_summary(snap: Snapshot, eid: str) -> dict[str, Any]:
    e = snap.entities_by_id[eid]
    return {
        "id": e.id,
        "key": e.key,
        "name": e.name,
        "type": e.type,
        "aliases": list(e.aliases),
        "mentions": len(e.mentions),
        "documents": len({m["doc"] for m in e.mentions}),
    }


def _document_detail(cat: Catalog, snap: Snapshot, doc_id: str) -> dict[str, Any]:
    doc = cat.store.get_document(doc_id)
    if doc is None:
        raise not_found("document", doc_id)
    analysis = next(iter(cat.store.load_analyses([doc_id])), None)
    mentions, quantities, sentences = [], [], 0
    if analysis is not None:
        sentences = len(analysis.sentences)
        for m in sorted(analysis.mentions, key=lambda m: (m.start, m.end)):
            mentions.append(
                {
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "type": m.type,
                    "key": m.key,
                    "name": m.name,
                    "entity": snap.entity_by_position.get((doc_id, m.start, m.end)),
                }
            )
        quantities = [q.to_dict() for q in sorted(analysis.quantities, key=lambda q: (q.start, q.end))]
    reuse = []
    for r in snap.reuse:
        for this, other in (("a", "b"), ("b", "a")):
            if r[this]["doc"] == doc_id:
                meta = snap.docs_by_id.get(r[other]["doc"], {})
                reuse.append(
                    {
                        "start": r[this]["start"],
                        "end": r[this]["end"],
                        "other": {**r[other], "title": meta.get("title"), "outlet": meta.get("outlet")},
                        "kind": r["kind"],
                        "score": r["score"],
                        "source": r["source"],
                        "group": r["group"],
                    }
                )
                break
    narratives, stances = [], []
    for nid in snap.narratives_of_doc.get(doc_id, []):
        n = snap.narratives_by_id[nid]
        narratives.append({"id": n.id, "label": n.label})
        for s in n.stances:
            if s.get("doc") == doc_id:
                stances.append({"narrative": n.id, "label": n.label, **s})
    return {
        "document": {**document_record(doc), "chars": len(doc.text)},
        "analysed": analysis is not None,
        "sentences": sentences,
        "claims": snap.claims_by_doc.get(doc_id, []),
        "mentions": mentions,
        "quantities": quantities,
        "reuse": reuse,
        "story": snap.story_of_doc.get(doc_id),
        "narratives": narratives,
        "stances": stances,
    }


def corpus_router(cat: Catalog) -> APIRouter:
    """The corpus endpoints over ``cat``."""
    r = APIRouter(prefix="/api", tags=["corpus"])

    @r.get("/stats")
    def stats() -> dict[str, Any]:
        """Documents, outlets, date range and how many of each record the database holds."""
        return _stats(cat, cat.snapshot())

    @r.get("/documents")
    def documents(
        offset: Offset = 0,
        limit: Limit = 50,
        outlet: Annotated[str | None, Query(description="Only this outlet (exact name).")] = None,
        q: Annotated[str | None, Query(description="Full-text query (FTS5); results by relevance.")] = None,
        date_from: Annotated[DateParam, Query(alias="from")] = None,
        date_to: Annotated[DateParam, Query(alias="to")] = None,
    ) -> dict[str, Any]:
        """Documents, newest first (by relevance with ``q``), without their text."""
        snap = cat.snapshot()
        if q and q.strip():
            hits = cat.store.search_text(q, limit=FTS_DEPTH)
            items = []
            for h in hits:
                meta = snap.docs_by_id.get(h["doc_id"])
                if meta is not None:
                    items.append({**meta, "snippet": h.get("snippet"), "score": h.get("score")})
        else:
            items = list(snap.docs)
        items = [
            m
            for m in items
            if (outlet is None or m["outlet"] == outlet) and _in_dates(m["published"], date_from, date_to)
        ]
        return page(items, offset=offset, limit=limit)

    @r.get("/documents/{doc_id}")
    def document(doc_id: str) -> dict[str, Any]:
        """One document with its text, claims, entity mentions, quantities, reuse, stories and stances."""
        return _document_detail(cat, cat.snapshot(), doc_id)

    @r.get("/entities")
    def entities(
        offset: Offset = 0,
        limit: Limit = 50,
        entity_type: Annotated[
            Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "OTHER"] | None,
            Query(alias="type", description="Entity type."),
        ] = None,
        q: Annotated[str | None, Query(description="Name or alias contains this (any case).")] = None,
    ) -> dict[str, Any]:
        """Entities, most mentioned first."""
        snap = cat.snapshot()
        needle = (q or "").casefold().strip()
        items = [
            _entity_summary(snap, e.id)
            for e in snap.entities
            if (entity_type is None or e.type == entity_type)
            and (not needle or any(needle in n.casefold() for n in [e.name, *e.aliases]))
        ]
        items.sort(key=lambda x: (-x["mentions"], x["name"].casefold(), x["id"]))
        return page(items, offset=offset, limit=limit)

    @r.get("/entities/{entity_id}")
    def entity(entity_id: str) -> dict[str, Any]:
        """One entity: its mentions (with document metadata), the claims it made, its narratives."""
        snap = cat.snapshot()
        if entity_id not in snap.entities_by_id:
            raise not_found("entity", entity_id)
        e = snap.entities_by_id[entity_id]
        mentions = []
        for m in sorted(e.mentions, key=lambda m: (m["doc"], m["start"])):
            meta = snap.docs_by_id.get(m["doc"], {})
            mentions.append(
                {
                    "doc": m["doc"],
                    "start": m["start"],
                    "end": m["end"],
                    "text": m.get("text", ""),
                    "title": meta.get("title"),
                    "outlet": meta.get("outlet"),
                    "published": meta.get("published"),
                }
            )
        said = [c for c in snap.claims if c["speaker"]["entity"] == entity_id]
        narratives = [{"id": n.id, "label": n.label} for n in snap.narratives if entity_id in n.entities]
        return {
            **_entity_summary(snap, entity_id),
            "mention_list": mentions,
            "claims": said,
            "narratives": narratives,
        }

    @r.get("/claims")
    def claims(
        offset: Offset = 0,
        limit: Limit = 50,
        doc: Annotated[str | None, Query(description="Only claims of this document.")] = None,
        speaker: Annotated[str | None, Query(description="Only claims by this entity id.")] = None,
        kind: Annotated[Literal["direct", "indirect", "according_to", "unattributed"] | None, Query()] = None,
        narrative: Annotated[str | None, Query(description="Only claims of this narrative id.")] = None,
    ) -> dict[str, Any]:
        """Claims (CONTRACT shape plus narrative, title, outlet, published), by document then offset."""
        snap = cat.snapshot()
        pool = snap.claims_by_doc.get(doc, []) if doc is not None else snap.claims
        if narrative is not None:
            n = snap.narratives_by_id.get(narrative)
            if n is None:
                raise not_found("narrative", narrative)
            wanted = set(n.claims)
            pool = [c for c in pool if c["id"] in wanted]
        items = [
            c
            for c in pool
            if (speaker is None or c["speaker"]["entity"] == speaker) and (kind is None or c["kind"] == kind)
        ]
        return page(items, offset=offset, limit=limit)

    @r.get("/stories")
    def stories(offset: Offset = 0, limit: Limit = 50) -> dict[str, Any]:
        """Stories (documents about the same event), largest first, with their documents' metadata."""
        snap = cat.snapshot()
        ordered = sorted(snap.stories, key=lambda s: (-len(s.documents), s.first_seen or "", s.id))
        items = [
            {
                **s.to_dict(),
                "size": len(s.documents),
                "outlets": sorted(
                    {o for d in s.documents if (o := snap.docs_by_id.get(d, {}).get("outlet"))}
                ),
            }
            for s in ordered
        ]
        return page(items, offset=offset, limit=limit)

    @r.get("/stories/{story_id}")
    def story(story_id: str) -> dict[str, Any]:
        """One story with its documents' metadata."""
        snap = cat.snapshot()
        s = next((s for s in snap.stories if s.id == story_id), None)
        if s is None:
            raise not_found("story", story_id)
        docs = [snap.docs_by_id[d] for d in s.documents if d in snap.docs_by_id]
        return {**s.to_dict(), "document_list": docs}

    @r.get("/reuse")
    def reuse(
        offset: Offset = 0,
        limit: Limit = 50,
        doc: Annotated[str | None, Query(description="Only passages of this document.")] = None,
        kind: Annotated[Literal["exact", "verbatim", "near", "paraphrase"] | None, Query()] = None,
    ) -> dict[str, Any]:
        """Reused passages (CONTRACT shape) with the titles and outlets of both documents."""
        snap = cat.snapshot()
        items = []
        for x in snap.reuse:
            if doc is not None and doc not in (x["a"]["doc"], x["b"]["doc"]):
                continue
            if kind is not None and x["kind"] != kind:
                continue
            a, b = snap.docs_by_id.get(x["a"]["doc"], {}), snap.docs_by_id.get(x["b"]["doc"], {})
            items.append(
                {
                    **x,
                    "a": {**x["a"], "title": a.get("title"), "outlet": a.get("outlet")},
                    "b": {**x["b"], "title": b.get("title"), "outlet": b.get("outlet")},
                }
            )
        return page(items, offset=offset, limit=limit)

    @r.get("/export.json")
    def export() -> dict[str, Any]:
        """The whole database as the JSON export of CONTRACT.md."""
        return build_export(cat.store)

    return r
