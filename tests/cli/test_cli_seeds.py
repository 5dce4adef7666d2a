"""End to end: ``claimtrace ingest ../shared/seeds && claimtrace export --format json``, scored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEEDS = SHARED / "seeds"
SCORER = SHARED / "eval" / "score_seeds.py"


def claimtrace(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "claimtrace"
    cmd = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from claimtrace.cli import main; main()"]
    )
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(
    not SCORER.exists() or not SEEDS.is_dir(), reason="../shared (seeds and gold) not present"
)
def test_seed_documents_match_the_gold(tmp_path: Path) -> None:
    ingest = claimtrace("ingest", str(SEEDS), cwd=tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    n_seeds = len([p for p in SEEDS.iterdir() if not p.name.startswith(".")])
    assert f"added {n_seeds}," in ingest.stdout
    out = tmp_path / "export.json"
    export = claimtrace("export", "--format", "json", "--out", str(out), cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    assert (tmp_path / "claimtrace.db").exists()  # the default database
    assert len(json.loads(out.read_text(encoding="utf-8"))["documents"]) == n_seeds
    score = subprocess.run(
        [sys.executable, str(SCORER), str(out), "--sections", "documents"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert score.returncode == 0, score.stdout  # each failed line names the reader field that is wrong
