"""Stories: documents about the same event, clustered online.

A story is one real-world event in the sense of ECB+: two different fires in two towns are two
stories even when they read alike. :class:`StoryClusterer` is a single-pass (Miranda-style)
clusterer: each new document joins the most similar existing story or opens a new one.

Similarity of a document to a story combines

* a term space: TF-IDF over :func:`claimtrace.crossdoc.features.term_bag` terms, where names
  and numbers weigh more than generic words, plus the document's entity keys (IDF learned from
  every document seen so far, updated at the start of each :meth:`StoryClusterer.partial_fit`);
* optionally, an embedding space (MiniLM vectors of title + lead, supplied in
  :attr:`StoryDoc.vector` or computed when ``embed=True``);
* a time factor: 1 within ``time_grace_days`` of the story's date range, then decaying with
  scale ``time_scale_days`` (events months apart are rarely the same event). Undated documents
  or stories get no time factor.

Candidate stories come from an inverted index over the top terms of each story centroid, so the
cost per document does not grow with the number of stories (the embedding space only re-scores
those candidates). After each batch, documents of that batch are re-assigned once to their best
story and near-identical stories are merged (the older story keeps its id).

The single pass depends on document order, so each batch ends with a *refinement*
(:mod:`claimtrace.crossdoc.story_refine`): the stories the batch touched and their neighbours
(centroid similarity >= ``region_threshold``) form regions of at most ``region_docs``
documents; each region's documents are re-clustered with weighted-average linkage over
document cosine (times the time factor), cut at ``refine_threshold``; fragments of at most
``small_story`` documents then join the larger story they are most similar to on average when
that reaches ``attach_threshold``. A re-clustered story takes the id of the old story with which
it shares most documents, so ids stay stable. Document vectors (and embeddings, as float16) are
kept in the state for this.

Short documents (headlines, one- or two-sentence posts: fewer than ``short_terms`` terms) are
too sparse for the term space alone: they always get a MiniLM vector, a blended similarity and
candidate stories from their nearest short documents (:mod:`claimtrace.crossdoc.story_short`).
The regime is decided per document by its length, with the same defaults for every corpus.

The learned state is explicit and JSON-serialisable (:meth:`StoryClusterer.to_state`); story
ids are derived from the first document of the story and do not change when more documents come.
Embeddings of full articles are off by default (``embed``): on ECB+ (source-URL line removed) they
did not help, and MiniLM over every document's lead costs more than the rest of the stage at 100k
documents.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence
from sys import intern
from typing import Any

import numpy as np

from claimtrace.crossdoc.features import FEATURES_VERSION, lead_text, term_bag
from claimtrace.crossdoc.story_refine import (
    assign_ids,
    attach_small,
    bounded_components,
    cosine_matrix,
    wpgma,
)
from claimtrace.crossdoc.story_short import blend, near_neighbours
from claimtrace.crossdoc.story_state import (
    StoryDoc,
    _Cluster,
    _day,
    _DocRecord,
    _Packed,
    _Prepared,
    _story_id,
)
from claimtrace.model import Story

__all__ = ["STORIES_VERSION", "StoryClusterer", "StoryDoc", "cluster_stories"]

STORIES_VERSION = f"stories.v3+{FEATURES_VERSION}"

Embedder = Callable[[list[str]], np.ndarray]


class StoryClusterer:
    """Online event clustering with explicit, serialisable state.

    >>> c = StoryClusterer().partial_fit([StoryDoc("a", "Fire in Brookvale."), StoryDoc("b", "x")])
    >>> sum(len(s.documents) for s in c.stories())
    2
    """

    def __init__(
        self,
        *,
        threshold: float = 0.3,
        merge_threshold: float = 0.6,
        proper_weight: float = 3.0,
        number_weight: float = 2.0,
        common_weight: float = 1.0,
        entity_weight: float = 2.0,
        embedding_weight: float = 0.3,
        embed: bool = False,
        time_grace_days: float = 7.0,
        time_scale_days: float = 30.0,
        doc_terms: int = 80,
        centroid_terms: int = 300,
        index_terms: int = 40,
        query_terms: int = 20,
        max_candidates: int = 15,
        posting_cap: int = 32,
        refine: bool = True,
        refine_threshold: float = 0.22,
        region_threshold: float = 0.1,
        region_docs: int = 400,
        attach_threshold: float = 0.12,
        small_story: int = 2,
        short_terms: int = 30,
        short_weight: float = 0.7,
        short_shift: float = 0.2,
        short_neighbours: int = 10,
        short_window: int = 2500,
    ) -> None:
        self.threshold = threshold
        self.merge_threshold = merge_threshold
        self.proper_weight = proper_weight
        self.number_weight = number_weight
        self.common_weight = common_weight
        self.entity_weight = entity_weight
        self.embedding_weight = embedding_weight
        self.embed = embed
        self.time_grace_days = time_grace_days
        self.time_scale_days = time_scale_days
        self.doc_terms = doc_terms
        self.centroid_terms = centroid_terms
        self.index_terms = index_terms
        self.query_terms = query_terms
        self.max_candidates = max_candidates
        self.posting_cap = posting_cap
        self.refine = refine
        self.refine_threshold = refine_threshold
        self.region_threshold = region_threshold
        self.region_docs = region_docs
        self.attach_threshold = attach_threshold
        self.small_story = small_story
        self.short_terms = short_terms
        self.short_weight = short_weight
        self.short_shift = short_shift
        self.short_neighbours = short_neighbours
        self.short_window = short_window
        self.near_: dict[str, list[str]] = {}  # this batch's short documents -> nearest short documents
        self.embedder: Embedder | None = None  # set to override the MiniLM encoder (tests)

    # ----------------------------------------------------------------------------- params

    _PARAMS = (
        "threshold", "merge_threshold", "proper_weight", "number_weight", "common_weight",
        "entity_weight", "embedding_weight", "embed", "time_grace_days", "time_scale_days",
        "doc_terms", "centroid_terms", "index_terms", "query_terms", "max_candidates", "posting_cap",
        "refine", "refine_threshold", "region_threshold", "region_docs", "attach_threshold",
        "small_story", "short_terms", "short_weight", "short_shift", "short_neighbours", "short_window",
    )  # fmt: skip

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def _ensure_state(self) -> None:
        if not hasattr(self, "clusters_"):
            self.n_docs_ = 0
            self.seq_ = 0
            self.df_: Counter[str] = Counter()
            self.clusters_: dict[str, _Cluster] = {}
            self.doc_story_: dict[str, str] = {}
            self.index_: dict[str, dict[str, None]] = {}  # term -> story ids, least recent first
            self.indexed_: dict[str, tuple[str, ...]] = {}
            self.docs_: dict[str, _DocRecord] = {}  # arrival order
            self.recent_short_: deque[str] = deque(maxlen=self.short_window)  # last short documents

    # ----------------------------------------------------------------------------- features

    def _idf(self, term: str) -> float:
        return math.log((1 + self.n_docs_) / (1 + self.df_.get(term, 0))) + 1.0

    def _prepare(self, docs: Sequence[StoryDoc]) -> list[_Packed]:
        """Term vectors of a batch (IDF from every document seen, this batch included).

        Kept packed (a tuple of terms and an array of weights per document) until each
        document's turn comes: a dict per term per document costs gigabytes at 100k documents.
        """
        bags: list[tuple[tuple[str, ...], array[float], dict[str, str]]] = []
        short: list[bool] = []
        for doc in docs:
            bag = term_bag(
                doc.text,
                title=doc.title,
                proper_weight=self.proper_weight,
                number_weight=self.number_weight,
                common_weight=self.common_weight,
            )
            short.append(len(bag.weights) < self.short_terms)
            for key in dict.fromkeys(doc.entity_keys):
                bag.weights["@" + key] = self.entity_weight
            self.df_.update(bag.weights.keys())
            # interned: the same term in thousands of documents and stories is one string
            forms = {intern(t): intern(f) for t, f in bag.forms.items() if f != t}
            bags.append((tuple(map(intern, bag.weights)), array("d", bag.weights.values()), forms))
        self.n_docs_ += len(docs)
        embs = self._embeddings(docs, short)
        out = []
        for i, (doc, (terms, weights, forms)) in enumerate(zip(docs, bags, strict=True)):
            weighted = {t: w * self._idf(t) for t, w in zip(terms, weights, strict=True)}
            if len(weighted) > self.doc_terms:
                top = sorted(weighted.items(), key=lambda kv: -kv[1])[: self.doc_terms]
                weighted = dict(top)
            norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
            kept = tuple(weighted)
            emb = None if embs is None else embs[i]
            out.append(
                _Packed(
                    doc,
                    kept,
                    array("d", (w / norm for w in weighted.values())),
                    emb,
                    {t: forms[t] for t in kept if t in forms},
                    short=short[i] and emb is not None,
                )
            )
            bags[i] = ((), array("d"), {})
        return out

    def _embeddings(self, docs: Sequence[StoryDoc], short: Sequence[bool]) -> list[np.ndarray | None] | None:
        """Embeddings of the documents that get one: every document with ``embed``, else short ones."""
        given = [None if d.vector is None else np.asarray(d.vector, dtype=np.float32) for d in docs]
        missing = [i for i, v in enumerate(given) if v is None and (self.embed or short[i])]
        if missing:
            embedder = self.embedder
            if embedder is None:
                from claimtrace.embeddings import encode

                def embedder(texts: list[str]) -> np.ndarray:
                    return encode(texts)

            vecs = embedder([lead_text(docs[i].text, title=docs[i].title) for i in missing])
            for i, v in zip(missing, vecs, strict=True):
                given[i] = np.asarray(v, dtype=np.float32)
        if all(v is None for v in given):
            return None
        return given

    # ----------------------------------------------------------------------------- similarity

    def _time_factor(self, day: int | None, cl: _Cluster) -> float:
        if day is None or cl.first is None:
            return 1.0
        lo, hi = _day(cl.first), _day(cl.last)
        if lo is None or hi is None:
            return 1.0
        gap = max(lo - day, day - hi, 0) - self.time_grace_days
        if gap <= 0:
            return 1.0
        return math.exp(-gap / self.time_scale_days)

    def _similarity(self, p: _Prepared, cl: _Cluster, *, exclude: bool = False) -> float:
        """Similarity of a prepared document to a story (``exclude``: the doc is a member)."""
        factor = self._time_factor(p.day, cl)
        if factor < self.threshold * 0.5:
            return 0.0  # too far apart in time to ever join
        terms, norm = cl.terms, cl.norm
        vec = p.vec
        common = vec.keys() & terms.keys()
        dot = sum(vec[t] * terms[t] for t in common)
        if exclude:
            own = sum(vec[t] * vec[t] for t in common)
            # |c - v|^2 = |c|^2 - 2 c.v + |v|^2 (v restricted to kept centroid terms)
            norm = math.sqrt(max(norm * norm - 2 * dot + own, 0.0))
            dot -= own
        if norm <= 1e-9:
            return 0.0
        sim = dot / norm
        if p.emb is not None and cl.vec is not None:
            centroid = cl.vec - p.emb if exclude else cl.vec
            cn = float(np.linalg.norm(centroid))
            if cn > 1e-9:
                esim = float(p.emb @ centroid) / cn
                if p.short:
                    sim = float(blend(sim, esim, weight=self.short_weight, shift=self.short_shift))
                else:
                    sim = (1 - self.embedding_weight) * sim + self.embedding_weight * esim
        return sim * factor

    def _candidates(self, p: _Prepared, *, also: str | None = None) -> list[str]:
        votes: dict[str, float] = defaultdict(float)
        top = heapq.nlargest(self.query_terms, p.vec.items(), key=lambda kv: kv[1])
        for term, w in top:
            for cid in self.index_.get(term, ()):
                votes[cid] += w
        cands = heapq.nlargest(self.max_candidates, votes, key=votes.__getitem__)
        for cid in self._near_stories(p.doc.id):
            if cid not in cands:
                cands.append(cid)
        if also is not None and also not in cands:
            cands.append(also)
        return cands

    def _near_stories(self, *doc_ids: str) -> list[str]:
        """The stories of the nearest short documents of ``doc_ids`` (this batch's search)."""
        out: dict[str, None] = {}
        for doc_id in doc_ids:
            for other in self.near_.get(doc_id, ()):
                cid = self.doc_story_.get(other)
                if cid is not None:
                    out[cid] = None
        return list(out)

    def _search_near(self, prepared: Sequence[_Packed], order: Sequence[int]) -> None:
        """Nearest short documents of the batch's short ones (earlier batches' included)."""
        batch = [prepared[i] for i in order if prepared[i].short and prepared[i].emb is not None]
        self.near_ = {}
        if not batch or self.short_neighbours <= 0:
            return
        earlier = [(d, self.docs_[d].emb) for d in self.recent_short_ if self.docs_[d].emb is not None]
        ids = [d for d, _ in earlier] + [p.doc.id for p in batch]
        rows = [np.asarray(e, dtype=np.float32) for _, e in earlier] + [np.asarray(p.emb) for p in batch]
        vectors = np.stack(rows).astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        floor = self.short_shift + self.region_threshold / max(self.short_weight, 1e-9)
        self.near_ = near_neighbours(
            vectors, ids, first=len(earlier), k=self.short_neighbours, window=self.short_window, floor=floor
        )

    def _joins(self, sim: float, cid: str) -> bool:
        """Whether a similarity to story ``cid`` is enough to join it."""
        return sim >= self.threshold

    def _best(self, p: _Prepared, *, current: str | None = None) -> tuple[str | None, float]:
        best, best_sim = None, -1.0
        for cid in self._candidates(p, also=current):
            sim = self._similarity(p, self.clusters_[cid], exclude=cid == current)
            if sim > best_sim:
                best, best_sim = cid, sim
        return best, best_sim

    # ----------------------------------------------------------------------------- updates

    def _reindex(self, cl: _Cluster) -> None:
        """Index the story under its top terms, as the most recent story of each posting.

        A posting keeps at most ``posting_cap`` stories (the least recently updated ones drop
        out), so looking up candidates costs the same however many stories there are.
        """
        old = self.indexed_.get(cl.id, ())
        new = tuple(t for t, _ in heapq.nlargest(self.index_terms, cl.terms.items(), key=lambda kv: kv[1]))
        for t in set(old).difference(new):
            posting = self.index_.get(t)
            if posting is not None:
                posting.pop(cl.id, None)
                if not posting:
                    del self.index_[t]
        cap = self.posting_cap
        for t in new:
            posting = self.index_.setdefault(t, {})
            posting.pop(cl.id, None)
            posting[cl.id] = None
            if len(posting) > cap:
                del posting[next(iter(posting))]
        self.indexed_[cl.id] = new

    def _unindex(self, cid: str) -> None:
        for t in self.indexed_.pop(cid, ()):
            posting = self.index_.get(t)
            if posting is not None:
                posting.pop(cid, None)
                if not posting:
                    del self.index_[t]

    def _prune(self, cl: _Cluster) -> None:
        if len(cl.terms) > self.centroid_terms * 1.5:
            top = sorted(cl.terms.items(), key=lambda kv: -kv[1])[: self.centroid_terms]
            cl.terms = dict(top)
        cl.norm = math.sqrt(sum(w * w for w in cl.terms.values()))

    def _add(self, p: _Prepared, cid: str | None) -> str:
        if cid is None:
            cid = _story_id(p.doc.id)
            n = 1
            while cid in self.clusters_:  # same first-doc id seen twice: keep ids unique
                cid = _story_id(f"{p.doc.id}#{n}")
                n += 1
            self.seq_ += 1
            cl = _Cluster(id=cid, terms={}, norm=0.0, docs=[], forms={}, seq=self.seq_)
            self.clusters_[cid] = cl
        cl = self.clusters_[cid]
        for t, w in p.vec.items():
            cl.terms[t] = cl.terms.get(t, 0.0) + w
        if p.emb is not None:
            cl.vec = p.emb.copy() if cl.vec is None else cl.vec + p.emb
        self._prune(cl)
        cl.docs.append(p.doc.id)
        if p.doc.id not in self.docs_:
            self.docs_[p.doc.id] = _DocRecord(p.vec, p.doc.published, p.doc.title, emb=p.emb, short=p.short)
            if p.short:
                self.recent_short_.append(p.doc.id)
        if p.day is not None and p.doc.published:
            pub = p.doc.published[:10]
            cl.first = pub if cl.first is None or pub < cl.first else cl.first
            cl.last = pub if cl.last is None or pub > cl.last else cl.last
        forms = cl.forms if cl.forms is not None else {}
        for t, f in p.forms.items():
            forms.setdefault(t, f)
        cl.forms = {t: f for t, f in forms.items() if t in cl.terms}
        if p.doc.title:
            score = self._similarity(p, cl)
            if score > cl.title_score:
                cl.title, cl.title_score = p.doc.title, score
        self.doc_story_[p.doc.id] = cid
        self._reindex(cl)
        return cid

    def _remove(self, p: _Prepared, cid: str) -> None:
        cl = self.clusters_[cid]
        cl.docs.remove(p.doc.id)
        del self.doc_story_[p.doc.id]
        if not cl.docs:
            self._unindex(cid)
            del self.clusters_[cid]
            return
        for t, w in p.vec.items():
            if t in cl.terms:
                left = cl.terms[t] - w
                if left > 1e-6:
                    cl.terms[t] = left
                else:
                    del cl.terms[t]
        if p.emb is not None and cl.vec is not None:
            cl.vec = cl.vec - p.emb
        cl.norm = math.sqrt(sum(w * w for w in cl.terms.values()))
        self._reindex(cl)

    def _merge_pass(self, touched: set[str]) -> None:
        """Merge each touched story into a similar, older story (centroid cosine)."""
        for cid in sorted(touched, key=lambda c: len(self.clusters_[c].docs) if c in self.clusters_ else 0):
            cl = self.clusters_.get(cid)
            if cl is None or cl.norm <= 0:
                continue
            unit = {t: w / cl.norm for t, w in cl.terms.items()}
            probe = self._probe(cl, unit)
            best, best_sim = None, -1.0
            for other in self._candidates(probe) + self._near_stories(*cl.docs):
                if other == cid:
                    continue
                sim = self._similarity(probe, self.clusters_[other])
                if sim > best_sim:
                    best, best_sim = other, sim
            if best is not None and best_sim >= self.merge_threshold:
                self._absorb(self.clusters_[best], cl)

    def _absorb(self, into: _Cluster, cl: _Cluster) -> None:
        big, small = (into, cl) if into.seq <= cl.seq else (cl, into)
        for t, w in small.terms.items():
            big.terms[t] = big.terms.get(t, 0.0) + w
        if small.vec is not None:
            big.vec = small.vec.copy() if big.vec is None else big.vec + small.vec
        big.docs.extend(small.docs)
        for d in small.docs:
            self.doc_story_[d] = big.id
        for bound in (small.first, small.last):
            if bound:
                big.first = bound if big.first is None or bound < big.first else big.first
                big.last = bound if big.last is None or bound > big.last else big.last
        if small.title and small.title_score > big.title_score:
            big.title, big.title_score = small.title, small.title_score
        big.forms = {**(small.forms or {}), **(big.forms or {})}
        self._prune(big)
        self._unindex(small.id)
        del self.clusters_[small.id]
        self._reindex(big)

    # ----------------------------------------------------------------------------- refinement

    def _refine_regions(self, touched: set[str]) -> None:
        """Re-cluster the region around each touched story with WPGMA (see story_refine)."""
        if not touched:
            return
        edges: list[tuple[float, str, str]] = []
        nodes = set(touched)
        for cid in sorted(touched):
            cl = self.clusters_[cid]
            if cl.norm <= 0:
                continue
            unit = {t: w / cl.norm for t, w in cl.terms.items()}
            probe = self._probe(cl, unit, short_only=True)
            for other in dict.fromkeys(self._candidates(probe) + self._near_stories(*cl.docs)):
                if other != cid:
                    sim = self._similarity(probe, self.clusters_[other])
                    if sim >= self.region_threshold:
                        edges.append((sim, cid, other))
                        nodes.add(other)
        ordered = sorted(nodes, key=lambda c: self.clusters_[c].seq)
        sizes = {c: len(self.clusters_[c].docs) for c in ordered}
        arrival = {d: i for i, d in enumerate(self.docs_)}
        for group in bounded_components(sizes, edges, max_size=self.region_docs):
            if touched.isdisjoint(group) or sum(sizes[c] for c in group) > self.region_docs:
                continue
            self._recluster(group, arrival)

    def _probe(self, cl: _Cluster, unit: dict[str, float], *, short_only: bool = False) -> _Prepared:
        """A story as a document (its unit centroid), to compare stories with each other.

        The story's embedding comes along when it has one and it is a story of short documents
        (``short_only``) or embeddings are on.
        """
        short = cl.vec is not None and any(self.docs_[d].short for d in cl.docs[:3] if d in self.docs_)
        emb = None
        if cl.vec is not None and (short or not short_only):
            emb = cl.vec / max(float(np.linalg.norm(cl.vec)), 1e-9)
        return _Prepared(StoryDoc(cl.id, ""), unit, emb, _day(cl.first), {}, short)

    def _pair_time_factors(self, days: list[int | None]) -> np.ndarray:
        """The time factor between every two documents (1 where either is undated)."""
        known = np.array([d is not None for d in days])
        values = np.array([d if d is not None else 0 for d in days], dtype=np.float64)
        gap = np.abs(values[:, None] - values[None, :]) - self.time_grace_days
        factor = np.exp(-np.maximum(gap, 0.0) / max(self.time_scale_days, 1e-9))
        both = known[:, None] & known[None, :]
        return np.where(both, factor, 1.0)

    def _recluster(self, group: list[str], arrival: dict[str, int]) -> None:
        docs = sorted((d for c in group for d in self.clusters_[c].docs), key=lambda d: arrival.get(d, -1))
        if len(docs) < 2 or any(d not in self.docs_ for d in docs):
            return
        records = [self.docs_[d] for d in docs]
        factors = self._pair_time_factors([_day(r.published) for r in records])
        sim = self._doc_similarities(records) * factors
        labels = wpgma(sim, self.refine_threshold)
        labels = attach_small(
            sim, labels, threshold=self.attach_threshold, max_size=self.small_story, apart=factors < 0.5
        )
        clusters: list[list[str]] = [[] for _ in range(max(labels) + 1)]
        for d, label in zip(docs, labels, strict=True):
            clusters[label].append(d)
        clusters = [c for c in clusters if c]
        before = {frozenset(self.clusters_[c].docs) for c in group}
        if {frozenset(c) for c in clusters} == before:
            return
        old = {c: self.clusters_[c] for c in group}
        forms: dict[str, str] = {}
        for cl in old.values():
            forms.update(cl.forms or {})
        ids = assign_ids(
            clusters, {d: self.doc_story_[d] for d in docs}, {c: cl.seq for c, cl in old.items()}
        )
        for cid in group:
            self._unindex(cid)
            del self.clusters_[cid]
        for members, kept in zip(clusters, ids, strict=True):
            if kept is not None:
                cid, seq = kept, old[kept].seq
            else:
                cid = _story_id(members[0])
                n = 1
                while cid in self.clusters_ or cid in old:
                    cid = _story_id(f"{members[0]}#{n}")
                    n += 1
                self.seq_ += 1
                seq = self.seq_
            self._rebuild(cid, seq, members, forms)

    def _doc_similarities(self, records: Sequence[_DocRecord]) -> np.ndarray:
        """Similarity of every two kept documents, as :meth:`_similarity` scores a document.

        Term cosine; where both documents kept an embedding, blended with the embedding cosine
        (the short-document blend when both are short, else ``embedding_weight``).
        """
        sim = cosine_matrix([r.vec for r in records])
        has = np.array([r.emb is not None for r in records])
        if not has.any():
            return sim
        dim = next(len(r.emb) for r in records if r.emb is not None)
        emb = np.stack(
            [np.zeros(dim, np.float32) if r.emb is None else r.emb.astype(np.float32) for r in records]
        )
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)
        esim = emb @ emb.T
        short = np.array([r.short for r in records]) & has
        both_short = short[:, None] & short[None, :]
        both = has[:, None] & has[None, :]
        mixed = (1 - self.embedding_weight) * sim + self.embedding_weight * esim
        short_sim = blend(sim, esim, weight=self.short_weight, shift=self.short_shift)
        out = np.where(both_short, short_sim, np.where(both, mixed, sim))
        np.fill_diagonal(out, np.diag(sim))
        return np.asarray(out, dtype=np.float64)

    def _rebuild(self, cid: str, seq: int, members: list[str], forms: dict[str, str]) -> None:
        """A story made afresh from its members' kept document vectors (``forms``: surface forms)."""
        terms: dict[str, float] = {}
        dates = []
        vec: np.ndarray | None = None
        for d in members:
            rec = self.docs_[d]
            for t, w in rec.items():
                terms[t] = terms.get(t, 0.0) + w
            if rec.emb is not None:
                vec = rec.emb.astype(np.float32) if vec is None else vec + rec.emb
            if rec.published and _day(rec.published) is not None:
                dates.append(rec.published[:10])
            self.doc_story_[d] = cid
        cl = _Cluster(id=cid, terms=terms, norm=0.0, docs=list(members), seq=seq, vec=vec)
        self._prune(cl)
        cl.first, cl.last = (min(dates), max(dates)) if dates else (None, None)
        cl.forms = {t: f for t, f in forms.items() if t in cl.terms}
        for d in members:
            rec = self.docs_[d]
            if rec.title and cl.norm > 0:
                score = sum(w * cl.terms.get(t, 0.0) for t, w in rec.items()) / cl.norm
                if score > cl.title_score:
                    cl.title, cl.title_score = rec.title, score
        self.clusters_[cid] = cl
        self._reindex(cl)

    # ----------------------------------------------------------------------------- public

    def partial_fit(self, docs: Sequence[StoryDoc]) -> StoryClusterer:
        """Cluster new documents: each joins the best existing story or opens a new one.

        Documents whose id was already clustered are ignored. Dated documents of the batch are
        taken in date order, undated ones after them, in input order.
        """
        self._ensure_state()
        seen: set[str] = set()
        fresh = []
        for d in docs:
            if d.id not in self.doc_story_ and d.id not in seen:
                seen.add(d.id)
                fresh.append(d)
        if not fresh:
            return self
        prepared = self._prepare(fresh)
        order = sorted(range(len(prepared)), key=lambda i: (prepared[i].day is None, prepared[i].day or 0, i))
        self._search_near(prepared, order)
        touched: set[str] = set()
        for i in order:
            p = prepared[i].unpack()
            best, sim = self._best(p)
            touched.add(self._add(p, best if best is not None and self._joins(sim, best) else None))
        if self.refine:
            for i in order:
                p = prepared[i].unpack()
                cur = self.doc_story_[p.doc.id]
                best, sim = self._best(p, current=cur)
                if best != cur:
                    stay = self._similarity(p, self.clusters_[cur], exclude=True)
                    if best is not None and self._joins(sim, best) and sim > stay:
                        self._remove(p, cur)
                        touched.add(self._add(p, best))
            self._merge_pass({c for c in touched if c in self.clusters_})
            self._refine_regions({c for c in touched if c in self.clusters_})
        self.near_ = {}
        return self

    def fit(self, docs: Sequence[StoryDoc]) -> StoryClusterer:
        """Forget any state and cluster ``docs``."""
        state = ("n_docs_", "seq_", "df_", "clusters_", "doc_story_", "index_", "indexed_", "docs_")
        for name in (*state, "recent_short_"):
            if hasattr(self, name):
                delattr(self, name)
        return self.partial_fit(docs)

    def story_of(self, doc_id: str) -> str | None:
        """The story id of a clustered document."""
        self._ensure_state()
        return self.doc_story_.get(doc_id)

    def stories(self) -> list[Story]:
        """Every story, largest first; each clustered document is in exactly one."""
        self._ensure_state()
        out = [
            Story(
                id=cl.id,
                label=self._label(cl),
                documents=list(cl.docs),
                first_seen=cl.first,
                last_seen=cl.last,
            )
            for cl in self.clusters_.values()
        ]
        out.sort(key=lambda s: (-len(s.documents), s.id))
        return out

    def _label(self, cl: _Cluster) -> str:
        if cl.title:
            return cl.title
        forms = cl.forms or {}
        top = sorted((kv for kv in cl.terms.items() if not kv[0].startswith("@")), key=lambda kv: -kv[1])[:5]
        words = [forms.get(t, t) for t, _ in top]
        return ", ".join(words) if words else cl.id

    def to_state(self) -> dict[str, Any]:
        """JSON-serialisable state: parameters, document frequencies and stories."""
        self._ensure_state()
        return {
            "version": STORIES_VERSION,
            "params": self.get_params(),
            "n_docs": self.n_docs_,
            "df": dict(self.df_),
            "clusters": [self._cluster_state(cl) for cl in self.clusters_.values()],
            "docs": {d: rec.to_dict() for d, rec in self.docs_.items()},
        }

    def _cluster_state(self, cl: _Cluster) -> dict[str, Any]:
        """A story's state; a one-document story leaves out its terms and embedding (the document's)."""
        data = cl.to_dict()
        rec = self.docs_.get(cl.docs[0]) if len(cl.docs) == 1 else None
        if rec is not None and (cl.vec is None or rec.emb is not None):
            data["terms"] = None
            data["vec"] = None
        return data

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> StoryClusterer:
        """Rebuild a clusterer from :meth:`to_state`; story ids are kept."""
        params = {k: v for k, v in state.get("params", {}).items() if k in cls._PARAMS}
        self = cls(**params)
        self._ensure_state()
        self.n_docs_ = int(state.get("n_docs", 0))
        self.df_ = Counter({str(k): int(v) for k, v in state.get("df", {}).items()})
        self.docs_ = {str(d): _DocRecord.from_dict(rec) for d, rec in (state.get("docs") or {}).items()}
        self.recent_short_.extend(d for d, rec in self.docs_.items() if rec.short)
        for data in state.get("clusters", []):
            if data.get("terms") is None:  # a one-document story: its terms are the document's
                rec = self.docs_[data["docs"][0]]
                emb = None if rec.emb is None else rec.emb.astype(np.float32).tolist()
                data = {**data, "terms": rec.vec, "vec": emb}
            cl = _Cluster.from_dict(data)
            self.clusters_[cl.id] = cl
            for d in cl.docs:
                self.doc_story_[d] = cl.id
            self._reindex(cl)
        self.seq_ = max((cl.seq for cl in self.clusters_.values()), default=0)
        return self


def cluster_stories(docs: Sequence[StoryDoc], **params: Any) -> list[Story]:
    """Cluster ``docs`` into stories in one go (``params``: :class:`StoryClusterer` options)."""
    return StoryClusterer(**params).partial_fit(docs).stories()
