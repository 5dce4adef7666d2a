"""The claims index takes the vectors the narrative stage cached instead of encoding them again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import claimtrace.search.sync as sync
from claimtrace.crossdoc.claimvecs import ClaimVectorCache
from claimtrace.embeddings import EMBED_DIM, MODEL_VERSION
from claimtrace.search.sync import claim_text, load_indexes, sync_index
from claimtrace.store import open_store


def _claim_texts(store: Any) -> dict[str, str]:
    texts = {d.id: d.text for d in store.iter_documents()}
    return {c.id: claim_text(texts[an.doc_id], c) for an in store.load_analyses() for c in an.claims}


def test_cached_claim_vectors_are_used_and_only_the_rest_encoded(
    tmp_path: Path, make_corpus: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "c.db")
    make_corpus(Path(db), tmp_path)
    encoded: list[str] = []

    def never(texts: Any) -> np.ndarray:  # stands in for MiniLM: records what reaches it
        encoded.extend(texts)
        return np.full((len(texts), EMBED_DIM), 0.5, dtype=np.float32)

    with open_store(db) as store:
        claims = _claim_texts(store)
        ids = sorted(claims)
        cache = ClaimVectorCache.for_store_url(db, model=MODEL_VERSION)
        marks = np.eye(EMBED_DIM, dtype=np.float32)[: len(ids) - 1]
        cache.add([claims[i] for i in ids[:-1]], marks)  # all but the last claim
        cache.save()
        monkeypatch.setattr(sync, "_default_encode", never)
        stats = sync_index(store, db, namespaces=("claims",))
        assert stats["claims"]["added"] == len(ids)
        assert encoded == [claims[ids[-1]]]  # only the claim the cache lacks
        ix = load_indexes(store, db, namespaces=("claims",), sync=False)["claims"]
        np.testing.assert_allclose(ix.vectors(ids[:-1]), marks, atol=1e-3)


def test_a_given_encoder_never_reads_the_cache(tmp_path: Path, make_corpus: Any) -> None:
    db = str(tmp_path / "c.db")
    make_corpus(Path(db), tmp_path)
    seen: list[str] = []

    def mine(texts: Any) -> np.ndarray:
        seen.extend(texts)
        return np.ones((len(texts), EMBED_DIM), dtype=np.float32)

    with open_store(db) as store:
        claims = _claim_texts(store)
        cache = ClaimVectorCache.for_store_url(db, model=MODEL_VERSION)
        cache.add(list(claims.values()), np.eye(EMBED_DIM, dtype=np.float32)[: len(claims)])
        cache.save()
        sync_index(store, db, namespaces=("claims",), encode=mine)
    assert sorted(seen) == sorted(claims.values())
