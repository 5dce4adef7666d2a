"""Counted amounts: "about 60 militants", "up to 500 members", "aged 20 to 25", "1.5 million people".

:func:`find_quantities` finds numbers written in digits or words, with approximators (about,
around, nearly, some ...) and bounds (up to, more than, at least ...), ranges ("20 to 25",
"20-25", "between 20 and 25") and the thing counted: the noun after the number, skipping
names and nationalities ("about 60 ISIS militants" -> ``militants``), ``X of the ...``
partitives ("500 members of the group" -> ``members``). Years, dates, times, ordinals, model
numbers (MQ-1C), page/section numbers and bare "one" are skipped; percentages are kept with
``about="percent"``; "aged 20 to 25" is an age (``about="age"``).
"""

from __future__ import annotations

import re

from claimtrace.model import Quantity

__all__ = ["STAGE_VERSION", "find_quantities", "parse_number"]

STAGE_VERSION = "quantities.v1"

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "k": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "bn": 1_000_000_000,
}
# vague plural amounts: value is the least the word means
_VAGUE = {
    "dozens": 24,
    "hundreds": 200,
    "thousands": 2_000,
    "millions": 2_000_000,
    "billions": 2_000_000_000,
    "scores": 40,
    "tens of thousands": 20_000,
    "hundreds of thousands": 200_000,
}

_UNIT_RX = "|".join(sorted(_UNITS, key=len, reverse=True))
_WORD_NUM = (
    rf"(?:{_UNIT_RX})(?:[- ](?:{_UNIT_RX}))?"
    rf"(?:\s+(?:and\s+)?(?:hundred|thousand|million|billion)(?:\s+(?:and\s+)?(?:{_UNIT_RX}))?)*"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM = (
    rf"(?:(?:{_DIGITS})(?:\s*(?:hundred|thousand|million|billion|trillion)\b|(?:k|m|mn|bn)\b)?"
    rf"|(?:a|several|a\s+few|few|{_UNIT_RX})\s+dozen|a\s+(?:hundred|thousand|million)|{_WORD_NUM}"
    r"|tens\s+of\s+thousands|hundreds\s+of\s+thousands|dozens|hundreds|thousands|millions|billions|scores)"
)
_APPROX = (
    r"about|around|approximately|some|nearly|almost|roughly|close\s+to|an\s+estimated|estimated|more\s+than|"
    r"over|at\s+least|up\s+to|as\s+many\s+as|fewer\s+than|less\s+than|under|no\s+more\s+than|at\s+most|"
    r"in\s+excess\s+of|upwards\s+of|just\s+over|just\s+under|well\s+over|only|just|between"
)
_CORE = re.compile(
    rf"(?P<cur>[$€£])?(?P<num>{_NUM})(?![\w]|-[A-Za-z]|\.\d)"
    rf"(?:\s*(?:-|–|to|and)\s*(?P<cur2>[$€£])?(?P<num2>{_NUM})(?![\w]|\.\d))?"
    r"(?P<pct>\s*%|\s+percent\b|\s+per\s+cent\b)?",
    re.IGNORECASE,
)
_APPROX_BEFORE = re.compile(rf"(?<![\w-])(?P<approx>{_APPROX})\s+$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# lower-case beginnings of number words: candidate positions are found with str.find, then parsed.
# Every scan of the text costs, so words that begin with another root are found with it ("tens"
# with "ten", "eighty" with "eight", "ninety" with "nine") and "a dozen", "a hundred" ... with
# the word after the "a " (_A_ROOTS).
_WORD_ROOTS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirt",
    "fift",
    "fort",
    "twent",
    "dozen",
    "hundred",
    "thousand",
    "million",
    "billion",
    "several",
    "few",
    "scores",
)
_A_ROOTS = frozenset(["dozen", "hundred", "thousand", "million"])
_AGE = re.compile(r"(?:\baged|\bages|\bage)\s*$", re.IGNORECASE)
_AGE_AFTER = re.compile(r"-year-old|\s+years?\s+old", re.IGNORECASE)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_BEFORE = re.compile(
    rf"(?:\b(?:{_MONTHS})\.?|\b(?:no|nos|p|pp|page|pages|section|article|chapter|vol|"
    r"number|room|flight|route|highway|resolution|#))\.?\s*$",
    re.IGNORECASE,
)
_DATE_AFTER = re.compile(
    rf"\s*(?:(?:st|nd|rd|th)\b|(?:{_MONTHS})\b|:\d|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt|utc))", re.IGNORECASE
)
_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|since|by|until|till|from|of|year|years|early|late|mid|during|before|after|"
    r"spring|summer|autumn|fall|winter|the)\s*|[-–,(]\s*)$",
    re.IGNORECASE,
)
_APPROX_TRUE = {
    "about",
    "around",
    "approximately",
    "some",
    "nearly",
    "almost",
    "roughly",
    "close to",
    "an estimated",
    "estimated",
}
_LOWER_BOUND = {"more than", "over", "at least", "in excess of", "upwards of", "just over", "well over"}
_UPPER_BOUND = {
    "up to",
    "as many as",
    "fewer than",
    "less than",
    "under",
    "no more than",
    "at most",
    "just under",
}
_HEAD_WORD = re.compile(r"\s*([A-Za-z][\w'’-]*)")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "my",
        "were",
        "was",
        "are",
        "is",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "must",
        "can",
        "do",
        "did",
        "does",
        "not",
        "no",
        "than",
        "then",
        "when",
        "where",
        "while",
        "if",
        "because",
        "so",
        "per",
        "each",
        "aged",
        "age",
        "including",
        "such",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "around",
        "after",
        "before",
        "during",
        "since",
        "until",
        "between",
        "among",
        "against",
        "through",
        "more",
        "less",
        "most",
        "least",
        "also",
        "only",
        "just",
        "even",
        "still",
        "already",
        "ago",
        "later",
        "earlier",
        "year",
        "years",
        "old",
        "yesterday",
        "today",
    ]
)
_IRREGULAR_PLURALS = frozenset(
    [
        "people",
        "men",
        "women",
        "children",
        "police",
        "personnel",
        "staff",
        "troops",
        "cattle",
        "sheep",
        "fish",
        "aircraft",
        "militia",
        "youth",
        "clergy",
        "military",
        "infantry",
        "livestock",
    ]
)


_DOZEN = re.compile(r"(?:(a|several|a few|few|[a-z]+) )?dozen")
_DIGITS_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)?")
_WORD_SEP = re.compile(r"[\s-]+")
_CODE_AFTER = re.compile(r"[-/]\d")


def parse_number(text: str) -> float | None:
    """Value of a number written in digits or words ("1,200", "1.5 million", "sixty-two", "a dozen")."""
    s = " ".join(text.lower().replace(",", "").split())
    if s in _VAGUE:
        return float(_VAGUE[s])
    m = _DOZEN.fullmatch(s)
    if m:
        mult = {"a": 1, "several": 3, "a few": 3, "few": 3, None: 1}.get(
            m.group(1), _UNITS.get(m.group(1) or "", 0)
        )
        return 12.0 * mult if mult else None
    m = _DIGITS_SCALE.fullmatch(s)
    if m:
        val = float(m.group(1))
        return val * _SCALES[m.group(2)] if m.group(2) in _SCALES else (val if not m.group(2) else None)
    total, current = 0.0, 0.0
    found = False
    for word in _WORD_SEP.split(s):
        if word in ("and", ""):
            continue
        if word == "a":
            current = 1.0
            found = True
        elif word in _UNITS:
            current += _UNITS[word]
            found = True
        elif word in _SCALES:
            current = max(current, 1.0) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total += current
                current = 0.0
            found = True
        else:
            return None
    return total + current if found else None


def find_quantities(text: str, sentences: list[tuple[int, int]] | None = None) -> list[Quantity]:
    """Every counted amount in ``text`` (``sentences`` is accepted for the pipeline; not needed)."""
    out: list[Quantity] = []
    after = -1
    for pos in _candidates(text):
        if pos < after:
            continue
        glued = pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] in "_.,/-")
        if glued and not (text[pos - 1] == "-" and (pos < 2 or not text[pos - 2].isalnum())):
            continue  # inside a word, a model number ("MQ-1C") or a decimal
        m = _CORE.match(text, pos - 1 if pos and text[pos - 1] in "$€£" else pos)
        if m is None:
            continue
        a = _APPROX_BEFORE.search(text, max(0, m.start() - 24), m.start())
        q = _quantity(text, m, a)
        if q is not None:
            out.append(q)
            after = m.end()
    return out


def _candidates(text: str) -> list[int]:
    """Sorted start positions of digits and number words (cheap scans; parsing comes after)."""
    low = text.lower()
    found = {
        m.start()
        for m in _DIGIT.finditer(text)
        if m.start() == 0 or (not text[m.start() - 1].isdigit() and text[m.start() - 1] not in ".,")
    }
    for root in _WORD_ROOTS:
        a_root = root in _A_ROOTS
        i = low.find(root)
        while i >= 0:
            if i == 0 or not low[i - 1].isalpha():
                found.add(i)
            if a_root and i >= 2 and low[i - 2 : i] == "a " and (i == 2 or not low[i - 3].isalpha()):
                found.add(i - 2)  # "a dozen"
            i = low.find(root, i + 1)
    return sorted(found)


def _quantity(text: str, m: re.Match[str], a: re.Match[str] | None) -> Quantity | None:
    """A :class:`Quantity` from one match (``a``: the approximator before it), or None if not a count."""
    num, num2 = m.group("num"), m.group("num2")
    low_num = num.lower()
    approx_word = " ".join((a.group("approx") if a else "").lower().split())
    before = text[max(0, m.start() - 30) : m.start()]
    after = text[m.end() : m.end() + 20]
    if low_num in ("one",) and not num2 and not approx_word:
        return None  # "one of the", "one day": too often not a count
    if num[0].isdigit() and (
        # a date word (10 letters at most) and dots end ``before``: the search can skip its start
        _DATE_BEFORE.search(before, max(0, len(before.rstrip()) - 16)) or _DATE_AFTER.match(after)
    ):
        return None
    value = parse_number(num)
    if value is None:
        return None
    digits_only = num.replace(",", "").isdigit()
    if (
        digits_only
        and len(num) == 4
        and 1800 <= value <= 2100
        and not approx_word
        and not num2
        and not m.group("cur")
        and not m.group("pct")
        and (_YEAR_BEFORE.search(before) or not _plural_next(after))
    ):
        return None
    if approx_word == "between" and not num2:
        return None
    value2 = parse_number(num2) if num2 else None
    if num2 and value2 is None:
        return None
    if num2 and value2 is not None and value2 < value:
        return None  # "2016-17", "2022-05-18", phone numbers: not a range of counts
    if _CODE_AFTER.match(after):
        return None  # dates and codes ("2022-05-18", "3/4/2021")
    start = a.start() if a is not None and approx_word not in ("only", "just") else m.start()
    end = m.end()
    low: float | None = None
    high: float | None = None
    approx = approx_word in _APPROX_TRUE or low_num.startswith(
        (
            "several",
            "a few",
            "few",
            "dozens",
            "hundreds",
            "thousands",
            "millions",
            "billions",
            "tens of",
            "scores",
        )
    )
    if value2 is not None:
        low, high = value, value2
    elif approx_word in _LOWER_BOUND:
        low = value
    elif approx_word in _UPPER_BOUND:
        high = value
    elif low_num in _VAGUE:
        low = value
    about: str | None
    if m.group("pct"):
        about = "percent"
    elif m.group("cur"):
        about = {"$": "dollars", "€": "euros", "£": "pounds"}[m.group("cur")]
    elif _AGE.search(before) or _AGE_AFTER.match(after):
        about = "age"
    else:
        about = _head(text, end)
    return Quantity(
        start=start,
        end=end,
        text=text[start:end],
        value=value,
        low=low,
        high=high,
        approx=approx,
        about=about,
    )


def _plural_next(after: str) -> bool:
    """Whether a plural noun follows (so "2000 people" is a count, not a year)."""
    h = _HEAD_WORD.match(after)
    if not h:
        return False
    w = h.group(1).lower()
    return w in _IRREGULAR_PLURALS or (w.endswith("s") and w not in _STOP and len(w) > 3)


def _head(text: str, pos: int) -> str | None:
    """The thing counted after ``pos``: skip names and adverbs, read to a plural (<= 4 words), keep two."""
    words: list[str] = []
    i = pos
    skipped_names = 0
    partitive = False
    while len(words) < 4:
        h = _HEAD_WORD.match(text, i)
        if not h:
            break
        w = h.group(1)
        lw = w.lower()
        if w[0].isupper() and not words:
            if skipped_names >= 4:
                break
            skipped_names += 1  # "60 ISIS militants", "two Tajikistani militants", "Islamic State members"
            i = h.end()
            continue
        if lw == "of" and not words and not partitive:
            partitive = True  # "hundreds of militants", "dozens of ISIS detainees"
            i = h.end()
            continue
        if lw in ("the", "a", "an") and partitive and not words:
            i = h.end()
            continue
        if lw in _STOP or w[0].isupper() or any(ch.isdigit() for ch in w):
            break
        if lw.endswith("ly") and len(lw) > 4:
            i = h.end()  # "two previously collapsed factions"
            continue
        words.append(lw)
        i = h.end()
        if lw in _IRREGULAR_PLURALS or (
            lw.endswith("s") and not lw.endswith(("ss", "us", "is")) and len(lw) > 2
        ):
            break
    if not words:
        return None
    return " ".join(words[-2:])
