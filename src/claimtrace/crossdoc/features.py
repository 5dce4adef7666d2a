"""Event-specific term features for story clustering.

Two reports of the same event share *specific details*: names of people and places, numbers,
rare words. Two events of the same type (two fires, two rehab check-ins) share the generic
vocabulary. So a document is turned into a bag of lower-cased terms where

* capitalised words that are not merely sentence-initial (names) weigh ``proper_weight``,
* numbers weigh ``number_weight``,
* other content words weigh ``common_weight``,
* stop words are dropped,

with sublinear term frequency (``1 + log tf``). The corpus-level IDF is applied by the caller
(:class:`claimtrace.crossdoc.stories.StoryClusterer`), which learns document frequencies from
the documents it has seen.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

FEATURES_VERSION = "story-terms.v1"

# Function words and reporting verbs that carry no event identity.
_STOP_TEXT = """
    a about above after again against all also although am among an and another any anyone are
    around as at be became because become been before being below between both but by can cannot
    could did do does doing done down during each either else even ever every few for from further
    get gets got had has have having he her here hers herself him himself his how however i if in
    into is it its itself just last least less like made make many may me might mine more most
    much must my myself near neither never new no nor not now of off often on once one only onto or
    other others our ours ourselves out over own per perhaps rather said same say saying says see
    seen shall she should since so some such than that the their theirs them themselves then there
    these they this those though through thus to told too toward towards under until up upon us
    very via was we well were what whatever when where whether which while who whom whose why will
    with within without would yet you your yours yourself yourselves mr mrs ms dr according
    reported reports report reporting told tell tells stated says week weeks year years day days
    today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday time times
    """
STOP_WORDS = frozenset(_STOP_TEXT.split())

_TOKEN = re.compile(r"[^\W\d_][\w'’\-]*[\w]|[^\W\d_]|\d[\d,.]*\d|\d")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) or at a line break.
_SENT_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+|\n+")


@dataclass
class TermBag:
    """The weighted terms of one document and the surface form seen for each term."""

    weights: dict[str, float] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT_BREAK.split(text) if s.strip()]


def _fold(token: str) -> str:
    tok = token.lower().replace("’", "'")
    if tok.endswith("'s"):
        tok = tok[:-2]
    return tok


# token -> (term or "" when dropped, is a number, is all caps of 2+ letters, starts upper but not all caps)
_TOKEN_INFO: dict[str, tuple[str, bool, bool, bool]] = {}


def _token_info(tok: str) -> tuple[str, bool, bool, bool]:
    info = _TOKEN_INFO.get(tok)
    if info is None:
        term = _fold(tok)
        if (len(term) < 2 and not term.isdigit()) or term in STOP_WORDS:
            term = ""
        number = bool(term) and term[0].isdigit()
        if number:
            term = term.replace(",", "")
            if term.endswith("."):
                term = term[:-1]
        upper = tok.isupper()
        info = (term, number, upper and len(tok) > 1, tok[0].isupper() and not upper)
        if len(_TOKEN_INFO) < 500_000:
            _TOKEN_INFO[tok] = info
    return info


def term_bag(
    text: str,
    *,
    title: str | None = None,
    proper_weight: float = 3.0,
    number_weight: float = 2.0,
    common_weight: float = 0.5,
    title_weight: float = 1.0,
    lead_sentences: int = 3,
    lead_boost: float = 0.0,
    max_chars: int = 20000,
) -> TermBag:
    """Weighted terms of a document (sublinear tf, no IDF yet).

    A token counts as a name when it is capitalised somewhere other than at the start of a
    sentence (so "Fire" opening a sentence is a common word unless "Fire" also appears
    capitalised mid-sentence). Title tokens are added ``title_weight`` times on top of the body;
    tokens of the first ``lead_sentences`` sentences count ``1 + lead_boost`` times (the lead of a
    news report states the event).
    """
    body = text[:max_chars]
    sentences = _sentences(body)
    counts: dict[str, float] = defaultdict(float)
    proper: set[str] = set()
    first: dict[str, str] = {}  # term -> its first surface form
    occurrences: dict[str, int] = defaultdict(int)
    several: dict[str, Counter[str]] = {}  # terms seen in more than one form -> form counts

    def see(term: str, tok: str) -> None:
        if term in several:
            several[term][tok] += 1
        elif first.setdefault(term, tok) != tok:
            several[term] = Counter({first[term]: occurrences[term], tok: 1})
        occurrences[term] += 1

    for k, sent in enumerate(sentences):
        add = 1.0 + lead_boost if k < lead_sentences else 1.0
        for j, tok in enumerate(_TOKEN.findall(sent)):
            term, number, caps, capital = _token_info(tok)
            if not term:
                continue
            if not number and (caps or (capital and j > 0)):
                proper.add(term)
            counts[term] += add
            see(term, tok)
    if title:
        for tok in _TOKEN.findall(title):
            term = _fold(tok)
            if term in STOP_WORDS or (len(term) < 2 and not term.isdigit()):
                continue
            counts[term] += title_weight
            see(term, tok)
    weights: dict[str, float] = {}
    for term, tf in counts.items():
        if term[0].isdigit():
            w = number_weight
        elif term in proper:
            w = proper_weight
        else:
            w = common_weight
        if w > 0:
            weights[term] = w * (1.0 + math.log(tf)) if tf >= 1 else w * tf
    surface = {t: _best_form(several[t]) if t in several else first[t] for t in weights}
    return TermBag(weights=weights, forms=surface)


def _best_form(forms: Counter[str]) -> str:
    """The most frequent capitalised form, else the most frequent form."""
    capital = [(n, f) for f, n in forms.items() if f[:1].isupper()]
    if capital:
        return max(capital)[1]
    return forms.most_common(1)[0][0]


def lead_text(text: str, *, title: str | None = None, n_sentences: int = 3) -> str:
    """Title plus the first ``n_sentences`` sentences, whitespace collapsed."""
    body = text[:3000]
    end, count, start = len(body), 0, 0
    for m in _SENT_BREAK.finditer(body):
        if body[start : m.start()].strip():
            count += 1
            if count >= n_sentences:
                end = m.end()
                break
        start = m.end()
    head = " ".join(body[:end].split())
    return f"{title}. {head}" if title else head
