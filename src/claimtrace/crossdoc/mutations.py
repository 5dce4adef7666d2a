"""Mutation logs: how the details of a narrative change from one appearance to the next.

For each slot (``quantity``, ``target``, ``actor``, ``speaker``, ``place``; see ``slots.py``)
the claims of a narrative are walked in time order (dated documents by date, undated ones
after them in ingest order, claims by position). The first appearance of every distinct value
is logged as ``{"slot", "value", "doc", "date", "previous"}`` where ``previous`` is the value
that slot last took in an *earlier* document (None for the first document that fills the slot):
"60 militants" (2022) -> "up to 500" (2022) -> "about 300" (2023) reads as three entries
with previous None/None-or-60/500. Quantity values are numbers; other values are strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from claimtrace.crossdoc.slots import SLOT_NAMES, SlotValue

__all__ = ["SlotOccurrence", "mutation_log", "time_key"]


@dataclass(frozen=True, slots=True)
class SlotOccurrence:
    """The slot values of one claim, placed in time: ``order`` is the document's ingest position."""

    doc: str
    date: str | None
    order: int
    position: int
    values: tuple[SlotValue, ...]


def time_key(date: str | None, order: int, position: int = 0) -> tuple[int, str, int, int]:
    """Sort key: dated first by date, undated after them, ties by ingest order then position."""
    return (0 if date else 1, date or "", order, position)


def mutation_log(
    occurrences: Iterable[SlotOccurrence], *, slots: Sequence[str] = SLOT_NAMES
) -> list[dict[str, Any]]:
    """Log entries ``{"slot","value","doc","date","previous"}`` in time order (slot order within a claim)."""
    ordered = sorted(occurrences, key=lambda o: time_key(o.date, o.order, o.position))
    wanted = set(slots)
    seen: dict[str, set[str]] = {s: set() for s in wanted}
    # the value each slot last took, and in which document
    last: dict[str, tuple[str, str | float]] = {}
    # the value each slot held when the current document began (the "replaced" value)
    before_doc: dict[str, str | float | None] = {}
    current_doc: str | None = None
    log: list[dict[str, Any]] = []
    for occ in ordered:
        if occ.doc != current_doc:
            current_doc = occ.doc
            before_doc = {s: (last[s][1] if s in last and last[s][0] != occ.doc else None) for s in wanted}
        for v in occ.values:
            if v.slot not in wanted:
                continue
            if v.key not in seen[v.slot]:
                seen[v.slot].add(v.key)
                log.append(
                    {
                        "slot": v.slot,
                        "value": v.value,
                        "doc": occ.doc,
                        "date": occ.date,
                        "previous": before_doc.get(v.slot),
                    }
                )
            last[v.slot] = (occ.doc, v.value)
    order = {s: i for i, s in enumerate(slots)}
    # stable: time order kept, slots grouped in SLOT_NAMES order within one document
    doc_rank: dict[str, int] = {}
    for entry in log:
        doc_rank.setdefault(entry["doc"], len(doc_rank))
    return sorted(log, key=lambda e: (doc_rank[e["doc"]], order.get(e["slot"], 99)))
