"""The tokens of one document with the facts the entity rules need (:mod:`claimtrace.nlp.entities`).

:class:`Doc` splits a text into words (dotted acronyms, words with inner hyphens and
apostrophes; the gaps between them kept), and notes sentence and clause starts, Title Case
headlines, the lower-case words of the text and al-Tanf-style tokens; :class:`Cand` is a
mention under construction.
"""

from __future__ import annotations

import bisect
import operator
import re
from dataclasses import dataclass
from itertools import accumulate, compress, filterfalse

from claimtrace.model import EntityType
from claimtrace.nlp.gazetteer import GazEntry
from claimtrace.nlp.names import norm_token

__all__ = ["ARABIC_LOWER", "Cand", "Doc", "bare", "end_offset"]

# A token is a dotted acronym (``U.S.``) or a word with inner hyphens and apostrophes; ``split``
# with this capturing pattern gives ``[gap, token, gap, token, ..., gap]`` in one scan.
_TOKEN_SPLIT = re.compile(r"([A-Za-z]\.(?:[A-Za-z]\.)++|\w++(?:[-'’]\w++)*+)")
_LOWER_WORD = re.compile(r"\b[a-z][a-z]+\b")
_SINGLE_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_SMALL_WORDS = frozenset(["the", "and", "for", "but", "nor", "yet", "via", "per", "off", "out"])
ARABIC_LOWER = re.compile(r"^(?:al|el|at|as|ad|an|ar|ash|az|ath|ul|ut|ud|bin|ibn|abu|wal)-[A-Z]")


@dataclass(slots=True)
class Cand:
    """A mention under construction (token range ``ti..tj`` inclusive)."""

    start: int
    end: int
    ti: int
    tj: int
    key: str
    name: str
    type: EntityType
    kind: str | None = None
    country: str | None = None
    source: str = "gaz"  # gaz | name | desc | def
    entry: GazEntry | None = None


_OPENS_CLAUSE = operator.methodcaller("endswith", tuple('“"‘:—–(-'))


class Doc:
    """Tokens of one text with the facts the rules need (sentence starts, lower-case words)."""

    def __init__(self, text: str, sentences: list[tuple[int, int]]) -> None:
        self.text = text
        parts = _TOKEN_SPLIT.split(text)  # gap, token, gap, token, ..., gap
        self.toks = toks = parts[1::2]
        self.gaps = parts[0::2]
        offsets = list(accumulate(map(len, parts)))
        self.ends = offsets[1::2]
        self.starts = offsets[0:-1:2]
        self.n = n = len(toks)
        self.lows = list(map(str.lower, toks))
        self.lower, arabic = _word_facts(toks)
        self.arabic = arabic
        capflag = list(map(str.isupper, map(operator.itemgetter(0), toks)))
        if arabic:  # "al-Tanf": a name that starts in lower case
            for k, t in enumerate(toks):
                if t in arabic:
                    capflag[k] = True
        self.capflag = capflag
        self.caps = caps = list(compress(range(n), capflag))
        self.norms = _Norms(toks, caps)
        self.initial = self._initials(sentences, parts)
        self.headline = self._headlines(sentences)
        self.sentences = sentences

    def _initials(self, sentences: list[tuple[int, int]], parts: list[str]) -> set[int]:
        """Token indices that begin a sentence, a quotation or a clause after a colon or dash."""
        out: set[int] = set()
        starts = self.starts
        for s, _e in sentences:
            ti = bisect.bisect_left(starts, s)
            if ti < self.n:
                out.add(ti)
        # capitalised tokens right after an opening quote, a colon, a dash or a bracket
        gaps = map(parts.__getitem__, map((2).__mul__, self.caps))  # the text before each
        out.update(compress(self.caps, map(_OPENS_CLAUSE, map(str.rstrip, gaps))))
        if self.n:
            out.add(0)
        return out

    def _headlines(self, sentences: list[tuple[int, int]]) -> set[int]:
        """Token indices inside Title Case sentences (headlines), where only known names count."""
        out: set[int] = set()
        starts, capflag, toks, text = self.starts, self.capflag, self.toks, self.text
        # running counts of long words (over 3 letters) and of capitalised long words
        long_words = list(map((3).__lt__, map(len, toks)))
        n_long = [0, *accumulate(long_words)]
        n_caps = [0, *accumulate(map(operator.and_, long_words, capflag))]
        for s, e in sentences:
            if e - s > 300:
                continue  # headlines are short
            ti = bisect.bisect_left(starts, s)
            tj = bisect.bisect_left(starts, e)
            n_words = n_long[tj] - n_long[ti]
            if n_words < 4:
                continue
            caps = n_caps[tj] - n_caps[ti]
            if caps < 0.7 * n_words:
                continue  # the common case: a sentence, not a headline
            unpunctuated = text[e - 1] not in ".!?\"”'’)"
            if unpunctuated or (
                caps == n_words
                and not any(  # nor a lower-case three-letter word (a verb) outside _SMALL_WORDS
                    not capflag[k] and len(toks[k]) == 3 and toks[k] not in _SMALL_WORDS
                    for k in range(ti, tj)
                )
            ):
                out.update(range(ti, tj))
        return out

    def plain_gap(self, i: int, j: int) -> bool:
        """True when tokens ``i`` and ``j`` are separated by ordinary spaces only."""
        gap = self.text[self.ends[i] : self.starts[j]]
        return 0 < len(gap) <= 2 and (gap == " " or (gap.isspace() and "\n" not in gap))

    def norm(self, i: int) -> str:
        return self.norms[i]


class _Norms(dict[int, str]):
    """``norm_token`` of each token by index: capitalised ones up front, the others when asked.

    Normalising every word of every text would be wasted work (and fill the word cache).
    """

    def __init__(self, toks: list[str], caps: list[int]) -> None:
        super().__init__(zip(caps, map(norm_token, map(toks.__getitem__, caps)), strict=True))
        self.toks = toks

    def __missing__(self, i: int) -> str:
        w = self[i] = norm_token(self.toks[i])
        return w


def _word_facts(toks: list[str]) -> tuple[set[str], set[str]]:
    """The lower-case words of a text (what ``\\b[a-z][a-z]+\\b`` finds in it) and its ``al-Tanf`` tokens.

    Works on the distinct tokens: plain lower-case ASCII words are taken as they are, and the
    few tokens with hyphens, apostrophes or dots ("well-known", "don't") are searched for
    their lower-case parts. The filters run in C, not as a Python loop over the tokens.
    """
    words = set(toks)
    lower = set(filter(str.isascii, filter(str.islower, filter(str.isalpha, words))))
    lower -= _SINGLE_LETTERS
    joined = list(filterfalse(str.isalnum, words))
    arabic: set[str] = set()
    if joined:
        lower.update(_LOWER_WORD.findall(" ".join(joined)))
        arabic = {t for t in joined if "-" in t[2:4] and ARABIC_LOWER.match(t) is not None}
    return lower, arabic


def bare(tok: str) -> str:
    """A token without dots and a possessive ending (``U.S.`` -> ``US``, ``SVR's`` -> ``SVR``)."""
    tok = tok.replace(".", "")
    if tok.endswith(("'s", "’s")):
        tok = tok[:-2]
    return tok


def end_offset(doc: Doc, j: int) -> int:
    """End offset of token ``j`` without a possessive ending."""
    t = doc.toks[j]
    if t.endswith(("'s", "’s")) and len(t) > 3:
        return doc.ends[j] - 2
    if t.endswith(("'", "’")):
        return doc.ends[j] - 1
    return doc.ends[j]
