"""Stance per document and narrative, one fixture per label (fictional outlets)."""

from __future__ import annotations

from _narrative_fixtures import base_docs, extra_doc, make

from claimtrace.crossdoc.stance import decide_stance


def _stance(inp, actors=("gaz:country-y",)):
    return decide_stance(inp.doc, inp.analysis, inp.analysis.claims[:1], actor_keys=set(actors))


def test_attributes_plain_report() -> None:
    d1 = base_docs()[0]
    got = _stance(d1)
    assert got["stance"] == "ATTRIBUTES" and [e["text"] for e in got["evidence"]] == ["said"]
    assert got["doc"] == "d1"


def test_contests_denial_and_no_comment() -> None:
    got = _stance(base_docs()[2])
    assert got["stance"] == "CONTESTS"
    assert {"denied", "allegations", "has not commented"} <= {e["text"] for e in got["evidence"]}
    d3 = base_docs()[2]
    for e in got["evidence"]:
        assert d3.doc.text[e["start"] : e["end"]] == e["text"]


def test_contests_actor_denial_far_away_and_scare_quotes() -> None:
    text = (
        "Agency X said Country Y runs a training camp at Base Z for fighters. The weather was mild. "
        "Markets were calm. Country Y rejected the report. The so-called “camp” is a farm, locals say."
    )
    inp = make(
        "c2",
        text,
        [
            {
                "content": "Country Y runs a training camp at Base Z for fighters",
                "speaker": "Agency X",
                "cue": "said",
            }
        ],
        date=None,
        outlet="Kappa",
    )
    got = _stance(inp)
    assert got["stance"] == "CONTESTS" and "rejected" in {e["text"] for e in got["evidence"]}


def test_amplifies_factive_cue_and_loaded_framing() -> None:
    got = _stance(extra_doc())
    assert got["stance"] == "AMPLIFIES"
    assert {"revealed", "occupation army"} <= {e["text"] for e in got["evidence"]}


def test_amplifies_own_voice_but_not_hedged() -> None:
    text = (
        "Country Y trains mercenaries at Base Z for attacks on Norland. Country Y reportedly pays them well."
    )
    own = make(
        "a2",
        text,
        [
            {
                "content": "Country Y trains mercenaries at Base Z for attacks on Norland",
                "kind": "unattributed",
            }
        ],
        date=None,
        outlet="Lambda",
    )
    assert _stance(own)["stance"] == "AMPLIFIES"
    hedged = make(
        "a3",
        text,
        [
            {
                "content": "Country Y reportedly pays them well",
                "kind": "unattributed",
                "hedges": ["reportedly"],
            }
        ],
        date=None,
        outlet="Lambda",
    )
    assert _stance(hedged)["stance"] == "ATTRIBUTES"


def test_loaded_words_inside_a_direct_quote_do_not_count() -> None:
    text = '"The occupation army of the puppet regime plots aggression against Norland," Agency X said.'
    inp = make(
        "q1",
        text,
        [
            {
                "content": "The occupation army of the puppet regime plots aggression against Norland",
                "kind": "direct",
                "speaker": "Agency X",
                "cue": "said",
            }
        ],
        date=None,
        outlet="Mu",
    )
    assert _stance(inp)["stance"] == "ATTRIBUTES"


def test_debunks_in_own_voice_but_a_sources_denial_only_contests() -> None:
    text = (
        "Agency X said Country Y trains mercenaries at Base Z. The claim is false: there is no evidence "
        "that any camp exists, and satellite images show an empty field."
    )
    inp = make(
        "f1",
        text,
        [{"content": "Country Y trains mercenaries at Base Z", "speaker": "Agency X", "cue": "said"}],
        date=None,
        outlet="Nu Check",
    )
    got = _stance(inp)
    assert got["stance"] == "DEBUNKS" and {"false", "no evidence"} <= {e["text"] for e in got["evidence"]}
    text2 = "Agency X said Country Y trains mercenaries at Base Z. Bureau Q said the report was false."
    inp2 = make(
        "f2",
        text2,
        [
            {"content": "Country Y trains mercenaries at Base Z", "speaker": "Agency X", "cue": "said"},
            {"content": "the report was false", "speaker": "Bureau Q", "cue": "said"},
        ],
        date=None,
        outlet="Xi",
    )
    assert _stance(inp2)["stance"] == "CONTESTS"


def test_outlet_citing_itself_is_own_voice() -> None:
    text = "Country Y trains mercenaries at Base Z for attacks on Norland, Omicron Daily reported last year."
    inp = make(
        "o1",
        text,
        [
            {
                "content": "Country Y trains mercenaries at Base Z for attacks on Norland",
                "speaker": "Omicron Daily",
                "cue": "reported",
            }
        ],
        date=None,
        outlet="Omicron Daily",
    )
    assert _stance(inp)["stance"] == "AMPLIFIES"
