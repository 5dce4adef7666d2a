"""Unreadable directories, refused permissions, empty feeds and UTF-16 without a BOM: one line each."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrace.errors import ReadError
from claimtrace.readers import ReadFailure, iter_documents, read_path
from claimtrace.readers.sniff import utf16_without_bom

TEXT = "The port authority of Kelthorn said that 12 cranes were idle on Friday.\n\nWorkers disagreed.\n"


def test_unreadable_directory_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(TEXT, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text(TEXT, encoding="utf-8")
    real_scandir, real_listdir = os.scandir, os.listdir

    def deny(path):  # type: ignore[no-untyped-def]
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return None

    monkeypatch.setattr(os, "scandir", lambda p=".": deny(p) or real_scandir(p))
    monkeypatch.setattr(os, "listdir", lambda p=".": deny(p) or real_listdir(p))
    items = list(iter_documents([str(tmp_path)]))
    docs = [i for i in items if not isinstance(i, ReadFailure)]
    [failure] = [i for i in items if isinstance(i, ReadFailure)]
    assert len(docs) == 1
    assert str(failure) == f"{locked}: cannot read this directory (Permission denied); check its permissions"


def test_permission_denied_is_not_a_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    real_open = open

    def fake_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    with pytest.raises(ReadError) as info:
        read_path(str(path))
    assert "permission denied" in str(info.value) and "bug" not in str(info.value)


def test_feed_without_items_says_so(tmp_path: Path) -> None:
    pytest.importorskip("feedparser")
    path = tmp_path / "empty.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor Ledger</title>'
        "<link>https://harbor-ledger.example/</link><description>news</description></channel></rss>",
        encoding="utf-8",
    )
    [failure] = list(iter_documents([str(path)]))
    assert isinstance(failure, ReadFailure) and "the feed has no items" in str(failure)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "a.txt").write_bytes(TEXT.encode(encoding))
    [doc] = read_path(str(tmp_path / "a.txt"))
    assert "\x00" not in doc.text and "Kelthorn said that 12 cranes" in doc.text
    record = json.dumps({"title": "Idle cranes", "text": TEXT}) + "\n"
    (tmp_path / "b.jsonl").write_bytes(record.encode(encoding))
    [rec] = read_path(str(tmp_path / "b.jsonl"))
    assert rec.title == "Idle cranes" and "\x00" not in rec.text


def test_undecodable_utf16_is_refused(tmp_path: Path) -> None:
    data = TEXT.encode("utf-16-le") + b"\x00\xd8A\x00"  # a lone high surrogate
    (tmp_path / "a.txt").write_bytes(data)
    with pytest.raises(ReadError, match="UTF-16-LE without a byte-order mark"):
        read_path(str(tmp_path / "a.txt"))


@given(st.text(min_size=1, max_size=200))
def test_utf8_text_is_never_taken_for_utf16(text: str) -> None:
    assert utf16_without_bom(text.replace("\x00", "").encode("utf-8")) is None
