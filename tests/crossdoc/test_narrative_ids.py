"""Narrative ids: every id that disappears ends in a merge or dissolve event; ids do not depend on order."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from _narrative_fixtures import entities, make
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrace.crossdoc.narrative_ids import assign_ids, founder, narrative_id
from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput, hashing_encoder
from claimtrace.model import Narrative
from claimtrace.store.lineage import resolve, resolve_ratings, successors

# invented events: (actor, predicate with a number, place); the fixture gazetteer knows the names
TOPICS = [
    ("Country Y", "is training {n} mercenaries at", "Base Z"),
    ("Red Hand", "hid {n} rifles in a warehouse in", "Port Lira"),
    ("Norland", "moved {n} tanks to the border with", "Estmark"),
    ("Valdoria", "sent {n} drones over the harbour of", "Port Lira"),
    ("Country Y", "bought {n} tonnes of grain from", "Estmark"),
    ("Red Hand", "recruited {n} fighters in the hills of", "Valdoria"),
]
SPEAKERS = ["Agency X", "Bureau Q", "Minister Orla Venn", "Grainco"]


@dataclass(frozen=True)
class Spec:
    """One synthetic document: one or two claims, each a topic told with a number."""

    claims: tuple[tuple[int, int, int], ...]  # (topic, a second topic it is told with or -1, number)
    speaker: int
    day: int | None


def _doc(i: int, spec: Spec, *, edited: bool = False) -> NarrativeInput:
    """Document ``i``; ``edited`` as re-analysis after an edit sees it (claims at new offsets, new ids)."""
    speaker = SPEAKERS[spec.speaker]
    parts, claims = ["Updated."] if edited else [], []
    for topic, other, n in spec.claims:
        actor, pred, place = TOPICS[topic]
        content = f"{actor} {pred.format(n=n)} {place}"
        if other >= 0:  # a claim that bridges two events: it can join (merge) their narratives
            content += " and {} {}".format(*TOPICS[other][1:]).format(n=n)
        parts.append(f"{speaker} said that {content}.")
        claims.append({"content": content, "speaker": speaker, "cue": "said"})
    date = f"2023-01-{spec.day:02d}" if spec.day else None
    return make(f"d{i}", " ".join(parts), claims, date=date, outlet=f"Outlet {spec.speaker}")


def _fit(
    inputs: list[NarrativeInput], previous: list[Narrative] | None = None, hold: set[str] | None = None
) -> NarrativeBuilder:
    return NarrativeBuilder(encoder=hashing_encoder, now="2024-01-01T00:00:00+00:00").fit(
        inputs, entities=entities(), previous=previous, hold=hold or set()
    )


def _stored(events: list[dict]) -> list[dict]:
    """Builder events as the store lists them."""
    return [{"kind": e["kind"], "payload": e} for e in events]


specs = st.builds(
    Spec,
    claims=st.lists(
        st.tuples(
            st.integers(0, len(TOPICS) - 1),
            st.sampled_from([-1, -1, -1, *range(len(TOPICS))]),
            st.sampled_from([12, 40, 200]),
        ),
        min_size=1,
        max_size=2,
    ).map(tuple),
    speaker=st.integers(0, len(SPEAKERS) - 1),
    day=st.one_of(st.none(), st.integers(1, 28)),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    corpus=st.lists(specs, min_size=4, max_size=12),
    cuts=st.lists(st.integers(1, 11), min_size=1, max_size=2),
    edits=st.lists(st.sets(st.integers(0, 11), max_size=4), min_size=3, max_size=3),
    seed=st.integers(0, 2**16),
)
def test_every_vanished_id_resolves_through_events(
    corpus: list[Spec], cuts: list[int], edits: list[set[int]], seed: int
) -> None:
    """Random add / edit / re-analyse sequences: every id rated once leads to a live narrative or a
    dissolve event, and every id that is gone went through exactly one merge or dissolve."""
    docs = [_doc(i, s) for i, s in enumerate(corpus)]
    rng = random.Random(seed)
    log: list[dict] = []
    ratings: list[tuple[str, dict]] = []
    prev: list[Narrative] = []
    for step, end in enumerate([*sorted({min(c, len(docs)) for c in cuts}), len(docs)]):
        for i in edits[step]:  # edited documents come back with other claim ids
            if i < len(docs):
                docs[i] = _doc(i, corpus[i], edited=docs[i].doc.text[:1] != "U")
        batch = docs[:end]
        rng.shuffle(batch)  # ingest order must not matter either
        b = _fit(batch, prev, hold={nid for nid, _ in ratings})
        now = {n.id: n for n in b.narratives()}
        log += b.events()
        in_any = {c for n in now.values() for c in n.claims}
        for old in prev:
            if old.id in now:
                continue
            ends = [e for e in b.events() if old.id in e["from"] and e["kind"] in ("merge", "dissolved")]
            assert len(ends) == 1, (old.id, b.events())
            if ends[0]["kind"] == "merge":  # the successor holds some of its claims
                assert set(old.claims) & set(now[ends[0]["narrative"]].claims)
            else:  # dissolved: none of its claims is in a narrative now
                assert not set(old.claims) & in_any
        ratings += [(n.id, {"rating": "False", "created_at": str(len(ratings))}) for n in b.narratives()]
        chain = successors(_stored(log))
        resolved = resolve_ratings(ratings, set(now), _stored(log))
        for nid, _ in ratings:
            cur, path = resolve(nid, chain, set(now))
            if cur is None:
                assert path and path[-1]["kind"] == "dissolved" and resolved[nid]["orphan"]
            else:
                assert cur in now and cur in resolved
        prev = b.narratives()


def _members(b: NarrativeBuilder) -> list[tuple[str, list[str]]]:
    return [(n.id, sorted(n.claims)) for n in b.narratives()]


def test_same_input_in_any_order_same_ids_and_members() -> None:
    rng = random.Random(7)
    corpus = [
        Spec(
            ((rng.randrange(len(TOPICS)), rng.choice([-1, -1, 2]), rng.choice([12, 40, 200])),),
            rng.randrange(4),
            rng.choice([None, 3, 9]),
        )
        for _ in range(16)
    ]
    docs = [_doc(i, s) for i, s in enumerate(corpus)]
    first = _fit(docs)
    assert len(first.narratives()) >= 2
    for _ in range(3):
        shuffled = list(docs)
        rng.shuffle(shuffled)
        again = _fit(shuffled)
        assert _members(again) == _members(first)
        # a re-run against its own result changes nothing and logs nothing
        rerun = _fit(shuffled, first.narratives())
        assert _members(rerun) == _members(first) and rerun.events() == []


@dataclass
class _C:
    claims: set[str]
    pin: str | None = None
    by_override: bool = False
    extra: dict = field(default_factory=dict)


def test_id_that_finds_no_free_cluster_is_merged_not_lost() -> None:
    """An id whose claims all went to clusters older ids took is recorded as merged into the main one."""
    old = Narrative(id="Nold", label="", claims=["a", "b", "c"], first_seen="2023-01-01")
    young = Narrative(id="Nyoung", label="", claims=["d", "e"], first_seen="2023-02-01")
    clusters = [_C({"a", "b", "d"}), _C({"c"})]
    ids, events = assign_ids(clusters, [old, young], {}, now="t")
    assert ids[0] == "Nold" and "Nyoung" not in ids
    merge = next(e for e in events if e["kind"] == "merge")
    assert merge["narrative"] == "Nold" and merge["from"] == ["Nold", "Nyoung"]


def test_dissolved_id_is_recorded_with_where_its_claims_went() -> None:
    gone = Narrative(id="Ngone", label="", claims=["x", "y", "z"])
    ids, events = assign_ids([_C({"a", "b"})], [gone], {}, now="t")
    (dis,) = [e for e in events if e["kind"] == "dissolved"]
    assert dis["narrative"] == "Ngone" and dis["claims"] == {"unclustered": 0, "removed": 3}
    assert ids == [narrative_id(founder({"a", "b"}, {}))]


def test_ids_do_not_depend_on_cluster_order() -> None:
    prev = [Narrative(id="Np", label="", claims=["a", "b", "c", "d"])]
    one = [_C({"a", "b"}), _C({"c", "d"}), _C({"q", "r"})]
    ids1, _ = assign_ids(one, prev, {}, now="t")
    ids2, _ = assign_ids(one[::-1], prev, {}, now="t")
    assert ids1 == ids2[::-1] and ids1[0] == "Np"  # a tie in size: the part with the least claim id


def test_lineage_chain_cycles_and_inherited_ratings() -> None:
    log = _stored(
        [
            {"kind": "merge", "narrative": "B", "from": ["B", "A"]},
            {"kind": "merge", "narrative": "C", "from": ["C", "B"]},
            {
                "kind": "dissolved",
                "narrative": "D",
                "from": ["D"],
                "claims": {"unclustered": 2, "removed": 0},
            },
            {"kind": "merge", "narrative": "E", "from": ["F"]},
            {"kind": "merge", "narrative": "F", "from": ["E"]},
        ]
    )
    chain = successors(log)
    assert resolve("A", chain, {"C"})[0] == "C" and len(resolve("A", chain, {"C"})[1]) == 2
    assert resolve("D", chain, {"C"}) == (None, [log[2]["payload"]])
    assert resolve("E", chain, {"C"})[0] is None  # a cycle with nothing live ends, it does not loop
    rows = [
        ("A", {"rating": "False", "created_at": "1"}),
        ("B", {"rating": "True", "created_at": "2"}),
        ("D", {"rating": "False", "created_at": "3"}),
    ]
    got = resolve_ratings(rows, {"C"}, log)
    assert got["C"]["rating"] == "True" and got["C"]["inherited_from"] == "B"
    assert got["D"]["orphan"] and got["D"]["ended_by"]["kind"] == "dissolved"
    own = resolve_ratings([*rows, ("C", {"rating": "Mixture", "created_at": "0"})], {"C"}, log)
    assert own["C"]["rating"] == "Mixture" and "inherited_from" not in own["C"]
    # a merged-away id that comes back is live again
    back = successors([*log, *_stored([{"kind": "create", "narrative": "A", "from": []}])])
    assert resolve("A", back, {"A", "C"}) == ("A", [])


def test_rated_narrative_is_held_not_dissolved() -> None:
    """Claims that no longer cluster but carry a rating stay one narrative under their id."""
    docs = [_doc(0, Spec(((0, -1, 40),), 0, 3)), _doc(1, Spec(((2, -1, 12),), 1, 4))]
    claims = [c.id for d in docs for c in d.analysis.claims]
    rated = Narrative(id="Nrated", label="", claims=claims, first_seen="2023-01-03")
    dissolved = _fit(docs, [rated])
    assert dissolved.narratives() == [] and [e["kind"] for e in dissolved.events()] == ["dissolved"]
    assert dissolved.events()[0]["claims"] == {"unclustered": 2, "removed": 0}
    kept = _fit(docs, [rated], hold={"Nrated"})
    assert [(n.id, sorted(n.claims)) for n in kept.narratives()] == [("Nrated", sorted(claims))]
    assert [(e["kind"], e["claims"]) for e in kept.events()] == [("held", 2)]
    # held while enough claims remain: with one of the two documents gone it dissolves after all
    assert [e["kind"] for e in _fit(docs[:1], [rated], hold={"Nrated"}).events()] == ["dissolved"]
