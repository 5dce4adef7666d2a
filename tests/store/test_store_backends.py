"""The Store protocol, run against SQLite and (when reachable) PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.errors import ClaimtraceError
from claimtrace.model import (
    Claim,
    DocAnalysis,
    Document,
    Entity,
    Mention,
    Narrative,
    Quantity,
    ReuseLink,
    Span,
    Story,
)
from claimtrace.store import open_store, sqlite_path
from claimtrace.store.schema import MIGRATIONS
from claimtrace.store.sql import SQLStore
from claimtrace.store.sqlite import SQLiteStore, fts5_query

TEXT_A = "The harbour master of Velmora said on Tuesday that 40 ships were waiting outside the port."
TEXT_B = "Officials in Drennick denied reports that the bridge would close, according to the city council."


def doc(text: str, source: str, **kw: object) -> Document:
    return Document(text=text, source=source, **kw)  # type: ignore[arg-type]


def test_migrations_recorded_once(store: SQLStore) -> None:
    assert store.applied_migrations() == [(m.id, m.name) for m in MIGRATIONS]
    store._migrate()  # opening again applies nothing new
    assert store.applied_migrations() == [(m.id, m.name) for m in MIGRATIONS]
    assert len(store._execute("SELECT id FROM migrations")) == len(MIGRATIONS)


def test_reopen_sqlite_keeps_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "x.db")
    with open_store(path) as s:
        s.add_documents([doc(TEXT_A, "a.txt")])
    with open_store(f"sqlite:///{path}") as s:
        assert s.count_documents() == 1
        assert [r[0] for r in s._execute("SELECT id FROM migrations")] == [m.id for m in MIGRATIONS]  # type: ignore[attr-defined]
        assert s._execute("PRAGMA journal_mode")[0][0] == "wal"  # type: ignore[attr-defined]


def test_documents_round_trip_and_idempotent(store: SQLStore) -> None:
    d = doc(
        TEXT_A,
        "/in/a.txt",
        title="Ships wait",
        published="2024-03-05",
        author="R. Ilves",
        outlet="Velmora Post",
        credits=["AP"],
        language="en",
        captions=["A ship."],
        meta={"url": "https://example.org/a"},
        layers={"para": [Span(0, 10, "p", {"n": 1})]},
    )
    e = doc(TEXT_B, "/in/b.txt")
    assert store.add_documents([d, e]) == (2, 0)
    assert store.add_documents([d, e]) == (0, 2)
    assert store.count_documents() == 2
    assert store.get_document(d.id) == d
    assert store.get_document("nope") is None
    assert store.document_ids() == [d.id, e.id]
    assert [x.id for x in store.iter_documents()] == [d.id, e.id]
    assert [x.id for x in store.iter_documents([e.id, "missing", d.id])] == [e.id, d.id]


def test_iter_documents_by_source_pages(store: SQLStore) -> None:
    docs = [doc(f"{TEXT_A} copy {i}", f"s{i:04d}.txt") for i in range(1203)]
    docs.reverse()
    store.add_documents(docs)
    by_source = [x.source for x in store.iter_documents(order="source")]
    assert by_source == sorted(d.source for d in docs)
    assert [x.id for x in store.iter_documents()] == [d.id for d in docs]


def test_same_text_two_sources_is_exact_reuse(store: SQLStore) -> None:
    a, b, c = doc(TEXT_A, "x/a.txt"), doc(TEXT_A, "y/a.txt"), doc(TEXT_A, "z/a.txt")
    assert store.add_documents([a, b]) == (2, 0)
    store.add_documents([c, doc(TEXT_B, "other.txt")])
    links = store.load_reuse()
    pairs = {(x.a_doc, x.b_doc) for x in links}
    assert pairs == {tuple(sorted(p)) for p in ((a.id, b.id), (a.id, c.id), (b.id, c.id))}
    for x in links:
        assert (x.kind, x.score, x.a_start, x.a_end, x.b_start, x.b_end) == (
            "exact",
            1.0,
            0,
            len(TEXT_A),
            0,
            len(TEXT_A),
        )
        assert x.group == links[0].group
    store.add_documents([a])  # a skipped document adds no link
    assert len(store.load_reuse()) == 3


def test_replace_reuse_keeps_ingest_rows(store: SQLStore) -> None:
    a, b, c = doc(TEXT_A, "a.txt"), doc(TEXT_A, "b.txt"), doc(TEXT_B, "c.txt")
    store.add_documents([a, b, c])
    near = ReuseLink(a.id, 0, 20, c.id, 5, 25, "near", 0.8, source=a.id, group="g1")
    dup = ReuseLink(
        b.id, 0, len(TEXT_A), a.id, 0, len(TEXT_A), "exact", 1.0, source=a.id
    )  # either orientation
    store.replace_reuse([near, dup])
    store.replace_reuse([near, dup])
    links = store.load_reuse()
    assert len(links) == 2
    assert links[1] == near
    assert links[0].kind == "exact" and links[0].source == a.id
    store.replace_reuse([])
    assert [x.kind for x in store.load_reuse()] == ["exact"]


def test_failed_batch_leaves_nothing(store: SQLStore) -> None:
    def docs() -> Iterator[Document]:
        yield doc(TEXT_A, "a.txt")
        yield doc(TEXT_A, "b.txt")
        raise RuntimeError("reader died")

    with pytest.raises(RuntimeError):
        store.add_documents(docs())
    assert store.count_documents() == 0
    assert store.load_reuse() == []
    assert store.search_text("harbour") == []


def _analysis(d: Document) -> DocAnalysis:
    q = Quantity(
        start=TEXT_A.index("40"), end=TEXT_A.index("40") + 8, text="40 ships", value=40.0, about="ships"
    )
    claim = Claim(
        start=0,
        end=len(TEXT_A),
        content_start=TEXT_A.index("40"),
        content_end=len(TEXT_A) - 1,
        kind="indirect",
        speaker_text="The harbour master of Velmora",
        speaker_start=0,
        speaker_end=29,
        speaker_key="name:harbour master",
        cue="said",
        cue_start=30,
        cue_end=34,
        hedges=["reports"],
        quantities=[q],
    )
    return DocAnalysis(
        doc_id=d.id,
        sentences=[(0, len(TEXT_A))],
        mentions=[Mention(22, 29, "Velmora", "GPE", "gaz:velmora", "Velmora")],
        quantities=[q, Quantity(0, 3, "The", 1.0)],
        claims=[claim],
        aliases=[("VM", "gaz:velmora")],
        versions={"claims": "1", "entities": "2"},
    )


def test_analyses_round_trip_and_flattened(store: SQLStore) -> None:
    d = doc(TEXT_A, "a.txt")
    store.add_documents([d])
    an = _analysis(d)
    store.save_analyses([an])
    store.save_analyses([an])  # replacing, not appending
    assert list(store.load_analyses()) == [an]
    assert list(store.load_analyses([d.id, "missing"])) == [an]
    assert store.analysis_versions() == {d.id: {"claims": "1", "entities": "2"}}
    claims = store._execute("SELECT id, kind, content, speaker_key FROM claims")
    assert claims == [
        (f"{d.id}:0-{len(TEXT_A)}", "indirect", TEXT_A[TEXT_A.index("40") : -1], "name:harbour master")
    ]
    qs = store._execute("SELECT claim_id, text, value FROM quantities ORDER BY char_start")
    assert qs == [(None, "The", 1.0), (claims[0][0], "40 ships", 40.0)]
    assert store._execute("SELECT entity_key FROM mentions") == [("gaz:velmora",)]


def test_entities_and_overrides(store: SQLStore) -> None:
    ents = [
        Entity(
            "e2",
            "gaz:velmora",
            "Velmora",
            "GPE",
            ["VM"],
            [
                {"doc": "d2", "start": 5, "end": 9, "text": "VM"},
                {"doc": "d1", "start": 1, "end": 8, "text": "Velmora"},
            ],
        ),
        Entity("e1", "name:ana", "Ana Roe", "PERSON"),
    ]
    store.replace_entities(ents)
    store.replace_entities(ents)
    loaded = store.load_entities()
    assert [e.id for e in loaded] == ["e1", "e2"]
    assert loaded[1].mentions == sorted(ents[0].mentions, key=lambda m: (m["doc"], m["start"]))
    assert loaded[1].aliases == ["VM"]
    first = store.add_override("entity", "merge", {"ids": ["e1", "e2"]}, "same person")
    second = store.add_override("entity", "rename", {"id": "e1", "name": "Ana Roe-Lind"}, None)
    store.add_override("narrative", "split", {"id": "n1"}, None)
    got = store.list_overrides("entity")
    assert [o["id"] for o in got] == [first, second]
    assert got[0]["payload"] == {"ids": ["e1", "e2"]} and got[0]["reason"] == "same person"
    assert got[0]["scope"] == "entity" and got[0]["created_at"]
    assert [o["action"] for o in store.list_overrides("narrative")] == ["split"]
    with pytest.raises(ValueError):
        store.add_override("story", "x", {}, None)  # type: ignore[arg-type]


def test_stories_narratives_ratings_events(store: SQLStore) -> None:
    stories = [Story("s2", "Bridge", ["d3"], "2024-01-02", "2024-01-02"), Story("s1", "Port", ["d2", "d1"])]
    store.replace_stories(stories)
    assert store.load_stories() == sorted(stories, key=lambda s: s.id)
    store.replace_stories(stories[:1])
    assert store.load_stories() == stories[:1]
    n1 = Narrative(
        "n1",
        "ships wait",
        claims=["d1:0-5"],
        documents=["d2", "d1"],
        first_seen="2024-01-01",
        timeline=[{"date": "2024-01-01", "doc": "d1", "outlet": None}],
        mutations=[{"slot": "quantity", "value": 40.0, "doc": "d2", "date": None, "previous": 30.0}],
        stances=[{"doc": "d2", "stance": "CONTESTS", "evidence": [{"start": 1, "end": 4, "text": "no"}]}],
        entities=["e1"],
    )
    n2 = Narrative("n2", "bridge closes")
    store.save_narratives([n2, n1])
    assert store.load_narratives() == [n1, n2]
    store.save_narratives([Narrative("n3", "new")], replace=False)
    assert [n.id for n in store.load_narratives()] == ["n1", "n2", "n3"]
    store.save_narratives([n1])
    assert store.load_narratives() == [n1]
    e1 = store.add_narrative_event("merge", {"into": "n1", "from": ["n4"]})
    e2 = store.add_narrative_event("split", {"from": "n1", "into": ["n5", "n6"]})
    events = store.list_narrative_events()
    assert [(e["id"], e["kind"]) for e in events] == [(e1, "merge"), (e2, "split")]
    assert events[0]["payload"] == {"into": "n1", "from": ["n4"]}
    store.set_rating("n1", "false", "debunked by a port log", author="ed")
    store.set_rating("n1", "misleading", None)
    ratings = store.load_ratings()
    assert ratings["n1"]["rating"] == "misleading" and ratings["n1"]["author"] is None
    assert set(ratings) == {"n1"}


def test_reference_claims_and_state(store: SQLStore) -> None:
    items = [
        {
            "claimReviewed": "40 ships wait",
            "reviewRating": {"alternateName": "False"},
            "url": "https://x.example",
        },
        {"claim": "bridge closes", "rating": "true"},
    ]
    assert store.add_reference_claims(items) == 2
    assert store.add_reference_claims(items[:1]) == 0
    assert store.load_reference_claims() == items
    assert store._execute("SELECT claim, rating FROM reference_claims ORDER BY id") == [
        ("40 ships wait", "False"),
        ("bridge closes", "true"),
    ]
    assert store.get_state("minhash") is None
    store.set_state("minhash", {"bands": 16, "seeds": [1, 2]})
    store.set_state("minhash", {"bands": 32})
    store.set_state("label", "plain string")
    assert store.get_state("minhash") == {"bands": 32}
    assert store.get_state("label") == "plain string"


NASTY = [
    '"',
    '""',
    "AND",
    "OR NOT",
    "(",
    "a*",
    "NEAR(a b)",
    "title:x",
    "-",
    "^x",
    "'; DROP TABLE documents; --",
    "\u00e9t\u00e9",
    "",
    "   ",
    "*",
    "{x}",
    "%s",
    "?",
]


def test_search_ranks_and_survives_any_query(store: SQLStore) -> None:
    store.add_documents(
        [
            doc(TEXT_A, "a.txt", title="Ships wait at Velmora"),
            doc(TEXT_B, "b.txt"),
            doc("Velmora mentioned once in passing about a bridge.", "c.txt"),
        ]
    )
    hits = store.search_text("Velmora ships")
    assert [h["doc_id"] for h in hits] == [Document(text=TEXT_A, source="a.txt").id]
    assert hits[0]["title"] == "Ships wait at Velmora" and "[" in hits[0]["snippet"]
    ranked = store.search_text("velmora")
    assert len(ranked) == 2 and ranked[0]["score"] >= ranked[1]["score"]
    assert len(store.search_text("velmora", limit=1)) == 1
    assert len(store.search_text('"bridge"')) == 2  # quotes are not syntax: every word is required
    for q in NASTY:
        assert isinstance(store.search_text(q), list)


_MEM = SQLiteStore(":memory:")
_MEM.add_documents([Document(text=TEXT_A, source="a.txt")])


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_fts_query_accepts_any_string(q: str) -> None:
    assert isinstance(_MEM.search_text(q), list)
    assert '"' not in fts5_query(q).replace('" "', "").strip('"')


def test_open_store_urls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert sqlite_path("x.db") == "x.db"
    assert sqlite_path("sqlite:///rel/x.db") == "rel/x.db"
    assert sqlite_path("sqlite:////abs/x.db") == "/abs/x.db"
    assert sqlite_path("sqlite://") == ":memory:"
    assert sqlite_path("postgresql://u@h/db") is None
    nested = tmp_path / "new" / "dir" / "c.db"
    with open_store(str(nested)) as s:
        assert s.count_documents() == 0
    assert nested.exists()


def test_not_a_claimtrace_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "notes.db"
    junk.write_text("this is not sqlite at all, just some words " * 200)
    with pytest.raises(ClaimtraceError, match="not a claimtrace database"):
        open_store(str(junk))
    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE birds (name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(ClaimtraceError, match="not a claimtrace database"):
        open_store(str(foreign))


def test_upsert_reference_claims_by_id(store: SQLStore) -> None:
    items = [{"id": "a", "text": "40 ships wait", "rating": "False"}, {"id": "b", "text": "bridge closes"}]
    assert store.upsert_reference_claims(items) == (2, 0)
    assert store.upsert_reference_claims(items) == (0, 0)
    changed = [{"id": "a", "text": "40 ships wait", "rating": "True", "publisher": "Desk"}]
    assert store.upsert_reference_claims(changed) == (0, 1)
    assert store.load_reference_claims() == [changed[0], items[1]]
    assert store._execute("SELECT ref_id, rating, publisher FROM reference_claims ORDER BY id") == [
        ("a", "True", "Desk"),
        ("b", None, None),
    ]
    assert store.metadata_gaps() == (0, 0, 0)
