"""Turn span-level attributions into :class:`Claim` records with resolved speakers.

Speaker resolution (``Claim.speaker_key``):

1. a mention overlapping the speaker span (PERSON before ORG before GPE before the rest; the
   first of a type): "Russia's SVR" -> the SVR, "a statement by the agency X" -> X;
2. he / she / definite person descriptors ("the spokesman", "the Russian official") -> the most
   recent PERSON speaker of an earlier claim, else the most recent PERSON mention before the
   speaker, else the most recent untyped mention shaped like a personal name ("Lena Marsh");
   an indefinite one ("a ministry spokesman") is someone new speaking for an organisation: the
   ORG whose name shares a word with the descriptor, else unresolved;
3. it / they / document and organisation descriptors ("the statement", "the intelligence
   service") -> an ORG whose name shares a content word with the descriptor (most recent before,
   else the first after); a descriptor whose head noun heads an earlier source ("the ministry"
   after "The Ministry of Roads said") -> that source's entity, even when none was found (no
   guess then); a descriptor with a name of its own ("the Ministry of Roads") that no mention
   covers -> unresolved; otherwise the closest ORG speaker of another claim (earlier first),
   else the most recent ORG mention outside quotations.

Chains such as "..., the statement said, AGENCY reported" and "X said Y, AGENCY reported" keep
the reporting agency in ``Claim.via``. Sentences in the outlet's own voice that carry a
checkable fact (a number, a date, or a named entity with a verb) and overlap no attribution
become ``unattributed`` claims.
An outlet-voiced sentence leading into "According to S, ..." in its paragraph is S's claim. A
headline (or one-line post) yields its claim through :mod:`claimtrace.nlp.headlines`
("Report: X" -> X, ``according_to``), replacing the tagger's fragments of it.
"""

from __future__ import annotations

import bisect
import itertools
import re

from claimtrace.model import Claim, Mention
from claimtrace.nlp.attribution import Attribution, _Doc
from claimtrace.nlp.headlines import headline_span, merge_headline_claim
from claimtrace.nlp.hedges import HedgeIndex

_TYPE_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 3, "OTHER": 4}
PERSON_PRON = frozenset(["he", "she", "him", "her", "his", "i"])
ORG_PRON = frozenset(["it", "they", "its", "their", "we"])
PERSON_NOUNS = frozenset(
    [
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "minister",
        "director",
        "head",
        "chief",
        "president",
        "leader",
        "secretary",
        "ambassador",
        "envoy",
        "general",
        "commander",
        "officer",
        "source",
        "sources",
        "aide",
        "adviser",
        "advisor",
        "analyst",
        "expert",
        "senator",
        "governor",
        "mayor",
        "premier",
        "chairman",
        "chairwoman",
        "deputy",
        "representative",
        "man",
        "woman",
    ]
)
_WORD = re.compile(r"[A-Za-z]+")
_NAME_LIKE = re.compile(r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+){1,2}")  # "Lena Marsh", "Ana Ruiz-Soto"
_OF = re.compile(r"\b(?:of|for)\s+\w")
_INDEFINITE = frozenset(["a", "an", "one", "another", "two", "three", "several", "some", "many"])
_ANY_WORD = re.compile(r"\w")
_FACT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?|millions?|"
    r"billions?|January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today)\b"
)
_VERBISH = re.compile(
    r"\b(?:is|was|are|were|has|have|had|will|would|can|could|did|does)\b|\b[a-z]{3,}(?:ed|es)\b"
)
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "for",
        "in",
        "on",
        "at",
        "by",
        "to",
        "with",
        "from",
        "this",
        "that",
        "these",
        "those",
    ]
)


def _pick(mentions: list[Mention]) -> Mention | None:
    if not mentions:
        return None
    return min(mentions, key=lambda m: (_TYPE_RANK.get(m.type, 9), m.start))


class _Resolver:
    def __init__(self, text: str, mentions: list[Mention], doc: _Doc) -> None:
        self.text = text
        self.doc = doc
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.mentions]
        self.speakers: list[tuple[int, str, str]] = []  # (position, key, type) of resolved speakers
        self.sources: list[tuple[int, frozenset[str], str | None]] = []  # every source: words, key
        self.types = {m.key: m.type for m in self.mentions}
        self.hedges = HedgeIndex(text)

    def overlapping(self, s: int, e: int) -> list[Mention]:
        i = bisect.bisect_left(self.starts, s)
        while i > 0 and self.mentions[i - 1].end > s:
            i -= 1
        out = []
        while i < len(self.mentions) and self.mentions[i].start < e:
            if self.mentions[i].end > s:
                out.append(self.mentions[i])
            i += 1
        return out

    def recent_mention(self, pos: int, types: tuple[str, ...]) -> str | None:
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            m = self.mentions[i]
            if m.type in types and self.doc.quote_at(m.start) is None:
                return m.key
            i -= 1
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            if self.mentions[i].type in types:
                return self.mentions[i].key
            i -= 1
        return None

    def recent_speaker(self, pos: int, types: tuple[str, ...]) -> str | None:
        before = [(p, k) for p, k, t in self.speakers if t in types and p < pos]
        return before[-1][1] if before else None

    def person_before(self, pos: int) -> str | None:
        """The last compatible person: a PERSON speaker, a PERSON mention, else a name-like mention.

        The last fallback covers recognisers that leave a person's name untyped (``OTHER``):
        two or three capitalised words outside quotations.
        """
        key = self.recent_speaker(pos, ("PERSON",)) or self.recent_mention(pos, ("PERSON",))
        if key is not None:
            return key
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            m = self.mentions[i]
            if m.type == "OTHER" and _NAME_LIKE.fullmatch(m.text) and self.doc.quote_at(m.start) is None:
                self.types[m.key] = "PERSON"  # later "he" / "she" find it as a person speaker
                return m.key
            i -= 1
        return None

    def earlier_source(self, words: list[str], pos: int) -> tuple[bool, str | None]:
        """``(found, key)`` of the last earlier source span holding the descriptor's head noun.

        "The Ministry of Roads said ... The ministry added ...": the second source is the first
        one, whose key may be ``None`` (a name no recogniser found): better none than another's.
        """
        head = words[-1]
        for p, span_words, key in reversed(self.sources):
            if p < pos and head in span_words:
                return True, key
        return False, None

    def by_name(self, words: list[str], pos: int) -> str | None:
        words = [w for w in words if w not in _STOP and len(w) > 3]
        if not words:
            return None
        hits = [
            m for m in self.mentions if m.type == "ORG" and any(w in m.name.lower().split() for w in words)
        ]
        before = [m for m in hits if m.start < pos]
        if before:
            return before[-1].key
        return hits[0].key if hits else None

    def resolve(self, s: int, e: int, *, late: list[tuple[int, str]] | None = None) -> str | None:
        m = _pick(self.overlapping(s, e))
        if m is not None:
            return m.key
        words = [w.lower() for w in _WORD.findall(self.text[s:e])]
        if not words:
            return None
        if words[0] in PERSON_PRON:
            return self.person_before(s)
        if any(w in PERSON_NOUNS for w in words):
            if words[0] in _INDEFINITE:  # "a ministry spokesman": someone new, speaking for an organisation
                return self.by_name([w for w in words if w not in PERSON_NOUNS], s)
            return self.recent_speaker(s, ("PERSON",)) or self.person_before(s)
        key = self.by_name(words, s) if words[0] not in ORG_PRON else None
        if key:
            return key
        if words[0] not in ORG_PRON:
            if len(words) > 4 or _OF.search(self.text[s:e]):
                return None  # "the Ministry of Roads": a name of its own that no recogniser found
            found, key = self.earlier_source(words, s)
            if found:
                return key
        key = self.recent_speaker(s, ("ORG",))
        if key is None and late:
            after = [k for p, k in late if p > s and self.types.get(k) == "ORG"]
            key = after[0] if after else None
        return key or self.recent_mention(s, ("ORG", "GPE"))


def _sentence_of(sentences: list[tuple[int, int]], starts: list[int], pos: int) -> tuple[int, int]:
    i = max(0, bisect.bisect_right(starts, pos) - 1)
    return sentences[i] if sentences else (pos, pos)


def build_claims(
    text: str,
    sentences: list[tuple[int, int]],
    mentions: list[Mention],
    atts: list[Attribution],
    *,
    doc: _Doc | None = None,
) -> list[Claim]:
    """Claims for the attributions (one per content segment) plus unattributed factual sentences.

    ``doc`` (the quotation index of ``text``) is built when not given.
    """
    doc = doc if doc is not None else _Doc(text)
    res = _Resolver(text, mentions, doc)
    hedges = res.hedges
    s_starts = [s for s, _e in sentences]
    # first pass: speakers that name an entity directly, so descriptors can look ahead
    late: list[tuple[int, str]] = []
    for a in atts:
        if a.source:
            m = _pick(res.overlapping(*a.source))
            if m is not None:
                late.append((a.source[0], m.key))
    claims: list[Claim] = []
    for a in sorted(atts, key=lambda x: x.cue[0]):
        key = res.resolve(*a.source, late=late) if a.source else None
        if a.source:
            words = frozenset(w.lower() for w in _WORD.findall(text[a.source[0] : a.source[1]]))
            res.sources.append((a.source[0], words, key))
        if key is not None and a.source:
            res.speakers.append((a.source[0], key, res.types.get(key, "OTHER")))
        for n, (cs, ce) in enumerate(sorted(a.content)):
            ss = _sentence_of(sentences, s_starts, cs)
            se = _sentence_of(sentences, s_starts, max(cs, ce - 1))
            start, end = min(ss[0], cs), max(se[1], ce)
            if n == 0 or (a.cue[0] >= start and a.cue[1] <= end + 200):
                start, end = min(start, a.start), max(end, a.end if a.cue[0] < end + 200 else end)
            quoted = _ANY_WORD.search(text, cs, ce) is not None
            kind = a.kind if n == 0 or a.kind == "direct" else ("direct" if quoted else a.kind)
            claims.append(
                Claim(
                    start=start,
                    end=end,
                    content_start=cs,
                    content_end=ce,
                    kind=kind,  # type: ignore[arg-type]
                    speaker_text=text[a.source[0] : a.source[1]] if a.source else None,
                    speaker_start=a.source[0] if a.source else None,
                    speaker_end=a.source[1] if a.source else None,
                    speaker_key=key,
                    cue=text[a.cue[0] : a.cue[1]],
                    cue_start=a.cue[0],
                    cue_end=a.cue[1],
                    hedges=hedges.window(start, end),
                    via=text[a.via[0] : a.via[1]] if a.via else None,
                )
            )
    claims.extend(_unattributed(text, sentences, res, atts))
    claims.sort(key=lambda c: (c.start, c.content_start))
    _lead_ins(text, claims)
    head = headline_span(text)
    return merge_headline_claim(text, claims, hedges=hedges.window(*head)) if head else claims


def _lead_ins(text: str, claims: list[Claim]) -> None:
    """Outlet-voiced "X." right before "According to S, Y." in its paragraph is S's claim too.

    News writing leads with the gist, then names the source; such a sentence becomes
    ``according_to`` with the following claim's speaker and cue.
    """
    for u, nxt in itertools.pairwise(claims):
        if (
            u.kind == "unattributed"
            and nxt.kind == "according_to"
            and nxt.cue_start is not None
            and nxt.start >= u.end
            and not text[u.end : nxt.cue_start].strip()
            and "\n" not in text[u.end : nxt.cue_start]
        ):
            u.kind = "according_to"
            u.speaker_text, u.speaker_start = nxt.speaker_text, nxt.speaker_start
            u.speaker_end, u.speaker_key = nxt.speaker_end, nxt.speaker_key
            u.cue, u.cue_start, u.cue_end = nxt.cue, nxt.cue_start, nxt.cue_end


def _unattributed(
    text: str, sentences: list[tuple[int, int]], res: _Resolver, atts: list[Attribution]
) -> list[Claim]:
    taken: list[tuple[int, int]] = []
    for a in atts:
        taken.append((a.start, a.end))
        taken.extend(a.content)
    taken.sort()
    t_starts = [s for s, _e in taken]
    # the latest end among the (up to) 8 spans starting before position k of ``taken``
    recent_end = [-1] + [max(e for _s, e in taken[max(0, k - 7) : k + 1]) for k in range(len(taken))]
    out = []
    for s, e in sentences:
        seg = text[s:e]
        tail = seg.rstrip()
        if tail.endswith("?") or not tail.endswith((".", "!")):
            continue
        if recent_end[bisect.bisect_left(t_starts, e)] > s:  # overlaps one of those spans
            continue
        if len(_WORD.findall(seg)) < 6:
            continue
        if res.doc.quote_at(s) is not None or res.doc.quote_at(max(s, e - 2)) is not None:
            continue
        if not _VERBISH.search(seg):
            continue
        if not (_FACT.search(seg) or res.overlapping(s, e)):
            continue
        ce = e
        while ce > s and text[ce - 1] in ".!":
            ce -= 1
        out.append(
            Claim(
                start=s,
                end=e,
                content_start=s,
                content_end=ce,
                kind="unattributed",
                hedges=res.hedges.window(s, e),
            )
        )
    return out


__all__ = ["build_claims"]
