"""Hedges and distance markers: the words with which an outlet keeps a claim at arm's length.

:func:`find_hedges` returns, in text order and without repeats, the markers found in
``text[start:end]`` (callers pass a claim's sentence span):

* hedging adverbs and adjectives: ``allegedly``, ``reportedly``, ``purportedly``, ``supposedly``,
  ``apparently``, ``alleged``, ``so-called``, ``unverified``, ``unconfirmed``, ``unsubstantiated``;
* verbs of contested speech: ``claims``/``claimed`` (as ``claimed``), ``accuses``/``accused``/
  ``accusations`` (as ``accused``), ``allegations``;
* counter-voice and refutation: ``denied`` (any form of deny/denial), ``has not commented``,
  ``declined to comment``, ``did not respond``, ``without evidence``, ``no evidence``,
  ``baseless``, ``false``, ``unfounded``, ``debunked``, ``disputed``;
* scare quotes: one to three words in quotation marks inside a sentence, reported with the
  quote marks normalised to curly double quotes, e.g. ``“hub”``.

Each marker is reported as a short lower-case label (the canonical form above).
:class:`HedgeIndex` scans a text once and answers the same question for many windows.
"""

from __future__ import annotations

import bisect
import re

from claimtrace.nlp.quotes import SCARE_MAX_WORDS

_PATTERNS: list[tuple[str, str]] = [
    ("allegedly", r"allegedly"),
    ("reportedly", r"reportedly"),
    ("purportedly", r"purportedly"),
    ("supposedly", r"supposedly"),
    ("apparently", r"apparently"),
    ("so-called", r"so[- ]called"),
    ("unverified", r"unverified"),
    ("unconfirmed", r"unconfirmed"),
    ("unsubstantiated", r"unsubstantiated"),
    ("alleged", r"alleged(?!ly)"),
    ("allegations", r"allegations?"),
    ("claimed", r"claim(?:s|ed|ing)?"),
    ("accused", r"accus(?:es|ed|ing|ations?)"),
    ("denied", r"den(?:y|ies|ied|ying|ials?)"),
    ("has not commented", r"(?:has|have|had|did) not (?:yet )?commented|(?:has|have|had)n[’']t commented"),
    ("declined to comment", r"declined to comment|refused to comment|no comment"),
    ("did not respond", r"did not (?:immediately )?respond|(?:has|have) not responded|didn[’']t respond"),
    ("without evidence", r"without (?:providing |offering |presenting )?(?:any )?evidence"),
    ("no evidence", r"no (?:such )?evidence"),
    ("baseless", r"baseless"),
    ("false", r"false(?:ly)?(?! flag)"),
    ("unfounded", r"unfounded"),
    ("debunked", r"debunk(?:ed|s)?"),
    ("disputed", r"disput(?:ed|es)"),
]
_WORDS_RE = re.compile(
    "|".join(f"(?P<h{i}>\\b(?:{p})\\b)" for i, (_label, p) in enumerate(_PATTERNS)), re.IGNORECASE
)
_SCARE_RE = re.compile(r"(?<![\w])[“\"‘]([^“”\"‘’\n]{1,40}?)[”\"’](?![\w])")
_WORD = re.compile(r"\w+")
# first letters of every pattern above (the word each hedge starts with)
_TRIGGERS = (
    "alleg",
    "report",
    "purport",
    "suppos",
    "apparent",
    "so",
    "unverif",
    "unconfirm",
    "unsubstan",
    "claim",
    "accus",
    "den",
    "has",
    "have",
    "had",
    "did",
    "declin",
    "refus",
    "no",
    "without",
    "baseless",
    "false",
    "unfound",
    "debunk",
    "disput",
)
_FIRST = "".join(sorted({t[0] for t in _TRIGGERS}))
_TRIGGER_RE = re.compile(rf"\b(?=[{_FIRST}])(?:{'|'.join(_TRIGGERS)})", re.IGNORECASE)


class HedgeIndex:
    """Every hedge of a text found once, so that many claim windows can be asked cheaply."""

    def __init__(self, text: str) -> None:
        self.text = text
        found: list[tuple[int, int, str, bool]] = []  # (start, end, label, is scare quote)
        for w in _TRIGGER_RE.finditer(text):  # try the big pattern only where a trigger word starts
            m = _WORDS_RE.match(text, w.start())
            if m is not None:
                idx = int((m.lastgroup or "h0")[1:])
                found.append((m.start(), m.end(), _PATTERNS[idx][0], False))
        for m in _SCARE_RE.finditer(text):
            inner = m.group(1).strip(" ,.")
            if 1 <= len(_WORD.findall(inner)) <= SCARE_MAX_WORDS:
                found.append((m.start(), m.end(), f"“{inner}”", True))
        found.sort()
        self.found = found
        self.starts = [f[0] for f in found]

    def window(self, start: int, end: int) -> list[str]:
        """Labels of the hedges inside ``text[start:end]`` (text order, no repeats)."""
        out: list[str] = []
        i = bisect.bisect_left(self.starts, start)
        while i < len(self.found) and self.found[i][0] < end:
            s, e, label, scare = self.found[i]
            i += 1
            if e > end or label in out:
                continue
            if scare and not re.search(r"\w", self.text[max(start, s - 30) : s]):
                continue  # a quote opening the sentence is speech, not a scare quote
            out.append(label)
        return out


def find_hedges(text: str, start: int, end: int) -> list[str]:
    """Hedge and distance-marker labels found in ``text[start:end]`` (text order, no repeats)."""
    found: list[tuple[int, str]] = []
    for m in _WORDS_RE.finditer(text, start, end):
        idx = int((m.lastgroup or "h0")[1:])
        found.append((m.start(), _PATTERNS[idx][0]))
    for m in _SCARE_RE.finditer(text, start, end):
        inner = m.group(1).strip(" ,.")
        n = len(_WORD.findall(inner))
        if not 1 <= n <= SCARE_MAX_WORDS:
            continue
        before = text[max(start, m.start() - 30) : m.start()]
        if not re.search(r"\w", before):
            continue  # a quote opening the sentence is speech, not a scare quote
        found.append((m.start(), f"“{inner}”"))
    found.sort()
    out: list[str] = []
    for _pos, label in found:
        if label not in out:
            out.append(label)
    return out


__all__ = ["HedgeIndex", "find_hedges"]
