"""Narrative details shared by the HTML and Markdown reports: mutation values and who carries a claim."""

from __future__ import annotations

from collections import Counter
from typing import Any

from claimtrace.report._index import fmt_value

__all__ = ["carried_summary", "mutation_value"]


def mutation_value(entry: dict[str, Any]) -> str:
    """A mutation's value as written where known ("up to 200"), else its formatted value."""
    return str(entry.get("text") or fmt_value(entry.get("value")))


def carried_summary(nar: dict[str, Any], *, limit: int = 20) -> list[tuple[str, list[tuple[str, int]], int]]:
    """``[(kind, [(name, documents)], more)]`` for speakers then outlets, first carrier first.

    ``documents`` counts the documents in which a speaker or outlet carries the narrative's
    claim (``narratives[].carried_by``); ``more`` counts the names beyond ``limit``.
    """
    out = []
    for kind in ("speaker", "outlet"):
        counts = Counter(str(e[kind]) for e in nar.get("carried_by") or [] if e.get(kind))
        if counts:
            names = list(counts.items())  # insertion order: first appearance first
            out.append((kind, names[:limit], max(0, len(names) - limit)))
    return out
