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
from collections.abc import Callable, Iterable, Iterator, Sequence
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

REUSE_VERSION = "reuse.v2"  # v2: context neighbours filtered per document pair

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
        # Old documents' texts on demand (an index loaded from disk, crossdoc/reuse_index.py):
        # called with document ids, gives their ReuseDocs.
        self.loader: Callable[[list[str]], Iterable[ReuseDoc]] | None = None
        # state
        self.doc_ids: list[str] = []
        self._texts: dict[int, str] = {}  # document number -> text, for the documents at hand
        self._first_sid: list[int] = []  # global id of each document's first sentence
        self._sid_doc: list[int] = []
        self._sid_pos: list[int] = []
        self._span_start: list[int] = []  # sentence id -> character span in its document
        self._span_end: list[int] = []
        self._hasher: MinHasher | None = None
        self._index: BandIndex | None = None
        self._pairs: dict[tuple[int, int], dict[tuple[int, int], _Pair]] = {}
        # aligned pairs of earlier runs not yet needed (an index loaded from disk), by doc pair
        self._stored: dict[tuple[int, int], list[_Pair]] = {}
        self.touched: set[tuple[int, int]] = set()  # document pairs whose aligned pairs changed
        self._redo_docs: set[int] = set()
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
        text = self._texts.get(d)
        if text is None:
            self._ensure_texts([d])
            text = self._texts[d]
        return text[self._span_start[sid] : self._span_end[sid]]

    def _ensure_texts(self, doc_numbers: Iterable[int]) -> None:
        """Read the texts of old documents not at hand through :attr:`loader`."""
        missing = sorted({d for d in doc_numbers if d not in self._texts})
        if not missing:
            return
        if self.loader is None:
            raise RuntimeError("a reuse index without its documents needs a loader")
        number = {self.doc_ids[d]: d for d in missing}
        for doc in self.loader([self.doc_ids[d] for d in missing]):
            self._texts[number[doc.id]] = doc.text
        self.stats["old_documents_read"] += len(missing)

    def _n_sents(self, d: int) -> int:
        end = self._first_sid[d + 1] if d + 1 < len(self._first_sid) else len(self._sid_doc)
        return end - self._first_sid[d]

    def _doc_pairs(self, d1: int, d2: int) -> dict[tuple[int, int], _Pair]:
        """The aligned pairs of documents ``d1 < d2`` (stored ones brought back first)."""
        pairs = self._pairs.get((d1, d2))
        if pairs is None:
            stored = self._stored.pop((d1, d2), [])
            pairs = self._pairs[(d1, d2)] = {(p.i, p.j): p for p in stored}
        return pairs

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

    def fit(
        self,
        docs: Sequence[ReuseDoc],
        *,
        candidates: np.ndarray | None = None,
        redo: Sequence[ReuseDoc] = (),
    ) -> ReuseDetector:
        """Index ``docs`` (added to those of earlier calls) and align their sentences with all indexed.

        ``candidates``: the LSH candidate pairs, computed elsewhere (the Spark job,
        :mod:`claimtrace.spark.reuse`), as an ``(m, 2)`` array of sentence numbers counted over
        ``docs`` in order; the signatures and band index are then skipped (a first fit only).
        ``redo``: indexed documents whose text changed with their sentence spans unchanged (new
        boilerplate blanked): their aligned pairs are dropped and their sentences signed and
        matched again.
        """
        if self._hasher is None:
            self._hasher = self.hasher()
            self._index = BandIndex(bands=self.bands, rows=self.rows, window=self.window)
        assert self._index is not None
        redo_sids = self._unindex(redo)
        first_new = len(self._sid_doc)
        # content words of every new sentence as word ids, flat, with one offset per sentence
        words: list[int] = []
        offsets = [0]
        vocab, word_hash = self._vocab, self._word_hash
        for doc in docs:
            d = len(self.doc_ids)
            self.doc_ids.append(doc.id)
            self._texts[d] = doc.text
            sents = sentences_of(doc)
            self._first_sid.append(len(self._sid_doc))
            for pos, toks in enumerate(sentence_words(doc.text, sents, self.min_words)):
                self._sid_doc.append(d)
                self._sid_pos.append(pos)
                self._span_start.append(sents[pos][0])
                self._span_end.append(sents[pos][1])
                if candidates is None:
                    for t in toks:
                        w = vocab.get(t)
                        if w is None:
                            w = vocab[t] = len(word_hash)
                            word_hash.append(token_hash(t))
                        words.append(w)
                    offsets.append(len(words))
        self.stats["documents"] = len(self.doc_ids)
        self.stats["sentences"] = len(self._sid_doc)
        if candidates is None:
            sets = self._sets(np.asarray(words, dtype=np.int64), np.asarray(offsets, dtype=np.int64))
            del words, offsets
            self.stats["signed_sentences"] += sum(1 for s in sets if len(s))
            sigs = self._hasher.signatures(sets)
            del sets  # at 100k documents these and the signatures hold hundreds of MB: free them early
            cand = self._index.add(sigs)
            del sigs
            if len(redo_sids):
                cand = np.concatenate([cand, self._resign(redo, redo_sids)])
        else:
            if first_new:
                raise ValueError("candidates can only be given to a first fit")
            cand = np.asarray(candidates, dtype=np.int64).reshape(-1, 2)
        sid_doc = np.asarray(self._sid_doc, dtype=np.int64)
        if len(cand):
            cand = cand[sid_doc[cand[:, 0]] != sid_doc[cand[:, 1]]]
            self._ensure_texts(np.unique(sid_doc[cand]).tolist())
        self.stats["candidate_pairs"] += len(cand)
        self.stats["candidate_doc_pairs"] += len(
            {(int(a), int(b)) for a, b in zip(sid_doc[cand[:, 0]], sid_doc[cand[:, 1]], strict=True)}
        )
        para = self._verify(cand)
        context = self._extend(first_new, self._redo_docs)
        if self.use_embeddings:
            self._paraphrases(para, context)
        return self

    def _unindex(self, redo: Sequence[ReuseDoc]) -> np.ndarray:
        """Take ``redo``'s documents out of the band index and drop their aligned pairs; returns
        their sentence ids (the documents keep them)."""
        self._redo_docs = set()
        if not redo:
            return np.zeros(0, dtype=np.int64)
        assert self._index is not None
        number = {i: d for d, i in enumerate(self.doc_ids)}
        ranges = []
        for doc in redo:
            d = number[doc.id]
            lo, n = self._first_sid[d], self._n_sents(d)
            spans = list(zip(self._span_start[lo : lo + n], self._span_end[lo : lo + n], strict=True))
            if [tuple(x) for x in sentences_of(doc)] != spans:
                raise ValueError(f"{doc.id}: sentence spans changed, the document cannot be re-signed")
            self._texts[d] = doc.text
            self._redo_docs.add(d)
            ranges.append((lo, lo + n))
        self._index.remove(ranges)
        for key in [
            k for k in [*self._pairs, *self._stored] if k[0] in self._redo_docs or k[1] in self._redo_docs
        ]:
            self._pairs.pop(key, None)
            self._stored.pop(key, None)
            self.touched.add(key)
        self.stats["redone_documents"] += len(redo)
        return np.concatenate([np.arange(lo, hi, dtype=np.int64) for lo, hi in ranges])

    def _resign(self, redo: Sequence[ReuseDoc], sids: np.ndarray) -> np.ndarray:
        """Sign ``redo``'s sentences again (document frequencies are not counted twice) and put
        them back in the band index; returns their candidate pairs."""
        assert self._index is not None and self._hasher is not None
        words: list[int] = []
        offsets = [0]
        for doc in redo:
            for toks in sentence_words(doc.text, sentences_of(doc), self.min_words):
                for t in toks:
                    w = self._vocab.get(t)
                    if w is None:
                        w = self._vocab[t] = len(self._word_hash)
                        self._word_hash.append(token_hash(t))
                    words.append(w)
                offsets.append(len(words))
        sets = self._sets(np.asarray(words, dtype=np.int64), np.asarray(offsets, dtype=np.int64), count=False)
        return self._index.readd(sids, self._hasher.signatures(sets))

    def _sets(self, words: np.ndarray, offsets: np.ndarray, *, count: bool = True) -> list[np.ndarray]:
        """Each new sentence's shingle hashes, after updating document frequencies.

        Words in more than ``max_df`` of all sentences so far make unrelated sentences collide,
        so they are left out of the signatures.
        """
        n = len(offsets) - 1
        size = len(self._word_hash)
        df = np.zeros(size, dtype=np.int64)
        df[: len(self._df)] = self._df
        step = 100_000  # sentences at a time, to keep the temporary arrays small
        for lo in range(0, n if count else 0, step):
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
        pairs = self._doc_pairs(d1, d2)
        known = pairs.get((i, j))
        if known is None or (known.kind == "paraphrase" and kind != "paraphrase"):
            pairs[(i, j)] = _Pair(i, j, kind, score)
            self.touched.add((d1, d2))

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

    def _extend(self, first_new: int, redone: set[int] | None = None) -> list[tuple[int, int]]:
        """Grow aligned runs into their neighbourhood; return the neighbour pairs left for embeddings.

        For every aligned pair ``(i, j)`` of a document pair involving a new document, unaligned
        sentences ``i + d`` and ``j + e`` (``1 <= d, e <= context``, same direction) are compared
        lexically: a pair that passes the near test is aligned at once (and its own neighbours are
        examined in turn, so an edited sentence between copied ones is found without being an LSH
        candidate); a pair whose Jaccard reaches ``paraphrase_floor`` is returned.
        """
        out: set[tuple[int, int]] = set()
        first_new_doc = self._sid_doc[first_new] if first_new < len(self._sid_doc) else len(self.doc_ids)
        cache: dict[int, list[str]] = {}
        r = self.context
        for (d1, d2), pairs in list(self._pairs.items()):
            if d2 < first_new_doc and not (redone and (d1 in redone or d2 in redone)):
                continue
            done1 = {p.i for p in pairs.values()}
            done2 = {p.j for p in pairs.values()}
            n1, n2 = self._n_sents(d1), self._n_sents(d2)
            frontier = list(pairs.values())
            near: set[tuple[int, int]] = set()
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
                                    near.add((s1, s2))
                frontier = grown
            # only this document pair's neighbours, by its own aligned sentences (filtering all of
            # `out` here made the result depend on which document pairs one fit saw)
            out |= {
                (a, b) for a, b in near if self._sid_pos[a] not in done1 and self._sid_pos[b] not in done2
            }
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
        self._ensure_texts(self._sid_doc[s] for p in pairs for s in p)
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

    # ------------------------------------------------------------------- state
    def params(self) -> dict[str, Any]:
        """The constructor's parameters (without the encoder): they enter the index's version."""
        return {k: getattr(self, k) for k in _PARAMS}

    def to_arrays(self) -> tuple[dict[str, np.ndarray], Any]:
        """The detector's state without its documents' texts, as arrays, and the ANN index
        (hnswlib, or ``None``); :meth:`from_arrays` restores it (crossdoc/reuse_index.py saves it)."""
        assert self._index is not None
        groups: list[tuple[tuple[int, int], Iterable[_Pair]]] = [
            *((k, v.values()) for k, v in self._pairs.items()),
            *self._stored.items(),
        ]
        pairs = [(d1, d2, p.i, p.j, _KINDS.index(p.kind), p.score) for (d1, d2), ps in groups for p in ps]
        cols: list[Sequence[float]] = [list(c) for c in zip(*pairs, strict=True)] if pairs else [[]] * 6
        arrays = {
            "doc_ids": _join(self.doc_ids),
            "first_sid": np.asarray(self._first_sid, dtype=np.int64),
            "sid_doc": np.asarray(self._sid_doc, dtype=np.int64),
            "sid_pos": np.asarray(self._sid_pos, dtype=np.int32),
            "span_start": np.asarray(self._span_start, dtype=np.int64),
            "span_end": np.asarray(self._span_end, dtype=np.int64),
            "vocab": _join(self._vocab),
            "word_hash": np.asarray(self._word_hash, dtype=np.uint32),
            "df": self._df,
            "pair_docs": np.asarray(cols[:2], dtype=np.int64).reshape(2, -1).T,
            "pair_pos": np.asarray(cols[2:4], dtype=np.int64).reshape(2, -1).T,
            "pair_kind": np.asarray(cols[4], dtype=np.int8),
            "pair_score": np.asarray(cols[5], dtype=np.float64),
            "ann_sids": np.asarray(self._ann_sids, dtype=np.int64),
            "vecs": getattr(self, "_vecs", np.zeros((0, 0), dtype=np.float32)),
            **{f"band_{k}": v for k, v in self._index.to_arrays().items()},
        }
        return arrays, self._ann

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], ann: Any = None, **params: Any) -> ReuseDetector:
        """A detector in the state saved by :meth:`to_arrays` (texts come through :attr:`loader`)."""
        det = cls(**params)
        det._hasher = det.hasher()
        det._index = BandIndex.from_arrays({k[5:]: v for k, v in arrays.items() if k.startswith("band_")})
        det.doc_ids = _split(arrays["doc_ids"])
        det._first_sid = arrays["first_sid"].tolist()
        det._sid_doc = arrays["sid_doc"].tolist()
        det._sid_pos = arrays["sid_pos"].tolist()
        det._span_start = arrays["span_start"].tolist()
        det._span_end = arrays["span_end"].tolist()
        words = _split(arrays["vocab"])
        det._vocab = {w: k for k, w in enumerate(words)}
        det._word_hash = arrays["word_hash"].tolist()
        det._df = np.asarray(arrays["df"], dtype=np.int64)
        stored: dict[tuple[int, int], list[_Pair]] = defaultdict(list)
        for (d1, d2), (i, j), k, score in zip(
            arrays["pair_docs"].tolist(),
            arrays["pair_pos"].tolist(),
            arrays["pair_kind"].tolist(),
            arrays["pair_score"].tolist(),
            strict=True,
        ):
            stored[(d1, d2)].append(_Pair(i, j, _KINDS[k], score))
        det._stored = dict(stored)
        det._ann_sids = arrays["ann_sids"].tolist()
        det._embedded = {s: r for r, s in enumerate(det._ann_sids)}
        if ann is not None:
            det._ann = ann
            det._vecs = np.asarray(arrays["vecs"], dtype=np.float32)
        det.stats["documents"] = len(det.doc_ids)
        det.stats["sentences"] = len(det._sid_doc)
        return det

    # ------------------------------------------------------------------- links
    def links(self, only: Iterable[tuple[int, int]] | None = None) -> list[ReuseLink]:
        """Reused passages found so far, one :class:`ReuseLink` per passage and document pair,
        ordered by document pair; ``only``: just those of these document-number pairs (``d1 < d2``),
        e.g. :attr:`touched`."""
        out: list[ReuseLink] = []
        keys = sorted(set(self._pairs) | set(self._stored)) if only is None else sorted(set(only))
        for d1, d2 in keys:
            pairs = self._doc_pairs(d1, d2)
            f1, f2 = self._first_sid[d1], self._first_sid[d2]
            for run in _chain(sorted(pairs.values(), key=lambda p: (p.i, p.j)), self.max_gap):
                s1, e1 = self._span_start[f1 + run[0].i], self._span_end[f1 + run[-1].i]
                js = [p.j for p in run]
                s2, e2 = self._span_start[f2 + min(js)], self._span_end[f2 + max(js)]
                kinds = {p.kind for p in run}
                kind = kinds.pop() if len(kinds) == 1 else "near"
                score = round(sum(p.score for p in run) / len(run), 4)
                out.append(ReuseLink(self.doc_ids[d1], s1, e1, self.doc_ids[d2], s2, e2, kind, score))  # type: ignore[arg-type]
        return out


_KINDS = ("verbatim", "near", "paraphrase")
_PARAMS = [
    "num_perm",
    "bands",
    "rows",
    "shingle",
    "min_words",
    "near_jaccard",
    "near_containment",
    "paraphrase_floor",
    "paraphrase_threshold",
    "paraphrase_min_words",
    "use_embeddings",
    "use_scorer",
    "context",
    "ann_k",
    "max_gap",
    "window",
    "max_df",
    "min_df_count",
]


def _join(strings: Iterable[str]) -> np.ndarray:
    """Strings as one NUL-separated UTF-8 byte array (saved without pickling)."""
    return np.frombuffer("\0".join(strings).encode("utf-8", "surrogatepass"), dtype=np.uint8)


def _split(data: np.ndarray) -> list[str]:
    text = np.asarray(data, dtype=np.uint8).tobytes().decode("utf-8", "surrogatepass")
    return text.split("\0") if text else []


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
