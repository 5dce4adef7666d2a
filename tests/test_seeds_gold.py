"""The whole job on the seeds, scored against ../shared/eval/seeds-gold.json, section by section.

``claimtrace ingest`` + ``claimtrace analyze`` + ``claimtrace export --format json``, then the
shared scorer. Each section is one test so a failure names what broke. Skips without ../shared.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
SCORER = SHARED / "eval" / "score_seeds.py"
SECTIONS = ["documents", "entities", "claims", "quantities", "reuse", "stories", "narratives", "stances"]

pytestmark = pytest.mark.skipif(
    not SCORER.exists() or not SEEDS.is_dir(), reason="../shared (seeds and gold) not present"
)


def _claimtrace(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from claimtrace.cli import main; main()", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def seeds_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("seeds")
    db = str(work / "seeds.db")
    for args in (("ingest", "--db", db, str(SEEDS)), ("analyze", "--db", db)):
        done = _claimtrace(*args, cwd=work)
        assert done.returncode == 0, done.stderr
    out = work / "export.json"
    done = _claimtrace("export", "--db", db, "--format", "json", "--out", str(out), cwd=work)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
@pytest.mark.parametrize("section", SECTIONS)
def test_seed_section_matches_gold(seeds_export: Path, section: str) -> None:
    score = subprocess.run(
        [sys.executable, str(SCORER), str(seeds_export), "--sections", section],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert score.returncode == 0, score.stdout


@pytest.mark.slow
def test_seed_narrative_labels_are_statements(seeds_export: Path) -> None:
    """Every narrative label on the seeds reads as a statement (``claim_form.fragment_reason``)."""
    import json

    from claimtrace.crossdoc.claim_form import fragment_reason

    labels = [n["label"] for n in json.loads(seeds_export.read_text(encoding="utf-8"))["narratives"]]
    assert labels
    assert [(x, fragment_reason(x)) for x in labels if fragment_reason(x)] == []
