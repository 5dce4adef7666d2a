"""`claimtrace analyze` twice on the same input (one worker, two workers, another ingest order):
the same narrative ids with the same claims."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from claimtrace.cli import app

runner = CliRunner()

# invented articles: three outlets retell two claims, with other sentences around them
TEXTS = [
    "Harbour chief Mila Torven said on Monday that the Kelmsby ferry will stop running in March. "
    "The council has not commented. Traders in the old town said they feared for their trade.",
    "The Kelmsby ferry will stop running in March, harbour chief Mila Torven said. "
    "Commuters would need to drive around the bay, which takes an hour longer.",
    "According to harbour chief Mila Torven, the Kelmsby ferry stops running in March. "
    "Grower Lisbet Quenby said frost destroyed half of the apples in the Pellam orchards.",
    "Frost destroyed half of the apples in the Pellam orchards, grower Lisbet Quenby said. "
    "Prices at the Pellam market rose by a third within a week.",
    "Grower Lisbet Quenby told reporters that frost had destroyed half the apples in the Pellam orchards. "
    "The growers' union asked the province for help.",
    "The Pellam market board said apple prices rose by a third within a week. "
    "Mayor Ama Kelby said the town would open a second bus line to Kelmsby.",
]


def _run(tmp_path: Path, name: str, order: list[int], *extra: str) -> list[tuple[str, str]]:
    folder = tmp_path / "in"  # one folder: a document's id comes from its path
    folder.mkdir(exist_ok=True)
    paths = []
    for i in order:
        path = folder / f"article{i}.txt"
        path.write_text(TEXTS[i], encoding="utf-8")
        paths.append(str(path))
    db = str(tmp_path / f"{name}.db")
    for args in (["ingest", *paths], ["analyze", "--no-index", *extra]):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT narrative_id, group_concat(claim_id, ' ') FROM "
            "(SELECT * FROM narrative_claims ORDER BY narrative_id, claim_id) GROUP BY narrative_id"
        ).fetchall()
    return [(str(a), str(b)) for a, b in rows]


def test_analyze_same_ids_and_members_any_workers_any_order(tmp_path: Path) -> None:
    one = _run(tmp_path, "one", list(range(len(TEXTS))))
    assert one, "the fixture should yield narratives"
    assert _run(tmp_path, "two", list(range(len(TEXTS))), "--workers", "2") == one
    assert _run(tmp_path, "reversed", list(range(len(TEXTS)))[::-1]) == one
