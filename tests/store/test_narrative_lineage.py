"""Ratings follow narrative ids through merge events; dissolved ones are reported, never dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrace.cli import app
from claimtrace.model import Narrative
from claimtrace.store import open_store

runner = CliRunner()


def _db(tmp_path: Path) -> str:
    """C is live and carries A and B (merged in two runs); D dissolved; X is live and untouched."""
    db = str(tmp_path / "l.db")
    with open_store(db) as store:
        store.save_narratives(
            [
                Narrative(
                    id="C", label="the ferry stops", claims=["d1:0-9", "d2:0-9"], documents=["d1", "d2"]
                ),
                Narrative(id="X", label="the mill closes", claims=["d3:0-9"], documents=["d3"]),
            ]
        )
        for kind, payload in [
            ("merge", {"narrative": "B", "from": ["B", "A"], "at": "run1"}),
            ("merge", {"narrative": "C", "from": ["C", "B"], "at": "run2"}),
            (
                "dissolved",
                {"narrative": "D", "from": ["D"], "at": "run2", "claims": {"unclustered": 2, "removed": 1}},
            ),
        ]:
            store.add_narrative_event(kind, payload)
        store.set_rating("A", "False", "port log says otherwise", author="ed")
        store.set_rating("D", "Misleading", "old numbers", author="ed")
        store.set_rating("X", "True", None, author="ed")
    return db


def test_store_resolves_ratings_through_events(tmp_path: Path) -> None:
    with open_store(_db(tmp_path)) as store:
        ratings = store.load_ratings()
        assert ratings["C"]["rating"] == "False" and ratings["C"]["inherited_from"] == "A"
        assert ratings["C"]["note"] == "port log says otherwise"
        assert ratings["X"] == {k: ratings["X"][k] for k in ("rating", "note", "author", "created_at")}
        assert ratings["D"]["orphan"] and ratings["D"]["ended_by"]["claims"]["unclustered"] == 2
        assert "A" not in ratings and "B" not in ratings  # reached through C
        cur, path = store.resolve_narrative("A")
        assert cur == "C" and [e["at"] for e in path] == ["run1", "run2"]
        assert store.resolve_narrative("X") == ("X", [])
        assert store.resolve_narrative("D")[0] is None and store.resolve_narrative("nope") == (None, [])


def test_cli_old_ids_and_orphans(tmp_path: Path) -> None:
    db = _db(tmp_path)
    out = runner.invoke(app, ["narratives", "show", "A", "--db", db])
    assert (
        out.exit_code == 0
        and out.stdout.startswith("C  the ferry stops")
        and "A was merged into C" in out.stderr
    )
    assert "rating: False" in out.stdout and "(given to A)" in out.stdout
    gone = runner.invoke(app, ["narratives", "show", "D", "--db", db])
    assert gone.exit_code == 1 and "dissolved" in gone.output
    orphans = runner.invoke(app, ["narratives", "list", "--orphans", "--db", db])
    assert orphans.exit_code == 0 and orphans.stdout.splitlines() == [
        "D\tMisleading\told numbers\t"
        "dissolved run2: 2 claim(s) now in no narrative, 1 no longer in the corpus"
    ]
    assert runner.invoke(app, ["narratives", "rate", "B", "--rating", "True", "--db", db]).exit_code == 0
    with open_store(db) as store:
        assert store.load_ratings()["C"]["rating"] == "True"  # rated under C, its own now
    events = runner.invoke(app, ["narratives", "events", "--db", db])
    assert "dissolved\tD\tdissolved run2" in events.stdout


def test_api_answers_old_ids_with_their_successor(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from claimtrace.server import create_app

    db = _db(tmp_path)
    with TestClient(create_app(db, cache_s=0)) as client:
        got = client.get("/api/narratives/A")
        assert got.status_code == 200
        body = got.json()
        assert body["id"] == "C" and body["resolved_from"] == "A" and body["rating"]["inherited_from"] == "A"
        assert client.get("/api/narratives/D").status_code == 404
        assert client.post("/api/narratives/A/rating", json={"rating": "True"}).json()["narrative"] == "C"
