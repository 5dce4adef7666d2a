"""Clustering of claims into narratives without chaining (the core of ``narratives.py``).

:class:`ClaimClustering` is a mixin of :class:`~claimtrace.crossdoc.narratives.NarrativeBuilder`:
candidate pairs from nearest neighbours and entity blocks; pairs scored by cosine plus entity and
slot agreement minus conflicts; then average linkage over that candidate graph: the two adjacent
clusters with the highest combined score (average cosine over cross-document pairs, from
per-document vector sums, plus expected entity/actor agreement weighted by document frequency,
minus conflicts) merge while it reaches ``link_threshold``, scores of neighbours recomputed after
each merge; a drift check against the larger cluster's medoid (sentence-vector part) guards each
merge. Corpora whose claims are uniformly alike (templated text) have their cosines rescaled
against the corpus background first. See the ``narratives`` module docstring for the whole stage.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from claimtrace.crossdoc.mutations import time_key
from claimtrace.crossdoc.slots import ClaimSlots
from claimtrace.crossdoc.unionfind import UnionFind
from claimtrace.model import Claim

__all__ = ["ClaimClustering"]

#: mean MiniLM cosine of unrelated news claims (about 0.1); corpora far above it are rescaled
_NATURAL_BACKGROUND = 0.10
_BACKGROUND_MAX = 0.30
_BACKGROUND_MIN_CLAIMS = 1000
_IDF_MIN_DOCS = 50


def _locs(slots: ClaimSlots) -> set[str]:
    return slots.keys("place") | slots.keys("target")


@dataclass(slots=True)
class Row:
    """One claim as the narrative stage sees it."""

    id: str
    inp: int  # index into the inputs (ingest order)
    claim: Claim
    text: str  # what is embedded
    slots: ClaimSlots
    date: str | None
    eligible: bool
    actors: frozenset[str] = frozenset()  # slot keys, precomputed: compared many times
    locs: frozenset[str] = frozenset()  # place and target keys
    #: a one-line document's whole headline that makes no claim (a question, a noun phrase):
    #: it may join a narrative after clustering (:meth:`ClaimClustering._attach`), never found one
    probe: bool = False

    def __post_init__(self) -> None:
        self.actors = frozenset(self.slots.keys("actor"))
        self.locs = frozenset(_locs(self.slots))


def _dot(a: Counter[str], b: Counter[str], weights: dict[str, float] | None = None) -> float:
    """Weighted dot product of two counters; ``fsum``: exact, so the same whatever the key order."""
    if len(a) > len(b):
        a, b = b, a
    if weights is None:
        return math.fsum(v * b[k] for k, v in a.items() if k in b)
    return math.fsum(weights.get(k, 1.0) * v * b[k] for k, v in a.items() if k in b)


@dataclass
class _Profile:
    """A growing cluster: size, vector sum, medoid and counters of entities, actors, places."""

    n: int
    sum: np.ndarray
    medoid: int
    members: list[int]
    ents: Counter[str]
    actors: Counter[str]
    locs: Counter[str]
    n_ent: int
    n_act: int
    n_loc: int
    medoid_at: int = 1
    by_doc: dict[int, tuple[np.ndarray, int]] = field(default_factory=dict)  # doc -> (vector sum, n)

    @classmethod
    def of(cls, row: Row, vec: np.ndarray, i: int) -> _Profile:
        acts, locs = row.actors, row.locs
        return cls(
            n=1,
            sum=vec.astype(np.float64),
            medoid=i,
            members=[i],
            ents=Counter(row.slots.entity_keys),
            actors=Counter(acts),
            locs=Counter(locs),
            n_ent=int(bool(row.slots.entity_keys)),
            n_act=int(bool(acts)),
            n_loc=int(bool(locs)),
            by_doc={row.inp: (vec.astype(np.float64), 1)},
        )

    def absorb(self, other: _Profile, vecs: np.ndarray) -> None:
        """Take ``other`` in; the medoid is recomputed each time the size doubles."""
        self.n += other.n
        self.sum = self.sum + other.sum
        self.members.extend(other.members)
        for mine, theirs in ((self.ents, other.ents), (self.actors, other.actors), (self.locs, other.locs)):
            mine.update(theirs)
        for d, (vs, k) in other.by_doc.items():
            mine_d = self.by_doc.get(d)
            self.by_doc[d] = (vs, k) if mine_d is None else (mine_d[0] + vs, mine_d[1] + k)
        self.n_ent += other.n_ent
        self.n_act += other.n_act
        self.n_loc += other.n_loc
        if self.n >= 2 * self.medoid_at:
            idx = np.array(self.members[-4096:] if self.n > 4096 else self.members)
            self.medoid = int(idx[int(np.argmax(vecs[idx] @ self.sum))])
            self.medoid_at = self.n


def _entity_weights(rows: list[Row]) -> dict[str, float]:
    """How much sharing each entity says: 1 for rare ones, less for those in many documents.

    ``log(N / df) / log(50)`` over the N documents of the clustered claims, clipped to [0, 1] (an
    entity in 2 % of the documents or fewer counts fully, one in half of them about 0.18), so
    that on a corpus about one conflict sharing its two sides ("Russia", "Ukraine") says little.
    Below ``_IDF_MIN_DOCS`` documents frequencies mean little and every entity counts fully.
    """
    n = len({r.inp for r in rows})
    if n < _IDF_MIN_DOCS:
        return {}
    seen = {(k, r.inp) for r in rows for k in r.slots.entity_keys | r.actors}
    df: Counter[str] = Counter(k for k, _ in seen)
    return {
        k: float(min(1.0, max(0.0, math.log(n / d) / math.log(50.0)))) for k, d in df.items() if d * 50 > n
    }


class ClaimClustering:
    """Mixin: the clustering steps; parameters are set by the builder's ``__init__``."""

    threshold: float
    link_threshold: float
    k: int
    max_block: int
    time_window: int
    exact_below: int
    require_shared_entity: bool
    conflict_weight: float
    drift_min: float
    probe_margin: float
    agreement_weight: float
    background_: float | None
    background_mean_: float | None
    entity_weight_: dict[str, float] = {}  # noqa: RUF012  (set per fit)

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
        index.set_num_threads(1)  # threads racing to insert build a different graph each run
        index.add_items(vecs, np.arange(n))
        index.set_num_threads(2)  # queries are independent: any number of threads gives one answer
        index.set_ef(max(2 * k, 32))
        labels, _ = index.knn_query(vecs, k=k + 1)
        for a, row in enumerate(labels):
            for b in row:
                if a != int(b):
                    yield a, int(b)

    def _blocked(self, rows: list[Row]) -> Iterable[tuple[int, int]]:
        blocks: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            keys = sorted(r.slots.entity_keys)[:8]
            for a, b in combinations(keys, 2):
                blocks[a + "|" + b].append(i)
            actor = r.actors
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

    def _pair_bonus(self, a: Row, b: Row) -> float:
        """Agreement of entities and slots, minus clear conflicts (see the module docstring)."""
        sa, sb = a.slots, b.slots
        ea, eb = sa.entity_keys, sb.entity_keys
        shared = ea & eb
        if self.require_shared_entity and not shared:
            return -1.0  # claims about wholly different entities are never linked directly
        bonus = 0.0
        if ea and eb:
            w = self.entity_weight_
            if shared:
                union = sum(w.get(k, 1.0) for k in ea | eb)
                bonus += 0.10 * sum(w.get(k, 1.0) for k in shared) / union if union else 0.0
            else:
                bonus -= 0.05
        aa, ab = a.actors, b.actors
        if aa and ab:
            bonus += 0.06 if aa & ab else -0.04
        if sa.action and sa.action == sb.action:
            bonus += 0.04
        la, lb = a.locs, b.locs
        if la & lb:
            bonus += 0.03
        if aa and ab and not aa & ab and la and lb and not la & lb and not shared:
            bonus -= self.conflict_weight  # different actor AND different place/target
        return bonus

    def _cluster(self, rows: list[Row], vecs: np.ndarray) -> list[list[str]]:
        n = len(rows)
        self.background_: float | None = None
        self.background_mean_: float | None = None
        if n == 0:
            return []
        pairs = {(min(a, b), max(a, b)) for a, b in self._neighbours(vecs)}
        pairs.update((min(a, b), max(a, b)) for a, b in self._blocked(rows))
        pair_arr = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        del pairs
        self.background_ = self._background(vecs)
        cos = self._adjust(
            np.einsum("ij,ij->i", vecs[pair_arr[:, 0]], vecs[pair_arr[:, 1]])
            if len(pair_arr)
            else np.zeros(0)
        )
        keep = cos + 0.23 >= self.threshold  # the bonus cannot lift the others to the threshold
        scored: list[tuple[float, int, int]] = []
        for (a, b), c in zip(pair_arr[keep].tolist(), cos[keep].tolist(), strict=True):
            s = c + self._pair_bonus(rows[a], rows[b])
            if s >= self.threshold:
                scored.append((s, a, b))
        self.entity_weight_ = _entity_weights(rows)
        prof = {i: _Profile.of(rows[i], vecs[i], i) for i in range(n)}
        parent = self._average_linkage(prof, [(a, b) for _s, a, b in scored], vecs)
        groups: dict[int, list[str]] = defaultdict(list)
        for i, r in enumerate(rows):
            groups[parent.find(i)].append(r.id)
        return list(groups.values())

    def _average_linkage(
        self, prof: dict[int, _Profile], edges: list[tuple[int, int]], vecs: np.ndarray
    ) -> UnionFind[int]:
        """Average linkage over the candidate graph: always merge the two *adjacent* clusters with
        the highest combined average-linkage score (:meth:`_link_score`, exact from vector sums and
        counters), while it reaches ``link_threshold``; neighbours' scores are recomputed after each
        merge (a heap with version stamps), so a pair refused early is seen again once its
        clusters have grown. The drift check still guards each merge."""
        uf: UnionFind[int] = UnionFind()
        adj: dict[int, set[int]] = defaultdict(set)
        for a, b in edges:
            adj[a].add(b)
            adj[b].add(a)
        ver: dict[int, int] = defaultdict(int)
        heap = [(-self._link_score(prof[a], prof[b]), a, b, 0, 0) for a, b in edges]
        heapq.heapify(heap)
        while heap:
            neg, a, b, va, vb = heapq.heappop(heap)
            if -neg < self.link_threshold:
                break
            if a not in prof or b not in prof or ver[a] != va or ver[b] != vb:
                continue
            pa, pb = prof[a], prof[b]
            if pa.n < pb.n:
                a, b, pa, pb = b, a, pb, pa
            if (pb.n > 1 or pa.n > 1) and self._drift(vecs[pa.medoid], pb.sum) < self.drift_min:
                continue  # the smaller part must stay near the larger's medoid
            uf.attach(uf.find(b), uf.find(a))
            pa.absorb(prof.pop(b), vecs)
            ver[a] += 1
            nb = (adj.pop(b, set()) | adj[a]) - {a, b}
            adj[a] = nb
            for c in nb:
                adj[c].discard(b)
                adj[c].add(a)
                x, y = (a, c) if a < c else (c, a)
                heapq.heappush(heap, (-self._link_score(pa, prof[c]), x, y, ver[x], ver[y]))
        return uf

    def _attach(
        self, clusters: list[set[str]], vec_of: dict[str, np.ndarray], probes: np.ndarray
    ) -> list[int | None]:
        """For each probe row (``probes``: its vectors), the cluster it joins, or None.

        A probe joins the cluster it is closest to on average (the average-linkage score a merge
        would have, without the agreement terms: a probe has no slots), when that reaches
        ``link_threshold`` + ``probe_margin`` and the probe lies within ``drift_min`` of the
        cluster's medoid, the test every merge passes. Clusters never merge through a probe.
        """
        if not clusters or not len(probes):
            return [None] * len(probes)
        members = [np.stack([vec_of[c] for c in sorted(cl)]) for cl in clusters]
        sums = np.stack([m.sum(axis=0) for m in members])
        medoids = np.stack([m[int(np.argmax(m @ t))] for m, t in zip(members, sums, strict=True)])
        sizes = np.array([len(m) for m in members], dtype=np.float64)
        need = self.link_threshold + self.probe_margin
        out: list[int | None] = []
        for lo in range(0, len(probes), 1024):
            part = probes[lo : lo + 1024]
            avg = self._adjust((part @ sums.T) / sizes)
            for i, j in enumerate(np.argmax(avg, axis=1).tolist()):
                ok = avg[i, j] >= need and self._drift(medoids[j], part[i]) >= self.drift_min
                out.append(int(j) if ok else None)
        return out

    def _drift(self, medoid: np.ndarray, total: np.ndarray) -> float:
        """Cosine of a centroid to a medoid in the sentence-vector part (``drift_dims_`` columns:
        word overlap is not asked of paraphrases here)."""
        d = getattr(self, "drift_dims_", None) or len(medoid)
        m, t = medoid[:d], total[:d]
        den = float(np.linalg.norm(m)) * float(np.linalg.norm(t))
        return float(self._adjust(float(m @ t) / den)) if den > 0 else 0.0

    def _background(self, vecs: np.ndarray) -> float | None:
        """Mean cosine of random claim pairs, when the corpus is big and its claims uniformly alike.

        Natural news claims sit near ``_NATURAL_BACKGROUND`` apart; templated or boilerplate-heavy
        corpora ("Country 3 trains ...", "Country 40 trains ...") sit far higher, where a fixed
        cosine threshold links everything. Above ``_BACKGROUND_MAX`` cosines are rescaled so the
        corpus background maps to the natural one (see :meth:`_adjust`).
        """
        n = len(vecs)
        self.background_mean_ = None
        if n < 2:
            return None
        rng = np.random.default_rng(7)
        a, b = rng.integers(0, n, 20_000), rng.integers(0, n, 20_000)
        ok = a != b
        mu = float(np.einsum("ij,ij->i", vecs[a[ok]], vecs[b[ok]]).mean()) if ok.any() else 0.0
        self.background_mean_ = round(mu, 4)
        return mu if mu > _BACKGROUND_MAX and n >= _BACKGROUND_MIN_CLAIMS else None

    def _adjust(self, cos: Any) -> Any:
        """Cosine rescaled against the corpus background (identity on natural corpora)."""
        mu = getattr(self, "background_", None)
        if mu is None:
            return cos
        return (cos - mu) / (1.0 - mu) * (1.0 - _NATURAL_BACKGROUND) + _NATURAL_BACKGROUND

    def _cross_doc_average(self, pa: _Profile, pb: _Profile) -> float:
        """Average cosine over the cross pairs from *different* documents (a document restating
        itself is no evidence that a claim recurs); over all pairs when every pair is in one
        document (a claim restated within its document)."""
        dot, pairs = float(pa.sum @ pb.sum), pa.n * pb.n
        small, large = (pa, pb) if len(pa.by_doc) <= len(pb.by_doc) else (pb, pa)
        same_dot, same_pairs = 0.0, 0
        for d, (vs, k) in small.by_doc.items():
            other = large.by_doc.get(d)
            if other is not None:
                same_dot += float(vs @ other[0])
                same_pairs += k * other[1]
        if same_pairs == pairs:
            return dot / pairs
        return (dot - same_dot) / (pairs - same_pairs)

    def _link_score(self, pa: _Profile, pb: _Profile) -> float:
        """Average-linkage combined score of two clusters (decomposable: sums and counters)."""
        nn = float(pa.n * pb.n)
        avg = self._adjust(self._cross_doc_average(pa, pb))
        e_shared = (
            _dot(pa.ents, pb.ents, self.entity_weight_) / nn
        )  # expected shared entity keys of a cross pair
        e_both = pa.n_ent * pb.n_ent / nn
        a_same = _dot(pa.actors, pb.actors, self.entity_weight_) / nn
        a_conf = max(0.0, pa.n_act * pb.n_act / nn - a_same)
        l_conf = max(0.0, pa.n_loc * pb.n_loc / nn - _dot(pa.locs, pb.locs) / nn)
        agree = self.agreement_weight * (0.10 * min(e_shared, 1.0) + 0.06 * a_same)
        score = avg + agree - 0.05 * max(0.0, e_both - e_shared) - 0.04 * a_conf
        return score - self.conflict_weight * a_conf * l_conf * max(0.0, 1.0 - e_shared)

    # -- overrides --------------------------------------------------------------------------------
