"""Sentence splitting: abbreviations, quotes, decimals, paragraphs, headlines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.nlp.sentences import split_sentences


def _texts(t: str) -> list[str]:
    return [t[a:b] for a, b in split_sentences(t)]


def test_abbreviations_initials_decimals() -> None:
    t = "Gen. Amos Tully met Mr. B. Karp in the U.S. Army office on Jan. 3. The bill cost 1.5 million."
    assert _texts(t) == [
        "Gen. Amos Tully met Mr. B. Karp in the U.S. Army office on Jan. 3.",
        "The bill cost 1.5 million.",
    ]


def test_closing_quote_stays_and_attribution_continues() -> None:
    t = "“We will win.” He left. “Stop!” she shouted. Done"
    assert _texts(t) == ["“We will win.”", "He left.", "“Stop!” she shouted.", "Done"]


def test_newlines_and_headlines() -> None:
    t = "Zenda Mayor Quits Over Bridge\nA caption without a stop\n\nThe mayor resigned. Nobody knew why"
    assert _texts(t) == [
        "Zenda Mayor Quits Over Bridge",
        "A caption without a stop",
        "The mayor resigned.",
        "Nobody knew why",
    ]


def test_us_before_sentence_starter() -> None:
    assert _texts("He flew to the U.S. The next day he spoke.") == [
        "He flew to the U.S.",
        "The next day he spoke.",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\"“”'’U.S.Mr 12,")), max_size=200))
def test_spans_are_ordered_trimmed_and_inside(text: str) -> None:
    spans = split_sentences(text)
    prev = 0
    for a, b in spans:
        assert prev <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        prev = b
    # every non-space character is in some sentence
    covered = set()
    for a, b in spans:
        covered.update(range(a, b))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
