"""Story clustering: fictional events, state round-trip, time, seeds."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from claimtrace.crossdoc.features import lead_text, term_bag
from claimtrace.crossdoc.stories import StoryClusterer, StoryDoc, cluster_stories

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

# Two fires of the same kind in two fictional towns, written in the same outlet style,
# plus an unrelated event. Each event: specific names, places, numbers.
BROOKVALE = [
    "A fire tore through the Hallam textile mill in Brookvale on Tuesday night, fire chief Orla "
    "Penrose said. Forty firefighters fought the blaze for six hours. The Hallam mill employed 212 "
    "workers. Penrose said the cause of the fire was not yet known.",
    "Brookvale residents woke to smoke on Wednesday after the Hallam mill fire. Chief Orla Penrose "
    "told reporters that 212 jobs were at risk and that investigators from Dunmore County would "
    "examine the wiring of the Hallam building.",
    "Investigators in Brookvale said the Hallam mill blaze started in a storage room. Fire chief "
    "Penrose thanked crews from Dunmore County. The mill owner, Casper Hallam, promised to rebuild.",
    "Casper Hallam said on Thursday he would pay the 212 Brookvale mill workers while the Hallam "
    "factory is rebuilt after the fire. Orla Penrose said the storage room wiring was faulty.",
]
MARROWFIELD = [
    "A fire destroyed the Quenby paper warehouse in Marrowfield on Saturday, fire chief Dario "
    "Vantongeren said. Fifty-five firefighters fought the blaze. The warehouse held 3,400 tonnes "
    "of paper. Vantongeren said the cause of the fire was under investigation.",
    "Marrowfield officials closed Ashgrove Road after the Quenby warehouse fire. Chief Dario "
    "Vantongeren told reporters that the 3,400 tonnes of paper burned for a day and that Lisbet "
    "Quenby, the owner, was cooperating.",
    "The Quenby warehouse fire in Marrowfield was started by a discarded cigarette, chief "
    "Vantongeren said on Monday. Lisbet Quenby said the Ashgrove Road site would not reopen.",
]
REGATTA = [
    "Rowers from Tillingham won the Essel Cup regatta on the river Corran, beating Pellworth by two "
    "lengths. Coach Maren Ostby said the Tillingham eight had trained since January.",
    "The Essel Cup went to Tillingham for a third year. Maren Ostby's crew beat Pellworth on the "
    "Corran in front of 5,000 spectators.",
]


def _docs(texts: list[str], prefix: str, published: str | None = None) -> list[StoryDoc]:
    return [StoryDoc(id=f"{prefix}{i}", text=t, published=published) for i, t in enumerate(texts)]


def _groups(clusterer: StoryClusterer) -> list[set[str]]:
    return [set(s.documents) for s in clusterer.stories()]


def _interleaved() -> list[StoryDoc]:
    a, b, c = _docs(BROOKVALE, "b"), _docs(MARROWFIELD, "m"), _docs(REGATTA, "r")
    out: list[StoryDoc] = []
    for i in range(4):
        for group in (a, b, c):
            if i < len(group):
                out.append(group[i])
    return out


def test_two_fires_in_two_towns_are_two_stories() -> None:
    clusterer = StoryClusterer().partial_fit(_interleaved())
    groups = _groups(clusterer)
    assert {"b0", "b1", "b2", "b3"} in groups
    assert {"m0", "m1", "m2"} in groups
    assert {"r0", "r1"} in groups
    assert len(groups) == 3


def test_every_document_in_exactly_one_story() -> None:
    docs = [*_interleaved(), StoryDoc(id="lone", text="Nothing here relates to anything else at all.")]
    stories = cluster_stories(docs)
    seen = [d for s in stories for d in s.documents]
    assert sorted(seen) == sorted(d.id for d in docs)
    assert len({s.id for s in stories}) == len(stories)


def test_result_does_not_depend_much_on_order() -> None:
    docs = _interleaved()
    forward = sorted(map(sorted, _groups(StoryClusterer().partial_fit(docs))))
    backward = sorted(map(sorted, _groups(StoryClusterer().partial_fit(docs[::-1]))))
    assert forward == backward


def test_labels_name_the_event() -> None:
    stories = cluster_stories(_interleaved())
    by_doc = {d: s for s in stories for d in s.documents}
    assert any(w in by_doc["b0"].label for w in ("Hallam", "Brookvale", "Penrose"))
    titled = [StoryDoc(id="t", text=BROOKVALE[0], title="Mill fire in Brookvale")]
    assert cluster_stories(titled)[0].label == "Mill fire in Brookvale"


def test_state_round_trip_keeps_ids_and_later_documents_join() -> None:
    first = _docs(BROOKVALE[:2], "b") + _docs(MARROWFIELD[:2], "m")
    clusterer = StoryClusterer().partial_fit(first)
    before = {s.id: set(s.documents) for s in clusterer.stories()}
    state = json.loads(json.dumps(clusterer.to_state()))
    restored = StoryClusterer.from_state(state)
    assert {s.id: set(s.documents) for s in restored.stories()} == before
    assert restored.get_params() == clusterer.get_params()

    later = [StoryDoc(id="b9", text=BROOKVALE[3]), StoryDoc(id="m9", text=MARROWFIELD[2])]
    restored.partial_fit(later + first)  # already-seen documents are ignored
    after = {s.id: set(s.documents) for s in restored.stories()}
    for sid, members in before.items():
        assert sid in after and members <= after[sid]
    assert restored.story_of("b9") == restored.story_of("b0")
    assert restored.story_of("m9") == restored.story_of("m0")
    assert restored.story_of("b9") != restored.story_of("m9")
    assert sum(len(m) for m in after.values()) == 6


def test_partition_is_the_same_for_every_shuffle() -> None:
    docs = [*_interleaved(), *_docs(["Ilse Varga opened the Corran bridge in Tillingham on Friday."], "v")]
    reference = sorted(map(sorted, _groups(StoryClusterer().partial_fit(docs))))
    for seed in range(6):
        shuffled = list(docs)
        random.Random(seed).shuffle(shuffled)
        assert sorted(map(sorted, _groups(StoryClusterer().partial_fit(shuffled)))) == reference


def test_refinement_keeps_story_ids_and_state_holds_document_vectors() -> None:
    clusterer = StoryClusterer().partial_fit(_docs(BROOKVALE[:2], "b") + _docs(MARROWFIELD[:2], "m"))
    ids = {d: clusterer.story_of(d) for d in ("b0", "m0")}
    state = json.loads(json.dumps(clusterer.to_state()))
    assert set(state["docs"]) == {"b0", "b1", "m0", "m1"}
    restored = StoryClusterer.from_state(state)
    restored.partial_fit([*_docs(BROOKVALE[2:], "c"), *_docs(MARROWFIELD[2:], "x")])
    assert restored.story_of("b0") == ids["b0"] == restored.story_of("c0") == restored.story_of("c1")
    assert restored.story_of("m0") == ids["m0"] == restored.story_of("x0")
    assert sorted(d for s in restored.stories() for d in s.documents) == sorted(
        ["b0", "b1", "c0", "c1", "m0", "m1", "x0"]
    )


def test_story_ids_do_not_depend_on_batching() -> None:
    docs = _interleaved()
    whole = StoryClusterer().partial_fit(docs)
    stream = StoryClusterer()
    for d in docs:
        stream.partial_fit([d])
    assert {s.id for s in whole.stories()} == {s.id for s in stream.stories()}
    assert sorted(map(sorted, _groups(whole))) == sorted(map(sorted, _groups(stream)))


def test_far_apart_dates_split_similar_reports() -> None:
    text = BROOKVALE[0]
    docs = [
        StoryDoc(id="a", text=text, published="2021-03-02"),
        StoryDoc(id="b", text=BROOKVALE[1], published="2021-03-03"),
        StoryDoc(id="c", text=BROOKVALE[2], published="2021-11-20"),
    ]
    clusterer = StoryClusterer().partial_fit(docs)
    assert clusterer.story_of("a") == clusterer.story_of("b")
    assert clusterer.story_of("c") != clusterer.story_of("a")
    story = next(s for s in clusterer.stories() if "a" in s.documents)
    assert (story.first_seen, story.last_seen) == ("2021-03-02", "2021-03-03")


def test_entity_keys_count_as_shared_details() -> None:
    base = [
        StoryDoc(id="x", text="Officials met to discuss the plan.", entity_keys=["name:ilse varga"]),
        StoryDoc(id="y", text="A vote was held at noon.", entity_keys=["name:ilse varga"]),
    ]
    # the term space alone (short_terms=0): one-line documents would otherwise be short ones
    with_keys = StoryClusterer(short_terms=0).partial_fit(base)
    without = StoryClusterer(entity_weight=0.0, short_terms=0).partial_fit(base)
    assert with_keys.story_of("x") == with_keys.story_of("y")
    assert without.story_of("x") != without.story_of("y")


def test_embedding_space_is_used_when_vectors_are_given() -> None:
    rng = np.random.default_rng(0)
    v = rng.normal(size=8).astype(np.float32)
    v /= np.linalg.norm(v)
    docs = [
        StoryDoc(id="p", text="Council approves budget after long talks.", vector=list(v)),
        StoryDoc(id="q", text="Spending plan passes council vote.", vector=list(v)),
    ]
    # candidates come from shared terms ("council"); the embedding space re-ranks them
    joined = StoryClusterer(embedding_weight=0.8, short_terms=0).partial_fit(docs)
    assert joined.story_of("p") == joined.story_of("q")
    apart = StoryClusterer(embedding_weight=0.0, short_terms=0).partial_fit(docs)
    assert apart.story_of("p") != apart.story_of("q")


def test_embed_option_calls_the_encoder_on_title_and_lead() -> None:
    calls: list[list[str]] = []

    def fake(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.ones((len(texts), 4), dtype=np.float32) / 2.0

    clusterer = StoryClusterer(embed=True)
    clusterer.embedder = fake
    clusterer.partial_fit([StoryDoc(id="a", text="First. Second. Third. Fourth.", title="Head")])
    assert calls == [["Head. First. Second. Third."]]
    assert json.dumps(clusterer.to_state())  # vectors serialise


def test_term_bag_weights_names_and_numbers_over_common_words() -> None:
    bag = term_bag("Flames spread fast. The crew said flames reached Brookvale and 212 homes.")
    assert bag.weights["brookvale"] > bag.weights["homes"]
    assert bag.weights["212"] > bag.weights["homes"]
    assert "the" not in bag.weights and "said" not in bag.weights
    # "Flames" opens a sentence: a common word, not a name.
    assert bag.weights["flames"] < bag.weights["brookvale"]
    assert bag.forms["brookvale"] == "Brookvale"
    assert lead_text("One. Two. Three. Four.", n_sentences=2) == "One. Two."


def test_empty_input_and_empty_text() -> None:
    assert cluster_stories([]) == []
    stories = cluster_stories([StoryDoc(id="e", text=""), StoryDoc(id="f", text="   ")])
    assert sorted(d for s in stories for d in s.documents) == ["e", "f"]


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="shared seeds absent")
def test_seed_stories_follow_the_gold() -> None:
    gold = json.loads((SHARED / "eval" / "seeds-gold.json").read_text(encoding="utf-8"))["stories"]
    docs = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        try:
            from claimtrace.readers import read_path

            doc = read_path(str(path))[0]
            docs.append(StoryDoc(id=path.name, text=doc.text, title=doc.title, published=doc.published))
        except ImportError:  # pragma: no cover - readers not installed
            docs.append(StoryDoc(id=path.name, text=path.read_text(encoding="utf-8")))
    clusterer = StoryClusterer().partial_fit(docs)
    for group in gold["together"]:
        assert len({clusterer.story_of(name) for name in group}) == 1, group
    for a, b in gold["apart"]:
        assert clusterer.story_of(a) != clusterer.story_of(b), (a, b)
    assert sorted(d for s in clusterer.stories() for d in s.documents) == sorted(d.id for d in docs)
