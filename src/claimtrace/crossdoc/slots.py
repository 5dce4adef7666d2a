"""Slot extraction from one claim: who does what to whom, where, how many, and who says so.

The narrative stage compares claims by these slots and the mutation log (``mutations.py``)
follows how their values change over time. Slots, all read from the claim's content span
and the mentions/quantities the per-document stages found there:

* ``actor``: the entity doing the action, the subject at the head of the content
  ("the US continues to use ...", "US forces had trained ..."); a content opening with a
  possessive pronoun ("its operatives foiled ...") resolves to the speaker.
* ``action``: a crude stem of the first verb after the actor ("is actively recruiting" ->
  ``recruit``); used for similarity, not logged.
* ``target``: where or at whom the action is aimed: the noun phrase of a prepositional phrase
  after a purpose/transfer/attack word ("for transfer to Ukraine", "attacks on military
  facilities in Syria and Iran", "aimed at ..."), as entity names when the phrase holds
  GPE/LOC/ORG mentions, else the bare noun phrase.
* ``place``: GPE/LOC mentions after a locative preposition (in, at, near, inside ...) that are
  neither actor nor target.
* ``quantity``: the numbers counted in the claim (ages, years and percentages left out).

The speaker is no slot: who repeats a claim is kept apart from what the claim says
(``Narrative.carried_by``); the normal form (``claim_form.py``) builds on these slots.

:func:`states_something` tells claims that assert something (a predicate and a few content
words) from fragments the attribution stage sometimes cuts out ("deploying to the battlefield
in X", "X's accusations of ..."); fragments neither found nor join narratives.

Every rule is a general pattern over words and entity types; nothing names a particular entity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from claimtrace.model import Claim, Entity, Mention, Quantity

__all__ = [
    "SLOT_NAMES",
    "ClaimSlots",
    "SlotValue",
    "content_mentions",
    "extract_slots",
    "named_speaker",
    "states_something",
    "stem",
]

#: slot names as logged in mutations (CONTRACT.md); ``time`` comes from ``claim_form``
SLOT_NAMES = ("quantity", "target", "actor", "place", "time")

_WORD = re.compile(r"[\w][\w'’-]*")

#: words that aim an action somewhere: purpose, transfer, attack, hostility
_TRIGGERS = re.compile(
    r"\b(?:transfer\w*|sen[dt]\w*|send|deploy\w*|dispatch\w*|redeploy\w*|ship(?:ped|ping|ment)?s?|"
    r"smuggl\w*|deliver\w*|suppl(?:y|ied|ies|ying)|export\w*|relocat\w*|mov(?:e|ed|ing)|"
    r"attack\w*|strik(?:e|es|ing)|struck|assault\w*|bomb\w*|hostilit\w*|sabotage\w*|"
    r"operations?|actions?|raids?|offensive|invasion|invad\w*|war|fight(?:s|ing)?|"
    r"aim(?:ed|ing|s)?|direct(?:ed|ing)|target(?:s|ed|ing)?|destabili[sz]\w*|infiltrat\w*|"
    r"threat(?:s|en|ened|ening)?|plot(?:s|ted|ting)?|deploy)\b",
    re.IGNORECASE,
)
#: trigger words whose object may come before the target ("sent 30 fighters to X")
_TRANSFER = re.compile(
    r"(?:transfer|sen[dt]|deploy|dispatch|redeploy|ship|smuggl|deliver|suppl|export|relocat|mov)",
    re.IGNORECASE,
)
_TARGET_PREPS = {"to", "in", "on", "into", "against", "inside", "at", "toward", "towards", "within", "onto"}
_LOC_PREPS = {"in", "at", "near", "inside", "within", "from", "across", "around", "outside"}
_STOP_NP = {
    "through",
    "via",
    "across",
    "near",
    "at",
    "into",
    "over",
    "under",
    "during",
    "against",
    "toward",
    "towards",
    "to",
    "for",
    "which",
    "that",
    "where",
    "who",
    "whom",
    "with",
    "before",
    "after",
    "while",
    "when",
    "by",
    "as",
    "if",
    "because",
    "since",
    "including",
    "in",
    "on",
    "from",
    "and",
    "or",
    "but",
    "said",
    "says",
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "has",
    "have",
    "had",
}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those"}
_NP_HEAD_OF = re.compile(
    r"^(?:the\s+)?(?:territory|territories|area|areas|region|regions|soil|land|lands)\s+of\s+", re.IGNORECASE
)
_POSSESSIVE_START = re.compile(r"^\W*(?:its|our|we|us|their own)\b", re.IGNORECASE)
_AUX = {
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "will",
    "would",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "must",
    "do",
    "does",
    "did",
    "not",
    "also",
    "still",
    "actively",
    "allegedly",
    "reportedly",
    "long",
    "since",
    "already",
    "now",
    "then",
    "continues",
    "continue",
    "continued",
    "to",
    "again",
    "once",
    "further",
    "repeatedly",
    "secretly",
    "openly",
    "indeed",
    "even",
    "just",
    "currently",
    "recently",
    "never",
    "always",
}
_ACTOR_TYPES = {"PERSON", "ORG", "GPE"}
_PLACE_TYPES = {"GPE", "LOC"}
_TARGET_TYPES = {"GPE", "LOC", "ORG"}
_AGE_BEFORE = re.compile(r"\b(?:aged?|ages|age of|years? old)\W*$", re.IGNORECASE)
_NON_COUNT_ABOUT = re.compile(
    r"^(?:years?|yrs?|months?|days?|hours?|minutes?|seconds?|weeks?|old|age|percent|%|per ?cent|"
    r"km|kilomet(?:er|re)s?|miles?|met(?:er|re)s?|feet|foot|tons?|tonnes?|kg|kilograms?|degrees?|"
    r"dollars?|euros?|rubles?|roubles?|pounds?|usd|eur)\b",
    re.IGNORECASE,
)
#: counts given by a vague word only ("dozens", "hundreds"): their numeric value is a guess
_VAGUE = re.compile(
    r"^\D*\b(?:dozens?|hundreds|thousands|millions|several|scores|many|few|numerous)\b\D*$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class SlotValue:
    """One slot value found in a claim: ``key`` compares values, ``value`` is what is logged.

    ``text`` is the value as written where it says more than ``value`` (a quantity's
    approximation or range: "up to 200").
    """

    slot: str
    value: str | float
    key: str
    start: int
    end: int
    text: str | None = None


@dataclass(slots=True)
class ClaimSlots:
    """All slot values of one claim, plus the entity keys of its content (for clustering)."""

    values: list[SlotValue]
    entity_keys: frozenset[str]
    action: str | None

    def keys(self, slot: str) -> set[str]:
        """The comparison keys of one slot."""
        return {v.key for v in self.values if v.slot == slot}


def content_mentions(claim: Claim, mentions: Sequence[Mention]) -> list[Mention]:
    """Mentions lying inside the claim's content span, in text order."""
    lo, hi = claim.content_start, claim.content_end
    return sorted((m for m in mentions if m.start >= lo and m.end <= hi), key=lambda m: m.start)


_PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those"])


def named_speaker(text: str | None) -> bool:
    """Whether a speaker text without an entity names someone: a name, not a pronoun or "the statement"."""
    if not text:
        return False
    words = text.split()
    return words[0].lower() not in _PRONOUNS and words[0][:1].isupper() and words[0].lower() != "the"


def _display(key: str, fallback: str, entities: Mapping[str, Entity]) -> str:
    ent = entities.get(key)
    return ent.name if ent is not None else fallback


def stem(word: str, *, undouble: bool = True) -> str:
    """A crude lower-cased stem: one of -ing/-ed/-es/-s off and (``undouble``) a doubled final
    consonant undone ("planned" -> "plan", "kills" -> "kill"); for matching words, not display."""
    w = word.lower()
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if undouble and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiousl":  # "recruitt"/"plann" -> single
        w = w[:-1]
    return w


def _words(text: str, offset: int) -> list[tuple[str, int, int]]:
    return [(m.group(0), offset + m.start(), offset + m.end()) for m in _WORD.finditer(text)]


def _find_actor(claim: Claim, text: str, cms: list[Mention]) -> tuple[str | None, str | None, int, int]:
    """(key, surface, start, end) of the content's subject entity, if any."""
    lo = claim.content_start
    content = text[lo : claim.content_end]
    if _POSSESSIVE_START.match(content) and claim.speaker_key:
        return claim.speaker_key, claim.speaker_text or claim.speaker_key, lo, lo
    for m in cms:
        if m.type not in _ACTOR_TYPES:
            continue
        before = [w.lower() for w, _, _ in _words(text[lo : m.start], 0)]
        if len(before) > 4 or any(
            w in _TARGET_PREPS or w in _LOC_PREPS or w in {"of", "by", "for"} for w in before
        ):
            break
        return m.key, m.name, m.start, m.end
    return None, None, 0, 0


def _find_action(text: str, start: int, end: int) -> str | None:
    for word, _, _ in _words(text[start:end], start)[:8]:
        w = word.lower()
        if (
            w in _AUX
            or w in _DETERMINERS
            or not w.isalpha()
            or (w[0].isupper() and word[0].isupper() and False)
        ):
            continue
        if word[0].isupper():
            continue
        return stem(w)
    return None


def _np_after(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The bare noun phrase starting at ``start`` (up to 6 words, stops at punctuation/function words)."""
    out: list[tuple[str, int, int]] = []
    for word, ws, we in _words(text[start:end], start):
        gap = text[out[-1][2] : ws] if out else text[start:ws]
        if out and re.search(r"[,.;:()\"“”]", gap):
            break
        lw = word.lower()
        if lw in _STOP_NP and out:
            break
        if not out and lw in _DETERMINERS:
            continue
        out.append((word, ws, we))
        if len(out) >= 6:
            break
    while out and (
        out[-1][0].lower() in _STOP_NP or out[-1][0].lower() in _DETERMINERS or out[-1][0] == "of"
    ):
        out.pop()  # never end a phrase on a function word ("the port of")
    if not out:
        return None
    phrase = text[out[0][1] : out[-1][2]]
    phrase = _NP_HEAD_OF.sub("", phrase)
    phrase = re.sub(r"^(?:the|a|an|its|their)\s+", "", phrase, flags=re.IGNORECASE)
    return (phrase, out[0][1], out[-1][2]) if phrase else None


def _np_ok(text: str, np_start: int, np: tuple[str, int, int]) -> bool:
    """A bare noun phrase counts as a target when it is named or determined, not a verb or number."""
    first = np[0].split()[0]
    if not any(ch.isalpha() for ch in first) or first.lower().endswith("ing") or first.lower() in _AUX:
        return False
    lead = [w.lower() for w, _, _ in _words(text[np_start : np[1]], 0)]
    return first[0].isupper() or any(w in _DETERMINERS for w in lead)


def _find_targets(
    claim: Claim, text: str, cms: list[Mention], entities: Mapping[str, Entity]
) -> list[tuple[str, str, int, int]]:
    """(key, value, start, end) of the targets of the claim's actions."""
    lo, hi = claim.content_start, claim.content_end
    found: list[tuple[str, str, int, int]] = []
    seen: set[str] = set()
    for trig in _TRIGGERS.finditer(text, lo, hi):
        words = _words(text[trig.end() : min(hi, trig.end() + 160)], trig.end())
        prep_at = None
        # a transfer verb may have its object first: "shipped about 40 drones to X"
        transfer = _TRANSFER.match(trig.group(0)) is not None
        for i, (w, _ws, we) in enumerate(words[: 8 if transfer else 4]):
            if re.search(r"[.,;:()]", text[trig.end() : words[i][1]]):
                break
            ranged = w.lower() == "to" and i > 0 and words[i - 1][0][:1].isdigit()  # "aged 19 to 24"
            if w.lower() in _TARGET_PREPS and not ranged:
                prep_at = (i, we)
                break
            if transfer and w.lower() not in _STOP_NP:
                continue
            if not (w.lower().endswith("ly") or w.lower() in {"also", "now", "then", "even", "further"}):
                break
        if prep_at is None:
            continue
        i, np_start = prep_at
        # the phrase runs to the end of the clause (punctuation or a new clause word)
        stop = hi
        for w, ws, _we in words[i + 1 :]:
            if re.search(r"[.,;:()]", text[np_start:ws]) or w.lower() in {
                "which",
                "who",
                "where",
                "that",
                "before",
                "after",
                "while",
                "to",
                "for",
                "with",
                # a second prepositional phrase is not the target ("to X through the port of Y")
                "through",
                "via",
                "across",
                "from",
                "by",
            }:
                stop = ws
                break
        stop = min(stop, np_start + 120)
        in_phrase = [m for m in cms if m.start >= np_start and m.end <= stop and m.type in _TARGET_TYPES]
        if in_phrase:
            for m in in_phrase:
                if m.key not in seen:
                    seen.add(m.key)
                    found.append((m.key, _display(m.key, m.name, entities), m.start, m.end))
            continue
        np = _np_after(text, np_start, stop)
        if np is not None and _np_ok(text, np_start, np):
            key = "np:" + " ".join(np[0].lower().split())
            if key not in seen:
                seen.add(key)
                found.append((key, np[0], np[1], np[2]))
    return found


def _count_values(claim: Claim, text: str, quantities: Sequence[Quantity]) -> list[Quantity]:
    qs = list(claim.quantities) or [
        q for q in quantities if q.start >= claim.content_start and q.end <= claim.content_end
    ]
    out = []
    for q in qs:
        if q.value is None:
            continue
        if _AGE_BEFORE.search(text[max(0, q.start - 16) : q.start]):
            continue
        if q.about and _NON_COUNT_ABOUT.match(q.about.strip()):
            continue
        if "%" in q.text or "percent" in q.text.lower() or _VAGUE.match(q.text):
            continue
        if q.about is None and 1900 <= q.value <= 2100 and float(q.value).is_integer() and q.low is None:
            continue  # a year
        out.append(q)
    return out


def extract_slots(
    claim: Claim,
    *,
    text: str,
    mentions: Sequence[Mention],
    quantities: Sequence[Quantity] = (),
    entities: Mapping[str, Entity] | None = None,
) -> ClaimSlots:
    """Slot values of ``claim`` (a claim of the document whose body is ``text``)."""
    ents = entities or {}
    cms = content_mentions(claim, mentions)
    values: list[SlotValue] = []
    actor_key, actor_name, a_start, a_end = _find_actor(claim, text, cms)
    if actor_key is not None:
        values.append(
            SlotValue("actor", _display(actor_key, actor_name or actor_key, ents), actor_key, a_start, a_end)
        )
    action = _find_action(
        text, a_end if actor_key is not None and a_end > a_start else claim.content_start, claim.content_end
    )
    targets = _find_targets(claim, text, cms, ents)
    target_keys = {k for k, _, _, _ in targets}
    for key, value, start, end in targets:
        if key != actor_key:
            values.append(SlotValue("target", value, key, start, end))
    for m in cms:
        if m.type not in _PLACE_TYPES or m.key in target_keys or m.key == actor_key:
            continue
        before = [w.lower() for w, _, _ in _words(text[max(claim.content_start, m.start - 40) : m.start], 0)][
            -4:
        ]
        if any(w in _LOC_PREPS for w in before):
            values.append(SlotValue("place", _display(m.key, m.name, ents), m.key, m.start, m.end))
    for q in _count_values(claim, text, quantities):
        values.append(
            SlotValue(
                "quantity", float(q.value), f"{float(q.value):g}", q.start, q.end, " ".join(q.text.split())
            )
        )
    keys = frozenset(m.key for m in cms)
    return ClaimSlots(values=values, entity_keys=keys, action=action)


#: finite-verb signals: auxiliaries, copulas, modals, common irregular past forms
_FINITE = frozenset(
    """is are was were be been am has have had will would shall should can could may might must do
    does did isn't aren't wasn't weren't hasn't haven't hadn't won't wouldn't can't cannot couldn't
    doesn't don't didn't sent made took gave held led built brought fought struck began became left
    kept paid told said met got saw found won ran put set hit bought sold spent stood thought knew
    grew drew flew threw shot fled fell broke spoke stole chose wrote rose drove came went lost
    sought taught caught meant felt heard let read hid""".split()  # noqa: SIM905
)
#: "accused X of doing": the gerund after "of" is the predicate
_ACCUSE_CUE = re.compile(
    r"\b(?:accus|charg|suspect|blam|convict|indict|condemn|criticis|criticiz)", re.IGNORECASE
)
_FUNCTION = frozenset(
    """the a an of to in on at by for with from and or but as that this these those which who whom
    its their his her our your my it they them he she we you i not no so than then there here into
    onto over under about after before while when where also very more most some any all such""".split()  # noqa: SIM905
)
_SUBJECT_END = frozenset(["he", "she", "it", "who", "which", "that", "this", "one"])


def states_something(content: str, *, cue: str | None = None, mentions_end: Sequence[int] = ()) -> bool:
    """Whether a claim's content is a statement: at least 3 content words and a predicate.

    The predicate test is lexical (no tagger): an auxiliary, copula, modal or irregular past
    form; a regular past form (``-ed``) not directly after a determiner; a present form in
    ``-s`` right after a name or a subject pronoun ("Country Y trains", "which controls") or
    right before a determiner, "to" or a gerund ("keeps training", "arms the");
    or, under an accusation cue, a gerund after "of" ("accused X of recruiting ...").
    ``mentions_end`` are the end offsets (into ``content``) of entity mentions.
    """
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(content)]
    lowered = [w.lower().replace("’", "'") for w, _, _ in words]
    if sum(1 for w in lowered if w not in _FUNCTION and len(w) >= 3 and w.isalpha()) < 3:
        return False
    ends = set(mentions_end)
    for i, w in enumerate(lowered):
        if w in _FINITE:
            return True
        prev = lowered[i - 1] if i else ""
        if len(w) >= 5 and w.endswith("ed") and prev not in _DETERMINERS and prev not in {"of", "to"}:
            return True
        if (
            len(w) >= 4
            and w.endswith("s")
            and not w.endswith(("ss", "us", "is", "'s"))
            and i
            and not prev.endswith("'s")
            and (prev in _SUBJECT_END or words[i - 1][2] in ends or _is_capitalised(words[i - 1][0]))
        ):
            return True
        nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
        if (
            len(w) >= 4
            and w.endswith("s")
            and not w.endswith(("ss", "us", "is", "'s"))
            and (nxt in _DETERMINERS or nxt == "to" or (len(nxt) > 5 and nxt.endswith("ing")))
        ):
            return True  # "keeps training", "wants to", "arms the"
        if cue and prev == "of" and w.endswith("ing") and _ACCUSE_CUE.search(cue):
            return True
        if cue and i >= 2 and lowered[i - 2] == "of" and w.endswith("ing") and _ACCUSE_CUE.search(cue):
            return True  # "of actively recruiting"
    return False


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and word.lower() not in _FUNCTION
