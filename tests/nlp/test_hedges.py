"""Hedges and distance markers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.nlp.hedges import HedgeIndex, find_hedges


def _h(text: str) -> list[str]:
    return find_hedges(text, 0, len(text))


def test_adverbs_and_contested_speech() -> None:
    text = "The group allegedly and reportedly accused the mayor, who denied it, of taking a so-called bonus."
    assert _h(text) == ["allegedly", "reportedly", "accused", "denied", "so-called"]


def test_counter_voice_phrases() -> None:
    text = "Kestria has not commented on the claims, made without evidence and called baseless and false."
    got = _h(text)
    for want in ("has not commented", "claimed", "without evidence", "baseless", "false"):
        assert want in got


def test_scare_quotes_inside_sentence_only() -> None:
    assert _h("The base became a terrorist “hub” for militants.") == ["“hub”"]
    assert _h("“Stop,” he said.") == []
    assert _h("A long quote: “this is a full sentence with many words in it”.") == []


def test_window_is_respected() -> None:
    text = "Fine sentence here. The claim is unverified."
    assert find_hedges(text, 0, 19) == []
    assert find_hedges(text, 20, len(text)) == ["claimed", "unverified"]


@given(st.text(max_size=200))
def test_never_crashes_and_labels_are_unique(text: str) -> None:
    got = find_hedges(text, 0, len(text))
    assert len(got) == len(set(got))


@given(st.text(alphabet=st.sampled_from(list('ab “”"‘’ allegedly claims. hub,\n')), max_size=160), st.data())
def test_index_windows_agree_with_direct_scan(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    got = HedgeIndex(text).window(start, end)
    assert set(got) <= set(find_hedges(text, 0, len(text))) | set(find_hedges(text, start, end))
    assert HedgeIndex(text).window(0, len(text)) == find_hedges(text, 0, len(text))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Allegedly",
                "the",
                "claims",
                "has not commented",
                "no evidence",
                "denied",
                "so-called",
                "Reportedly,",
                "did not respond",
                "“hub”",
                "said",
                "falsely",
                "unconfirmed",
                "declined to comment",
                ".",
                "Dennis",
            ]
        ),
        max_size=14,
    )
)
def test_index_agrees_with_the_direct_scan(words: list[str]) -> None:
    text = " ".join(words)
    assert HedgeIndex(text).window(0, len(text)) == find_hedges(text, 0, len(text))
