"""HTML and Markdown reports from the fictional sample export: structure, escaping, spans, scale."""

from __future__ import annotations

import copy
import html
import re
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.errors import ClaimtraceError
from claimtrace.report.highlight import Mark, highlight
from claimtrace.report.html import render_html, script_json, write_report
from claimtrace.report.markdown import render_markdown
from claimtrace.report.sample import sample_export

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
PAYLOAD = f"{SCRIPT}{IMG}"


def hostile_export() -> dict[str, Any]:
    """The sample with the payload in text, title, outlet, author, entity names, claim content, labels."""
    ex = copy.deepcopy(sample_export())
    for doc in ex["documents"]:
        doc["title"] = f"{doc['title']} {PAYLOAD}"
        doc["outlet"] = f"{doc['outlet']} {PAYLOAD}"
        doc["author"] = PAYLOAD
        doc["source"] = f"javascript:alert(1)//{PAYLOAD}"
        doc["text"] = doc["text"] + " " + PAYLOAD  # appended: offsets stay valid
    for ent in ex["entities"]:
        ent["name"] = f"{ent['name']} {PAYLOAD}"
    for claim in ex["claims"]:
        claim["content"] = f"{claim['content']} {PAYLOAD}"
        claim["speaker"]["text"] = PAYLOAD
    for nar in ex["narratives"]:
        nar["label"] = f"{nar['label']} </script><!-- {PAYLOAD}"
        for row in nar["timeline"]:
            row["outlet"] = f"{row['outlet']} {PAYLOAD}"
        for mut in nar["mutations"]:
            mut["value"] = PAYLOAD
    for story in ex["stories"]:
        story["label"] = PAYLOAD
    ex["ratings"]["nar-kessa-drones"]["note"] = PAYLOAD
    ex["ratings"]["nar-kessa-drones"]["rating"] = PAYLOAD
    return ex


def test_report_has_every_part() -> None:
    ex = sample_export()
    page = render_html(ex, title="Demo report")
    assert page.startswith("<!doctype html>")
    assert "<title>Demo report</title>" in page
    for section in ('id="overview"', 'id="narratives"', 'id="stories"', 'id="documents"'):
        assert section in page
    nar = ex["narratives"][0]
    assert f'id="nar-{nar["id"]}"' in page
    # one timeline marker per timeline row, colored by stance
    tl = re.search(r'<svg class="chart timeline" id="nar-nar-kessa-drones-tl".*?</svg>', page, re.S)
    assert tl and tl.group(0).count('class="tl-dot"') == len(nar["timeline"])
    assert 'data-stance="DEBUNKS"' in tl.group(0)
    # mutation table shows the changed figure and target
    assert "<b>about 120</b>" in page and "<b>Talvex Systems</b>" in page
    assert "<h3>Carried by</h3>" in page and "The Harlan Interior Ministry" in page
    # provenance graph: origin box and arrows
    assert 'class="chart prov"' in page and 'class="node origin"' in page and "marker-end" in page
    # every document has a section and every claim an anchor in it
    for doc in ex["documents"]:
        assert f'id="doc-{doc["id"]}"' in page
    for claim in ex["claims"]:
        anchor_id = "claim-" + re.sub(r"[^A-Za-z0-9_-]+", "-", claim["id"])
        assert anchor_id in page
    assert "FALSE" in page.upper() and "Port records" in page  # analyst verdict


def test_self_contained() -> None:
    page = render_html(sample_export())
    assert "Content-Security-Policy" in page
    assert not re.search(r"""<(script|img|link|iframe)[^>]+(src|href)=["']?https?:""", page, re.I)
    assert "@import" not in page and "url(http" not in page
    assert '<link rel="stylesheet"' not in page


def test_untrusted_text_is_escaped() -> None:
    page = render_html(hostile_export())
    data = re.search(r'<script type="application/json" id="ct-data">(.*?)</script>', page, re.S)
    assert data and "<" not in data.group(1) and ">" not in data.group(1)
    markup = page.replace(data.group(1), "")
    assert SCRIPT not in markup
    assert "<img" not in markup
    assert 'onerror="' not in markup  # only ever as escaped text: onerror=&quot;
    assert 'href="javascript:' not in markup
    assert html.escape(SCRIPT) in markup  # shown, as text
    assert markup.count("<script") == 2  # the JSON data block and the report's own script


def test_script_json_escapes_closing_tags() -> None:
    out = script_json({"x": "</script><!-- & \u2028"})
    assert "</" not in out and "<!--" not in out and "&" not in out


def test_overlapping_spans_cut_into_flat_pieces() -> None:
    out = highlight("abcdef", [Mark(0, 4, "x", "X"), Mark(2, 6, "y", "Y"), Mark(3, 3, "z")])
    assert out == (
        '<span class="x" title="X">ab</span><span class="x y" title="X\nY">cd</span>'
        '<span class="y" title="Y">ef</span>'
    )


def test_out_of_range_spans_are_clamped() -> None:
    out = highlight("abc", [Mark(-5, 2, "x"), Mark(2, 99, "y"), Mark(7, 9, "z")])
    assert re.sub(r"<[^>]+>", "", out) == "abc"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-3, 70), st.integers(-3, 70)), max_size=8))
def test_highlight_keeps_text(text: str, spans: list[tuple[int, int]]) -> None:
    out = highlight(text, [Mark(a, b, f"c{i}", "t<i>") for i, (a, b) in enumerate(spans)])
    visible = html.unescape(re.sub(r"<[^>]+>", "", out.replace("<br>\n", "\n")))
    assert visible == text.replace("\r\n", "\n")
    assert out.count("<span") == out.count("</span>")


def test_document_cap_adds_note() -> None:
    page = render_html(sample_export(), max_documents=3)
    assert page.count('<details class="doc card"') == 3
    assert "full text is not included" in page


def test_markdown_report_escapes_and_covers() -> None:
    md = render_markdown(hostile_export())
    assert "<script" not in md and "<img" not in md
    assert "&lt;script&gt;" in md
    clean = render_markdown(sample_export())
    assert "## Narrative: Brevia is shipping attack drones" in clean
    assert "| quantity | about 120 | 200 |" in clean  # the figure as written, then the one it replaced
    assert "### Carried by" in clean and "Outlets: Coastline Wire" in clean
    assert "Verdict: False" in clean


def test_write_report_formats(tmp_path: Any) -> None:
    write_report(sample_export(), tmp_path / "r.html")
    write_report(sample_export(), tmp_path / "r.md", fmt="md")
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# ")
    with pytest.raises(ClaimtraceError, match="unknown export format 'pdf'"):
        write_report(sample_export(), tmp_path / "r.pdf", fmt="pdf")


def test_empty_and_partial_exports_render() -> None:
    assert "No narratives" in render_html({"documents": []})
    page = render_html(
        {
            "documents": [{"id": "x", "text": "Hi", "published": "not a date"}],
            "narratives": [{"id": "n", "documents": ["x"], "claims": ["missing"]}],
        }
    )
    assert 'id="doc-x"' in page and "No dated documents" in page


def _scaled(n: int) -> dict[str, Any]:
    base = sample_export()
    ex: dict[str, Any] = {
        k: [] for k in ("documents", "entities", "claims", "reuse", "stories", "narratives")
    }
    nar = {
        "id": "big",
        "label": "Big narrative",
        "documents": [],
        "claims": [],
        "timeline": [],
        "stances": [],
        "mutations": [],
    }
    for i in range(n):
        for doc in base["documents"][:1]:
            d = dict(
                doc,
                id=f"d{i}",
                outlet=f"Outlet {i % 40}",
                published=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            )
            ex["documents"].append(d)
            nar["documents"].append(d["id"])
            nar["timeline"].append({"date": d["published"], "doc": d["id"], "outlet": d["outlet"]})
            nar["stances"].append({"doc": d["id"], "stance": "ATTRIBUTES", "evidence": []})
            for c in base["claims"][:2]:
                ex["claims"].append(dict(c, id=f"d{i}:{c['start']}", doc=d["id"]))
                nar["claims"].append(f"d{i}:{c['start']}")
    ex["narratives"].append(nar)
    return ex


def test_render_time_for_5000_documents() -> None:
    ex = _scaled(5000)
    t0 = time.perf_counter()
    page = render_html(ex)
    elapsed = time.perf_counter() - t0
    assert page.count('<details class="doc card"') == 300  # capped
    assert page.count("<tr data-q=") == 1000  # the index is capped too, with a note
    assert "1,000 of 5,000 documents are listed" in page and "claimtrace serve" in page
    assert elapsed < 10, elapsed


def _many_narratives(n_docs: int, n_nars: int) -> dict[str, Any]:
    ex = _scaled(n_docs)
    big = ex["narratives"][0]
    for k in range(n_nars):
        docs = big["documents"][k % n_docs : k % n_docs + 3]
        ex["narratives"].append(
            dict(big, id=f"n{k}", label=f"Narrative {k}", documents=docs, claims=[], timeline=[], stances=[])
        )
    ex["stories"] = [
        {"id": f"s{k}", "label": f"Story {k}", "documents": big["documents"][k : k + 2]}
        for k in range(n_nars)
    ]
    return ex


def test_report_stays_bounded_and_full_lifts_the_caps() -> None:
    ex = _many_narratives(400, 300)
    page = render_html(ex)
    assert page.count('class="card narrative"') == 30  # the largest narratives in full
    assert 'id="more-narratives"' in page and page.count('<tr id="nar-') == 271  # the rest as rows
    assert page.count('<details class="story"') == 100
    everything = render_html(ex, full=True)
    assert everything.count('class="card narrative"') == 301
    assert 'id="more-narratives"' not in everything
    assert everything.count('<details class="story"') == 300
    assert everything.count('<details class="doc card"') == 400
    assert len(page) < 0.6 * len(everything)


def test_report_size_grows_sublinearly() -> None:
    small = len(render_html(_many_narratives(3000, 500)))
    large = len(render_html(_many_narratives(12000, 2000)))
    assert large < small * 1.6, (small, large)


def test_thin_timeline_keeps_one_dot_per_outlet_day_and_stance() -> None:
    from claimtrace.report.html import thin_timeline

    rows = [
        {"date": f"2024-01-{1 + i % 20:02d}", "doc": f"d{i}", "outlet": f"o{i % 50}", "stance": ""}
        for i in range(5000)
    ]
    thin = thin_timeline(rows, limit=300)
    assert len(thin) <= 300 and len({r["outlet"] for r in thin}) <= 30
    assert len({(r["outlet"], r["date"], r["stance"]) for r in thin}) == len(thin)
    assert thin_timeline(rows[:10]) == rows[:10]
