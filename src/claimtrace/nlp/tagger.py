"""A learned attribution tagger: every token is labelled source, cue, content or outside.

PolNeAR annotations are univocal (every token has at most one role in at most one
attribution), so attribution extraction is a tagging problem. This module holds the
*inference* side: a linear model over hashed sparse features, scored with numpy, in two
stages:

1. **stage 1** reads the token's window (words, suffixes, shapes, curated cue classes), its
   quotation context (inside a quote; does a cue-like word follow the closing mark or precede
   the opening one) and the nearest cue-like word on each side within the sentence (which
   word, how far, with how many commas, ``that`` or quote marks in between);
2. **stage 2** adds the stage-1 labels of the neighbours and the nearest stage-1 *cue* on each
   side (distance, commas, quotes in between), which gives the spans their shape.

Every feature is a template id combined with per-token integer values and hashed into
:data:`DIM` buckets, so featurising is a handful of vectorised numpy operations per document
and the model file holds only weights (no vocabulary, no text). The weights live in
``data/attribution_tagger.npz`` and are rebuilt from the PolNeAR train split by
``python -m claimtrace.evaluation.polnear train DIR`` (see
:mod:`claimtrace.evaluation.polnear_train`).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from claimtrace.nlp.cues import BELIEF_FORMS, REPORT_FORMS, learned_forms
from claimtrace.nlp.quotes import Quote, find_quotes

_BITS = 18
DIM = 1 << _BITS
LABELS = ("O", "SRC", "CUE", "CON")
OUTSIDE, SRC, CUE, CON = 0, 1, 2, 3
MODEL_VERSION = "tagger.v1"

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
    """Word type -> row of per-type attribute arrays (hash, suffix hash, shape, cue class, cue-like)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.size = 0
        self.generation = 0
        self.table = np.zeros((4096, 5), dtype=np.uint64)

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
        row = self.size
        self.table[row] = (_h(low), suf, shape, cls, cand)
        self.ids[tok] = row
        self.size += 1
        return row

    def lookup(self, words: list[str]) -> np.ndarray:
        """Per-token attribute rows (hash, suffix hash, shape, cue class, cue-like)."""
        got = list(map(self.ids.get, words))
        if None in got:
            generation = self.generation
            got = [self.add(w) if g is None else g for w, g in zip(words, got, strict=True)]
            if generation != self.generation:  # the table was reset half-way: look up again
                got = [self.ids[w] if w in self.ids else self.add(w) for w in words]
        out: np.ndarray = self.table[np.array(got, dtype=np.int64)]
        return out


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


def tokenize(text: str, sentences: list[tuple[int, int]], *, quotes: list[Quote] | None = None) -> Tokens:
    """Tokens of ``text`` with word, shape, cue-class, quote and sentence arrays."""
    ms = list(_TOK.finditer(text))
    n = len(ms)
    words = [m.group() for m in ms]
    starts = np.fromiter(map(re.Match.start, ms), dtype=np.int64, count=n)
    ends = np.fromiter(map(re.Match.end, ms), dtype=np.int64, count=n)
    attrs = _VOCAB.lookup(words) if n else np.zeros((0, 5), dtype=np.uint64)
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
    if quotes and n:
        qs = np.array([q.inner_start for q in quotes], dtype=np.int64)
        qe = np.array([q.inner_end for q in quotes], dtype=np.int64)
        a = np.searchsorted(starts, qs, side="left")
        b = np.searchsorted(starts, qe, side="left")
        closers = np.searchsorted(starts, np.array([q.start for q in quotes]), side="left")
        for k in range(len(quotes)):
            ai, bi = int(a[k]), int(b[k])
            if ai >= bi:
                continue
            inq[ai:bi] = True
            if bi < n and words[bi] in '”"':
                shape[bi] = SH_QCLOSE
            after = 0
            for j in range(bi + 1, min(n, bi + 5)):
                if cand[j]:
                    after = int(hw[j])
                    break
                if shape[j] == SH_END or para_start[j]:
                    break
            before = 0
            oi = int(closers[k])
            for j in range(oi - 1, max(-1, oi - 4), -1):
                if cand[j] or shape[j] == SH_COLON:
                    before = int(hw[j])
                    break
                if shape[j] == SH_END:
                    break
            q_after[ai:bi] = after
            q_before[ai:bi] = before
    return Tokens(starts, ends, words, hw, suf, shape, cls, cand, inq, sent, para_start, q_after, q_before)


def _mix(t: int, *vals: np.ndarray | int) -> np.ndarray:
    """Raw 64-bit key of template ``t`` with per-token values (see :func:`_finish`)."""
    x: np.ndarray = np.full(1, (t + 1) * 0x9E3779B97F4A7C15 % (1 << 64), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for v in vals:
            x = x * _M3 + np.asarray(v, dtype=np.uint64)
    return x


def _finish(keys: list[np.ndarray], n: int) -> np.ndarray:
    """Stack raw keys into an (n, templates) matrix of bucket indexes."""
    x = np.empty((n, len(keys)), dtype=np.uint64)
    for j, k in enumerate(keys):
        x[:, j] = k
    with np.errstate(over="ignore"):
        x ^= x >> _U64(31)
        x *= _M2
        x ^= x >> _U64(29)
    out: np.ndarray = (x >> _U64(64 - _BITS)).astype(np.int32)
    return out


def _shift(a: np.ndarray, o: int, fill: int = 0) -> np.ndarray:
    """``a[i + o]`` with ``fill`` beyond the edges."""
    if o == 0:
        return a
    out = np.full_like(a, fill)
    if o > 0:
        out[:-o] = a[o:]
    else:
        out[-o:] = a[:o]
    return out


def _nearest(mask: np.ndarray, sent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest marked token strictly left / right of each token in its sentence (-1)."""
    n = len(mask)
    idx = np.arange(n)
    left = np.maximum.accumulate(np.where(mask, idx, -1))
    left = np.concatenate([[-1], left[:-1]])
    right = np.minimum.accumulate(np.where(mask, idx, n)[::-1])[::-1]
    right = np.concatenate([right[1:], [n]])
    left = np.where((left >= 0) & (sent[np.maximum(left, 0)] == sent), left, -1)
    rok = right < n
    right = np.where(rok & (sent[np.minimum(right, n - 1)] == sent), right, -1)
    return left, right


def _between(prefix: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Count of marked tokens strictly between a and b (a < b), capped at 3."""
    c = prefix[b] - prefix[np.minimum(a + 1, b)]
    return np.minimum(c, 3).astype(np.uint64)


def _relative(tok: Tokens, mask: np.ndarray, hw: np.ndarray, t0: int) -> list[np.ndarray]:
    """Features of the nearest ``mask`` token on each side: word, distance, commas, that, quotes."""
    n = len(mask)
    idx = np.arange(n)
    left, right = _nearest(mask, tok.sent)
    is_comma = np.concatenate([[0], np.cumsum(tok.shape == SH_COMMA)])
    is_that = np.concatenate([[0], np.cumsum((tok.hw == _THAT) | (tok.shape == SH_COLON))])
    is_q = np.concatenate([[0], np.cumsum((tok.shape == SH_QOPEN) | (tok.shape == SH_QCLOSE))])
    feats = []
    for side, nb in ((0, left), (1, right)):
        ok = nb >= 0
        nbc = np.where(ok, nb, idx)
        a = np.minimum(nbc, idx)
        b = np.maximum(nbc, idx)
        dist = np.where(ok, _DIST_BUCKETS[np.minimum(b - a, len(_DIST_BUCKETS) - 1)], _U64(15))
        commas = np.where(ok, _between(is_comma, a, b), _U64(9))
        that = np.where(ok, _between(is_that, a, b), _U64(9))
        quotes = np.where(ok, _between(is_q, a, b), _U64(9))
        word = np.where(ok, hw[nbc], _U64(0))
        base = t0 + side * 10
        feats += [
            _mix(base, word),
            _mix(base + 1, dist),
            _mix(base + 2, dist, commas),
            _mix(base + 3, dist, that, quotes),
            _mix(base + 4, word, dist),
            _mix(base + 5, commas, that, tok.inq.astype(np.uint64)),
            _mix(base + 6, word, commas, that),
        ]
    ld = feats[1]
    rd = feats[8]
    feats.append(_mix(t0 + 30, ld, rd))
    return feats


_THAT = np.uint64(_h("that"))


def stage1_features(tok: Tokens) -> np.ndarray:
    """Hashed feature indexes, shape (n tokens, templates)."""
    n = len(tok.words)
    if n == 0:
        return np.zeros((0, 0), dtype=np.int32)
    hw, suf, shape, cls = tok.hw, tok.suf, tok.shape, tok.cls
    inq = tok.inq.astype(np.uint64)
    sent = tok.sent
    idx = np.arange(n)
    first = np.concatenate([[True], sent[1:] != sent[:-1]])
    s_first = np.maximum.accumulate(np.where(first, idx, 0))
    last = np.concatenate([sent[1:] != sent[:-1], [True]])
    s_last = np.minimum.accumulate(np.where(last, idx, n)[::-1])[::-1]
    pos_s = _DIST_BUCKETS[np.minimum(idx - s_first, len(_DIST_BUCKETS) - 1)]
    pos_e = _DIST_BUCKETS[np.minimum(s_last - idx, len(_DIST_BUCKETS) - 1)]
    f: list[np.ndarray] = [_mix(0)]
    for o in (-3, -2, -1, 0, 1, 2, 3):
        f.append(_mix(10 + o, _shift(hw, o)))
    for o in (-2, -1, 0, 1, 2):
        f.append(_mix(20 + o, _shift(shape, o, 99)))
        f.append(_mix(30 + o, _shift(cls, o, 99)))
    for o in (-1, 0, 1):
        f.append(_mix(40 + o, _shift(suf, o)))
    f.append(_mix(45, _shift(hw, -1), hw))
    f.append(_mix(46, hw, _shift(hw, 1)))
    f.append(_mix(47, _shift(shape, -1, 99), shape, _shift(shape, 1, 99)))
    f.append(_mix(48, inq, shape))
    f.append(_mix(49, inq, _shift(inq, -1), _shift(inq, 1)))
    f.append(_mix(50, pos_s))
    f.append(_mix(51, pos_e))
    f.append(_mix(52, pos_s, shape))
    f.append(_mix(53, tok.para_start.astype(np.uint64)))
    f.append(_mix(54, inq, tok.q_after))
    f.append(_mix(55, inq, tok.q_before))
    f.append(_mix(56, inq, tok.q_after > 0, tok.q_before > 0))
    f.append(_mix(57, cls, hw))
    f.append(_mix(58, hw, _shift(shape, 1, 99)))
    f.append(_mix(59, hw, _shift(shape, -1, 99)))
    f.append(_mix(60, hw, _shift(hw, 2)))
    f.append(_mix(61, _shift(hw, -2), _shift(hw, -1), hw))
    f.append(_mix(62, suf, _shift(hw, 1)))
    f.append(_mix(63, _shift(hw, -1), suf))
    capl = (
        (_shift(shape, -1, 0) == SH_CAP) | (_shift(shape, -2, 0) == SH_CAP) | (_shift(shape, -3, 0) == SH_CAP)
    )
    f.append(_mix(64, hw, capl))
    f.append(_mix(65, hw, _shift(cls, 1, 99), _shift(cls, -1, 99)))
    f.append(_mix(66, hw, inq, _shift(inq, 1), _shift(inq, -1)))
    f += _relative(tok, tok.cand, hw, 100)
    return _finish(f, n)


def stage2_features(
    tok: Tokens, base: np.ndarray, labels: np.ndarray, probs: np.ndarray | None = None
) -> np.ndarray:
    """Stage-1 features plus the stage-1 labels of the neighbours and the nearest stage-1 cues."""
    return np.concatenate([base, stage2_extra(tok, labels, probs)], axis=1)


def stage2_extra(tok: Tokens, labels: np.ndarray, probs: np.ndarray | None = None) -> np.ndarray:
    """The features stage 2 adds to the stage-1 ones (see :func:`stage2_features`)."""
    lab = labels.astype(np.uint64)
    extra = []
    for o in (-3, -2, -1, 1, 2, 3):
        extra.append(_mix(200 + o, _shift(lab, o, 9)))
    extra.append(_mix(210, _shift(lab, -1, 9), lab, _shift(lab, 1, 9)))
    extra.append(_mix(211, lab, tok.hw))
    extra.append(_mix(212, lab, tok.shape, tok.inq.astype(np.uint64)))
    extra += _relative(tok, labels == CUE, tok.hw, 300)
    near_src = _relative(tok, labels == SRC, lab, 400)
    extra += near_src[1:4] + near_src[8:11]
    if probs is not None:
        q = np.minimum((probs * 5).astype(np.uint64), 4)
        extra.append(_mix(220, q[:, 0], q[:, 1], q[:, 2], q[:, 3]))
        extra.append(_mix(221, q[:, CUE], tok.hw))
        extra.append(_mix(222, q[:, CUE], _shift(q[:, CUE], -1, 9), _shift(q[:, CUE], 1, 9)))
    return _finish(extra, len(labels))


@dataclass
class Model:
    """Two weight matrices (DIM x labels) and their biases.

    Weights are float32 while training; the shipped model keeps them as int8 with one scale per
    matrix (``s1``/``s2``), and scores by gathering each feature's four int8 weights as one int32.
    """

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    s1: float = 1.0
    s2: float = 1.0
    _both: np.ndarray | None = field(default=None, repr=False, compare=False)

    def scores(self, feats: np.ndarray, stage: int) -> np.ndarray:
        """Label scores, shape (n tokens, labels)."""
        w, b, scale = (self.w1, self.b1, self.s1) if stage == 1 else (self.w2, self.b2, self.s2)
        n = feats.shape[0]
        if n == 0:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        if w.dtype == np.int8:
            packed = w.view(np.int32).ravel()[feats]  # the 4 label weights of a bucket in one gather
            sums = packed.view(np.int8).reshape(n, feats.shape[1], len(LABELS)).sum(axis=1, dtype=np.int32)
            out: np.ndarray = sums * np.float32(scale) + b
            return out
        out = w[feats].sum(axis=1, dtype=np.float32) + b
        return out

    def both(self, f1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stage-1 scores and the stage-2 scores of the stage-1 features, from one gather per feature."""
        if self.w1.dtype != np.int8:
            return self.scores(f1, 1), self.w2[f1].sum(axis=1, dtype=np.float32)
        if self._both is None:
            self._both = (
                np.ascontiguousarray(np.concatenate([self.w1, self.w2], axis=1)).view(np.int64).ravel()
            )
        n, t = f1.shape
        sums = self._both[f1].view(np.int8).reshape(n, t, 2 * len(LABELS)).sum(axis=1, dtype=np.int32)
        k = len(LABELS)
        return sums[:, :k] * np.float32(self.s1) + self.b1, sums[:, k:] * np.float32(self.s2)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of label scores."""
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def model_file() -> Path:
    """Path of the shipped tagger weights."""
    return Path(__file__).resolve().parents[1] / "data" / "attribution_tagger.npz"


def save_model(model: Model, path: str | Path) -> None:
    """Write the weights as int8 with one scale per matrix (compressed ``.npz``)."""
    arrays: dict[str, np.ndarray] = {}
    for name, w, b, s in (("1", model.w1, model.b1, model.s1), ("2", model.w2, model.b2, model.s2)):
        if w.dtype == np.int8:
            arrays["w" + name], scale = w, s
        else:
            scale = float(np.abs(w).max()) / 127 or 1.0
            arrays["w" + name] = np.round(w / scale).astype(np.int8)
        arrays["s" + name] = np.array([scale], dtype=np.float32)
        arrays["b" + name] = b.astype(np.float32)
    np.savez_compressed(Path(path), **arrays)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> Model | None:
    """The shipped model (``None`` when the weights file is missing)."""
    p = Path(path) if path else model_file()
    if not p.exists():
        return None
    z = np.load(p)
    if z["w1"].dtype == np.int8:
        return Model(
            np.ascontiguousarray(z["w1"]),
            z["b1"].astype(np.float32),
            np.ascontiguousarray(z["w2"]),
            z["b2"].astype(np.float32),
            float(z["s1"][0]),
            float(z["s2"][0]),
        )
    return Model(*(z[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2")))


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
    m = model or load_model()
    tok = tokenize(text, sentences, quotes=quotes)
    if m is None or not tok.words:
        return tok, np.zeros(len(tok.words), dtype=np.int64)
    f1 = stage1_features(tok)
    s1, base2 = m.both(f1)  # stage 2 scores = its weights over the stage-1 features + the extra ones
    extra = stage2_extra(tok, s1.argmax(axis=1), softmax(s1))
    s2 = base2 + m.scores(extra, 2)
    lab2: np.ndarray = s2.argmax(axis=1)
    return tok, lab2


__all__ = [
    "DIM",
    "LABELS",
    "Model",
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
