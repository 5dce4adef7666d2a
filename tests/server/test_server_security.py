"""A server a team can run: tokens and roles, audit, rating vocabulary, body limit, no echo,
every status documented, the Host check on every binding, and GETs that change nothing."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from _server_fixtures import build, fake_encode
from fastapi.testclient import TestClient

from claimtrace.server import create_app
from claimtrace.server.security import allowed_hosts_for, host_of
from claimtrace.store import open_store

RATE = "/api/narratives/n-lake/rating"


@pytest.fixture
def info(tmp_path: Path) -> dict[str, Any]:
    return build(tmp_path / "w.db")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_shared_token(info: dict[str, Any]) -> None:
    with TestClient(create_app(info["db"], token="s3cret-token", cache_s=0)) as c:
        r = c.get("/api/stats")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert "Authorization: Bearer" in r.json()["error"]
        assert c.get("/api/stats", headers=_bearer("wrong")).status_code == 401
        assert c.get("/api/stats", headers=_bearer("s3cret-token")).status_code == 200
        assert c.get("/").status_code == 200 and c.get("/openapi.json").status_code == 200  # no data there
        ok = c.post(RATE, json={"rating": "False"}, headers=_bearer("s3cret-token"))
        assert ok.status_code == 200 and ok.json()["rating"]["author"] == "token"


def test_user_roles_and_audit(info: dict[str, Any]) -> None:
    with open_store(info["db"]) as store:
        writer = store.add_user("ana", "write")
        reader = store.add_user("ben", "read")
    with TestClient(create_app(info["db"], cache_s=0)) as c:  # users exist: tokens needed, even here
        assert c.get("/api/narratives").status_code == 401
        assert c.get("/api/narratives", headers=_bearer(reader)).status_code == 200
        denied = c.post(RATE, json={"rating": "False"}, headers=_bearer(reader))
        assert denied.status_code == 403 and "ben" in denied.json()["error"]
        ok = c.post(RATE, json={"rating": "false", "author": "someone else"}, headers=_bearer(writer))
        assert ok.status_code == 200
        assert ok.json()["rating"]["rating"] == "False" and ok.json()["rating"]["author"] == "ana"
    with open_store(info["db"]) as store:
        [row] = store.list_audit()
    assert (row["actor"], row["action"], row["target"]) == ("ana", "narrative.rate", "n-lake")
    assert row["detail"]["rating"] == "False" and row["remote"] and row["at"]


def test_users_added_while_serving_count_at_once(info: dict[str, Any]) -> None:
    with TestClient(create_app(info["db"], cache_s=0)) as c:
        assert c.get("/api/stats").status_code == 200  # open loopback default
        with open_store(info["db"]) as store:
            token = store.add_user("ana", "read")
        assert c.get("/api/stats").status_code == 401
        assert c.get("/api/stats", headers=_bearer(token)).status_code == 200


def test_rating_vocabulary(info: dict[str, Any]) -> None:
    with TestClient(create_app(info["db"], cache_s=0)) as c:
        assert c.get("/api/ratings").json()["ratings"][0] == "False"
        bad = c.post(RATE, json={"rating": "Pants on fire!!"})
        assert bad.status_code == 422 and "must be one of: False, Mostly false" in bad.json()["error"]
        assert "Pants" not in bad.text
        assert c.post(RATE, json={"rating": " mostly  FALSE "}).json()["rating"]["rating"] == "Mostly false"
    with TestClient(create_app(info["db"], cache_s=0, ratings=["Verified", "Debunked"])) as c:
        assert c.get("/api/ratings").json() == {"ratings": ["Verified", "Debunked"]}
        assert c.post(RATE, json={"rating": "False"}).status_code == 422
        assert c.post(RATE, json={"rating": "debunked"}).json()["rating"]["rating"] == "Debunked"


def test_body_limit(info: dict[str, Any]) -> None:
    with TestClient(create_app(info["db"], encode=fake_encode, max_body=4096)) as c:
        big = '{"text": "' + "word " * 2000 + '"}'
        r = c.post("/api/match", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413 and "4096 bytes" in r.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield b'{"text": "'
            for _ in range(100):
                yield b"word " * 100
            yield b'"}'

        streamed = c.post("/api/match", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        small = c.post("/api/match", json={"text": "Morvel plant poisoned Lake Tervan", "k": 1})
        assert small.status_code == 200


def test_validation_errors_never_echo_the_input(info: dict[str, Any]) -> None:
    with TestClient(create_app(info["db"], encode=fake_encode)) as c:
        r = c.post("/api/match", json={"text": "Q" * 6000})
        assert r.status_code == 422 and "QQQQ" not in r.text and len(r.content) < 1000
        assert r.json()["detail"][0]["loc"] == ["body", "text"]
        r = c.get("/api/search", params={"q": "Z" * 1500})
        assert r.status_code == 422 and "ZZZZ" not in r.text
        r = c.post("/api/match", content=b'{"text": "QQQQQQ', headers={"content-type": "application/json"})
        assert r.status_code == 422 and "QQQQ" not in r.text


def test_openapi_lists_every_status(info: dict[str, Any]) -> None:
    with TestClient(create_app(info["db"], token="t")) as c:
        doc = c.get("/openapi.json").json()
        seen = {
            ("get", "/api/stats"): c.get("/api/stats").status_code,  # 401
            ("get", "/api/narratives/{narrative_id}"): c.get(
                "/api/narratives/x", headers=_bearer("t")
            ).status_code,
            ("post", "/api/match"): c.post(
                "/api/match", content="x", headers={**_bearer("t"), "content-type": "text/plain"}
            ).status_code,
        }
    assert seen == {
        ("get", "/api/stats"): 401,
        ("get", "/api/narratives/{narrative_id}"): 404,
        ("post", "/api/match"): 415,
    }
    for (method, path), status in seen.items():
        assert str(status) in doc["paths"][path][method]["responses"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"200", "400", "401", "403", "404", "422"} <= codes, (method, path)
            if method == "post":
                assert {"413", "415"} <= codes, path
    assert doc["components"]["schemas"]["Error"]["required"] == ["error"]


@pytest.mark.parametrize(
    ("bind", "good", "bad"),
    [
        ("127.0.0.1", ["127.0.0.1:8765", "localhost:8765"], ["attacker.example", "127.0.0.1.evil.example"]),
        ("::1", ["[::1]:8765", "localhost"], ["attacker.example", "[::2]:8765"]),
        ("0.0.0.0", ["127.0.0.1"], ["attacker.example:8765"]),
        ("10.1.2.3", ["10.1.2.3:8765"], ["10.1.2.4", "attacker.example"]),
    ],
)
def test_host_check_holds_on_every_binding(
    info: dict[str, Any], bind: str, good: list[str], bad: list[str]
) -> None:
    allowed = allowed_hosts_for(bind, ["claims.newsroom.example"])
    assert allowed is not None and "0.0.0.0" not in allowed
    with TestClient(create_app(info["db"], allowed_hosts=allowed)) as c:
        for host in [*good, "claims.newsroom.example"]:
            assert c.get("/api/stats", headers={"host": host}).status_code == 200, host
        for host in bad:
            r = c.get("/api/stats", headers={"host": host})
            assert r.status_code == 400 and "Host" in r.json()["error"], host
    assert allowed_hosts_for("0.0.0.0", ["*"]) is None
    assert host_of("[::1]:8765") == "::1" and host_of("Example.ORG.:80") == "example.org"


def test_no_get_commits_anything(info: dict[str, Any]) -> None:
    """Files are checked by test_reads_write_nothing.py; here: no transaction is committed."""
    db = info["db"]
    watcher = sqlite3.connect(db)
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    with TestClient(create_app(db, encode=fake_encode, cache_s=0)) as c:
        values = {
            "narrative_id": "n-lake",
            "doc_id": info["docs"]["wire"],
            "entity_id": "x",
            "story_id": "x",
        }
        paths = [p for p, ops in c.get("/openapi.json").json()["paths"].items() if "get" in ops]
        assert "/api/search" in paths and len(paths) >= 12
        for path in paths:
            url = path.format(**values)
            query = {"q": "Morvel waste"} if path == "/api/search" else {}
            assert c.get(url, params=query).status_code in (200, 404), url
        assert c.get("/").status_code == 200
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == version  # nothing committed
    watcher.close()


def test_serve_needs_tokens_off_loopback(info: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvicorn")
    import uvicorn
    from typer.testing import CliRunner

    from claimtrace.cli import app

    runner = CliRunner()
    monkeypatch.delenv("CLAIMTRACE_TOKEN", raising=False)
    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda a, **kw: started.append((a, kw)))
    refused = runner.invoke(app, ["serve", "--db", info["db"], "--host", "0.0.0.0"])
    assert refused.exit_code == 1 and "needs access tokens" in refused.output and not started
    assert runner.invoke(app, ["serve", "--db", info["db"], "--host", "::1"]).exit_code == 0
    served, kw = started[-1]
    assert kw["host"] == "::1" and not served.state.access.required  # loopback: open, as before
    with TestClient(served) as c:
        assert c.get("/api/stats", headers={"host": "[::1]:8765"}).status_code == 200
        assert c.get("/api/stats", headers={"host": "attacker.example"}).status_code == 400
    monkeypatch.setenv("CLAIMTRACE_TOKEN", "team-token")
    assert runner.invoke(app, ["serve", "--db", info["db"], "--host", "0.0.0.0"]).exit_code == 0
    served, _ = started[-1]
    with TestClient(served) as c:
        assert c.get("/api/stats", headers={"host": "127.0.0.1"}).status_code == 401


def test_users_command(info: dict[str, Any]) -> None:
    from typer.testing import CliRunner

    from claimtrace.cli import app

    runner = CliRunner()
    db = info["db"]
    add = runner.invoke(app, ["users", "add", "ana", "--role", "write", "--db", db])
    assert add.exit_code == 0 and add.output.strip().startswith("ct_")
    token = add.output.strip()
    again = runner.invoke(app, ["users", "add", "ana", "--db", db])
    assert again.exit_code == 1 and "exists already" in again.output
    assert runner.invoke(app, ["users", "add", "bad name", "--db", db]).exit_code == 2
    assert runner.invoke(app, ["users", "add", "cy", "--role", "admin", "--db", db]).exit_code == 2
    listed = runner.invoke(app, ["users", "list", "--db", db]).output
    assert listed.startswith("ana\twrite\t") and token not in listed
    new = runner.invoke(app, ["users", "token", "ana", "--db", db]).output.strip()
    with open_store(db) as store:
        assert store.user_for_token(token) is None and store.user_for_token(new) is not None
    assert runner.invoke(app, ["users", "remove", "ana", "--db", db]).exit_code == 0
    assert runner.invoke(app, ["users", "remove", "ana", "--db", db]).exit_code == 1
    audit = runner.invoke(app, ["users", "audit", "--db", db]).output.splitlines()
    assert [line.split("\t")[2] for line in audit] == ["users.remove", "users.token", "users.add"]


PG_URL = os.environ.get("CLAIMTRACE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def test_several_analysts_at_once_on_postgres() -> None:
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(PG_URL, connect_timeout=2).close()
    except Exception:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    from claimtrace.model import Document, Narrative
    from claimtrace.store.postgres import PostgresStore

    url = f"{PG_URL}?schema=ct_srv_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    store = open_store(url)
    assert isinstance(store, PostgresStore)
    try:
        doc = Document(text="The Morvel plant poisoned Lake Tervan, the minister said.", source="pg/a.txt")
        store.add_documents([doc])
        store.save_narratives(
            [Narrative(id="n-lake", label="Morvel plant poisoned Lake Tervan", documents=[doc.id])]
        )
        tokens = [store.add_user(f"analyst{i}", "write") for i in range(4)]
        # two servers over one database, two analysts on each, all at once
        with (
            TestClient(create_app(url, cache_s=0)) as one,
            TestClient(create_app(url, cache_s=0)) as two,
        ):

            def analyst(i: int) -> list[int]:
                c = (one, two)[i % 2]
                rating = {"rating": ("False", "Misleading")[i % 2]}
                return [c.post(RATE, json=rating, headers=_bearer(tokens[i])).status_code for _ in range(5)]

            with ThreadPoolExecutor(4) as pool:
                codes = [code for result in pool.map(analyst, range(4)) for code in result]
        assert codes == [200] * 20
        audit = store.list_audit(limit=100)
        assert len(audit) == 20 and {r["actor"] for r in audit} == {f"analyst{i}" for i in range(4)}
        assert store.load_ratings()["n-lake"]["author"].startswith("analyst")
    finally:
        store.drop_schema()
        store.close()


def test_cli_rating_uses_the_vocabulary(info: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from claimtrace.cli import app

    runner = CliRunner()
    rate = ["narratives", "rate", "n-lake", "--db", info["db"], "--rating"]
    bad = runner.invoke(app, [*rate, "Pants on fire"])
    assert bad.exit_code == 2 and "Mostly false" in bad.output
    assert runner.invoke(app, [*rate, "mostly FALSE"]).exit_code == 0
    monkeypatch.setenv("CLAIMTRACE_RATINGS", "Verified, Debunked")
    assert runner.invoke(app, [*rate, "debunked"]).exit_code == 0
    with open_store(info["db"]) as store:
        assert store.load_ratings()["n-lake"]["rating"] == "Debunked"
        actions = [(r["action"], r["detail"]["rating"]) for r in store.list_audit()]
    assert actions == [("narrative.rate", "Debunked"), ("narrative.rate", "Mostly false")]


def test_an_old_snapshot_is_refreshed_in_the_background(info: dict[str, Any]) -> None:
    import time

    from claimtrace.server.catalog import Catalog

    with open_store(info["db"]) as store:
        cat = Catalog(store, info["db"], cache_s=0.05)
        first = cat.snapshot()
        time.sleep(0.1)
        assert cat.snapshot() is first  # old: still answered at once ...
        for _ in range(100):
            if cat.snapshot() is not first:
                break
            time.sleep(0.05)
        assert cat.snapshot() is not first  # ... and replaced once the rebuild is done
