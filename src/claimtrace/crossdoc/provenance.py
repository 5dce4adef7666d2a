"""Provenance of reused passages: groups of passages, their origin document and origin speaker.

A *passage* is one side of a :class:`~claimtrace.model.ReuseLink` (a span of one document). Passages
of the same document that overlap are one passage; passages joined by links form a *group* (connected
components, union-find). For each group:

* **origin document** — the rule, in order:

  1. the earliest ``published`` date among the group's documents; an undated document cannot be placed
     in time, so next to a dated one it is never the origin (it is listed after the dated ones);
  2. among documents of that same date (or when no document is dated): the one whose passage carries
     an attributed claim (the text names who said it), then the longest passage (copies trim more
     often than they add), then the document indexed first;
  3. a group with no document at all is impossible; ``source`` is ``None`` only for a link whose
     documents are unknown to the caller.

* **origin speaker** — the ``speaker_key`` of the claims whose content span overlaps a passage of the
  group: the origin document's claim when it has one, otherwise the key named most often;
* **credits** — the agencies (TASS, AP...) credited by any document of the group: an upstream origin
  outside the corpus.

:func:`assign_sources` sets ``ReuseLink.source`` and ``ReuseLink.group`` (:func:`update_sources` only
for the groups an incremental reuse run changed); :func:`provenance_chains`
describes every group: origin, speaker, credits and the chain from the origin to each copy, ordered by
date, each hop with the kind and score of the link it came through.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from claimtrace.crossdoc.reuse import ReuseDoc
from claimtrace.crossdoc.unionfind import UnionFind
from claimtrace.model import ReuseLink

__all__ = ["PROVENANCE_VERSION", "assign_sources", "group_passages", "provenance_chains", "update_sources"]

PROVENANCE_VERSION = "provenance.v1"

Passage = tuple[str, int, int]  # (doc id, start, end)


def _ends(link: ReuseLink) -> tuple[Passage, Passage]:
    return (link.a_doc, link.a_start, link.a_end), (link.b_doc, link.b_start, link.b_end)


def group_passages(links: Sequence[ReuseLink]) -> list[list[Passage]]:
    """Connected groups of passages (overlapping passages of one document merged), each sorted."""
    uf: UnionFind[Passage] = UnionFind()
    by_doc: dict[str, list[Passage]] = defaultdict(list)
    for link in links:
        a, b = _ends(link)
        uf.union(a, b)
        by_doc[a[0]].append(a)
        by_doc[b[0]].append(b)
    for spans in by_doc.values():
        spans.sort(key=lambda p: (p[1], p[2]))
        cur = spans[0]
        for p in spans[1:]:
            if p[1] < cur[2]:
                uf.union(cur, p)
                if p[2] > cur[2]:
                    cur = p
            else:
                cur = p
    groups: dict[Passage, list[Passage]] = defaultdict(list)
    for p in uf.parent:
        groups[uf.find(p)].append(p)
    return sorted((sorted(set(g)) for g in groups.values()), key=lambda g: g[0])


def _group_id(members: list[Passage]) -> str:
    digest = hashlib.sha1("|".join(f"{d}:{s}-{e}" for d, s, e in members).encode("utf-8"))
    return "reuse:" + digest.hexdigest()[:12]


def _speakers(doc: ReuseDoc | None, start: int, end: int) -> list[str]:
    if doc is None:
        return []
    return [
        c.speaker_key for c in doc.claims if c.speaker_key and c.content_start < end and start < c.content_end
    ]


def _describe(members: list[Passage], docs: dict[str, ReuseDoc], order: dict[str, int]) -> dict[str, Any]:
    """Origin, speaker and credits of one group of passages."""
    spans: dict[str, tuple[int, int]] = {}
    for d, s, e in members:
        lo, hi = spans.get(d, (s, e))
        spans[d] = (min(lo, s), max(hi, e))
    speakers = {d: _speakers(docs.get(d), s, e) for d, (s, e) in spans.items()}

    def rank(d: str) -> tuple[Any, ...]:
        pub = docs[d].published if d in docs else None
        return (
            pub is None,
            pub or "",
            not speakers[d],
            -(spans[d][1] - spans[d][0]),
            order.get(d, len(order)),
        )

    ranked = sorted(spans, key=rank)
    origin = ranked[0] if ranked and ranked[0] in docs else None
    counts = Counter(k for keys in speakers.values() for k in keys)
    origin_speaker = None
    if origin is not None and speakers[origin]:
        origin_speaker = Counter(speakers[origin]).most_common(1)[0][0]
    elif counts:
        origin_speaker = counts.most_common(1)[0][0]
    credits = sorted({c for d in spans if d in docs for c in docs[d].credits})
    return {
        "origin": origin,
        "ranked": ranked,
        "spans": spans,
        "origin_speaker": origin_speaker,
        "speakers": dict(counts),
        "credits": credits,
    }


def assign_sources(links: Sequence[ReuseLink], docs: Sequence[ReuseDoc]) -> list[ReuseLink]:
    """Copies of ``links`` with ``source`` (origin document id, or ``None``) and ``group`` set."""
    by_id = {d.id: d for d in docs}
    order = {d.id: i for i, d in enumerate(docs)}
    group_of: dict[Passage, tuple[str, str | None]] = {}
    for members in group_passages(links):
        info = _describe(members, by_id, order)
        gid = _group_id(members)
        for p in members:
            group_of[p] = (gid, info["origin"])
    out = []
    for link in links:
        gid, origin = group_of[_ends(link)[0]]
        out.append(replace(link, source=origin, group=gid))
    return out


def update_sources(
    kept: Sequence[ReuseLink],
    fresh: Sequence[ReuseLink],
    docs_for: Callable[[list[str]], Sequence[ReuseDoc]],
    order: dict[str, int],
) -> tuple[list[ReuseLink], int]:
    """Provenance after an incremental reuse run, re-described only where groups changed.

    ``kept``: links of an earlier run (``source`` and ``group`` set) whose document pairs did not
    change; ``fresh``: the links of the changed document pairs. Groups are recomputed over all
    links (cheap: no document is read); a group is described again (origin, as
    :func:`assign_sources`) when it holds a fresh link or a kept link whose group id changed, with
    the documents of those groups only (``docs_for``; ``order``: every document's position in
    ingest order, the last tie-break). Returns ``kept + fresh`` with sources and groups set, and
    the number of groups described again.
    """
    links = [*kept, *fresh]
    groups = group_passages(links)
    member = {p: k for k, members in enumerate(groups) for p in members}
    gids = [_group_id(members) for members in groups]
    dirty: set[int] = set()
    for n, link in enumerate(links):
        k = member[_ends(link)[0]]
        if n >= len(kept) or link.group != gids[k]:
            dirty.add(k)
    redo = [n for n, link in enumerate(links) if member[_ends(link)[0]] in dirty]
    if redo:
        ids = sorted(
            {d for n in redo for d in (links[n].a_doc, links[n].b_doc)}, key=lambda d: order.get(d, -1)
        )
        described = assign_sources([links[n] for n in redo], docs_for(ids))
        for n, link in zip(redo, described, strict=True):
            links[n] = link
    return links, len(dirty)


def provenance_chains(links: Sequence[ReuseLink], docs: Sequence[ReuseDoc]) -> list[dict[str, Any]]:
    """One dict per group of reused passages.

    Keys: ``group``, ``origin`` (doc id or ``None``), ``origin_published``, ``origin_speaker`` (entity key or
    ``None``), ``speakers`` (key -> count), ``credits``, ``documents`` (in chain order) and ``chain``: one hop
    per copy, ``{"doc", "published", "outlet", "start", "end", "from", "kind", "score"}``, where ``from`` is
    the origin when a link joins the two directly, else the earliest document of the chain linked to it.
    """
    by_id = {d.id: d for d in docs}
    order = {d.id: i for i, d in enumerate(docs)}
    groups = group_passages(links)
    member_group = {p: k for k, members in enumerate(groups) for p in members}
    group_links: dict[int, list[ReuseLink]] = defaultdict(list)
    for link in links:
        group_links[member_group[_ends(link)[0]]].append(link)
    out = []
    for k, members in enumerate(groups):
        info = _describe(members, by_id, order)
        ranked: list[str] = info["ranked"]
        position = {d: i for i, d in enumerate(ranked)}
        best: dict[tuple[str, str], ReuseLink] = {}
        for link in group_links[k]:
            key = (
                (link.a_doc, link.b_doc)
                if position[link.a_doc] < position[link.b_doc]
                else (link.b_doc, link.a_doc)
            )
            if key not in best or link.score > best[key].score:
                best[key] = link
        parent: dict[str, str] = {}  # each document's earliest-ranked linked document
        for a, b in best:
            if b not in parent or position[a] < position[parent[b]]:
                parent[b] = a
        chain = []
        for d in ranked[1:]:
            src = parent.get(d)
            hop = best.get((src, d)) if src else None
            doc = by_id.get(d)
            chain.append(
                {
                    "doc": d,
                    "published": doc.published if doc else None,
                    "outlet": doc.outlet if doc else None,
                    "start": info["spans"][d][0],
                    "end": info["spans"][d][1],
                    "from": src,
                    "kind": hop.kind if hop else None,
                    "score": hop.score if hop else None,
                }
            )
        origin = info["origin"]
        out.append(
            {
                "group": _group_id(members),
                "origin": origin,
                "origin_published": by_id[origin].published if origin in by_id else None,
                "origin_span": list(info["spans"][origin]) if origin else None,
                "origin_speaker": info["origin_speaker"],
                "speakers": info["speakers"],
                "credits": info["credits"],
                "documents": ranked,
                "chain": chain,
            }
        )
    return out
