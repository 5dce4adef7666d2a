"""Boilerplate across a corpus: site furniture found by repetition, and by a small lexicon.

Scraped articles carry page furniture that the reader's single-document rules
(:mod:`claimtrace.readers.text`) cannot always tell from the body: a site's slogan line under
every article, a newsletter blurb, a comment-box prompt, a supplement advert. Left in the text
such passages link every article of a site to every other one as "reuse", and their sentences
become recurring "claims". This module finds them so that the cross-document stages set them
aside (the ``boilerplate`` layer of a :class:`~claimtrace.model.Document`).

How (plain text, no HTML needed):

1. **Passages.** Each non-empty line of ``Document.text`` is a passage. Its fingerprint is a
   64-bit hash of the line folded: case, URLs, digits and punctuation/whitespace runs do not
   count, so "Call 212 416 4552" and "Call 212 555 0100" are the same passage.
2. **Repetition.** A passage is a candidate when it occurs in at least ``outlet_min_docs``
   documents of one outlet, or in at least ``corpus_min_docs`` documents corpus-wide (this
   floor rises with corpus size: ``corpus_rate`` of the documents). A passage that looks like
   furniture (a heading-like line, such as a link to another article, or a line holding a
   furniture sentence, below) needs only ``pair_min_docs`` documents. Very short passages
   (``min_chars`` folded characters) are never counted, nor are passages that report something
   (a quotation of three words or more, a reporting verb): an outlet repeating a quote or an
   attributed statement across articles is recycling a claim, which is what narratives track.
3. **Copied stories are not furniture.** Outlets copying a story share many of its passages,
   and the copies are alike as wholes; furniture sits under unrelated articles. A candidate is
   kept as boilerplate only when the documents carrying it (up to ``sample_docs`` of them) are,
   on average, unlike each other: mean pairwise Jaccard of their content words below
   ``copy_similarity``.
4. **Blocks.** A passage repeated in documents that are not copies, lying next to boilerplate in
   every one of them, is boilerplate too (a teaser under a promoted headline, a footer's second line).
5. **Lexicon.** A line, or one sentence of it, that is unmistakable furniture on its own (share/
   subscribe/follow prompts, newsletter and cookie lines, "all rights reserved", "the views
   expressed ... are the author's own", "Authored by X via Y", order-now adverts) is boilerplate in
   any single document.

:class:`BoilerplateIndex` is fitted on the whole corpus by the ``analyze`` job (a new document
that makes a passage repeat often enough turns that passage into boilerplate in the older
documents too), and its state (the fingerprints judged boilerplate, per scope) is JSON that
:meth:`BoilerplateIndex.check` uses to check a new document against what is known without the
corpus. Hand-written: no library finds repeated page furniture in plain text (boilerplate
removers such as jusText or trafilatura work on HTML, one page at a time).
"""

from __future__ import annotations

import hashlib
import math
import re as stdre
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import regex as re

from claimtrace.model import Document, Span

__all__ = [
    "BOILERPLATE_VERSION",
    "LAYER",
    "BoilerplateIndex",
    "boilerplate_spans",
    "inside_boilerplate",
    "is_furniture",
    "masked_text",
    "passages",
]

BOILERPLATE_VERSION = "boilerplate.v1"
LAYER = "boilerplate"
CORPUS = "*"  # the corpus-wide scope; outlet scopes are "o:<outlet>"

_LINE = re.compile(r"[^\n]+")
# folding runs on every line of every document: the standard library's engine is faster here
_URL = stdre.compile(r"(?:https?://|www\.)\S+")
_DIGITS = stdre.compile(r"\d+")
_NONWORD = stdre.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_PIECE = re.compile(r"[^.!?]+(?:[.!?]+[\"'”’)\]]*|$)")

# Furniture on its own, whole line or sentence (imperatives first, anchored at the start).
_LEXICON = re.compile(
    r"""^\W*(?:
      (?:quickly\s+|please\s+)?(?:share|post)\s+(?:this|the\s+best\s+of|your\s+(?:experiences?|thoughts|views|comments?))\b
    | (?:please\s+)?(?:subscribe|sign\s+up|register)\s+(?:to|for|now|here|today)\b
    | (?:like|follow)\s+us\s+(?:on|at)\b | join\s+(?:us|our)\s+(?:on|at|list|mailing|newsletter|telegram)\b
    | (?:download|get)\s+(?:our|the)\s+(?:free\s+)?app\b
    | (?:read|see)\s+(?:more|all)\s+(?:on|at|from|of)\s+(?:the\s+)?[\p{Lu}\w]
    | read\s+all\s+the\s+latest\b
    | (?:यह\s+भी\s+पढ़ें|читайте\s+также|leia\s+(?:também|mais)|прочетете\s+(?:още|също)|вижте\s+още
      |lire\s+aussi|lesen\s+sie\s+auch|lee\s+también)
    | read\s+our\s+.{0,60}\blive\s+blog\b | most\s+read\s+in\b
    | (?:please\s+)?(?:help\s+)?(?:support|donate\s+to)\s+
      (?:us|our\s+(?:work|journalism|site|efforts|mission))\b
    | pre-?order\b | (?:источник|source|fonte|източник)\s*:?\s*(?:новостной\s+сайт\s+)?[\w.-]+\.[a-z]{2,4}\b
    | do\s+you\s+have\s+a\s+story\s+for\b | email\s+us\s+at\b
    | (?:you\s+can\s+)?(?:get\s+in\s+touch|contact)\s+(?:with\s+)?[\p{Lu}]\w+\s+(?:by|via|at)\s+email
    | we\s+pay\s+for\s+your\s+stories\b
    | thank\s+you\s+for\s+(?:sharing|reading|your\s+feedback)\b | (?:feel\s+free\s+to\s+)?repost\b
    | (?:try|order)\s+(?:our|yours?)\b.{0,80}\b(?:today|now|link)\b
    | authored\s+by\s+[\p{Lu}][\w.'-]+(?:\s+[\p{Lu}][\w.'-]+){0,3}\s+via\b
    | this\s+(?:article|story|piece)\s+(?:was\s+|is\s+)?(?:originally\s+)?
      (?:published|republished|appeared)\b
    | (?:sources?|references)\s+(?:for\s+this\s+article\s+)?include\s*:
    | (?:(?:this\s+)?(?:article|story|post)\s+)?(?:posted|reprinted|republished|reproduced)
      \s+with\s+permission\b
    | (?:facebook|twitter|instagram|youtube|telegram|gab|vk)\s*:\s*(?:https?://|www\.|@)
    | (?-i:\p{Lu}[\w.'-]+(?:\s+\p{Lu}[\w.'-]+){0,3})\s+(?:is|was)\s+(?:the\s+)?(?:author|co-?author)\s+of\b
    | (?:©|\(c\)|copyright\s+(?:©|\d{4}))
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Furniture anywhere in a short line or sentence.
_LEXICON_ANY = re.compile(
    r"""(?:\bnewsletter\b.{0,60}\b(?:inbox|sign|subscribe)|\bunsubscribe\b|\bby\s+subscribing\b
    | \ball\s+rights\s+reserved\b | \bcookie\s+(?:policy|settings|preferences)\b
    | \bmoney[-\s]back\s+guarantee\b | \bbest\s+price\s*:.{0,40}\bbuy\s+new\b
    | \bcheck\s+amazon\s+for\s+pricing\b | \bclick\s+(?:here|the\s+(?:\w+\s+)?(?:link|button))\b
    | \bcontributed\s+(?:reporting\s+)?to\s+this\s+(?:report|article|story)\b
    | \(email\s+(?:him|her|them|me)\) | \btake\s+our\s+poll\b | \bstory\s+continues\s+below\b
    | ^\W*editors?(?:'|’)?s?\s+note\s*:
    | \bзапрещенн?\w*\s+(?:в\s+)?(?:России|РФ)\b | \bпризнанн\w+\s+(?:в\s+РФ\s+)?экстремистск
    | \bиспользуя\s+материалы\b
    | \bviews\s+(?:and\s+opinions\s+)?expressed\b.{0,80}\b(?:author|writer|contributor)s?\b
    | \bdo(?:es)?\s+not\s+necessarily\s+reflect\s+the\s+(?:views|position|opinions?)\b
    | \b(?:is|are)\s+available\s+without\s+charge\s+to\b
    | \bplease\s+let\s+us\s+know\s+if\s+you(?:'|’)re\s+having\s+issues\b
    | \b(?:telegram|whatsapp)\s+channel\b.{0,40}\b(?:subscribe|join|follow)\b
    | \bavailable\s+on\b.{0,40}\b(?:telegram|whatsapp|viber)\b.{0,20}\band\b | \bstories\s+curated\s+by\b
    | \b(?:subscribe|join|follow)\b.{0,40}\b(?:telegram|whatsapp|viber)\b)""",
    re.IGNORECASE | re.VERBOSE,
)
_PARAMS = (
    "outlet_min_docs",
    "corpus_min_docs",
    "corpus_rate",
    "pair_min_docs",
    "min_chars",
    "copy_similarity",
    "sample_docs",
)
_URL_LINE = re.compile(r"^\W*(?:https?://|www\.)\S+$")  # a link on a line of its own (an embed)
_QUOTED = re.compile(r"[“\"«„][^”\"»“\n]{0,300}?\w+(?:\s+[^”\"»“\s]+){2,}[^”\"»“\n]{0,300}?[”\"»]")
_REPORTING = stdre.compile(r"\b(?:said|says|told|stated|claimed|announced|according\s+to)\b", stdre.I)
_LEXICON_MAX = 300
#: every pattern of the lexicon contains one of these (folded); lines without any skip the patterns
_TRIGGERS = (
    "share", "post", "subscrib", "sign up", "register", "follow", "like us", "join", "app", "read",
    "see ", "support", "donate", "story for", "email", "pay for", "thank you", "repost", "try ",
    "order", "authored", "published", "appeared", "include", "©", "(c)", "copyright", "permission",
    "facebook", "twitter", "instagram", "youtube", "telegram", "gab", "vk", "author", "newsletter",
    "rights reserved", "cookie", "money", "best price", "amazon", "contributed", "click", "views",
    "reflect", "without charge", "let us know", "whatsapp", "viber", "curated", "poll", "continues below",
    "note", "запрещен", "экстремист", "используя", "पढ़ें", "читайте", "leia", "прочетете", "вижте", "lire",
    "lesen", "lee ", "order", "источник", "source", "fonte", "източник",
)  # fmt: skip
_CLOSERS = "\"'”’»)] "  # longer lines or sentences are never furniture by lexicon


def passages(text: str) -> list[tuple[int, int]]:
    """The non-empty lines of ``text`` as ``(start, end)``, surrounding whitespace excluded."""
    out = []
    for m in _LINE.finditer(text):
        s, e = m.start(), m.end()
        line = m.group()
        s += len(line) - len(line.lstrip())
        e -= len(line) - len(line.rstrip())
        if e > s:
            out.append((s, e))
    return out


def fold(passage: str) -> str:
    """A passage with case, URLs, digits and punctuation/spacing runs folded away."""
    p = _URL.sub(" u ", passage.casefold())
    p = _DIGITS.sub("0", p)
    return _NONWORD.sub(" ", p).strip()


def fingerprint(folded: str) -> int:
    """A signed 64-bit hash of a folded passage (fits an SQL integer and JSON)."""
    return int.from_bytes(hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def is_furniture(piece: str) -> bool:
    """A line or sentence that is page furniture on its own (share/subscribe lines, adverts ...)."""
    piece = piece.strip()
    if not piece or len(piece) > _LEXICON_MAX:
        return False
    return _triggered(piece.casefold()) and _furniture(piece)


def _triggered(folded: str) -> bool:
    """A cheap test before the patterns: every pattern holds one of :data:`_TRIGGERS`."""
    return any(word in folded for word in _TRIGGERS)


def _furniture(piece: str) -> bool:
    return bool(_LEXICON.match(piece) or _LEXICON_ANY.search(piece))


def _lexicon_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Furniture within one line: the whole line, or the sentences of it that are furniture."""
    line = text[start:end]
    if _URL_LINE.match(line):
        return [(start, end)]
    if not _triggered(line.casefold()):
        return []
    if len(line) <= _LEXICON_MAX and _furniture(line):
        return [(start, end)]
    out = []
    for m in _PIECE.finditer(line):
        piece = m.group()
        if piece.strip() and len(piece) <= _LEXICON_MAX and _furniture(piece.strip()):
            lead = len(piece) - len(piece.lstrip())
            out.append((start + m.start() + lead, start + m.start() + len(piece.rstrip())))
    return out


def _scope(outlet: str | None) -> str | None:
    return f"o:{outlet.casefold().strip()}" if outlet and outlet.strip() else None


def _doc_outlet(doc: Document) -> str | None:
    url = doc.meta.get("url") if isinstance(doc.meta, dict) else None
    if doc.outlet:
        return doc.outlet
    if isinstance(url, str):
        m = re.match(r"(?:https?://)?(?:www\.)?([^/\s:]+)", url)
        return m.group(1) if m else None
    return None


def _merge(spans: Iterable[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """Sort and merge spans that overlap or are separated by whitespace only."""
    out: list[tuple[int, int, str]] = []
    for s, e, why in sorted(spans):
        if out and (s <= out[-1][1] or not text[out[-1][1] : s].strip()):
            ps, pe, pwhy = out[-1]
            reasons = pwhy if why in pwhy.split("+") else f"{pwhy}+{why}"
            out[-1] = (ps, max(pe, e), reasons)
        else:
            out.append((s, e, why))
    return out


def headline_like(line: str) -> bool:
    """A short line that reads as a heading or a link to another article, not as a sentence:
    3-20 words, in capitals, in title case without a final full stop, or cut short with "..."
    (not a tweet's signature)."""
    words = line.split()
    if not 3 <= len(words) <= 20 or len(line) > 160:
        return False
    letters = [ch for ch in line if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters):
        return True
    if line[:1] in "—–-" or "(@" in line:
        return False
    if line.rstrip().endswith(("...", "…")):  # a truncated teaser: a link to another article
        return True
    if line.rstrip(_CLOSERS)[-1:] in ".?!;,":
        return False
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words)


def reports_something(line: str) -> bool:
    """Whether a line carries an attributed statement (a quotation of three words or more, or a
    reporting verb): such passages are news even when an outlet repeats them."""
    return bool(_REPORTING.search(line)) or (any(q in line for q in '“"«„') and bool(_QUOTED.search(line)))


@dataclass
class _Passage:
    start: int
    end: int
    fp: int | None  # None: too short to count
    marked: bool = False  # looks like furniture (a heading, or a furniture sentence in it)
    reports: bool = False  # carries an attributed statement (never boilerplate by repetition)


def _doc_passages(text: str, min_chars: int, *, mark: bool = False) -> list[_Passage]:
    out = []
    for s, e in passages(text):
        folded = fold(text[s:e])
        fp = fingerprint(folded) if len(folded) >= min_chars else None
        lexicon = mark and fp is not None and bool(_lexicon_spans(text, s, e))
        marked = lexicon or (mark and fp is not None and headline_like(text[s:e]))
        reports = mark and fp is not None and not lexicon and reports_something(text[s:e])
        out.append(_Passage(s, e, fp, marked, reports))
    return out


class BoilerplateIndex:
    """Repeated passages per outlet and corpus-wide, judged boilerplate or not (module docstring)."""

    def __init__(
        self,
        *,
        outlet_min_docs: int = 3,
        corpus_min_docs: int = 4,
        corpus_rate: float = 0.0005,
        pair_min_docs: int = 2,
        min_chars: int = 12,
        copy_similarity: float = 0.5,
        sample_docs: int = 12,
    ) -> None:
        self.outlet_min_docs = outlet_min_docs
        self.corpus_min_docs = corpus_min_docs
        self.corpus_rate = corpus_rate
        self.pair_min_docs = pair_min_docs
        self.min_chars = min_chars
        self.copy_similarity = copy_similarity
        self.sample_docs = sample_docs
        self.documents = 0
        self.known: dict[str, dict[int, int]] = {}  # scope -> fingerprint -> documents carrying it
        self.copied = 0  # candidates left alone as copied stories in the last fit

    def corpus_threshold(self, n_docs: int) -> int:
        """Documents a passage must appear in, corpus-wide, at ``n_docs`` documents."""
        return max(self.corpus_min_docs, math.ceil(self.corpus_rate * n_docs))

    # ----------------------------------------------------------------------------- fit
    def fit(self, docs: Sequence[Document]) -> BoilerplateIndex:
        """Learn the boilerplate passages of ``docs`` (the whole corpus; replaces what was known)."""
        self.documents = len(docs)
        self.copied = 0
        fps: list[int] = []
        owners: list[int] = []
        scopes: list[int] = []
        scope_ids: dict[str, int] = {}
        marked: set[int] = set()
        reporting: set[int] = set()
        for d, doc in enumerate(docs):
            scope = _scope(_doc_outlet(doc))
            sid = -1 if scope is None else scope_ids.setdefault(scope, len(scope_ids))
            found = _doc_passages(doc.text, self.min_chars, mark=True)
            marked.update(p.fp for p in found if p.marked and p.fp is not None)
            reporting.update(p.fp for p in found if p.reports and p.fp is not None)
            for fp in {p.fp for p in found if p.fp is not None}:
                fps.append(fp)
                owners.append(d)
                scopes.append(sid)
        fp_arr = np.asarray(fps, dtype=np.int64)
        doc_arr = np.asarray(owners, dtype=np.int64)
        scope_arr = np.asarray(scopes, dtype=np.int64)
        del fps, owners, scopes
        known: dict[str, dict[int, int]] = defaultdict(dict)
        words: dict[int, frozenset[str]] = {}
        names = {v: k for k, v in scope_ids.items()}
        k_corpus = self.corpus_threshold(len(docs))
        repeated: dict[int, np.ndarray] = {}  # passages in >= 2 documents not (yet) boilerplate
        _, inverse, counts = np.unique(fp_arr, return_inverse=True, return_counts=True)
        rows = np.flatnonzero(counts[inverse] >= min(2, self.pair_min_docs))
        order = rows[np.argsort(inverse[rows], kind="stable")]
        for rows_of in np.split(order, np.flatnonzero(np.diff(inverse[order])) + 1) if len(order) else []:
            fp = int(fp_arr[rows_of[0]])
            if fp in reporting:
                continue
            carriers = doc_arr[rows_of]
            hits: dict[str, np.ndarray] = {}
            if len(carriers) >= k_corpus or (len(carriers) >= self.pair_min_docs and fp in marked):
                hits[CORPUS] = carriers
            sc = scope_arr[rows_of]
            for sid in np.unique(sc[sc >= 0]).tolist():
                of_outlet = carriers[sc == sid]
                if len(of_outlet) >= self.outlet_min_docs:
                    hits[names[sid]] = of_outlet
            for scope, members in hits.items():
                if self._copied_story(members, docs, words):
                    self.copied += 1
                    continue
                known[scope][fp] = len(members)
            if not any(fp in known[scope] for scope in hits):
                repeated[fp] = carriers
        self._extend_blocks(docs, known, repeated, words)
        self.known = dict(known)
        return self

    def _extend_blocks(
        self,
        docs: Sequence[Document],
        known: dict[str, dict[int, int]],
        repeated: dict[int, np.ndarray],
        words: dict[int, frozenset[str]],
    ) -> None:
        """A repeated passage next to boilerplate in every document carrying it joins it (the
        teaser under a promoted headline, the second line of a footer block)."""
        if not repeated or not known:
            return
        boiler = {fp for fps in known.values() for fp in fps}
        scan = sorted({int(d) for carriers in repeated.values() for d in carriers.tolist()})
        beside: dict[int, int] = defaultdict(int)
        for d in scan:
            seq = [p.fp for p in _doc_passages(docs[d].text, self.min_chars)]
            hits = {
                fp
                for i, fp in enumerate(seq)
                if fp in repeated
                and ((i > 0 and seq[i - 1] in boiler) or (i + 1 < len(seq) and seq[i + 1] in boiler))
            }
            for fp in hits:
                beside[fp] += 1
        for fp, n in beside.items():
            carriers = repeated[fp]
            if n == len(carriers) and not self._copied_story(carriers, docs, words):
                known[CORPUS][fp] = n

    def _copied_story(
        self, members: np.ndarray, docs: Sequence[Document], cache: dict[int, frozenset[str]]
    ) -> bool:
        """Whether the documents carrying a passage are copies of one story (alike as wholes)."""
        sample = members[:: max(1, len(members) // self.sample_docs)][: self.sample_docs].tolist()
        sets = []
        for d in sample:
            got = cache.get(d)
            if got is None:
                got = cache[d] = frozenset(w.casefold() for w in _WORD.findall(docs[d].text))
            sets.append(got)
        sims = [len(a & b) / len(a | b) if a or b else 1.0 for i, a in enumerate(sets) for b in sets[i + 1 :]]
        return bool(sims) and sum(sims) / len(sims) >= self.copy_similarity

    # --------------------------------------------------------------------------- check
    def check(self, doc: Document) -> list[tuple[int, int, str]]:
        """Boilerplate spans ``(start, end, reason)`` of ``doc`` given what is known.

        ``reason`` is ``outlet`` (repeated on the document's outlet), ``corpus`` (repeated across
        the corpus) or ``lexicon`` (furniture on its own), joined with ``+`` where several apply.
        """
        text = doc.text
        scope = _scope(_doc_outlet(doc))
        corpus = self.known.get(CORPUS, {})
        outlet = self.known.get(scope, {}) if scope else {}
        spans: list[tuple[int, int, str]] = []
        for p in _doc_passages(text, self.min_chars):
            if p.fp is not None and p.fp in outlet:
                spans.append((p.start, p.end, "outlet"))
            elif p.fp is not None and p.fp in corpus:
                spans.append((p.start, p.end, "corpus"))
            else:
                spans.extend((s, e, "lexicon") for s, e in _lexicon_spans(text, p.start, p.end))
        return _merge(spans, text)

    # --------------------------------------------------------------------------- state
    def to_state(self) -> dict[str, Any]:
        """JSON-serialisable state: parameters, corpus size and the boilerplate fingerprints per scope."""
        return {
            "version": BOILERPLATE_VERSION,
            "params": self.get_params(),
            "documents": self.documents,
            "known": {scope: sorted([fp, n] for fp, n in fps.items()) for scope, fps in self.known.items()},
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> BoilerplateIndex:
        """The index saved by :meth:`to_state`."""
        index = cls(**state.get("params", {}))
        index.documents = int(state.get("documents", 0))
        known = state.get("known", {})
        index.known = {scope: {int(fp): int(n) for fp, n in rows} for scope, rows in known.items()}
        return index

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters."""
        return {name: getattr(self, name) for name in _PARAMS}


def boilerplate_spans(doc: Document) -> list[Span]:
    """The ``boilerplate`` layer of ``doc`` (empty when none was set)."""
    return list(doc.layers.get(LAYER) or [])


def masked_text(doc: Document) -> str:
    """``doc.text`` with its boilerplate blanked (same length; line breaks kept, offsets unchanged)."""
    spans = boilerplate_spans(doc)
    if not spans:
        return doc.text
    parts = []
    last = 0
    text = doc.text
    for span in sorted(spans, key=lambda s: s.start):
        s, e = max(span.start, last), min(span.end, len(text))
        if e <= s:
            continue
        parts.append(text[last:s])
        parts.append("".join("\n" if ch == "\n" else " " for ch in text[s:e]))
        last = e
    parts.append(text[last:])
    return "".join(parts)


def inside_boilerplate(doc: Document, start: int, end: int) -> bool:
    """Whether most of ``[start, end)`` of ``doc`` lies in its boilerplate layer."""
    spans = doc.layers.get(LAYER)
    if not spans or end <= start:
        return False
    covered = sum(max(0, min(end, s.end) - max(start, s.start)) for s in spans)
    return covered * 2 > end - start
