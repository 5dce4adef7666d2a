"""Narrative.carried_by in the store: its own JSON column (migration 6), round trip, older rows."""

from __future__ import annotations

from claimtrace.model import Narrative
from claimtrace.store.sql import SQLStore

CARRIED = [
    {"outlet": "Daily Alpha", "doc": "d1", "date": "2024-01-01"},
    {"speaker": "Agency X", "entity": "E1", "doc": "d1", "date": "2024-01-01"},
]


def test_carried_by_round_trip(store: SQLStore) -> None:
    n = Narrative("n1", "Country Y trains mercenaries", documents=["d1"], carried_by=CARRIED)
    store.save_narratives([n, Narrative("n2", "no carriers")])
    got = {x.id: x for x in store.load_narratives()}
    assert got["n1"].carried_by == CARRIED and got["n2"].carried_by == []
    # a plain column (browsable with Datasette), not hidden in ``extra``
    rows = store._execute("SELECT carried_by, extra FROM narratives WHERE id = 'n1'")
    assert "Agency X" in str(rows[0][0]) and "carried_by" not in str(rows[0][1])


def test_rows_saved_before_the_column_load_empty(store: SQLStore) -> None:
    store.save_narratives([Narrative("n1", "older row", carried_by=CARRIED)])
    with store._transaction():
        store._execute("UPDATE narratives SET carried_by = NULL")
    assert store.load_narratives()[0].carried_by == []
