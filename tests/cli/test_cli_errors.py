"""Errors a user can meet are one line with what to do: wrong --db, full disk, refused permission."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrace.cli import app
from claimtrace.model import Document
from claimtrace.store import open_store

runner = CliRunner()
READERS = [
    ["analyze"],
    ["report", "--out", "r.html"],
    ["search", "cranes"],
    ["match", "cranes were idle"],
    ["narratives", "list"],
    ["entities", "list"],
    ["docs"],
    ["export", "--out", "x.json"],
]


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in output, output
    return lines[0]


@pytest.mark.parametrize("args", READERS, ids=lambda a: a[0])
def test_mistyped_db_is_refused_not_created(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "corpsu.db"
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 1
    assert "no such database" in _one_line(result.output)
    assert not db.exists()


def _db(tmp_path: Path) -> str:
    db = str(tmp_path / "c.db")
    with open_store(db) as store:
        store.add_documents([Document(id="d1", source="s", text="Cranes were idle, the port said.")])
    return db


@pytest.mark.parametrize(
    ("exc", "needle"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/data/out.json"), "no space left"),
        (PermissionError(errno.EACCES, "Permission denied", "/data/out.json"), "permission denied"),
        (OSError(errno.EROFS, "Read-only file system", "/data/out.json"), "read-only"),
    ],
)
def test_machine_failures_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: OSError, needle: str
) -> None:
    from claimtrace import exports

    def fail(store: object, out: str) -> None:
        raise exc

    monkeypatch.setitem(exports.EXPORTERS, "json", fail)
    result = runner.invoke(app, ["export", "--db", _db(tmp_path), "--out", "/data/out.json"])
    assert result.exit_code == 1
    line = _one_line(result.output)
    assert line.startswith("error: /data/out.json: ") and needle in line


def test_sqlite_disk_full_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimtrace.store.sqlite import SQLiteStore

    def full(self: object, docs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(SQLiteStore, "add_documents", full)
    text = tmp_path / "a.txt"
    text.write_text("The port said that 12 cranes were idle on Friday.\n", encoding="utf-8")
    db = str(tmp_path / "c.db")
    result = runner.invoke(app, ["ingest", str(text), "--db", db])
    assert result.exit_code == 1
    line = _one_line(result.output)
    assert line == f"error: {db}: no space left on the device; free some space or write somewhere else"


def test_other_os_errors_still_raise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimtrace import exports

    def fail(store: object, out: str) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setitem(exports.EXPORTERS, "json", fail)
    result = runner.invoke(app, ["export", "--db", _db(tmp_path), "--out", "x.json"])
    assert result.exit_code != 0 and isinstance(result.exception, OSError)
