"""The lexical pre-pass that picks the claims worth embedding (``claimvecs.recurring_claims``)."""

from __future__ import annotations

import random

from _narrative_fixtures import base_docs, entities

from claimtrace.crossdoc.claimvecs import recurring_claims
from claimtrace.crossdoc.narratives import NarrativeBuilder, hashing_encoder


def _filler(rnd: random.Random, n: int) -> str:
    letters = "bcdfghjklmnprstvz"
    return " ".join("".join(rnd.choice(letters) + rnd.choice("aeiou") for _ in range(3)) for _ in range(n))


def test_only_claims_shared_with_another_document_are_marked() -> None:
    rnd = random.Random(5)
    texts = [
        "Minister Talvo said the Korrin dam would flood the eastern valley",  # doc 0
        "The Korrin dam will flood the valley, Talvo warned",  # doc 1: recurs
        "Korrin dam engineers flood the valley according to Talvo",  # doc 1 again
        "Talvo and the Korrin dam appear together only here",  # doc 2: shares rare words too
    ] + [_filler(rnd, 8) for _ in range(40)]  # unrelated claims, docs 3..42
    groups = [0, 1, 1, 2, *range(3, 43)]
    got = recurring_claims(texts, groups)
    assert got[:4].tolist() == [True, True, True, True]
    assert not got[4:].any()


def test_same_document_repeats_do_not_count_but_shared_keys_do() -> None:
    texts = ["Velia port strike blocks grain exports", "Velia port strike blocks grain exports again"]
    assert not recurring_claims(texts, [7, 7]).any()
    keys = [["gaz:a|gaz:b"], ["gaz:a|gaz:b"]]
    assert recurring_claims(["alpha words here", "other words there"], [1, 2], keys=keys).all()
    assert not recurring_claims(["alpha words here", "other words there"], [1, 2]).any()


def test_prefilter_keeps_recurring_narratives() -> None:
    """With the pre-pass forced on, the multi-document narratives are found as without it.

    (A narrative confined to one document, two of its own claims, is not: its claims recur nowhere.)
    """
    docs = base_docs()
    plain = NarrativeBuilder(now="T", encoder=hashing_encoder, threshold=0.3, link_threshold=0.2)
    plain.fit(docs, entities=entities())
    filtered = NarrativeBuilder(
        now="T",
        encoder=hashing_encoder,
        threshold=0.3,
        link_threshold=0.2,
        prefilter_above=1,
        prefilter_chance=None,  # a fixture this small has no chance level to speak of
    )
    filtered.fit(docs, entities=entities())
    assert filtered.stats_["candidates"] <= filtered.stats_["eligible"]
    multi = {frozenset(n.claims) for n in plain.narratives() if len(n.documents) > 1}
    assert multi
    assert {frozenset(n.claims) for n in filtered.narratives() if len(n.documents) > 1} == multi
