"""Stance per document and narrative, one fixture per label (fictional outlets)."""

from __future__ import annotations

import numpy as np
import pytest
from _narrative_fixtures import base_docs, extra_doc, make

import claimtrace.crossdoc.stance as stance_mod
from claimtrace.crossdoc.stance import StanceRequest, decide_stance, decide_stances, excerpt_spans


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


_LONG = (
    "The harbour reopened on Monday. Fishing boats returned at dawn. "
    "Agency X said Country Y runs a training camp at Base Z for fighters. "
    "Officials gave no further details. Prices at the market rose slightly. "
    "A festival is planned for the spring. The mayor opened a new school. Rain is expected."
)


def _long_doc(doc_id: str = "long1"):
    claim = {
        "content": "Country Y runs a training camp at Base Z for fighters",
        "speaker": "Agency X",
        "cue": "said",
    }
    return make(doc_id, _LONG, [claim], date=None, outlet="Kappa")


def _spy_on_encoding(monkeypatch) -> list[tuple[str | None, str]]:
    """Record the (claim, text) pairs the stance decision sends to the encoder."""
    seen: list[tuple[str | None, str]] = []
    real = stance_mod.stance_batch

    def spy(pairs, **kw):
        seen.extend(pairs)
        return real(pairs, **kw)

    monkeypatch.setattr(stance_mod, "stance_batch", spy)
    return seen


def test_excerpt_is_the_claim_sentence_and_its_neighbours_capped() -> None:
    inp = _long_doc()
    text, claims = inp.doc.text, inp.analysis.claims[:1]
    sents = [text[s:e] for s, e in excerpt_spans(inp.analysis, text, claims)]
    assert sents == [
        "Fishing boats returned at dawn.",
        "Agency X said Country Y runs a training camp at Base Z for fighters.",
        "Officials gave no further details.",
    ]
    one = [text[s:e] for s, e in excerpt_spans(inp.analysis, text, claims, limit=1)]
    assert one == ["Agency X said Country Y runs a training camp at Base Z for fighters."]


def test_model_reads_only_the_excerpt_and_evidence_points_into_the_document(monkeypatch) -> None:
    seen = _spy_on_encoding(monkeypatch)
    inp = _long_doc()
    got = _stance(inp)
    assert got["method"] in ("model", "rules") and "probabilities" in got  # the model was consulted
    (read,) = [t for _, t in seen]
    assert read.split("\n") == [
        "Fishing boats returned at dawn.",
        "Agency X said Country Y runs a training camp at Base Z for fighters.",
        "Officials gave no further details.",
    ]
    for e in got["evidence"]:
        assert inp.doc.text[e["start"] : e["end"]] == e["text"]


def test_rules_amplifies_skips_the_model_and_batch_equals_one_by_one(monkeypatch) -> None:
    own = make(
        "own1",
        "Country Y trains drone pilots at Base Z for raids on Norland. Country Y reportedly pays them well.",
        [
            {
                "content": "Country Y trains drone pilots at Base Z for raids on Norland",
                "kind": "unattributed",
            }
        ],
        date=None,
        outlet="Lambda",
    )
    docs = [*base_docs(), extra_doc(), own, _long_doc()]
    asks = [StanceRequest(d.doc, d.analysis, d.analysis.claims[:1], {"gaz:country-y"}) for d in docs]
    one_by_one = [decide_stance(a.doc, a.analysis, a.claims, actor_keys=a.actor_keys) for a in asks]
    seen = _spy_on_encoding(monkeypatch)
    batched = decide_stances(asks)
    for a, b in zip(batched, one_by_one, strict=True):  # batched encoding pads: floats agree closely
        assert {**a, "probabilities": None} == {**b, "probabilities": None}
        assert a.get("probabilities", {}) == pytest.approx(b.get("probabilities", {}), abs=1e-4)
    assert one_by_one[-2]["stance"] == "AMPLIFIES" and one_by_one[-2]["method"] == "rules"
    assert not any("drone pilots" in t for _, t in seen)  # a full document the rules decided
    assert any("training camp" in t for _, t in seen)  # the long ATTRIBUTES one was read


def test_given_vectors_are_read_without_encoding(monkeypatch) -> None:
    monkeypatch.setattr(stance_mod, "stance_batch", lambda pairs, **kw: [] if not pairs else 1 / 0)
    inp = _long_doc()
    rng = np.random.default_rng(0)
    v = rng.normal(size=384).astype(np.float32)
    ask = StanceRequest(inp.doc, inp.analysis, inp.analysis.claims[:1], (), "Country Y runs a camp", v, [v])
    (got,) = decide_stances([ask])
    assert got["method"] in ("model", "rules") and set(got["probabilities"]) == {
        "agree",
        "disagree",
        "discuss",
        "unrelated",
    }
    for e in got["evidence"]:
        assert inp.doc.text[e["start"] : e["end"]] == e["text"]
        assert e["text"] in "Agency X said Country Y runs a training camp at Base Z for fighters."
    s, e = excerpt_spans(inp.analysis, inp.doc.text, inp.analysis.claims[:1], limit=1)[0]
    model_only = stance_mod._map_back([{"start": 0, "end": e - s}], [(0, s)], inp.doc.text)
    assert model_only[0]["text"] == "Agency X said Country Y runs a training camp at Base Z for fighters."
