"""Narratives over headline streams: a headline's "This X ..." is deixis, not an anaphor."""

from __future__ import annotations

from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput, hashing_encoder
from claimtrace.model import Document
from claimtrace.nlp.headlines import headline_claim
from claimtrace.nlp.pipeline import analyze_document


def _inputs(texts: dict[str, str]) -> list[NarrativeInput]:
    docs = [Document(text=t, source=f"{k}.txt", id=k) for k, t in texts.items()]
    return [NarrativeInput(d, analyze_document(d)) for d in docs]


def _eligible(inputs: list[NarrativeInput]) -> dict[str, bool]:
    b = NarrativeBuilder(encoder=hashing_encoder, now="t")
    b.inputs_, b.entities_ = inputs, {}
    out: dict[str, bool] = {}
    for r in b._rows(slots=False):
        doc = inputs[r.inp].doc.id
        out[doc] = out.get(doc, False) or r.eligible
    return out


def test_this_headline_recurs_but_anaphoric_body_sentence_does_not() -> None:
    inputs = _inputs(
        {
            "h1": "This Man Paid Off His Parents Mortgage For Christmas",
            "h2": "This Man Paid Off His Parents Mortgage As A Christmas Present",
            "b1": "The council met on Monday to discuss the budget.\n"
            "Mayor Anna Berg said that these measures were adopted by the council after a long debate.",
        }
    )
    elig = _eligible(inputs)
    assert elig["h1"] and elig["h2"]
    body = inputs[2]
    assert body.analysis.claims  # the body sentence is a claim, but it only points back
    assert not elig["b1"]
    b = NarrativeBuilder(encoder=hashing_encoder, now="t", drift_min=0.0).fit(inputs, entities=[])
    assert any({"h1", "h2"} <= set(n.documents) for n in b.narratives())


def test_a_question_headline_joins_a_narrative_but_never_founds_one() -> None:
    claims = {
        "h1": "Anglers catch giant squid in Kessa harbour",
        "h2": "Anglers catch giant squid in Kessa harbour again",
        "h3": "Anglers in Kessa harbour catch a giant squid",
    }
    question = {"q1": "Anglers and a giant squid in Kessa harbour: real or hoax?"}
    assert headline_claim(question["q1"]) is None
    b = NarrativeBuilder(encoder=hashing_encoder, now="t", link_threshold=0.2).fit(
        _inputs({**claims, **question}), entities=[]
    )
    (joined,) = [n for n in b.narratives() if "h1" in n.documents]
    assert set(joined.documents) == {"h1", "h2", "h3", "q1"}
    probe = next(c for c in joined.claims if c.startswith("q1:"))
    assert probe.endswith(":headline")
    assert "?" not in joined.label  # the label, mutations and carriers come from the claims proper
    assert {s["doc"] for s in joined.stances} == set(joined.documents)
    assert b.stats_["probes_joined"] == 1
    # questions alone found nothing
    alone = NarrativeBuilder(encoder=hashing_encoder, now="t", link_threshold=0.2).fit(
        _inputs({"q1": question["q1"], "q2": "The anglers and the giant squid of Kessa harbour: real?"}),
        entities=[],
    )
    assert alone.narratives() == []
