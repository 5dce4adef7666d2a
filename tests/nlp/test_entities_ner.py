"""The trained tagger inside ``find_mentions``: no pronouns or furniture, possessives, titles, types.

Every sentence here is invented; fictional names test the tagger beyond any word list.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.nlp import ner
from claimtrace.nlp.entities import find_mentions
from claimtrace.nlp.gazetteer import default_gazetteer
from claimtrace.nlp.sentences import split_sentences


def _ms(text: str) -> list[tuple[str, str]]:
    ms, _aliases = find_mentions(text, split_sentences(text))
    return [(m.text, m.type) for m in ms]


def _texts(text: str) -> set[str]:
    return {t for t, _ty in _ms(text)}


def test_model_is_shipped() -> None:
    assert ner.load_model() is not None


def test_pronouns_and_contractions_are_not_names() -> None:
    text = (
        "It was a cold morning in the valley. I'm not sure, she said. We're staying, they replied. "
        "It seems the vote failed. They're leaving. He said that It would rain."
    )
    got = _texts(text)
    assert not got & {"It", "I'm", "We're", "They're", "He", "They"}


def test_title_case_headline_words_are_not_names() -> None:
    text = (
        "Minister Declares That Prices Will Fall Next Year\n\n"
        "The minister of finance, Hedda Morvik, told reporters in Oslo that prices would fall."
    )
    got = _texts(text)
    assert "Declares That" not in got and "Declares" not in got and "That" not in got
    assert "Hedda Morvik" in got


def test_footer_furniture_is_not_a_name() -> None:
    text = (
        "Farmers in the north sold less grain this year, the cooperative said on Tuesday.\n\n"
        "Read More on The Sun\n\nMost read in The Sun\n"
    )
    assert "Sun" not in _texts(text) and "The Sun" not in _texts(text)


def test_possessives_and_titles() -> None:
    text = "President Olga Varnik's plan angered Dr. Pavel Droz. Varnik's aides said Droz's claim was false."
    got = _ms(text)
    texts = [t for t, _ty in got]
    assert "Olga Varnik" in texts and "Pavel Droz" in texts
    assert not any(t.endswith(("'s", "’s")) or t.startswith(("President ", "Dr. ")) for t in texts)
    assert all(ty == "PERSON" for t, ty in got if "Varnik" in t or "Droz" in t)


def test_types_of_invented_names() -> None:
    text = (
        "Halvard Strand, the chief executive of Norveld Mining Corporation, said on Monday that the "
        "company would open a new mine near Kessel Lake in France. The Norveld Mining Corporation "
        "employs 4,000 people."
    )
    types = dict(_ms(text))
    assert types.get("Halvard Strand") == "PERSON"
    assert types.get("Norveld Mining Corporation") == "ORG"
    assert types.get("France") == "GPE"


def test_countries_are_never_other() -> None:
    g = default_gazetteer()
    countries = {e.key for e in g.entries.values() if e.kind == "country"}
    text = (
        "Germany and Japan signed the deal. Officials in Brazil, India and Kenya welcomed it, "
        "while Canada's envoy said Mexico would follow."
    )
    ms, _ = find_mentions(text, split_sentences(text))
    named = [m for m in ms if m.key in countries]
    assert len(named) >= 6 and all(m.type == "GPE" for m in named)


def test_bio_spans() -> None:
    # labels: O=0, B-PER=1, I-PER=2, B-ORG=3, I-ORG=4, B-LOC=5, I-LOC=6, B-MISC=7, I-MISC=8
    labels = np.array([1, 2, 0, 4, 4, 5, 5, 6, 0, 8, 3])
    assert ner.spans(labels) == [
        (0, 1, "PER"),
        (3, 4, "ORG"),
        (5, 5, "LOC"),
        (6, 7, "LOC"),
        (9, 9, "MISC"),
        (10, 10, "ORG"),
    ]
    assert ner.spans(np.zeros(0, dtype=np.int64)) == []


def test_type_features_hold_no_text() -> None:
    feats, flags = ner.type_features("Varnik's", ner_lists())
    assert len(feats) == ner.N_TEMPLATES and all(0 <= f < ner.BUCKETS for f in feats)
    assert len(flags) == ner.N_FLAGS and flags[7] == 1.0  # the possessive flag
    assert ner.type_features("Varnik", ner_lists())[0][0] == feats[0]  # same word without the 's


def ner_lists() -> tuple[frozenset[str], ...]:
    from claimtrace.nlp.entities import _lists

    return _lists(default_gazetteer())


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 40), st.integers(0, 10_000))
def test_decode_gives_valid_bio(n: int, seed: int) -> None:
    model = ner.load_model()
    assert model is not None
    scores = np.random.default_rng(seed).normal(size=(n, len(ner.LABELS))).astype(np.float32) * 3
    lab = ner.decode(model, scores)
    prev = 0
    for x in lab.tolist():
        if x and x % 2 == 0:  # I-X: only after B-X or I-X
            assert prev in (x - 1, x)
        prev = x
    # tokens whose best label is O and that are far from any name stay O
    best = scores.argmax(axis=1)
    for i in range(n):
        if not best[max(0, i - 3) : i + 4].any():
            assert lab[i] == 0


def test_tagged_spans_stop_at_punctuation() -> None:
    from claimtrace.nlp.entities import _Doc, _pieces

    text = "He wrote to the Northern Statistics Bureau, the agency in St. Louis. Mr. Tam Orr replied."
    doc = _Doc(text, split_sentences(text))
    words = doc.toks
    span = (words.index("Northern"), words.index("agency"), "ORG")
    place = (words.index("St"), words.index("Louis"), "LOC")
    person = (words.index("Mr"), words.index("Orr"), "PER")
    got = [" ".join(words[a : b + 1]) for a, b, _t in _pieces(doc, [span, place, person])]
    assert got == ["Northern Statistics Bureau", "St Louis", "Mr", "Tam Orr"]


def test_a_name_after_through_or_port_of_is_a_place() -> None:
    text = "Crates were moved through Velsa at night. Officials said the port of Velsa would close."
    assert {ty for t, ty in _ms(text) if t == "Velsa"} == {"LOC"}
