"""A shallow chunker for English claims: tokens, word classes and the first finite verb group.

Written here because no offline library tags English well enough on this machine: spaCy 3.8
installs but no trained English pipeline is available offline, and NLTK's tagger and Stanza
download their models at run time. Part-of-speech *candidates* come from the ``lemminflect``
dictionary (which forms of a word can be verbs or nouns, their lemmas and inflections); the
chunker decides between them by position: a verb form after a subject (a name, a pronoun, a
noun) and not after a determiner or a preposition heads a predicate; auxiliaries, adverbs and
negation around it join the group; catenatives ("continues to use", "keeps training") give
the catenated verb. :func:`find_predicate` returns the first such group, :func:`has_finite_predicate`
whether there is one. Used by :mod:`claimtrace.crossdoc.claim_form`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "ADVERBS", "BE", "CATENATIVE", "CONJUNCTIONS", "CONTRACTED_NEG", "DANGLING", "DETERMINERS", "DO",
    "FINITE_AUX",
    "LEADING_BAD", "MODALS", "NEG", "NONFINITE_AUX", "OBJECT_STOP", "PLURAL_PRONOUNS", "PREPOSITIONS",
    "SUBJECT_PRONOUNS", "SUBORDINATORS", "Pred", "Tok", "capitalised", "find_predicate",
    "has_finite_predicate", "inflect", "is_adjective",
    "is_noun", "is_word", "tokens", "verb_form", "verb_lemma",
]  # fmt: skip

TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|[\w][\w'’.-]*[\w]|[\w]|[^\w\s]")

# -- word classes ------------------------------------------------------------------------------

BE = {"is", "are", "was", "were", "am", "'s", "’s", "'re", "’re"}
HAVE = {"has", "have", "had"}
DO = {"do", "does", "did"}
MODALS = {"will", "would", "shall", "should", "can", "could", "may", "might", "must", "cannot", "wo", "ca"}
FINITE_AUX = BE | HAVE | DO | MODALS
NONFINITE_AUX = {"be", "been", "being", "have", "having"}
NEG = {"not", "n't", "never", "no longer"}
CONTRACTED_NEG = re.compile(r"^(?P<aux>\w+?)(?:n['’]t)$", re.IGNORECASE)
DETERMINERS = {
    "the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "my", "your",
    "some", "any", "every", "each", "no", "such", "another", "other", "many", "several", "all", "both",
}  # fmt: skip
PREPOSITIONS = {
    "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "over", "under", "about",
    "against", "between", "through", "during", "after", "before", "since", "until", "within", "without",
    "across", "along", "among", "amid", "around", "near", "inside", "outside", "toward", "towards", "upon",
    "via", "per", "despite", "like", "unlike", "behind", "beyond", "off", "than",
}  # fmt: skip
SUBORDINATORS = {
    "that", "whether", "if", "because", "although", "though", "while", "whereas", "unless", "since", "as",
    "when", "where", "which", "who", "whom", "whose", "how", "why", "what", "so",
}  # fmt: skip
CONJUNCTIONS = {"and", "or", "but", "nor", "yet", "so", "plus"}
SUBJECT_PRONOUNS = {"i", "we", "you", "he", "she", "it", "they", "who", "which", "that", "this", "there"}
PLURAL_PRONOUNS = {"i", "we", "you", "they"}
OBJECT_STOP = PREPOSITIONS - {"of"} | SUBORDINATORS | CONJUNCTIONS | {"to"}
#: words a label may not end with (it would be cut mid-phrase)
DANGLING = (
    DETERMINERS - {"all", "both", "many", "several", "other", "some", "any", "this", "that", "these", "those"}
) | PREPOSITIONS | CONJUNCTIONS | FINITE_AUX | NONFINITE_AUX | {
    "to", "that", "which", "who", "whom", "whose", "whether", "if", "because", "although", "while", "as",
    "not", "very", "more", "most", "less", "also", "even", "just", "only", "its", "their", "his", "her",
    "where", "when", "why", "how", "what", "than", "though", "that's", "it's", "there's", "who's", "much",
}  # fmt: skip
LEADING_BAD = PREPOSITIONS | SUBORDINATORS - {
    "this",
    "there",
    "what",
    "who",
    "how",
    "why",
    "where",
    "when",
}
#: adverbs that sit inside or before a verb group
ADVERBS = {"also", "still", "already", "now", "even", "just", "again", "further", "long", "then", "ever"}
CATENATIVE = {
    "continue",
    "keep",
    "start",
    "begin",
    "try",
    "plan",
    "seek",
    "want",
    "intend",
    "attempt",
    "aim",
}

# -- the lexicon (lemminflect) -----------------------------------------------------------------


@lru_cache(maxsize=65536)
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    from lemminflect import getAllLemmas

    return dict(getAllLemmas(word))


def verb_lemma(word: str) -> str | None:
    w = word.lower()
    got = _lemmas(w).get("VERB") or _lemmas(w).get("AUX")
    return got[0] if got else None


def is_adjective(word: str) -> bool:
    """Whether ``word`` is an adjective and neither a noun nor a verb form."""
    got = _lemmas(word.lower())
    return bool(got.get("ADJ")) and not got.get("NOUN") and not got.get("VERB")


def is_noun(word: str) -> bool:
    return bool(_lemmas(word.lower()).get("NOUN") or _lemmas(word.lower()).get("PROPN"))


@lru_cache(maxsize=16384)
def inflect(lemma: str, tag: str) -> str:
    from lemminflect import getInflection

    got = getInflection(lemma, tag=tag)
    return got[0] if got else lemma


# -- tokens ------------------------------------------------------------------------------------


class Tok(NamedTuple):
    """One token: its text, offsets and a lower-cased form with straight apostrophes."""

    text: str
    start: int
    end: int
    low: str


def tokens(text: str, offset: int = 0) -> list[Tok]:
    """The tokens of ``text`` (words, numbers with thousands separators, punctuation marks)."""
    return [
        Tok(w, offset + m.start(), offset + m.end(), w.lower().replace("’", "'"))
        for m in TOKEN.finditer(text)
        for w in (m.group(0),)
    ]


def is_word(t: Tok) -> bool:
    return t.text[:1].isalnum()


def capitalised(t: Tok) -> bool:
    return t.text[:1].isupper() and t.low not in DETERMINERS | PREPOSITIONS | SUBORDINATORS


def verb_form(tok: Tok) -> str | None:
    """'VBZ' / 'VBD' / 'VBG' / 'VB' when the word can be a verb form, else None."""
    w = tok.low
    lemma = verb_lemma(w)
    if lemma is None:
        return None
    if w.endswith("ing") and lemma != w:
        return "VBG"
    if w == lemma:
        return "VB"
    if w.endswith("s") and inflect(lemma, "VBZ") == w:
        return "VBZ"
    return "VBD"


@dataclass(frozen=True, slots=True)
class Pred:
    """A verb group: tokens ``i``..``j`` (inclusive), its main verb at ``main``."""

    i: int
    j: int
    main: int
    lemma: str
    negated: bool
    modal: str | None


def _subject_like(toks: Sequence[Tok], i: int) -> bool:
    """Whether the token before ``i`` can end a subject (a name, a pronoun, a noun, a closing quote)."""
    while i >= 2 and (toks[i - 1].low in ADVERBS or _adverb(toks[i - 1].low)):
        i -= 1  # "The Treasury immediately responded"
    if i == 0:
        return False
    p = toks[i - 1]
    if p.low.endswith(("'s", "’s")) and len(p.low) > 2:
        return False  # "Ukraine's partners": a noun after a possessive
    if p.low in DETERMINERS - {"this", "that", "these", "those"} or p.low in PREPOSITIONS:
        return False
    if p.low in SUBJECT_PRONOUNS or p.low in {"these", "those"}:
        return True
    if p.text in {"”", '"', "’", ")", "'"}:
        return True
    if p.text == "," and i >= 2 and capitalised(toks[i - 2]) and not is_noun(toks[i].low):
        return True  # the verb after an appositive name: "Pu'er, southwest China, embodies"
    if not is_word(p):
        return False
    if p.text[:1].isdigit():
        return True
    if capitalised(p):  # a name; a capitalised first word only if it can be a noun or is unknown
        return i - 1 > 0 or is_noun(p.low) or not _lemmas(p.low)
    return is_noun(p.low) and verb_form(p) not in {"VBZ", "VBD"}


def _adverb(w: str) -> bool:
    got = _lemmas(w)
    if got.get("NOUN") or got.get("VERB"):
        return False
    return bool(got.get("ADV")) or w.endswith("ly")


def _plural_noun(t: Tok) -> bool:
    w = t.low
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) and is_noun(w)


def find_predicate(toks: Sequence[Tok], start: int = 0) -> Pred | None:
    """The first finite verb group at or after ``start``."""
    n = len(toks)
    title_case: bool | None = None  # decided on the first capitalised word met
    for i in range(start, n):
        t = toks[i]
        w = t.low
        contracted = CONTRACTED_NEG.match(w)
        aux = w in FINITE_AUX or (
            contracted is not None and contracted.group("aux") in FINITE_AUX | {"ca", "wo"}
        )
        if w in {"'s", "’s"} and not (
            i + 1 < n and (verb_form(toks[i + 1]) in {"VBG", "VBD"} or toks[i + 1].low in NEG)
        ):
            continue  # a possessive
        if i >= 2 and toks[i - 1].low in {"who", "which"} and toks[i - 2].text == ",":
            continue  # the verb of a relative clause (", who specialises in"): not the main predicate
        if aux:
            return _extend(toks, i)
        if i and t.text[:1].isupper():
            if title_case is None:
                words = [x for x in toks if x.text[:1].isalpha()]
                title_case = len(words) >= 3 and sum(x.text[:1].isupper() for x in words) >= 0.7 * len(words)
            if not title_case:
                continue  # a capitalised word inside a sentence is part of a name ("Tea Forests")
        form = verb_form(t)
        if form in {"VBZ", "VBD"} and _subject_like(toks, i):
            nxt = toks[i + 1].low if i + 1 < n else ""
            if form == "VBD" and i >= 1 and toks[i - 1].low in DETERMINERS:
                continue
            if nxt == "of" and (is_noun(w) or (i + 2 < n and verb_form(toks[i + 2]) == "VBG")):
                continue  # "forces of training", "channels of": a noun
            if form == "VBZ" and is_noun(w) and (i + 1 == n or not is_word(toks[i + 1])):
                continue  # "The Net Zero targets": a plural noun closing the phrase
            return _extend(toks, i)
        if form == "VB" and i >= 1 and toks[i - 1].low in PLURAL_PRONOUNS:
            return _extend(toks, i)
        if form == "VB" and i >= 1 and _plural_noun(toks[i - 1]) and _subject_like(toks, i):
            nxt = toks[i + 1].low if i + 1 < n else ""
            if nxt and (nxt in DETERMINERS or nxt in PREPOSITIONS or nxt == "to" or capitalised(toks[i + 1])):
                return _extend(toks, i)  # "traces lead to", "the rebels train the"
    return None


def _extend(toks: Sequence[Tok], i: int) -> Pred:
    """The verb group starting at ``i``: auxiliaries, adverbs, negation, the main verb."""
    n = len(toks)
    j = i
    main = i
    negated = False
    modal = toks[i].low if toks[i].low in MODALS else None
    contracted = CONTRACTED_NEG.match(toks[i].low)
    if contracted is not None:
        negated = True
        modal = contracted.group("aux") if contracted.group("aux") in MODALS | {"ca", "wo"} else modal
    k = i + 1
    while k < n:
        w = toks[k].low
        if w in NEG or w == "n't":
            negated = True
        elif w in NONFINITE_AUX or w in ADVERBS or _adverb(w):
            pass
        else:
            form = verb_form(toks[k])
            if form in {"VBG", "VBD", "VB"} and not (form == "VB" and toks[main].low in BE):
                main = k
                j = k
                k += 1
                # "continues to use", "keeps training": the catenated verb is the predicate
                lemma = verb_lemma(toks[main].low) or ""
                if (
                    lemma in CATENATIVE
                    and k + 1 < n
                    and toks[k].low == "to"
                    and verb_form(toks[k + 1]) == "VB"
                ):
                    main = j = k + 1
                elif lemma in CATENATIVE and k < n and verb_form(toks[k]) == "VBG":
                    main = j = k
                break
            break
        j = k
        k += 1
    if main == i:
        lemma0 = verb_lemma(toks[i].low) or ""
        if lemma0 in CATENATIVE and i + 2 < n and toks[i + 1].low == "to" and verb_form(toks[i + 2]) == "VB":
            main = j = i + 2
        elif lemma0 in CATENATIVE and i + 1 < n and verb_form(toks[i + 1]) == "VBG":
            main = j = i + 1
    w = toks[main].low
    cm = CONTRACTED_NEG.match(w)
    lemma = verb_lemma(cm.group("aux") if cm else w) or w
    if w in {"'s", "’s"}:
        lemma = "be"
    return Pred(i, max(j, main), main, lemma, negated, modal)


def has_finite_predicate(text: str) -> bool:
    """Whether ``text`` holds a finite verb group (the shallow chunker's reading)."""
    return find_predicate(tokens(text)) is not None
