"""Mutation logs: how the details of a narrative's claim change from one appearance to the next.

For each slot of the claim's normal form (``quantity``, ``target``, ``actor``, ``place``,
``time``; see ``claim_form.py``) the claims of a narrative are walked in time order (dated
documents by date, undated ones after them in ingest order, claims by position). The first
appearance of every distinct value is logged as ``{"slot", "value", "doc", "date", "previous"}``
where ``previous`` is the value that slot last took in an *earlier* document (None for the
first document that fills the slot):
"60 militants" (2022) -> "up to 500" (2022) -> "about 300" (2023) reads as three entries
with previous None/None-or-60/500. Quantity values are numbers (every figure is kept: "around
40" and "40" are one value, "up to 200" another) and their entry carries ``text``, the figure as
written ("up to 200"); other values are strings.

Who repeats the claim is not a detail of it: :func:`carried_by` lists the outlets and speakers
that carry it, per document in time order, leaving out speakers who deny it (a denial is stance
evidence, not a new actor).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from claimtrace.crossdoc.slots import SLOT_NAMES, SlotValue

__all__ = ["Carrier", "SlotOccurrence", "carried_by", "mutation_log", "time_key"]


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
                entry: dict[str, Any] = {
                    "slot": v.slot,
                    "value": v.value,
                    "doc": occ.doc,
                    "date": occ.date,
                    "previous": before_doc.get(v.slot),
                }
                if v.text is not None and v.slot == "quantity":
                    entry["text"] = v.text
                log.append(entry)
            last[v.slot] = (occ.doc, v.value)
    order = {s: i for i, s in enumerate(slots)}
    # stable: time order kept, slots grouped in SLOT_NAMES order within one document
    doc_rank: dict[str, int] = {}
    for entry in log:
        doc_rank.setdefault(entry["doc"], len(doc_rank))
    return sorted(log, key=lambda e: (doc_rank[e["doc"]], order.get(e["slot"], 99)))


@dataclass(frozen=True, slots=True)
class Carrier:
    """Who carries one claim: its document's outlet and its speaker (``denies``: the speaker denies it)."""

    doc: str
    date: str | None
    order: int
    position: int
    outlet: str | None
    speaker: str | None
    entity: str | None = None
    denies: bool = False


def carried_by(carriers: Iterable[Carrier]) -> list[dict[str, Any]]:
    """``{"outlet"|"speaker", "doc", "date"}`` entries in time order, each once per document.

    Speaker entries add ``entity`` (an entity id, or None); deniers are left out.
    """
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for c in sorted(carriers, key=lambda c: time_key(c.date, c.order, c.position)):
        if c.outlet and ("outlet", c.outlet, c.doc) not in seen:
            seen.add(("outlet", c.outlet, c.doc))
            out.append({"outlet": c.outlet, "doc": c.doc, "date": c.date})
        who = ("speaker", c.entity or (c.speaker or "").lower(), c.doc)
        if c.speaker and not c.denies and who not in seen:
            seen.add(who)
            out.append({"speaker": c.speaker, "entity": c.entity, "doc": c.doc, "date": c.date})
    return out
