"""The command line: help everywhere, exit codes, one line per unreadable file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from claimtrace.cli import app

runner = CliRunner()

GOOD = (
    "The port authority of Kelthorn said that 12 cranes were idle on Friday.\n\n"
    "Workers told the Kelthorn Herald that repairs would take weeks.\n"
)
OTHER = (
    "Farmers near Sunhollow said the river had risen by two metres overnight.\n\n"
    "The district office said it would send sandbags on Saturday.\n"
)


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def walk(cmd: Any, path: str = "claimtrace"):  # type: ignore[no-untyped-def]
    yield path, cmd
    if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
        for name, sub in cmd.commands.items():
            yield from walk(sub, f"{path} {name}")


def test_every_command_and_option_has_help() -> None:
    root = typer.main.get_command(app)
    names = []
    for path, cmd in walk(root):
        names.append(path)
        assert (cmd.help or "").strip(), f"{path} has no help text"
        for param in cmd.params:
            assert (getattr(param, "help", None) or "").strip(), f"{path} {param.name} has no help text"
        result = invoke(*path.split()[1:], "--help")
        assert result.exit_code == 0, path
    assert {"claimtrace ingest", "claimtrace docs", "claimtrace show", "claimtrace export"} <= set(names)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "c.db")


def write(root: Path, name: str, data: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def test_ingest_docs_show_export(tmp_path: Path, db: str) -> None:
    src = tmp_path / "in"
    write(src, "a.txt", GOOD)
    write(src, "sub/b.txt", OTHER)
    write(src, "copy/a.txt", GOOD)
    result = invoke("ingest", str(src), "--db", db)
    assert result.exit_code == 0, result.output
    assert "added 3, skipped 0" in result.stdout and "failed 0" in result.stdout
    # undated, outlet-less articles: one warning naming the options that fix it, nothing else
    assert result.stderr.startswith("warning: 3 of 3 documents have no date and 3 of 3 have no outlet")
    assert "--metadata" in result.stderr and len(result.stderr.splitlines()) == 1
    again = invoke("ingest", str(src), "--db", db)
    assert again.exit_code == 0 and "added 0, skipped 3" in again.stdout

    listing = invoke("docs", "--db", db, "--limit", "2")
    assert listing.exit_code == 0
    assert "2 of 3 documents" in listing.stdout

    out = tmp_path / "e.json"
    assert invoke("export", "--db", db, "--out", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["documents"]) == 3
    assert [r["kind"] for r in data["reuse"]] == ["exact"]
    doc_id = data["documents"][0]["id"]
    shown = invoke("show", doc_id, "--db", db)
    assert shown.exit_code == 0 and data["documents"][0]["text"] in shown.stdout
    as_json = invoke("show", doc_id, "--db", db, "--json")
    assert json.loads(as_json.stdout) == data["documents"][0]

    for fmt, target in (("jsonl", "e.jsonl"), ("csv", "tables"), ("csv", "tables.zip")):
        assert invoke("export", "--db", db, "--format", fmt, "--out", str(tmp_path / target)).exit_code == 0
        assert (tmp_path / target).exists()


def test_db_from_environment(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", GOOD)
    env_db = str(tmp_path / "env.db")
    result = invoke("ingest", str(tmp_path / "a.txt"), env={"CLAIMTRACE_DB": env_db})
    assert result.exit_code == 0
    assert Path(env_db).exists()
    assert "1 of 1 documents" in invoke("docs", env={"CLAIMTRACE_DB": env_db}).stdout


def _truncated_gz() -> bytes:
    data = gzip.compress((GOOD * 40).encode())
    return data[: len(data) // 2]


BAD_INPUTS = {
    "binary": ("blob.bin", bytes(range(256)) * 4, "binary"),
    "empty": ("empty.txt", b"", "empty"),
    "truncated gzip": ("cut.txt.gz", _truncated_gz(), "gzip"),
    "malformed feed": (
        "news.rss",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Kelthorn',
        "feed",
    ),
    "malformed csv": ("rows.csv", 'id,text\n1,"an unterminated quote\n2,fine\n', "CSV"),
    "over max bytes": ("long.txt", GOOD * 40, "size limit"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_the_rest_is_ingested(case: str, tmp_path: Path, db: str) -> None:
    name, data, words = BAD_INPUTS[case]
    bad = write(tmp_path / "in", name, data)
    good = write(tmp_path / "in", "good.txt", GOOD)
    result = invoke("ingest", str(good), str(bad), "--db", db, "--max-bytes", "2000")
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]  # no dates
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{bad}: ") and words in lines[0]
    assert "added 1, skipped 0" in result.stdout and "failed 1" in result.stdout


def test_missing_file_fails_but_others_are_read(tmp_path: Path, db: str) -> None:
    good = write(tmp_path, "good.txt", GOOD)
    result = invoke("ingest", str(tmp_path / "nope.txt"), str(good), "--db", db)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path / 'nope.txt'}: ")
    assert "added 1" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "x.txt", "--format", "docx"],
        ["ingest", "x.txt", "--max-bytes", "0"],
        ["ingest", "x.txt", "--no-such-option"],
        ["ingest"],
        ["export", "--format", "xml", "--out", "x.xml"],
        ["export"],
        ["docs", "--limit", "many"],
        ["show"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args: list[str], tmp_path: Path, db: str) -> None:
    result = invoke(*args, "--db", db) if args[0] != "frobnicate" else invoke(*args)
    assert result.exit_code == 2, (args, result.output)
    assert not Path(db).exists() or args[0] != "ingest"


def test_user_errors_exit_1(tmp_path: Path, db: str) -> None:
    invoke("ingest", str(write(tmp_path, "a.txt", GOOD)), "--db", db)
    missing = invoke("show", "0000000000000000", "--db", db)
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: no document with id '0000000000000000'")
    junk = write(tmp_path, "junk.db", "plain words, not a database " * 100)
    result = invoke("docs", "--db", str(junk))
    assert result.exit_code == 1 and "not a claimtrace database" in result.stderr


@pytest.mark.parametrize("args", [["docs"], ["show", "abc"], ["export", "--out", "x.json"]])
def test_reading_commands_do_not_create_a_database(args: list[str], tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    result = invoke(*args, "--db", str(db))
    assert result.exit_code == 1
    assert "no such database" in result.stderr
    assert not db.exists()
