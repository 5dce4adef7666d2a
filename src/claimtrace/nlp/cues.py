"""The cue lexicon: reporting verbs and phrases that introduce attributed content.

Two sources, both used as features by the attribution tagger (:mod:`claimtrace.nlp.tagger`):

* a curated list of English reporting / evidential verbs (lemmas, inflected here), each in a
  class: ``report`` (speech acts and evidentials: said, claimed, accused, announced ...;
  :data:`REPORT_FORMS`) or ``belief`` (cognition and volition: thinks, hopes, wants ...;
  :data:`BELIEF_FORMS`). Claims (``find_attributions(..., cues="report")``) keep relations
  whose cue holds a report form;
* ``data/cue_lexicon.json``, learned from the PolNeAR train split by
  ``python -m claimtrace.evaluation.polnear train DIR``: per word form, how often it was part of
  a gold cue and how often it occurred at all (:func:`learned_forms` gives the cue rate of
  forms seen at least :data:`LEARNED_MIN_COUNT` times in a cue).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LEARNED_MIN_COUNT = 4

# lemma -> irregular forms (past, participle...)
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("said", "says", "saying"),
    "tell": ("told", "tells", "telling"),
    "write": ("wrote", "written", "writes", "writing"),
    "read": ("reads", "reading"),
    "find": ("found", "finds", "finding"),
    "know": ("knew", "known", "knows", "knowing"),
    "think": ("thought", "thinks", "thinking"),
    "feel": ("felt", "feels", "feeling"),
    "see": ("saw", "seen", "sees", "seeing"),
    "speak": ("spoke", "spoken", "speaks", "speaking"),
    "show": ("showed", "shown", "shows", "showing"),
    "hear": ("heard", "hears", "hearing"),
    "seek": ("sought", "seeks", "seeking"),
    "foresee": ("foresaw", "foreseen", "foresees"),
    "admit": ("admitted", "admits", "admitting"),
    "regret": ("regretted", "regrets", "regretting"),
}

REPORT_LEMMAS = [
    "say",
    "tell",
    "state",
    "note",
    "stress",
    "claim",
    "accuse",
    "announce",
    "reveal",
    "report",
    "add",
    "warn",
    "insist",
    "deny",
    "comment",
    "write",
    "tweet",
    "post",
    "declare",
    "explain",
    "argue",
    "suggest",
    "assert",
    "allege",
    "confirm",
    "acknowledge",
    "admit",
    "emphasize",
    "emphasise",
    "reiterate",
    "underline",
    "maintain",
    "contend",
    "charge",
    "respond",
    "reply",
    "answer",
    "ask",
    "urge",
    "vow",
    "pledge",
    "promise",
    "predict",
    "estimate",
    "conclude",
    "recall",
    "remark",
    "observe",
    "mention",
    "describe",
    "criticize",
    "criticise",
    "condemn",
    "denounce",
    "dismiss",
    "reject",
    "blame",
    "praise",
    "question",
    "complain",
    "boast",
    "joke",
    "concede",
    "recount",
    "disclose",
    "testify",
    "inform",
    "assure",
    "remind",
    "read",
    "show",
    "find",
    "indicate",
    "cite",
    "quip",
    "counter",
    "retort",
    "exclaim",
    "shout",
    "continue",
    "caution",
    "lament",
    "speculate",
    "hint",
    "imply",
    "specify",
    "announce",
    "order",
    "demand",
    "threaten",
    "brag",
    "blast",
    "slam",
    "decry",
    "rail",
    "tout",
    "mock",
    "acknowledge",
    "affirm",
    "agree",
    "clarify",
    "concur",
    "echo",
    "forecast",
    "guarantee",
    "highlight",
    "notify",
    "object",
    "point",
    "proclaim",
    "protest",
    "reassure",
    "recommend",
    "repeat",
    "say",
    "suggest",
    "swear",
    "theorize",
    "theorise",
    "complain",
]

BELIEF_LEMMAS = [
    "think",
    "believe",
    "hope",
    "want",
    "fear",
    "expect",
    "seem",
    "appear",
    "know",
    "feel",
    "worry",
    "wish",
    "plan",
    "intend",
    "prefer",
    "doubt",
    "consider",
    "view",
    "understand",
    "realize",
    "realise",
    "learn",
    "decide",
    "suspect",
    "assume",
    "imagine",
    "guess",
]


def _inflect(lemma: str) -> set[str]:
    if lemma in _IRREGULAR:
        return {lemma, *_IRREGULAR[lemma]}
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith(("s", "sh", "ch", "x")):
        forms |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
    return forms


# lemmas whose bare and -s forms are mostly nouns ("a statement", "the report"): past/-ing only
NOUNISH = frozenset(
    [
        "state",
        "comment",
        "report",
        "tweet",
        "post",
        "order",
        "point",
        "question",
        "answer",
        "remark",
        "claim",
        "demand",
        "charge",
        "counter",
        "protest",
        "promise",
        "estimate",
        "forecast",
        "object",
        "blast",
        "show",
        "find",
        "continue",
        "rail",
        "echo",
        "guarantee",
        "praise",
        "blame",
        "question",
        "reply",
        "respond",
        "call",
        "threaten",
    ]
)


def _lemma_map(lemmas: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lemma in lemmas:
        for f in _inflect(lemma):
            if lemma in NOUNISH and (f == lemma or (f.endswith("s") and not f.endswith("ss"))):
                continue
            out.setdefault(f, lemma)
    return out


def lexicon_file() -> Path:
    """Path of the learned cue lexicon shipped with the package."""
    return Path(__file__).resolve().parents[1] / "data" / "cue_lexicon.json"


@lru_cache(maxsize=1)
def learned_forms() -> dict[str, float]:
    """Learned word forms -> cue rate (empty when the data file is missing)."""
    path = lexicon_file()
    if not path.exists():
        return {}
    words = json.loads(path.read_text(encoding="utf-8")).get("words", {})
    return {w: c / t for w, (c, t) in words.items() if c >= LEARNED_MIN_COUNT and t}


REPORT_FORMS = _lemma_map(REPORT_LEMMAS)
BELIEF_FORMS = _lemma_map(BELIEF_LEMMAS)
