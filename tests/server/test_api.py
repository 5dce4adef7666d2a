"""The JSON API over a small fictional store: shapes, filters, paging, errors, writes."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from _server_fixtures import build, fake_encode
from fastapi.testclient import TestClient

from claimtrace.errors import MissingExtra
from claimtrace.exports.contract import build_export
from claimtrace.model import Document
from claimtrace.server import create_app
from claimtrace.store import open_store

PAGE_KEYS = {"total", "offset", "limit", "next_offset", "items"}


@pytest.fixture(scope="module")
def client(corpus: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(corpus["db"], encode=fake_encode, cache_s=0)) as c:
        yield c


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """A client over a private copy of the corpus, for tests that write."""
    info = build(tmp_path / "w.db")
    with TestClient(create_app(info["db"], encode=fake_encode, cache_s=0)) as c:
        yield c, info


def get(client: TestClient, url: str, status: int = 200) -> Any:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def test_api_index_lists_every_endpoint(client: TestClient) -> None:
    data = get(client, "/api")
    paths = {(e["method"], e["path"]) for e in data["endpoints"]}
    for path in (
        "/api/stats",
        "/api/documents",
        "/api/documents/{doc_id}",
        "/api/entities",
        "/api/entities/{entity_id}",
        "/api/claims",
        "/api/narratives",
        "/api/narratives/{narrative_id}",
        "/api/stories",
        "/api/reuse",
        "/api/search",
        "/api/export.json",
    ):
        assert ("GET", path) in paths, path
    assert ("POST", "/api/match") in paths and ("POST", "/api/narratives/{narrative_id}/rating") in paths
    assert all(e["summary"] for e in data["endpoints"])


def test_stats(client: TestClient) -> None:
    s = get(client, "/api/stats")
    assert s["documents"] == 6
    assert s["date_range"] == {"first": "2024-05-02", "last": "2024-06-02"}
    assert s["counts"] == {
        "documents": 6,
        "outlets": 6,
        "entities": 5,
        "claims": 6,
        "reuse": 1,
        "stories": 2,
        "narratives": 2,
        "ratings": 0,
    }
    assert {"name": "Brask Herald", "documents": 1} in s["outlets"]


def test_documents_paging_covers_everything_once(client: TestClient) -> None:
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = get(client, f"/api/documents?limit=2&offset={offset}")
        assert set(page) == PAGE_KEYS and page["total"] == 6 and len(page["items"]) <= 2
        seen += [d["id"] for d in page["items"]]
        offset = page["next_offset"]
    assert len(seen) == len(set(seen)) == 6
    dates = [d["published"] for d in get(client, "/api/documents")["items"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert get(client, "/api/documents?offset=100")["items"] == []
    item = get(client, "/api/documents?limit=1")["items"][0]
    assert "text" not in item and {"id", "title", "outlet", "published", "claims", "chars"} <= set(item)


def test_documents_filters(client: TestClient, corpus: dict[str, Any]) -> None:
    d = corpus["docs"]
    by_outlet = get(client, "/api/documents?outlet=Brask%20Herald")["items"]
    assert [x["id"] for x in by_outlet] == [d["herald"]]
    fts = get(client, "/api/documents?q=tonnes%20waste")
    assert {x["id"] for x in fts["items"]} == {d["wire"], d["herald"], d["observer"]}
    assert all(x["snippet"] for x in fts["items"])
    may = get(client, "/api/documents?from=2024-05-03&to=2024-05-10")["items"]
    assert {x["id"] for x in may} == {d["herald"], d["observer"]}
    month = get(client, "/api/documents?to=2024-05")["items"]  # a month bound includes the whole month
    assert {x["id"] for x in month} == {d["wire"], d["herald"], d["observer"], d["check"]}
    both = get(client, "/api/documents?q=Morvel&outlet=Civic%20Factcheck")["items"]
    assert [x["id"] for x in both] == [d["check"]]


def test_document_detail(client: TestClient, corpus: dict[str, Any]) -> None:
    d = corpus["docs"]
    data = get(client, f"/api/documents/{d['herald']}")
    doc = data["document"]
    assert (
        doc["id"] == d["herald"]
        and doc["outlet"] == "Brask Herald"
        and doc["text"].startswith("Minister Oda")
    )
    assert data["analysed"] is True and data["story"] == "s-lake"
    (claim,) = data["claims"]
    assert claim["id"] == corpus["claims"]["herald"] and claim["kind"] == "indirect"
    assert claim["speaker"]["entity"] == "e-raskin" and claim["narrative"]["id"] == "n-lake"
    s, e = claim["content_span"]
    assert doc["text"][s:e] == claim["content"]
    names = {(m["name"], m["entity"]) for m in data["mentions"]}
    assert ("Oda Raskin", "e-raskin") in names and ("Lake Tervan", "e-tervan") in names
    for m in data["mentions"]:
        assert doc["text"][m["start"] : m["end"]] == m["text"]
    (reuse,) = data["reuse"]
    assert reuse["other"]["doc"] == d["wire"] and reuse["source"] == d["wire"] and reuse["kind"] == "verbatim"
    assert doc["text"][reuse["start"] : reuse["end"]].startswith("the Morvel chemical plant")
    assert data["narratives"] == [{"id": "n-lake", "label": "Morvel plant poisoned Lake Tervan"}]
    assert [(x["narrative"], x["stance"]) for x in data["stances"]] == [("n-lake", "ATTRIBUTES")]


def test_not_found_is_json(client: TestClient) -> None:
    for url in (
        "/api/documents/nope",
        "/api/entities/nope",
        "/api/narratives/nope",
        "/api/stories/nope",
        "/api/claims?narrative=nope",
        "/api/nothing-here",
    ):
        body = get(client, url, 404)
        assert set(body) == {"error"} and body["error"], url
    assert "nope" in get(client, "/api/documents/nope", 404)["error"]
    r = client.post("/api/narratives/nope/rating", json={"rating": "False"})
    assert r.status_code == 404 and "nope" in r.json()["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/documents?limit=0",
        "/api/documents?limit=501",
        "/api/documents?offset=-1",
        "/api/documents?limit=ten",
        "/api/documents?from=May%202024",
        "/api/entities?type=ANIMAL",
        "/api/claims?kind=shouted",
        "/api/reuse?kind=stolen",
        "/api/search",
        "/api/search?q=x&kind=pictures",
    ],
)
def test_bad_parameters_are_422(client: TestClient, url: str) -> None:
    body = get(client, url, 422)
    assert body["error"].startswith("bad request: ") and body["detail"]


def test_entities(client: TestClient, corpus: dict[str, Any]) -> None:
    page = get(client, "/api/entities")
    assert page["total"] == 5
    counts = [e["mentions"] for e in page["items"]]
    assert counts == sorted(counts, reverse=True)
    people = get(client, "/api/entities?type=PERSON")["items"]
    assert {e["id"] for e in people} == {"e-raskin", "e-forsk", "e-dunmore"}
    assert [e["id"] for e in get(client, "/api/entities?q=tervan")["items"]] == ["e-tervan"]
    raskin = get(client, "/api/entities/e-raskin")
    assert raskin["name"] == "Oda Raskin" and raskin["type"] == "PERSON" and raskin["documents"] == 2
    assert {m["doc"] for m in raskin["mention_list"]} == {corpus["docs"]["wire"], corpus["docs"]["herald"]}
    assert {c["id"] for c in raskin["claims"]} == {corpus["claims"]["wire"], corpus["claims"]["herald"]}
    assert raskin["narratives"] == [{"id": "n-lake", "label": "Morvel plant poisoned Lake Tervan"}]


def test_claims_filters(client: TestClient, corpus: dict[str, Any]) -> None:
    c, d = corpus["claims"], corpus["docs"]
    everything = get(client, "/api/claims")
    assert everything["total"] == 6
    one = everything["items"][0]
    assert {
        "id",
        "doc",
        "start",
        "end",
        "content",
        "content_span",
        "kind",
        "speaker",
        "cue",
        "hedges",
        "quantities",
        "narrative",
        "outlet",
        "published",
        "title",
    } <= set(one)
    assert [x["id"] for x in get(client, f"/api/claims?doc={d['observer']}")["items"]] == [c["observer"]]
    assert {x["id"] for x in get(client, "/api/claims?speaker=e-raskin")["items"]} == {c["wire"], c["herald"]}
    assert [x["id"] for x in get(client, "/api/claims?kind=according_to")["items"]] == [c["observer"]]
    lake = get(client, "/api/claims?narrative=n-lake")
    assert {x["id"] for x in lake["items"]} == {c[k] for k in ("wire", "herald", "observer", "check")}
    assert get(client, "/api/claims?narrative=n-lake&kind=according_to")["total"] == 1
    assert get(client, "/api/claims?limit=4&offset=4")["items"] == everything["items"][4:]


def test_narratives(client: TestClient, corpus: dict[str, Any]) -> None:
    page = get(client, "/api/narratives")
    assert [n["id"] for n in page["items"]] == ["n-lake", "n-tram"]
    lake = page["items"][0]
    assert lake["documents"] == 4 and lake["outlets"] == 4 and lake["mutations"] == 2
    assert lake["stances"] == {"AMPLIFIES": 1, "ATTRIBUTES": 2, "CONTESTS": 0, "DEBUNKS": 1}
    assert [n["id"] for n in get(client, "/api/narratives?q=TRAM")["items"]] == ["n-tram"]
    n = get(client, "/api/narratives/n-lake")
    assert n["label"] == "Morvel plant poisoned Lake Tervan" and n["rating"] is None
    assert [t["date"] for t in n["timeline"]] == ["2024-05-02", "2024-05-03", "2024-05-10", "2024-05-20"]
    assert n["timeline"][3]["stance"] == "DEBUNKS" and n["timeline"][3]["title"].startswith("No, the Morvel")
    carried = n["carried_by"]
    assert [c.get("outlet") or c.get("speaker") for c in carried][1] == "Oda Raskin"
    assert all(c["title"] for c in carried)  # the document's title rides along
    quantity = next(m for m in n["mutations"] if m["slot"] == "quantity")
    assert (quantity["previous"], quantity["value"], quantity["outlet"]) == (
        300.0,
        3000.0,
        "Northgate Observer",
    )
    per_outlet = {o["outlet"]: o for o in n["stances_by_outlet"]}
    assert (
        per_outlet["Civic Factcheck"]["counts"]["DEBUNKS"] == 1
        and per_outlet["Civic Factcheck"]["total"] == 1
    )
    assert per_outlet["Tervan Daily Wire"]["counts"] == {
        "AMPLIFIES": 1,
        "ATTRIBUTES": 0,
        "CONTESTS": 0,
        "DEBUNKS": 0,
    }
    assert [c["id"] for c in n["claim_list"]] == n["claims"]
    assert [x["id"] for x in n["document_list"]] == n["documents"]
    assert {e["id"] for e in n["entity_list"]} == {"e-morvel", "e-tervan", "e-raskin"}
    assert all(s["outlet"] for s in n["stances"])


def test_stories_and_reuse(client: TestClient, corpus: dict[str, Any]) -> None:
    d = corpus["docs"]
    stories = get(client, "/api/stories")
    assert [s["id"] for s in stories["items"]] == ["s-lake", "s-tram"]
    assert stories["items"][0]["size"] == 4 and "Brask Herald" in stories["items"][0]["outlets"]
    story = get(client, "/api/stories/s-tram")
    assert [x["id"] for x in story["document_list"]] == [d["tram"]]
    reuse = get(client, "/api/reuse")
    (link,) = reuse["items"]
    assert (
        link["a"]["doc"] == d["wire"] and link["b"]["outlet"] == "Brask Herald" and link["kind"] == "verbatim"
    )
    assert get(client, f"/api/reuse?doc={d['herald']}")["total"] == 1
    assert get(client, f"/api/reuse?doc={d['tram']}")["total"] == 0
    assert get(client, "/api/reuse?kind=paraphrase")["total"] == 0


def test_search_hybrid_and_fallback(client: TestClient, corpus: dict[str, Any], monkeypatch: Any) -> None:
    data = get(client, "/api/search?q=Morvel%20waste%20tonnes&limit=10")
    assert data["mode"] == "hybrid" and data["items"]
    kinds = {h["kind"] for h in data["items"]}
    assert kinds == {"claim", "document"}
    claim = next(h for h in data["items"] if h["kind"] == "claim")
    assert claim["narrative"] == {"id": "n-lake", "label": "Morvel plant poisoned Lake Tervan"}
    docs_only = get(client, "/api/search?q=tram&kind=documents")
    assert docs_only["items"][0]["doc"] == corpus["docs"]["tram"]

    # (claimtrace.search re-exports a function named search, so import the module by name)
    hybrid = importlib.import_module("claimtrace.search.search")

    def missing(*args: Any, **kwargs: Any) -> Any:
        raise MissingExtra("the '{extra}' extra is needed for {what}", extra="embed", what="vectors")

    monkeypatch.setattr(hybrid, "search", missing)
    fts = get(client, "/api/search?q=tonnes%20waste")
    assert fts["mode"] == "fts" and "embed" in fts["note"]
    assert {h["kind"] for h in fts["items"]} == {"claim", "document"}
    assert all(h["matched_by"] == ["text"] for h in fts["items"])
    claims = get(client, "/api/search?q=tram%20line&kind=claims")["items"]
    assert [h["id"] for h in claims] == [corpus["claims"]["tram"]]


def test_match(client: TestClient, corpus: dict[str, Any], tmp_path: Path) -> None:
    r = client.post("/api/match", json={"text": "The Morvel plant poisoned Lake Tervan with waste", "k": 3})
    assert r.status_code == 200, r.text
    data = r.json()
    assert len(data["items"]) == 3
    top = data["items"][0]
    assert top["claim"]["doc"] in {corpus["docs"][k] for k in ("wire", "herald", "observer", "check")}
    assert top["narrative"]["id"] == "n-lake" and "Morvel" in top["evidence"]["shared_names"]
    assert client.post("/api/match", json={"text": ""}).status_code == 422
    assert client.post("/api/match", json={"text": "x", "k": 0}).status_code == 422
    assert (
        client.post("/api/match", content="text=x", headers={"content-type": "text/plain"}).status_code == 415
    )
    # no analysed claims: a clear 409
    empty = tmp_path / "empty.db"
    with open_store(str(empty)) as store:
        store.add_documents([Document(text="Nothing to see here.", source="x")])
    with TestClient(create_app(str(empty), encode=fake_encode)) as c:
        r = c.post("/api/match", json={"text": "anything"})
        assert r.status_code == 409 and "analyze" in r.json()["error"]


def test_rating_round_trip(fresh: tuple[TestClient, dict[str, Any]]) -> None:
    client, _ = fresh
    r = client.post(
        "/api/narratives/n-lake/rating", json={"rating": " False ", "note": "tests found no waste"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["rating"]["rating"] == "False"
    n = get(client, "/api/narratives/n-lake")
    assert n["rating"]["rating"] == "False" and n["rating"]["note"] == "tests found no waste"
    assert get(client, "/api/narratives")["items"][0]["rating"]["rating"] == "False"
    assert get(client, "/api/stats")["counts"]["ratings"] == 1
    client.post("/api/narratives/n-lake/rating", json={"rating": "Misleading", "author": "desk"})
    assert get(client, "/api/narratives/n-lake")["rating"]["rating"] == "Misleading"  # the latest counts
    assert client.post("/api/narratives/n-lake/rating", json={"rating": "  "}).status_code == 422
    assert client.post("/api/narratives/n-lake/rating", json={"note": "no rating"}).status_code == 422
    form = client.post(
        "/api/narratives/n-lake/rating", content='{"rating": "True"}', headers={"content-type": "text/plain"}
    )
    assert form.status_code == 415  # a cross-site form post cannot rate
    assert get(client, "/api/narratives/n-lake")["rating"]["rating"] == "Misleading"


def test_export_is_the_contract(client: TestClient, corpus: dict[str, Any]) -> None:
    data = get(client, "/api/export.json")
    with open_store(corpus["db"]) as store:
        assert data == build_export(store)
    assert data["format"] == "claimtrace-export" and len(data["documents"]) == 6


def test_hostile_text_is_returned_as_data(client: TestClient, corpus: dict[str, Any]) -> None:
    docs = get(client, "/api/documents?outlet=%3Cb%3EEvil%3C%2Fb%3E%20Outlet")["items"]
    (doc,) = docs
    assert doc["title"].startswith("<img src=x onerror=")
    r = client.get(f"/api/documents/{doc['id']}")
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>window.__pwned=1</script>" in r.json()["document"]["text"]


def test_new_documents_show_without_waiting_for_the_cache(tmp_path: Path) -> None:
    info = build(tmp_path / "cache.db")
    with TestClient(create_app(info["db"], cache_s=3600)) as c:
        assert get(c, "/api/stats")["documents"] == 5
        with open_store(info["db"]) as store:
            store.add_documents([Document(text="A late fictional report from Port Amel.", source="late")])
        assert get(c, "/api/stats")["documents"] == 6


def test_trusted_hosts_guard(corpus: dict[str, Any]) -> None:
    app = create_app(corpus["db"], allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        assert c.get("/api/stats").status_code == 200
        assert c.get("/api/stats", headers={"host": "attacker.example"}).status_code == 400


def test_database_name_never_shows_a_password() -> None:
    from claimtrace.server.catalog import display_db

    assert display_db("/data/corpora/news.db") == "news.db"
    assert display_db("sqlite:////abs/x.db") == "x.db"
    shown = display_db("postgresql://bob:s3cret@db.example:5433/claims?schema=team")
    assert shown == "postgresql://bob@db.example:5433/claims" and "s3cret" not in shown
