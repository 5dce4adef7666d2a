"""Rule-based sentence splitting tuned for news text.

:func:`split_sentences` returns ``(start, end)`` character spans (end exclusive, surrounding
whitespace trimmed) that cover every non-blank stretch of the text. Rules:

* a newline always ends a sentence (headlines, captions, datelines and paragraphs carry no
  final punctuation);
* ``.``, ``!``, ``?`` and ``…`` end a sentence when followed by whitespace, except after a known
  abbreviation (``Mr.``, ``Gen.``, ``Jan.``), an initial (``J. Smith``), a dotted acronym before
  a word that does not usually start a sentence (``the U.S. Army``), or when the next word starts
  in lower case (``"Stop!" he said``);
* closing quotes and brackets after the punctuation stay in the sentence that they close;
* decimals (``1.5``) and dotted acronyms inside words never split because a split needs whitespace;
* a sentence longer than :data:`claimtrace.limits.MAX_SENTENCE_CHARS` (a line without
  punctuation, a table flattened to text) is split at spaces into pieces below that length,
  so no later stage ever sees an unbounded sentence.

The splitter is a single regular-expression scan with a few dictionary look-ups per candidate
boundary, which keeps it well above a thousand news articles a second.
"""

from __future__ import annotations

import re

from claimtrace.limits import MAX_SENTENCE_CHARS, split_long

__all__ = ["STAGE_VERSION", "split_sentences"]

STAGE_VERSION = "sentences.v2"

# Abbreviations after which a period never ends a sentence (titles and name parts: a name follows).
_TITLE_ABBREVS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "cmdr",
        "adm",
        "brig",
        "cpl",
        "pvt",
        "gov",
        "sen",
        "rep",
        "rev",
        "fr",
        "sr",
        "jr",
        "st",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "amb",
        "sec",
        "messrs",
        "mme",
        "mlle",
        "mt",
        "ft",
    ]
)
# Abbreviations that usually continue the sentence but may end one (months, units, "etc.", "Inc.").
_SOFT_ABBREVS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "no",
        "nos",
        "vol",
        "vols",
        "p",
        "pp",
        "fig",
        "figs",
        "art",
        "arts",
        "ch",
        "sec",
        "para",
        "approx",
        "est",
        "dept",
        "univ",
        "assn",
        "bros",
        "co",
        "corp",
        "inc",
        "ltd",
        "vs",
        "v",
        "etc",
        "al",
        "cf",
        "ca",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "ave",
        "blvd",
        "rd",
        "km",
        "mi",
        "kg",
        "lb",
        "lbs",
        "oz",
        "ft",
        "in",
        "min",
        "max",
    ]
)
# Abbreviations always followed by a number ("No. 5", "p. 12").
_NUMBER_ABBREVS = frozenset(
    ["no", "nos", "vol", "vols", "p", "pp", "fig", "figs", "art", "arts", "ch", "para", "sec"]
)
# Words that commonly start a sentence: after "U.S." or "Inc." these signal a real boundary.
_STARTERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "this",
        "that",
        "these",
        "those",
        "there",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "but",
        "and",
        "or",
        "so",
        "yet",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "after",
        "before",
        "when",
        "while",
        "if",
        "although",
        "though",
        "however",
        "meanwhile",
        "still",
        "also",
        "according",
        "some",
        "many",
        "most",
        "several",
        "one",
        "two",
        "three",
        "no",
        "not",
        "what",
        "who",
        "why",
        "how",
        "where",
        "which",
        "then",
        "now",
        "since",
        "until",
        "during",
        "despite",
        "earlier",
        "later",
        "last",
        "next",
        "both",
        "each",
        "all",
        "any",
        "other",
        "such",
        "officials",
        "police",
        "critics",
        "mr",
        "mrs",
        "ms",
        "dr",
    ]
)

# Candidate boundaries: a newline, or terminal punctuation (plus closing quotes/brackets) before space.
# (a run of newlines is one candidate: nothing lies between them to make a sentence)
_CANDIDATE = re.compile(r"\n+|(?:[.!?…]+|\.\.\.)[\"'”’»)\]]*(?=\s|$)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_NEXT_WORD = re.compile(r"\s*[\"'“‘«(\[]*(\S*)")


def _is_boundary(text: str, pos: int, end: int) -> bool:
    """Decide whether the terminal punctuation ``text[pos:end]`` ends a sentence."""
    punct = text[pos:end]
    nxt_match = _NEXT_WORD.match(text, end)
    nxt = nxt_match.group(1) if nxt_match else ""
    if not nxt:
        return True
    first = nxt[0]
    closed = punct[-1] not in ".!?…"  # a quote or bracket closes the sentence's last part
    if first.islower():
        # '"Stop!" he said' / '"... in Ukraine." she added': the attribution continues the sentence.
        return False
    if punct.rstrip("\"'”’»)]") not in (".",):
        return True  # ! ? … and multiple periods end the sentence before a capital, digit or quote
    if closed:
        return True
    # A single period directly after a word: look at that word.
    # the word is a run of letters and periods, so the search can start after the last space
    start = max(0, pos - 40, text.rfind(" ", max(0, pos - 40), pos) + 1)
    m = _WORD_BEFORE.search(text, start, pos + 1)
    if m is None:
        return True
    word = m.group(1)
    low = word.lower()
    if low in _TITLE_ABBREVS:
        return False
    if len(word) == 1 and word.isupper():
        # An initial ("J. Smith") unless a sentence ends with a one-letter word like "I" or "A".
        return word in ("A", "I") and nxt.lower() in _STARTERS
    if "." in word:
        # Dotted acronym (U.S., U.K., a.m.): a boundary only before a typical sentence starter.
        return nxt.lower().strip("\"'“‘,") in _STARTERS
    if low in _NUMBER_ABBREVS and first.isdigit():
        return False
    if low in _SOFT_ABBREVS:
        return nxt.lower().strip("\"'“‘,") in _STARTERS
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``, end exclusive, whitespace trimmed.

    >>> t = 'Mr. Smith arrived. "It is over," he said.\\nNext'
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Mr. Smith arrived.', '"It is over," he said.', 'Next']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        pos, end = m.start(), m.end()
        if text[pos] == "\n":
            _emit(text, start, pos, spans)
            start = end
        elif _is_boundary(text, pos, end):
            _emit(text, start, end, spans)
            start = end
    _emit(text, start, len(text), spans)
    return spans


def _emit(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append ``text[start:end]`` trimmed of whitespace, if anything is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > MAX_SENTENCE_CHARS:
        spans.extend(split_long(text, start, end))
    elif start < end:
        spans.append((start, end))
