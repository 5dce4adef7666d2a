"""Bad input fails with one clear line (never a traceback); iter_documents carries on."""

from __future__ import annotations

import gzip
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from claimtrace.errors import ReadError
from claimtrace.readers import ReadFailure, ReadOptions, iter_documents, read_path

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


def _fails(path: Path | str, needle: str, options: ReadOptions | None = None) -> str:
    with pytest.raises(ReadError) as info:
        read_path(str(path), options)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"{path}: "), message
    assert needle in message, message
    [item] = list(iter_documents([str(path)], options))
    assert isinstance(item, ReadFailure) and str(item) == message
    return message


def test_missing(tmp_path: Path) -> None:
    _fails(tmp_path / "nope.txt", "no such file")


def test_empty(tmp_path: Path) -> None:
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "w.txt").write_bytes(b"  \n\n\t ")
    _fails(tmp_path / "e.txt", "empty file")
    _fails(tmp_path / "w.txt", "empty file")


def test_binary(tmp_path: Path) -> None:
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    _fails(p, "binary file")


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress((FIX / "pipe_byline.txt").read_bytes() * 3)
    p = tmp_path / "t.txt.gz"
    p.write_bytes(data[: len(data) // 2])
    _fails(p, "truncated or corrupt gzip")


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc(tmp_path: Path, gz: bool, make_warc: Callable[..., bytes]) -> None:
    data = make_warc(tmp_path / "full.warc", gz=gz)
    for frac in (0.3, 0.5, 0.7, 0.9):
        p = tmp_path / f"cut{frac}.warc{'.gz' if gz else ''}"
        p.write_bytes(data[: int(len(data) * frac)])
        _fails(p, "corrupt WARC")


def test_not_a_warc(tmp_path: Path) -> None:
    p = tmp_path / "x.warc"
    p.write_bytes(b"hello there, this is not an archive")
    _fails(p, "corrupt WARC")


def test_malformed_feed(tmp_path: Path) -> None:
    p = tmp_path / "bad.rss"
    p.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a<')
    _fails(p, "malformed feed")


def _read_all(p: Path) -> tuple[list[str], list[str]]:
    """(skipped-line reports, document texts) from iter_documents."""
    items = list(iter_documents([str(p)]))
    return (
        [str(i) for i in items if isinstance(i, ReadFailure)],
        [i.text for i in items if not isinstance(i, ReadFailure)],
    )


def test_jsonl_bad_line_is_skipped_alone(tmp_path: Path) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text(
        '{"text": "good record one."}\n{"text": "broken\n{"text": "good record three."}\n', encoding="utf-8"
    )
    problems, texts = _read_all(p)
    assert texts == ["good record one.", "good record three."]
    assert len(problems) == 1 and problems[0].startswith(f"{p}:2: malformed JSONL: ")
    assert "\n" not in problems[0]


def test_jsonl_not_an_object(tmp_path: Path) -> None:
    p = tmp_path / "list.jsonl"
    p.write_text('{"text": "ok."}\n[1, 2]\n', encoding="utf-8")
    problems, texts = _read_all(p)
    assert texts == ["ok."] and problems == [f"{p}:2: expected a JSON object, got list"]
    only_bad = tmp_path / "all-bad.jsonl"
    only_bad.write_text('"a string"\n{oops\n', encoding="utf-8")
    _fails(only_bad, "malformed JSONL at line 1: expected a JSON object, got str")


def test_csv_bad_row(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text('id,text\n1,"fine text"\n2,"too",many,cells\n3,"also fine"\n', encoding="utf-8")
    problems, texts = _read_all(p)
    assert texts == ["fine text", "also fine"]
    assert problems == [f"{p}:3: 4 cells where the header has 2"]


def test_csv_unterminated_quote(tmp_path: Path) -> None:
    p = tmp_path / "open.csv"
    p.write_text('id,text\n1,"never closed\n', encoding="utf-8")
    _fails(p, "malformed CSV at line 2")
    later = tmp_path / "later.csv"
    later.write_text('id,text\n1,"fine text"\n2,"never closed\n', encoding="utf-8")
    problems, texts = _read_all(later)
    assert texts == ["fine text"] and len(problems) == 1
    assert problems[0].startswith(f"{later}:3: malformed CSV")


def test_csv_without_text_column(tmp_path: Path) -> None:
    p = tmp_path / "cols.csv"
    p.write_text("id,body\n1,hello\n", encoding="utf-8")
    _fails(p, "no 'text' field in any CSV record (fields: id, body")


def test_over_size_limit(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text("word " * 400, encoding="utf-8")
    _fails(p, "larger than the size limit", ReadOptions(max_bytes=1000))


def test_gzip_bomb_limit(tmp_path: Path) -> None:
    p = tmp_path / "bomb.txt.gz"
    p.write_bytes(gzip.compress(b"a" * 100_000))
    _fails(p, "decompressed data larger than the size limit", ReadOptions(max_bytes=10_000))


def test_unknown_format(tmp_path: Path) -> None:
    _fails(FIX / "no_title.txt", "unknown format 'pdf'", ReadOptions(fmt="pdf"))


def test_html_without_article(tmp_path: Path) -> None:
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>", encoding="utf-8")
    _fails(p, "no readable documents")


def test_directory_to_read_path(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="is a directory"):
        read_path(str(tmp_path))


def test_failures_do_not_stop_iteration(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("{bad\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("A good document, officials said.", encoding="utf-8")
    items = list(iter_documents([str(tmp_path / "a.jsonl"), str(tmp_path / "zzz"), str(tmp_path / "b.txt")]))
    assert [type(i).__name__ for i in items] == ["ReadFailure", "ReadFailure", "Document"]


def test_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "feedparser", None)  # import now raises ImportError
    [item] = list(iter_documents([str(FIX / "feed.atom")]))
    assert isinstance(item, ReadFailure)
    assert "pip install 'claimtrace[feeds]'" in item.reason
