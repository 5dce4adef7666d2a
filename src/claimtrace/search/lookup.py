"""What search and match show about a hit, read from the store once and kept: :class:`Lookup`.

A hit is an id in a vector index or an FTS5 row; showing it takes the claim's text, sentence,
speaker and document metadata (from the stored document and its analysis), its narrative and,
for fact-checks, the imported record. Reading those per request cost far more than the
search itself (every narrative of the corpus was loaded to label ten claims), so a
:class:`Lookup` reads a document's head and claims the first time one of them is needed and
keeps them, loads the narrative labels and the fact-check archive once, and serves many
queries. Without one, :func:`~claimtrace.search.search.search` and
:class:`~claimtrace.search.match.Matcher` make a fresh lookup per call (the store is read each
time, as a one-off command wants). The server keeps one per snapshot of its read model and
passes the snapshot's narrative labels (:mod:`claimtrace.server.routes_search`).

A lookup never sees later changes to the store: make a new one to see them. Safe to share
between threads (a document may be read twice by two threads at once; both get the same).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from claimtrace.model import Claim, Document, Narrative
from claimtrace.search.sync import claim_doc_id, claim_text, reference_id
from claimtrace.store.base import Store

__all__ = ["ClaimEntry", "DocHead", "Lookup", "narrative_index", "terms"]

#: Documents a lookup keeps; when more are read it forgets them all and starts again.
MAX_DOCS = 20_000
#: Characters of a document's text kept (what search shows for a document without a title).
HEAD_CHARS = 200

_WORD = re.compile(r"\w+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "said",
        "says",
        "that",
        "the",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)


def terms(text: str) -> frozenset[str]:
    """The lower-cased words of ``text`` without the commonest function words."""
    return frozenset(w for w in (m.lower() for m in _WORD.findall(text)) if w not in _STOP)


def narrative_index(narratives: Iterable[Narrative]) -> dict[str, dict[str, str]]:
    """Claim id -> ``{"id", "label"}`` of the narrative that holds it (the first one listed)."""
    out: dict[str, dict[str, str]] = {}
    for n in narratives:
        for cid in n.claims:
            out.setdefault(cid, {"id": n.id, "label": n.label})
    return out


@dataclass(frozen=True)
class DocHead:
    """A stored document as hits show it: metadata and the first :data:`HEAD_CHARS` of its text."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    head: str


@dataclass(frozen=True)
class ClaimEntry:
    """One stored claim: its id, sentence start, record (as search and match show it) and words."""

    id: str
    start: int
    record: dict[str, Any]
    terms: frozenset[str]


def claim_record(cid: str, c: Claim, doc: Document) -> dict[str, Any]:
    """A stored claim as search and match show it, with its document's metadata."""
    return {
        "id": cid,
        "doc": doc.id,
        "text": claim_text(doc.text, c),
        "sentence": doc.text[c.start : c.end].strip(),
        "start": c.content_start,
        "end": c.content_end,
        "kind": c.kind,
        "speaker": c.speaker_text,
        "speaker_key": c.speaker_key,
        "title": doc.title,
        "outlet": doc.outlet,
        "published": doc.published,
    }


def _head(doc: Document) -> DocHead:
    return DocHead(doc.id, doc.title, doc.outlet, doc.published, doc.text[:HEAD_CHARS])


class Lookup:
    """Claims, document heads, narrative labels and fact-checks of one store, read on first use.

    ``narratives``: claim id -> ``{"id", "label"}`` when the caller has it already (else the
    store's narratives are loaded on first use); ``max_docs`` bounds what is kept.
    """

    def __init__(
        self,
        store: Store,
        *,
        narratives: Mapping[str, dict[str, str]] | None = None,
        max_docs: int = MAX_DOCS,
    ) -> None:
        self.store = store
        self.max_docs = max_docs
        self._narratives = narratives
        self._heads: dict[str, DocHead | None] = {}
        self._claims: dict[str, tuple[ClaimEntry, ...]] = {}
        self._refs: dict[str, dict[str, Any]] | None = None

    def _make_room(self, extra: int) -> None:
        """Forget everything kept when ``extra`` more documents would pass the bound."""
        if len(self._heads) + len(self._claims) + extra > 2 * self.max_docs:
            self._heads.clear()
            self._claims.clear()

    def heads(self, doc_ids: Iterable[str]) -> dict[str, DocHead]:
        """The stored documents among ``doc_ids`` (unknown ids are left out)."""
        wanted = list(dict.fromkeys(doc_ids))
        got = {d: self._heads[d] for d in wanted if d in self._heads}
        missing = [d for d in wanted if d not in got]
        if missing:
            self._make_room(len(missing))
            found = {d.id: _head(d) for d in self.store.iter_documents(missing)}
            for d in missing:
                got[d] = self._heads[d] = found.get(d)
        return {d: h for d in wanted if (h := got[d]) is not None}

    def claims_of(self, doc_ids: Iterable[str]) -> dict[str, tuple[ClaimEntry, ...]]:
        """The claims of each analysed document among ``doc_ids``, in the analysis's order."""
        wanted = list(dict.fromkeys(doc_ids))
        got = {d: self._claims[d] for d in wanted if d in self._claims}
        missing = [d for d in wanted if d not in got]
        if missing:
            self._make_room(len(missing))
            docs = {d.id: d for d in self.store.iter_documents(missing)}
            loaded: dict[str, tuple[ClaimEntry, ...]] = dict.fromkeys(missing, ())  # unknown: no claims
            for an in self.store.load_analyses(missing):
                doc = docs.get(an.doc_id)
                if doc is None:
                    continue
                entries = []
                for c in an.claims:
                    cid = c.id or f"{an.doc_id}:{c.start}-{c.end}"
                    rec = claim_record(cid, c, doc)
                    entries.append(ClaimEntry(cid, c.start, rec, terms(rec["text"])))
                loaded[an.doc_id] = tuple(entries)
            for d in missing:
                self._heads[d] = _head(docs[d]) if d in docs else None
                got[d] = self._claims[d] = loaded[d]
        return {d: got[d] for d in wanted if got[d]}

    def claim_records(self, claim_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored claims among ``claim_ids``, by id (see :func:`claim_record`)."""
        wanted = set(claim_ids)
        by_doc = self.claims_of(dict.fromkeys(claim_doc_id(cid) for cid in wanted))
        return {e.id: dict(e.record) for entries in by_doc.values() for e in entries if e.id in wanted}

    def narrative_of(self, claim_id: str) -> dict[str, str] | None:
        """``{"id", "label"}`` of the narrative that holds ``claim_id``, or None."""
        if self._narratives is None:
            self._narratives = narrative_index(self.store.load_narratives())
        return self._narratives.get(claim_id)

    def reference(self, rid: str) -> dict[str, Any] | None:
        """The imported fact-check ``rid`` as stored, or None."""
        if self._refs is None:
            self._refs = {reference_id(r): r for r in self.store.load_reference_claims()}
        return self._refs.get(rid)
