"""The plain-text reader on fixtures written for it (fictional outlets and people)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrace.readers import read_path
from claimtrace.readers.normalize import normalize_text
from claimtrace.readers.text import parse_text, text_document

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "readers"

CASES = {
    "pipe_byline.txt": dict(
        title="Harbor ferry strike enters second week",
        subtitle="Union leaders say talks with the port authority have stalled over pay",
        published="2021-03-03",
        author="Jane Doe",
        starts="PORT ALDER - The strike",
        ends="as much as a third.",
        absent=["Share this", "By Jane Doe", "Twitter"],
    ),
    "published_label.txt": dict(
        title="Lakeside mill to close after 90 years",
        published="2020-09-14",
        author="Karl Brandt",
        starts="The Lakeside paper mill",
        absent=["Published:", "Reporting by"],
    ),
    "german.txt": dict(
        title="Stadtrat beschließt neue Radwege",
        published="2021-03-03",
        author="Anna Schmidt",
        credits=["dpa"],
        language="de",
        absent=["Lesen Sie auch", "Buslinie"],
    ),
    "french.txt": dict(
        title="La ville de Beaulac inaugure sa nouvelle médiathèque",
        published="2021-03-03",
        author="Jean Dupont",
        credits=["AFP"],
        language="fr",
        absent=["lire aussi", "Par Jean"],
    ),
    "spanish.txt": dict(
        published="2021-03-03",
        author="María López",
        credits=["EFE"],
        language="es",
        absent=["derechos reservados", "Por María"],
    ),
    "russian.txt": dict(
        title="В Заречье открылся новый мост через реку",
        published="2021-03-03",
        author="Иван Петров",
        language="ru",
        starts="В городе Заречье",
        absent=["Читайте также", "Автор"],
    ),
    "no_title.txt": dict(title=None, published=None, author=None, starts="The regional assembly of Westmark"),
    "caption_signoff.txt": dict(
        title="Wildfire forces evacuation of mountain villages",
        published=None,
        credits=["AP"],
        captions=["Firefighters watch the flames", "Smoke rises over the valley"],
        starts="SANTA INES (AP) — Hundreds",
        ends="the service said.",
        absent=[
            "Advertisement",
            "Read more",
            "Kim Lee/Valley Herald",
            "Related Articles",
            "Heatwave",
            "— AP",
        ],
        present=["far from under control", "No injuries had been reported"],
    ),
    "signoff_code.txt": dict(
        title=None,
        published="2021-11-02",
        author="riverwatch_77",
        credits=["Interfax", "QNX"],
        starts="The water level of the Ostra",
        absent=["QNX/", "Posted on", "date 2021"],
    ),
    "bom_crlf.txt": dict(
        title="Title of a test item", starts="The council met", absent=["\r", "\u00a0", "\ufeff"]
    ),
    "cp1252.txt": dict(
        title=None, language="fr", starts="Le café de la gare à Montclair", present=["« Je remercie"]
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture(name: str) -> None:
    want = CASES[name]
    [doc] = read_path(str(FIX / name))
    assert doc.source == os.path.abspath(FIX / name)
    for key in ("title", "subtitle", "published", "author", "language"):
        if key in want:
            assert getattr(doc, key) == want[key], key
    for credit in want.get("credits", []):
        assert credit in doc.credits
    for cap in want.get("captions", []):
        assert any(c.startswith(cap) for c in doc.captions), doc.captions
    if "starts" in want:
        assert doc.text.startswith(want["starts"])
    if "ends" in want:
        assert doc.text.endswith(want["ends"])
    for bad in want.get("absent", []):
        assert bad not in doc.text
    for good in want.get("present", []):
        assert good in doc.text
    assert doc.meta["format"] == "text"
    for span in doc.layers["paragraphs"]:
        assert 0 <= span.start < span.end <= len(doc.text)
        assert doc.text[span.start : span.end].strip() == doc.text[span.start : span.end]


def test_body_date_is_not_published() -> None:
    doc = text_document(
        "The vote was held on March 3, 2021 in Oldbury, officials said.\n\nIt passed.", source="x"
    )
    assert doc.published is None


def test_title_needs_body_after_it() -> None:
    assert parse_text("Only a short line").title is None
    assert parse_text("Only a short line").text == "Only a short line"


def test_sentence_first_line_is_not_a_title() -> None:
    p = parse_text("Officials in Eastfield said the road would reopen.\nIt had been closed for a week.")
    assert p.title is None
    assert p.text.startswith("Officials in Eastfield")


def test_by_sentence_is_not_a_byline() -> None:
    p = parse_text("By the end of the week, the river had fallen again, officials said.\n\nRoads reopened.")
    assert p.author is None
    assert p.text.startswith("By the end of the week")


def test_all_furniture_keeps_text() -> None:
    p = parse_text("Share\nTwitter\nFacebook\n")
    assert p.text  # never lose the words


def test_source_and_id_stable() -> None:
    a = text_document("Some body text that is long enough.", source="/a.txt")
    b = text_document("Some body text that is long enough.", source="/a.txt")
    c = text_document("Some body text that is long enough.", source="/b.txt")
    assert a.id == b.id != c.id


# --- properties -------------------------------------------------------------------------

LINES = st.sampled_from(
    [
        "",
        "Harbor ferry strike enters second week",
        "By Jane Doe | March 3, 2021",
        "Published: 3 March 2021",
        " date 2022-01-02 Posted on by somebody",
        "(Photo credit: Valley Herald)",
        "Most Popular",
        "Share this:",
        "Advertisement",
        "Read more: Something else",
        "XYZ/",
        "— AP",
        "(Reporting by Ann Lee; Editing by Bo Ek)",
        "Boats wait at the quay (Kim Lee/Valley Herald)",
        "The council met on Monday, officials said.",
        "\u201cWe will not give up,\u201d she said.",
        "Von Anna Schmidt, 3. März 2021",
        "Source: The Valley Herald",
        "Published by Hollin Press",
        "URL: https://www.valley-herald.example/a/b",
        "https://valley-herald.example/x",
        "© 2021 Valley Herald Media. All rights reserved.",
        "Copyright 2021 The Associated Press",
        "\u00a0",
        "\r",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(LINES, st.text(max_size=80)), max_size=14))
def test_parse_never_crashes_and_keeps_offsets(lines: list[str]) -> None:
    raw = "\n".join(lines)
    norm = normalize_text(raw)
    p = parse_text(raw)
    # every piece of the body is an exact substring of the normalised input
    for piece in p.text.split("\n\n"):
        if piece:
            assert piece in norm
    for value in (p.title, p.subtitle, *p.captions):
        if value is not None:
            assert value in norm
    for s, e in p.paragraphs:
        assert 0 <= s < e <= len(p.text)
    if norm.strip():
        assert p.text.strip()
    assert p.text == p.text.strip()
    if p.published is not None:
        assert len(p.published) == 10 and p.published[4] == "-"
    if p.outlet is not None:
        assert p.outlet_from in ("header", "copyright", "url") and p.outlet.strip() == p.outlet
    if p.url is not None:
        assert p.url in norm or p.url.startswith("https://www.")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_any_text_reads(raw: str) -> None:
    doc = text_document(raw, source="mem", language=False)
    assert "\r" not in doc.text and "\u00a0" not in doc.text
    assert doc.id
