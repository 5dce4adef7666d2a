"""Narratives: fragments left out, no chaining on templated text, vector cache, pooled stances."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
from _narrative_fixtures import base_docs, entities, make

from claimtrace.crossdoc.claimvecs import ClaimVectorCache
from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput, hashing_encoder
from claimtrace.crossdoc.slots import states_something
from claimtrace.model import Claim, DocAnalysis, Document, Entity, Mention


def test_states_something_tells_statements_from_fragments() -> None:
    for text in (
        "Country Y is training 40 mercenaries at Base Z",
        "the militia moved its heavy guns to the northern border",
        "Bureau Q keeps training recruits for raids on Port Lira",
        "which controls most of the eastern valley and its roads",
    ):
        assert states_something(text), text
    assert states_something("Country Y of secretly arming the Red Hand militants", cue="accused")
    for text in (
        "deploying to the front line in Norland",
        "a chemical plant in the western city of Port Lira",
        "Estmark's accusations of receiving weapons from Valdoria",
        "the agency",
    ):
        assert not states_something(text), text


def test_fragment_claims_neither_found_nor_join() -> None:
    frag = make(
        "g1",
        # two sentences: a one-sentence document is a headline, embedded whole (test_narratives_headlines)
        "Agency X said Country Y trains mercenaries at Base Z, before deploying to the front in Norland. "
        "It gave no dates.",
        [
            {"content": "Country Y trains mercenaries at Base Z", "speaker": "Agency X", "cue": "said"},
            {"content": "deploying to the front in Norland", "speaker": "Agency X", "cue": "said"},
        ],
        date="2023-03-05",
        outlet="Theta",
    )
    second = frag.analysis.claims[1]
    second.id += f":{second.content_start}"  # two claims in one sentence, as the pipeline names them
    b = NarrativeBuilder(now="T", encoder=hashing_encoder, threshold=0.3, link_threshold=0.2)
    b.fit([*base_docs(), frag], entities=entities())
    frag_id = frag.analysis.claims[1].id
    assert frag_id not in b.assignments()
    assert frag.analysis.claims[0].id in b.assignments()  # the statement beside it still clusters


def _templated(n_docs: int, seed: int = 3) -> tuple[list[NarrativeInput], list[Entity], dict[str, tuple]]:
    """Fictional templated claims: "Land 3 arms 40 raiders at Camp 5 for raids on Isle 7"."""
    rnd = random.Random(seed)
    tuples = [
        (
            rnd.randrange(60),
            rnd.choice(["arms", "funds", "trains", "hides"]),
            rnd.randrange(90),
            rnd.randrange(40),
        )
        for _ in range(400)
    ]
    ents: dict[str, Entity] = {}
    inputs, truth = [], {}
    for d in range(n_docs):
        actor, verb, camp, isle = rnd.choice(tuples)
        content = f"Land {actor} {verb} {rnd.randint(5, 900)} raiders at Camp {camp} for raids on Isle {isle}"
        text = f"Bureau Q said that {content}."
        cs = len("Bureau Q said that ")
        mentions = []
        for surface, typ in (
            ("Bureau Q", "ORG"),
            (f"Land {actor}", "GPE"),
            (f"Camp {camp}", "LOC"),
            (f"Isle {isle}", "GPE"),
        ):
            i = text.index(surface)
            key = "gaz:" + surface.lower().replace(" ", "-")
            mentions.append(Mention(i, i + len(surface), surface, typ, key, surface))  # type: ignore[arg-type]
            ents.setdefault(key, Entity(id="E" + key[4:], key=key, name=surface, type=typ))  # type: ignore[arg-type]
        claim = Claim(
            0,
            len(text),
            cs,
            cs + len(content),
            "indirect",
            speaker_text="Bureau Q",
            speaker_start=0,
            speaker_end=8,
            speaker_key="gaz:bureau-q",
            cue="said",
            cue_start=9,
            cue_end=13,
        )
        doc = Document(
            text=text, source=f"fixture://t{d}", published=f"2023-01-{1 + d % 28:02d}", outlet="Iota"
        )
        claim.id = f"{doc.id}:0-{len(text)}"
        truth[claim.id] = (actor, verb, camp, isle)
        an = DocAnalysis(doc_id=doc.id, sentences=[(0, len(text))], mentions=mentions, claims=[claim])
        inputs.append(NarrativeInput(doc, an))
    return inputs, list(ents.values()), truth


def test_templated_claims_do_not_chain_into_one_narrative() -> None:
    inputs, ents, truth = _templated(1100)
    b = NarrativeBuilder(now="T", encoder=hashing_encoder).fit(inputs, entities=ents)
    nars = b.narratives()
    assert b.background_ is not None  # uniformly alike claims: cosines rescaled to the background
    sizes = sorted((len(n.claims) for n in nars), reverse=True)
    assert sizes[0] <= 20, sizes[:5]
    # each narrative is mostly one template tuple; every tuple repeated is mostly one narrative
    pure = sum(Counter(truth[c] for c in n.claims).most_common(1)[0][1] for n in nars)
    assert pure / sum(sizes) >= 0.8
    got = {c: n.id for n in nars for c in n.claims}
    by_tuple: dict[tuple, list[str]] = {}
    for c, t in truth.items():
        by_tuple.setdefault(t, []).append(c)
    kept = [cs for cs in by_tuple.values() if len(cs) >= 3]
    together = sum(1 for cs in kept if len({got.get(c) for c in cs}) == 1 and got.get(cs[0]))
    assert together / len(kept) >= 0.8


def test_vector_cache_round_trip_and_reuse(tmp_path) -> None:
    calls: list[int] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return hashing_encoder(texts)

    path = tmp_path / "db.sqlite.claimvecs.npz"
    cache = ClaimVectorCache(path, model="m1")
    b1 = NarrativeBuilder(now="T", encoder=counting, cache=cache).fit(base_docs(), entities=entities())
    cache.save()
    assert path.is_file() and b1.encoded_ == sum(calls) > 0
    again = ClaimVectorCache(path, model="m1")
    assert len(again) == len(cache)
    b2 = NarrativeBuilder(now="T", encoder=counting, cache=again).fit(base_docs(), entities=entities())
    assert b2.encoded_ == 0 and len(calls) == 1
    assert [n.to_dict() for n in b2.narratives()] == [n.to_dict() for n in b1.narratives()]
    # another model version never sees these vectors
    assert ClaimVectorCache(path, model="m2").lookup(["Country Y is training 40 mercenaries"]) == {}
    assert ClaimVectorCache.for_store_url(":memory:").path is None
    assert str(ClaimVectorCache.for_store_url(str(tmp_path / "x.db")).path).endswith("x.db.claimvecs.npz")


def _two_claims(doc_id: str, outlet: str, framing: str) -> NarrativeInput:
    return make(
        doc_id,
        f"The Country Y {framing} keeps training mercenaries at Base Z for attacks on Valdoria, as "
        "Agency X revealed. Agency X also said Country Y is training 40 mercenaries at Base Z for transfer to Norland.",  # noqa: E501
        [
            {
                "content": f"The Country Y {framing} keeps training mercenaries at Base Z for attacks on Valdoria",  # noqa: E501
                "speaker": "Agency X",
                "cue": "revealed",
            },
            {
                "content": "Country Y is training 40 mercenaries at Base Z for transfer to Norland",
                "speaker": "Agency X",
                "cue": "said",
            },
        ],
        date="2023-04-10",
        outlet=outlet,
    )


def test_stance_pooled_over_related_narratives_of_one_document() -> None:
    d6, d7 = _two_claims("d6", "Sigma", "occupation army"), _two_claims("d7", "Tau", "army")
    inputs = [*base_docs(), d6, d7]
    split = [  # the second claims of d6 and d7 become a narrative of their own, sharing d6 and d7
        {
            "id": 1,
            "scope": "narrative",
            "action": "split",
            "payload": {"claims": [d6.analysis.claims[1].id, d7.analysis.claims[1].id], "new_id": "Nsplit"},
            "created_at": "2024-01-01",
        }
    ]

    def stances(pool: bool) -> dict[str, dict]:
        b = NarrativeBuilder(now="T", pool_stances=pool).fit(inputs, entities=entities(), overrides=split)
        assert "Nsplit" in {n.id for n in b.narratives()}
        return {n.id: s for n in b.narratives() for s in n.stances if s["doc"] == "d6"}

    pooled = stances(True)
    assert len(pooled) == 2 and {s["stance"] for s in pooled.values()} == {"AMPLIFIES"}
    assert pooled["Nsplit"]["pooled_with"] and "Nsplit" not in pooled["Nsplit"]["pooled_with"]
    alone = stances(False)
    assert alone["Nsplit"]["stance"] == "ATTRIBUTES" and "pooled_with" not in alone["Nsplit"]
