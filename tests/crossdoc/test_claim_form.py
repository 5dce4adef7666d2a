"""The claim's normal form, its canonical statement (narrative labels) and the fragment check.

Every sentence here is written for these tests; names are invented.
"""

from __future__ import annotations

import pytest
from _narrative_fixtures import base_docs, entities, make
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.crossdoc.chunker import has_finite_predicate
from claimtrace.crossdoc.claim_form import (
    canonical_statement,
    claim_form,
    core_clause,
    fragment_reason,
    is_fragment,
)
from claimtrace.crossdoc.narratives import NarrativeBuilder


def _form(inp, i=0, speaker=None):
    return claim_form(
        inp.analysis.claims[i],
        text=inp.doc.text,
        mentions=inp.analysis.mentions,
        quantities=inp.analysis.quantities,
        entities={e.key: e for e in entities()},
        speaker_name=speaker,
    )


# -- the form --------------------------------------------------------------------------------------


def test_form_of_a_reported_claim() -> None:
    d1, _d2, d3, _d4 = base_docs()
    f = _form(d1)
    assert (f.actor, f.actor_key, f.predicate) == ("Country Y", "gaz:country-y", "train")
    assert f.object == "40 mercenaries"
    assert f.targets == ["Norland"] and f.places == ["Base Z"]
    assert [q.value for q in f.quantities] == [40.0]
    assert not f.negated and not f.denial and f.modality is None
    assert f.statement == "Country Y is training 40 mercenaries at Base Z for transfer to Norland"
    # the speaker (Agency X) is not the actor and no slot of the claim
    assert {v.slot for v in f.slot_values()} == {"quantity", "target", "actor", "place"}
    f3 = _form(d3)
    assert f3.targets == ["Estmark", "Valdoria"] and f3.predicate == "train"


def test_form_reads_time_negation_and_modality() -> None:
    inp = make(
        "f1",
        "Agency X said Country Y did not send 30 mercenaries to Norland in March 2022. "
        "Agency X said Country Y may have sent mercenaries to Norland. "
        "Agency X asked whether Country Y trains mercenaries at Base Z?",
        [
            {
                "content": "Country Y did not send 30 mercenaries to Norland in March 2022",
                "speaker": "Agency X",
                "cue": "said",
            },
            {
                "content": "Country Y may have sent mercenaries to Norland",
                "speaker": "Agency X",
                "cue": "said",
            },
            {
                "content": "whether Country Y trains mercenaries at Base Z?",
                "speaker": "Agency X",
                "cue": "asked",
            },
        ],
        date="2023-01-01",
        outlet="Iota",
    )
    f = _form(inp, 0)
    assert f.negated and f.predicate == "send" and f.time == "March 2022"
    assert ("time", "March 2022") in [(v.slot, v.value) for v in f.slot_values()]
    assert f.statement == "Country Y sent 30 mercenaries to Norland in March 2022"
    assert _form(inp, 1).modality == "hedged"
    assert _form(inp, 2).modality == "question"


def test_denial_is_the_denied_claim_and_the_denier_is_no_actor() -> None:
    inp = make(
        "f2",
        "Country Y denied that it trains mercenaries at Base Z.",
        [{"content": "that it trains mercenaries at Base Z", "speaker": "Country Y", "cue": "denied"}],
        date="2023-01-01",
        outlet="Iota",
    )
    f = _form(inp, speaker="Country Y")
    assert f.denial and f.predicate == "train"
    assert f.statement == "Country Y trains mercenaries at Base Z"
    assert "actor" not in {v.slot for v in f.slot_values()}


def test_attribution_frames_are_not_the_claim() -> None:
    for content in (
        "Report: Country Y trains mercenaries at Base Z",
        "Country Y trains mercenaries at Base Z, officials say",
        "It is estimated that Country Y trains mercenaries at Base Z",
        "Country Y trains mercenaries at Base Z, according to Agency X",
    ):
        inp = make(
            "f3", content + ".", [{"content": content, "kind": "unattributed"}], date=None, outlet="Iota"
        )
        f = _form(inp)
        assert (f.actor, f.predicate) == ("Country Y", "train"), content
        assert f.statement == "Country Y trains mercenaries at Base Z", content


def test_form_record_is_plain_json() -> None:
    f = _form(base_docs()[1])
    rec = f.record(entity_of={"gaz:country-y": "E1"})
    assert rec["actor"] == "Country Y" and rec["actor_entity"] == "E1" and rec["predicate"] == "train"
    assert rec["quantity"] == [
        {"text": "up to 200", "value": 200.0, "low": None, "high": None, "approx": False}
    ]
    assert set(rec) == {
        "actor",
        "actor_entity",
        "predicate",
        "object",
        "target",
        "place",
        "quantity",
        "time",
        "negated",
        "denial",
        "modality",
        "statement",
    }


# -- the statement -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "actor", "want"),
    [
        # speaker frames and headline labels
        (
            "Report: the militia is training fighters near the border",
            None,
            "The militia is training fighters near the border",
        ),
        (
            "the militia trains fighters near the border, officials say",
            None,
            "The militia trains fighters near the border",
        ),
        (
            "It is believed the militia has recruited 300 fighters since 2021",
            None,
            "The militia has recruited 300 fighters since 2021",
        ),
        ("Media reports that traces lead to the northern port", None, "Traces lead to the northern port"),
        # denial and negation removed, pronoun subject -> the speaker
        ("it does not train fighters", "Agency X", "Agency X trains fighters"),
        ("we have never sent troops to the islands", "Bureau Q", "Bureau Q has sent troops to the islands"),
        ("the ministry did not order the strike", None, "The ministry ordered the strike"),
        (
            "There is no evidence that the ministry ordered the strike",
            None,
            "The ministry ordered the strike",
        ),
        # no leading that/of/to, no leading adverbial clause
        ("that the harbour was closed for a week", None, "The harbour was closed for a week"),
        (
            "Since the spring floods, the council has rebuilt two bridges",
            None,
            "The council has rebuilt two bridges",
        ),
        ("how the scheme is meant to work", None, "The scheme is meant to work"),
        # a nominal accusation becomes a statement ("accused X of training ...")
        (
            "the border guards of training smugglers at the old fort",
            None,
            "The border guards train smugglers at the old fort",
        ),
        # an appositive goes, the predicate stays
        (
            "Orla Venn, a former minister known for her speeches, left the party in 2021",
            None,
            "Orla Venn left the party in 2021",
        ),
        # stops at the first clause boundary after the predicate
        (
            "The council closed the bridge, which had been damaged by the storm",
            None,
            "The council closed the bridge",
        ),
    ],
)
def test_canonical_statement(content: str, actor: str | None, want: str) -> None:
    got = canonical_statement(content, actor=actor)
    assert got == want
    assert not is_fragment(got)


def test_long_statement_drops_modifiers_not_its_end() -> None:
    content = (
        "The regional council has secretly been shipping surplus grain to the northern provinces through "
        "the old harbour of Port Lira during the long winter months"
    )
    got = canonical_statement(content, max_chars=90)
    assert len(got) <= 90 and not got.endswith(("…", "...", " the", " of", " to", " through"))
    assert got.startswith("The regional council has secretly been shipping surplus grain")
    assert fragment_reason(got) is None


def test_core_clause_offsets() -> None:
    text = "Report: the militia trains fighters, officials say."
    start, end, denial, conditional = core_clause(text)
    assert text[start:end] == "the militia trains fighters" and not denial and not conditional
    text = "There is no evidence that the militia trains fighters"
    start, end, denial, _ = core_clause(text)
    assert text[start:end] == "the militia trains fighters" and denial


# -- the fragment check --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("of training fighters at the old fort (Base Z)", "leading-function-word"),
        ("that the militia trains fighters", "leading-function-word"),
        ("The militia trains fighters at the…", "ellipsis"),
        ("The militia trains fighters at the... (Base Z)", "ellipsis"),
        ("The militia trains fighters at the", "dangling-end"),
        ("The militia trains fighters and", "dangling-end"),
        ("The enhanced guided bombs of the coastal brigade (Base Z)", "no-predicate"),
        ("Country Y's accusations of receiving training from Norland", "no-predicate"),
        ("The militia trains fighters at Base Z (Country Y, Base Z)", None),
        ("Traces lead to the northern port", None),
        ("Country Y has trained up to 200 mercenaries", None),
    ],
)
def test_fragment_reason(label: str, reason: str | None) -> None:
    assert fragment_reason(label) == reason


def test_finite_predicate_tells_nouns_from_verbs() -> None:
    assert has_finite_predicate("Country Y trains mercenaries")
    assert has_finite_predicate("the rebels were trained at the fort")
    assert not has_finite_predicate("the attacks on military facilities in Estmark")
    assert not has_finite_predicate("US forces of training mercenaries at the base")


def test_narrative_labels_are_statements() -> None:
    b = NarrativeBuilder(now="T").fit(base_docs(), entities=entities())
    labels = [n.label for n in b.narratives()]
    assert labels and not [x for x in labels if is_fragment(x)]
    base = next(n for n in b.narratives() if "d3" in n.documents)
    assert base.label.startswith("Country Y ") and "Base Z" in base.label


_VOCAB_TEXT = (
    "the a of to that Country Y trains trained is not did never fighters at Base Z , ; which "
    "officials say report : and militia border in 2021 about 40 up"
)
_VOCAB = _VOCAB_TEXT.split()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(_VOCAB),
        min_size=1,
        max_size=30,
    )
)
def test_statement_never_ends_open(words: list[str]) -> None:
    got = canonical_statement(" ".join(words), max_chars=60)
    assert not got.endswith(("…", "...", ",", ";", ":"))
    assert len(got) <= max(60, len(" ".join(words)))
    assert got == "" or not got[0].isalpha() or got[0].isupper()


def test_label_falls_back_to_the_sentence_when_every_claim_is_a_fragment() -> None:
    docs = [
        make(
            f"s{i}",
            f"Bureau Q declared him to be wrongfully detained by Valdoria. Story {i} ends here.",
            [
                {
                    "content": "him to be wrongfully detained by Valdoria",
                    "speaker": "Bureau Q",
                    "cue": "declared",
                }
            ],
            date=f"2023-0{i + 1}-01",
            outlet=f"Outlet {i}",
        )
        for i in range(2)
    ]
    b = NarrativeBuilder(now="T").fit(docs, entities=entities())
    (n,) = b.narratives()
    assert is_fragment(canonical_statement("him to be wrongfully detained by Valdoria"))
    assert n.label.startswith("Bureau Q declared him to be wrongfully detained") and not is_fragment(n.label)
