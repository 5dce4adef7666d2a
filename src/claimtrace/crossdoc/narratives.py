"""Narratives: recurring claims across stories, outlets and time, with stable ids.

A narrative is a cluster of *claims* (not documents: one article can carry claims of several
narratives). :class:`NarrativeBuilder` follows fit/transform with explicit state:

1. every claim with some entity and enough words is embedded (its content span) and described
   by slots (``slots.py``: actor, action, target, place, quantity, speaker);
2. candidate pairs come from approximate nearest neighbours (exact blocks below a few thousand
   claims, HNSW above) and from blocking on shared entity keys (pairs of keys; oversized
   blocks only pair claims close in time), so the work grows near-linearly, never all pairs;
3. pairs are scored (cosine + shared entities + agreeing actor/action/target) and merged
   strongest first, each merge also checked by average linkage between the two clusters
   (exact average cosine from the clusters' vector sums), which stops chaining;
4. analyst overrides (move / merge / split, as the store returns them) are re-applied to the
   clusters after every clustering, so they survive re-analysis;
5. ids are kept stable against ``previous`` narratives: a cluster inherits the id of the
   previous narrative it shares most claims with; a previous narrative found in two clusters
   is a ``split`` (the larger part keeps the id), two previous ones in one cluster a ``merge``
   (the older id is kept). New narratives get ``"N" + sha1(founding claim id)[:10]``;
6. each narrative gets a label (its medoid claim, shortened, plus key entities), a timeline,
   a mutation log (``mutations.py``) and one stance per document (``stance.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import combinations, pairwise
from typing import Any

import numpy as np

from claimtrace.crossdoc.mutations import SlotOccurrence, mutation_log, time_key
from claimtrace.crossdoc.slots import ClaimSlots, extract_slots
from claimtrace.crossdoc.stance import decide_stance
from claimtrace.model import Claim, DocAnalysis, Document, Entity, Narrative

__all__ = ["STAGE_VERSION", "NarrativeBuilder", "NarrativeInput", "build_narratives", "hashing_encoder"]

STAGE_VERSION = "narratives.v1"

Encoder = Callable[[list[str]], np.ndarray]

_WORD = re.compile(r"\w+")


@dataclass
class NarrativeInput:
    """One document and its per-document analysis."""

    doc: Document
    analysis: DocAnalysis


@dataclass
class _Row:
    """One claim as the narrative stage sees it."""

    id: str
    inp: int  # index into the inputs (ingest order)
    claim: Claim
    text: str  # what is embedded
    slots: ClaimSlots
    date: str | None
    eligible: bool


@dataclass
class _Cluster:
    claims: set[str]
    pin: str | None = None
    by_override: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def hashing_encoder(texts: list[str], *, dim: int = 384) -> np.ndarray:
    """A model-free stand-in encoder: hashed word unigrams and bigrams, L2-normalised.

    Deterministic and fast; for tests and machines without the ``embed`` extra. It sees only
    shared words, so paraphrases score lower than with the real sentence model.
    """
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, text in enumerate(texts):
        words = [w.lower() for w in _WORD.findall(text)]
        grams = words + [a + " " + b for a, b in pairwise(words)]
        for g in grams:
            h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
            out[i, h % dim] += 1.0 if (h >> 63) & 1 else -1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


def _default_encoder(texts: list[str]) -> np.ndarray:
    from claimtrace.embeddings import encode

    return encode(texts)


def narrative_id(founding_claim: str, *, salt: str = "") -> str:
    """The id of a narrative founded by ``founding_claim``."""
    return "N" + hashlib.sha1(f"{salt}{founding_claim}".encode()).hexdigest()[:10]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root


class NarrativeBuilder:
    """Cluster claims into narratives with stable ids (see the module docstring).

    Parameters: ``threshold`` the pair score needed to link two claims; ``link_threshold`` the
    average-linkage score two clusters need to merge; ``k`` neighbours per claim; ``min_claims``
    / ``min_docs`` how big a cluster must be to be a narrative; ``min_words`` the shortest claim
    content clustered; ``max_block`` the largest entity block paired exhaustively; ``encoder``
    texts -> L2-normalised rows (default: the local MiniLM); ``now`` the event timestamp;
    ``require_shared_entity`` links two claims only when their contents share an entity (stops
    templated claims about different actors from merging; off by default, see the report).
    """

    def __init__(
        self,
        *,
        threshold: float = 0.58,
        link_threshold: float = 0.50,
        k: int = 12,
        min_claims: int = 2,
        min_docs: int = 1,
        min_words: int = 5,
        max_block: int = 48,
        time_window: int = 8,
        exact_below: int = 4000,
        encoder: Encoder | None = None,
        vectors: Mapping[str, np.ndarray] | None = None,
        label_chars: int = 90,
        now: str | None = None,
        require_shared_entity: bool = False,
    ) -> None:
        self.threshold = threshold
        self.link_threshold = link_threshold
        self.k = k
        self.min_claims = min_claims
        self.min_docs = min_docs
        self.min_words = min_words
        self.max_block = max_block
        self.time_window = time_window
        self.exact_below = exact_below
        self.encoder = encoder
        self.vectors = vectors
        self.label_chars = label_chars
        self.now = now
        self.require_shared_entity = require_shared_entity

    # -- public ------------------------------------------------------------------------------
    def fit(
        self,
        inputs: Sequence[NarrativeInput],
        *,
        entities: Sequence[Entity] = (),
        previous: list[Narrative] | None = None,
        overrides: Sequence[dict[str, Any]] = (),
    ) -> NarrativeBuilder:
        """Cluster the claims of ``inputs``; learned state ends in ``_``."""
        self.entities_ = {e.key: e for e in entities}
        self.inputs_ = list(inputs)
        self.rows_ = self._rows()
        by_id = {r.id: r for r in self.rows_}
        elig = [r for r in self.rows_ if r.eligible]
        vecs = self._embed(elig)
        self.vecs_ = {r.id: vecs[i] for i, r in enumerate(elig)}
        raw = self._cluster(elig, vecs)
        clusters = [
            _Cluster(set(c))
            for c in raw
            if len(c) >= self.min_claims and len({by_id[x].inp for x in c}) >= self.min_docs
        ]
        prev = list(previous or [])
        clusters = self._apply_overrides(clusters, overrides, prev, by_id)
        ids, self.events_ = self._assign_ids(clusters, prev, by_id)
        self.narratives_ = [self._narrative(nid, c, by_id) for nid, c in zip(ids, clusters, strict=True)]
        self.narratives_.sort(key=lambda n: n.id)
        self.assignments_ = {cid: n.id for n in self.narratives_ for cid in n.claims}
        return self

    def narratives(self) -> list[Narrative]:
        """The narratives found by the last :meth:`fit`, ordered by id."""
        return list(self.narratives_)

    def events(self) -> list[dict[str, Any]]:
        """Create / merge / split events of the last :meth:`fit`."""
        return list(self.events_)

    def assignments(self) -> dict[str, str]:
        """Claim id -> narrative id."""
        return dict(self.assignments_)

    # -- rows and vectors -------------------------------------------------------------------------
    def _rows(self) -> list[_Row]:
        rows: list[_Row] = []
        for i, inp in enumerate(self.inputs_):
            text, an = inp.doc.text, inp.analysis
            for c in an.claims:
                cid = c.id or f"{inp.doc.id}:{c.start}-{c.end}"
                content = text[c.content_start : c.content_end].strip()
                nwords = len(_WORD.findall(content))
                if nwords < self.min_words:
                    content = text[c.start : c.end].strip()
                slots = extract_slots(
                    c, text=text, mentions=an.mentions, quantities=an.quantities, entities=self.entities_
                )
                eligible = nwords >= self.min_words and bool(slots.entity_keys)
                rows.append(_Row(cid, i, c, content, slots, inp.doc.published, eligible))
        return rows

    def _embed(self, rows: list[_Row]) -> np.ndarray:
        if not rows:
            return np.zeros((0, 384), dtype=np.float32)
        given = self.vectors or {}
        todo = [r for r in rows if r.id not in given]
        enc = self.encoder or _default_encoder
        fresh = enc([r.text for r in todo]) if todo else np.zeros((0, 1), dtype=np.float32)
        dim = fresh.shape[1] if todo else len(next(iter(given.values())))
        out = np.zeros((len(rows), dim), dtype=np.float32)
        j = 0
        for i, r in enumerate(rows):
            if r.id in given:
                out[i] = given[r.id]
            else:
                out[i] = fresh[j]
                j += 1
        return out

    # -- clustering ----------------------------------------------------------------------------
    def _neighbours(self, vecs: np.ndarray) -> Iterable[tuple[int, int]]:
        n = len(vecs)
        k = min(self.k, n - 1)
        if k <= 0:
            return
        if n <= self.exact_below:
            for lo in range(0, n, 1024):
                sims = vecs[lo : lo + 1024] @ vecs.T
                top = np.argpartition(-sims, kth=k, axis=1)[:, : k + 1]
                for a, row in enumerate(top):
                    for b in row:
                        if lo + a != b:
                            yield lo + a, int(b)
            return
        import hnswlib  # the crossdoc extra

        index = hnswlib.Index(space="ip", dim=vecs.shape[1])
        index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=7)
        index.set_num_threads(2)
        index.add_items(vecs, np.arange(n))
        index.set_ef(max(2 * k, 32))
        labels, _ = index.knn_query(vecs, k=k + 1)
        for a, row in enumerate(labels):
            for b in row:
                if a != int(b):
                    yield a, int(b)

    def _blocked(self, rows: list[_Row]) -> Iterable[tuple[int, int]]:
        blocks: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            keys = sorted(r.slots.entity_keys)[:8]
            for a, b in combinations(keys, 2):
                blocks[a + "|" + b].append(i)
            actor = r.slots.keys("actor")
            for a in actor:
                for t in r.slots.keys("target") | r.slots.keys("place"):
                    blocks["A:" + a + "|" + t].append(i)
        for members in blocks.values():
            if len(members) < 2:
                continue
            if len(members) <= self.max_block:
                yield from combinations(members, 2)
                continue
            members = sorted(members, key=lambda i: time_key(rows[i].date, rows[i].inp, rows[i].claim.start))
            w = self.time_window
            for x in range(len(members)):
                for y in range(x + 1, min(len(members), x + 1 + w)):
                    yield members[x], members[y]

    def _pair_bonus(self, a: _Row, b: _Row) -> float:
        sa, sb = a.slots, b.slots
        ea, eb = sa.entity_keys, sb.entity_keys
        if self.require_shared_entity and not ea & eb:
            return -1.0  # claims about wholly different entities are never linked directly
        bonus = 0.0
        if ea and eb:
            bonus += 0.10 * len(ea & eb) / len(ea | eb)
        aa, ab = sa.keys("actor"), sb.keys("actor")
        if aa and ab:
            bonus += 0.06 if aa & ab else -0.04
        if sa.action and sa.action == sb.action:
            bonus += 0.04
        ta, tb = sa.keys("target"), sb.keys("target")
        if ta & tb:
            bonus += 0.03
        return bonus

    def _cluster(self, rows: list[_Row], vecs: np.ndarray) -> list[list[str]]:
        n = len(rows)
        if n == 0:
            return []
        pairs = {(min(a, b), max(a, b)) for a, b in self._neighbours(vecs)}
        pairs.update((min(a, b), max(a, b)) for a, b in self._blocked(rows))
        pair_arr = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        cos = (
            np.einsum("ij,ij->i", vecs[pair_arr[:, 0]], vecs[pair_arr[:, 1]])
            if len(pair_arr)
            else np.zeros(0)
        )
        scored: list[tuple[float, int, int]] = []
        for (a, b), c in zip(pair_arr.tolist(), cos.tolist(), strict=True):
            if c + 0.23 < self.threshold:  # the bonus cannot lift it to the threshold
                continue
            s = c + self._pair_bonus(rows[a], rows[b])
            if s >= self.threshold:
                scored.append((s, a, b))
        scored.sort(key=lambda t: (-t[0], t[1], t[2]))
        uf = _UnionFind(n)
        sums = {i: vecs[i].astype(np.float64) for i in range(n)}
        size = dict.fromkeys(range(n), 1)
        ents: dict[int, Counter[str]] = {i: Counter(rows[i].slots.entity_keys) for i in range(n)}
        for _s, a, b in scored:
            ra, rb = uf.find(a), uf.find(b)
            if ra == rb:
                continue
            avg = float(sums[ra] @ sums[rb]) / (size[ra] * size[rb])
            shared = set(ents[ra]) & set(ents[rb])
            common = sum(min(ents[ra][k] / size[ra], ents[rb][k] / size[rb]) for k in shared)
            if avg + 0.05 * min(common, 1.0) < self.link_threshold:
                continue
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            uf.parent[rb] = ra
            sums[ra] = sums[ra] + sums.pop(rb)
            size[ra] += size.pop(rb)
            ents[ra].update(ents.pop(rb))
        groups: dict[int, list[str]] = defaultdict(list)
        for i, r in enumerate(rows):
            groups[uf.find(i)].append(r.id)
        return list(groups.values())

    # -- overrides --------------------------------------------------------------------------------
    def _apply_overrides(
        self,
        clusters: list[_Cluster],
        overrides: Sequence[dict[str, Any]],
        previous: list[Narrative],
        by_id: Mapping[str, _Row],
    ) -> list[_Cluster]:
        """Re-apply analyst overrides (oldest first) to the clusters, in claim space."""
        prev_claims = {n.id: set(n.claims) for n in previous}
        where: dict[str, _Cluster] = {c: cl for cl in clusters for c in cl.claims}

        def resolve(ref: str, anchors: Iterable[str] | None) -> _Cluster | None:
            for cl in clusters:
                if cl.pin == ref and cl.claims:
                    return cl
            pool = set(anchors or ()) or prev_claims.get(ref, set())
            counts = Counter(id(where[c]) for c in pool if c in where)
            if not counts:
                return None
            by_key = {id(cl): cl for cl in clusters}

            def rank(key: int) -> tuple[bool, int, float]:
                cl = by_key[key]  # prefer clusters not already claimed by another narrative id
                return (cl.pin in (None, ref), counts[key], counts[key] / max(1, len(cl.claims)))

            return by_key[max(counts, key=rank)]

        def take(claim: str) -> None:
            old = where.pop(claim, None)
            if old is not None:
                old.claims.discard(claim)

        ordered = sorted(
            (o for o in overrides if o.get("scope", "narrative") == "narrative"),
            key=lambda o: (str(o.get("created_at") or ""), int(o.get("id") or 0)),
        )
        for o in ordered:
            action, p = o.get("action"), dict(o.get("payload") or {})
            if action == "move":
                claim, target = str(p.get("claim", "")), str(p.get("narrative", ""))
                if claim not in by_id or not target:
                    continue
                dest = resolve(target, [a for a in p.get("anchors", []) if a != claim])
                take(claim)
                if dest is None:
                    dest = _Cluster(set(), pin=target, by_override=True)
                    clusters.append(dest)
                dest.claims.add(claim)
                dest.pin = dest.pin or target
                where[claim] = dest
            elif action == "merge":
                refs = [str(x) for x in p.get("narratives", [])] or [
                    str(p.get(x)) for x in ("a", "b") if p.get(x)
                ]
                anchors = p.get("claims", {}) or {}
                found = [cl for cl in (resolve(r, anchors.get(r)) for r in refs) if cl is not None]
                if len(found) < 2 or not refs:
                    continue
                keep = found[0]
                for other in found[1:]:
                    if other is keep:
                        continue
                    for c in list(other.claims):
                        where[c] = keep
                    keep.claims |= other.claims
                    other.claims = set()
                keep.pin, keep.by_override = refs[0], True
            elif action == "split":
                moved = [str(c) for c in p.get("claims", []) if str(c) in by_id]
                if not moved:
                    continue
                new_id = str(p.get("new_id") or narrative_id("split:" + "|".join(sorted(moved))))
                dest = _Cluster(set(), pin=new_id, by_override=True)
                clusters.append(dest)
                for c in moved:
                    take(c)
                    dest.claims.add(c)
                    where[c] = dest
        return [cl for cl in clusters if cl.claims]

    # -- ids and events ----------------------------------------------------------------------------
    def _founder(self, claims: Iterable[str], by_id: Mapping[str, _Row]) -> str:
        return min(
            claims,
            key=lambda c: (
                (time_key(by_id[c].date, by_id[c].inp, by_id[c].claim.start), c)
                if c in by_id
                else ((2, "", 0, 0), c)
            ),
        )

    def _assign_ids(
        self, clusters: list[_Cluster], previous: list[Narrative], by_id: Mapping[str, _Row]
    ) -> tuple[list[str], list[dict[str, Any]]]:
        at = self.now or datetime.now(UTC).isoformat(timespec="seconds")
        ids: list[str | None] = [cl.pin for cl in clusters]
        used = {i for i in ids if i}
        prev_age = {n.id: (time_key(n.first_seen, 0), n.id) for n in previous}
        overlap: dict[str, Counter[int]] = {}
        for n in previous:
            pc = set(n.claims)
            cnt = Counter({j: len(pc & cl.claims) for j, cl in enumerate(clusters)})
            overlap[n.id] = Counter({j: v for j, v in cnt.items() if v > 0})
        heirs: dict[int, list[str]] = defaultdict(list)
        for pid in sorted(overlap, key=lambda p: prev_age[p]):  # oldest first: it keeps its id in a merge
            cnt = overlap[pid]
            free = [j for j in cnt if ids[j] is None]
            if pid in used or not free:
                continue
            heir = max(free, key=lambda j: (cnt[j], len(clusters[j].claims), -j))
            heirs[heir].append(pid)
        for j, pids in heirs.items():
            ids[j] = pids[0]
            used.add(pids[0])
        for j, cl in enumerate(clusters):
            if ids[j] is None:
                nid = narrative_id(self._founder(cl.claims, by_id))
                salt = 0
                while nid in used:
                    salt += 1
                    nid = narrative_id(self._founder(cl.claims, by_id), salt=f"{salt}:")
                ids[j] = nid
                used.add(nid)
        final = [str(i) for i in ids]
        events: list[dict[str, Any]] = []
        prev_ids = set(overlap)
        for j, cl in enumerate(clusters):
            touching = sorted((p for p, cnt in overlap.items() if cnt.get(j)), key=lambda p: prev_age[p])
            nid = final[j]
            by = "override" if cl.by_override else "clustering"
            if len(heirs.get(j, [])) >= 2 or (cl.by_override and len(touching) >= 2 and nid in touching):
                merged = set(heirs.get(j, [])) | (set(touching) if cl.by_override else set())
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
        return final, events

    # -- narrative records -------------------------------------------------------------------------
    def _narrative(self, nid: str, cl: _Cluster, by_id: Mapping[str, _Row]) -> Narrative:
        rows = sorted(
            (by_id[c] for c in cl.claims if c in by_id),
            key=lambda r: (time_key(r.date, r.inp, r.claim.start), r.id),
        )
        docs = list(dict.fromkeys(r.inp for r in rows))
        timeline = [
            {
                "date": self.inputs_[i].doc.published,
                "doc": self.inputs_[i].doc.id,
                "outlet": self.inputs_[i].doc.outlet,
            }
            for i in docs
        ]
        dates = sorted(d["date"] for d in timeline if d["date"])
        occ = [
            SlotOccurrence(self.inputs_[r.inp].doc.id, r.date, r.inp, r.claim.start, tuple(r.slots.values))
            for r in rows
        ]
        stances = []
        per_doc: dict[int, list[_Row]] = defaultdict(list)
        for r in rows:
            per_doc[r.inp].append(r)
        actors = {k for r in rows for k in r.slots.keys("actor")}
        ent_docs: Counter[str] = Counter()
        for i in docs:
            inp = self.inputs_[i]
            mine = per_doc[i]
            stances.append(decide_stance(inp.doc, inp.analysis, [r.claim for r in mine], actor_keys=actors))
            keys = {k for r in mine for k in r.slots.entity_keys}
            keys |= {r.claim.speaker_key for r in mine if r.claim.speaker_key}
            ent_docs.update(keys)
        top = [k for k, _ in sorted(ent_docs.items(), key=lambda kv: (-kv[1], kv[0]))[:8]]
        return Narrative(
            id=nid,
            label=self._label(rows, top),
            claims=[r.id for r in rows],
            documents=[self.inputs_[i].doc.id for i in docs],
            first_seen=dates[0] if dates else None,
            last_seen=dates[-1] if dates else None,
            timeline=timeline,
            mutations=mutation_log(occ),
            stances=stances,
            entities=[self.entities_[k].id if k in self.entities_ else k for k in top],
        )

    def _name(self, key: str, rows: Sequence[_Row]) -> str:
        if key in self.entities_:
            return self.entities_[key].name
        for r in rows:
            for m in self.inputs_[r.inp].analysis.mentions:
                if m.key == key:
                    return m.name
        return key.split(":", 1)[-1]

    def _label(self, rows: Sequence[_Row], top: Sequence[str]) -> str:
        vec_rows = [r for r in rows if r.id in self.vecs_]
        if vec_rows:
            mat = np.stack([self.vecs_[r.id] for r in vec_rows])
            medoid = vec_rows[int(np.argmax(mat @ mat.sum(axis=0)))]
        else:
            medoid = rows[0]
        text = " ".join(medoid.text.split()).strip(" \"“”‘’'")
        if len(text) > self.label_chars:
            cut = text[: self.label_chars].rsplit(" ", 1)[0]
            text = cut.rstrip(",;:") + "…"
        names = [self._name(k, rows) for k in top[:3]]
        return f"{text} ({', '.join(names)})" if names else text


_INIT_PARAMS = {
    "threshold",
    "link_threshold",
    "k",
    "min_claims",
    "min_docs",
    "min_words",
    "max_block",
    "time_window",
    "exact_below",
    "encoder",
    "vectors",
    "label_chars",
    "now",
}


def build_narratives(
    inputs: Sequence[NarrativeInput],
    *,
    entities: Sequence[Entity] = (),
    previous: list[Narrative] | None = None,
    overrides: Sequence[dict[str, Any]] = (),
    **params: Any,
) -> list[Narrative]:
    """One-shot: ``NarrativeBuilder(**params).fit(...).narratives()``."""
    unknown = set(params) - _INIT_PARAMS
    if unknown:
        raise TypeError(f"unknown NarrativeBuilder parameter(s): {sorted(unknown)}")
    builder = NarrativeBuilder(**params)
    return builder.fit(inputs, entities=entities, previous=previous, overrides=overrides).narratives()
