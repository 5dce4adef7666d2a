"""The dashboard page and its assets: served locally, nothing from the network, data as text only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from claimtrace.server import create_app
from claimtrace.server.app import STATIC


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v for k, v in attrs if k in ("src", "href", "action") and v is not None]


@pytest.fixture(scope="module")
def client(corpus: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(corpus["db"])) as c:
        yield c


def test_dashboard_is_served_with_only_local_assets(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "unsafe-inline" not in csp
    parser = _Refs()
    parser.feed(r.text)
    assert "/static/app.js" in parser.refs and "/static/style.css" in parser.refs
    for ref in parser.refs:
        assert ref.startswith(("/", "#", "data:")) and not ref.startswith("//"), ref
    assert "<script>" not in r.text and " style=" not in r.text  # no inline script or style (CSP)
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/nope.js").status_code == 404
    assert client.head("/").status_code == 200


def test_assets_load_nothing_from_the_network() -> None:
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        urls = set(re.findall(r"https?://[^\s\"'`)]+", text))
        assert urls <= {"http://www.w3.org/2000/svg"}, (path.name, urls)
        assert "@import" not in text and "url(" not in text.replace("new URL(", ""), path.name


def test_script_puts_data_in_as_text_only() -> None:
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    code = "\n".join(line for line in js.splitlines() if not line.lstrip().startswith(("*", "/*", "//")))
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code, sink
    assert "createTextNode" in code and "textContent" in code
    assert "Array.from(text)" in code  # offsets are code points, as in Python


def test_swagger_pages_are_off_and_openapi_stays(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    schema = client.get("/openapi.json").json()
    assert "/api/narratives/{narrative_id}" in schema["paths"]


def test_serve_command_is_registered_and_checks_the_database(tmp_path: Path) -> None:
    from claimtrace.cli import app
    from claimtrace.cli.serve import register

    runner = CliRunner()
    assert "serve" in runner.invoke(app, ["--help"]).output
    single = typer.Typer()
    register(single)
    missing = tmp_path / "missing.db"
    result = runner.invoke(single, ["--db", str(missing)])
    assert result.exit_code == 1 and "no such database" in result.output
    assert not missing.exists()
