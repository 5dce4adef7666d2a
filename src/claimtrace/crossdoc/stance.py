"""Stance of one document toward one narrative: AMPLIFIES, ATTRIBUTES, CONTESTS or DEBUNKS.

:func:`decide_stance` is the one stance function of the pipeline, the report, the API and the
evaluation: it reads the learned model of :mod:`claimtrace.crossdoc.stance_model` (the
narrative's claim text against the document; trained on FNC-1 bodies and Emergent headlines)
together with the rules below (:func:`rule_stance`), which see attribution. Headline-only
documents take the model's label; full documents keep a rule decision and otherwise take the
model's, read on the sentences holding the narrative's claims (and their neighbours), not the
whole body: :func:`decide_stances` batches a whole fit (see there for the cost).
:func:`stance_toward` (claim text, text) is the same model on a whole text for callers without
an analysis (``claimtrace eval stance`` reads whole FNC-1 bodies).

The rules are decided with explicit lexicons from the narrative's claims in the document (their
kinds, cues and hedges) and the words around them, separating the outlet's own voice from the
words of the sources it reports:

* **own voice** is text outside every attributed claim's content (plus the content of
  unattributed claims); **reported** text is the content of indirect / according-to claims
  (the outlet's paraphrase); **quoted** text is the content of direct claims (the source's own
  words, never evidence of the outlet's stance).
* **AMPLIFIES** evidence: a narrative claim asserted in the outlet's own voice without a hedge;
  a factive cue ("revealed", "exposed", "confirmed") presenting a source's claim as fact;
  loaded framing in own voice ("occupation army", "regime", "junta"; half weight in reported
  text).
* **CONTESTS** evidence: denials and refusals ("denied", "rejected"), lack of proof ("could not
  be independently verified", "without providing evidence"), silence ("has not commented", "did
  not respond": weak, routine reporting unless a distancing word joins it), distancing nouns
  ("allegations", "alleged", "so-called"), scare quotes in own voice, counter-voices (another
  source's claim that calls it false).
* **DEBUNKS** evidence: the outlet itself calls it false or unsupported ("false", "baseless",
  "debunked", "no evidence", "disinformation").

Scores are summed over the sentences holding the narrative's claims and their neighbours (plus
any sentence where one of the narrative's actors denies or declines to comment); a label wins
at a score of 2 (DEBUNKS > CONTESTS > AMPLIFIES when tied), else ATTRIBUTES. Exactly one stance
per document and narrative; the evidence spans are the markers that decided it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimtrace.crossdoc.stance_model import (
    EMBED_DIM,
    Text,
    body_stance,
    is_headline,
    stance_batch,
    stance_toward,
    text_with_vectors,
)
from claimtrace.errors import ClaimtraceError
from claimtrace.model import Claim, DocAnalysis, Document, StanceLabel

__all__ = [
    "STAGE_VERSION",
    "StanceRequest",
    "decide_stance",
    "decide_stances",
    "excerpt_spans",
    "rule_stance",
    "stance_toward",
]

STAGE_VERSION = "stance.v4"

_FLAGS = re.IGNORECASE

#: the outlet calls the claim false or unsupported (own voice only); weight
DEBUNK = [
    (
        re.compile(
            r"\b(?:false(?:ly)?(?![- ]flag)|baseless|unfounded|groundless|untrue|fabricat\w+|debunk\w*|"
            r"disinformation|misinformation|fake news|hoax(?:es)?|falsehoods?|"
            r"conspiracy theor(?:y|ies)|doctored|fact[- ]check\w*)\b",
            _FLAGS,
        ),
        2.0,
    ),
    (
        re.compile(r"\b(?:no|not any|little) (?:credible |hard |supporting )?(?:evidence|proof)\b", _FLAGS),
        2.0,
    ),
    (re.compile(r"\b(?:misleading|propaganda)\b", _FLAGS), 1.0),
]

#: distance: denials, silence, missing proof (strong) and distancing words (weak)
CONTEST = [
    (
        re.compile(
            r"\b(?:den(?:y|ied|ies|ial|ials)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|refut(?:e|es|ed|ing)|"
            r"rebuff(?:s|ed)?|repudiat\w+)\b",
            _FLAGS,
        ),
        2.0,
    ),
    (
        re.compile(
            r"\b(?:ha(?:s|ve|d) not|did not|didn't|hasn't|haven't|has yet to|have yet to|declined to|"
            r"refused to|could not be reached for|did not immediately)\s+(?:yet\s+)?"
            r"(?:commented?|respond(?:ed)?|replied|reply|confirm(?:ed)?|react(?:ed)?)\b",
            _FLAGS,
        ),
        1.0,  # silence alone is routine reporting; with a distancing word it contests
    ),
    (
        re.compile(
            r"\b(?:could not|cannot|can't|couldn't) (?:be )?(?:independently )?(?:verif\w+|confirm\w*)\b"
            r"|\b(?:unverified|unconfirmed|unsubstantiated)\b",
            _FLAGS,
        ),
        2.0,
    ),
    (
        re.compile(
            r"\bwithout (?:providing |offering |citing |giving )?(?:any )?(?:evidence|proof)\b|"
            r"\b(?:provided|offered|gave|presented|cited) no (?:evidence|proof)\b",
            _FLAGS,
        ),
        2.0,
    ),
    (
        re.compile(
            r"\b(?:allegations?|alleged(?:ly)?|purported(?:ly)?|so-called|supposed(?:ly)?|claimed)\b", _FLAGS
        ),
        1.0,
    ),
]

#: the outlet presents a source's claim as established fact
FACTIVE_CUES = re.compile(
    r"^(?:reveal\w*|expos\w*|uncover\w*|confirm\w*|prov(?:e|ed|es|en)|demonstrat\w*|"
    r"disclos\w*|unmask\w*|establish\w*)$",
    _FLAGS,
)

#: loaded framing: weight 1 in own voice, half of it in reported text, nothing in quotes
LOADED = re.compile(
    r"\b(?:occupation (?:army|armies|forces?|troops|bases?|regime)|occupiers?|"
    r"occupying (?:army|forces?|troops)|"
    r"(?:puppet|kyiv|kiev|western|zionist|criminal|terrorist) regimes?|regime of|puppets?|junta|"
    r"neo-?nazis?|"
    r"nazis?|terrorist state|state terrorism|imperialis(?:t|ts|m)|hegemon\w*|warmonger\w*|"
    r"aggressors?|genocid(?:e|al)|satanis\w+|globalists?|deep state|plot(?:s|ted)?|"
    r"criminal (?:activit\w+|acts?)|"
    r"henchm[ae]n|cronies|thugs|bandits|atrocit(?:y|ies))\b",
    _FLAGS,
)

SCARE_QUOTE = re.compile(r"[“\"‘'](\w[\w-]*(?:\s+[\w-]+){0,2})[”\"’']")

_DECIDE_AT = 2.0
_NEAR = 24  # characters between an actor mention and loaded framing of it
EXCERPT_SENTS = 4  # sentences of a full document the body model reads per decision


def _norm(name: str | None) -> str:
    return re.sub(r"^the\s+", "", " ".join((name or "").lower().split()))


def _is_name(words: str) -> bool:
    return all(w[:1].isupper() for w in words.split())


def _inside(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _windows(
    analysis: DocAnalysis, text: str, claims: Sequence[Claim], limit: int | None = None
) -> tuple[list[tuple[int, int]], list[int]]:
    """The document's sentences and the indices of those holding ``claims``, then their
    neighbours either side, ``limit`` in all (None: every one), in document order."""
    sents = list(analysis.sentences) or [(0, len(text))]
    hit = [i for i, (s, e) in enumerate(sents) if any(s < c.end and c.start < e for c in claims)]
    picked = list(dict.fromkeys(hit))[:limit]
    seen = set(picked)
    for i in hit:
        for j in (i - 1, i + 1):
            if (limit is None or len(picked) < limit) and 0 <= j < len(sents) and j not in seen:
                picked.append(j)
                seen.add(j)
    return sents, sorted(picked)


def _actor_sentences(
    analysis: DocAnalysis, text: str, actor_keys: Collection[str], skip: Collection[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Other sentences whose first entity is one of the narrative's actors (for "X denied ..." far away)."""
    if not actor_keys:
        return []
    out = []
    for s, e in analysis.sentences:
        if (s, e) in skip:
            continue
        first = min((m for m in analysis.mentions if s <= m.start < e), key=lambda m: m.start, default=None)
        if first is not None and first.key in actor_keys:
            out.append((s, e))
    return out


def _ev(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


def rule_stance(
    doc: Document,
    analysis: DocAnalysis,
    claims: Sequence[Claim],
    *,
    actor_keys: Collection[str] = (),
) -> dict[str, Any]:
    """The rule-based stance of ``doc`` toward the narrative whose claims in it are ``claims``.

    Returns ``{"doc", "stance", "evidence": [{"start","end","text"}], "scores": {...}}``.
    """
    text = doc.text
    mine = {(c.start, c.end, c.content_start) for c in claims}
    quoted = [(c.content_start, c.content_end) for c in analysis.claims if c.kind == "direct"]
    reported = [
        (c.content_start, c.content_end) for c in analysis.claims if c.kind in ("indirect", "according_to")
    ]
    attributed_claims = [c for c in analysis.claims if c.kind != "unattributed"]
    other_voice = [
        (c.content_start, c.content_end)
        for c in attributed_claims
        if (c.start, c.end, c.content_start) not in mine
    ]
    claim_spans = [(c.start, c.end) for c in attributed_claims]
    sents, near = _windows(analysis, text, claims)
    windows = [sents[i] for i in near]
    windows += _actor_sentences(analysis, text, actor_keys, windows)

    scores = {"AMPLIFIES": 0.0, "CONTESTS": 0.0, "DEBUNKS": 0.0}
    evidence: dict[str, list[dict[str, Any]]] = {k: [] for k in (*scores, "ATTRIBUTES")}
    seen: set[tuple[int, int]] = set()

    def add(label: str, weight: float, start: int, end: int) -> None:
        if (start, end) in seen or weight <= 0:
            return
        seen.add((start, end))
        scores[label] += weight
        evidence[label].append(_ev(text, start, end))

    # the narrative's own claims: voice, cues, hedges
    outlet = _norm(doc.outlet)
    own = [c for c in claims if c.kind == "unattributed" or (outlet and _norm(c.speaker_text) == outlet)]
    has_attributed = len(own) < len(claims)
    for c in claims:
        if c in own and not c.hedges:
            add("AMPLIFIES", 1.0 if has_attributed else 2.0, c.content_start, c.content_end)
        if c.cue and c.kind != "unattributed" and FACTIVE_CUES.match(c.cue.strip().split()[-1]):
            add(
                "AMPLIFIES",
                2.0,
                c.cue_start if c.cue_start is not None else c.start,
                c.cue_end if c.cue_end is not None else c.start,
            )
        if c.kind != "unattributed" and c.cue_start is not None and c.cue_end is not None:
            evidence["ATTRIBUTES"].append(_ev(text, c.cue_start, c.cue_end))
        elif c.kind != "unattributed":
            evidence["ATTRIBUTES"].append(_ev(text, c.start, c.end))

    for s, e in windows:
        for rx, weight in DEBUNK:
            for m in rx.finditer(text, s, e):
                if _inside(quoted, m.start(), m.end()) or _inside(reported, m.start(), m.end()):
                    if _inside(other_voice, m.start(), m.end()):  # another source calls it false
                        add("CONTESTS", weight, m.start(), m.end())
                    continue
                add("DEBUNKS", weight, m.start(), m.end())
        for rx, weight in CONTEST:
            for m in rx.finditer(text, s, e):
                if _inside(quoted, m.start(), m.end()) and not _inside(other_voice, m.start(), m.end()):
                    continue  # the narrative's own source speaking
                add("CONTESTS", weight, m.start(), m.end())
        for m in LOADED.finditer(text, s, e):
            if _inside(quoted, m.start(), m.end()):
                continue
            add("AMPLIFIES", 0.5 if _inside(reported, m.start(), m.end()) else 1.0, m.start(), m.end())
        for m in SCARE_QUOTE.finditer(text, s, e):
            if _inside(claim_spans, m.start(), m.end()) or _inside(quoted, m.start(), m.end()):
                continue
            if _is_name(m.group(1)) or any(
                x.start < m.end() and m.start() < x.end for x in analysis.mentions
            ):
                continue  # a quoted name ("Islamic State"), not distance
            add("CONTESTS", 1.0, m.start(), m.end())

    # the outlet's framing of the narrative's actors anywhere else in the document
    in_window = [(s, e) for s, e in windows]
    for mention in analysis.mentions:
        if mention.key not in actor_keys:
            continue
        lo, hi = max(0, mention.start - _NEAR), min(len(text), mention.end + _NEAR)
        for x in LOADED.finditer(text, lo, hi):
            if _inside(in_window, x.start(), x.end()) or _inside(quoted, x.start(), x.end()):
                continue
            add("AMPLIFIES", 0.5 if _inside(reported, x.start(), x.end()) else 1.0, x.start(), x.end())

    stance: StanceLabel = "ATTRIBUTES"
    if scores["DEBUNKS"] >= _DECIDE_AT and scores["DEBUNKS"] >= scores["AMPLIFIES"]:
        stance = "DEBUNKS"
    elif scores["CONTESTS"] >= _DECIDE_AT and scores["CONTESTS"] >= scores["AMPLIFIES"]:
        stance = "CONTESTS"
    elif scores["AMPLIFIES"] >= _DECIDE_AT:
        stance = "AMPLIFIES"
    ev = sorted(evidence[stance], key=lambda x: x["start"])[:8]
    markers = {k: sorted(v, key=lambda x: x["start"])[:8] for k, v in evidence.items()}
    return {"doc": doc.id, "stance": stance, "evidence": ev, "scores": dict(scores), "markers": markers}


@dataclass(frozen=True)
class StanceRequest:
    """One stance decision: ``doc`` toward the narrative whose claims in it are ``claims``."""

    doc: Document
    analysis: DocAnalysis
    claims: Sequence[Claim]
    actor_keys: Collection[str] = ()
    claim_text: str | None = None
    #: MiniLM vectors the caller already has: the narrative's claim and each of ``claims``
    #: (its content); with both, the body model reads them instead of encoding sentences
    claim_vector: np.ndarray | None = None
    claim_vectors: Sequence[np.ndarray] | None = None


def decide_stance(
    doc: Document,
    analysis: DocAnalysis,
    claims: Sequence[Claim],
    *,
    actor_keys: Collection[str] = (),
    claim_text: str | None = None,
) -> dict[str, Any]:
    """The stance of ``doc`` toward a narrative: the learned model read with the rules.

    ``claims`` are the narrative's claims in ``doc``; ``claim_text`` the narrative's claim (its
    label; default: the contents of ``claims``). See :func:`decide_stances` (the same for many).

    Returns ``{"doc", "stance", "evidence", "scores", "method", "probabilities"}``.
    """
    return decide_stances([StanceRequest(doc, analysis, claims, actor_keys, claim_text)])[0]


def excerpt_spans(
    analysis: DocAnalysis, text: str, claims: Sequence[Claim], *, limit: int = EXCERPT_SENTS
) -> list[tuple[int, int]]:
    """The sentences the body model reads: those holding ``claims``, then neighbours; ``limit`` in all."""
    sents, picked = _windows(analysis, text, claims, limit)
    return [sents[i] for i in picked or [0]]


def _excerpt(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The sentences joined by newlines, and (excerpt offset, document offset) of each."""
    parts, starts, at = [], [], 0
    for s, e in spans:
        piece = text[s:e].replace("\n", " ")
        parts.append(piece)
        starts.append((at, s))
        at += len(piece) + 1
    return "\n".join(parts), starts


def _map_back(ev: list[dict[str, Any]], starts: list[tuple[int, int]], text: str) -> list[dict[str, Any]]:
    out = []
    for x in ev:
        k = max(i for i, (a, _) in enumerate(starts) if a <= x["start"]) if starts else 0
        a, s = starts[k] if starts else (0, 0)
        lo, hi = s + x["start"] - a, s + x["end"] - a
        out.append(_ev(text, lo, hi))
    return out


def _claim_sentences(r: StanceRequest) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The sentences holding ``r.claims`` (at most ``EXCERPT_SENTS``), each with its claims' mean vector."""
    sents = list(r.analysis.sentences) or [(0, len(r.doc.text))]
    by_sent: dict[int, list[np.ndarray]] = {}
    for c, v in zip(r.claims, r.claim_vectors or (), strict=True):
        k = next((i for i, (s, e) in enumerate(sents) if s < c.end and c.start < e), None)
        if k is not None and (k in by_sent or len(by_sent) < EXCERPT_SENTS):
            by_sent.setdefault(k, []).append(np.asarray(v, np.float32))
    picked = sorted(by_sent) or [0]
    fill = r.claim_vector if r.claim_vector is not None else np.zeros(EMBED_DIM, np.float32)
    vecs = [np.mean(by_sent[k], axis=0) if k in by_sent else fill for k in picked]
    return [sents[k] for k in picked], np.stack(vecs).astype(np.float32)


def decide_stances(requests: Sequence[StanceRequest]) -> list[dict[str, Any]]:
    """The stances of many decisions, with one encoder call for all of them.

    A headline-only document (one short sentence) takes the learned headline model's label. A full
    document keeps the rules' label where their evidence reaches the decision score
    (attribution-aware: own voice, reported and quoted text); AMPLIFIES and DEBUNKS by the rules
    are final, so the model is not run there. Otherwise (ATTRIBUTES, or CONTESTS that the model may
    turn into DEBUNKS) the learned body model reads the sentences holding the narrative's claims
    and their neighbours (:func:`excerpt_spans`, at most ``EXCERPT_SENTS``), not the whole
    document, and its label replaces ATTRIBUTES when it finds the document related to the claim.
    Where the request carries MiniLM vectors (``claim_vector``, ``claim_vectors``: the narrative
    stage has them for every clustered claim), the model reads the sentences holding the claims
    with those vectors and encodes nothing. All other texts go to the encoder in one call.
    CONTESTS becomes DEBUNKS when the outlet itself calls the claim false. Evidence: the rule
    markers of the chosen label, else the sentences the model read as most relevant.
    """
    rules = [rule_stance(r.doc, r.analysis, r.claims, actor_keys=r.actor_keys) for r in requests]
    head: list[tuple[int, str, str]] = []
    body: list[tuple[int, str, str, list[tuple[int, int]]]] = []
    given: list[tuple[int, Text, Text, list[tuple[int, int]]]] = []
    for i, (r, ru) in enumerate(zip(requests, rules, strict=True)):
        text = r.doc.text
        claim = r.claim_text or " ".join(text[c.content_start : c.content_end] for c in r.claims)
        if not claim.strip() or not text.strip():
            continue
        if is_headline(text):
            head.append((i, claim, text))
        elif ru["stance"] in ("ATTRIBUTES", "CONTESTS") and r.claim_vector is not None and r.claim_vectors:
            spans, vecs = _claim_sentences(r)
            short, starts = _excerpt(text, spans)
            inner = [(a, a + e - s) for (a, s), (_, e) in zip(starts, spans, strict=True)]
            doc_text = text_with_vectors(short, inner, vecs)
            given.append(
                (i, text_with_vectors(claim, [(0, len(claim))], r.claim_vector[None]), doc_text, starts)
            )
        elif ru["stance"] in ("ATTRIBUTES", "CONTESTS"):
            short, starts = _excerpt(text, excerpt_spans(r.analysis, text, r.claims))
            body.append((i, claim, short, starts))
    learned: dict[int, dict[str, Any]] = {}
    try:
        for i, got in zip(
            [h[0] for h in head], stance_batch([(c, t) for _, c, t in head], regime="headline"), strict=True
        ):
            learned[i] = got
        for (i, _, _, starts), got in zip(
            body, stance_batch([(c, t) for _, c, t, _ in body], regime="body"), strict=True
        ):
            learned[i] = {**got, "evidence": _map_back(got["evidence"], starts, requests[i].doc.text)}
        for (i, _, _, starts), got in zip(given, body_stance([(c, t) for _, c, t, _ in given]), strict=True):
            learned[i] = {**got, "evidence": _map_back(got["evidence"], starts, requests[i].doc.text)}
    except (ClaimtraceError, ImportError, OSError):  # no encoder or model installed: rules only
        learned = {}
    return [
        _combine(r, ru, learned[i]) if i in learned else {**ru, "method": "rules"}
        for i, (r, ru) in enumerate(zip(requests, rules, strict=True))
    ]


def _combine(r: StanceRequest, rules: dict[str, Any], learned: dict[str, Any]) -> dict[str, Any]:
    """The rules' decision read with the model's (see :func:`decide_stances`)."""
    doc, claims = r.doc, r.claims
    stance: StanceLabel = rules["stance"]
    method = "rules"
    if learned["stance"] is not None and (learned["regime"] == "headline" or stance == "ATTRIBUTES"):
        stance, method = learned["stance"], "model"
        outlet = _norm(doc.outlet)
        own_kinds = {
            c.kind == "unattributed" or bool(outlet and _norm(c.speaker_text) == outlet) for c in claims
        }
        if stance == "AMPLIFIES" and own_kinds == {False} and rules["scores"]["AMPLIFIES"] < _DECIDE_AT:
            stance = "ATTRIBUTES"  # the narrative's claims are a source's words, not endorsed as fact
        self_cited = bool(outlet) and all(
            c.kind != "unattributed" and _norm(c.speaker_text) == outlet and not c.hedges for c in claims
        )
        if stance == "ATTRIBUTES" and claims and self_cited:
            stance = "AMPLIFIES"  # the outlet citing its own reporting speaks in its own voice
    if stance in ("CONTESTS", "DEBUNKS"):
        own_debunk = rules["scores"]["DEBUNKS"] >= _DECIDE_AT or learned["stance"] == "DEBUNKS"
        stance = "DEBUNKS" if own_debunk else "CONTESTS"
    evidence = rules["markers"][stance] or learned["evidence"][:3]
    return {
        "doc": doc.id,
        "stance": stance,
        "evidence": evidence,
        "scores": rules["scores"],
        "method": method,
        "probabilities": learned["probabilities"],
    }
