"""Attributed claims on fictional fixtures, and the seed gold claims (when ../shared exists)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from claimtrace.model import Mention
from claimtrace.nlp.attribution import find_attributions, find_claims
from claimtrace.nlp.pipeline import split_sentences

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def _claims(text: str, mentions: list[Mention] | None = None):
    return find_claims(text, split_sentences(text), mentions or [])


def _m(text: str, surface: str, typ: str, key: str) -> Mention:
    i = text.index(surface)
    return Mention(i, i + len(surface), surface, typ, key, surface)  # type: ignore[arg-type]


def _content(text: str, c) -> str:  # type: ignore[no-untyped-def]
    return text[c.content_start : c.content_end]


def test_direct_quote_speaker_after_with_pronoun() -> None:
    text = (
        "Mara Velkov, the head of the Ostland Bureau, spoke on Monday.\n\n"
        "“The canal will be closed for repairs until March,” she said."
    )
    mentions = [
        _m(text, "Mara Velkov", "PERSON", "name:mara velkov"),
        _m(text, "Ostland Bureau", "ORG", "name:ob"),
    ]
    claims = [c for c in _claims(text, mentions) if c.kind != "unattributed"]
    assert len(claims) == 1
    c = claims[0]
    assert c.kind == "direct"
    assert _content(text, c) == "The canal will be closed for repairs until March"
    assert c.speaker_text == "she" and c.speaker_key == "name:mara velkov"
    assert c.cue == "said"


@pytest.mark.parametrize(
    ("closing", "speaker"),
    [
        ("said Okafor.", "Okafor"),
        ("warned Dr. Lena Okafor.", "Dr. Lena Okafor"),
        ("said O'Brien, on her first day in the post.", "O'Brien"),
    ],
)
def test_speaker_named_after_the_cue_is_not_content(closing: str, speaker: str) -> None:
    text = (
        "The council met in Harlow on Monday to discuss the bridge.\n\n"
        f"“The bridge will stay closed until the inspectors have finished their work,” {closing}"
    )
    claims = [c for c in _claims(text) if c.kind != "unattributed"]
    assert [c.speaker_text for c in claims] == [speaker]
    assert _content(text, claims[0]).startswith("The bridge will stay closed")


def test_quote_without_comma_and_descriptor_speaker() -> None:
    text = "“Our inspectors found 40 damaged bridges across the region ” the Bureau spokesman said."
    mentions = [_m(text, "Bureau", "ORG", "name:bureau")]
    (c,) = [c for c in _claims(text, mentions) if c.kind == "direct"]
    assert "40 damaged bridges" in _content(text, c)
    assert c.speaker_key == "name:bureau"


def test_colon_introduced_and_multi_paragraph_quote() -> None:
    text = (
        "Governor Ilse Brand said: “The dam is safe.\n\n"
        "“We have checked every gate twice this week.”\n\nThe weather stayed dry."
    )
    claims = [c for c in _claims(text) if c.kind == "direct"]
    assert claims and claims[0].speaker_text == "Governor Ilse Brand"
    contents = " ".join(_content(text, c) for c in claims)
    assert "The dam is safe" in contents and "every gate twice" in contents


def test_indirect_that_clause_and_accuse_of() -> None:
    text = (
        "The Harbor Council announced on Tuesday that 12 ferries would stop running. "
        "Mayor Tomas Reyn has accused the council of hiding the budget."
    )
    claims = {c.cue: c for c in _claims(text)}
    a = claims["announced"]
    assert a.kind == "indirect" and a.speaker_text == "The Harbor Council"
    assert _content(text, a).startswith("that 12 ferries")
    b = claims["has accused"]
    assert b.speaker_text == "Mayor Tomas Reyn"
    assert _content(text, b) == "the council of hiding the budget"


def test_according_to_both_orders() -> None:
    text = (
        "According to the Port Authority, 300 containers were lost. "
        "The ship sank at dawn, according to the coast guard."
    )
    claims = [c for c in _claims(text) if c.kind == "according_to"]
    assert [c.speaker_text for c in claims] == ["the Port Authority", "the coast guard"]
    assert _content(text, claims[0]) == "300 containers were lost"
    assert _content(text, claims[1]) == "The ship sank at dawn"


def test_apposition_speaker_and_parenthesised_acronym() -> None:
    text = (
        "Previously, the spokesperson for the Ministry of Roads, Anna Kell, stated that two tunnels "
        "had flooded. "
        "The Northern Rail Company (NRC) reported that trains were late."
    )
    claims = {c.cue: c for c in _claims(text)}
    assert claims["stated"].speaker_text == "the spokesperson for the Ministry of Roads, Anna Kell"
    assert claims["reported"].speaker_text == "The Northern Rail Company (NRC)"


def test_statement_chain_keeps_reporting_agency_in_via() -> None:
    text = (
        "The Tarn Water Board issued new figures. "
        '"The reservoir holds 80 percent of its capacity," the statement said, Delta News reported.'
    )
    mentions = [_m(text, "Tarn Water Board", "ORG", "name:twb"), _m(text, "Delta News", "ORG", "name:dn")]
    (c,) = [c for c in _claims(text, mentions) if c.kind == "direct"]
    assert c.speaker_text == "the statement" and c.via == "Delta News"
    assert c.speaker_key == "name:twb"


def test_scare_quotes_are_hedges_not_claims() -> None:
    text = "The Lumen Party said the old mill had become a smuggling “hub” for years."
    claims = _claims(text)
    assert all(c.kind != "direct" for c in claims)
    (c,) = [c for c in claims if c.kind == "indirect"]
    assert "“hub”" in c.hedges


def test_unattributed_outlet_voice_claim_with_hedge() -> None:
    text = "The rebels were reportedly planning to leave Valdora within 3 days."
    (c,) = _claims(text)
    assert c.kind == "unattributed" and c.speaker_text is None
    assert "reportedly" in c.hedges


def test_cues_inside_quotes_are_not_separate_claims() -> None:
    text = "“According to our sources, the convoy carried 20 tonnes of grain,” the minister said."
    claims = [c for c in _claims(text) if c.kind != "unattributed"]
    assert len(claims) == 1 and claims[0].kind == "direct"


def test_all_cues_mode_adds_beliefs() -> None:
    text = "The mayor believes the bridge will reopen soon."
    sents = split_sentences(text)
    assert not find_attributions(text, sents)
    assert find_attributions(text, sents, cues="all")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    return re.sub(r"\s+", " ", s).strip().lower()


def test_seed_gold_claims() -> None:
    gold_path = SHARED / "eval" / "seeds-gold.json"
    if not gold_path.exists():
        pytest.skip("shared seeds absent")
    entities = pytest.importorskip("claimtrace.nlp.entities")
    from claimtrace.nlp.pipeline import analyze_document

    try:
        from claimtrace.readers import read_path

        def load(name: str):  # type: ignore[no-untyped-def]
            return read_path(str(SHARED / "seeds" / name))[0]
    except ImportError:  # pragma: no cover
        from claimtrace.model import Document

        def load(name: str):  # type: ignore[no-untyped-def]
            return Document(text=(SHARED / "seeds" / name).read_text(encoding="utf-8"), source=name)

    assert entities
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    failures = []
    for g in gold["claims"]:
        doc = load(g["doc"])
        da = analyze_document(doc)
        names = {
            m.key: {_fold(m.text) for m in da.mentions if m.key == k} | {_fold(m.name)}
            for m in da.mentions
            for k in [m.key]
        }
        forms = [
            _fold(f)
            for n in g["speaker"]["any_of"]
            for f in next((e["must_link"] for e in gold["entities"] if e["canonical"] == n), [n])
        ]
        kinds = g["kind"]["any_of"] if isinstance(g["kind"], dict) else [g["kind"]]
        cands = [
            c
            for c in da.claims
            if _fold(g["content_contains"]) in _fold(doc.text[c.content_start : c.content_end])
        ]
        ok = [
            c
            for c in cands
            if c.kind in kinds
            and (
                (c.speaker_key and names.get(c.speaker_key, set()) & set(forms))
                or _fold(c.speaker_text or "") in forms
            )
        ]
        if not ok:
            failures.append(
                (g["doc"], g["content_contains"], [(c.kind, c.speaker_text, c.speaker_key) for c in cands])
            )
    assert not failures, failures


def test_colon_headline_builds_a_relation() -> None:
    text = "Mara Velkov: Harbor Tax Will Double Next Year\n\nThe council met on Monday to discuss the budget."
    atts = find_attributions(text, split_sentences(text), cues="all")
    colon = [a for a in atts if text[a.cue[0] : a.cue[1]] == ":"]
    assert len(colon) == 1
    a = colon[0]
    assert a.source is not None and text[a.source[0] : a.source[1]] == "Mara Velkov"
    assert [text[s:e] for s, e in a.content] == ["Harbor Tax Will Double Next Year"]


@pytest.mark.parametrize(
    "line",
    [
        "Update: Harbor Tax Will Double Next Year",  # a page label, not a speaker
        "BREAKING: Harbor Tax Will Double Next Year",
        "Nevada: Ada Morn, Tom Reyn, Ilse Brand, Olek Varga",  # a list of names
        "Price: twelve dollars a ticket",  # one word before a colon needs a title or a quote after it
    ],
)
def test_colon_lines_that_are_not_attributions(line: str) -> None:
    text = f"{line}\n\nThe council met on Monday to discuss the budget."
    atts = find_attributions(text, split_sentences(text), cues="all")
    assert not [a for a in atts if text[a.cue[0] : a.cue[1]] == ":"]


def test_signed_quote_and_tweet_lines() -> None:
    text = (
        "“We will rebuild every bridge in the valley before winter.”\n"
        "- Ilse Brand.\n\n"
        "Rain closes the pass again tonight pic.twitter.com/abc123 — Tom Reyn (@tomreyn) May 2, 2031\n\n"
        "The vote is on Friday - Ada Morn said nothing."
    )
    atts = find_attributions(text, split_sentences(text), cues="all")
    signed = {text[a.source[0] : a.source[1]]: a for a in atts if a.lemma == "—" and a.source}
    assert set(signed) == {"Ilse Brand", "Tom Reyn (@tomreyn)"}
    assert text[slice(*signed["Ilse Brand"].content[0])].startswith("We will rebuild")
    assert signed["Ilse Brand"].kind == "direct"
    assert text[slice(*signed["Tom Reyn (@tomreyn)"].content[0])].startswith("Rain closes the pass")
