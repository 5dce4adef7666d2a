"""The JSON export of CONTRACT.md: the single outside interface of a claimtrace database.

:func:`iter_records` yields ``(section, record)`` pairs in a fixed, deterministic order;
:func:`build_export` collects them into the contract dict (reports and graph exports
start from it) and :func:`write_json` streams them to a file without holding the corpus
in memory; :func:`write_jsonl` writes the same records one per line. Sections a stage has
not computed yet are empty lists.

JSON lines: the first line is ``{"type": "export", "format": ..., "version": ...}``; every
other line is one record with ``"type"`` naming its section in the singular (``document``,
``entity``, ``claim``, ``quantity``, ``reuse``, ``story``, ``narrative``). An entity's own
type (PERSON, ORG ...) moves to ``"entity_type"``.

Beside the contract's fields the export adds: ``documents[].subtitle``, ``entities[].key``,
``claims[].speaker.key``, ``claims[].via`` (a reporting agency in a chain), ``reuse[].group``,
``claims[].form`` (the claim's normal form, ``crossdoc.claim_form``: actor, predicate, object,
target, place, quantity, time, negation, denial, modality and a one-sentence ``statement``),
``narratives[].carried_by`` (who repeats it),
``narratives[].rating`` (the latest analyst rating, or null) and a top-level ``quantities``
list (every quantity found in a document, with its ``doc`` and span, and the ``claim`` that
carries it, if any).

Boilerplate (:mod:`claimtrace.crossdoc.boilerplate`): ``documents[].boilerplate`` lists the spans
set aside as site furniture (CONTRACT.md), ``claims[].boilerplate`` is true for a claim lying in
them (such claims never join narratives), and a top-level ``boilerplate_summary`` (the last
member of the JSON; the last line of JSON lines, ``"type": "boilerplate_summary"``) counts the
documents, passages and characters set aside, overall and per outlet.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import Any

from claimtrace.crossdoc.boilerplate import LAYER, inside_boilerplate
from claimtrace.crossdoc.claim_form import claim_form
from claimtrace.crossdoc.slots import named_speaker
from claimtrace.model import Claim, DocAnalysis, Document, Entity, Quantity, ReuseLink, Span
from claimtrace.store.base import Store
from claimtrace.store.rows import claim_id

FORMAT = "claimtrace-export"
VERSION = 1
#: Sections in the order they are written.
SECTIONS = ("documents", "entities", "claims", "quantities", "reuse", "stories", "narratives")
#: The ``type`` of a record of each section in the JSON lines export.
SINGULAR = {
    "documents": "document",
    "entities": "entity",
    "claims": "claim",
    "quantities": "quantity",
    "reuse": "reuse",
    "stories": "story",
    "narratives": "narrative",
}


def document_record(doc: Document) -> dict[str, Any]:
    """A document as the contract shapes it."""
    return {
        "id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "published": doc.published,
        "author": doc.author,
        "outlet": doc.outlet,
        "credits": list(doc.credits),
        "language": doc.language,
        "text": doc.text,
        "boilerplate": [[s.start, s.end] for s in doc.layers.get(LAYER) or []],
    }


class BoilerplateSummary:
    """Counts of what was set aside as boilerplate, filled while documents are exported."""

    def __init__(self) -> None:
        self.total = {"documents": 0, "with_boilerplate": 0, "passages": 0, "chars": 0, "text_chars": 0}
        self.outlets: dict[str, dict[str, int]] = {}

    def add(self, doc: Document) -> None:
        """Count one exported document."""
        spans = doc.layers.get(LAYER) or []
        row = self.outlets.setdefault(doc.outlet or "", dict.fromkeys(self.total, 0))
        for counts in (self.total, row):
            counts["documents"] += 1
            counts["with_boilerplate"] += bool(spans)
            counts["passages"] += len(spans)
            counts["chars"] += sum(s.end - s.start for s in spans)
            counts["text_chars"] += len(doc.text)

    def to_dict(self) -> dict[str, Any]:
        """The summary record: totals, ``share`` of characters set aside, per outlet with any."""

        def share(c: dict[str, int]) -> float:
            return round(c["chars"] / c["text_chars"], 4) if c["text_chars"] else 0.0

        outlets = [
            {"outlet": name or None, **c, "share": share(c)}
            for name, c in sorted(self.outlets.items(), key=lambda kv: (-kv[1]["chars"], kv[0]))
            if c["passages"]
        ]
        return {**self.total, "share": share(self.total), "outlets": outlets}


def entity_record(entity: Entity) -> dict[str, Any]:
    """An entity as the contract shapes it (mentions ordered by document and offset)."""
    mentions = sorted(
        (
            {"doc": m["doc"], "start": m["start"], "end": m["end"], "text": m.get("text", "")}
            for m in entity.mentions
        ),
        key=lambda m: (m["doc"], m["start"], m["end"]),
    )
    return {
        "id": entity.id,
        "key": entity.key,
        "name": entity.name,
        "type": entity.type,
        "aliases": list(entity.aliases),
        "mentions": mentions,
    }


def _quantity_record(q: Quantity) -> dict[str, Any]:
    return {
        "text": q.text,
        "value": float(q.value),
        "low": q.low,
        "high": q.high,
        "approx": bool(q.approx),
        "about": q.about,
        "start": q.start,
        "end": q.end,
    }


def _span(start: int | None, end: int | None) -> list[int] | None:
    return [start, end] if start is not None and end is not None else None


class SpeakerResolver:
    """Maps a claim's ``speaker_key`` to an entity id.

    The entity whose mentions include the speaker key's mention in the same document wins
    (this follows analyst merges and splits); otherwise the entity with that key.
    """

    def __init__(self, entities: list[Entity]) -> None:
        self.by_key = {e.key: e.id for e in entities}
        self.by_position = {(m["doc"], m["start"], m["end"]): e.id for e in entities for m in e.mentions}

    def entity_of(self, analysis: DocAnalysis, key: str | None) -> str | None:
        """The entity id for ``key`` within ``analysis``'s document, or None."""
        if key is None:
            return None
        for m in analysis.mentions:
            if m.key == key:
                eid = self.by_position.get((analysis.doc_id, m.start, m.end))
                if eid is not None:
                    return eid
        return self.by_key.get(key)


def claim_record(
    claim: Claim, analysis: DocAnalysis, text: str, speakers: SpeakerResolver, *, boilerplate: bool = False
) -> dict[str, Any]:
    """A stored claim as the contract shapes it (``boilerplate``: it lies in set-aside furniture)."""
    return {
        "id": claim_id(analysis.doc_id, claim),
        "doc": analysis.doc_id,
        "start": claim.start,
        "end": claim.end,
        "content": text[claim.content_start : claim.content_end],
        "content_span": [claim.content_start, claim.content_end],
        "kind": claim.kind,
        "speaker": {
            "text": claim.speaker_text,
            "span": _span(claim.speaker_start, claim.speaker_end),
            "entity": speakers.entity_of(analysis, claim.speaker_key),
            "key": claim.speaker_key,
        },
        "cue": claim.cue,
        "cue_span": _span(claim.cue_start, claim.cue_end),
        "hedges": list(claim.hedges),
        "via": claim.via,
        "quantities": [_quantity_record(q) for q in claim.quantities],
        "form": form_record(claim, analysis, text, speakers),
        "boilerplate": boilerplate,
    }


def form_record(claim: Claim, analysis: DocAnalysis, text: str, speakers: SpeakerResolver) -> dict[str, Any]:
    """The ``form`` object of an exported claim (:meth:`~claimtrace.crossdoc.claim_form.ClaimForm.record`)."""
    key = claim.speaker_key
    name = next((m.name for m in analysis.mentions if key and m.key == key), None)
    form = claim_form(
        claim,
        text=text,
        mentions=analysis.mentions,
        quantities=analysis.quantities,
        speaker_name=name or (claim.speaker_text if named_speaker(claim.speaker_text) else None),
    )
    actor = form.actor_key
    ids = {actor: eid} if actor and (eid := speakers.entity_of(analysis, actor)) else {}
    return form.record(entity_of=ids)


def reuse_record(link: ReuseLink) -> dict[str, Any]:
    """A reuse link as the contract shapes it."""
    return {
        "a": {"doc": link.a_doc, "start": link.a_start, "end": link.a_end},
        "b": {"doc": link.b_doc, "start": link.b_start, "end": link.b_end},
        "kind": link.kind,
        "score": float(link.score),
        "source": link.source,
        "group": link.group,
    }


def _with_boilerplate(doc: Document, spans: dict[str, list[tuple[int, int, str]]]) -> Document:
    """``doc`` with its stored boilerplate spans as its ``boilerplate`` layer."""
    doc.layers[LAYER] = [Span(s, e, LAYER, {"reason": why}) for s, e, why in spans.get(doc.id, [])]
    return doc


def _analysis_records(
    store: Store, entities: list[Entity], boilerplate: dict[str, list[tuple[int, int, str]]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Claims and document-level quantities from every stored analysis."""
    speakers = SpeakerResolver(entities)
    claims: list[dict[str, Any]] = []
    quantities: list[dict[str, Any]] = []
    for analysis in store.load_analyses():
        doc = store.get_document(analysis.doc_id)
        if doc is None:
            continue
        doc = _with_boilerplate(doc, boilerplate)
        ordered = sorted(analysis.claims, key=lambda c: (c.start, c.end, c.content_start, c.content_end))
        claims.extend(
            claim_record(
                c,
                analysis,
                doc.text,
                speakers,
                boilerplate=inside_boilerplate(doc, c.content_start, c.content_end),
            )
            for c in ordered
        )
        owner = {
            (q.start, q.end): claim_id(analysis.doc_id, c) for c in analysis.claims for q in c.quantities
        }
        for q in sorted(analysis.quantities, key=lambda q: (q.start, q.end)):
            quantities.append(
                {"doc": analysis.doc_id, **_quantity_record(q), "claim": owner.get((q.start, q.end))}
            )
    return claims, quantities


def iter_records(
    store: Store, *, summary: BoilerplateSummary | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every export record as ``(section, record)``, sections in :data:`SECTIONS` order
    (``summary``, if given, counts the boilerplate of the documents as they go)."""
    boilerplate = store.load_boilerplate()
    for doc in store.iter_documents(order="source"):
        doc = _with_boilerplate(doc, boilerplate)
        if summary is not None:
            summary.add(doc)
        yield "documents", document_record(doc)
    entities = store.load_entities()
    yield from (("entities", entity_record(e)) for e in entities)
    claims, quantities = _analysis_records(store, entities, boilerplate)
    yield from (("claims", c) for c in claims)
    yield from (("quantities", q) for q in quantities)
    links = sorted(
        (reuse_record(x) for x in store.load_reuse()),
        key=lambda r: (
            r["a"]["doc"],
            r["a"]["start"],
            r["a"]["end"],
            r["b"]["doc"],
            r["b"]["start"],
            r["b"]["end"],
            r["kind"],
        ),
    )
    yield from (("reuse", r) for r in links)
    for story in store.load_stories():
        yield "stories", story.to_dict()
    ratings = store.load_ratings()
    for narrative in store.load_narratives():
        yield "narratives", {**narrative.to_dict(), "rating": ratings.get(narrative.id)}


def build_export(store: Store) -> dict[str, Any]:
    """The whole export as one dict (CONTRACT.md)."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, **{s: [] for s in SECTIONS}}
    summary = BoilerplateSummary()
    for section, record in iter_records(store, summary=summary):
        data[section].append(record)
    data["boilerplate_summary"] = summary.to_dict()
    return data


def open_output(out: str) -> Any:
    """A text stream for ``out`` ("-" is stdout); the file appears once complete (:func:`commit_output`)."""
    if out == "-":
        return sys.stdout
    parent = os.path.dirname(os.path.abspath(out))
    os.makedirs(parent, exist_ok=True)
    return open(out + ".part", "w", encoding="utf-8")


def commit_output(stream: Any, out: str) -> None:
    """Finish a stream from :func:`open_output`: flush stdout, or close and move the file into place."""
    if out == "-":
        stream.flush()
        return
    stream.close()
    os.replace(out + ".part", out)


def _discard(stream: Any, out: str) -> None:
    if out != "-":
        stream.close()
        os.unlink(out + ".part")


def write_json(store: Store, out: str) -> None:
    """Write the export to ``out`` ("-" for stdout), streaming record by record."""
    stream = open_output(out)
    try:
        stream.write(f'{{"format": {json.dumps(FORMAT)}, "version": {VERSION}')
        summary = BoilerplateSummary()
        records = iter_records(store, summary=summary)
        pending = next(records, None)
        for section in SECTIONS:  # iter_records yields sections in this order
            stream.write(f',\n"{section}": [')
            first = True
            while pending is not None and pending[0] == section:
                stream.write("\n" if first else ",\n")
                stream.write(json.dumps(pending[1], ensure_ascii=False))
                first = False
                pending = next(records, None)
            stream.write("]" if first else "\n]")
        stream.write(f',\n"boilerplate_summary": {json.dumps(summary.to_dict(), ensure_ascii=False)}}}\n')
    except BaseException:
        _discard(stream, out)
        raise
    commit_output(stream, out)


def write_jsonl(store: Store, out: str) -> None:
    """Write the export as JSON lines to ``out`` ("-" for stdout): one record per line with a ``type``."""
    stream = open_output(out)
    try:
        stream.write(json.dumps({"type": "export", "format": FORMAT, "version": VERSION}) + "\n")
        summary = BoilerplateSummary()
        for section, record in iter_records(store, summary=summary):
            if section == "entities":
                record = {k if k != "type" else "entity_type": v for k, v in record.items()}
            stream.write(json.dumps({"type": SINGULAR[section], **record}, ensure_ascii=False) + "\n")
        tail = {"type": "boilerplate_summary", **summary.to_dict()}
        stream.write(json.dumps(tail, ensure_ascii=False) + "\n")
    except BaseException:
        _discard(stream, out)
        raise
    commit_output(stream, out)
