"""GET requests write nothing, and search/match only load the vector indexes 'analyze' built."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from _server_fixtures import build, fake_encode
from fastapi.testclient import TestClient

from claimtrace.server.app import create_app


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time (SQLite's -shm excepted)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_file():
            st = path.stat()
            # readers touch the WAL index (shared memory) by design; its name is still checked
            out[rel] = (0, 0) if rel.endswith("-shm") else (st.st_size, st.st_mtime_ns)
        else:
            out[rel] = (-1, -1)
    return out


def _get_paths(client: TestClient, info: dict[str, Any]) -> list[str]:
    spec = client.get("/openapi.json").json()
    values = {
        "doc_id": info["docs"]["wire"],
        "entity_id": "e-morvel",
        "story_id": "s-morvel",
        "narrative_id": "n-morvel",
    }
    paths = []
    for path, ops in spec["paths"].items():
        if "get" in ops:
            for name, value in values.items():
                path = path.replace("{" + name + "}", value)
            paths.append(path)
    return paths


def test_get_requests_leave_the_database_folder_unchanged(tmp_path: Path) -> None:
    info = build(tmp_path / "c.db")
    with TestClient(create_app(info["db"], encode=fake_encode, cache_s=0)) as client:
        client.get("/api/stats")  # the server is up and has opened the database
        before = _listing(tmp_path)
        paths = _get_paths(client, info)
        assert "/api/search" in paths and len(paths) >= 10
        for path in paths:
            client.get(path)
        for q in ("Morvel waste", "tram line", "no such words at all"):
            for kind in ("all", "claims", "documents"):
                assert client.get(f"/api/search?q={q}&kind={kind}").status_code == 200
        client.get("/")
        after = _listing(tmp_path)
    assert after == before


def test_match_loads_the_index_and_never_builds_it(tmp_path: Path) -> None:
    info = build(tmp_path / "c.db")
    index = Path(info["db"] + ".claimtrace-index")
    assert index.is_dir()  # built the way 'claimtrace analyze' leaves it
    with TestClient(create_app(info["db"], encode=fake_encode, cache_s=0)) as client:
        before = _listing(tmp_path)
        r = client.post("/api/match", json={"text": "The Morvel plant poisoned Lake Tervan", "k": 3})
        assert r.status_code == 200 and r.json()["items"]
        assert _listing(tmp_path) == before
    # without an index the request says to run 'claimtrace analyze' instead of building one
    other = tmp_path / "bare"
    other.mkdir()
    bare = build(other / "b.db")
    for path in sorted(Path(bare["db"] + ".claimtrace-index").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    os.rmdir(bare["db"] + ".claimtrace-index")
    with TestClient(create_app(bare["db"], encode=fake_encode, cache_s=0)) as client:
        r = client.post("/api/match", json={"text": "The Morvel plant poisoned Lake Tervan", "k": 3})
        assert r.status_code == 409 and "claimtrace analyze" in r.json()["error"]
    assert not Path(bare["db"] + ".claimtrace-index").exists()
