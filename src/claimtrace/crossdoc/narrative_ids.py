"""Narrative ids that stay stable across re-analysis, and the events that record how they change.

A new narrative gets ``"N" + sha1(founding claim id)[:10]`` (:func:`narrative_id`; the founder is
the earliest claim, :func:`founder`). Against the ``previous`` narratives, :func:`assign_ids`
keeps ids stable: a cluster inherits the id of the previous narrative it shares most claims with;
a previous narrative found in two clusters is a ``split`` (the larger part keeps the id), two
previous ones in one cluster a ``merge`` (the older id is kept). A previous narrative carrying
analyst work that clustering would dissolve is held together instead (:func:`held`), while
enough of its claims remain in the corpus: the analyst judged it a narrative. Hand-written: the matching is a
small greedy assignment over claim overlaps, specific to this stage's records.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from claimtrace.crossdoc.mutations import time_key
from claimtrace.crossdoc.narrative_cluster import Row
from claimtrace.model import Narrative

__all__ = ["Pinned", "assign_ids", "founder", "held", "held_events", "narrative_id"]


class Pinned(Protocol):
    """A cluster as id assignment sees it: its claims, an id an override pinned, and whether it did."""

    claims: set[str]
    pin: str | None
    by_override: bool


def narrative_id(founding_claim: str, *, salt: str = "") -> str:
    """The id of a narrative founded by ``founding_claim``."""
    return "N" + hashlib.sha1(f"{salt}{founding_claim}".encode()).hexdigest()[:10]


def founder(claims: Iterable[str], by_id: Mapping[str, Row]) -> str:
    """The founding claim: the earliest dated one (undated after), ties by claim id (not ingest order)."""

    def key(c: str) -> tuple[int, str, str]:
        date = by_id[c].date if c in by_id else None
        return (0 if date else 1 if c in by_id else 2, date or "", c)

    return min(claims, key=key)


def assign_ids(
    clusters: Sequence[Pinned],
    previous: Sequence[Narrative],
    by_id: Mapping[str, Row],
    *,
    now: str | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """One id per cluster (kept from ``previous`` where it can be) and the events of the change.

    Events: ``create``; ``split`` (a new id taking claims of previous narratives that keep
    theirs); ``merge`` (``from`` lists every previous id whose claims ``narrative`` took and
    that is gone now, oldest first); ``dissolved`` (a previous id none of whose claims is in a
    narrative now; ``claims`` counts those left unclustered and those no longer in the corpus).
    Every previous id that is not kept ends in a ``merge`` or ``dissolved`` event. The result
    depends on the clusters' claims, not on their order nor on ingest order.
    """
    at = now or datetime.now(UTC).isoformat(timespec="seconds")
    ids: list[str | None] = [cl.pin for cl in clusters]
    used = {i for i in ids if i}
    prev_age = {n.id: (time_key(n.first_seen, 0), n.id) for n in previous}
    # clusters ranked by content (their least claim id), so ties never depend on list order
    rank = {
        j: r
        for r, j in enumerate(sorted(range(len(clusters)), key=lambda j: min(clusters[j].claims, default="")))
    }
    overlap: dict[str, Counter[int]] = {}
    for n in previous:
        pc = set(n.claims)
        cnt = Counter({j: len(pc & cl.claims) for j, cl in enumerate(clusters)})
        overlap[n.id] = Counter({j: v for j, v in cnt.items() if v > 0})

    def best(cnt: Counter[int], among: Iterable[int]) -> int:
        return max(among, key=lambda j: (cnt[j], len(clusters[j].claims), -rank[j]))

    heirs: dict[int, list[str]] = defaultdict(list)
    for pid in sorted(overlap, key=lambda p: prev_age[p]):  # oldest first: it keeps its id in a merge
        cnt = overlap[pid]
        free = [j for j in cnt if ids[j] is None]
        if pid in used or not free:
            continue
        heirs[best(cnt, free)].append(pid)
    for j, pids in heirs.items():
        ids[j] = pids[0]
        used.add(pids[0])
    for j, cl in enumerate(clusters):
        if ids[j] is None:
            nid = narrative_id(founder(cl.claims, by_id))
            salt = 0
            while nid in used:
                salt += 1
                nid = narrative_id(founder(cl.claims, by_id), salt=f"{salt}:")
            ids[j] = nid
            used.add(nid)
    final = [str(i) for i in ids]
    # every previous id not kept goes to the cluster that took most of its claims, or dissolves
    absorbed: dict[int, list[str]] = defaultdict(list)
    for j, pids in heirs.items():
        absorbed[j].extend(pids[1:])
    dissolved: list[str] = []
    for pid in sorted(set(overlap) - used - {p for pids in heirs.values() for p in pids[1:]}):
        if overlap[pid]:
            absorbed[best(overlap[pid], overlap[pid])].append(pid)
        else:
            dissolved.append(pid)
    events: list[dict[str, Any]] = []
    prev_ids = set(overlap)
    for j, cl in enumerate(clusters):
        touching = sorted((p for p, cnt in overlap.items() if cnt.get(j)), key=lambda p: prev_age[p])
        nid = final[j]
        by = "override" if cl.by_override else "clustering"
        by_hand = cl.by_override and len(touching) >= 2 and nid in touching
        if absorbed.get(j) or by_hand:
            merged = set(absorbed[j]) | ({nid} & prev_ids) | (set(touching) if by_hand else set())
            events.append(
                {
                    "kind": "merge",
                    "narrative": nid,
                    "at": at,
                    "by": by,
                    "from": sorted(merged, key=lambda p: prev_age[p]),
                }
            )
        elif touching and nid not in prev_ids:
            events.append({"kind": "split", "narrative": nid, "from": touching, "at": at, "by": by})
        elif not touching and nid not in prev_ids:
            events.append({"kind": "create", "narrative": nid, "from": [], "at": at, "by": by})
    old = {n.id: n for n in previous}
    for pid in dissolved:
        claims = old[pid].claims
        kept = sum(c in by_id for c in claims)
        events.append(
            {
                "kind": "dissolved",
                "narrative": pid,
                "from": [pid],
                "at": at,
                "by": "clustering",
                "claims": {"unclustered": kept, "removed": len(claims) - kept},
            }
        )
    return final, events


def held(
    previous: Sequence[Narrative],
    hold: Collection[str],
    clusters: Sequence[Pinned],
    present: Collection[str],
    *,
    min_claims: int,
) -> list[tuple[str, set[str]]]:
    """Previous narratives in ``hold`` none of whose claims is in ``clusters``: (id, claims in ``present``).

    Only those with at least ``min_claims`` claims still present; the caller keeps each as a
    narrative under its id (a ``held`` event, :func:`held_events`) instead of dissolving it.
    """
    taken = {c for cl in clusters for c in cl.claims}
    out = []
    for n in sorted(previous, key=lambda n: n.id):
        if n.id in hold and not taken.intersection(n.claims):
            here = {c for c in n.claims if c in present}
            if len(here) >= min_claims:
                out.append((n.id, here))
    return out


def held_events(kept: Sequence[tuple[str, set[str]]], *, now: str | None = None) -> list[dict[str, Any]]:
    """One ``held`` event per narrative :func:`held` kept together."""
    at = now or datetime.now(UTC).isoformat(timespec="seconds")
    return [
        {
            "kind": "held",
            "narrative": nid,
            "from": [nid],
            "at": at,
            "by": "analyst work",
            "claims": len(claims),
        }
        for nid, claims in kept
    ]
