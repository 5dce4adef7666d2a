"""The read model behind the HTTP API: derived views of a store, cached between requests.

The :class:`Store` protocol streams whole tables; the API needs filters, counts and joins
(claims with their narrative, documents with their outlet). :class:`Catalog` builds one
:class:`Snapshot` of those views from the store and reuses it until it is ``cache_s``
seconds old (or the number of stored documents changed), so a busy dashboard does not
re-read the corpus on every request. Analyst ratings are always read live.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from claimtrace.exports.contract import SpeakerResolver, claim_record, reuse_record
from claimtrace.model import Document, Entity, Narrative, Story
from claimtrace.store.base import Store

__all__ = ["Catalog", "Snapshot", "display_db", "doc_meta", "page"]

#: Seconds a snapshot is reused before the store is read again.
CACHE_S = 30.0
#: Derived views a snapshot keeps (:meth:`Snapshot.memo`).
MEMO_MAX = 512


def display_db(db: str) -> str:
    """The database as shown to clients: a SQLite file's name, or a URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    from claimtrace.store import sqlite_path

    path = sqlite_path(db)
    if path is not None:
        return os.path.basename(path) or path
    parts = urlsplit(db)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, "", ""))


def doc_meta(doc: Document) -> dict[str, Any]:
    """A document's metadata without its text (what lists show)."""
    return {
        "id": doc.id,
        "title": doc.title,
        "outlet": doc.outlet,
        "published": doc.published,
        "author": doc.author,
        "source": doc.source,
        "language": doc.language,
        "chars": len(doc.text),
    }


def page(items: list[Any], *, offset: int, limit: int, **extra: Any) -> dict[str, Any]:
    """The Datasette-like page envelope: ``total``, ``offset``, ``limit``, ``next_offset``, ``items``."""
    chunk = items[offset : offset + limit]
    nxt = offset + limit if offset + limit < len(items) else None
    return {
        **extra,
        "total": len(items),
        "offset": offset,
        "limit": limit,
        "next_offset": nxt,
        "items": chunk,
    }


@dataclass
class Snapshot:
    """Everything the list endpoints filter over, built in one pass over the store."""

    docs: list[dict[str, Any]] = field(default_factory=list)  # doc_meta + "claims" count, newest first
    docs_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)  # contract records + narrative/outlet/date
    claims_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims_by_doc: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    entities_by_id: dict[str, Entity] = field(default_factory=dict)
    entity_by_position: dict[tuple[str, int, int], str] = field(default_factory=dict)
    narratives: list[Narrative] = field(default_factory=list)
    narratives_by_id: dict[str, Narrative] = field(default_factory=dict)
    narrative_of_claim: dict[str, dict[str, str]] = field(default_factory=dict)
    narratives_of_doc: dict[str, list[str]] = field(default_factory=dict)
    stories: list[Story] = field(default_factory=list)
    story_of_doc: dict[str, str] = field(default_factory=dict)
    reuse: list[dict[str, Any]] = field(default_factory=list)
    outlets: list[dict[str, Any]] = field(default_factory=list)  # {"name", "documents"}, most first
    first_date: str | None = None
    last_date: str | None = None
    doc_count: int = 0
    built_at: float = 0.0
    build_s: float = 0.0  # how long building it took
    views: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def memo(self, kind: str, key: str, make: Callable[[], Any]) -> Any:
        """``make()``, kept for this snapshot under ``(kind, key)`` (at most :data:`MEMO_MAX` views).

        For views derived from the snapshot alone (a narrative in full): requests share them,
        so callers copy before changing one.
        """
        view = self.views.get((kind, key))
        if view is None:
            if len(self.views) >= MEMO_MAX:
                self.views.clear()
            view = self.views[(kind, key)] = make()
        return view


def build_snapshot(store: Store) -> Snapshot:
    """Read the store once and build every derived view."""
    snap = Snapshot(built_at=time.monotonic())
    texts: dict[str, str] = {}
    for doc in store.iter_documents():
        meta = doc_meta(doc)
        meta["claims"] = 0
        snap.docs.append(meta)
        snap.docs_by_id[doc.id] = meta
        texts[doc.id] = doc.text
    snap.doc_count = len(snap.docs)
    snap.docs.sort(key=lambda m: m["id"])
    snap.docs.sort(key=lambda m: m["published"] or "", reverse=True)  # newest first, undated last
    outlets = Counter(m["outlet"] for m in snap.docs if m["outlet"])
    snap.outlets = [
        {"name": n, "documents": c} for n, c in sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    dates = sorted(m["published"] for m in snap.docs if m["published"])
    snap.first_date, snap.last_date = (dates[0], dates[-1]) if dates else (None, None)

    snap.narratives = store.load_narratives()
    snap.narratives_by_id = {n.id: n for n in snap.narratives}
    of_doc: dict[str, list[str]] = defaultdict(list)
    for n in snap.narratives:
        for cid in n.claims:
            snap.narrative_of_claim.setdefault(cid, {"id": n.id, "label": n.label})
        for d in dict.fromkeys(n.documents):
            of_doc[d].append(n.id)
    snap.narratives_of_doc = dict(of_doc)

    snap.entities = store.load_entities()
    snap.entities_by_id = {e.id: e for e in snap.entities}
    speakers = SpeakerResolver(snap.entities)
    snap.entity_by_position = speakers.by_position

    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for analysis in store.load_analyses():
        text = texts.get(analysis.doc_id)
        if text is None:
            continue
        meta = snap.docs_by_id[analysis.doc_id]
        ordered = sorted(analysis.claims, key=lambda c: (c.start, c.end, c.content_start, c.content_end))
        for claim in ordered:
            rec = claim_record(claim, analysis, text, speakers)
            rec["narrative"] = snap.narrative_of_claim.get(rec["id"])
            rec.update(title=meta["title"], outlet=meta["outlet"], published=meta["published"])
            snap.claims.append(rec)
            by_doc[analysis.doc_id].append(rec)
        meta["claims"] = len(ordered)
    snap.claims_by_doc = dict(by_doc)
    snap.claims_by_id = {c["id"]: c for c in snap.claims}

    snap.stories = store.load_stories()
    snap.story_of_doc = {d: s.id for s in snap.stories for d in s.documents}
    snap.reuse = sorted(
        (reuse_record(x) for x in store.load_reuse()),
        key=lambda r: (r["a"]["doc"], r["a"]["start"], r["b"]["doc"], r["b"]["start"], r["kind"]),
    )
    snap.build_s = time.monotonic() - snap.built_at
    return snap


class Catalog:
    """A store plus a cached :class:`Snapshot` of it (rebuilt when stale)."""

    def __init__(self, store: Store, db: str, *, cache_s: float = CACHE_S) -> None:
        self.store = store
        self.db = db
        self.cache_s = cache_s
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The current snapshot, rebuilt if old (:meth:`_old`) or the document count changed.

        A snapshot that is only old is rebuilt in a background thread while requests keep
        reading it (an ``analyze`` beside the server then never stalls them); a changed
        document count, a first request and ``cache_s == 0`` rebuild before answering.
        """
        snap = self._snap
        if snap is not None and self.cache_s > 0 and self.store.count_documents() == snap.doc_count:
            if self._old(snap):
                self._refresh_in_background()
            return snap
        with self._lock:
            snap = self._snap
            stale = (
                snap is None
                or time.monotonic() - snap.built_at >= self.cache_s
                or self.store.count_documents() != snap.doc_count
            )
            if stale:
                snap = self._snap = build_snapshot(self.store)
            assert snap is not None
            return snap

    def current(self) -> Snapshot | None:
        """The snapshot when one is ready and still counts the stored documents, without waiting.

        Otherwise None, and a rebuild starts in the background (as an old snapshot's does):
        for requests that can answer from the store alone, such as search and match, which
        must not wait for the first snapshot of a large corpus.
        """
        snap = self._snap
        if snap is not None and self.cache_s > 0 and self.store.count_documents() == snap.doc_count:
            if self._old(snap):
                self._refresh_in_background()
            return snap
        if self.cache_s > 0:
            self._refresh_in_background()
        return None

    def _old(self, snap: Snapshot) -> bool:
        """Whether ``snap`` is due for a background rebuild: ``cache_s`` old, plus twice its build time.

        A snapshot that takes long to build (a large corpus) is rebuilt less often, so requests
        share the process with a rebuild at most about a third of the time.
        """
        return time.monotonic() - snap.built_at >= self.cache_s + 2 * snap.build_s

    def _refresh_in_background(self) -> None:
        """Rebuild the snapshot in a daemon thread, unless one is at it already."""
        if not self._refreshing.acquire(blocking=False):
            return

        def work() -> None:
            try:
                snap = build_snapshot(self.store)
                with self._lock:
                    self._snap = snap
            except Exception:  # the next request that needs a rebuild meets the error itself
                with self._lock:
                    if self._snap is not None:
                        self._snap.built_at = time.monotonic()
            finally:
                self._refreshing.release()

        threading.Thread(target=work, name="claimtrace-snapshot", daemon=True).start()
