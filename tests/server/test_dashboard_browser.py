"""The dashboard in real headless Chromium against a live server on 127.0.0.1.

Needs Debian's chromium at /usr/bin/chromium and the playwright python package; never
downloads a browser. The server binds a free loopback port in a thread and stops at the
end of the module. Set CLAIMTRACE_UPDATE_SCREENSHOT=1 to refresh docs/dashboard-screenshot.png
(it is also written when missing).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "dashboard-screenshot.png"

uvicorn = pytest.importorskip("uvicorn")

from _server_fixtures import build, fake_encode  # noqa: E402

from claimtrace.server import create_app  # noqa: E402


def _serve(db: str) -> Iterator[str]:
    """Run the app on a free 127.0.0.1 port in a thread; yield its base URL; stop it afterwards."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(db, encode=fake_encode, allowed_hosts=["127.0.0.1", "localhost"])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="module")
def clean_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(build(tmp_path_factory.mktemp("dash") / "clean.db")["db"])


@pytest.fixture(scope="module")
def hostile_url(corpus: dict[str, Any]) -> Iterator[str]:
    yield from _serve(corpus["db"])


def _open(browser: Any, base: str, hash_: str = "#/") -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith((base, "data:")) else outside.append(r.url))
    page.goto(base + "/" + hash_)
    page.wait_for_selector("body[data-ready]")
    return page, errors, outside


def _go(page: Any, hash_: str, selector: str) -> None:
    page.evaluate("h => { document.body.removeAttribute('data-ready'); location.hash = h; }", hash_)
    page.wait_for_selector("body[data-ready]")
    page.wait_for_selector(selector)


def test_dashboard_renders_and_works(browser: Any, clean_url: str, tmp_path: Path) -> None:
    page, errors, outside = _open(browser, clean_url)
    assert page.locator("#cards .card").count() == 8
    assert page.locator("#narratives tr.narrative-row").count() == 2
    assert page.inner_text("#narratives tr.narrative-row >> nth=0").startswith(
        "Morvel plant poisoned Lake Tervan"
    )
    # a narrative: timeline dots, mutations, stances per outlet, then a rating round trip
    page.locator("#narratives a", has_text="Morvel plant").click()
    page.wait_for_selector("svg.timeline circle.tl-dot")
    assert page.locator("svg.timeline circle.tl-dot").count() == 4
    assert page.locator("svg.timeline circle.DEBUNKS").count() == 1
    assert "about 3,000" in page.inner_text("main") and "Northgate Observer" in page.inner_text("main")
    assert "Carried by" in page.inner_text("main")
    page.wait_for_timeout(150)
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    page.fill("input[name=rating]", "False")
    page.fill("input[name=note]", "water tests found no waste")
    page.click(".rating-form button")
    page.wait_for_selector("text=Current rating")
    assert "water tests found no waste" in page.inner_text("main")
    # a timeline dot opens its document, with claims and entities highlighted
    page.locator("svg.timeline circle.DEBUNKS").click()
    page.wait_for_selector("#doc-text .claim")
    assert page.inner_text("#doc-title").startswith("No, the Morvel plant")
    assert page.locator("#doc-text .ent.PERSON").count() >= 1
    # search box and match box
    page.fill("#search-q", "tonnes of waste")
    page.press("#search-q", "Enter")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results li").count() >= 2
    _go(page, "#/match", "#match-text")
    page.fill("#match-text", "Morvel dumped waste into Lake Tervan")
    page.click("#match-text ~ p button")
    page.wait_for_selector("#match-results li")
    assert "Morvel" in page.inner_text("#match-results")
    _go(page, "#/documents?outlet=Brask%20Herald", "main table tbody tr")
    assert page.locator("main table tbody tr").count() == 1
    _go(page, "#/entities?type=PERSON", "main table tbody tr")
    assert page.locator("main table tbody tr").count() == 3
    _go(page, "#/narratives/no-such-id", "#error:not([hidden])")
    assert "no-such-id" in page.inner_text("#error")
    errors = [e for e in errors if "404" not in e]  # the deliberate 404 above
    assert errors == [] and outside == []
    page.close()
    if os.environ.get("CLAIMTRACE_UPDATE_SCREENSHOT") == "1" or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)


def test_hostile_text_never_executes(browser: Any, hostile_url: str, corpus: dict[str, Any]) -> None:
    page, errors, outside = _open(browser, hostile_url)
    _go(page, "#/documents", "main table tbody tr")
    hostile = page.locator("main table a", has_text="Tervan update")
    assert hostile.inner_text().startswith('<img src=x onerror="window.__pwned=1">')
    hostile.click()
    page.wait_for_selector("#doc-text .claim")
    assert "<script>window.__pwned=1</script>" in page.inner_text("#doc-text")
    _go(page, "#/search?q=Tervan", "#search-results li")
    _go(page, "#/", "#narratives")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('main img, main script, main iframe').length") == 0
    assert errors == [] and outside == []
    page.close()
