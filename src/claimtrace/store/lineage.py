"""Where a narrative id went: the chain of merge and dissolve events, read back at lookup time.

Re-analysis keeps narrative ids where it can; an id that does not survive ends in a ``merge``
event (``from`` lists it, ``narrative`` is the successor) or a ``dissolved`` one (its claims are
in no narrative now). Ratings and notes stay keyed by the id the analyst gave them; reads
resolve them through this chain, so an old id always leads to the narrative that carries its
claims now, or to the event that says why none does. Hand-written: a few dict walks over the
event log.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

__all__ = ["Resolution", "resolve", "resolve_ratings", "successors"]

#: what :func:`resolve` returns: the live id (None when the chain ends without one) and the
#: events followed, oldest first
Resolution = tuple[str | None, list[dict[str, Any]]]


def successors(events: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """Old id -> (the id it went to, or None when it dissolved; the event), the latest event winning.

    ``events`` as :meth:`Store.list_narrative_events` gives them (oldest first).
    """
    out: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for e in events:
        p = dict(e.get("payload") or {})
        kind, nid = e.get("kind"), p.get("narrative")
        if not nid:
            continue
        if kind == "merge":
            for old in p.get("from") or []:
                if old != nid:
                    out[str(old)] = (str(nid), p)
            out.pop(str(nid), None)  # the successor is live again, whatever it was before
        elif kind == "dissolved":
            out[str(nid)] = (None, p)
        else:  # create / split: the id (re)appears
            out.pop(str(nid), None)
    return out


def resolve(
    nid: str, chain: Mapping[str, tuple[str | None, dict[str, Any]]], live: Collection[str]
) -> Resolution:
    """The live narrative ``nid`` leads to through ``chain`` (itself when live), with the events passed."""
    seen: set[str] = set()
    path: list[dict[str, Any]] = []
    cur: str | None = nid
    while cur is not None and cur not in live:
        if cur in seen or cur not in chain:
            return None, path
        seen.add(cur)
        cur, event = chain[cur]
        path.append(event)
    return cur, path


def resolve_ratings(
    rows: Iterable[tuple[str, dict[str, Any]]],
    live: Collection[str],
    events: Iterable[Mapping[str, Any]] | None,
) -> dict[str, dict[str, Any]]:
    """Latest rating per live narrative, own or inherited; ratings that lead nowhere under their own id.

    ``rows``: (narrative id, rating dict), oldest first. A narrative's own latest rating wins;
    without one, the latest rating among the ids merged into it, marked ``inherited_from``.
    A rating whose id leads to no live narrative stays under that id, marked ``orphan`` with
    the event that ended the chain (``ended_by``). ``events`` may be None when every rated
    id is live.
    """
    own: dict[str, dict[str, Any]] = {}
    for nid, rating in rows:
        own[nid] = rating
    out = {nid: r for nid, r in own.items() if nid in live}
    gone = [nid for nid in own if nid not in live]
    if not gone:
        return out
    chain = successors(events or [])
    inherited: dict[str, dict[str, Any]] = {}
    for nid in gone:
        cur, path = resolve(nid, chain, live)
        if cur is None:
            out[nid] = {**own[nid], "orphan": True, "ended_by": path[-1] if path else None}
        elif cur not in out:
            prev = inherited.get(cur)
            if prev is None or str(own[nid].get("created_at") or "") >= str(prev.get("created_at") or ""):
                inherited[cur] = {**own[nid], "inherited_from": nid}
    out.update(inherited)
    return out
