"""Attributed claims: who says what, with which cue, in which words.

Extraction has two steps:

1. :func:`claimtrace.nlp.tagger.tag` labels every token source, cue, content or outside with a
   model learned from the PolNeAR train split (a linear model over hashed features: words,
   shapes, cue lexicon classes, quotation context, the nearest cue-like word in the sentence;
   then a small convolutional network over its scores and MiniLM word vectors);
2. :func:`find_attributions` decodes the labels into relations. Runs of one label stop at
   sentence boundaries outside quotations (a full stop tagged as content does not glue two
   sentences into one span; an unquoted content span leaves out its final full stop). Cue runs
   anchor relations (auxiliaries and adverbs just left of a cue join it: "has also said";
   "according to" is kept whole); every source and content run joins the nearest cue on
   either side, counting the words in between and charging for crossing sentence and
   paragraph boundaries, so that ``“A,” he said. “B,” she added.`` gives B to *added*; a
   source run right after a cue (``..., said Ada Morn, ...``) stays with it; ``according to``
   with no tagged source takes the untagged words right after it, and a speech cue with no
   tagged source takes a name closing the clause after it (``“...,” said Okafor.``). A
   relation keeps its closest source run and all its content runs (content may have several segments; runs of
   the same sentence at most :data:`CON_GAP` unlabelled tokens apart are joined). A relation
   with content but no source shares the source of the previous relation in its sentence
   (``X said A, adding B``; ``X attacked Y and suggested B``). A relation that has a source
   but no content right after another relation's cue (``..., the statement said, AGENCY
   reported.``) becomes that relation's ``via``. Relations whose cue is punctuation, which the
   tagger does not build, come from line rules (:func:`_line_cues`): ``Name: Headline`` and
   quotations or tweets signed ``— Name``.

``cues="all"`` returns every relation (belief and volition too: PolNeAR annotates them and the
evaluation uses them); ``cues="report"`` (claims) keeps relations with content whose cue holds a
speech-act or evidential verb (:data:`claimtrace.nlp.cues.REPORT_FORMS`), ``according to`` or a
colon, and belief / volition cues only with an explicit ``that`` clause.
:func:`find_claims` turns them into :class:`Claim` records with speakers resolved to entity
keys (:mod:`claimtrace.nlp.speakers`), hedges, and the outlet's own unattributed assertions.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from claimtrace.model import Claim, Mention
from claimtrace.nlp.cues import REPORT_FORMS
from claimtrace.nlp.quotes import Quote, find_quotes
from claimtrace.nlp.tagger import CUE, SRC, Tokens, tag

Span2 = tuple[int, int]

# words joining a cue on its left ("has also said", "did not deny")
AUX_LEFT = frozenset(
    [
        "has",
        "have",
        "had",
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "being",
        "also",
        "not",
        "did",
        "does",
        "do",
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "should",
        "must",
        "never",
        "later",
        "previously",
        "repeatedly",
        "publicly",
        "reportedly",
        "already",
        "still",
        "just",
        "even",
        "often",
        "once",
        "again",
        "now",
        "then",
        "first",
        "recently",
        "'s",
        "'ve",
        "'d",
        "'ll",
    ]
)
LEAD_ADVERBS = frozenset(
    [
        "however",
        "meanwhile",
        "later",
        "earlier",
        "still",
        "also",
        "yet",
        "instead",
        "separately",
        "indeed",
        "then",
        "now",
        "so",
    ]
)
_LEAD_WORDS = LEAD_ADVERBS | {"and", "but"}
MAX_COST = 40  # a run farther than this (in words, with boundary charges) from every cue is dropped
SENT_CHARGE = 6
MAX_SOURCE_GAP = 4  # unlabelled tokens allowed between two pieces of one source
PARA_CHARGE = 30
CON_GAP = 12  # unlabelled tokens allowed inside one content run (chosen on a held-out tenth of train)


@dataclass(slots=True)
class Attribution:
    """A span-level attribution relation (character offsets into the text)."""

    kind: str
    cue: Span2
    source: Span2 | None
    content: list[Span2]
    start: int
    end: int
    lemma: str = ""
    via: Span2 | None = None
    quotes: list[int] = field(default_factory=list)  # kept for callers; the tagger fills content itself


class _Doc:
    """Per-text state: quotes and an index to ask whether a position is inside a real quote."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.all_quotes = find_quotes(text)
        self.quotes = [q for q in self.all_quotes if not q.scare]
        self.q_starts = [q.start for q in self.quotes]

    def quote_at(self, pos: int) -> int | None:
        i = bisect.bisect_right(self.q_starts, pos) - 1
        if i >= 0 and self.quotes[i].start <= pos < self.quotes[i].end:
            return i
        return None


def _low(w: str) -> str:
    return w.lower().replace("’", "'")


def _fix_cues(tok: Tokens, lab: np.ndarray) -> np.ndarray:
    """Auxiliaries left of a cue join it; ``according`` takes its ``to``."""
    lab = lab.copy()
    words = tok.words
    n = len(lab)
    is_cue = lab == CUE
    heads = np.flatnonzero(is_cue & ~np.concatenate([[False], is_cue[:-1]]))
    if not len(heads):
        return lab
    cue_l, para_l = is_cue.tolist(), tok.para_start.tolist()  # (joined auxiliaries are never heads)
    for i in heads.tolist():
        j = i - 1
        while j >= 0 and not cue_l[j] and not para_l[j + 1]:
            w = _low(words[j])
            if w in AUX_LEFT or w.endswith("n't"):
                j -= 1
            else:
                break
        lab[j + 1 : i] = CUE
        if _low(words[i]) == "according" and i + 1 < n and _low(words[i + 1]) == "to":
            lab[i + 1] = CUE
    return lab


def _runs(tok: Tokens, lab: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs (label, first, end) of one label; one unlabelled punctuation mark may bridge.

    Runs stop at sentence boundaries outside quotations (a full stop tagged as content does not
    glue two sentences into one content span).
    """
    n = len(lab)
    out: list[tuple[int, int, int]] = []
    if n == 0:
        return out
    words = tok.words
    # a run ends where the label changes, and at a sentence boundary outside quotations
    breaks = np.zeros(n, dtype=bool)
    breaks[1:] = (tok.sent[1:] != tok.sent[:-1]) & ~tok.inq[1:]
    change = np.flatnonzero((np.diff(lab) != 0) | (breaks[1:] & (lab[1:] != 0))) + 1
    bounds = [0, *change.tolist(), n]
    segs = [(int(lab[a]), a, b) for a, b in itertools.pairwise(bounds)]
    brk = breaks.tolist()
    for seg in segs:
        lbl, a, b = seg
        if out and lbl != 0:
            pl, pa, pb = out[-1]
            if pl == lbl and pb == a and not brk[a]:
                out[-1] = (pl, pa, b)
                continue
        if lbl == 0 and b - a == 1 and not words[a][0].isalnum() and out and b < n:
            nxt = int(lab[b])
            same_sentence = tok.sent[b] == tok.sent[a - 1] or bool(tok.inq[b])
            if nxt == out[-1][0] and out[-1][2] == a and not tok.para_start[b] and same_sentence:
                out[-1] = (out[-1][0], out[-1][1], b)  # bridge: the next run merges on arrival
                continue
        if lbl != 0:
            out.append(seg)
    return out


def _decode(doc: _Doc, tok: Tokens, lab: np.ndarray) -> list[Attribution]:
    """Group labelled runs into relations around the cue runs."""
    text = doc.text
    lab = _fix_cues(tok, lab)
    runs = _runs(tok, lab)
    cues = [r for r in runs if r[0] == CUE]
    if not cues:
        return []
    cue_first = [c[1] for c in cues]
    # plain lists: the loops below index them one element at a time
    wc = [0, *np.cumsum(tok.alnum & (lab != SRC)).tolist()]  # sources sit between cue and content
    para = [0, *np.cumsum(tok.para_start).tolist()]
    sent = tok.sent.tolist()
    starts, ends = tok.starts.tolist(), tok.ends.tolist()
    cue_sent = tok.sent[[c[1] for c in cues]]
    s_lo_all = np.searchsorted(tok.sent, cue_sent, side="left").tolist()
    s_hi_all = (np.searchsorted(tok.sent, cue_sent, side="right") - 1).tolist()
    srcs: list[list[tuple[int, int]]] = [[] for _ in cues]
    cons: list[list[tuple[int, int]]] = [[] for _ in cues]
    for lbl, a, b in runs:
        if lbl == CUE:
            continue
        k = bisect.bisect_left(cue_first, a)
        best: tuple[float, int] | None = None
        for kk in (k - 1, k):
            if not 0 <= kk < len(cues):
                continue
            _l, ca, cb = cues[kk]
            g0, g1 = (cb, a) if cb <= a else (b, ca)
            cost = float(wc[g1] - wc[g0])
            cost += SENT_CHARGE * (sent[g1] - sent[g0 - 1])  # boundaries crossed in between
            cost += PARA_CHARGE * (para[g1 + 1] - para[g0])
            if lbl == SRC and kk == k:
                cost -= 0.5  # sources usually precede their cue
            elif lbl == SRC and cb == a:
                cost -= 1.0  # "..., said Ada Morn, a spokeswoman who ...": right after the cue
            if best is None or cost < best[0]:
                best = (cost, kk)
        if best is None or best[0] > MAX_COST:
            continue
        (srcs if lbl == SRC else cons)[best[1]].append((a, b))
    out = []
    for k, (_l, ca, cb) in enumerate(cues):
        cue = (starts[ca], ends[cb - 1])
        source = None
        if srcs[k]:
            a, b = _source_run(srcs[k], ca, cb, lab)
            if (b - a > 2 and _low(tok.words[a]) in _LEAD_WORDS) or (
                b - a > 2 and tok.words[a].endswith("ly") and tok.words[a + 1] == ","
            ):
                a += 2 if tok.words[a + 1] == "," else 1  # "Previously, the spokesperson ..."
            source = _strip(text, (starts[a], ends[b - 1]))
        elif _low(tok.words[ca]) == "according":  # "according to" names its source: take it when untagged
            j = cb
            while j < len(lab) and j - cb < 12 and lab[j] == 0 and tok.alnum[j] and sent[j] == sent[cb - 1]:
                j += 1
            if j > cb:
                source = (starts[cb], ends[j - 1])
        else:
            found = _untagged_source(tok, lab, cb, quoted_before=any(b <= ca for _a, b in cons[k]))
            if found is not None:
                source = (starts[found[0]], ends[found[1] - 1])
                cons[k] = [(a, b) for a, b in cons[k] if b <= found[0] or a >= found[1]]
        content = [
            _strip(text, (starts[a], ends[b - 1 - _final_stop(tok, a, b)]))
            for a, b in _join_content(cons[k], lab, sent)
        ]
        content = [c for c in content if c[0] < c[1]]
        words = [_low(w) for w in tok.words[ca:cb]]
        lemma = next((w for w in words if w in REPORT_FORMS), words[0] if words else "")
        s_lo = starts[s_lo_all[k]]
        s_hi = ends[s_hi_all[k]]
        kind = "according_to" if words[:1] == ["according"] else "indirect"
        att = Attribution(kind, cue, source, content, s_lo, s_hi, lemma)
        if kind != "according_to" and content and _quoted_share(doc, content) >= 0.5:
            att.kind = "direct"
        spans = [cue, *content, *([source] if source else [])]
        att.start = min([s_lo, *(s for s, _e in spans)])
        att.end = max([s_hi, *(e for _s, e in spans)])
        out.append(att)
    _share_sources(out, [sent[ca] for _l, ca, _cb in cues])
    return _fold_via(text, out)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word[:1].isalpha()


def _untagged_source(tok: Tokens, lab: np.ndarray, cb: int, *, quoted_before: bool) -> tuple[int, int] | None:
    """A speaker the tagger missed after a speech cue: ``“...,” said Ada Morn.``

    When the relation's content comes before the cue: capitalised words (with their ``.`` and
    ``'``) up to the end of the clause, even if tagged as content. A token range or ``None``.
    """
    words = tok.words
    if _low(words[cb - 1]) not in REPORT_FORMS:
        return None
    n, sent = len(words), tok.sent
    if quoted_before and cb < n and _capitalised(words[cb]) and lab[cb] != CUE:
        j = cb
        clause = sent[cb - 1]
        while j < n and sent[j] == clause and lab[j] != CUE and (_capitalised(words[j]) or words[j] == "."):
            j += 1
        while words[j - 1] == ".":
            j -= 1
        if j == n or sent[j] != clause or words[j] in (",", ".", ";", "—", "(", "!", "?"):
            return cb, j
    return None


def _final_stop(tok: Tokens, a: int, b: int) -> int:
    """1 when an unquoted content run ``a:b`` ends with a full stop token (left out of the span)."""
    return int(b - a > 1 and tok.words[b - 1] in (".", "!", "?") and not tok.inq[b - 1])


def _share_sources(atts: list[Attribution], sents: list[int]) -> None:
    """``X said A, saying B`` / ``X attacked Y and then suggested B``: the later cue shares X.

    A relation with content but no source takes the source of the previous relation when both
    cues are in the same sentence (PolNeAR links one source span to both relations).
    """
    for k in range(1, len(atts)):
        att, prev = atts[k], atts[k - 1]
        if att.source is not None or not att.content or prev.source is None or sents[k] != sents[k - 1]:
            continue
        if prev.source[0] < att.cue[0]:
            att.source = prev.source


def _join_content(runs: list[tuple[int, int]], lab: np.ndarray, sent: list[int]) -> list[tuple[int, int]]:
    """Content runs of one relation a few unlabelled tokens apart (same sentence) become one."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(runs):
        if out:
            pa, pb = out[-1]
            if 0 <= a - pb <= CON_GAP and sent[a] == sent[pb - 1] and not lab[pb:a].any():
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


def _source_run(runs: list[tuple[int, int]], ca: int, cb: int, lab: np.ndarray) -> tuple[int, int]:
    """The source run closest to the cue, joined with source runs a short unlabelled gap away."""
    runs = sorted(runs)
    i = min(range(len(runs)), key=lambda j: runs[j][0] - cb if runs[j][0] >= cb else ca - runs[j][1])
    a, b = runs[i]
    for j in range(i - 1, -1, -1):  # leftwards: "David Kamin, an adviser ..., said"
        pa, pb = runs[j]
        if a - pb <= MAX_SOURCE_GAP and not lab[pb:a].any():
            a = pa
        else:
            break
    for j in range(i + 1, len(runs)):
        na, nb = runs[j]
        if na - b <= MAX_SOURCE_GAP and not lab[b:na].any():
            b = nb
        else:
            break
    return a, b


def _strip(text: str, span: Span2) -> Span2:
    s, e = span
    while s < e and (text[s].isspace() or text[s] in '“”"‘’,:;—–-'):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in '“”"‘’,:;—–-'):
        e -= 1
    return s, e


def _fold_via(text: str, atts: list[Attribution]) -> list[Attribution]:
    """``..., the statement said, AGENCY reported.``: the second relation is the first's ``via``."""
    out: list[Attribution] = []
    for att in atts:
        prev = out[-1] if out else None
        if prev is None or att.content or att.source is None or att.source[0] > att.cue[0]:
            out.append(att)
            continue
        # "..., the statement said, AGENCY reported." and "X said Y, AGENCY reported."
        end = max(prev.cue[1], (prev.source or prev.cue)[1], *(e for _s, e in prev.content))
        if re.fullmatch(r"[\s”\"’']*,[\s”\"’']*", text[end : att.source[0]]):
            prev.via = att.source
            prev.end = max(prev.end, att.end)
            continue
        out.append(att)
    return out


_WORDS = re.compile(r"\w+")


def _quoted_share(doc: _Doc, content: list[Span2]) -> float:
    """Share of the words of ``content`` that lie inside a real quotation."""
    text = doc.text
    total = inside = 0
    for s, e in content:
        total += len(_WORDS.findall(text, s, e))
        i = max(0, bisect.bisect_right(doc.q_starts, s) - 1)
        while i < len(doc.quotes) and doc.quotes[i].start < e:
            q = doc.quotes[i]
            lo, hi = max(s, q.start), min(e, q.end)
            if lo < hi:  # a quote opens on a mark, so no word straddles ``lo``
                inside += len(_WORDS.findall(text, lo, hi))
            i += 1
    return inside / total if total else 0.0


def _is_report(text: str, att: Attribution) -> bool:
    """Claims keep speech acts, evidentials, ``according to`` and colon cues; beliefs need ``that``."""
    if not att.content:
        return False
    words = [_low(w) for w in _WORDS.findall(text[att.cue[0] : att.cue[1]])]
    if not words or att.kind == "according_to" or any(w in REPORT_FORMS for w in words):
        return True
    first = _WORDS.findall(text[att.content[0][0] : att.content[0][1]])
    return bool(first) and first[0].lower() == "that" and len(first) >= 5


# "Name: words" and "words — Name (@handle)" lines: a name is capitalised words with a few glue words
_NAME = r"[A-Z][\w.'’&-]*(?:\s+(?:[A-Z][\w.'’&-]*|of|the|de|for|and|&|von|van|al))*"
_COLON_LINE = re.compile(
    rf"[ \t]*({_NAME})(?:[ \t]*(:)[ \t\u00a0]+|[ \t]+([―—–])[ \t]+(?=[\"“‘]))(\S[^\n]*)"
)  # "Name: words", 'Name ― "words"'
_SIGNED_LINE = re.compile(rf"[ \t]*(?:(.*\S)[ \t]+)?[―—–-][ \t]*({_NAME}(?:[ \t]*\(@\w+\))?)[^\n]*")
# colon labels of news pages that name no speaker ("Update: ...", "Photo: ...")
_LABELS = frozenset(
    """update updated updates related photo photos image images video source sources editor note notes
    read more watch see also correction disclosure via click breaking exclusive opinion analysis
    question answer q a warning caption credit credits tags posted filed bonus listen subscribe
    live developing advertisement full transcript day step part chapter price cost date time
    location when where what why how who latest daily podcast newsletter roundup recap briefing
    contributing revealed""".split()  # noqa: SIM905
)


def _name_ok(name: str) -> bool:
    words = name.split()
    edges = {_low(words[0]).strip("."), _low(words[-1]).strip(".").removesuffix("'s")}
    shouted = len(name) > 3 and name.isupper()  # "BREAKING", "STAT OF THE WEEK": page labels
    return 1 <= len(words) <= 6 and not edges & _LABELS and words[-1][:1].isupper() and not shouted


def _name_list(rest: str) -> bool:
    """``Ada Morn, Tom Reyn, Ilse Brand``: a list of names, not something said."""
    return rest.count(",") >= 2 and not re.search(r"\b[a-z]{4,}\b", rest)


def _headline_like(rest: str) -> bool:
    """Most words capitalised (a title), or an opening quotation mark."""
    if rest[:1] in '"“‘':
        return True
    words = [w for w in _WORDS.findall(rest) if w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) * 3 >= len(words) * 2


def _line_cues(doc: _Doc, atts: list[Attribution]) -> list[Attribution]:
    """Relations whose cue is punctuation, which the tagger does not build (PolNeAR annotates them).

    ``John Okafor: Budget Talks Have Failed`` (a headline or a line of links: the colon is the
    cue, the name the source, the rest of the line the content) and ``“...” — Ada Morn
    (@adamorn)`` / a line ``- Ada Morn.`` after a quotation (a signed tweet or quote: the dash
    is the cue, the text before it on the line, else the paragraph before, the content). Only
    lines on which the tagger found no relation with content; its content-less ones there give way.
    """
    text = doc.text
    cue_starts = sorted(a.cue[0] for a in atts if a.content)
    out = list(atts)
    prev: tuple[int, int] | None = None  # the previous non-empty line
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.span()
        line_prev, prev = prev, (s, e)
        i = bisect.bisect_left(cue_starts, s)
        if (i < len(cue_starts) and cue_starts[i] < e) or text[s : s + 1] == "<":  # markup: not prose
            continue
        att = _colon_line(text, s, e) or _signed_line(text, s, e, line_prev)
        if att is not None:
            if _quoted_share(doc, att.content) >= 0.5:
                att.kind = "direct"
            out = [a for a in out if a.content or not s <= a.cue[0] < e]  # the tagger's cue without content
            out.append(att)
    out.sort(key=lambda a: a.cue[0])
    return out


def _colon_line(text: str, s: int, e: int) -> Attribution | None:
    m = _COLON_LINE.fullmatch(text, s, e)
    if m is None or not _name_ok(m.group(1)):
        return None
    rest = m.group(4)
    if len(_WORDS.findall(rest)) < 3 or _name_list(rest) or " and " in m.group(1):
        return None
    if len(m.group(1).split()) == 1 and not _headline_like(rest):
        return None
    cue = m.span(2) if m.group(2) else m.span(3)
    content = _strip(text, m.span(4))
    return Attribution("indirect", cue, m.span(1), [content], s, e, text[cue[0] : cue[1]])


def _signed_line(text: str, s: int, e: int, prev: tuple[int, int] | None) -> Attribution | None:
    m = _SIGNED_LINE.fullmatch(text, s, e)
    if m is None or not _name_ok(m.group(2).split("(")[0]):
        return None
    dash = next(k for k in range(m.end(1) if m.group(1) else s, m.start(2)) if text[k] in "―—–-")
    if m.group(1):
        content = _strip(text, m.span(1))
        body = m.group(1)
        quoted = text[content[0] : content[0] + 1] in '"“' or text[content[1] - 1 : content[1]] in '"”'
        if not (quoted or "pic.twitter" in body or "http" in body or "#" in body):
            return None  # "words — Name" is a signature only after a quote, a tweet or a link
    elif prev is not None and text[prev[1] - 1 : prev[1]] in '"”':
        content = _strip(text, prev)  # "- Ada Morn." under a quoted paragraph
    else:
        return None
    if len(_WORDS.findall(text[content[0] : content[1]])) < 3:
        return None
    source = _strip(text, m.span(2))
    if text[source[1] - 1] == "." and len(text[source[0] : source[1]].split()[-1]) > 3:
        source = (source[0], source[1] - 1)  # "- Ada Morn." ends a sentence; "Ada Morn Jr." keeps it
    return Attribution("indirect", (dash, dash + 1), source, [content], min(content[0], s), e, "—")


def find_attributions(
    text: str, sentences: list[tuple[int, int]], *, cues: str = "report"
) -> list[Attribution]:
    """Span-level attribution relations of ``text``.

    ``cues="report"`` keeps the relations that make claims (speech acts and evidentials);
    ``cues="all"`` returns every relation the tagger finds (beliefs and volitions too).
    """
    return _extract(_Doc(text), sentences, cues)


def _extract(doc: _Doc, sentences: list[tuple[int, int]], cues: str) -> list[Attribution]:
    tok, lab = tag(doc.text, sentences, quotes=doc.all_quotes)
    atts = _decode(doc, tok, lab)
    atts = _line_cues(doc, atts)
    if cues != "all":
        atts = [a for a in atts if _is_report(doc.text, a)]
    return atts


def find_claims(text: str, sentences: list[tuple[int, int]], mentions: list[Mention]) -> list[Claim]:
    """Attributed claims (direct, indirect, according_to) and outlet-voiced factual claims.

    Each relation becomes one claim per content segment; the speaker is resolved to an entity
    key through ``mentions``; hedges and distance markers are collected around the claim.
    """
    from claimtrace.nlp.speakers import build_claims

    doc = _Doc(text)
    return build_claims(text, sentences, mentions, _extract(doc, sentences, "report"), doc=doc)


__all__ = ["Attribution", "Quote", "find_attributions", "find_claims"]
