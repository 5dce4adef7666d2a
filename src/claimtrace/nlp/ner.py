"""A trained named-entity tagger (PER / ORG / LOC / MISC, BIO labels) that runs in numpy.

:mod:`claimtrace.nlp.entities` calls :func:`tag` with its tokens and per-token context; the
spans it returns replace the capitalised-run rules for names outside the gazetteer and decide
which gazetteer matches are names in context (no "It", "Sun" in a footer, "Declares That").

Why hand-written: spaCy's small English pipeline runs about 4 articles/s here, and the
per-document budget is one or two milliseconds. This tagger does what packaged recognisers do
(word and affix features, word vectors, a convolutional context model) at a fraction of the
cost, because almost all of its work depends on the word *type* only:

* **per type** (computed once, cached in :class:`_Types`): a sum of hashed embeddings of the
  word, its lower-case form, shapes, prefixes and suffixes (:data:`BUCKETS` rows, no vocabulary
  in the file), plus a projection of its MiniLM-derived vector
  (:mod:`claimtrace.nlp.wordvec`) and of a few word-list flags (first names, titles,
  demonyms, common words);
* **per token**: the gaps around it (space, newline, comma, quote, bracket ...), sentence and
  clause starts, Title Case and upper-case sentences, whether its lower-case form occurs in the
  document and whether it occurs capitalised away from a sentence start, and gazetteer matches;
* **context**: the dilated 1-D convolutions of :class:`claimtrace.nlp.tagger_model.Net` (the
  attribution tagger's network), decoded by Viterbi with its learned label-pair scores and the
  BIO constraints (:func:`decode`), over the stretches where names are likely only.

Weights (``data/ner_tagger.npz``: hashed embeddings as int8 with a scale, network float16) are
trained on CoNLL-2003 train by ``python -m claimtrace.evaluation.conll_train`` (numbers only).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from claimtrace.nlp import wordvec
from claimtrace.nlp.names import norm_token
from claimtrace.nlp.tagger_model import Net

__all__ = [
    "BUCKETS",
    "CTX_DIM",
    "LABELS",
    "MODEL_VERSION",
    "TYPES",
    "NerModel",
    "context_inputs",
    "decode",
    "load_model",
    "model_file",
    "spans",
    "type_features",
]

MODEL_VERSION = "ner.v1"
TYPES = ("PER", "ORG", "LOC", "MISC")
LABELS = ("O", *(f"{p}-{t}" for t in TYPES for p in ("B", "I")))
BUCKETS = 1 << 18
N_TEMPLATES = 11
N_FLAGS = 12
_MAX_TYPES = 1 << 18

# gap classes (the text between two tokens)
_GAP_CLASSES = 9
_GAZ_TYPES = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 2, "NORP": 3}
CTX_DIM = 2 * _GAP_CLASSES + 6 + 2 * 5


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8", "surrogatepass")) % BUCKETS


_SHAPE_TR = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)
_RUNS = re.compile(r"(.)\1{2,}")
_RUN1 = re.compile(r"(.)\1+")


def _bare(word: str) -> tuple[str, bool]:
    """The word without a possessive ending, and whether it had one."""
    if len(word) > 2 and word.endswith(("'s", "’s")):
        return word[:-2], True
    return word, False


def type_features(word: str, lists: tuple[frozenset[str], ...]) -> tuple[list[int], list[float]]:
    """Hashed feature buckets (:data:`N_TEMPLATES`) and flags (:data:`N_FLAGS`) of one word type.

    ``lists`` are (first names, titles, demonyms, common words) in lower case.
    """
    w, poss = _bare(word)
    low = w.lower()
    shape = _RUNS.sub(r"\1\1", w.translate(_SHAPE_TR))
    short = _RUN1.sub(r"\1", shape)
    feats = [
        _h("w=" + w),
        _h("l=" + low),
        _h("s=" + shape),
        _h("t=" + short),
        _h("p1=" + w[:1]),
        _h("p2=" + w[:2]),
        _h("p3=" + low[:3]),
        _h("x1=" + low[-1:]),
        _h("x2=" + low[-2:]),
        _h("x3=" + low[-3:]),
        _h("x4=" + low[-4:]),
    ]
    first, titles, demonyms, common = lists
    flags = [
        float(low in first),
        float(low.rstrip(".") in titles),
        float(norm_token(w) in demonyms or (low.endswith("s") and norm_token(w[:-1]) in demonyms)),
        float(low in common),
        float(w.isupper() and len(w) > 1),
        float(w[:1].isupper()),
        float(any(ch.isdigit() for ch in w)),
        float(poss),
        float("-" in w),
        float("." in w),
        float(len(w) == 1),
        float(w.isalpha()),
    ]
    return feats, flags


@dataclass
class NerModel:
    """Hashed embeddings (BUCKETS x E), flag and vector projections (to E), and the network.

    ``emb`` is float32 while training; the shipped model keeps it int8 (times ``emb_scale``), as
    in the file: a type's rows are summed as integers and scaled once (about 8 MB, not 32).
    """

    emb: np.ndarray
    w_flags: np.ndarray
    w_vec: np.ndarray
    net: Net
    emb_scale: float = 1.0

    @property
    def width(self) -> int:
        return int(self.emb.shape[1])

    def embed(self, feats: list[int]) -> np.ndarray:
        """The summed embedding rows of one word type's feature buckets (float32)."""
        rows = self.emb[feats]
        if rows.dtype == np.int8:
            out: np.ndarray = rows.sum(axis=0, dtype=np.int32).astype(np.float32) * np.float32(self.emb_scale)
            return out
        summed: np.ndarray = rows.sum(axis=0)
        return summed

    def arrays(self) -> dict[str, np.ndarray]:
        """The weights as named arrays (embeddings int8 with one scale)."""
        if self.emb.dtype == np.int8:
            emb, scale = self.emb, self.emb_scale
        else:
            scale = float(np.abs(self.emb).max()) / 127 or 1.0
            emb = np.round(self.emb / scale).astype(np.int8)
        return {
            "emb": emb,
            "emb_scale": np.array([scale], dtype=np.float32),
            "w_flags": self.w_flags.astype(np.float16),
            "w_vec": self.w_vec.astype(np.float16),
            **self.net.arrays(),
        }

    def save(self, path: str | Path) -> None:
        np.savez_compressed(Path(path), **self.arrays())  # type: ignore[arg-type]

    @classmethod
    def from_arrays(cls, z: dict[str, np.ndarray]) -> NerModel:
        return cls(
            np.ascontiguousarray(z["emb"], dtype=np.int8),
            z["w_flags"].astype(np.float32),
            z["w_vec"].astype(np.float32),
            Net.from_arrays(z),
            float(z["emb_scale"][0]),
        )


def model_file() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "ner_tagger.npz"


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> NerModel | None:
    """The shipped model (``None`` when the weights file is missing)."""
    p = Path(path) if path else model_file()
    if not p.exists():
        return None
    with np.load(p) as z:
        return NerModel.from_arrays({k: z[k] for k in z.files})


class _Types:
    """Word type -> row of its per-type input vector (computed once per process)."""

    def __init__(self, model: NerModel, lists: tuple[frozenset[str], ...]) -> None:
        self.model = model
        self.lists = lists
        self.ids: dict[str, int] = {}
        self.rows = np.zeros((1024, model.width), dtype=np.float32)

    def add(self, word: str) -> int:
        if len(self.ids) >= _MAX_TYPES:
            self.ids.clear()
        feats, flags = type_features(word, self.lists)
        m = self.model
        v = m.embed(feats) + np.asarray(flags, dtype=np.float32) @ m.w_flags
        table = wordvec.word_classes()
        if table is not None:
            v += table.vector(_bare(word)[0]) @ m.w_vec
        row = len(self.ids)
        if row >= len(self.rows):
            self.rows = np.concatenate([self.rows, np.zeros_like(self.rows)])
        self.rows[row] = v
        self.ids[word] = row
        return row

    def lookup(self, words: list[str]) -> np.ndarray:
        ids = self.ids
        try:
            rows = np.fromiter(map(ids.__getitem__, words), dtype=np.int64, count=len(words))
        except KeyError:
            got = [ids[w] if w in ids else self.add(w) for w in words]
            if any(ids.get(w) != r for w, r in zip(words, got, strict=True)):  # the table was reset
                got = [ids[w] if w in ids else self.add(w) for w in words]
            rows = np.array(got, dtype=np.int64)
        return self.rows[rows]


_TYPES: list[_Types] = []


def _types(model: NerModel, lists: tuple[frozenset[str], ...]) -> _Types:
    if not _TYPES or _TYPES[0].model is not model:
        _TYPES[:] = [_Types(model, lists)]
    return _TYPES[0]


class _GapClass(dict[str, int]):
    """Class of the text between two tokens: none, space, newline, sentence end, comma, quote,
    bracket, colon/dash, other."""

    def __missing__(self, gap: str) -> int:
        s = gap.strip()
        if "\n" in gap and not s:
            c = 2
        elif not gap:
            c = 0
        elif not s:
            c = 1
        elif s[-1] in ".!?" or s[0] in ".!?":
            c = 3
        elif "," in s:
            c = 4
        elif any(q in s for q in "\"“”‘’'"):
            c = 5
        elif any(b in s for b in "()[]{}"):
            c = 6
        elif any(d in s for d in ":;-–—"):
            c = 7
        else:
            c = 8
        if len(self) < 10_000:
            self[gap] = c
        return c


_GAP = _GapClass()
_EYE_GAP = np.eye(_GAP_CLASSES, dtype=np.float32)


def context_inputs(
    gaps: list[str],
    toks: list[str],
    caps: list[int],
    initial: set[int],
    headline: set[int],
    lower_words: set[str],
    upper_sentence: np.ndarray,
    gaz: list[tuple[int, int, str]],
) -> np.ndarray:
    """Per-token context inputs (n, :data:`CTX_DIM`).

    ``gaps`` has ``n + 1`` entries (the text before each token and after the last); ``caps`` are
    the indices of the capitalised tokens; ``gaz`` holds gazetteer matches ``(first token, last
    token, type)``.
    """
    n = len(toks)
    cls = np.fromiter(map(_GAP.__getitem__, gaps), dtype=np.int64, count=n + 1)
    out = np.zeros((n, CTX_DIM), dtype=np.float32)
    out[:, :_GAP_CLASSES] = _EYE_GAP[cls[:-1]]
    out[:, _GAP_CLASSES : 2 * _GAP_CLASSES] = _EYE_GAP[cls[1:]]
    c = 2 * _GAP_CLASSES
    if initial:
        out[[i for i in initial if i < n], c] = 1
    if headline:
        out[list(headline), c + 1] = 1
    out[:, c + 2] = upper_sentence
    if caps:
        words = [toks[i] for i in caps]
        away = {w for i, w in zip(caps, words, strict=True) if i not in initial}
        out[caps, c + 3] = [w.lower() in lower_words for w in words]
        out[caps, c + 4] = [w in away for w in words]
    out[:, c + 5] = 1.0  # bias-like constant (the network's input layer has its own bias too)
    g = c + 6
    for i, j, typ in gaz:
        k = _GAZ_TYPES.get(typ, 4)
        out[i, g + 2 * k] = 1
        if j > i:
            out[i + 1 : j + 1, g + 2 * k + 1] = 1
    return out


def scores(
    model: NerModel, toks: list[str], ctx: np.ndarray, lists: tuple[frozenset[str], ...]
) -> np.ndarray:
    """Label scores (n, labels) for the tokens of one document."""
    x = np.concatenate([_types(model, lists).lookup(toks), ctx], axis=1)
    return model.net.forward(x, np.zeros((len(toks), len(LABELS)), dtype=np.float32))


def spans(labels: np.ndarray) -> list[tuple[int, int, str]]:
    """``(first token, last token, type)`` of BIO labels; an I- without its B- starts a span."""
    out: list[tuple[int, int, str]] = []
    start, typ = -1, ""
    for i, lab in enumerate(labels.tolist()):
        if lab == 0:
            if start >= 0:
                out.append((start, i - 1, typ))
                start = -1
            continue
        t = TYPES[(lab - 1) // 2]
        begin = (lab - 1) % 2 == 0
        if start >= 0 and (begin or t != typ):
            out.append((start, i - 1, typ))
            start = -1
        if start < 0:
            start, typ = i, t
    if start >= 0:
        out.append((start, len(labels) - 1, typ))
    return out


def _allowed() -> np.ndarray:
    """(labels, labels) 0 where the pair may follow each other in BIO, a large negative number where not."""
    out = np.zeros((len(LABELS), len(LABELS)), dtype=np.float32)
    for r in range(1, len(LABELS), 2):  # B-X at r, I-X at r + 1
        out[:, r + 1] = -1e4
        out[r, r + 1] = out[r + 1, r + 1] = 0.0
    return out


_ALLOWED = _allowed()


def decode(model: NerModel, s: np.ndarray) -> np.ndarray:
    """BIO labels maximising token scores plus label-pair scores, with I-X only after B-X or I-X.

    Viterbi runs only over the stretches where some token's best label is a name (each widened by
    one token on either side), all stretches at once: a few vectorised steps per document.
    """
    lab: np.ndarray = s.argmax(axis=1)
    idx = np.flatnonzero(lab)
    if not len(idx):
        return lab
    n = len(lab)
    cut = np.flatnonzero(np.diff(idx) > 2) + 1  # stretches closer than two tokens join
    first, last = idx[np.r_[0, cut]], idx[np.r_[cut - 1, len(idx) - 1]]
    single = first == last  # one name token alone: an I-X there is a B-X
    one = first[single]
    lab[one] -= (lab[one] % 2 == 0).astype(lab.dtype)
    if single.all():
        return lab
    first = np.maximum(first[~single] - 1, 0)
    last = np.minimum(last[~single] + 1, n - 1)
    lens = last - first + 1
    order = np.argsort(-lens, kind="stable")  # longest first: the stretches still running are a prefix
    first, lens = first[order], lens[order]
    width = int(lens[0])
    m = len(first)
    alive = np.searchsorted(-lens, -np.arange(width), side="left")  # stretches longer than t, per t
    pos = first[:, None] + np.arange(width)[None, :]
    x = s[np.minimum(pos, n - 1)]  # (stretches, width, labels)
    pair = _ALLOWED if model.net.trans is None else model.net.trans + _ALLOWED
    score = x[:, 0] + pair[0]  # as if after an O
    back = np.zeros((m, width, len(LABELS)), dtype=np.int64)
    for t in range(1, width):
        r = int(alive[t])
        cand = score[:r, :, None] + pair
        back[:r, t] = cand.argmax(axis=1)
        score[:r] = cand.max(axis=1) + x[:r, t]
    cur = score.argmax(axis=1)
    out = np.zeros((m, width), dtype=np.int64)
    for t in range(width - 1, -1, -1):
        r = int(alive[t])
        out[:r, t] = cur[:r]
        if t:
            cur[:r] = back[np.arange(r), t, cur[:r]]
    active = np.arange(width)[None, :] < lens[:, None]
    lab[pos[active]] = out[active]
    return lab


def tag(
    model: NerModel, toks: list[str], ctx: np.ndarray, lists: tuple[frozenset[str], ...]
) -> list[tuple[int, int, str]]:
    """Entity spans ``(first token, last token, PER|ORG|LOC|MISC)`` of one document."""
    if not toks:
        return []
    return spans(decode(model, scores(model, toks, ctx, lists)))
