"""A learned attribution tagger: every token is labelled source, cue, content or outside.

PolNeAR annotations are univocal (every token has at most one role in at most one
attribution), so attribution extraction is a tagging problem. This module holds the
*inference* side, in two stages:

1. **stage 1** is a linear model over hashed sparse features, scored with numpy: the token's
   window (words, suffixes, shapes, curated cue classes, MiniLM word classes from
   :mod:`claimtrace.nlp.wordvec`), its quotation context (inside a quote; does a cue-like word
   follow the closing mark or precede the opening one) and the nearest cue-like word on each
   side within the sentence (which word, how far, with how many commas, ``that`` or quote
   marks in between);
2. **stage 2** is a small network (:class:`claimtrace.nlp.tagger_model.Net`: five dilated 1-D
   convolutions, 32 channels, receptive field 63 tokens) over the stage-1 scores, each word's
   MiniLM vector (48 dimensions, so an unseen cue verb resembles seen ones) and shape / cue
   class / quote / sentence / paragraph flags (:func:`dense_inputs`); its scores are added to
   the stage-1 scores, and the labels are decoded with learned scores for adjacent label
   pairs (:meth:`claimtrace.nlp.tagger_model.Net.decode`). Models without the network (the
   earlier version) use a second linear stage over the stage-1 labels of the neighbours and
   the nearest stage-1 cues (:func:`stage2_extra`).

Every feature is a template id combined with per-token integer values and hashed into
:data:`DIM` buckets, so the model file holds only weights (no vocabulary, no text).

**Speed.** Per word *type* attributes (hash, suffix hash, shape, cue class, word classes and
vector) are computed once
and kept in a process-wide table (:class:`_Vocab`); token offsets come from the positions of
the non-space characters (:func:`_token_spans`); each stage's templates are compiled once into
a :class:`_Plan` that hashes all templates of one arity in a single numpy pass over a
(columns x tokens) matrix; scoring packs a bucket's four int8 weights into one uint64
(:mod:`claimtrace.nlp.tagger_model`), so a token's scores are one integer sum. A document
costs a few dozen numpy calls, independent of the number of templates; the network is a few
small matrix products on one BLAS thread. The weights live in
``data/attribution_tagger.npz`` and are rebuilt from the PolNeAR train split by
``python -m claimtrace.evaluation.polnear train DIR`` (see
:mod:`claimtrace.evaluation.polnear_train`).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

import numpy as np

from claimtrace.nlp import encoder_tagger, wordvec
from claimtrace.nlp.cues import BELIEF_FORMS, REPORT_FORMS, learned_forms
from claimtrace.nlp.quotes import Quote, find_quotes
from claimtrace.nlp.tagger_model import (
    CON,
    CUE,
    LABELS,
    OUTSIDE,
    SRC,
    Model,
    Net,
    load_model,
    model_file,
    save_model,
    softmax,
)

_BITS = 18
DIM = 1 << _BITS
MODEL_VERSION = "tagger.v3"

_TOK = re.compile(r"\w+(?:[’'.\-]\w+)*|[^\w\s]")
_NL = re.compile("\n")
_U64 = np.uint64
_M1 = _U64(0x9E3779B97F4A7C15)
_M2 = _U64(0xBF58476D1CE4E5B9)
_M3 = _U64(0x94D049BB133111EB)

# shape codes
(
    SH_PUNCT,
    SH_LOWER,
    SH_CAP,
    SH_UPPER,
    SH_DIGIT,
    SH_QOPEN,
    SH_QCLOSE,
    SH_COMMA,
    SH_END,
    SH_COLON,
    SH_DASH,
    SH_PAREN,
) = range(12)
_PUNCT_SHAPE = {
    ",": SH_COMMA,
    ".": SH_END,
    "!": SH_END,
    "?": SH_END,
    ":": SH_COLON,
    ";": SH_COLON,
    "—": SH_DASH,
    "–": SH_DASH,
    "―": SH_DASH,
    "-": SH_DASH,
    "(": SH_PAREN,
    ")": SH_PAREN,
    "“": SH_QOPEN,
    "‘": SH_QOPEN,
    "”": SH_QCLOSE,
    "’": SH_QCLOSE,
}
_DIST_BUCKETS = np.array([0, 1, 2, 3, 4, 4, 5, 5, 5, 6, 6, 6, 6] + [7] * 8 + [8] * 20, dtype=np.uint64)


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8", "surrogatepass")) + 1


class _Vocab:
    """Word type -> row of per-type attributes (see :meth:`lookup`)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.size = 0
        self.generation = 0
        self.table = np.zeros((4096, 8), dtype=np.uint64)
        self.vecs = np.zeros((4096, wordvec.DIMS), dtype=np.float32)

    def add(self, tok: str) -> int:
        low = tok.lower().replace("’", "'")
        ch = tok[0]
        if ch.isalpha() or ch == "_":
            if tok.isupper() and len(tok) > 1:
                shape = SH_UPPER
            elif ch.isupper():
                shape = SH_CAP
            else:
                shape = SH_LOWER
        elif ch.isdigit():
            shape = SH_DIGIT
        elif tok == '"':
            shape = SH_QOPEN  # straight quotes: closing ones are marked per document
        else:
            shape = _PUNCT_SHAPE.get(tok, SH_PUNCT)
        cls = 0
        if low in REPORT_FORMS or low == "according":
            cls = 1
        elif low in BELIEF_FORMS:
            cls = 2
        else:
            rate = learned_forms().get(low, 0.0)
            if rate >= 0.5:
                cls = 3
            elif rate >= 0.2:
                cls = 4
            elif rate >= 0.05:
                cls = 5
        cand = int(cls in (1, 2, 3, 4) and shape in (SH_LOWER, SH_CAP))
        suf = _h("~" + low[-3:]) if len(low) > 3 else _h(low)
        if self.size == len(self.table):
            if self.size >= _CACHE_MAX:  # bound memory on endless streams: start afresh
                self.ids.clear()
                self.size = 0
                self.generation += 1
            else:
                self.table = np.concatenate([self.table, np.zeros_like(self.table)])
                self.vecs = np.concatenate([self.vecs, np.zeros_like(self.vecs)])
        row = self.size
        table = wordvec.word_classes()
        if table is not None:
            fine, coarse, self.vecs[row] = table.lookup(tok)
        else:
            fine = coarse = 0
        self.table[row] = (_h(low), suf, shape, cls, cand, int(ch.isalnum()), fine, coarse)
        self.ids[tok] = row
        self.size += 1
        return row

    def lookup(self, words: list[str]) -> np.ndarray:
        """Per-token attribute rows: hash, suffix hash, shape, cue class, cue-like, alnum, word classes."""
        return self.lookup_with_vectors(words)[0]

    def lookup_with_vectors(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per-token attribute rows (see :meth:`lookup`) and word vectors."""
        try:  # the common case: every word seen before
            rows = np.fromiter(map(self.ids.__getitem__, words), dtype=np.int64, count=len(words))
        except KeyError:
            generation = self.generation
            got = [self.ids[w] if w in self.ids else self.add(w) for w in words]
            if generation != self.generation:  # the table was reset half-way: look up again
                got = [self.ids[w] if w in self.ids else self.add(w) for w in words]
            rows = np.array(got, dtype=np.int64)
        return self.table[rows], self.vecs[rows]


_CACHE_MAX = 1 << 19
_VOCAB = _Vocab()


@dataclass
class Tokens:
    """The tokens of one text with their per-token arrays."""

    starts: np.ndarray
    ends: np.ndarray
    words: list[str]
    hw: np.ndarray
    suf: np.ndarray
    shape: np.ndarray
    cls: np.ndarray
    cand: np.ndarray
    inq: np.ndarray  # inside a real (non-scare) quotation
    sent: np.ndarray  # sentence index
    para_start: np.ndarray  # first token of a paragraph
    q_after: np.ndarray  # hash of the cue-like word right after the token's quote (0: none)
    q_before: np.ndarray  # hash of the cue-like word / colon right before the token's quote
    alnum: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # starts with a letter/digit
    wc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # fine word class
    wc2: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # coarse word class
    vec: np.ndarray = field(
        default_factory=lambda: np.zeros((0, wordvec.DIMS), dtype=np.float32)
    )  # word vector
    cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)


_WS_LUT = np.array([chr(i).isspace() for i in range(0x3002)], dtype=bool)  # no space above U+3000


def _token_spans(text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Token strings with start and end offsets.

    The token pattern covers every non-space character exactly once, so the k-th token's
    characters are the next ``len(token)`` non-space characters of the text: the offsets come
    from the positions of the non-space characters, with no per-match Python objects.
    """
    words: list[str] = _TOK.findall(text)
    n = len(words)
    lens = np.fromiter(map(len, words), dtype=np.int64, count=n)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    pos = np.flatnonzero(~_WS_LUT[np.minimum(codes, len(_WS_LUT) - 1)])
    cum = np.cumsum(lens)
    if n and len(pos) == int(cum[-1]):
        return words, pos[cum - lens], pos[cum - 1] + 1
    ms = list(_TOK.finditer(text))  # not expected; kept as the reference behaviour
    starts = np.fromiter(map(re.Match.start, ms), dtype=np.int64, count=len(ms))
    ends = np.fromiter(map(re.Match.end, ms), dtype=np.int64, count=len(ms))
    return [m.group() for m in ms], starts, ends


def tokenize(text: str, sentences: list[tuple[int, int]], *, quotes: list[Quote] | None = None) -> Tokens:
    """Tokens of ``text`` with word, shape, cue-class, quote and sentence arrays."""
    words, starts, ends = _token_spans(text)
    n = len(words)
    if n:
        attrs, vecs = _VOCAB.lookup_with_vectors(words)
    else:
        attrs, vecs = np.zeros((0, 8), dtype=np.uint64), np.zeros((0, wordvec.DIMS), dtype=np.float32)
    hw, suf, cls = attrs[:, 0], attrs[:, 1], attrs[:, 3]
    shape = attrs[:, 2].copy()
    cand = attrs[:, 4].astype(bool)
    sent = np.zeros(n, dtype=np.int64)
    if sentences and n:
        s_starts = np.array([s for s, _e in sentences], dtype=np.int64)
        sent = np.searchsorted(s_starts, starts, side="right") - 1
    # cue-like words: lower case, or capitalised at the start of a sentence ("According to")
    s_first = np.ones(n, dtype=bool)
    if n > 1:
        s_first[1:] = sent[1:] != sent[:-1]
    cand &= (shape == SH_LOWER) | s_first
    # paragraphs: a token with a newline between it and the previous token
    nl = np.array([m.start() for m in _NL.finditer(text)], dtype=np.int64)
    before_start = np.searchsorted(nl, starts)
    para_start = np.ones(n, dtype=bool)
    if n > 1:
        para_start[1:] = before_start[1:] > np.searchsorted(nl, ends[:-1])
    inq = np.zeros(n, dtype=bool)
    q_after = np.zeros(n, dtype=np.uint64)
    q_before = np.zeros(n, dtype=np.uint64)
    if quotes is None:
        quotes = find_quotes(text)
    quotes = [q for q in quotes if not q.scare]
    a = b = closers = np.zeros(0, dtype=np.int64)  # token ranges of the (non-empty) quotes
    if quotes and n:
        qpos = np.array([(q.inner_start, q.inner_end, q.start) for q in quotes], dtype=np.int64)
        a, b, closers = np.searchsorted(starts, qpos.T, side="left")
        keep = a < b
        a, b, closers = a[keep], b[keep], closers[keep]
    if len(a):
        # quotes are disjoint and in order: each token belongs to the last quote opening at or before it
        qi = np.searchsorted(a, np.arange(n), side="right") - 1
        inq = (qi >= 0) & (np.arange(n) < b[np.maximum(qi, 0)])
        shape[[i for i in b.tolist() if i < n and words[i] in '”"']] = SH_QCLOSE
        cand_l, shape_l, para_l, hw_l = cand.tolist(), shape.tolist(), para_start.tolist(), hw.tolist()
        after_q, before_q = [], []
        for bi, oi in zip(b.tolist(), closers.tolist(), strict=True):
            after = 0
            for j in range(bi + 1, min(n, bi + 5)):
                if cand_l[j]:
                    after = hw_l[j]
                    break
                if shape_l[j] == SH_END or para_l[j]:
                    break
            before = 0
            for j in range(oi - 1, max(-1, oi - 4), -1):
                if cand_l[j] or shape_l[j] == SH_COLON:
                    before = hw_l[j]
                    break
                if shape_l[j] == SH_END:
                    break
            after_q.append(after)
            before_q.append(before)
        if after_q:
            q_after = np.where(inq, np.array(after_q, dtype=np.uint64)[np.maximum(qi, 0)], _U64(0))
            q_before = np.where(inq, np.array(before_q, dtype=np.uint64)[np.maximum(qi, 0)], _U64(0))
    alnum = attrs[:, 5] > 0
    return Tokens(
        starts,
        ends,
        words,
        hw,
        suf,
        shape,
        cls,
        cand,
        inq,
        sent,
        para_start,
        q_after,
        q_before,
        alnum=alnum,
        wc=attrs[:, 6],
        wc2=attrs[:, 7],
        vec=vecs,
    )


def _seed(t: int) -> int:
    return (t + 1) * 0x9E3779B97F4A7C15 % (1 << 64)


def _buckets(x: np.ndarray) -> np.ndarray:
    """Mix raw keys (in place) and keep the top :data:`_BITS` bits as bucket indexes."""
    x ^= x >> _U64(31)
    x *= _M2
    x ^= x >> _U64(29)
    out: np.ndarray = (x >> _U64(64 - _BITS)).astype(np.int32)
    return out


_PAD = 3
_PAD_FILL = {"shape": 99, "cls": 99, "lab": 9, "qcue": 9}
Spec = tuple[int, tuple[str, ...]]


class _Plan:
    """A fixed list of feature templates, compiled once, hashed per document in a few numpy passes.

    A template is ``(template id, columns)``; a column is a per-token value array named
    ``"name"`` or ``"name@o"`` (``name[i + o]``, past the edges :data:`_PAD_FILL` or 0). The raw
    key of a template is ``(seed(t) * M3 + v1) * M3 + v2 ...`` (uint64 arithmetic), evaluated for
    all templates of one arity at once, then mixed into bucket indexes (:func:`_buckets`).
    """

    def __init__(self, specs: list[Spec]) -> None:
        self.specs = specs
        cols: dict[str, int] = {}
        for _t, names in specs:
            for c in names:
                cols.setdefault(c, len(cols))
        self.columns = [(c.partition("@")[0], int(c.partition("@")[2] or 0)) for c in cols]
        by_base: dict[str, list[int]] = {}
        for j, (name, _o) in enumerate(self.columns):
            by_base.setdefault(name, []).append(j)
        self.bases = [
            (
                name,
                np.array(rows, dtype=np.int64),
                None
                if len(rows) == 1 and self.columns[rows[0]][1] == 0
                else np.array([self.columns[j][1] + _PAD for j in rows], dtype=np.int64),
            )
            for name, rows in by_base.items()
        ]
        by_arity: dict[int, list[int]] = {}
        for p, (_t, names) in enumerate(specs):
            by_arity.setdefault(len(names), []).append(p)
        self.groups = [
            (
                np.array(pos, dtype=np.int64),
                np.array([_seed(specs[p][0]) for p in pos], dtype=np.uint64),
                np.array([[cols[c] for c in specs[p][1]] for p in pos], dtype=np.int64).reshape(len(pos), a),
            )
            for a, pos in sorted(by_arity.items())
        ]

    def buckets(self, values: dict[str, np.ndarray], n: int) -> np.ndarray:
        """Bucket indexes (n, templates) of the templates over the named per-token ``values``."""
        v = np.empty((len(self.columns), n), dtype=np.uint64)  # one row per column: contiguous
        for name, rows, offsets in self.bases:
            if offsets is None:
                v[rows[0]] = values[name]
                continue
            pad = np.full(n + 2 * _PAD, _PAD_FILL.get(name, 0), dtype=np.uint64)
            pad[_PAD : _PAD + n] = values[name]
            v[rows] = pad[offsets[:, None] + np.arange(n)]
        out = np.empty((len(self.specs), n), dtype=np.uint64)
        for pos, seeds, cidx in self.groups:
            x = seeds[:, None]
            for j in range(cidx.shape[1]):
                x = x * _M3 + v[cidx[:, j]]
            out[pos] = x
        got: np.ndarray = _buckets(out).T  # (n, templates), column-major
        return got


def _nearest(masks: np.ndarray, sent: np.ndarray) -> np.ndarray:
    """Index of the nearest marked token strictly left ([:, 0]) / right ([:, 1]) in its sentence (-1).

    ``masks`` is (m, n): one row per kind of mark; the result is (m, 2, n).
    """
    m, n = masks.shape
    idx = np.arange(n)
    left = np.maximum.accumulate(np.where(masks, idx, -1), axis=1)
    right = np.minimum.accumulate(np.where(masks, idx, n)[:, ::-1], axis=1)[:, ::-1]
    out = np.empty((m, 2, n), dtype=np.int64)
    out[:, 0, 0] = -1
    out[:, 0, 1:] = left[:, :-1]
    out[:, 1, :-1] = right[:, 1:]
    out[:, 1, -1] = n
    ok = (out >= 0) & (out < n)
    same = sent[np.clip(out, 0, n - 1)] == sent
    return np.where(same & ok, out, -1)


def _prefixes(tok: Tokens) -> np.ndarray:
    """Running counts (3, n + 1) of commas, ``that``/colons and quote marks (cached on ``tok``)."""
    got = tok.cache.get("prefixes")
    if got is None:
        marks = np.stack(
            [
                tok.shape == SH_COMMA,
                (tok.hw == _THAT) | (tok.shape == SH_COLON),
                (tok.shape == SH_QOPEN) | (tok.shape == SH_QCLOSE),
            ]
        )
        got = np.zeros((3, len(tok.words) + 1), dtype=np.int64)
        np.cumsum(marks, axis=1, out=got[:, 1:])
        tok.cache["prefixes"] = got
    return got


def _relative_specs(p: str, t0: int, only: tuple[int, ...] | None = None) -> list[Spec]:
    """Templates over the nearest marked token on each side (columns from :func:`_relative`)."""
    out: list[Spec] = []
    for side in (0, 1):
        w, d, c, t, q = (f"{p}{side}{x}" for x in "wdctq")
        specs = ((w,), (d,), (d, c), (d, t, q), (w, d), (c, t, "inq"), (w, c, t))
        out += [(t0 + side * 10 + off, cols) for off, cols in enumerate(specs) if only is None or off in only]
    if only is None:
        out.append((t0 + 30, (f"{p}ld", f"{p}rd")))
    return out


def _relative(
    values: dict[str, np.ndarray], tok: Tokens, hw: np.ndarray, groups: list[tuple[str, int, np.ndarray]]
) -> None:
    """Columns for :func:`_relative_specs`: word, distance, commas, that, quotes to the nearest mark.

    ``groups`` holds (column prefix, first template id, mask) per kind of mark; all kinds are
    computed together.
    """
    n = len(tok.words)
    idx = np.arange(n)
    nb = _nearest(np.stack([g[2] for g in groups]), tok.sent)  # (m, 2, n)
    ok = nb >= 0
    nbc = np.where(ok, nb, idx)
    a = np.minimum(nbc, idx)
    b = np.maximum(nbc, idx)
    dist = np.where(ok, _DIST_BUCKETS[np.minimum(b - a, len(_DIST_BUCKETS) - 1)], _U64(15))
    pre = _prefixes(tok)
    cnt = np.where(ok, np.minimum(pre[:, b] - pre[:, np.minimum(a + 1, b)], 3), 9).astype(np.uint64)
    word = np.where(ok, hw[nbc], _U64(0))
    for g, (p, t0, _mask) in enumerate(groups):
        for side in (0, 1):
            values[f"{p}{side}w"] = word[g, side]
            values[f"{p}{side}d"] = dist[g, side]
            values[f"{p}{side}c"] = cnt[0, g, side]
            values[f"{p}{side}t"] = cnt[1, g, side]
            values[f"{p}{side}q"] = cnt[2, g, side]
        values[f"{p}ld"] = _U64(_seed(t0 + 1) * int(_M3) % (1 << 64)) + dist[g, 0]
        values[f"{p}rd"] = _U64(_seed(t0 + 11) * int(_M3) % (1 << 64)) + dist[g, 1]


_THAT = np.uint64(_h("that"))

_STAGE1 = _Plan(
    [
        (0, ()),
        *[(10 + o, (f"hw@{o}",)) for o in (-3, -2, -1, 0, 1, 2, 3)],
        *[(b + o, (f"{c}@{o}",)) for o in (-2, -1, 0, 1, 2) for b, c in ((20, "shape"), (30, "cls"))],
        *[(40 + o, (f"suf@{o}",)) for o in (-1, 0, 1)],
        (45, ("hw@-1", "hw")),
        (46, ("hw", "hw@1")),
        (47, ("shape@-1", "shape", "shape@1")),
        (48, ("inq", "shape")),
        (49, ("inq", "inq@-1", "inq@1")),
        (50, ("pos_s",)),
        (51, ("pos_e",)),
        (52, ("pos_s", "shape")),
        (53, ("para",)),
        (54, ("inq", "q_after")),
        (55, ("inq", "q_before")),
        (56, ("inq", "has_q_after", "has_q_before")),
        (57, ("cls", "hw")),
        (58, ("hw", "shape@1")),
        (59, ("hw", "shape@-1")),
        (60, ("hw", "hw@2")),
        (61, ("hw@-2", "hw@-1", "hw")),
        (62, ("suf", "hw@1")),
        (63, ("hw@-1", "suf")),
        (64, ("hw", "capl")),
        (65, ("hw", "cls@1", "cls@-1")),
        (66, ("hw", "inq", "inq@1", "inq@-1")),
        *[(70 + o, (f"wc@{o}",)) for o in (-2, -1, 0, 1, 2)],
        *[(76 + o, (f"wc2@{o}",)) for o in (-1, 0, 1)],
        (80, ("wc", "shape@1")),
        (81, ("wc", "shape@-1")),
        (82, ("wc@-1", "wc")),
        (83, ("wc", "wc@1")),
        (84, ("wc", "inq")),
        (85, ("wc", "hw@1")),
        (86, ("hw@-1", "wc")),
        (87, ("wc2@-1", "wc2", "wc2@1")),
        *_relative_specs("r", 100),
    ]
)
_STAGE2 = _Plan(
    [
        *[(200 + o, (f"lab@{o}",)) for o in (-3, -2, -1, 1, 2, 3)],
        (210, ("lab@-1", "lab", "lab@1")),
        (211, ("lab", "hw")),
        (212, ("lab", "shape", "inq")),
        (213, ("lab", "wc")),
        (214, ("lab@-1", "wc", "lab@1")),
        *_relative_specs("c", 300),
        *_relative_specs("s", 400, only=(1, 2, 3)),
    ]
)
_STAGE2_PROBS = _Plan(
    [
        *_STAGE2.specs,
        (220, ("q0", "q1", "q2", "q3")),
        (221, ("qcue", "hw")),
        (222, ("qcue", "qcue@-1", "qcue@1")),
    ]
)


def stage1_features(tok: Tokens) -> np.ndarray:
    """Hashed feature indexes, shape (n tokens, templates)."""
    n = len(tok.words)
    if n == 0:
        return np.zeros((0, 0), dtype=np.int32)
    shape, sent = tok.shape, tok.sent
    idx = np.arange(n)
    first = np.concatenate([[True], sent[1:] != sent[:-1]])
    s_first = np.maximum.accumulate(np.where(first, idx, 0))
    last = np.concatenate([sent[1:] != sent[:-1], [True]])
    s_last = np.minimum.accumulate(np.where(last, idx, n)[::-1])[::-1]
    capl = np.zeros(n, dtype=bool)
    is_cap = shape == SH_CAP
    for o in (1, 2, 3):
        capl[o:] |= is_cap[:-o]
    values = {
        "hw": tok.hw,
        "shape": shape,
        "cls": tok.cls,
        "suf": tok.suf,
        "inq": tok.inq,
        "pos_s": _DIST_BUCKETS[np.minimum(idx - s_first, len(_DIST_BUCKETS) - 1)],
        "pos_e": _DIST_BUCKETS[np.minimum(s_last - idx, len(_DIST_BUCKETS) - 1)],
        "para": tok.para_start,
        "q_after": tok.q_after,
        "q_before": tok.q_before,
        "has_q_after": tok.q_after > 0,
        "has_q_before": tok.q_before > 0,
        "capl": capl,
        "wc": tok.wc,
        "wc2": tok.wc2,
    }
    _relative(values, tok, tok.hw, [("r", 100, tok.cand)])
    return _STAGE1.buckets(values, n)


def stage2_features(
    tok: Tokens, base: np.ndarray, labels: np.ndarray, probs: np.ndarray | None = None
) -> np.ndarray:
    """Stage-1 features plus the stage-1 labels of the neighbours and the nearest stage-1 cues."""
    return np.concatenate([base, stage2_extra(tok, labels, probs)], axis=1)


def stage2_extra(tok: Tokens, labels: np.ndarray, probs: np.ndarray | None = None) -> np.ndarray:
    """The features stage 2 adds to the stage-1 ones (see :func:`stage2_features`)."""
    n = len(labels)
    lab = labels.astype(np.uint64)
    values = {"lab": lab, "hw": tok.hw, "shape": tok.shape, "inq": tok.inq, "wc": tok.wc}
    if n == 0:
        return np.zeros((0, len(_STAGE2.specs if probs is None else _STAGE2_PROBS.specs)), dtype=np.int32)
    _relative(values, tok, tok.hw, [("c", 300, labels == CUE), ("s", 400, labels == SRC)])
    if probs is None:
        return _STAGE2.buckets(values, n)
    q = np.minimum((probs * 5).astype(np.uint64), 4)
    for j in range(4):
        values[f"q{j}"] = q[:, j]
    values["qcue"] = q[:, CUE]
    return _STAGE2_PROBS.buckets(values, n)


N_DENSE = 8 + wordvec.DIMS + 12 + 6 + 4


def dense_inputs(tok: Tokens, s1: np.ndarray) -> np.ndarray:
    """Per-token inputs (n, :data:`N_DENSE`) of the network: stage-1 scores, word vector, flags."""
    n = len(tok.words)
    x = np.zeros((n, N_DENSE), dtype=np.float32)
    x[:, 0:4] = s1 * np.float32(1 / 32)
    x[:, 4:8] = softmax(s1)
    d = 8 + wordvec.DIMS
    x[:, 8:d] = tok.vec
    idx = np.arange(n)
    x[idx, d + np.minimum(tok.shape, 11).astype(np.int64)] = 1.0
    x[idx, d + 12 + np.minimum(tok.cls, 5).astype(np.int64)] = 1.0
    x[:, d + 18] = tok.inq
    x[:, d + 19] = tok.para_start
    x[:, d + 20] = tok.cand
    if n:
        x[0, d + 21] = 1.0
        x[1:, d + 21] = tok.sent[1:] != tok.sent[:-1]
    return x


def tag(
    text: str,
    sentences: list[tuple[int, int]],
    model: Model | None = None,
    *,
    quotes: list[Quote] | None = None,
) -> tuple[Tokens, np.ndarray]:
    """Tokens of ``text`` and their predicted labels (indexes into :data:`LABELS`).

    ``quotes`` (from :func:`claimtrace.nlp.quotes.find_quotes`) saves finding them again.
    """
    tok = tokenize(text, sentences, quotes=quotes)
    if model is None:
        encoder = encoder_tagger.active()
        if encoder is not None:  # the opt-in transformer tagger (CLAIMTRACE_ATTRIBUTION_MODEL)
            return tok, encoder.label_tokens(text, tok.starts)
    m = model or load_model()
    if m is None or not tok.words:
        return tok, np.zeros(len(tok.words), dtype=np.int64)
    f1 = stage1_features(tok)
    if m.net is not None:
        s1 = m.scores(f1, 1)
        lab: np.ndarray = m.net.decode(m.net.forward(dense_inputs(tok, s1), s1))
        return tok, lab
    s1, base2 = m.both(f1)  # stage 2 scores = its weights over the stage-1 features + the extra ones
    extra = stage2_extra(tok, s1.argmax(axis=1), softmax(s1))
    s2 = base2 + m.scores(extra, 2)
    lab = s2.argmax(axis=1)
    return tok, lab


__all__ = [
    "CON",
    "CUE",
    "DIM",
    "LABELS",
    "OUTSIDE",
    "SRC",
    "Model",
    "Net",
    "Tokens",
    "load_model",
    "model_file",
    "save_model",
    "softmax",
    "stage1_features",
    "stage2_extra",
    "stage2_features",
    "tag",
    "tokenize",
]
