"""Headline claims: the wrapper is attribution, the rest is the claim; fragments make none."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput, hashing_encoder
from claimtrace.model import Document
from claimtrace.nlp.headlines import headline_claim, headline_probe, headline_span
from claimtrace.nlp.pipeline import analyze_document


def _content(text: str) -> tuple[str, str]:
    claim = headline_claim(text)
    assert claim is not None, text
    return claim.kind, text[claim.content_start : claim.content_end]


def test_report_prefix_is_attribution_of_the_claim() -> None:
    assert _content("Report: Apple to buy Tesla") == ("according_to", "Apple to buy Tesla")


def test_officials_say_tail_is_attribution_of_the_claim() -> None:
    text = "Rebels seize stranded aid convoy in Ostral, officials say"
    kind, content = _content(text)
    assert (kind, content) == ("according_to", "Rebels seize stranded aid convoy in Ostral")
    claim = headline_claim(text)
    assert claim is not None and claim.speaker_text == "officials say"


def test_dash_sources_and_agency_tails() -> None:
    assert _content("Retailer to open first physical store - sources") == (
        "according_to",
        "Retailer to open first physical store",
    )
    assert _content("Retailer to open first physical store in Manhattan: DJ")[0] == "according_to"


def test_a_place_label_is_left_out_but_is_no_attribution() -> None:
    assert _content("Kessa: 300 villagers plant olive trees on a mayor's advice") == (
        "unattributed",
        "300 villagers plant olive trees on a mayor's advice",
    )


def test_a_tail_that_is_a_clause_is_no_wrapper() -> None:
    kind, content = _content("Lost for 12 hours, hiker claims the forest is haunted")
    assert kind == "unattributed" and content.startswith("Lost for 12 hours")


def test_fragments_make_no_claim() -> None:
    assert headline_claim("Town's tallest chimney") is None
    assert headline_claim("The Rescue of the Captain's Dog and Cat") is None


def test_a_body_sentence_is_no_headline() -> None:
    assert headline_span("The council met on Monday.\nIt voted to close the bridge.") is None
    assert headline_span("Council votes to close bridge\nThe council met on Monday.") == (0, 29)


def test_a_one_line_document_yields_its_claim_through_the_pipeline() -> None:
    doc = Document(text="Report: Apple to buy Tesla", source="t")
    claims = analyze_document(doc).claims
    assert [(c.kind, doc.text[c.content_start : c.content_end]) for c in claims] == [
        ("according_to", "Apple to buy Tesla")
    ]
    assert claims[0].id == f"{doc.id}:0-{len(doc.text)}"


def _narratives(texts: list[str]) -> list[list[str]]:
    docs = [Document(text=t, source=f"s{i}", id=f"d{i}") for i, t in enumerate(texts)]
    inputs = [NarrativeInput(d, analyze_document(d)) for d in docs]
    nars = NarrativeBuilder(encoder=hashing_encoder, now="t").fit(inputs).narratives()
    return sorted(sorted(n.documents) for n in nars)


def test_headlines_of_one_claim_form_a_narrative_and_a_fragment_joins_none() -> None:
    texts = [
        "Report: Apple to buy Tesla for 75 billion dollars",
        "Apple to buy Tesla for 75 billion dollars, sources say",
        "Apple to buy Tesla for 75 billion dollars - report",
        "Tesla Apple deal",  # a fragment: no predicate
        "Storm floods coastal town, thousands evacuated",
    ]
    assert _narratives(texts) == [["d0", "d1", "d2"]]


def test_a_claim_in_one_document_only_is_no_narrative() -> None:
    assert _narratives(["Report: Apple to buy Tesla", "Storm floods coastal town, officials say"]) == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120))
def test_headline_claims_stay_inside_the_text(text: str) -> None:
    claim = headline_claim(text)
    if claim is not None:
        assert 0 <= claim.start <= claim.content_start < claim.content_end <= claim.end <= len(text)
        assert text[claim.content_start : claim.content_end].strip()


def test_headline_forms_without_a_finite_verb_still_claim() -> None:
    # a dropped copula and a plural subject before a base verb are how headlines state things
    for text in (
        "Harbour pilot a suspect in tanker collision",
        "Glowing lake likely a hoax",
        "Farmers fear drought in the northern valleys",
        "Police identify driver in bridge crash",
    ):
        claim = headline_claim(text)
        assert claim is not None, text
        assert text[claim.content_start : claim.content_end] == text
    for fragment in ("Giant pumpkin", "Ghost ship of the northern valleys", "A lonely lighthouse"):
        assert headline_claim(fragment) is None, fragment


def test_a_claimless_one_line_headline_is_a_probe() -> None:
    text = "Giant squid in the harbour: real or hoax?"
    assert headline_claim(text) is None
    probe = headline_probe(text)
    assert probe is not None and probe.kind == "unattributed"
    assert text[probe.content_start : probe.content_end] == "Giant squid in the harbour: real or hoax"
    assert headline_probe("Rumour: giant squid seen in the harbour again?") is not None
    # a label of one or two words is no probe, nor is an article's headline (read with its body)
    assert headline_probe("Giant squid?") is None
    assert headline_probe("Giant squid in the harbour?\nFishermen reported a huge squid on Monday.") is None


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120))
def test_headline_probes_stay_inside_the_text(text: str) -> None:
    probe = headline_probe(text)
    if probe is not None:
        assert 0 <= probe.start <= probe.content_start < probe.content_end <= probe.end <= len(text)
