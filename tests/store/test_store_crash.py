"""Crash safety for real: SIGKILL an ingest mid-way, rerun it, compare with one clean run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

N_FILES = 1000
BATCH = 25
KILL_AFTER = 300  # files reported done

CHILD = """
import sys
from claimtrace.api import Corpus
from claimtrace.readers import ReadOptions

db, src, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])

def progress(done, total):
    print(done, flush=True)

with Corpus.open(db) as corpus:
    report = corpus.ingest([src], ReadOptions(detect_language=False), progress=progress, batch_size=batch)
print("done", report.added, report.skipped, report.failed, flush=True)
"""

TOWNS = ["Velmora", "Drennick", "Ostrava Nova", "Kelthorn", "Marrowgate", "Sunhollow"]


def make_corpus(root: Path) -> None:
    """1,000 short fictional articles; every 40th repeats an earlier text (exact reuse)."""
    root.mkdir()
    for i in range(N_FILES):
        k = i - 7 if i % 40 == 39 else i
        town = TOWNS[k % len(TOWNS)]
        text = (
            f"The council of {town} said on Monday that {k * 3 + 7} households had moved after the flood.\n\n"
            f"Officials in {town} told reporters that repairs to road {k} would take {k % 9 + 2} weeks, "
            f"according to a statement published by the regional office.\n"
        )
        (root / f"{i:04d}.txt").write_text(text, encoding="utf-8")


def run_child(db: Path, src: Path, *, kill_after: int | None = None) -> list[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(src), str(BATCH)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.strip())
        if kill_after is not None and line.strip().isdigit() and int(line) >= kill_after:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    if kill_after is None:
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    else:
        assert proc.returncode == -signal.SIGKILL
    return lines


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        con.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")
        cols = "seq, id, source, title, published, author, outlet, credits, language, meta, text, text_hash"
        return {
            "documents": con.execute(f"SELECT {cols} FROM documents ORDER BY seq").fetchall(),
            "reuse": con.execute("SELECT * FROM reuse ORDER BY id").fetchall(),
            "fts": con.execute(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'flood' ORDER BY rowid"
            ).fetchall(),
        }
    finally:
        con.close()


def test_sigkill_then_rerun_equals_clean_run(tmp_path: Path) -> None:
    pytest.importorskip("claimtrace.readers")
    src = tmp_path / "articles"
    make_corpus(src)

    clean = tmp_path / "clean.db"
    run_child(clean, src)
    want = snapshot(clean)
    assert len(want["documents"]) == N_FILES
    assert len(want["reuse"]) == N_FILES // 40
    assert len(want["fts"]) == N_FILES

    crashed = tmp_path / "crashed.db"
    run_child(crashed, src, kill_after=KILL_AFTER)
    partial = snapshot(crashed)
    n = len(partial["documents"])
    assert 0 < n < N_FILES
    assert n % BATCH == 0, f"{n} documents: a batch was half written"
    assert len(partial["fts"]) == n

    lines = run_child(crashed, src)
    assert lines[-1] == f"done {N_FILES - n} {n} 0"
    assert snapshot(crashed) == want
