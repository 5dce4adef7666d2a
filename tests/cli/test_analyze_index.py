"""`claimtrace analyze` leaves the search and match indexes up to date (requests only load them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrace.cli import app

runner = CliRunner()

TEXTS = {
    "a.txt": "Mayor Ama Kelby said the Kelmsby ferry would stop on Monday. The union disagreed.",
    "b.txt": "The Kelmsby ferry will stop on Monday, Mayor Ama Kelby said. Crews plan a strike.",
    "c.txt": "Frost hit the Pellam orchards. Grower Lisbet Quenby said half the apples were lost.",
}


def _ingest(tmp_path: Path, db: Path, names: list[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(TEXTS[name], encoding="utf-8")
    result = runner.invoke(app, ["ingest", *(str(folder / n) for n in names), "--db", str(db)])
    assert result.exit_code == 0, result.output


def _analyze(db: Path, *extra: str) -> dict[str, object]:
    result = runner.invoke(app, ["analyze", "--db", str(db), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_analyze_builds_and_updates_the_indexes(tmp_path: Path) -> None:
    pytest.importorskip("hnswlib")
    pytest.importorskip("onnxruntime")
    db = tmp_path / "c.db"
    _ingest(tmp_path, db, ["a.txt", "b.txt"])
    first = _analyze(db)["index"]
    assert isinstance(first, dict) and first["documents"]["added"] == 2
    assert first["claims"]["total"] >= 1
    root = Path(str(db) + ".claimtrace-index")
    assert (root / "documents" / "manifest.json").exists() and (root / "claims" / "manifest.json").exists()
    _ingest(tmp_path, db, ["c.txt"])
    second = _analyze(db)["index"]
    assert second["documents"]["added"] == 1 and second["documents"]["total"] == 3  # incremental


def test_no_index_skips_the_indexes(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _ingest(tmp_path, db, ["a.txt"])
    assert _analyze(db, "--no-index")["index"] == {}
    assert not Path(str(db) + ".claimtrace-index").exists()
