"""HTML, feeds, JSONL/CSV, WARC, gzip, stdin, sniffing and path expansion."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from claimtrace.readers import ReadFailure, ReadOptions, expand_paths, iter_documents, read_bytes, read_path
from claimtrace.readers.sniff import sniff_content, sniff_format

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


def test_html() -> None:
    [doc] = read_path(str(FIX / "article.html"))
    assert doc.title == "Council approves new harbor bridge"
    assert doc.published == "2021-06-14"
    assert doc.author == "Mira Castellano"
    assert doc.outlet == "The Harbor Ledger"
    assert doc.credits == ["Reuters"]
    assert doc.text.startswith("PORT ALDER (Reuters)")
    assert "Most Popular" not in doc.text and "Storm closes" not in doc.text and "©" not in doc.text
    assert any("artist's impression" in c for c in doc.captions)
    assert doc.meta["format"] == "html" and doc.language == "en"


def test_rss_items(tmp_path: Path) -> None:
    docs = read_path(str(FIX / "feed.rss"))
    by_title = {d.title: d for d in docs}
    assert set(by_title) == {
        "School meals to be free from autumn",
        "Bridge repairs delayed",
        "Night trains return to the coast line",
    }
    meals = by_title["School meals to be free from autumn"]
    assert meals.source == "https://valley-herald.example/news/school-meals"
    assert meals.published == "2021-03-09" and meals.author == "Lena Berg"
    assert meals.outlet == "The Valley Herald" and meals.credits == ["Reuters"]
    assert "Advertisement" not in meals.text and "Short teaser" not in meals.text
    assert "<p>" not in by_title["Bridge repairs delayed"].text
    linked = by_title["Night trains return to the coast line"]  # the item links to a local file
    assert linked.source == os.path.abspath(FIX / "linked_item.txt")
    assert linked.author == "Petra Holm" and linked.outlet == "The Valley Herald"


def test_atom() -> None:
    [doc] = read_path(str(FIX / "feed.atom"))
    assert doc.title == "Ice closes northern harbor" and doc.author == "Sven Aas"
    assert doc.published == "2022-01-19" and doc.source == "https://northshore.example/ice-harbor"
    assert "icebreaker" in doc.text


def test_jsonl_field_mapping() -> None:
    opts = ReadOptions(
        text_field="body", title_field="headline", date_field="date", outlet_field="site", id_field="id"
    )
    docs = read_path(str(FIX / "records.jsonl"), opts)
    assert [d.source.rsplit("#", 1)[1] for d in docs] == ["vh-101", "vh-102"]  # the empty record is skipped
    assert docs[0].source.startswith(os.path.abspath(FIX / "records.jsonl"))
    assert docs[0].title == "Library opens on Sundays" and docs[0].published == "2021-03-19"
    assert docs[1].published == "2021-03-19" and docs[0].outlet == "Valley Herald"


def test_jsonl_record_numbers_without_id_field(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text(
        '{"text": "First record text here."}\n{"text": "Second record text here."}\n', encoding="utf-8"
    )
    docs = read_path(str(p))
    assert [d.source for d in docs] == [f"{p}#1", f"{p}#2"]


def test_json_array(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text('[{"text": "An array record.", "title": "T"}]', encoding="utf-8")
    [doc] = read_path(str(p))
    assert doc.title == "T" and doc.source.endswith("#1")


def test_csv_and_tsv() -> None:
    docs = read_path(str(FIX / "records.csv"))
    assert [d.source.rsplit("#", 1)[1] for d in docs] == ["c1", "c2"]
    assert docs[0].title == "Market square renovated" and docs[0].published == "2020-06-06"
    assert docs[1].published == "2020-06-13" and docs[1].credits == ["Reuters"]
    assert "Stalls will return" in docs[0].text
    [tsv] = read_path(str(FIX / "records.tsv"))
    assert tsv.title == "Harbour cleanup" and tsv.source.endswith("#t1")


@pytest.mark.parametrize("gz", [True, False])
def test_warc(tmp_path: Path, gz: bool, make_warc: Callable[..., bytes]) -> None:
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    make_warc(p, gz=gz)
    docs = read_path(str(p))
    assert [d.source for d in docs] == [f"https://harbor-ledger.example/news/{i}" for i in range(2)]
    assert docs[0].title == "Council approves new harbor bridge" and docs[0].meta["warc"] == str(p)
    # sniffed without the extension too
    q = tmp_path / "noext"
    shutil.copy(p, q)
    assert len(read_path(str(q))) == 2


def test_gzip_text(tmp_path: Path) -> None:
    p = tmp_path / "story.txt.gz"
    p.write_bytes(gzip.compress((FIX / "pipe_byline.txt").read_bytes()))
    [doc] = read_path(str(p))
    assert doc.author == "Jane Doe" and doc.source == str(p)


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FIX / "pipe_byline.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    [doc] = read_path("-")
    assert doc.source == "<stdin>" and doc.title == "Harbor ferry strike enters second week"


def test_forced_format() -> None:
    [doc] = read_path(str(FIX / "article.html"), ReadOptions(fmt="text"))
    assert "<meta charset" in doc.text  # read as plain text when told to


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"WARC/1.0\r\n", "warc"),
        (b'<?xml version="1.0"?><rss version="2.0">', "rss"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "rss"),
        (b"<!DOCTYPE html><html>", "html"),
        (b'{"text": "x"}\n', "jsonl"),
        (b'[{"text": "x"}]', "jsonl"),
        (b"id,text,title\n1,a,b\n", "csv"),
        (b"id\ttext\n1\ta\n", "csv"),
        (b"Just words, and more words.\n", "text"),
    ],
)
def test_sniff_content(head: bytes, fmt: str) -> None:
    assert sniff_content(head) == fmt


def test_sniff_extension_beats_content_except_markup() -> None:
    assert sniff_format("a.csv", b"plain") == "csv"
    assert sniff_format("a.txt", b"<!DOCTYPE html><html>") == "html"
    assert sniff_format("a.jsonl", b"{}") == "jsonl"
    assert sniff_format("a.warc.gz", b"\x1f\x8b") == "warc"


def test_expand_paths(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "1.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("x")
    got = expand_paths([str(tmp_path), str(tmp_path / "*.txt"), "-", str(tmp_path / "missing*.txt")])
    assert got == [
        str(tmp_path / "1.txt"),
        str(tmp_path / "b" / "2.txt"),
        "-",
        str(tmp_path / "missing*.txt"),
    ]


def test_iter_documents_directory_carries_on(tmp_path: Path) -> None:
    shutil.copy(FIX / "no_title.txt", tmp_path / "a.txt")
    (tmp_path / "b.txt").write_bytes(b"")
    shutil.copy(FIX / "german.txt", tmp_path / "c.txt")
    items = list(iter_documents([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Document", "ReadFailure", "Document"]
    failure = items[1]
    assert isinstance(failure, ReadFailure)
    assert str(failure) == f"{tmp_path / 'b.txt'}: empty file"


def test_symlink_source_not_resolved(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(FIX / "no_title.txt")
    [doc] = read_path(str(link))
    assert doc.source == str(link)


def test_read_bytes_in_memory() -> None:
    [doc] = read_bytes(b"Some text, officials said.", path="mem.txt", source="mem://1")
    assert doc.source == "mem://1"
