"""The normal form of one claim: who does what to whom, where, when, how many, and how it is said.

Public functions (stable; the narrative stage, its labels, mutation logs and the export use them):

* :func:`claim_form` -> :class:`ClaimForm`: the form of a claim read from its content span, the
  entity mentions and the quantities the per-document stages found there: ``actor`` (+ entity
  key), ``predicate`` (a verb lemma), ``object``, ``targets``, ``places``, ``quantities``,
  ``time``, ``negated``, ``denial`` and ``modality`` (``hedged`` / ``conditional`` /
  ``question`` / None), plus ``statement``: the claim as one short affirmative sentence;
* :meth:`ClaimForm.slot_values`: the values a mutation log follows (``quantity``, ``target``,
  ``actor``, ``place``, ``time``); :meth:`ClaimForm.record`: the ``form`` object of the export;
* :func:`core_clause`: the claim proper inside a content span, reporting frames removed;
* :func:`canonical_statement`: one short affirmative sentence (the narrative label's text);
* :func:`is_fragment` / :func:`fragment_reason`: the check a label must pass (no finite predicate,
  opening with a preposition or complementiser, ending in an ellipsis or a dangling word);
  :func:`has_finite_predicate`: the predicate half of it.

Reported claims keep their attribution apart: in "Report: X", "X, officials say" or
"It is estimated that X" the form describes X, and the speaker is not the actor unless X says so
("we", "our", or a subject pronoun heading an indirect claim of a named speaker: "X said it
would ..."). A denial ("X denies that it trains ...", a claim under a *deny* cue) is the claim it
denies with ``denial=True``: the statement is affirmative ("X trains ...") and the denier is not
logged as a new actor.

Parsing is the shallow chunker of :mod:`claimtrace.crossdoc.chunker` (hand-written: no offline
library parses English here; its docstring says why) plus the frame patterns below. The
statement is the claim's own words with reporting frames, negation and trailing modifiers
removed; words the chunker does not understand are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from claimtrace.crossdoc.chunker import (
    CONTRACTED_NEG,
    DANGLING,
    DO,
    LEADING_BAD,
    NEG,
    OBJECT_STOP,
    PLURAL_PRONOUNS,
    PREPOSITIONS,
    SUBJECT_PRONOUNS,
    SUBORDINATORS,
    Pred,
    Tok,
    capitalised,
    find_predicate,
    has_finite_predicate,
    inflect,
    is_adjective,
    is_noun,
    is_word,
    tokens,
    verb_form,
    verb_lemma,
)
from claimtrace.crossdoc.slots import SLOT_NAMES, ClaimSlots, SlotValue, extract_slots
from claimtrace.model import Claim, Entity, Mention, Quantity

__all__ = [
    "ClaimForm",
    "canonical_statement",
    "claim_form",
    "core_clause",
    "fragment_reason",
    "has_finite_predicate",
    "is_fragment",
]

_SLOT_ORDER = {slot: i for i, slot in enumerate(SLOT_NAMES)}
_DENY = {"deny", "reject", "refute", "dismiss", "debunk", "disprove", "rebut", "dispute"}
#: hedging adverbs (modal verbs hedge through the predicate: ``Pred.modal``)
_HEDGE_WORDS = {
    "allegedly", "reportedly", "purportedly", "supposedly", "apparently", "possibly", "probably", "perhaps",
    "likely", "seemingly",
}  # fmt: skip

# -- reporting frames around the claim proper --------------------------------------------------

_SAY = (
    r"(?:say|says|said|saying|claim|claims|claimed|report|reports|reported|allege|alleges|alleged|"
    r"believe|believes|believed|suggest|suggests|suggested|add|adds|added|note|notes|noted|insist|insists|"
    r"insisted|write|writes|wrote|state|states|stated|warn|warns|warned|argue|argues|argued|confirm|"
    r"confirms|confirmed|tell|tells|told|show|shows|showed|indicate|indicates|indicated)"
)
_WEEKDAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_LEAD_FRAMES = [
    # a headline label: "Report: X", "EXCLUSIVE - X", "Watch: X"
    re.compile(r"^(?:[A-Z][\w’']*(?:\s+[A-Z][\w’']*){0,2})\s*[:|–—-]\s+(?=\S)"),
    # "It is estimated that", "It has been reported that"
    re.compile(
        r"^it(?:\s+is|\s+was|['’]s|\s+has\s+been|\s+had\s+been)\s+(?:\w+ly\s+)?(?:estimated|believed|reported|"
        r"claimed|alleged|said|known|thought|feared|understood|expected|suspected|rumou?red|clear|true)"
        r"(?:\s+that)?\s+",
        re.IGNORECASE,
    ),
    # "Media reports that", "Sources say", "Officials believe that"
    re.compile(rf"^(?:the\s+)?(?:media|news|press)\s+{_SAY}\s+(?:that\s+)?", re.IGNORECASE),
    re.compile(
        rf"^(?:(?:the\s+)?(?:media|news|press|intelligence)\s+)?(?:reports?|sources?|officials?|analysts?|"
        rf"experts?|observers?|critics?|data|documents?|studies|study|evidence)\s+{_SAY}(?:\s+that)?\s+",
        re.IGNORECASE,
    ),
    # a dateline: "BEIJING, Sept. 17 (Xinhua) -- ", "KYIV (Reuters) - "
    re.compile(
        r"^[A-Z][A-Z .'-]{2,30}(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^()]{1,30}\))?\s*(?:--|[-–—])\s+"
    ),
    # a day left over from "said Monday that ...", "said on 4 March that ..."
    re.compile(
        rf"^(?:on\s+)?(?:{_WEEKDAY}|\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}})(?:\s+that)?\s+(?=[a-z])"
    ),
    # "Relk said (that)", "Officials told reporters": a speaker frame left inside the content
    re.compile(
        r"^(?:[A-Z][\w’'.-]*\s+){1,3}(?:said|says|told\s+\w+|claimed|claims|added|stated|insisted)"
        r"(?:\s+that)?\s+(?=\w)"
    ),
    # "it is that X" (left from "how it is that X")
    re.compile(r"^it(?:\s+is|['’]s)\s+(?:that|because)\s+", re.IGNORECASE),
    # "According to X, ..."
    re.compile(r"^according\s+to\s+[^,]{1,80},\s+", re.IGNORECASE),
    # discourse openers
    re.compile(
        r"^(?:and|but|also|even so|additionally|however|moreover|meanwhile|furthermore|in fact|indeed|"
        r"besides|in addition|notably|in other words)\b,?\s+",
        re.IGNORECASE,
    ),
    # openers that are adverbs of the clause unless a comma sets them off ("Now is the time")
    re.compile(r"^(?:yet|so|still|now|then|thus|therefore|instead|again),\s+", re.IGNORECASE),
    # a date left over from "said on February 8, 2023 that ..."
    re.compile(r"^(?:[A-Z][a-z]+\.?\s+)?\d{1,2},?\s+(?:19|20)\d{2}(?:\s+that)?\s+"),
    # a dangling complementiser or preposition left by the attribution stage
    re.compile(
        r"^(?:that|of|to|about|how(?:\s+(?:long|much|many|far|often|soon))?|whether|on|for|with|as)\s+", re.I
    ),
]
#: a leading adverbial or subordinate clause closed by a comma ("Since X, the EU has ...")
_LEAD_CLAUSE = re.compile(
    r"^(?:since|while|although|though|even though|as|after|before|when|once|if|unless|because|despite|"
    r"in|on|at|during|following|amid|with|by|for|under|unlike|like|over|last|this|earlier|later|"
    r"on\s+\w+day|in\s+\d{4}|back in|ever since|just|until|to|\w+ing)\b[^,;:]{0,140},\s+",
    re.IGNORECASE,
)
_SUBORDINATE = re.compile(
    r"^(?:since|while|although|though|even though|as|after|before|when|once|if|unless|because|to|\w+ing)\b",
    re.IGNORECASE,
)
_TRAIL_FRAMES = [
    re.compile(
        rf",\s+(?:[^,;:]{{1,70}}?\s+)?{_SAY}(?:\s+(?:on\s+)?\w+day|\s+(?:in|to|on)\s+[^,;:]{{1,40}})?\W*$"
    ),
    re.compile(r",?\s+according\s+to\s+[^,;:]{1,80}\W*$", re.IGNORECASE),
    re.compile(
        r",?\s+(?:he|she|they|it|officials?|sources?)\s+(?:say|says|said|added|claimed)\W*$", re.IGNORECASE
    ),
]
_DEBUNK_FRAME = re.compile(
    r"^(?:there\s+(?:is|was|has\s+been)\s+no\s+(?:evidence|proof|indication|sign)|it\s+is\s+(?:false|untrue|"
    r"not\s+true)|(?:the\s+)?(?:claims?|allegations?|reports?|rumou?rs?)\s+(?:is|are|was|were)\s+(?:false|"
    r"baseless|unfounded))\s+(?:that\s+)?",
    re.IGNORECASE,
)
_NOMINAL_FRAME = re.compile(
    r"^(?:[^,;:]{0,60}?\s+)?(?:claims?|allegations?|accusations?|reports?|rumou?rs?|suggestions?|assertions?|"
    r"charges?|narratives?|notion|idea|theory)\s+that\s+",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(?:(?:in|since|by|until|from|during|before|after)\s+(?:(?:early|mid|late)[\s-]+)?(?:(?:January|February|"
    r"March|April|May|June|July|August|September|October|November|December)\s+)?(?:19|20)\d{2}|"
    r"(?:on\s+)?(?:\d{1,2}\s+)?(?:January|February|March|April|June|July|August|September|October|November|"
    r"December)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d{2})?|(?:last|this|next|earlier\s+this|"
    r"late\s+last)\s+(?:week|month|year|spring|summer|autumn|fall|winter|weekend)|yesterday|today|tonight|"
    r"on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b"
)
_QUESTION_START = re.compile(
    r"^(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|who|what|why|how|when|where)\b",
    re.IGNORECASE,
)


# -- the core clause ---------------------------------------------------------------------------


def core_clause(text: str) -> tuple[int, int, bool, bool]:
    """``(start, end, denial, conditional)``: the claim proper inside ``text`` (offsets into it).

    Strips headline labels ("Report: "), reporting frames ("It is estimated that", "X, officials
    say", "according to X"), discourse openers, a leading adverbial clause closed by a comma, a
    dangling complementiser, and debunking or nominal frames ("There is no evidence that X",
    "claims that X": ``denial`` is True for the former).
    """
    start, end = 0, len(text)
    while start < end and text[start] in " \t\n\"“”‘’'«»(":
        start += 1
    denial = conditional = False
    for _ in range(8):
        rest = text[start:end]
        m = _DEBUNK_FRAME.match(rest)
        if m is not None:
            denial = True
        if m is None:
            m = _LEAD_CLAUSE.match(rest)
            if m is not None:
                # a phrase before the comma has no verb of its own ("This brings us to X, ..." stays)
                own = not _SUBORDINATE.match(rest) and has_finite_predicate(m.group(0).rstrip(", "))
                if own or not has_finite_predicate(rest[m.end() :]):
                    m = None
                elif rest[:6].lower().startswith(("if ", "unless")):
                    conditional = True
        if m is None:
            m = next((f.match(rest) for f in _LEAD_FRAMES if f.match(rest)), None)
        if m is None:
            m = _NOMINAL_FRAME.match(rest)
            if m is not None and not has_finite_predicate(rest[m.end() :]):
                m = None
        if m is None or m.end() >= len(rest):
            break
        start += m.end()
    for _ in range(2):
        tail = max(start, end - 140)  # frames close the text: look at its end only
        rest = text[tail:end]
        for f in _TRAIL_FRAMES:
            m = f.search(rest)
            if (
                m is not None
                and tail + m.start() > start
                and has_finite_predicate(text[start : tail + m.start()])
            ):
                # never strip the only predicate ("the harvest was a record, Grainco said")
                end = tail + m.start()
                break
    while end > start and text[end - 1] in " \t\n.\"“”‘’'»)":
        end -= 1
    return start, end, denial, conditional


# -- the form ----------------------------------------------------------------------------------


@dataclass(slots=True)
class ClaimForm:
    """The normal form of one claim (see the module docstring)."""

    actor: str | None = None
    actor_key: str | None = None
    predicate: str | None = None
    object: str | None = None
    targets: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    time: str | None = None
    negated: bool = False
    denial: bool = False
    modality: str | None = None
    statement: str = ""
    values: list[SlotValue] = field(default_factory=list)

    def slot_values(self) -> list[SlotValue]:
        """Mutation-log values: quantity, target, actor (not for a denial), place, time."""
        return [v for v in self.values if not (v.slot == "actor" and self.denial)]

    def record(self, *, entity_of: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The ``form`` object of an exported claim (``entity_of``: entity key -> entity id)."""
        ids = entity_of or {}
        return {
            "actor": self.actor,
            "actor_entity": ids.get(self.actor_key) if self.actor_key else None,
            "predicate": self.predicate,
            "object": self.object,
            "target": list(self.targets),
            "place": list(self.places),
            "quantity": [
                {
                    "text": " ".join(q.text.split()),
                    "value": float(q.value),
                    "low": q.low,
                    "high": q.high,
                    "approx": bool(q.approx),
                }
                for q in self.quantities
            ],
            "time": self.time,
            "negated": self.negated,
            "denial": self.denial,
            "modality": self.modality,
            "statement": self.statement,
        }


def _quantity_key(q: Quantity) -> str:
    lo = "" if q.low is None else f"{q.low:g}"
    hi = "" if q.high is None else f"{q.high:g}"
    return f"{float(q.value):g}|{lo}|{hi}"


def _np_end(toks: Sequence[Tok], i: int, limit: int) -> int:
    """Index after the noun phrase starting at ``i`` (up to ``limit`` words)."""
    j = i
    while j < len(toks) and j - i < limit:
        t = toks[j]
        if not is_word(t) and t.text not in {"-", "'", "’", "“", "”", '"'}:
            break
        if j > i and t.low in OBJECT_STOP:
            break
        if j > i and verb_form(t) in {"VBZ", "VBD"} and not is_noun(t.low) and not capitalised(t):
            break
        j += 1
    while j > i and (toks[j - 1].low in DANGLING or not is_word(toks[j - 1])):
        j -= 1
    return j


#: first words of a subject that is no actor (a count, a quantifier, a negation)
_NOT_ACTOR = {
    "around",
    "about",
    "up",
    "some",
    "nearly",
    "almost",
    "over",
    "more",
    "every",
    "each",
    "no",
    "all",
    "any",
    "one",
}
#: a reporting cue that denies ("denied", "rejecting", "a denial"): the forms of ``_DENY``'s verbs
_DENY_CUE = re.compile(
    r"\b(?:"
    + "|".join(
        w[:-1] + "(?:y|ies|ied|ial)" if w.endswith("y") else w.removesuffix("e") for w in sorted(_DENY)
    )
    + ")",
    re.IGNORECASE,
)


def claim_form(
    claim: Claim,
    *,
    text: str,
    mentions: Sequence[Mention],
    quantities: Sequence[Quantity] = (),
    entities: Mapping[str, Entity] | None = None,
    speaker_name: str | None = None,
    slots: ClaimSlots | None = None,
    statement_chars: int = 90,
) -> ClaimForm:
    """The normal form of ``claim`` (a claim of the document whose body is ``text``).

    ``speaker_name`` names the claim's speaker (it stands for "we"/"it"/"he" heading the
    content); ``slots`` are the claim's :func:`~claimtrace.crossdoc.slots.extract_slots` if
    already known; ``statement_chars`` bounds the statement's length.
    """
    if slots is None:
        slots = extract_slots(claim, text=text, mentions=mentions, quantities=quantities, entities=entities)
    content = text[claim.content_start : claim.content_end]
    cs, ce, denial, conditional = core_clause(content)
    lo, hi = claim.content_start + cs, claim.content_start + ce
    toks = tokens(text[lo : min(hi, lo + _READ_CHARS)], lo)
    pred = find_predicate(toks)
    form = ClaimForm(denial=denial or bool(claim.cue and _DENY_CUE.search(claim.cue)))
    form.quantities = [q for q in claim.quantities if q.value is not None]
    counted = {(v.start, v.end) for v in slots.values if v.slot == "quantity"}
    for q in form.quantities:
        if (q.start, q.end) in counted:
            form.values.append(
                SlotValue(
                    "quantity", float(q.value), _quantity_key(q), q.start, q.end, " ".join(q.text.split())
                )
            )
    if pred is not None:
        form.predicate = pred.lemma
        form.negated = pred.negated
        if pred.lemma in _DENY:
            form.denial = True
        after = pred.main + 1
        if after < len(toks) and toks[after].low not in OBJECT_STOP and is_word(toks[after]):
            end = _np_end(toks, after, 8)
            if end > after:
                form.object = text[toks[after].start : toks[end - 1].end]
        subject = toks[: pred.i]
    else:
        subject = []
    actor = next((v for v in slots.values if v.slot == "actor"), None)
    if actor is not None and (
        not subject or actor.start < (subject[-1].end if subject else hi) or actor.start == actor.end
    ):
        form.actor, form.actor_key = str(actor.value), actor.key
    elif subject:
        words = [t for t in subject if is_word(t)]
        if len(words) == 1 and words[0].low in {"we", "i", "it", "they", "he", "she"} and speaker_name:
            form.actor, form.actor_key = speaker_name, claim.speaker_key  # "X said it would ..."
            if claim.speaker_key:
                form.values.append(SlotValue("actor", speaker_name, claim.speaker_key, lo, lo))
        elif (
            0 < len(words) <= 6
            and words[0].low not in SUBJECT_PRONOUNS | _NOT_ACTOR
            and not words[0].text[0].isdigit()
        ):
            # a bare noun phrase ("US forces"): shown in the form, not logged (only entities are)
            form.actor = text[subject[0].start : subject[-1].end].strip(" ,")
    for v in slots.values:
        if v.slot == "actor" and form.actor_key == v.key:
            form.values.append(v)
        elif v.slot == "target":
            form.targets.append(str(v.value))
            form.values.append(v)
        elif v.slot == "place":
            form.places.append(str(v.value))
            form.values.append(v)
    tm = _TIME.search(text, lo, hi)
    if tm is not None:
        value = re.sub(
            r"^(?:in|on|since|by|until|from|during|before|after)\s+", "", tm.group(0), flags=re.IGNORECASE
        )
        form.time = value
        form.values.append(
            SlotValue(
                "time",
                value,
                "time:" + value.lower(),
                tm.start(),
                tm.end(),
            )
        )
    core = text[lo:hi]
    if (
        core.rstrip().endswith("?")
        or content.rstrip().endswith("?")
        or (_QUESTION_START.match(core) and pred and pred.i == 0)
    ):
        form.modality = "question"
    elif conditional or (
        re.search(r"\b(?:if|unless)\b", core, re.IGNORECASE)
        and pred is not None
        and pred.modal in {"would", "could", "might"}
    ):
        form.modality = "conditional"
    elif (pred is not None and pred.modal in {"may", "might", "could"}) or any(
        t.low in _HEDGE_WORDS for t in toks
    ):
        form.modality = "hedged"
    form.values.sort(key=lambda v: (_SLOT_ORDER.get(v.slot, 9), v.start))
    pronoun_actor = speaker_name if claim.kind != "unattributed" else None
    form.statement = canonical_statement(
        text[lo:hi], actor=pronoun_actor, max_chars=statement_chars, stripped=True
    )
    return form


# -- the statement -----------------------------------------------------------------------------


def _agree(lemma: str, tense: str, plural: bool) -> str:
    if tense == "VBD":
        return inflect(lemma, "VBD")
    return inflect(lemma, "VBP" if plural else "VBZ") if lemma != "be" else ("are" if plural else "is")


def _affirm(toks: list[Tok], pred: Pred, text: str, base: int) -> str:
    """The clause with its verb group made affirmative ("did not attack" -> "attacked")."""
    words = [t.text for t in toks]
    group = list(range(pred.i, pred.j + 1))
    drop = {k for k in group if toks[k].low in NEG or toks[k].low == "n't"}
    first = toks[pred.i].low
    cm = CONTRACTED_NEG.match(first)
    if cm is not None:
        aux = {"ca": "can", "wo": "will"}.get(cm.group("aux"), cm.group("aux"))
        words[pred.i] = aux if toks[pred.i].text[:1].islower() else aux.capitalize()
        first = aux
    if first in DO and (drop or cm is not None) and pred.main != pred.i:
        tense = "VBD" if first == "did" else "VBZ"
        words[pred.main] = _agree(pred.lemma, tense, first == "do")
        drop.add(pred.i)
    out: list[str] = []
    prev_end: int | None = None
    for k, t in enumerate(toks):
        if k not in drop:
            if prev_end is not None:
                out.append(text[prev_end - base : t.start - base] or "")
            out.append(words[k])
        elif prev_end is not None and text[prev_end - base : t.start - base]:
            out.append(" ")
        prev_end = t.end
    return re.sub(r"\s{2,}", " ", "".join(out))


_CLAUSE_WORDS = {
    "which",
    "who",
    "whom",
    "whose",
    "where",
    "while",
    "whereas",
    "although",
    "because",
    "but",
    "so",
}
_CUT_BEFORE = (PREPOSITIONS - {"of"}) | {"to", "but"} | (SUBORDINATORS - {"that", "so"})


def _shorten(toks: list[Tok], pred: Pred | None, max_words: int, max_chars: int) -> int:
    """How many tokens to keep: up to the first clause boundary after the predicate, then trimmed."""
    n = len(toks)
    after = (pred.main + 1) if pred is not None else 3
    keep = n
    for k in range(min(after, n), n):
        w = toks[k].low
        if w == "," and k > 0 and is_adjective(toks[k - 1].low):
            continue  # "a secretive, unannounced visit": the comma lists adjectives
        if w in {",", ";", ":", "—", "–", "(", "[", "…", ".", "!", "?"} or (
            w == "-" and k + 1 < n and toks[k - 1].end < toks[k].start
        ):
            keep = k
            break
        if w in _CLAUSE_WORDS or (
            # "... and is understood to": a second verb group
            w in {"and", "but", "or"} and k + 1 < n and find_predicate(toks[k : k + 3]) is not None
        ):
            keep = k
            break

    def length(m: int) -> int:
        return toks[m - 1].end - toks[0].start if m else 0

    floor = (pred.main + 1) if pred is not None else 1
    while keep > floor and (length(keep) > max_chars or keep > max_words):
        # drop the last modifier after the predicate: a prepositional phrase, a conjunct, a clause;
        # with none left, keep the sentence whole rather than cut a phrase
        cut = next((k for k in range(keep - 1, floor, -1) if toks[k].low in _CUT_BEFORE), None)
        if cut is None:
            break
        keep = cut
    if length(keep) > 2 * max_chars:  # still long: drop trailing conjuncts ("..., and is an example")
        keep = next(
            (
                k
                for k in range(keep - 1, floor, -1)
                if toks[k].low in {",", ";", "and", "or"} and length(k) <= 2 * max_chars
            ),
            keep,
        )
    while keep > floor:
        last = toks[keep - 1]
        if last.text in {"”", '"', ")", "’"} and keep - 2 >= 0 and is_word(toks[keep - 2]):
            break
        if last.low in DANGLING or not is_word(last):
            keep -= 1
        elif (
            verb_form(last) in {"VBG", "VBD"}
            and not is_noun(last.low)
            and pred is not None
            and keep - 1 > pred.main
        ):
            keep -= 1  # a participle left without its complement ("tanks located", "in printing")
        else:
            break
    return keep


_APPOSITIVE = re.compile(
    r"^((?:[A-Z][\w’'.-]*\s?){1,4}),\s+(?:a|an|the|who|which|whose|[\w-]+(?:'s|’s))\s[^,;]{1,120}?,\s+(?=\w)"
)
#: how much of a long claim the chunker reads (its first clause lies well within)
_READ_CHARS = 400
_PARENTHETICAL = re.compile(r"\s*\([^()]{0,80}\)")
_RELATIVE = re.compile(r",\s+(?:who|which|whose|where)\b[^,;]{1,140},\s+")
_FRAME_NOUN = re.compile(
    r"^(?:claim|allegation|accusation|report|rumou?r|charge|suggestion|assertion|denial|notion|idea)s?$"
)


def canonical_statement(
    core: str, *, actor: str | None = None, max_chars: int = 90, stripped: bool = False
) -> str:
    """One short affirmative sentence from a claim's core clause (see :func:`core_clause`).

    The verb group loses its negation ("did not attack" -> "attacked"); a subject pronoun is
    replaced by ``actor`` when given (the claim's own speaker: "we train" -> "X trains"); a
    nominal accusation ("US forces of training militants") becomes finite ("US forces train
    militants"); the sentence stops at the first clause boundary after its predicate and, if
    still longer than ``max_chars``, drops trailing prepositional phrases (never the predicate);
    no trailing ellipsis or dangling word; first letter capital. ``stripped``: ``core`` is
    already a :func:`core_clause`.
    """
    if not stripped:
        start, end, _denial, _cond = core_clause(core)
        core = core[start:end]
    if len(core) > _READ_CHARS:  # a label needs the first clause only
        core = core[: core.rfind(" ", 0, _READ_CHARS)]
    core = _PARENTHETICAL.sub("", core)
    if "," in core:  # a relative clause inside the subject goes ("cities, which are near X, fell")
        toks0 = tokens(core)
        pred0 = find_predicate(toks0)
        if pred0 is not None:
            at = toks0[pred0.i].start
            core = _RELATIVE.sub(" ", core[:at]) + core[at:]
    app = _APPOSITIVE.match(core)
    if app is not None and has_finite_predicate(app.group(1) + " " + core[app.end() :]):
        core = app.group(1) + " " + core[app.end() :]  # "Galkin, a comedian known for ..., left"
    toks = tokens(core)
    if not toks:
        return ""
    pred = find_predicate(toks)
    if pred is None or pred.i > 2:
        # "X of training Y" (accused X of training Y): make the gerund finite
        for k in range(1, min(len(toks) - 1, 9, pred.i if pred else 9)):
            subj = toks[k - 1]
            g = k + 2 if toks[k + 1].text in {"“", '"', "‘", "'"} and k + 2 < len(toks) else k + 1
            if toks[k].low == "of" and verb_form(toks[g]) == "VBG":
                if _FRAME_NOUN.match(subj.low):
                    break  # "accusations of receiving ...": whoever receives is not named
                plural = (
                    subj.low.endswith("s") and not subj.low.endswith(("ss", "us")) and not subj.text.isupper()
                )
                lemma = verb_lemma(toks[g].low) or toks[g].low
                core = core[: subj.end] + " " + _agree(lemma, "VBZ", plural) + core[toks[g].end :]
                toks = tokens(core)
                pred = find_predicate(toks)
                break
    if pred is not None and actor and pred.i == 1 and toks[0].low in {"we", "i", "it", "they", "he", "she"}:
        plural = toks[0].low in PLURAL_PRONOUNS
        core = actor + core[toks[0].end :]
        toks = tokens(core)
        pred = find_predicate(toks)
        if pred is not None and plural:
            first = toks[pred.i].low
            fixed = {"are": "is", "were": "was", "have": "has", "do": "does"}.get(first)
            if fixed is None and pred.i == pred.main and verb_form(toks[pred.i]) == "VB":
                fixed = _agree(pred.lemma, "VBZ", False)
            if fixed is not None:
                core = core[: toks[pred.i].start] + fixed + core[toks[pred.i].end :]
                toks = tokens(core)
                pred = find_predicate(toks)
    if pred is not None:
        core = _affirm(toks, pred, core, 0)
        toks = tokens(core)
        pred = find_predicate(toks)
    keep = _shorten(toks, pred, 24, max_chars)
    out = core[toks[0].start : toks[keep - 1].end] if keep else core
    out = " ".join(out.split())
    for q in ('"', "“", "”"):
        if out.count('"') % 2 or (out.count("“") != out.count("”")):
            out = out.replace(q, "")
    if out.count("(") != out.count(")"):
        out = out.replace("(", "").replace(")", "")
    if out.count("‘") > out.count("’"):
        out = out.replace("‘", "")
    out = out.strip(" ,;:-–—'‘’")
    return out[:1].upper() + out[1:]


# -- the fragment check ------------------------------------------------------------------------


_QUANTITY_OPENER = re.compile(
    r"^(?:at (?:least|most)|up to|more than|as many as|nearly|almost)\s+(?=\w)", re.IGNORECASE
)


def fragment_reason(label: str) -> str | None:
    """Why ``label`` is a fragment, or None when it reads as a statement.

    A label's trailing entity list ("... (A, B)") is set aside first. Fragments: no finite
    predicate (``no-predicate``), a first word that is a preposition or complementiser
    (``leading-function-word``), an ellipsis at the end (``ellipsis``) or a last word that leaves
    a phrase open: an article, preposition, conjunction, auxiliary (``dangling-end``).
    """
    text = re.sub(r"\s*\([^()]*\)\s*$", "", label.strip()) if label.rstrip().endswith(")") else label.strip()
    text = _QUANTITY_OPENER.sub("", text.strip(" \"“”‘’'„«»"))
    if not text:
        return "empty"
    if text.endswith(("…", "...")):
        return "ellipsis"
    toks = tokens(text)
    words = [t for t in toks if is_word(t)]
    if not words:
        return "empty"
    if words[0].low in LEADING_BAD:
        return "leading-function-word"
    last = toks[-1]
    if not is_word(last) and last.text not in {".", "!", "?", "”", '"', ")", "’", "'"}:
        return "dangling-end"
    if words[-1].low in DANGLING:
        return "dangling-end"
    if find_predicate(toks) is None:
        return "no-predicate"
    return None


def is_fragment(label: str) -> bool:
    """Whether ``label`` is a fragment (:func:`fragment_reason` gives the reason)."""
    return fragment_reason(label) is not None
