"""Narratives: recurring claims across stories, outlets and time, with stable ids.

A narrative is a cluster of *claims* (not documents: one article can carry claims of several
narratives). :class:`NarrativeBuilder` follows fit/transform with explicit state:

1. every claim that states something (a predicate and a few content words, ``slots.states_something``;
   fragments never found or join a narrative; nor do contents whose subject only points back,
   "these activities ...") and is attributed, names an entity or is the headline is
   embedded (its content span; a one-line document, a headline or post, its whole line;
   identical texts once, vectors reused from ``vectors=`` / ``cache=``) and described by slots
   (``slots.py``: actor, action, target, place, quantity, speaker). A one-line document that
   makes no claim (a question "Did X happen?", a noun phrase about one: ``headlines.headline_probe``)
   is a *probe*: it is embedded too, and after clustering joins the narrative it is closest to on
   average when a merge would (``_attach``), but never founds one nor links two; it adds its
   document and stance, not label, mutations or carriers;
2. candidate pairs come from approximate nearest neighbours (exact blocks below a few thousand
   claims, HNSW above) and from blocking on shared entity keys (pairs of keys; oversized
   blocks only pair claims close in time), so the work grows near-linearly, never all pairs;
3. pairs are scored (cosine + agreement of entities and slots − conflicts: a different actor
   *and* a different place/target with no entity in common); clusters are then built by average
   linkage over that candidate graph (``narrative_cluster.py``): the two adjacent clusters with
   the highest *combined* score (average cosine over cross-document pairs, plus the expected
   entity/actor agreement and conflict of a random cross pair, from per-cluster counters) merge
   while it reaches ``link_threshold``, and the smaller cluster's centroid must stay within
   ``drift_min`` (sentence-vector) cosine of the larger one's medoid. Vectors are MiniLM fused
   with TF-IDF over content words (``claimvecs.lexical_vectors``, weight ``lexical_weight``):
   words in more than ``lexical_max_df`` of the documents carry no weight, and a claim made
   only of them joins no narrative (a topic is not a claim). This stops chaining (A~B~C~...)
   on templated text and topical blobs on one-conflict corpora. Thresholds were chosen by
   grouped CV on Emergent train headlines (``benchmarks/emergent_narratives.py``);
4. analyst overrides (move / merge / split, as the store returns them) are re-applied to the
   clusters after every clustering, so they survive re-analysis;
5. ids are kept stable against ``previous`` narratives, with create / merge / split / dissolved
   events; a narrative with analyst work is held together rather than dissolved
   (``narrative_ids.py``);
6. each narrative gets a label (one short affirmative sentence, ``claim_form.canonical_statement``,
   from the most central of its claims that gives a full statement, plus key entities), a
   timeline, a mutation log of the claim's own details (``mutations.py`` over the claims'
   normal forms, ``claim_form.py``), the outlets and speakers that carry it (``carried_by``)
   and one stance per document (``stance.py``);
7. stances are decided consistently per document: the narratives a document takes part in that
   are *related* (they share another document and a key entity) form one framing group, and the
   document gets one stance toward all of them: the one decided on the group's main narrative
   (where the document has most claims; ties: more documents). The outlet's voice (own-voice
   assertion, loaded framing, distance markers, denials it reports) is a property of how it
   frames that family of claims, not of whichever narrative a stray sentence happened to
   cluster into; deciding on the main narrative (rather than summing evidence over the group)
   keeps a long article's many minor markers from adding up to a label none of its parts
   supports. Such stances carry ``"pooled_with"`` (the other narratives of the group) and
   ``"decided_by"``. Unrelated narratives in one document (a fact-check debunking one claim
   beside an unrelated report) keep separate stances.

Scale: encoding dominates (MiniLM on a shared 2-core CPU: about 100-800 claims/s; 100k articles
carry about 1.4M claims, 750k of them eligible, hours of encoding). Measured on the planted-reuse
benchmark (``benchmarks/crossdoc.py``) and chosen:

* **embed only claims that can recur.** From ``prefilter_above`` eligible claims (20,000: about
  2,500 articles; smaller corpora, tests and the seeds are untouched) a lexical pre-pass
  (``claimvecs.recurring_claims``) keeps the claims that share two signatures (pairs of their six
  rarest content words, i.e. about three rare words in common) with claims of *other* documents,
  ignoring word pairs expected to meet by chance (``prefilter_chance``); only those get slots,
  vectors and clustering. Measured on 10k benchmark documents (74,924 eligible claims, 3,283 whose
  sentence recurs in another document): one shared signature kept 11,656 claims (recall 0.93);
  two kept 4,069 (0.90); two without chance pairs 3,140 (0.85, chosen). Without the chance rule
  the kept share grew with the corpus (5.4% at 10k, 14.6% = 54,663 claims at 50k: chance
  co-occurrences grow with n) and encoding them took 221 s at 50k. Entity-key blocks as extra
  signatures doubled the candidates (names co-occur by chance too). With the lexical stand-in
  encoder the two-signature filter (without the chance rule) kept 0.84 of the cross-document claim
  pairs the unfiltered run put in one narrative (1,369 narratives vs 1,395), and clustering fell
  from 113 s to 1 s. What is lost: claims retold with almost no rare word in common (pure
  paraphrase, which the encoder would have linked), and narratives confined to one document;
* identical texts once, and texts equal up to case, spacing and punctuation once;
* not done: re-using the reuse stage's sentence vectors (it embeds only a few hundred paraphrase
  candidates per 10k documents, so there is little to re-use), and a shorter token cap (the
  encoder sorts by length, so short claims already pad little).

Vectors come from ``vectors=``
(claim id -> row, e.g. from the search index) or a :class:`ClaimVectorCache` (``cache=``; text
keyed, kept in a ``.npz`` beside the SQLite file). ``pipeline.run_crossdoc`` opens the cache with
``ClaimVectorCache.for_store_url(store.url, model=MODEL_VERSION)``, passes it and saves it after
the fit, so a re-run encodes only new claims. ``timings_`` holds seconds per step of the last fit.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from typing import Any

import numpy as np

from claimtrace.crossdoc.boilerplate import inside_boilerplate
from claimtrace.crossdoc.claim_form import ClaimForm, canonical_statement, claim_form, is_fragment
from claimtrace.crossdoc.claimvecs import ClaimVectorCache, fuse_vectors, lexical_vectors, recurring_claims
from claimtrace.crossdoc.mutations import Carrier, SlotOccurrence, carried_by, mutation_log, time_key
from claimtrace.crossdoc.narrative_cluster import ClaimClustering, Row
from claimtrace.crossdoc.narrative_ids import assign_ids, held, held_events, narrative_id
from claimtrace.crossdoc.slots import ClaimSlots, extract_slots, named_speaker, states_something
from claimtrace.crossdoc.stance import StanceRequest, decide_stances
from claimtrace.crossdoc.stance_model import EMBED_DIM
from claimtrace.model import DocAnalysis, Document, Entity, Narrative
from claimtrace.nlp.headlines import headline_probe, headline_span, headline_states

__all__ = [
    "STAGE_VERSION",
    "NarrativeBuilder",
    "NarrativeInput",
    "build_narratives",
    "hashing_encoder",
    "narrative_id",
]

STAGE_VERSION = "narratives.v2"

Encoder = Callable[[list[str]], np.ndarray]

_WORD = re.compile(r"\w+")
#: a content whose subject only points back ("these activities were ...", "that the purpose of
#: this operation ...") says nothing outside its document: it neither founds nor joins a narrative
_ANAPHORIC = re.compile(
    r"\W*(?:that\s+)?(?:(?:the|a|an)\s+\w+\s+of\s+)?(?:this|these|those|such)\s+\w+", re.IGNORECASE
)
_NO_SLOTS = ClaimSlots(values=[], entity_keys=frozenset(), action=None)


@dataclass
class NarrativeInput:
    """One document and its per-document analysis."""

    doc: Document
    analysis: DocAnalysis


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


class NarrativeBuilder(ClaimClustering):
    """Cluster claims into narratives with stable ids (see the module docstring).

    Parameters: ``threshold`` the pair score needed to link two claims; ``link_threshold`` the
    average-linkage score two clusters need to merge; ``k`` neighbours per claim; ``min_claims``
    / ``min_docs`` how big a cluster must be to be a narrative; ``min_words`` the shortest claim
    content clustered; ``max_block`` the largest entity block paired exhaustively; ``encoder``
    texts -> L2-normalised rows (default: the local MiniLM); ``now`` the event timestamp;
    ``require_shared_entity`` links two claims only when their contents share an entity (off by
    default: the conflict penalty ``conflict_weight`` and cluster-level admission do that job
    without losing claims whose subject is a pronoun); ``drift_min`` the least cosine between a
    merging cluster's centroid and the other's medoid; ``cache`` a :class:`ClaimVectorCache`
    (text-keyed vectors kept between runs; the builder adds what it encodes, the caller saves);
    ``pool_stances`` decides a document's stance once per group of related narratives;
    ``prefilter_above`` the number of eligible claims from which only claims that can recur (a
    lexical signature shared with another document, ``claimvecs.recurring_claims``) are embedded
    and clustered (0: never prefilter); ``prefilter_chance`` its ``max_chance``;
    ``lexical_weight`` / ``lexical_max_df`` the TF-IDF share of the fused vectors and its
    document-frequency cap; ``agreement_weight`` scales entity/actor agreement in the cluster
    score (1; measured at 0 by ``benchmarks/emergent_narratives.py --params``); ``probe_margin``
    what a claimless one-line headline needs above ``link_threshold`` to join a narrative.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.20,
        link_threshold: float = 0.26,
        k: int = 12,
        min_claims: int = 2,
        min_docs: int = 1,
        min_words: int = 3,
        max_block: int = 48,
        time_window: int = 8,
        exact_below: int = 4000,
        encoder: Encoder | None = None,
        vectors: Mapping[str, np.ndarray] | None = None,
        label_chars: int = 90,
        now: str | None = None,
        require_shared_entity: bool = False,
        conflict_weight: float = 0.25,
        drift_min: float = 0.55,
        probe_margin: float = 0.0,
        cache: ClaimVectorCache | None = None,
        pool_stances: bool = True,
        prefilter_above: int = 20_000,
        prefilter_chance: float | None = 0.05,
        lexical_weight: float = 0.5,
        lexical_max_df: float = 0.1,
        agreement_weight: float = 1.0,
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
        self.conflict_weight = conflict_weight
        self.drift_min = drift_min
        self.probe_margin = probe_margin
        self.cache = cache
        self.pool_stances = pool_stances
        self.prefilter_above = prefilter_above
        self.prefilter_chance = prefilter_chance
        self.lexical_weight = lexical_weight
        self.lexical_max_df = lexical_max_df
        self.agreement_weight = agreement_weight

    # -- public ------------------------------------------------------------------------------
    def fit(
        self,
        inputs: Sequence[NarrativeInput],
        *,
        entities: Sequence[Entity] = (),
        previous: list[Narrative] | None = None,
        overrides: Sequence[dict[str, Any]] = (),
        hold: Collection[str] = (),
    ) -> NarrativeBuilder:
        """Cluster the claims of ``inputs``; learned state ends in ``_``.

        ``hold``: ids of previous narratives carrying analyst work (ratings, notes); one that the
        clustering would dissolve is kept together while ``min_claims`` of its claims remain
        (``narrative_ids.held``).
        """
        clock = time.perf_counter()
        self.timings_: dict[str, float] = {}

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            self.timings_[stage] = now - clock
            clock = now

        self.entities_ = {e.key: e for e in entities}
        self.inputs_ = list(inputs)
        self.rows_ = self._rows(slots=False)
        by_id = {r.id: r for r in self.rows_}
        # claim-id order: the clustering (and so ids and members) does not depend on ingest order
        elig = sorted((r for r in self.rows_ if r.eligible), key=lambda r: r.id)
        self.stats_: dict[str, int] = {"eligible": len(elig)}
        if self.prefilter_above and len(elig) >= self.prefilter_above:
            keep = recurring_claims(
                [r.text for r in elig], [r.inp for r in elig], min_shared=2, max_chance=self.prefilter_chance
            )
            elig = [r for r, k in zip(elig, keep.tolist(), strict=True) if k]
        self.stats_["candidates"] = len(elig)
        self._fill_slots(elig)
        lap("rows")
        # probes (claimless one-line headlines) are embedded with the claims, clustered after them
        elig += [r for r in self.rows_ if r.probe]
        vecs = self._embed(elig)
        self.drift_dims_ = vecs.shape[1] if len(vecs) else None
        # sentence vectors fused with TF-IDF over content words (claimvecs.lexical_vectors); a
        # claim made only of the corpus's topic words cannot found or join a narrative (it would
        # chain a topical blob). Templated corpora (uniformly alike claims, whose cosines
        # ``_cluster`` rescales against the background) keep the sentence vectors alone.
        if self.lexical_weight > 0 and elig and self._background(vecs) is None:
            lex = lexical_vectors(
                [r.text for r in elig], groups=[r.inp for r in elig], max_df=self.lexical_max_df
            )
            specific = np.abs(lex).sum(axis=1) > 0
            elig = [r for r, ok in zip(elig, specific.tolist(), strict=True) if ok]
            vecs = fuse_vectors(vecs[specific], lex[specific], lexical_weight=self.lexical_weight)
        self.stats_["encoded"] = self.encoded_
        self.vecs_ = {r.id: vecs[i] for i, r in enumerate(elig)}
        lap("embed")
        claims = [i for i, r in enumerate(elig) if not r.probe]
        raw = self._cluster([elig[i] for i in claims], vecs[claims])
        kept = [
            set(c)
            for c in raw
            if len(c) >= self.min_claims and len({by_id[x].inp for x in c}) >= self.min_docs
        ]
        probe_at = [i for i, r in enumerate(elig) if r.probe]
        joined = self._attach(kept, self.vecs_, vecs[probe_at])
        for i, j in zip(probe_at, joined, strict=True):
            if j is not None:
                kept[j].add(elig[i].id)
        self.stats_["probes_joined"] = sum(j is not None for j in joined)
        lap("cluster")
        clusters = [_Cluster(c) for c in kept]
        prev = list(previous or [])
        clusters = self._apply_overrides(clusters, overrides, prev, by_id)
        # a narrative needs a claim of its own: probes left alone by an override go
        clusters = [cl for cl in clusters if any(c in by_id and not by_id[c].probe for c in cl.claims)]
        holding = held(prev, hold, clusters, by_id, min_claims=self.min_claims)
        clusters += [_Cluster(claims, pin=nid, by_override=True) for nid, claims in holding]
        for cl in clusters:  # claims an analyst moved in were never clustered: give them slots now
            self._fill_slots(by_id[cid] for cid in cl.claims if cid in by_id)
        ids, self.events_ = assign_ids(clusters, prev, by_id, now=self.now)
        self.events_ += held_events(holding, now=self.now)
        self.forms_: dict[str, ClaimForm] = {}  # claim id -> normal form, filled by _narrative
        self.narratives_ = [self._narrative(nid, c, by_id) for nid, c in zip(ids, clusters, strict=True)]
        lap("records")
        self._stances(self.narratives_, by_id)
        self.narratives_.sort(key=lambda n: n.id)
        lap("stances")
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
    def _rows(self, *, slots: bool = True) -> list[Row]:
        """One row per claim; ``slots=False`` leaves slot extraction to :meth:`_fill_slots`."""
        rows: list[Row] = []
        for i, inp in enumerate(self.inputs_):
            text, an = inp.doc.text, inp.analysis
            head_end = (headline_span(text) or (0, -1))[1]
            # a one-line document of one sentence (a headline, a short post); a one-line
            # paragraph of several sentences keeps per-claim content vectors
            one_line = head_end > 0 and not text[head_end:].strip() and len(an.sentences) <= 1
            first = len(rows)
            # the headline's claim is its first one; a second claim on the line (a clause after
            # it, "..., before deploying to ...") gets no headline licence
            on_line = [c for c in an.claims if c.content_end <= head_end]
            head_claim = min(on_line, key=lambda c: c.content_start) if on_line else None
            for c in an.claims:
                cid = c.id or f"{inp.doc.id}:{c.start}-{c.end}"
                content = text[c.content_start : c.content_end].strip()
                nwords = len(_WORD.findall(content))
                # a one-line document (a headline, a post) is embedded whole: outlets retell one
                # claim in different wrappers, and the line is what recurs (grouped CV, Emergent)
                if nwords < self.min_words or (one_line and c.end <= head_end):
                    content = text[c.start : c.end].strip()
                inside = [m for m in an.mentions if c.content_start <= m.start and m.end <= c.content_end]
                # a headline (or one-line post) states the outlet's claim even without a name in it
                on_head = c is head_claim
                eligible = (
                    nwords >= self.min_words
                    # a headline has nothing before it to point back to: "This Man Paid Off ..." is
                    # a headline's deixis, not an anaphor
                    and (on_head or not _ANAPHORIC.match(text, c.content_start, c.content_end))
                    and not inside_boilerplate(inp.doc, c.content_start, c.content_end)
                    and (c.kind != "unattributed" or bool(inside) or on_head)
                    and (
                        states_something(
                            text[c.content_start : c.content_end],
                            cue=c.cue,
                            mentions_end=[m.end - c.content_start for m in inside],
                        )
                        or (on_head and headline_states(text[c.content_start : c.content_end]))
                    )
                )
                # slots only where they are used (:meth:`_fill_slots`, after the pre-pass)
                rows.append(Row(cid, i, c, content, _NO_SLOTS, inp.doc.published, eligible))
            if not any(r.eligible for r in rows[first:]):
                probe = headline_probe(text)
                if probe is not None:
                    content = text[probe.content_start : probe.content_end]
                    pid = f"{inp.doc.id}:{probe.start}-{probe.end}:headline"
                    rows.append(Row(pid, i, probe, content, _NO_SLOTS, inp.doc.published, False, probe=True))
        if slots:
            self._fill_slots(r for r in rows if r.eligible)
        return rows

    def _fill_slots(self, rows: Iterable[Row]) -> None:
        """Slots for the rows that will be clustered (claims never clustered get none)."""
        for row in rows:
            if row.slots is _NO_SLOTS:
                an = self.inputs_[row.inp].analysis
                row.slots = extract_slots(
                    row.claim,
                    text=self.inputs_[row.inp].doc.text,
                    mentions=an.mentions,
                    quantities=an.quantities,
                    entities=self.entities_,
                )
                row.__post_init__()

    def _embed(self, rows: list[Row]) -> np.ndarray:
        self.encoded_ = 0
        if not rows:
            return np.zeros((0, 384), dtype=np.float32)
        given = self.vectors or {}
        # each distinct text once; from the cache where it has it
        texts = list(dict.fromkeys(r.text for r in rows if r.id not in given))
        found = self.cache.lookup(texts) if self.cache is not None else {}
        todo = [t for i, t in enumerate(texts) if i not in found]
        # texts that differ only in case, spacing or punctuation share one encoding
        norm = {t: " ".join(_WORD.findall(t.casefold())) for t in todo}
        rep = list({norm[t]: t for t in reversed(todo)}.values())[::-1]
        enc = self.encoder or _default_encoder
        fresh = enc(rep) if rep else np.zeros((0, 0), dtype=np.float32)
        by_norm = {norm[t]: v for t, v in zip(rep, fresh, strict=True)}
        fresh_all = np.stack([by_norm[norm[t]] for t in todo]) if todo else fresh
        if todo and self.cache is not None:
            # the cache keeps float16: use the same rounding now, so a re-run decides alike
            fresh_all = fresh_all.astype(np.float16).astype(np.float32)
            self.cache.add(todo, fresh_all)
        by_text = {texts[i]: v for i, v in found.items()}
        by_text.update(zip(todo, fresh_all, strict=True))
        self.encoded_ = len(rep)
        dim = (
            fresh.shape[1]
            if todo
            else len(next(iter(by_text.values())) if by_text else next(iter(given.values())))
        )
        out = np.zeros((len(rows), dim), dtype=np.float32)
        for i, r in enumerate(rows):
            out[i] = given[r.id] if r.id in given else by_text[r.text]
        return out

    # -- clustering ----------------------------------------------------------------------------
    def _apply_overrides(
        self,
        clusters: list[_Cluster],
        overrides: Sequence[dict[str, Any]],
        previous: list[Narrative],
        by_id: Mapping[str, Row],
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

    # -- narrative records -------------------------------------------------------------------------
    def _narrative(self, nid: str, cl: _Cluster, by_id: Mapping[str, Row]) -> Narrative:
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
        own = [r for r in rows if not r.probe]  # a probe is in the narrative but states nothing
        forms = {r.id: self._form(r) for r in own}
        occ = [
            SlotOccurrence(
                self.inputs_[r.inp].doc.id, r.date, r.inp, r.claim.start, tuple(forms[r.id].slot_values())
            )
            for r in own
        ]
        per_doc: dict[int, list[Row]] = defaultdict(list)
        for r in own:
            per_doc[r.inp].append(r)
        ent_docs: Counter[str] = Counter()
        for i in per_doc:
            mine = per_doc[i]
            keys = {k for r in mine for k in r.slots.entity_keys}
            keys |= {r.claim.speaker_key for r in mine if r.claim.speaker_key}
            ent_docs.update(keys)
        top = [k for k, _ in sorted(ent_docs.items(), key=lambda kv: (-kv[1], kv[0]))[:8]]
        return Narrative(
            id=nid,
            label=self._label(own, top, forms),
            claims=[r.id for r in rows],
            documents=[self.inputs_[i].doc.id for i in docs],
            first_seen=dates[0] if dates else None,
            last_seen=dates[-1] if dates else None,
            timeline=timeline,
            mutations=mutation_log(occ),
            stances=[],
            entities=[self.entities_[k].id if k in self.entities_ else k for k in top],
            carried_by=carried_by(self._carrier(r, forms[r.id]) for r in own),
        )

    def _speaker(self, row: Row) -> str | None:
        """The display name of a row's speaker (its entity's name, else a named speaker text)."""
        c = row.claim
        if c.speaker_key:
            return self._name(c.speaker_key, [row])
        return c.speaker_text if named_speaker(c.speaker_text) else None

    def _form(self, row: Row) -> ClaimForm:
        """The normal form of a row's claim (kept in ``forms_``)."""
        form = self.forms_.get(row.id)
        if form is None:
            inp = self.inputs_[row.inp]
            form = claim_form(
                row.claim,
                text=inp.doc.text,
                mentions=inp.analysis.mentions,
                quantities=inp.analysis.quantities,
                entities=self.entities_,
                speaker_name=self._speaker(row),
                slots=row.slots if row.slots is not _NO_SLOTS else None,
                statement_chars=self.label_chars,
            )
            self.forms_[row.id] = form
        return form

    def _carrier(self, row: Row, form: ClaimForm) -> Carrier:
        doc = self.inputs_[row.inp].doc
        key = row.claim.speaker_key
        entity = self.entities_[key].id if key and key in self.entities_ else None
        return Carrier(
            doc.id, row.date, row.inp, row.claim.start, doc.outlet, self._speaker(row), entity, form.denial
        )

    # -- stances -------------------------------------------------------------------------------------
    def _stances(self, narratives: Sequence[Narrative], by_id: Mapping[str, Row]) -> None:
        """One stance per document and narrative, decided once per group of related narratives."""
        doc_index = {inp.doc.id: i for i, inp in enumerate(self.inputs_)}
        rows_of = [[by_id[c] for c in n.claims if c in by_id] for n in narratives]
        docs_of = [set(n.documents) for n in narratives]
        keys_of = [{k for r in rows for k in r.slots.entity_keys | r.actors} for rows in rows_of]
        actors_of = [{k for r in rows for k in r.actors} for rows in rows_of]
        by_doc: dict[str, list[int]] = defaultdict(list)
        for j, n in enumerate(narratives):
            for d in n.documents:
                by_doc[d].append(j)
        decided: dict[tuple[str, int], dict[str, Any]] = {}
        asks: list[tuple[str, list[int], int, StanceRequest]] = []
        for d, js in by_doc.items():
            groups = self._stance_groups(d, js, docs_of, keys_of) if self.pool_stances else [[j] for j in js]
            inp = self.inputs_[doc_index[d]]
            for grp in groups:
                mine = {j: [r.claim for r in rows_of[j] if r.inp == doc_index[d]] for j in grp}
                # the narrative holding most of the document's claims decides for the group
                main = max(grp, key=lambda j: (len(mine[j]), len(docs_of[j]), narratives[j].id))
                ask = StanceRequest(
                    inp.doc,
                    inp.analysis,
                    mine[main],
                    actors_of[main],
                    narratives[main].label,
                    *self._stance_vectors(rows_of[main], doc_index[d]),
                )
                asks.append((d, grp, main, ask))
        # all decisions at once: one encoder call for the learned model
        for (d, grp, main, _), st in zip(asks, decide_stances([a[3] for a in asks]), strict=True):
            for j in grp:
                one = dict(st)
                if len(grp) > 1:
                    one["pooled_with"] = sorted(narratives[x].id for x in grp if x != j)
                    one["decided_by"] = narratives[main].id
                decided[(d, j)] = one
        for j, n in enumerate(narratives):
            n.stances = [decided[(d, j)] for d in n.documents]

    def _stance_vectors(
        self, rows: Sequence[Row], inp: int
    ) -> tuple[np.ndarray | None, list[np.ndarray] | None]:
        """MiniLM vectors for the stance model: the narrative (mean of its claims), its claims in ``inp``.

        Only with the default encoder (the stance model was trained on MiniLM), and only the dense
        part of the fused vectors; None where a claim has no vector (then the model encodes).
        """
        if self.encoder is not None or any(r.id not in self.vecs_ for r in rows):
            return None, None
        dense = {r.id: self.vecs_[r.id][:EMBED_DIM] for r in rows}
        if any(len(v) < EMBED_DIM for v in dense.values()):
            return None, None
        unit = {k: v / (float(np.linalg.norm(v)) or 1.0) for k, v in dense.items()}
        mean = np.mean(list(unit.values()), axis=0)
        return mean / (float(np.linalg.norm(mean)) or 1.0), [unit[r.id] for r in rows if r.inp == inp]

    @staticmethod
    def _stance_groups(
        doc: str, js: list[int], docs_of: Sequence[set[str]], keys_of: Sequence[set[str]]
    ) -> list[list[int]]:
        """Narratives of ``doc`` joined when they share another document and a key entity."""
        parent = {j: j for j in js}

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in combinations(js, 2):
            if (docs_of[a] & docs_of[b]) - {doc} and keys_of[a] & keys_of[b]:
                parent[find(b)] = find(a)
        groups: dict[int, list[int]] = defaultdict(list)
        for j in js:
            groups[find(j)].append(j)
        return list(groups.values())

    def _name(self, key: str, rows: Sequence[Row]) -> str:
        if key in self.entities_:
            return self.entities_[key].name
        for r in rows:
            for m in self.inputs_[r.inp].analysis.mentions:
                if m.key == key:
                    return m.name
        return key.split(":", 1)[-1]

    def _label(self, rows: Sequence[Row], top: Sequence[str], forms: Mapping[str, ClaimForm]) -> str:
        """One short affirmative sentence plus the key entities: "The US trains ... (US, ISIS)".

        The sentence is the statement (``claim_form.canonical_statement``) of the most central
        claim among the first few that is no fragment (``claim_form.is_fragment``), preferring
        one with a named actor; when all of those are fragments, of any claim that is not; then
        of the sentence carrying one of the 20 most central claims; the most central claim's
        statement when every one is a fragment.
        """
        vec_rows = [r for r in rows if r.id in self.vecs_]
        if vec_rows:
            mat = np.stack([self.vecs_[r.id] for r in vec_rows])
            order = np.argsort(-(mat @ mat.sum(axis=0)), kind="stable")
            ranked = [vec_rows[int(i)] for i in order]
        else:
            ranked = list(rows)
        pool = ranked[: self._LABEL_POOL]
        if all(is_fragment(forms[r.id].statement) for r in pool):
            pool = ranked  # every central claim is a fragment: any full statement will do

        def rank(k: int) -> tuple[bool, bool, int]:
            form = forms[pool[k].id]
            return (is_fragment(form.statement), form.actor is None, k)

        best = forms[pool[min(range(len(pool)), key=rank)].id].statement
        if is_fragment(best):  # no claim states it whole: try the sentences that carry the claims
            sentences = (self.inputs_[r.inp].doc.text[r.claim.start : r.claim.end] for r in ranked[:20])
            whole = (canonical_statement(x, max_chars=self.label_chars) for x in sentences)
            best = next((x for x in whole if not is_fragment(x)), best)
        if not best:
            best = " ".join(pool[0].text.split())[: self.label_chars]
        names = [self._name(k, rows) for k in top[:3]]
        return f"{best} ({', '.join(names)})" if names else best

    #: how many of the most central claims compete for the label
    _LABEL_POOL = 8


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
    "require_shared_entity",
    "conflict_weight",
    "drift_min",
    "probe_margin",
    "cache",
    "pool_stances",
    "prefilter_above",
    "prefilter_chance",
    "lexical_weight",
    "lexical_max_df",
    "agreement_weight",
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
