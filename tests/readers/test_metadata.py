"""Metadata as users have it: dates in file names, sidecars, URL lines, grouping, gap warnings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimtrace.cli.ingest import register
from claimtrace.readers import ReadFailure, ReadOptions, iter_documents, read_path
from claimtrace.readers.metadata import gap_warning, path_date, path_outlet, url_date
from claimtrace.store import open_store

BODY = (
    "The harbour board of Kessa voted on Tuesday to raise mooring fees by a fifth from June.\n\n"
    "Fishing crews said the rise would cost each boat about 900 crowns a year."
)


def _docs(paths: list[str], options: ReadOptions | None = None) -> dict[str, object]:
    out = {}
    for item in iter_documents(paths, options):
        assert not isinstance(item, ReadFailure), str(item)
        out[
            Path(item.source.split("#")[0]).name
            + ("#" + item.source.split("#")[1] if "#" in item.source else "")
        ] = item
    return out


def test_dates_and_outlets_from_file_names(tmp_path: Path) -> None:
    (tmp_path / "guardian_2016-09-12_mooring-fees.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "2019_03_04-ferry.txt").write_text(BODY, encoding="utf-8")
    dated = tmp_path / "2021" / "07" / "30"
    dated.mkdir(parents=True)
    (dated / "quay.txt").write_text(BODY, encoding="utf-8")
    site = tmp_path / "www.kessa-herald.example"
    site.mkdir()
    (site / "EN_CC_100000.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "article_2020-01-05.txt").write_text("date 2018-02-03\n\n" + BODY, encoding="utf-8")
    docs = _docs([str(tmp_path)])
    g = docs["guardian_2016-09-12_mooring-fees.txt"]
    assert (g.published, g.outlet) == ("2016-09-12", "guardian")  # type: ignore[attr-defined]
    assert g.meta["date_from"] == "filename" and g.meta["outlet_from"] == "path"  # type: ignore[attr-defined]
    plain = docs["2019_03_04-ferry.txt"]
    assert plain.published == "2019-03-04" and plain.outlet is None  # type: ignore[attr-defined]
    assert docs["quay.txt"].published == "2021-07-30"  # type: ignore[attr-defined]
    ids = docs["EN_CC_100000.txt"]
    assert ids.outlet == "kessa-herald.example" and ids.published is None  # type: ignore[attr-defined]
    own = docs["article_2020-01-05.txt"]
    assert (
        own.published == "2018-02-03" and own.outlet is None
    )  # the text's own date wins; "article" is no outlet  # type: ignore[attr-defined]


def test_explicit_outlet_fallback_beats_file_name(tmp_path: Path) -> None:
    p = tmp_path / "guardian_2016-09-12_x.txt"
    p.write_text(BODY, encoding="utf-8")
    [doc] = read_path(str(p), ReadOptions(outlet="Desk"))
    assert doc.outlet == "Desk" and doc.published == "2016-09-12"


def test_sidecar_csv(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(BODY, encoding="utf-8")
    (corpus / "b.txt").write_text("Outlet: Westmark Radio\n\n" + BODY, encoding="utf-8")
    (corpus / "c.txt").write_text(BODY, encoding="utf-8")
    (corpus / "rows.jsonl").write_text(json.dumps({"id": "r1", "text": BODY}) + "\n", encoding="utf-8")
    sidecar = tmp_path / "meta.csv"
    sidecar.write_text(
        "source,outlet,date,url,author,language\n"
        "corpus/a.txt,Kessa Herald,12 March 2024,,Ada Quill,en\n"
        "b,Override Weekly,2024-03-13,,,\n"
        "r1,,,https://www.quay-times.example/2022/05/06/fees,,\n",
        encoding="utf-8",
    )
    docs = _docs([str(corpus)], ReadOptions(metadata=str(sidecar)))
    a = docs["a.txt"]
    assert (a.outlet, a.published, a.author, a.language) == ("Kessa Herald", "2024-03-12", "Ada Quill", "en")  # type: ignore[attr-defined]
    assert a.meta["outlet_from"] == "sidecar" and a.meta["date_from"] == "sidecar"  # type: ignore[attr-defined]
    assert docs["b.txt"].outlet == "Override Weekly"  # type: ignore[attr-defined]  # the user's sidecar wins
    r1 = docs["rows.jsonl#r1"]
    assert (r1.outlet, r1.published) == ("quay-times.example", "2022-05-06")  # type: ignore[attr-defined]
    c = docs["c.txt"]
    assert c.outlet is None and c.published is None  # type: ignore[attr-defined]


def test_url_lines_give_outlet_and_date(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_text("https://www.kessa-herald.example/news/2023/11/02/mooring\n\n" + BODY, encoding="utf-8")
    [doc] = read_path(str(p))
    assert (doc.outlet, doc.published) == ("kessa-herald.example", "2023-11-02")
    assert doc.meta["outlet_from"] == "url" and doc.meta["date_from"] == "url"


def test_links_and_signoffs_in_the_body_invent_no_outlet(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_text(
        BODY
        + "\n\nRegister for the meeting with the link below.\n\nhttps://us04web.meet.example/register/abc\n\n"
        "©2022 Wirehouse L.P.",
        encoding="utf-8",
    )
    [doc] = read_path(str(p))
    assert doc.outlet is None and "url" not in doc.meta
    assert "Wirehouse L.P" in doc.credits


def test_group_by_joins_rows(tmp_path: Path) -> None:
    p = tmp_path / "sentences.csv"
    p.write_text(
        "article,sentence,text,date\n"
        "a1,1,The board voted on Tuesday.,2024-01-02\n"
        "a2,1,Ferries will run late.,2024-01-03\n"
        "a1,2,Fees rise in June.,2024-01-02\n",
        encoding="utf-8",
    )
    docs = list(iter_documents([str(p)], ReadOptions(group_by="article")))
    assert [d.source.rsplit("#", 1)[1] for d in docs] == ["a1", "a2"]  # type: ignore[union-attr]
    assert docs[0].text == "The board voted on Tuesday.\n\nFees rise in June."  # type: ignore[union-attr]
    assert docs[0].published == "2024-01-02"  # type: ignore[union-attr]
    assert len(list(iter_documents([str(p)]))) == 3


def test_gap_warning() -> None:
    assert gap_warning(10, 2, 2) is None
    line = gap_warning(10, 3, 0)
    assert line is not None and "3 of 10 documents have no date" in line and "--metadata" in line
    assert "outlet" in (gap_warning(10, 0, 9) or "")


def test_cli_ingest_metadata_and_warning(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"n{n}.txt").write_text(BODY.replace("Tuesday", f"day {n}"), encoding="utf-8")
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    db = str(tmp_path / "x.db")
    out = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db, "--no-detect-language"])
    assert out.exit_code == 0, out.output
    assert "3 of 3 documents have no date" in out.output and "--metadata" in out.output
    side = tmp_path / "m.jsonl"
    side.write_text(
        "".join(
            json.dumps({"file": f"n{n}.txt", "outlet": "Herald", "date": "2024-02-0" + str(n + 1)}) + "\n"
            for n in range(3)
        )
    )
    db2 = str(tmp_path / "y.db")
    out = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db2, "--metadata", str(side)])
    assert out.exit_code == 0, out.output
    assert "warning" not in out.output
    with open_store(db2) as store:
        assert store.metadata_gaps() == (3, 0, 0)
    bad = CliRunner().invoke(
        app, ["ingest", str(corpus), "--db", db2, "--metadata", str(tmp_path / "none.csv")]
    )
    assert bad.exit_code == 1 and "no such file" in bad.output


# --- properties ----------------------------------------------------------------------------

_dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))
_words = st.from_regex(r"[a-z]{3,12}", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(day=_dates, prefix=_words, slug=_words, sep=st.sampled_from(["-", "_", "."]))
def test_file_name_dates_round_trip(day: dt.date, prefix: str, slug: str, sep: str) -> None:
    stamp = sep.join((f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"))
    name = f"/x/{prefix}_{stamp}_{slug}.txt"
    assert path_date(name) == day.isoformat()
    assert (
        url_date(f"https://site.example/{day.year}/{day.month:02d}/{day.day:02d}/{slug}") == day.isoformat()
    )
    outlet = path_outlet(name)
    assert outlet is None or outlet == prefix


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_path_metadata_never_crashes_and_dates_are_iso(name: str) -> None:
    found = path_date("/corpus/" + name.replace("\x00", ""))
    assert found is None or dt.date.fromisoformat(found)
    url_date("https://example.org/" + name)
    path_outlet("/corpus/" + name.replace("\x00", ""))


@settings(max_examples=100, deadline=None)
@given(digits=st.from_regex(r"[0-9]{6,9}", fullmatch=True))
def test_ids_in_file_names_are_not_dates(digits: str) -> None:
    assert path_date(f"/corpus/EN_CC_{digits}.txt") is None


def test_html_meta_tags(tmp_path: Path) -> None:
    head = (
        '<meta property="og:site_name" content="Kessa Herald">'
        '<meta property="article:published_time" content="2023-05-06T10:00:00Z">'
        '<meta name="author" content="Ada Quill">'
        '<link rel="canonical" href="https://www.kessa-herald.example/news/fees">'
    )
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY.split("\n\n"))
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><title>Fees rise</title>{head}</head><body><article><h1>Fees rise</h1>"
        f"{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    [doc] = read_path(str(page))
    assert (doc.outlet, doc.published, doc.author) == ("Kessa Herald", "2023-05-06", "Ada Quill")
    assert doc.meta["url"] == "https://www.kessa-herald.example/news/fees"


def test_run_takes_the_sidecar_too(tmp_path: Path) -> None:
    from claimtrace.cli import app

    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    missing = tmp_path / "none.csv"
    out = CliRunner().invoke(
        app, ["run", str(tmp_path / "a.txt"), "--db", str(tmp_path / "r.db"), "--metadata", str(missing)]
    )
    assert out.exit_code == 1 and f"{missing}: no such file" in out.output
    assert not (tmp_path / "r.db").exists() or "added" not in out.output
