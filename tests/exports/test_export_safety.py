"""Safe exports: formulas neutralised in CSV, every file and directory renamed into place whole."""

from __future__ import annotations

import copy
import csv
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrace.errors import ClaimtraceError
from claimtrace.exports.atomic import atomic_dir, atomic_file
from claimtrace.exports.tables import FORMULA_START, SCHEMAS, export_csv, export_jsonl, safe_cell
from claimtrace.report.sample import sample_export

HOSTILE = "=cmd|' /C calc'!A0"


def _hostile_export() -> dict[str, Any]:
    data = copy.deepcopy(sample_export())
    data["documents"][0]["title"] = HOSTILE
    data["documents"][0]["outlet"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    data["documents"][1]["title"] = "-2+3"
    data["documents"][2]["title"] = "-12.5"
    return data


def _documents(folder: Path) -> list[dict[str, str]]:
    with open(folder / "documents.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@given(st.text(max_size=40))
def test_safe_cell_never_starts_a_formula(text: str) -> None:
    out = safe_cell(text)
    if out.startswith(FORMULA_START):
        float(out)  # only plain numbers keep their sign
    assert out in (text, "'" + text)


def test_csv_cells_are_neutralised_unless_raw(tmp_path: Path) -> None:
    export_csv(_hostile_export(), str(tmp_path / "safe"))
    rows = _documents(tmp_path / "safe")
    assert rows[0]["title"] == "'" + HOSTILE
    assert rows[0]["outlet"].startswith("'@")
    assert rows[1]["title"] == "'-2+3"
    assert rows[2]["title"] == "-12.5"  # a number stays a number
    assert rows[3]["title"] == sample_export()["documents"][3]["title"]
    export_csv(_hostile_export(), str(tmp_path / "raw"), raw=True)
    raw = _documents(tmp_path / "raw")
    assert raw[0]["title"] == HOSTILE and raw[1]["title"] == "-2+3"


def test_failed_export_leaves_the_previous_directory_whole(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "tables"
    export_csv(sample_export(), str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    import claimtrace.exports.tables as tables

    real = tables.table_rows

    def broken(export: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        rows = real(export)
        rows["claims"] = [{"id": "x"}, 1]  # type: ignore[list-item]  # the writer fails mid-table
        return rows

    monkeypatch.setattr(tables, "table_rows", broken)
    with pytest.raises(AttributeError):
        export_csv(_hostile_export(), str(out))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["tables"]  # no temporary left behind


def test_second_export_replaces_the_first(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    export_jsonl(sample_export(), str(out))
    export_jsonl({"documents": []}, str(out))
    assert (out / "documents.jsonl").read_text(encoding="utf-8") == ""
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.jsonl" for t in SCHEMAS)


def test_a_directory_of_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ClaimtraceError, match="holds other files"):
        export_csv(sample_export(), str(tmp_path))
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_atomic_file_keeps_the_old_file_on_error(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_file(str(out)) as part:
        Path(part).write_text("half", encoding="utf-8")
        raise RuntimeError("disk gone")
    assert out.read_text(encoding="utf-8") == "old" and os.listdir(tmp_path) == ["x.json"]


KILLER = """
import os, signal, sys
from claimtrace.exports.atomic import atomic_dir
with atomic_dir(sys.argv[1], owns=["a.csv", "claims.csv"]) as tmp:
    with open(os.path.join(tmp, "claims.csv"), "w") as fh:
        fh.write("id\\nhalf")
        fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)
"""


def test_kill_9_mid_export_keeps_the_previous_tables(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    (out / "claims.csv").write_text("id\nfull\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", KILLER, str(out)], check=False)
    assert proc.returncode == -9
    assert (out / "claims.csv").read_text(encoding="utf-8") == "id\nfull\n"
    assert len(os.listdir(tmp_path)) == 2  # the dead process's temporary is still there ...
    with atomic_dir(str(out), owns=["claims.csv"]) as tmp:
        Path(tmp, "claims.csv").write_text("id\nnew\n", encoding="utf-8")
    assert os.listdir(tmp_path) == ["tables"]  # ... until the next export clears it
    assert (out / "claims.csv").read_text(encoding="utf-8") == "id\nnew\n"


def test_zip_and_cli_raw_switch(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from claimtrace.cli import app
    from claimtrace.model import Document
    from claimtrace.store import open_store

    db = str(tmp_path / "c.db")
    with open_store(db) as store:
        store.add_documents([Document(id="d1", source="s", text="Some text.", title=HOSTILE)])
    runner = CliRunner()
    for extra, expect in (([], "'" + HOSTILE), (["--raw"], HOSTILE)):
        out = tmp_path / f"t{len(extra)}.zip"
        result = runner.invoke(app, ["export", "--db", db, "--format", "csv", "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(out) as zf:
            rows = list(csv.DictReader(zf.read("documents.csv").decode("utf-8").splitlines()))
        assert rows[0]["title"] == expect
