"""Reuse candidates by banded MinHash on Spark: the sentence pairs ``ReuseDetector.fit`` verifies.

The single-machine detector signs every sentence and finds pairs in one in-memory band index
(:class:`claimtrace.crossdoc.minhash.BandIndex`). Here the same steps run over partitions, with
the same code and parameters, so the candidate set is the same:

1. each partition blanks its documents' boilerplate (the index fitted on the driver, broadcast),
   and lists every sentence's content words (``reuse.sentence_words``);
2. document frequencies are counted with ``reduceByKey``; words in more than ``max_df`` of all
   sentences (at least ``min_df_count``) are broadcast and left out of the signatures;
3. each partition signs its sentences (``MinHasher`` with the detector's permutations) and emits
   one ``(band key, sentence)`` row per band (``minhash.band_keys``);
4. rows are grouped by key and each bucket gives ``minhash.bucket_pairs`` (sorted ids, each with
   the next ``window``): what ``BandIndex.add`` yields for the bucket. Pairs inside one document
   are dropped. There is no all-pairs step and no MLlib similarity join (measured too slow on
   news: notes/dependencies.md).

Sentences are numbered over the documents in corpus order, as the detector numbers them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from operator import add
from typing import Any

import numpy as np

from claimtrace.crossdoc.boilerplate import BoilerplateIndex
from claimtrace.crossdoc.minhash import band_keys, bucket_pairs, shingles_of_hashes, token_hashes
from claimtrace.crossdoc.reuse import ReuseDetector, ReuseDoc, sentence_words, sentences_of
from claimtrace.model import DocAnalysis, Document
from claimtrace.pipeline import set_boilerplate

__all__ = ["candidates_in_process", "reuse_candidates", "sentence_rows"]

Row = tuple[int, Document, DocAnalysis]  # (position in the corpus, document, analysis)


def sentence_rows(rows: Iterable[Row], boilerplate: dict[str, Any], min_words: int) -> Iterator[tuple]:
    """``(position, [content words per sentence])`` of each document, boilerplate blanked."""
    index = BoilerplateIndex.from_state(boilerplate)
    for seq, doc, analysis in rows:
        set_boilerplate(index, doc)
        rdoc = ReuseDoc.from_document(doc, analysis)
        yield seq, list(sentence_words(rdoc.text, sentences_of(rdoc), min_words))


def _signed(
    rows: Iterable[tuple[int, list[list[str]]]],
    first_sid: np.ndarray,
    frequent: frozenset[str],
    params: dict[str, Any],
) -> Iterator[tuple[int, tuple[int, int]]]:
    """``(band key, (sentence id, document position))`` for every signed sentence of a partition."""
    hasher = ReuseDetector(**params).hasher()
    empty = np.zeros(0, dtype=np.uint32)
    for seq, sentences in rows:
        sets = []
        for toks in sentences:
            kept = [t for t in toks if t not in frequent]
            sets.append(shingles_of_hashes(token_hashes(kept), params["shingle"]) if kept else empty)
        if not sets:
            continue
        sigs = hasher.signatures(sets)
        keep = np.flatnonzero(~np.all(sigs == 0xFFFFFFFF, axis=1))
        keys = band_keys(sigs[keep], params["bands"], params["rows"])
        base = int(first_sid[seq])
        for row, pos in enumerate(keep.tolist()):
            for key in keys[row].tolist():
                yield int(key), (base + pos, seq)


def _bucket(members: Iterable[tuple[int, int]], window: int) -> list[tuple[int, int]]:
    doc_of = dict(members)
    return [(a, b) for a, b in bucket_pairs(list(doc_of), window) if doc_of[a] != doc_of[b]]


def _params() -> tuple[ReuseDetector, dict[str, Any]]:
    det = ReuseDetector()
    keys = ("num_perm", "bands", "rows", "shingle", "window")
    return det, {k: getattr(det, k) for k in keys}


def _first_sids(counts: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if len(counts) else counts


def _limit(det: ReuseDetector, sentences: int) -> float:
    """Sentences a word may occur in and still go into signatures (as ``ReuseDetector._sets``)."""
    return max(det.min_df_count, det.max_df * sentences)


def _unique(pairs: list[tuple[int, int]]) -> np.ndarray:
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.asarray(pairs, dtype=np.int64), axis=0)


def reuse_candidates(sc: Any, rows: Any, boilerplate: dict[str, Any], *, n_docs: int) -> np.ndarray:
    """The candidate sentence pairs of the corpus in ``rows`` (an RDD of :data:`Row`).

    Returns a sorted, unique ``(m, 2)`` int64 array of global sentence numbers.
    """
    det, params = _params()
    words = rows.mapPartitions(lambda part: sentence_rows(part, boilerplate, det.min_words)).cache()
    counts = np.zeros(n_docs, dtype=np.int64)
    for seq, n in words.mapValues(len).collect():
        counts[seq] = n
    limit = _limit(det, int(counts.sum()))
    frequent = (
        words.flatMap(lambda kv: [(w, 1) for toks in kv[1] for w in set(toks)])
        .reduceByKey(add)
        .filter(lambda kv: kv[1] > limit)
        .keys()
        .collect()
    )
    b_first = sc.broadcast(_first_sids(counts))
    b_frequent = sc.broadcast(frozenset(frequent))
    window = det.window
    pairs = (
        words.mapPartitions(lambda part: _signed(part, b_first.value, b_frequent.value, params))
        .groupByKey()
        .flatMap(lambda kv: _bucket(kv[1], window))
        .distinct()
        .collect()
    )
    words.unpersist()
    return _unique(pairs)


def candidates_in_process(rows: Iterable[Row], boilerplate: dict[str, Any]) -> np.ndarray:
    """The same steps in one process, without Spark (the reference the tests hold the job to)."""
    det, params = _params()
    words = sorted(sentence_rows(rows, boilerplate, det.min_words))
    counts = np.zeros(len(words), dtype=np.int64)
    for seq, sentences in words:
        counts[seq] = len(sentences)
    df: Counter[str] = Counter(w for _, sentences in words for toks in sentences for w in set(toks))
    limit = _limit(det, int(counts.sum()))
    frequent = frozenset(w for w, n in df.items() if n > limit)
    buckets: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for key, member in _signed(words, _first_sids(counts), frequent, params):
        buckets[key].append(member)
    return _unique(sorted({p for members in buckets.values() for p in _bucket(members, det.window)}))
