"""Outlets: header markers, URL lines, copyright sign-offs, domains, and the fallbacks."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimtrace.readers import ReadOptions, expand_paths, is_auxiliary, iter_documents, read_bytes, read_path
from claimtrace.readers.outlets import (
    copyright_holder,
    directory_outlet,
    domain_outlet,
    outlet_marker,
    url_line,
)
from claimtrace.readers.text import parse_text

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "readers"

BODY = "The harbour board said on Monday that the quay would reopen in June.\n\nWork began in March."


@pytest.mark.parametrize(
    ("line", "name", "published"),
    [
        ("Outlet: The Quayside Times", "The Quayside Times", None),
        ("Source: Westmark Radio", "Westmark Radio", None),
        ("PUBLISHER: Hollin Press Group", "Hollin Press Group", None),
        ("Site: thornbury-news.example", "thornbury-news.example", None),
        ("Publication: Eastfield Chronicle | March 3, 2021", "Eastfield Chronicle", "2021-03-03"),
        ("Published by The Evening Lamp", "The Evening Lamp", None),
        ("Published by Hollin Media Group", "Hollin Media Group", None),
        ("Published by hollin-news.example", "hollin-news.example", None),
        ("Quelle: Nordstadt Anzeiger", "Nordstadt Anzeiger", None),
    ],
)
def test_outlet_marker(line: str, name: str, published: str | None) -> None:
    marker = outlet_marker(line)
    assert marker is not None and marker.name == name and marker.published == published


@pytest.mark.parametrize(
    "line",
    [
        "Published by jdoe",  # a blog byline
        "Published by Jane Doe",  # a person: a byline
        "Published by Jane Doe on 3 May 2021",  # a byline with its date
        "Source: https://quayside-times.example/a",  # a URL line, not a name
        "Source: officials said the quay was unsafe. Others disagreed with them.",
        "Sources said the quay would reopen",
        "Outlet:",
    ],
)
def test_not_outlet_marker(line: str) -> None:
    assert outlet_marker(line) is None


@pytest.mark.parametrize(
    ("line", "url"),
    [
        (
            "URL: https://www.quayside-times.example/2023/04/02/fares",
            "https://www.quayside-times.example/2023/04/02/fares",
        ),
        ("https://hollin.example/a?b=1", "https://hollin.example/a?b=1"),
        ("<https://hollin.example/x>", "https://hollin.example/x"),
        ("Original URL: http://news.westmark.example/x", "http://news.westmark.example/x"),
        ("www.eastfield-chronicle.example/story", "https://www.eastfield-chronicle.example/story"),
    ],
)
def test_url_line(line: str, url: str) -> None:
    assert url_line(line) == url


@pytest.mark.parametrize("line", ["Read it at https://hollin.example/x today", "http://localhost/x", "URL:"])
def test_not_url_line(line: str) -> None:
    assert url_line(line) is None


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.meridianpost.example/2024/a", "meridianpost.example"),
        ("https://news.westmark.co.uk/a", "westmark.co.uk"),
        ("http://m.hollin.example/a", "hollin.example"),
        ("https://someone.substack.com/p/x", "someone.substack.com"),
        ("hollin.example/a", "hollin.example"),
        ("http://192.168.0.1/a", None),
        ("not a url", None),
    ],
)
def test_domain_outlet(url: str, domain: str | None) -> None:
    assert domain_outlet(url) == domain


@pytest.mark.parametrize(
    ("line", "holder"),
    [
        ("© 2024 The Quayside Times. All rights reserved.", "The Quayside Times"),
        ("Copyright 2019-2023 Hollin Press", "Hollin Press"),
        ("(c) Eastfield Chronicle 2021", "Eastfield Chronicle"),
        ("Copyright © 2024 Westmark Radio, all rights reserved", "Westmark Radio"),
        ("© Copyright 2024 - Evening Lamp | Privacy | Terms", "Evening Lamp"),
        ("©2022 thornbury-news.example", "thornbury-news.example"),
        ("Copyright law changed in 2019", None),
        ("Copyright infringement is a crime", None),
        ("© 2024", None),
    ],
)
def test_copyright_holder(line: str, holder: str | None) -> None:
    assert copyright_holder(line) == holder


def test_fixture_header_markers() -> None:
    [doc] = read_path(str(FIX / "outlet_header.txt"))
    assert doc.outlet == "The Lakeside Courier"  # the header's name beats the URL and the sign-off
    assert doc.meta["outlet_from"] == "header"
    assert doc.meta["url"] == "https://www.lakeside-courier.example/region/2022/05/10/dam-repairs"
    assert doc.title == "Dam repairs to close the east road for a month"
    assert doc.author == "Hanna Voss" and doc.published == "2022-05-10"
    assert doc.text.startswith("Repairs to the Grey Lake dam")
    assert "https://" not in doc.text and "Lakeside Courier" not in doc.text and "©" not in doc.text
    # a "Source:" line inside the body is body text, not a header marker
    assert "Source: the water board's statement of 9 May." in doc.text


def test_url_gives_domain_and_meta() -> None:
    p = parse_text("https://www.quayside-times.example/2023/fares\nFerry fares to rise in May\n\n" + BODY)
    assert p.outlet == "quayside-times.example" and p.outlet_from == "url"
    assert p.url == "https://www.quayside-times.example/2023/fares"
    assert p.title == "Ferry fares to rise in May" and p.text.startswith("The harbour board")


def test_copyright_signoff_beats_url_and_agency_is_credit() -> None:
    signoff = "© 2023 Hollin Evening Post. All rights reserved."
    p = parse_text(f"http://hollin.example/x\n\n{BODY}\n\n{signoff}")
    assert p.outlet == "Hollin Evening Post" and p.outlet_from == "copyright"
    assert p.text.endswith("Work began in March.")
    wire = parse_text(BODY + "\n\nCopyright 2023 The Associated Press. All rights reserved.")
    assert wire.outlet is None and "AP" in wire.credits


def test_title_is_never_the_outlet() -> None:
    p = parse_text("The Quayside Times\n\n" + BODY)
    assert p.outlet is None and p.title == "The Quayside Times"


def test_published_by_person_is_a_byline() -> None:
    p = parse_text("Quay to reopen in June\nPublished by jdoe\n\n" + BODY)
    assert p.outlet is None
    dated = parse_text("Quay to reopen in June\nPublished by Jane Doe on 3 May 2021\n\n" + BODY)
    assert dated.outlet is None and dated.author == "Jane Doe" and dated.published == "2021-05-03"
    person = parse_text("Quay to reopen in June\nPublished by Jane Doe\n\n" + BODY)
    assert person.outlet is None and person.author == "Jane Doe"


def test_source_agency_in_header_is_outlet_and_credit() -> None:
    p = parse_text("Source: Reuters\nQuay to reopen in June\n\n" + BODY)
    assert p.outlet == "Reuters" and "Reuters" in p.credits


# --- fallbacks: ReadOptions.outlet, outlet_from_dir ---------------------------------------


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "Hollin Post").mkdir(parents=True)
    (tmp_path / "Hollin Post" / "a.txt").write_text("Quay to reopen\n\n" + BODY, encoding="utf-8")
    (tmp_path / "Hollin Post" / "b.txt").write_text("Outlet: Westmark Radio\n\n" + BODY, encoding="utf-8")
    return tmp_path


def test_outlet_from_dir_and_default(tmp_path: Path) -> None:
    root = _corpus(tmp_path)
    docs = list(iter_documents([str(root)], ReadOptions(outlet_from_dir=True, outlet="Fallback")))
    by_name = {Path(d.source).name: d for d in docs}  # type: ignore[union-attr]
    assert by_name["a.txt"].outlet == "Hollin Post"  # type: ignore[union-attr]
    assert by_name["a.txt"].meta["outlet_from"] == "directory"  # type: ignore[union-attr]
    assert by_name["b.txt"].outlet == "Westmark Radio"  # the document's own outlet wins
    [doc] = read_path(str(root / "Hollin Post" / "a.txt"), ReadOptions(outlet="Fallback"))
    assert doc.outlet == "Fallback" and doc.meta["outlet_from"] == "option"
    [plain] = read_path(str(root / "Hollin Post" / "a.txt"))
    assert plain.outlet is None


def test_default_outlet_for_stdin_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BODY.encode())))
    [doc] = read_path("-", ReadOptions(outlet="Desk", outlet_from_dir=True))
    assert doc.outlet == "Desk"  # stdin has no directory
    [mem] = read_bytes(BODY.encode(), path="mem.txt", source="mem://1", options=ReadOptions(outlet="Desk"))
    assert mem.outlet == "Desk"


def test_feed_title_beats_default_for_linked_files() -> None:
    docs = read_path(str(FIX / "feed.rss"), ReadOptions(outlet="Fallback", outlet_from_dir=True))
    assert {d.outlet for d in docs} == {"The Valley Herald"}


def test_jsonl_url_gives_domain(tmp_path: Path) -> None:
    p = tmp_path / "r.jsonl"
    p.write_text(
        '{"text": "The quay reopened on Monday, officials said.", "url": "https://www.hollin.example/q"}\n'
        '{"text": "The quay closed again on Friday, officials said.", "url": "https://hollin.example/r",'
        ' "publisher": "Hollin Post"}\n'
        '{"text": "Source: Hollin Radio\\n\\nThe quay flooded on Sunday, officials said.",'
        ' "url": "https://hollin.example/s"}\n',
        encoding="utf-8",
    )
    a, b, c = read_path(str(p))
    assert a.outlet == "hollin.example" and a.meta["outlet_from"] == "url"
    assert b.outlet == "Hollin Post" and b.meta["outlet_from"] == "field"
    assert c.outlet == "Hollin Radio" and c.text.startswith("The quay flooded")  # a name beats the URL


def test_directory_outlet() -> None:
    assert directory_outlet(os.path.join("corpus", "Evening Lamp", "x.txt")) == "Evening Lamp"


def test_cli_outlet_options(tmp_path: Path) -> None:
    from claimtrace.api import Corpus
    from claimtrace.cli import app

    root = _corpus(tmp_path / "in")
    db = str(tmp_path / "x.db")
    args = ["ingest", str(root), "--db", db, "--outlet-from-dir", "--no-detect-language"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    with Corpus.open(db) as corpus:
        assert sorted(str(d.outlet) for d in corpus.documents()) == ["Hollin Post", "Westmark Radio"]
    db2 = str(tmp_path / "y.db")
    args = ["ingest", str(root / "Hollin Post" / "a.txt"), "--db", db2, "--outlet", "Desk"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    with Corpus.open(db2) as corpus:
        assert [d.outlet for d in corpus.documents()] == ["Desk"]


# --- directory walks ---------------------------------------------------------------------


def test_directory_walk_skips_non_articles(tmp_path: Path) -> None:
    names = [
        "README.md",
        "LICENSE",
        "CHANGELOG.txt",
        "notes.jsonl",
        "data.json",
        "story.html",
        "story.json",
        "clip.info.json",
        "clip.txt",
        "logo.png",
        "claimtrace.db",
        "claimtrace.db-wal",
        "run.log",
        "article.md",
        "readme-first-story.txt",
        "history.jsonl",
    ]
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    got = [Path(p).name for p in expand_paths([str(tmp_path)])]
    assert got == [
        "article.md",
        "clip.txt",
        "data.json",
        "history.jsonl",
        "notes.jsonl",
        "readme-first-story.txt",
        "story.html",
    ]
    # named explicitly (or by a glob): always read
    assert expand_paths([str(tmp_path / "README.md")]) == [str(tmp_path / "README.md")]
    assert str(tmp_path / "story.json") in expand_paths([str(tmp_path / "*.json")])


def test_is_auxiliary() -> None:
    assert is_auxiliary("README") and is_auxiliary("readme.rst") and is_auxiliary("Licence.md")
    assert is_auxiliary("a.json", ["a.json", "a.txt"]) and is_auxiliary("a.meta.json", ["a.html.gz"])
    assert not is_auxiliary("a.json", ["a.json", "b.txt"]) and not is_auxiliary("a.jsonl", ["a.txt"])
    assert not is_auxiliary("readme.html") and not is_auxiliary("news.txt")


# --- properties --------------------------------------------------------------------------

NAMES = st.from_regex(r"[A-Z][a-z]{2,9}( [A-Z][a-z]{2,9}){0,3}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(NAMES, st.sampled_from(["Outlet: ", "Source: ", "Publisher: ", "Site: ", "Published by The "]))
def test_header_marker_never_reaches_body(name: str, label: str) -> None:
    if label.endswith("The "):
        label, name = "Published by ", "The " + name
    p = parse_text(f"Quay to reopen in June\n{label}{name}\n\n{BODY}")
    assert p.outlet == name
    assert p.title == "Quay to reopen in June"
    assert p.text == BODY


def test_cli_run_passes_outlet(tmp_path: Path) -> None:
    from claimtrace.api import Corpus
    from claimtrace.cli import app

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Quay to reopen\n\n" + BODY, encoding="utf-8")
    db = str(tmp_path / "r.db")
    args = ["run", str(tmp_path / "in"), "--db", db, "--report", str(tmp_path / "r.html"), "--outlet", "Desk"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    with Corpus.open(db) as corpus:
        assert [d.outlet for d in corpus.documents()] == ["Desk"]
