"""Short documents (headlines, posts) in story clustering: the embedding blend and its search."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.crossdoc.stories import StoryClusterer, StoryDoc
from claimtrace.crossdoc.story_short import near_neighbours, pack_vector, unpack_vector

# Two fictional stories told in headlines that share no content word within a story.
HARBOUR = [
    "Ferry strike halts Kelmsby crossings",
    "Boats stay docked as crews walk out",
    "Sailors down tools",
]
ORCHARD = [
    "Frost ruins Pellam apple harvest",
    "Growers count losses after cold snap",
    "Cider makers fear shortage",
]
AXES = {"h": np.array([1.0, 0.1, 0.0, 0.0]), "o": np.array([0.0, 0.1, 1.0, 0.0])}


def _fake_embedder(calls: list[list[str]]):  # type: ignore[no-untyped-def]
    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        rows = [AXES["h"] if any(t in x for t in HARBOUR) else AXES["o"] for x in texts]
        out = np.stack(rows).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    return embed


def _headlines() -> list[StoryDoc]:
    docs = [StoryDoc(id=f"h{i}", text=t) for i, t in enumerate(HARBOUR)]
    docs += [StoryDoc(id=f"o{i}", text=t) for i, t in enumerate(ORCHARD)]
    return docs


def _partition(model: StoryClusterer) -> set[frozenset[str]]:
    return {frozenset(s.documents) for s in model.stories()}


def test_headlines_without_shared_words_join_by_embedding() -> None:
    calls: list[list[str]] = []
    model = StoryClusterer()
    model.embedder = _fake_embedder(calls)
    model.fit(_headlines())
    assert _partition(model) == {frozenset({"h0", "h1", "h2"}), frozenset({"o0", "o1", "o2"})}
    assert len(calls) == 1 and len(calls[0]) == 6  # short documents only, one batch call
    # the term space alone cannot tell: every headline stays on its own
    terms_only = StoryClusterer(short_terms=0).fit(_headlines())
    assert len(terms_only.stories()) == 6


def test_long_documents_are_not_embedded() -> None:
    calls: list[list[str]] = []
    model = StoryClusterer()
    model.embedder = _fake_embedder(calls)
    long_text = " ".join(f"Councillor Ama{i} spoke about road {i} repairs in Dunmore." for i in range(20))
    model.fit([StoryDoc(id="a", text=long_text)])
    assert calls == []
    assert model.docs_["a"].emb is None and not model.docs_["a"].short


def test_state_round_trip_keeps_embeddings_and_later_headlines_join() -> None:
    calls: list[list[str]] = []
    model = StoryClusterer()
    model.embedder = _fake_embedder(calls)
    docs = _headlines()
    model.fit(docs[:2] + docs[3:5])
    state = json.loads(json.dumps(model.to_state()))
    again = StoryClusterer.from_state(state)
    again.embedder = _fake_embedder(calls)
    assert again.docs_["h0"].short and again.docs_["h0"].emb is not None
    again.partial_fit([docs[2], docs[5]])
    assert again.story_of("h2") == again.story_of("h0") == again.story_of("h1")
    assert again.story_of("o2") == again.story_of("o0") != again.story_of("h0")


def test_pack_vector_round_trip() -> None:
    v = np.array([0.5, -0.25, 0.125], dtype=np.float32)
    assert np.allclose(unpack_vector(pack_vector(v)), v)
    assert pack_vector(None) is None and unpack_vector(None) is None


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 40), st.integers(0, 39), st.integers(1, 5), st.integers(1, 50), st.integers(0, 10_000))
def test_near_neighbours_match_brute_force(n: int, first: int, k: int, window: int, seed: int) -> None:
    first = min(first, n - 1)
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(n, 6)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = [f"d{i}" for i in range(n)]
    got = near_neighbours(vecs, ids, first=first, k=k, window=window, floor=0.2)
    assert set(got) == set(ids[first:])
    sims = vecs @ vecs.T
    for i in range(first, n):
        allowed = [j for j in range(n) if j != i and abs(i - j) <= window]
        best = sorted(allowed, key=lambda j: -sims[i, j])[:k]
        want = {ids[j] for j in best if sims[i, j] >= 0.2}
        assert set(got[ids[i]]) == want
