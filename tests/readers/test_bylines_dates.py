"""Unit tests for the date, byline, credit, caption and furniture recognisers."""

from __future__ import annotations

import pytest

from claimtrace.readers.bylines import (
    caption_credit,
    find_credits,
    is_date_line,
    is_furniture,
    is_tail_heading,
    parse_byline,
    signoff_agency,
)
from claimtrace.readers.dates import find_date, parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("By Ed Lamb - February 17 2023", "2023-02-17"),
        ("March 3, 2021", "2021-03-03"),
        ("3 March 2021", "2021-03-03"),
        ("3. März 2021", "2021-03-03"),
        ("le 3 mars 2021", "2021-03-03"),
        ("3 de marzo de 2021", "2021-03-03"),
        ("3 марта 2021 г.", "2021-03-03"),
        ("2021-03-03T10:00Z", "2021-03-03"),
        ("13/04/2021", "2021-04-13"),
        ("04/13/2021", "2021-04-13"),
        ("4.5.2020", "2020-05-04"),
        ("Sept. 9th, 2020", "2020-09-09"),
        ("03/04/2021", None),
        ("May 2021", None),
        ("2021-02-30", None),
    ],
)
def test_find_date(text: str, iso: str | None) -> None:
    found = find_date(text)
    assert (found[2] if found else None) == iso


def test_parse_date_values() -> None:
    assert parse_date("Tue, 09 Mar 2021 08:15:00 GMT") == "2021-03-09"
    assert parse_date(None) is None and parse_date("") is None and parse_date("soon") is None


@pytest.mark.parametrize(
    ("line", "author", "date"),
    [
        ("By Jane Doe | March 3, 2021", "Jane Doe", "2021-03-03"),
        ("Von Anna Schmidt, 3. März 2021", "Anna Schmidt", "2021-03-03"),
        ("Par Jean Dupont, le 3 mars 2021", "Jean Dupont", "2021-03-03"),
        ("Por María López | 3 de marzo de 2021", "María López", "2021-03-03"),
        ("Posted on March 3, 2021 by jdoe", "jdoe", "2021-03-03"),
        ("Posted on by some_user", "some_user", None),
        ("Автор: Иван Петров", "Иван Петров", None),
        ("By Ed Lamb and Ann Roe, Reuters", "Ed Lamb and Ann Roe", None),
    ],
)
def test_bylines(line: str, author: str, date: str | None) -> None:
    by = parse_byline(line)
    assert by is not None and by.author == author and by.published == date


@pytest.mark.parametrize(
    "line",
    [
        "By the time he arrived, it was over.",
        "By law, shops must close on Sundays.",
        "Police said on Monday.",
    ],
)
def test_not_bylines(line: str) -> None:
    assert parse_byline(line) is None


def test_date_lines() -> None:
    assert is_date_line("Published: 3 March 2021 10:45 GMT") == "2021-03-03"
    assert is_date_line("Monday, March 3, 2021") == "2021-03-03"
    assert is_date_line("The vote on March 3, 2021 was close.") is None


@pytest.mark.parametrize(
    ("text", "credits"),
    [
        ("the statement said, ABC reported. Then TASS reported it.", ["TASS"]),
        ("according to the state news agency Xinhua, it rained", ["Xinhua"]),
        ("OLDBURY (AP) — It rained.", ["AP"]),
        ("berichtete dpa.", ["dpa"]),
        ("selon l'AFP.", ["AFP"]),
        ("según informó la agencia EFE.", ["EFE"]),
        ("сообщает ТАСС.", ["TASS"]),
        ("The Associated Press released footage.", []),
        ("The Weekly Owl reported it.", []),
    ],
)
def test_credits(text: str, credits: list[str]) -> None:
    assert find_credits(text) == credits


def test_signoffs_captions_furniture() -> None:
    assert signoff_agency("XYZ/") == "XYZ" and signoff_agency("— AP") == "AP"
    assert signoff_agency("(with Reuters)") == "Reuters" and signoff_agency("It rained.") is None
    assert caption_credit("Boats at the quay on Monday (Kim Lee/Valley Herald)") == "Kim Lee/Valley Herald"
    assert caption_credit("The minister said so (Reuters)") is None
    assert (
        is_tail_heading("Most Read")
        and is_tail_heading("You may also like")
        and is_tail_heading("Lire aussi")
    )
    assert not is_tail_heading("Most of the residents left.")
    assert is_furniture("Share this article") and is_furniture("© 2022 Valley Herald")
    assert not is_furniture("Share prices fell by a third on Monday, traders said.")
