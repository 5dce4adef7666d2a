"""Search and match answer alike whether or not the server's snapshot (and its lookup) is ready."""

from __future__ import annotations

import time
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from _server_fixtures import fake_encode
from fastapi.testclient import TestClient

from claimtrace.server import create_app

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
