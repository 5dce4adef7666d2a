"""The claim a headline (or a one-line post) makes, with its attribution wrapper read off.

A headline rarely reads like a sentence: no final full stop, auxiliaries dropped ("Amazon to
open first store", "Wife of IS leader detained in Lebanon"), and attribution squeezed into a
wrapper: "Report: X", "X: report", "X, officials say", "X - sources", "X (AP)". The tagger,
trained on article prose, finds nothing there or cuts a fragment out of it ("of Islamic State
head Abu"), so the outlet's main claim was lost. :func:`headline_claim` makes it:

* the headline is the document's first line when it carries no sentence-final full stop, or
  the whole text when the document is a single short line (a post);
* a wrapper is a short prefix before a colon/dash/bar, or a short tail after a comma, colon,
  dash, bar or in brackets, that holds a reporting word (report, sources, officials say, says,
  claims, according to ...) or is an agency's abbreviation (AP, DJ, AFP): the claim's content
  is the rest, its kind ``according_to`` (its speaker the wrapper's words). A short prefix with
  no reporting word ("India: ...", "EXCLUSIVE: ...") is a section or place label: left out of
  the content, kind unchanged;
* the content must state something (``crossdoc.slots.states_something``, or the headline forms
  "<subject> to <verb>", a dropped copula "<subject> a <noun>", a plural subject before a base
  verb "Farmers fear ..."); fragments ("Town's tallest chimney") make no claim;
* the tagger's own claims on the headline are kept when their content states something and
  covers most of the headline's words (a well-read "X says Y"), or when the line is a prose
  sentence (a one-line post ending in a full stop); otherwise they are replaced by the
  headline claim.

Hand-written because no library reads headline attribution conventions; every rule is a general
pattern over words and punctuation, nothing names an outlet or a story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimtrace.model import Claim

__all__ = ["headline_claim", "headline_probe", "headline_span", "headline_states", "merge_headline_claim"]

_WORD = re.compile(r"\w+")
#: words that make a wrapper an attribution
_REPORTING = re.compile(
    r"\b(?:reports?|reported|reporting|says?|said|claims?|claimed|sources?|officials?|police|"
    r"according|insiders?|rumou?rs?|rumou?red|alleges?|alleged|suggests?|confirms?|confirmed|"
    r"denies|denied|tweets?|tweeted|announces?|announced|media|spokes(?:man|woman|person))\b",
    re.IGNORECASE,
)
_AGENCY = re.compile(r"^[A-Z]{2,5}$")
_PREFIX = re.compile(r"^\s*([^:|–—]{1,40}?)\s*(?::|\||\s[-–—]\s)\s*")
_TAIL = re.compile(r"(?:,|:|\s[-–—]\s|\|)\s*([^,:|–—]{1,48}?)\s*\W*$")
_BRACKET_TAIL = re.compile(r"\s*[(\[]([^()\[\]]{1,40})[)\]]\s*\W*$")
_TO_VERB = re.compile(r"\b\w{2,}\s+to\s+[a-z]{2,}\b", re.IGNORECASE)
_MAX_WORDS = 40
#: irregular past forms and participles headlines use bare ("Batmobile stolen", "men cut off")
_IRREGULAR = frozenset(
    "cut hit hurt shot stolen eaten beaten bitten found held caught taken given thrown sold "  # noqa: SIM905
    "bought built kept lost made paid sent spent won written hidden frozen broken chosen driven "
    "fallen shown sworn torn sunk hung struck fled seized freed dead ate ran went came gave "
    "took saw got fell grew flew knew wore bit rose spoke stole broke chose drove froze swore "
    "woke".split()
)
_SUBJECT_PRONOUNS = frozenset(["i", "we", "they", "you", "he", "she"])
_FUNCTION = frozenset(
    "the a an of to in on at by for with from and or but as this that these those its their his "  # noqa: SIM905
    "her is are was were be it they he she we you i not no new".split()
)


def headline_span(text: str) -> tuple[int, int] | None:
    """(start, end) of the document's headline line, or None when it has none."""
    s = len(text) - len(text.lstrip())
    nl = text.find("\n", s)
    e = len(text) if nl < 0 else nl
    while e > s and text[e - 1].isspace():
        e -= 1
    if e <= s:
        return None
    line = text[s:e]
    if len(_WORD.findall(line)) > _MAX_WORDS:
        return None
    one_line = not text[e:].strip()
    if not one_line and line.rstrip("\"'”’»)").endswith((".", "!")):
        return None  # a body sentence, not a headline
    return s, e


def _is_wrapper(words: str, *, tail: bool = False) -> bool:
    """A short attribution: a reporting word (in a tail: among its last two words or opening
    it, "officials say", "report", "according to X"), or an agency's abbreviation."""
    toks = _WORD.findall(words)
    if not toks or len(toks) > 6:
        return False
    if len(toks) == 1 and _AGENCY.match(toks[0]):
        return True
    if not tail:
        return len(toks) <= 4 and bool(_REPORTING.search(words))
    return any(_REPORTING.fullmatch(t) for t in (*toks[-2:], toks[0]))


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in "\"'“”‘’,:;|-–—"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in "\"'“”‘’,:;|-–—.!?"):
        e -= 1
    return s, e


def _unwrap(text: str, s: int, e: int) -> tuple[int, int, tuple[int, int] | None]:
    """Content span of the headline ``text[s:e]`` and the span of its attribution wrapper."""
    wrapper: tuple[int, int] | None = None
    line = text[s:e]
    m = _PREFIX.match(line)
    if m and len(_WORD.findall(m.group(1))) <= 4 and len(_WORD.findall(line[m.end() :])) >= 3:
        if _is_wrapper(m.group(1)):
            wrapper = (s + m.start(1), s + m.end(1))
        s = s + m.end()
    for pattern in (_BRACKET_TAIL, _TAIL):
        line = text[s:e]
        t = pattern.search(line)
        if t and _is_wrapper(t.group(1), tail=True) and len(_WORD.findall(line[: t.start()])) >= 3:
            wrapper = wrapper or (s + t.start(1), s + t.end(1))
            e = s + t.start()
            break
    s, e = _strip_span(text, s, e)
    return s, e, wrapper


def headline_states(content: str) -> bool:
    """A statement by the prose test, or by the headline forms: "X to <verb>", a present or
    progressive verb inside the line ("ringtone saves man", "guards now patrolling"), a bare
    irregular past or participle ("Batmobile stolen", "X dead")."""
    from claimtrace.crossdoc.slots import states_something

    if states_something(content):
        return True
    words = [w.lower() for w in _WORD.findall(content)]
    if len([w for w in words if len(w) >= 3 and w.isalpha() and w not in _FUNCTION]) < 3:
        return False
    if _TO_VERB.search(content):
        return True
    for i, w in enumerate(words[1:-1], start=1):
        if words[i - 1] in _SUBJECT_PRONOUNS or w == "not":
            return True  # "I wear ...", "explosion not a meteorite"
        if words[i - 1] in _FUNCTION:
            continue
        if w in ("a", "an"):
            return True  # the headline's dropped copula: "pilot a suspect", "lake likely a hoax"
        if _plural_subject(words[i - 1]) and _base_verb(w):
            return True  # "Farmers fear ...", "Police identify ..."
        if len(w) >= 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")) and w.isalpha():
            return True
        if len(w) >= 5 and w.endswith("ing"):
            return True
    return any(w in _IRREGULAR for w in words[1:])


def _plural_subject(word: str) -> bool:
    """A plural noun that can head a headline's subject ("Kurds", "users", "police")."""
    if word in ("police", "people"):
        return True
    return len(word) >= 4 and word.isalpha() and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _base_verb(word: str) -> bool:
    """A verb in its base (plural present) form, by lemminflect's dictionary."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word).get("VERB")
    return bool(lemmas) and word in lemmas and word not in _FUNCTION


def headline_claim(text: str) -> Claim | None:
    """The claim of the document's headline (see the module docstring), or None."""
    span = headline_span(text)
    if span is None:
        return None
    hs, he = span
    cs, ce, wrapper = _unwrap(text, hs, he)
    if ce <= cs or not headline_states(text[cs:ce]):
        return None
    if wrapper is None:
        return Claim(start=hs, end=he, content_start=cs, content_end=ce, kind="unattributed")
    ws, we = wrapper
    return Claim(
        start=hs,
        end=he,
        content_start=cs,
        content_end=ce,
        kind="according_to",
        speaker_text=text[ws:we],
        speaker_start=ws,
        speaker_end=we,
        cue=text[ws:we],
        cue_start=ws,
        cue_end=we,
    )


def headline_probe(text: str, *, min_content: int = 3) -> Claim | None:
    """The whole headline of a one-line document as a claim that may only *join* a narrative.

    For a headline that makes no claim of its own (:func:`headline_claim` found none): a question
    ("Did X happen?", "X: real or hoax?") or a noun phrase about a claim ("Possible audio tape of
    the shooting"). It holds ``min_content`` content words or more (names, nouns, verbs: not
    function words); its content is the whole line (less an attribution wrapper), kind
    ``unattributed``. Shorter lines ("Giant crab", "Ghost ship") are labels, not probes. Only a
    document that is a single line qualifies: an article's headline is read with its body.
    """
    span = headline_span(text)
    if span is None or text[span[1] :].strip():
        return None
    hs, he = span
    cs, ce, wrapper = _unwrap(text, hs, he)
    if wrapper is None:  # a section label ("Rumour: ...") is part of what the line is about
        cs, ce = _strip_span(text, hs, he)
    words = [w.lower() for w in _WORD.findall(text[cs:ce])]
    if len([w for w in words if len(w) >= 3 and w.isalpha() and w not in _FUNCTION]) < min_content:
        return None
    return Claim(start=hs, end=he, content_start=cs, content_end=ce, kind="unattributed")


def _covers(text: str, claim: Claim, head: Claim) -> bool:
    """The tagger's claim reads the headline well: a statement holding most of its words."""
    from claimtrace.crossdoc.slots import states_something

    mine = text[claim.content_start : claim.content_end]
    n_head = len(_WORD.findall(text[head.content_start : head.content_end]))
    return states_something(mine, cue=claim.cue) and len(_WORD.findall(mine)) >= 0.6 * n_head


def merge_headline_claim(
    text: str, claims: Sequence[Claim], *, hedges: list[str] | None = None
) -> list[Claim]:
    """``claims`` with the headline's claim added, replacing the tagger's poor readings of it."""
    head = headline_claim(text)
    if head is None:
        return list(claims)
    on_head = [c for c in claims if c.start < head.end and c.content_start < head.end]
    if on_head and text[head.start : head.end].rstrip("\"'”’»)").endswith((".", "!")):
        return list(claims)  # a one-line post written as prose: the tagger reads prose well
    if head.kind == "unattributed" and any(_covers(text, c, head) for c in on_head):
        return list(claims)
    head.hedges = list(hedges or [])
    dropped = {id(c) for c in on_head}
    rest = [c for c in claims if id(c) not in dropped]
    return sorted([head, *rest], key=lambda c: (c.start, c.content_start))
