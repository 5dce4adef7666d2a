"""Text reuse between documents: verbatim, near-verbatim and paraphrased passages.

How it works (no all-pairs comparison anywhere):

1. **Sentence signatures.** Every sentence of at least ``min_words`` words becomes the set of hashed
   word ``shingle``-grams of its content words (function words dropped, so that "of the" never makes
   two sentences look alike, and so are words found in more than ``max_df`` of all sentences seen so
   far, at least ``min_df_count``: frequent words put unrelated sentences into the same buckets, and
   bucket sizes would grow with the corpus) and gets a MinHash signature
   (:mod:`claimtrace.crossdoc.minhash`).
2. **Candidates by banded LSH.** Sentences of different documents that share a band key are candidate
   pairs; the expected number is linear in the number of sentences.
3. **Lexical verification.** Each candidate pair is compared on its full word sets: identical token
   sequences are ``verbatim``; at least ``min_words`` shared words and a Jaccard of at least
   ``near_jaccard`` (or a containment of at least ``near_containment``: one sentence is the other with
   words added) is ``near``; a pair with some
   overlap (Jaccard >= ``paraphrase_floor``) is kept as a paraphrase candidate.
4. **Paraphrase by embeddings, only where needed.** Embedding every sentence costs too much at scale
   (about 2M sentences for 100k articles at ~800 sentences/s), so only two kinds of sentence pair
   are embedded: lexical paraphrase candidates, and unaligned sentence pairs lying within ``context``
   sentences of an aligned pair in a document pair already known to share text (paraphrased
   sentences sit next to copied ones) whose word Jaccard reaches ``paraphrase_floor`` (0.2: 99.9% of
   the MSRP paraphrase pairs reach it); each sentence needs ``paraphrase_min_words`` words. The
   embedded sentences go into an HNSW index (hnswlib, inner product) and each is matched to its
   ``ann_k`` nearest neighbours in other documents as well. A pair is a ``paraphrase`` when its
   cosine is at least ``paraphrase_threshold`` and the learned pair scorer
   (:mod:`claimtrace.crossdoc.paraphrase`, trained on MSRP) accepts it. The default gate 0.6 was
   calibrated on the MSRP training pairs: it keeps 98% of the pairs the scorer accepts. Without a
   trained scorer the cosine alone decides, at no less than 0.8.
5. **Passages.** Aligned sentence pairs of one document pair are chained into passages: runs of pairs
   that advance in both documents by at most ``1 + max_gap`` sentences. A passage is ``verbatim`` when
   all its pairs are, ``paraphrase`` when all are, ``near`` otherwise; its score is the mean pair score
   (1.0 verbatim, Jaccard for near, cosine for paraphrase).

:class:`ReuseDetector` keeps its state explicitly: :meth:`ReuseDetector.fit` can be called again with
new documents, which are matched against everything indexed before (only new pairs are verified).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import regex as re

from claimtrace.crossdoc.boilerplate import masked_text
from claimtrace.crossdoc.minhash import BandIndex, MinHasher, shingles_of_hashes, token_hash
from claimtrace.errors import require
from claimtrace.limits import PAIR_BATCH
from claimtrace.model import Claim, DocAnalysis, Document, ReuseLink

__all__ = ["REUSE_VERSION", "ReuseDetector", "ReuseDoc", "find_reuse", "sentence_words", "sentences_of"]

REUSE_VERSION = "reuse.v1"

# Cosine needed for a paraphrase when no trained pair scorer is available.
_BARE_COSINE = 0.8
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN_CACHE_SIZE = 50_000  # sentences whose words are kept while verifying pairs
_FALLBACK_SENT = re.compile(r"[^\n.!?]+(?:[.!?]+[\"'”’)]*|\n|$)")
# Function words: dropped from signatures (never from verification).
_STOP = frozenset(
    """a an the and or but nor so yet of to in on at by for with from into onto over under about as
    than then that this these those there here is are was were be been being am has have had having
    do does did will would shall should can could may might must it its it's he him his she her hers
    they them their theirs we us our you your i me my not no also just only very more most such
    which who whom whose what when where while how all any both each either every some said says say
    told""".split()  # noqa: SIM905
)


@dataclass
class ReuseDoc:
    """One document as the reuse stage sees it: text, sentence spans and what provenance needs."""

    id: str
    text: str
    sentences: list[tuple[int, int]] = field(default_factory=list)
    published: str | None = None
    credits: Sequence[str] = ()
    outlet: str | None = None
    claims: Sequence[Claim] = ()

    @classmethod
    def from_document(cls, doc: Document, analysis: DocAnalysis | None = None) -> ReuseDoc:
        """The reuse view of a stored document and (optionally) its per-document analysis.

        Boilerplate (the document's ``boilerplate`` layer) is blanked out: it is never reuse.
        """
        return cls(
            id=doc.id,
            text=masked_text(doc),
            sentences=list(analysis.sentences) if analysis else [],
            published=doc.published,
            credits=list(doc.credits),
            outlet=doc.outlet,
            claims=list(analysis.claims) if analysis else [],
        )


@dataclass(slots=True)
class _Pair:
    """An aligned sentence pair: sentence numbers within documents ``a`` and ``b``."""

    i: int
    j: int
    kind: str
    score: float


def sentence_words(text: str, sents: Sequence[tuple[int, int]], min_words: int) -> Iterator[list[str]]:
    """Per sentence, the casefolded content words (function words dropped) that go into its
    signature; a sentence of fewer than ``min_words`` words gives none."""
    lowered = text.casefold() if len(text.casefold()) == len(text) else None
    for s, e in sents:
        toks = _WORD.findall(lowered, s, e) if lowered is not None else _WORD.findall(text[s:e].casefold())
        yield [t for t in toks if t not in _STOP] if len(toks) >= min_words else []


def sentences_of(doc: ReuseDoc) -> list[tuple[int, int]]:
    """The document's sentence spans: its analysis's, else split now."""
    if doc.sentences:
        return [tuple(s) for s in doc.sentences]  # type: ignore[misc]
    try:
        from claimtrace.nlp.sentences import split_sentences

        return split_sentences(doc.text)
    except ImportError:  # pragma: no cover - the splitter is part of the package
        return [(m.start(), m.end()) for m in _FALLBACK_SENT.finditer(doc.text) if m.group().strip()]


class ReuseDetector:
    """Find reused passages; see the module docstring for the method and the parameters."""

    def __init__(
        self,
        *,
        num_perm: int = 40,
        bands: int = 10,
        rows: int = 4,
        shingle: int = 1,
        min_words: int = 6,
        near_jaccard: float = 0.5,
        near_containment: float = 0.8,
        paraphrase_floor: float = 0.2,
        paraphrase_threshold: float = 0.6,
        paraphrase_min_words: int = 8,
        use_embeddings: bool = True,
        use_scorer: bool = True,
        context: int = 1,
        ann_k: int = 6,
        max_gap: int = 1,
        window: int = 24,
        max_df: float = 0.005,
        min_df_count: int = 50,
        encoder: Any = None,
    ) -> None:
        self.num_perm = num_perm
        self.bands = bands
        self.rows = rows
        self.shingle = shingle
        self.min_words = min_words
        self.near_jaccard = near_jaccard
        self.near_containment = near_containment
        self.paraphrase_floor = paraphrase_floor
        self.paraphrase_threshold = paraphrase_threshold
        self.paraphrase_min_words = paraphrase_min_words
        self.use_embeddings = use_embeddings
        self.use_scorer = use_scorer
        self.context = context
        self.ann_k = ann_k
        self.max_gap = max_gap
        self.window = window
        self.max_df = max_df
        self.min_df_count = min_df_count
        self.encoder = encoder
        # state
        self.docs: list[ReuseDoc] = []
        self._doc_sents: list[list[tuple[int, int]]] = []
        self._first_sid: list[int] = []  # global id of each document's first sentence
        self._sid_doc: list[int] = []
        self._sid_pos: list[int] = []
        self._hasher: MinHasher | None = None
        self._index: BandIndex | None = None
        self._pairs: dict[tuple[int, int], dict[tuple[int, int], _Pair]] = defaultdict(dict)
        self._ann: Any = None
        self._ann_sids: list[int] = []
        self._embedded: dict[int, int] = {}  # sid -> row in the ANN index
        self._scorer: Any = None
        self._vocab: dict[str, int] = {}  # content word -> word id
        self._word_hash: list[int] = []  # word id -> CRC-32 of the word
        self._df = np.zeros(0, dtype=np.int64)  # word id -> in how many sentences it occurs
        self.stats: dict[str, int] = defaultdict(int)

    # ----------------------------------------------------------------- helpers
    def _text(self, sid: int) -> str:
        d = self._sid_doc[sid]
        s, e = self._doc_sents[d][self._sid_pos[sid]]
        return self.docs[d].text[s:e]

    def _tokens(self, sid: int, cache: dict[int, list[str]]) -> list[str]:
        """The sentence's words, through a bounded cache (at 100k documents an unbounded one
        holds gigabytes of word strings)."""
        toks = cache.get(sid)
        if toks is None:
            if len(cache) >= _TOKEN_CACHE_SIZE:
                cache.clear()
            toks = _WORD.findall(self._text(sid).casefold())
            cache[sid] = toks
        return toks

    def _get_scorer(self) -> Any:
        if self._scorer is None and self.use_scorer:
            from claimtrace.crossdoc.paraphrase import MODEL_PATH, PairScorer

            self._scorer = PairScorer.load() if MODEL_PATH.exists() else False
        return self._scorer

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self.encoder is not None:
            return np.asarray(self.encoder(texts), dtype=np.float32)
        from claimtrace.embeddings import encode

        return encode(texts)

    # --------------------------------------------------------------------- fit
    def hasher(self) -> MinHasher:
        """The MinHash permutations of the sentence signatures (the Spark job signs with the same)."""
        return MinHasher(num_perm=max(self.num_perm, self.bands * self.rows))

    def fit(self, docs: Sequence[ReuseDoc], *, candidates: np.ndarray | None = None) -> ReuseDetector:
        """Index ``docs`` (added to those of earlier calls) and align their sentences with all indexed.

        ``candidates``: the LSH candidate pairs, computed elsewhere (the Spark job,
        :mod:`claimtrace.spark.reuse`), as an ``(m, 2)`` array of sentence numbers counted over
        ``docs`` in order; the signatures and band index are then skipped (a first fit only).
        """
        if self._hasher is None:
            self._hasher = self.hasher()
            self._index = BandIndex(bands=self.bands, rows=self.rows, window=self.window)
        assert self._index is not None
        first_new = len(self._sid_doc)
        # content words of every new sentence as word ids, flat, with one offset per sentence
        words: list[int] = []
        offsets = [0]
        vocab, word_hash = self._vocab, self._word_hash
        for doc in docs:
            d = len(self.docs)
            self.docs.append(doc)
            sents = sentences_of(doc)
            self._doc_sents.append(sents)
            self._first_sid.append(len(self._sid_doc))
            for pos, toks in enumerate(sentence_words(doc.text, sents, self.min_words)):
                self._sid_doc.append(d)
                self._sid_pos.append(pos)
                if candidates is None:
                    for t in toks:
                        w = vocab.get(t)
                        if w is None:
                            w = vocab[t] = len(word_hash)
                            word_hash.append(token_hash(t))
                        words.append(w)
                    offsets.append(len(words))
        self.stats["documents"] = len(self.docs)
        self.stats["sentences"] = len(self._sid_doc)
        if candidates is None:
            sets = self._sets(np.asarray(words, dtype=np.int64), np.asarray(offsets, dtype=np.int64))
            del words, offsets
            self.stats["signed_sentences"] += sum(1 for s in sets if len(s))
            sigs = self._hasher.signatures(sets)
            del sets  # at 100k documents these and the signatures hold hundreds of MB: free them early
            cand = self._index.add(sigs)
            del sigs
        else:
            if first_new:
                raise ValueError("candidates can only be given to a first fit")
            cand = np.asarray(candidates, dtype=np.int64).reshape(-1, 2)
        sid_doc = np.asarray(self._sid_doc, dtype=np.int64)
        if len(cand):
            cand = cand[sid_doc[cand[:, 0]] != sid_doc[cand[:, 1]]]
        self.stats["candidate_pairs"] += len(cand)
        self.stats["candidate_doc_pairs"] += len(
            {(int(a), int(b)) for a, b in zip(sid_doc[cand[:, 0]], sid_doc[cand[:, 1]], strict=True)}
        )
        para = self._verify(cand)
        context = self._extend(first_new)
        if self.use_embeddings:
            self._paraphrases(para, context)
        return self

    def _sets(self, words: np.ndarray, offsets: np.ndarray) -> list[np.ndarray]:
        """Each new sentence's shingle hashes, after updating document frequencies.

        Words in more than ``max_df`` of all sentences so far make unrelated sentences collide,
        so they are left out of the signatures.
        """
        n = len(offsets) - 1
        size = len(self._word_hash)
        df = np.zeros(size, dtype=np.int64)
        df[: len(self._df)] = self._df
        step = 100_000  # sentences at a time, to keep the temporary arrays small
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            chunk = words[offsets[lo] : offsets[hi]]
            sent = np.repeat(np.arange(hi - lo, dtype=np.int64), np.diff(offsets[lo : hi + 1]))
            df += np.bincount(np.unique(sent * size + chunk) % max(size, 1), minlength=size)
        self._df = df
        limit = max(self.min_df_count, self.max_df * len(self._sid_doc))
        hashes = np.asarray(self._word_hash, dtype=np.uint32)[words]
        kept = df[words] <= limit
        bounds = np.concatenate([[0], np.cumsum(kept)])[offsets]
        flat = hashes[kept]
        empty = np.zeros(0, dtype=np.uint32)
        out: list[np.ndarray] = []
        for k in range(n):
            lo, hi = bounds[k], bounds[k + 1]
            out.append(shingles_of_hashes(flat[lo:hi], self.shingle) if hi > lo else empty)
        return out

    def _add_pair(self, s1: int, s2: int, kind: str, score: float) -> None:
        d1, d2 = self._sid_doc[s1], self._sid_doc[s2]
        if d1 > d2:
            d1, d2, s1, s2 = d2, d1, s2, s1
        i, j = self._sid_pos[s1], self._sid_pos[s2]
        known = self._pairs[(d1, d2)].get((i, j))
        if known is None or (known.kind == "paraphrase" and kind != "paraphrase"):
            self._pairs[(d1, d2)][(i, j)] = _Pair(i, j, kind, score)

    def _verify(self, cand: np.ndarray) -> list[tuple[int, int]]:
        """Lexically classify candidate pairs; return the pairs left for the paraphrase check."""
        cache: dict[int, list[str]] = {}
        para: list[tuple[int, int]] = []
        for s1, s2 in cand.tolist():
            kind, score = self._lexical(self._tokens(s1, cache), self._tokens(s2, cache))
            if kind in ("verbatim", "near"):
                self._add_pair(s1, s2, kind, score)
            elif kind == "candidate":
                para.append((s1, s2))
        self.stats["verified_pairs"] += len(cand)
        self.stats["lexical_paraphrase_candidates"] += len(para)
        return para

    def _extend(self, first_new: int) -> list[tuple[int, int]]:
        """Grow aligned runs into their neighbourhood; return the neighbour pairs left for embeddings.

        For every aligned pair ``(i, j)`` of a document pair involving a new document, unaligned
        sentences ``i + d`` and ``j + e`` (``1 <= d, e <= context``, same direction) are compared
        lexically: a pair that passes the near test is aligned at once (and its own neighbours are
        examined in turn, so an edited sentence between copied ones is found without being an LSH
        candidate); a pair whose Jaccard reaches ``paraphrase_floor`` is returned.
        """
        out: set[tuple[int, int]] = set()
        first_new_doc = self._sid_doc[first_new] if first_new < len(self._sid_doc) else len(self.docs)
        cache: dict[int, list[str]] = {}
        r = self.context
        for (d1, d2), pairs in list(self._pairs.items()):
            if d2 < first_new_doc:
                continue
            done1 = {p.i for p in pairs.values()}
            done2 = {p.j for p in pairs.values()}
            n1, n2 = len(self._doc_sents[d1]), len(self._doc_sents[d2])
            frontier = list(pairs.values())
            while frontier:
                grown: list[_Pair] = []
                for p in frontier:
                    for sign in (-1, 1):
                        for q1 in range(p.i + sign, p.i + sign * (r + 1), sign):
                            for q2 in range(p.j + sign, p.j + sign * (r + 1), sign):
                                if not (0 <= q1 < n1 and 0 <= q2 < n2) or q1 in done1 or q2 in done2:
                                    continue
                                s1, s2 = self._first_sid[d1] + q1, self._first_sid[d2] + q2
                                t1, t2 = self._tokens(s1, cache), self._tokens(s2, cache)
                                kind, score = self._lexical(t1, t2)
                                if kind in ("verbatim", "near"):
                                    self._add_pair(s1, s2, kind, score)
                                    grown.append(_Pair(q1, q2, kind, score))
                                    done1.add(q1)
                                    done2.add(q2)
                                elif kind == "candidate":
                                    out.add((s1, s2))
                frontier = grown
            out = {(a, b) for a, b in out if self._sid_pos[a] not in done1 and self._sid_pos[b] not in done2}
        return sorted(out)

    def _lexical(self, t1: list[str], t2: list[str]) -> tuple[str, float]:
        """``verbatim``/``near`` (with score), ``candidate`` (paraphrase to check) or ``none``."""
        if len(t1) < self.min_words or len(t2) < self.min_words:
            return "none", 0.0
        if t1 == t2:
            return "verbatim", 1.0
        a, b = set(t1), set(t2)
        inter = len(a & b)
        jac = inter / len(a | b)
        contain = inter / min(len(a), len(b))
        if inter >= self.min_words and (jac >= self.near_jaccard or contain >= self.near_containment):
            return "near", round(jac, 4)
        if jac >= self.paraphrase_floor:
            return "candidate", jac
        return "none", jac

    def _paraphrases(self, lexical: list[tuple[int, int]], context: list[tuple[int, int]]) -> None:
        """Embed the sentences that need it, search the ANN index, keep pairs the scorer accepts."""
        pairs_in = lexical + context
        need = {s for pair in pairs_in for s in pair}
        need = {
            s
            for s in need
            if s not in self._embedded and len(_WORD.findall(self._text(s))) >= self.paraphrase_min_words
        }
        new_sids = sorted(need)
        self.stats["embedded_sentences"] += len(new_sids)
        if new_sids:
            vecs = self._encode([self._text(s) for s in new_sids])
            self._ann_add(new_sids, vecs)
        cand: set[tuple[int, int]] = {
            (min(a, b), max(a, b)) for a, b in pairs_in if a in self._embedded and b in self._embedded
        }
        if new_sids and self._ann is not None:
            k = min(self.ann_k + 1, len(self._ann_sids))
            labels, dists = self._ann.knn_query(vecs, k=k)
            for row, s1 in enumerate(new_sids):
                for lab, dist in zip(labels[row].tolist(), dists[row].tolist(), strict=True):
                    s2 = self._ann_sids[lab]
                    if (
                        s2 != s1
                        and self._sid_doc[s2] != self._sid_doc[s1]
                        and 1.0 - dist >= self.paraphrase_threshold
                    ):
                        cand.add((min(s1, s2), max(s1, s2)))
        self.stats["paraphrase_candidates"] += len(cand)
        if not cand:
            return
        pairs = sorted(cand)
        vec_of = self._vectors([s for p in pairs for s in p])
        cos = np.asarray([float(vec_of[a] @ vec_of[b]) for a, b in pairs])
        scorer = self._get_scorer()
        ok = cos >= (self.paraphrase_threshold if scorer else max(self.paraphrase_threshold, _BARE_COSINE))
        if scorer:
            from claimtrace.crossdoc.paraphrase import pair_matrix

            idx = np.flatnonzero(ok)
            for lo in range(0, len(idx), PAIR_BATCH):  # the feature matrix stays PAIR_BATCH rows
                part = idx[lo : lo + PAIR_BATCH]
                feats = pair_matrix(
                    [(self._text(pairs[i][0]), self._text(pairs[i][1])) for i in part], cos[part]
                )
                ok[part] = scorer.predict(feats).astype(bool)
        for (s1, s2), c, good in zip(pairs, cos.tolist(), ok.tolist(), strict=True):
            if good:
                self._add_pair(s1, s2, "paraphrase", round(c, 4))
                self.stats["paraphrase_pairs"] += 1

    def _ann_add(self, sids: list[int], vecs: np.ndarray) -> None:
        hnswlib: Any = require("hnswlib", "crossdoc", "paraphrase search")
        if self._ann is None:
            self._ann = hnswlib.Index(space="ip", dim=vecs.shape[1])
            self._ann.init_index(max_elements=max(1024, 2 * len(sids)), ef_construction=100, M=16)
            self._ann.set_ef(64)
            self._vecs = np.zeros((0, vecs.shape[1]), dtype=np.float32)
        needed = len(self._ann_sids) + len(sids)
        if needed > self._ann.get_max_elements():
            self._ann.resize_index(2 * needed)
        rows = np.arange(len(self._ann_sids), needed)
        self._ann.add_items(vecs, rows)
        self._vecs = np.vstack([self._vecs, vecs])
        for r, s in zip(rows.tolist(), sids, strict=True):
            self._embedded[s] = r
        self._ann_sids.extend(sids)

    def _vectors(self, sids: list[int]) -> dict[int, np.ndarray]:
        return {s: self._vecs[self._embedded[s]] for s in sids}

    # ------------------------------------------------------------------- links
    def links(self) -> list[ReuseLink]:
        """All reused passages found so far, one :class:`ReuseLink` per passage and document pair."""
        out: list[ReuseLink] = []
        for (d1, d2), pairs in sorted(self._pairs.items()):
            for run in _chain(sorted(pairs.values(), key=lambda p: (p.i, p.j)), self.max_gap):
                s1, e1 = self._doc_sents[d1][run[0].i][0], self._doc_sents[d1][run[-1].i][1]
                js = [p.j for p in run]
                s2, e2 = self._doc_sents[d2][min(js)][0], self._doc_sents[d2][max(js)][1]
                kinds = {p.kind for p in run}
                kind = kinds.pop() if len(kinds) == 1 else "near"
                score = round(sum(p.score for p in run) / len(run), 4)
                out.append(ReuseLink(self.docs[d1].id, s1, e1, self.docs[d2].id, s2, e2, kind, score))  # type: ignore[arg-type]
        return out


def _chain(pairs: list[_Pair], max_gap: int) -> list[list[_Pair]]:
    """Group aligned pairs (sorted by ``i``) into runs advancing by 1..1+max_gap in both documents."""
    runs: list[list[_Pair]] = []
    for p in pairs:
        best = None
        for run in runs:
            last = run[-1]
            fits = 0 < p.i - last.i <= 1 + max_gap and 0 < p.j - last.j <= 1 + max_gap
            if fits and (best is None or last.i > best[-1].i):
                best = run
        if best is not None:
            best.append(p)
        else:
            runs.append([p])
    return runs


def find_reuse(docs: Sequence[ReuseDoc], **params: Any) -> list[ReuseLink]:
    """Reused passages among ``docs`` (see :class:`ReuseDetector` for ``params``)."""
    return ReuseDetector(**params).fit(docs).links()
