"""The HTML report in real headless Chromium: no script injection, no console errors, charts drawn.

Needs Debian's chromium at /usr/bin/chromium (``apt-get install chromium``) and the playwright
python package; never downloads a browser. docs/report-screenshot.png is the main job's report
for examples/, redrawn by scripts/report_screenshot.py (not by this test's sample export).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimtrace.report.html import render_html
from claimtrace.report.sample import sample_export


def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:", "about:")) else requests.append(r.url),
    )
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


def test_payload_never_executes(browser: Any, tmp_path: Path) -> None:
    from test_report_html import hostile_export

    path = tmp_path / "hostile.html"
    path.write_text(render_html(hostile_export()), encoding="utf-8")
    page, errors, requests = _open(browser, path)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.mouse.wheel(0, 20000)
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('main img, main iframe').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    # the payload is visible as text
    assert "window.__pwned=1" in page.inner_text("#doc-sections")
    assert not [e for e in errors if not e.startswith("console: Refused")], errors
    assert requests == []
    page.close()


def test_report_renders_cleanly_and_screenshot(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(render_html(sample_export(), title="Kessa drone claims: sample corpus"), encoding="utf-8")
    page, errors, requests = _open(browser, path)
    assert errors == []
    assert requests == []  # nothing loaded from the network
    dots = page.locator("svg.timeline circle.tl-dot")
    assert dots.count() == 8  # 7 narrative documents + the single-document narrative
    box = dots.first.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    assert page.locator("svg.prov g.node").count() >= 4
    # legend toggles hide the stance's dots
    page.locator("button.legend-item[data-stance='AMPLIFIES']").first.click()
    assert page.locator("svg.timeline circle.tl-dot.hidden").count() == 2
    # document filter
    page.fill("#doc-filter", "meridian")
    assert page.inner_text("#doc-count") == "2"
    page.fill("#doc-filter", "")
    # a claim link opens its document and lands on the highlighted passage
    page.locator("ol.claims a.open").first.click()
    page.wait_for_timeout(200)
    assert page.evaluate("[...document.querySelectorAll('details.doc')].filter(d => d.open).length") == 1
    assert errors == []
    page.close()
    page, errors, _ = _open(browser, path)  # a fresh load for the screenshot
    page.wait_for_timeout(200)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    page.close()
