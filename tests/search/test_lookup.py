"""A shared :class:`Lookup` reads the store once and changes nothing in what search and match return."""

from __future__ import annotations

from collections import Counter
from typing import Any

from claimtrace.search import match, search
from claimtrace.search.lookup import Lookup, terms
from claimtrace.store import open_store

READS = ("iter_documents", "load_analyses", "load_narratives", "load_reference_claims")
QUERIES = ["harbour fees Velmora", "is the crossing strong enough for lorries", "apple harvest", "children"]


class CountingStore:
    """A store that counts the bulk reads a lookup makes."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name in READS:
            self.calls[name] += 1
        return attr


def _run(store: Any, db: str, lookup: Lookup | None) -> list[Any]:
    out: list[Any] = []
    for q in QUERIES:
        for kind in ("all", "claims", "documents"):
            out.append(search(store, db, q, limit=10, kind=kind, sync=False, lookup=lookup))
        out.append(match(store, db, q, k=3, sync=False, lookup=lookup))
    return out


def test_shared_lookup_returns_what_a_fresh_one_does(corpus: dict[str, Any]) -> None:
    db = corpus["db"]
    with open_store(db) as store:
        match(store, db, QUERIES[0], k=1)  # builds the indexes
        fresh = _run(store, db, None)
        shared = Lookup(store)
        assert _run(store, db, shared) == fresh
        assert _run(store, db, shared) == fresh  # second round: all from the lookup
        assert any(h["narrative"] for hits in fresh[:3] for h in hits if h["kind"] == "claim")


def test_lookup_reads_each_document_once(corpus: dict[str, Any]) -> None:
    db = corpus["db"]
    with open_store(db) as raw:
        match(raw, db, QUERIES[0], k=1)
        store = CountingStore(raw)
        lookup = Lookup(store)  # type: ignore[arg-type]
        _run(store, db, lookup)
        first = dict(store.calls)
        assert first["load_narratives"] == 1 and first["load_reference_claims"] == 1
        store.calls.clear()
        _run(store, db, lookup)
        assert not any(store.calls[n] for n in READS)
        # without a lookup every call reads again
        _run(store, db, None)
        assert store.calls["load_narratives"] > 1


def test_given_narrative_labels_are_used(corpus: dict[str, Any]) -> None:
    db = corpus["db"]
    with open_store(db) as raw:
        store = CountingStore(raw)
        labels = {corpus["claims"][0]: {"id": "n-x", "label": "as the caller knows it"}}
        lookup = Lookup(store, narratives=labels)  # type: ignore[arg-type]
        hits = search(store, db, "harbour fees Velmora", kind="claims", sync=False, lookup=lookup)
        assert hits[0]["narrative"] == {"id": "n-x", "label": "as the caller knows it"}
        assert store.calls["load_narratives"] == 0


def test_bounded_lookup_still_answers(corpus: dict[str, Any]) -> None:
    with open_store(corpus["db"]) as store:
        lookup = Lookup(store, max_docs=2)
        want = Lookup(store)
        ids = corpus["docs"] + ["no-such-document"]
        assert lookup.heads(ids) == want.heads(ids) and len(lookup.heads(ids)) == 4
        claims = [*corpus["claims"], "no-such-document:0-5"]
        assert lookup.claim_records(claims) == want.claim_records(claims)
        assert len(lookup.claim_records(claims)) == 4
        assert lookup.reference("no-such-fact-check") is None


def test_terms_drop_function_words() -> None:
    assert terms("The mayor SAID the fees will rise") == {"mayor", "fees", "rise"}
