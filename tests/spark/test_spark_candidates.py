"""The Spark job's reuse candidates, step by step, against the single-machine detector (no Spark needed)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from _spark_corpus import build

from claimtrace.crossdoc.boilerplate import BoilerplateIndex
from claimtrace.crossdoc.minhash import BandIndex, band_keys, bucket_pairs
from claimtrace.crossdoc.reuse import ReuseDetector, ReuseDoc
from claimtrace.nlp.pipeline import analyze_document
from claimtrace.pipeline import set_boilerplate
from claimtrace.readers.options import ReadOptions
from claimtrace.readers.tabular import record_document
from claimtrace.spark.reuse import candidates_in_process


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bucket_pairs_are_the_band_index_pairs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # few distinct values: many collisions, buckets larger than the window among them
    sigs = rng.integers(0, 3, size=(400, 8)).astype(np.uint32)
    sigs[::7] = 0xFFFFFFFF  # empty sets are never indexed
    want = BandIndex(bands=4, rows=2, window=5).add(sigs)
    keep = np.flatnonzero(~np.all(sigs == 0xFFFFFFFF, axis=1))
    buckets: dict[int, list[int]] = defaultdict(list)
    for row, item in enumerate(keep.tolist()):
        for key in band_keys(sigs[keep], 4, 2)[row].tolist():
            buckets[key].append(item)
    got = sorted({p for ids in buckets.values() for p in bucket_pairs(ids, 5)})
    assert len(want) > 100
    assert got == [tuple(p) for p in want.tolist()]


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Any], list[Any], dict[str, Any]]:
    docs = [
        record_document(r, number=i + 1, source="/synthetic.jsonl", options=ReadOptions())
        for i, r in enumerate(build(300, seed=5))
    ]
    analyses = [analyze_document(d) for d in docs]
    index = BoilerplateIndex().fit(docs)
    for d in docs:
        set_boilerplate(index, d)
    return docs, analyses, index.to_state()


def _verified(docs: list[Any], analyses: list[Any], **fit: Any) -> tuple[ReuseDetector, np.ndarray]:
    """A detector fitted without embeddings, and the candidate pairs it verified."""
    det = ReuseDetector(use_embeddings=False)
    seen: list[np.ndarray] = []
    verify = det._verify

    def capture(cand: np.ndarray) -> list[tuple[int, int]]:
        seen.append(cand.copy())
        return verify(cand)

    det._verify = capture  # type: ignore[method-assign]
    det.fit([ReuseDoc.from_document(d, a) for d, a in zip(docs, analyses, strict=True)], **fit)
    return det, seen[0]


def test_candidates_match_the_detector(corpus: tuple[list[Any], list[Any], dict[str, Any]]) -> None:
    docs, analyses, state = corpus
    rows = [(i, d, a) for i, (d, a) in enumerate(zip(docs, analyses, strict=True))]
    got = candidates_in_process(rows, state)
    det, want = _verified(docs, analyses)
    assert len(want) > 200
    assert got.tolist() == np.unique(want, axis=0).tolist()
    # and the detector given these candidates finds the same passages
    again, _ = _verified(docs, analyses, candidates=got)
    assert again.links() == det.links()
    assert det.links()


def test_candidates_only_on_a_first_fit(corpus: tuple[list[Any], list[Any], dict[str, Any]]) -> None:
    docs, analyses, _ = corpus
    det = ReuseDetector(use_embeddings=False).fit([ReuseDoc.from_document(docs[0], analyses[0])])
    with pytest.raises(ValueError):
        det.fit([ReuseDoc.from_document(docs[1], analyses[1])], candidates=np.zeros((0, 2)))


def test_encoder_slices_give_the_single_call_vectors() -> None:
    pytest.importorskip("onnxruntime")
    from claimtrace.embeddings import encode
    from claimtrace.spark.job import encode_slices

    texts = [s for r in build(250, seed=9) for s in r["text"].split(". ")][:1100]
    whole = encode(texts)
    parts = encode_slices(texts)
    assert len(parts) == 2
    sliced = np.zeros_like(whole)
    for part in parts:
        sliced[part] = encode([texts[i] for i in part])
    assert np.array_equal(sliced, whole)
