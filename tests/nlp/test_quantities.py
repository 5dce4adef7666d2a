"""Quantities: numbers in digits and words, approximators, bounds, ranges, the thing counted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.nlp.quantities import find_quantities, parse_number


def _one(text: str) -> tuple:
    qs = find_quantities(text)
    assert len(qs) == 1, qs
    q = qs[0]
    assert text[q.start : q.end] == q.text
    return q.value, q.low, q.high, q.approx, q.about


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Police said about 70 Zendan rebels fled.", (70, None, None, True, "rebels")),
        ("up to 400 volunteers joined", (400, None, 400, False, "volunteers")),
        ("more than 1,200 troops", (1200, 1200, None, False, "troops")),
        ("nearly two dozen fishing boats sank", (24, None, None, True, "fishing boats")),
        ("several dozen pickup trucks with guns", (36, None, None, True, "pickup trucks")),
        ("hundreds of Ruritanian workers", (200, 200, None, True, "workers")),
        ("1.5 million people", (1_500_000, None, None, False, "people")),
        ("between 20 and 25 soldiers", (20, 20, 25, False, "soldiers")),
        ("18-22 sailors", (18, 18, 22, False, "sailors")),
        ("forty-two villages", (42, None, None, False, "villages")),
        ("two Zendan militants died", (2, None, None, False, "militants")),
        ("300 members of the Northern Front", (300, None, None, False, "members")),
        ("unemployment rose to 7.5 percent", (7.5, None, None, False, "percent")),
        ("a budget of $3 billion", (3e9, None, None, False, "dollars")),
    ],
)
def test_quantities(text: str, want: tuple) -> None:
    got = _one(text)
    assert got[:4] == (float(want[0]), want[1], want[2], want[3])
    assert got[4] == want[4]


def test_age_range_is_age_not_count() -> None:
    qs = find_quantities("about 40 recruits aged 18 to 21 were seen")
    assert [(q.value, q.about) for q in qs] == [(40.0, "recruits"), (18.0, "age")]
    assert qs[1].high == 21


@pytest.mark.parametrize(
    "text",
    [
        "in 2021 the plant closed",
        "on March 4, 2020",
        "at 10:30 a.m.",
        "the 3rd brigade",
        "MQ-9B drones",
        "an F-35 jet",
        "see page 12",
        "No. 10 Downing Street",
        "one of the reasons",
        "on 2022-05-18 they met",
    ],
)
def test_not_counts(text: str) -> None:
    assert find_quantities(text) == []


def test_parse_number() -> None:
    assert parse_number("one hundred and fifty") == 150
    assert parse_number("3 thousand") == 3000
    assert parse_number("a dozen") == 12
    assert parse_number("blue") is None


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 ,.-$%about two dozen hundreds aged to men")), max_size=120
    )
)
def test_never_crashes_and_offsets_hold(text: str) -> None:
    prev = 0
    for q in find_quantities(text):
        assert prev <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.low is None or q.high is None or q.low <= q.high
        prev = q.end
