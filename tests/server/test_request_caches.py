"""What the server keeps between requests changes no answer: search and match lookups, narrative views."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from _server_fixtures import build, fake_encode
from fastapi.testclient import TestClient

from claimtrace.server import create_app
from claimtrace.server.catalog import MEMO_MAX, Snapshot

QUERIES = ["Morvel waste tonnes", "tram line", "the council said"]


def _answers(c: TestClient) -> list[Any]:
    out = []
    for q in QUERIES:
        for kind in ("all", "claims", "documents"):
            r = c.get("/api/search", params={"q": q, "kind": kind, "limit": 10})
            assert r.status_code == 200
            out.append(r.json())
        r = c.post("/api/match", json={"text": q, "k": 3})
        assert r.status_code == 200
        out.append(r.json())
    return out


def test_same_answers_from_the_store_and_from_the_snapshot(corpus: dict[str, Any]) -> None:
    with TestClient(create_app(corpus["db"], encode=fake_encode, cache_s=0)) as plain:
        want = _answers(plain)  # no snapshot ever: every request reads the store
    assert any(h.get("narrative") for a in want for h in a["items"] if h.get("kind") == "claim")
    app = create_app(corpus["db"], encode=fake_encode, cache_s=300)
    catalog = app.state.catalog
    with TestClient(app) as cached:
        assert catalog.current() is None  # none yet: a build starts in the background
        assert _answers(cached) == want
        deadline = time.monotonic() + 60
        while catalog.current() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert catalog.current() is catalog.snapshot()
        assert _answers(cached) == want  # through the snapshot's lookup, twice
        assert _answers(cached) == want


def test_narrative_view_kept_per_snapshot_shows_the_latest_rating(tmp_path: Path) -> None:
    info = build(tmp_path / "r.db")
    app = create_app(info["db"], encode=fake_encode, cache_s=300)
    with TestClient(app) as c:
        first = c.get("/api/narratives/n-lake").json()
        assert first["rating"] is None
        assert c.get("/api/narratives/n-lake").json() == first  # from the snapshot's memo
        r = c.post("/api/narratives/n-lake/rating", json={"rating": "False", "note": "no waste found"})
        assert r.status_code == 200
        after = c.get("/api/narratives/n-lake").json()
        assert after["rating"]["rating"] == "False" and after["rating"]["note"] == "no waste found"
        assert {k: v for k, v in after.items() if k != "rating"} == {
            k: v for k, v in first.items() if k != "rating"
        }
        assert list(after) == list(first)  # same fields in the same order
        listed = c.get("/api/narratives", params={"q": "LAKE tervan"}).json()["items"]
        assert [n["id"] for n in listed] == ["n-lake"] and listed[0]["rating"]["rating"] == "False"


def test_snapshot_memo_makes_each_view_once_and_is_bounded() -> None:
    snap = Snapshot()
    made: list[str] = []

    def make(key: str) -> dict[str, str]:
        made.append(key)
        return {"key": key}

    assert snap.memo("v", "a", lambda: make("a")) is snap.memo("v", "a", lambda: make("a"))
    assert made == ["a"]
    for i in range(MEMO_MAX + 3):
        snap.memo("v", str(i), lambda i=i: make(str(i)))
    assert len(snap.views) <= MEMO_MAX
    assert snap.memo("v", "x", lambda: make("x")) == {"key": "x"}


def test_a_slow_snapshot_is_rebuilt_less_often(corpus: dict[str, Any]) -> None:
    app = create_app(corpus["db"], encode=fake_encode, cache_s=30)
    catalog = app.state.catalog
    now = time.monotonic()
    quick = Snapshot(built_at=now - 35, build_s=0.5)
    slow = Snapshot(built_at=now - 35, build_s=10.0)
    assert catalog._old(quick) and not catalog._old(slow)  # slow: due after 30 + 2 x 10 s
    assert catalog._old(Snapshot(built_at=now - 51, build_s=10.0))
    assert catalog.snapshot().build_s > 0
