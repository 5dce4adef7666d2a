"""Learned stance of a text toward a claim: features and numpy inference.

Two regimes share one API (:func:`stance_batch` / :func:`stance_toward`):

* **body** (a news article; trained on FNC-1: claim = headline, document = body): agree /
  disagree / discuss / unrelated;
* **headline** (one short text, no body; trained on Emergent article headlines): for / against /
  observing. The claim text is optional here: the headline says most of it ("reportedly",
  "hoax", "?").

Features (measured on the dev splits, see docs/quality.md "Stance"): MiniLM cosines between the
claim and the document's sentences (max, top-3, first sentence, whole), TF-IDF cosines and word
overlap, cue lexicons (refuting, hedging, reporting, confirming words, question marks, quotes)
counted in the sentences most similar to the claim and in the claim itself, the position of the
best sentence, and TF-IDF bags of words of claim and document over a small vocabulary plus the
MiniLM vectors. A small MLP (one hidden ReLU layer; for headlines three networks merged by
averaging their logits) per regime turns them into probabilities.
The network is evaluated here in numpy (no torch at run time); the parameters live in
``data/stance_model.npz`` (vocabularies, IDF, weights in float16; no text from the corpora beyond
single words of the vocabulary). Hand-written because no installed library ships a stance model
that runs offline; the training code is :mod:`claimtrace.evaluation.stance_train`:

    .venv/bin/python -m claimtrace.evaluation.stance_train --shared ../shared

Stances map to the narrative labels: agree/for -> AMPLIFIES, discuss/observing -> ATTRIBUTES,
disagree/against -> CONTESTS, or DEBUNKS when the refutation is in the outlet's own voice (a
"false / hoax / fake / no evidence" word outside quotation marks and not reported by a source).
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import regex as re

__all__ = [
    "BODY_LABELS",
    "HEAD_LABELS",
    "MODEL_PATH",
    "StanceModel",
    "body_stance",
    "load_model",
    "stance_batch",
    "stance_toward",
    "text_with_vectors",
]

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "stance_model.npz"

BODY_LABELS = ("agree", "disagree", "discuss", "unrelated")
HEAD_LABELS = ("for", "against", "observing")
TO_STANCE = {
    "agree": "AMPLIFIES",
    "for": "AMPLIFIES",
    "discuss": "ATTRIBUTES",
    "observing": "ATTRIBUTES",
    "disagree": "CONTESTS",
    "against": "CONTESTS",
}
EMBED_DIM = 384  # MiniLM sentence vectors
MAX_SENTS = 40  # sentences of a body that are read (FNC-1 bodies: median 14)
HEADLINE_WORDS = 40  # one sentence of at most this many words is read as a headline

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\s*\n\s*")
_QUOTED = re.compile(r"[“\"](?:[^“”\"]{2,300})[”\"]")

#: cue lexicons counted as features (one count per word occurrence)
LEXICONS: dict[str, re.Pattern[str]] = {
    "refute": re.compile(
        r"\b(?:fake[sd]?|fraud\w*|hoax\w*|false(?:ly|hood)?|den(?:y|ies|ied|ial)|not|n't|no|never|nope|"
        r"despite|doubts?|bogus|debunk\w*|prank\w*|retract\w*|untrue|myth|misleading|baseless|"
        r"unfounded|fabricat\w+|satir\w+|lie[sd]?|lying|refut\w+|reject\w*|dismiss\w*|wrong|"
        r"nothing|neither|nor|without|rumou?rs? (?:are|is) (?:false|untrue))\b",
        re.IGNORECASE,
    ),
    "debunk": re.compile(
        r"\b(?:fake[sd]?|hoax\w*|false(?:ly|hood)?|debunk\w*|bogus|untrue|baseless|unfounded|fabricat\w+|"
        r"satir\w+|not true|no evidence|myth|prank\w*|photoshopped|doctored)\b",
        re.IGNORECASE,
    ),
    "deny": re.compile(r"\b(?:den(?:y|ies|ied|ial|ials)|refut\w+|reject\w*|dismiss\w*|rebuff\w*)\b", re.I),
    "hedge": re.compile(
        r"\b(?:reported(?:ly)?|alleged(?:ly)?|apparent(?:ly)?|purported(?:ly)?|supposed(?:ly)?|may|might|"
        r"could|possibl[ey]|perhaps|likely|unconfirmed|unverified|rumou?r\w*|claim\w*|report(?:s|ed)?|"
        r"according|believed|suggest\w*|appears?|seems?|if|whether|speculat\w+|unclear|investigat\w+)\b",
        re.IGNORECASE,
    ),
    "report": re.compile(
        r"\b(?:said|says|say|told|tells|according|announced|stated|wrote|tweeted|posted|reports?|"
        r"reported|claims?|claimed|insists?|insisted|sources?)\b",
        re.IGNORECASE,
    ),
    "confirm": re.compile(
        r"\b(?:confirm\w*|official(?:ly)?|prov(?:e|es|ed|en)|reveal\w*|true|real|indeed|actually|"
        r"verified|genuine|authentic|definitely|finally|really)\b",
        re.IGNORECASE,
    ),
    "question": re.compile(r"\?"),
}
_LEX = tuple(LEXICONS)
_OWN_DEBUNK = LEXICONS["debunk"]
_REPORT_NEAR = re.compile(
    r"\b(?:said|says|say|told|according to|claim\w*|insist\w*|call(?:s|ed)?|dismiss\w*|den\w+)\b", re.I
)


@dataclass
class Text:
    """One text split for stance: sentence spans, their words and MiniLM vectors."""

    text: str
    spans: list[tuple[int, int]]
    words: list[list[str]]
    vecs: np.ndarray  # (n_sentences, 384), L2-normalised
    whole: np.ndarray  # (384,) normalised mean of the sentence vectors
    memo: dict[int, Any] = field(default_factory=dict)  # per-vocabulary statistics (see _doc_stats)

    @property
    def sentences(self) -> list[str]:
        return [self.text[s:e] for s, e in self.spans]


def words(text: str) -> list[str]:
    """Lower-cased word tokens (``n't`` read as ``not``)."""
    return _WORD.findall(text.lower().replace("’", "'").replace("n't", " not"))


def sentence_spans(text: str, *, limit: int = MAX_SENTS) -> list[tuple[int, int]]:
    """Character spans of the first ``limit`` sentences of ``text`` (lines and sentence ends)."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.start() > start and text[start : m.start()].strip():
            out.append((start, m.start()))
        start = m.end()
        if len(out) >= limit:
            return out
    if start < len(text) and text[start:].strip():
        out.append((start, len(text.rstrip())))
    return out[:limit] or [(0, len(text))]


def _encode(texts: Sequence[str]) -> np.ndarray:
    from claimtrace.embeddings import encode

    return encode(list(texts)) if texts else np.zeros((0, EMBED_DIM), np.float32)


_CACHE_LOCK = threading.Lock()
_TEXT_CACHE: OrderedDict[str, Text] = OrderedDict()
_CACHE_SIZE = 4096


def prepare(texts: Sequence[str], *, encoder: Any = None) -> list[Text]:
    """Split and embed ``texts`` (all their sentences in one encoder call); recent texts are cached."""
    with _CACHE_LOCK:
        todo = list(dict.fromkeys(t for t in texts if t not in _TEXT_CACHE))
    spans = {t: sentence_spans(t) for t in todo}
    flat = [t[s:e] for t in todo for s, e in spans[t]]
    vecs = encoder.encode(flat) if encoder is not None else _encode(flat)
    empty = np.zeros((0, EMBED_DIM), np.float32)
    vecs = np.asarray(vecs, dtype=np.float32).reshape(len(flat), -1) if flat else empty
    at = 0
    built: dict[str, Text] = {}
    for t in todo:
        n = len(spans[t])
        v = vecs[at : at + n]
        at += n
        mean = v.mean(axis=0) if n else np.zeros(vecs.shape[1] if vecs.size else EMBED_DIM, np.float32)
        norm = float(np.linalg.norm(mean)) or 1.0
        built[t] = Text(
            t, spans[t], [words(t[s:e]) for s, e in spans[t]], v, (mean / norm).astype(np.float32)
        )
    with _CACHE_LOCK:
        out = [built.get(t) or _TEXT_CACHE[t] for t in texts]
        for t, x in built.items():
            _TEXT_CACHE[t] = x
        while len(_TEXT_CACHE) > _CACHE_SIZE:
            _TEXT_CACHE.popitem(last=False)
    return out


def _lex_counts(text: str) -> list[float]:
    return [float(len(LEXICONS[k].findall(text))) for k in _LEX]


def _quote_share(text: str) -> float:
    return sum(len(m.group(0)) for m in _QUOTED.finditer(text)) / max(1, len(text))


class Vocab:
    """Word -> column, with IDF weights: TF-IDF bags and cosines."""

    def __init__(self, words_: Sequence[str], idf: np.ndarray, bow_size: int) -> None:
        self.index = {w: i for i, w in enumerate(words_)}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.bow_size = bow_size  # the first bow_size words feed the bag-of-words input
        self.default_idf = float(self.idf.max()) if len(self.idf) else 1.0

    def weights(self, toks: Sequence[str]) -> dict[str, float]:
        tf = Counter(toks)
        return {
            w: c * (float(self.idf[self.index[w]]) if w in self.index else self.default_idf)
            for w, c in tf.items()
        }

    def bag(self, toks: Sequence[str], out: np.ndarray) -> None:
        """Write the L2-normalised TF-IDF bag of ``toks`` over the first ``bow_size`` words into ``out``."""
        for w, c in Counter(toks).items():
            i = self.index.get(w)
            if i is not None and i < self.bow_size:
                out[i] += c * self.idf[i]
        n = float(np.linalg.norm(out))
        if n:
            out /= n


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b[w] for w, v in a.items() if w in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


_STOP = frozenset(
    "the a an of to in on and or for is are was were be been by with at from as that this it its "  # noqa: SIM905
    "his her their he she they we you i has have had will would after over says said".split()
)


@dataclass
class _DocStats:
    """What a document contributes to every pair it is in, computed once per vocabulary."""

    index: dict[str, list[tuple[int, float]]]  # word -> (sentence, TF-IDF weight)
    sent_norms: np.ndarray
    weights: dict[str, float]  # whole-document TF-IDF
    bigrams: set[tuple[str, str]]
    n_words: int
    lex: list[float]
    bag: np.ndarray


def _doc_stats(doc: Text, vocab: Vocab) -> _DocStats:
    got = doc.memo.get(id(vocab))
    if got is not None:
        return got  # type: ignore[no-any-return]
    index: dict[str, list[tuple[int, float]]] = {}
    norms = []
    for i, sw in enumerate(doc.words):
        wt = vocab.weights(sw)
        norms.append(math.sqrt(sum(v * v for v in wt.values())) or 1.0)
        for w, v in wt.items():
            index.setdefault(w, []).append((i, v))
    dw = [w for s in doc.words for w in s]
    bag = np.zeros(vocab.bow_size, np.float32)
    vocab.bag(dw, bag)
    stats = _DocStats(
        index,
        np.asarray(norms or [1.0], np.float32),
        vocab.weights(dw),
        set(pairwise(dw)),
        len(dw),
        _lex_counts(doc.text[: doc.spans[-1][1]] if doc.spans else doc.text),
        bag,
    )
    doc.memo[id(vocab)] = stats
    return stats


def body_features(claim: Text, doc: Text, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """Dense pair features and the per-sentence relevance weights (sum 1) of ``doc`` toward ``claim``."""
    cw = [w for s in claim.words for w in s]
    content = {w for w in cw if w not in _STOP}
    qv = claim.whole
    sims = doc.vecs @ qv if len(doc.vecs) else np.zeros(1, np.float32)
    st = _doc_stats(doc, vocab)
    cwt = vocab.weights(cw)
    cnorm = math.sqrt(sum(v * v for v in cwt.values())) or 1.0
    dots = np.zeros(len(st.sent_norms), np.float32)
    for w, v in cwt.items():
        for i, x in st.index.get(w, ()):
            dots[i] += v * x
    tf_s = dots / (st.sent_norms * cnorm)
    dset = st.weights.keys()
    rel = sims + tf_s if len(sims) == len(tf_s) else sims
    order = np.argsort(-rel)
    top = order[:3]
    wts = np.zeros(len(rel), np.float32)
    wts[top] = 1.0 / len(top)
    n = len(doc.spans)
    top_text = " ".join(doc.text[doc.spans[i][0] : doc.spans[i][1]] for i in top) if doc.spans else ""
    first = doc.text[doc.spans[0][0] : doc.spans[0][1]] if doc.spans else ""
    overlap = len(content & dset) / max(1, len(content))
    best_words = set(doc.words[int(order[0])]) if doc.words else set()
    c_bi = set(pairwise(cw))
    nums_c = {w for w in cw if w.isdigit()}
    top_lex = _lex_counts(top_text)
    claim_lex = _lex_counts(claim.text)
    ntok = max(1, st.n_words)
    feats = [
        float(sims.max()),
        float(np.sort(sims)[-3:].mean()),
        float(sims.mean()),
        float(sims[0]),
        float(doc.whole @ qv),
        float(tf_s.max()),
        float(np.sort(tf_s)[-3:].mean()),
        _cos(cwt, st.weights),
        overlap,
        len(content & best_words) / max(1, len(content)),
        len(c_bi & st.bigrams) / max(1, len(c_bi)),
        len(nums_c & dset) / max(1, len(nums_c)) if nums_c else 0.5,
        float(order[0]) / max(1, n),
        math.log1p(n),
        math.log1p(st.n_words),
        math.log1p(len(cw)),
        _quote_share(top_text),
        _quote_share(doc.text),
        float("?" in first),
        *[math.log1p(x) for x in top_lex],
        *[x / ntok * 100 for x in st.lex],
        *[math.log1p(x) for x in claim_lex],
    ]
    return np.asarray(feats, np.float32), wts


def head_features(head: Text, claim: Text | None, vocab: Vocab) -> np.ndarray:
    """Dense features of a headline, with or without the claim it is read against."""
    hw = [w for s in head.words for w in s]
    lex = _lex_counts(head.text)
    feats = [
        *[math.log1p(x) for x in lex],
        float(head.text.rstrip().endswith("?")),
        _quote_share(head.text),
        float(bool(re.search(r"^\s*[\w ]{2,20}:", head.text))),  # "Report:", "Video:"
        math.log1p(len(hw)),
    ]
    if claim is None:
        feats += [0.0, 0.0, 0.0, 0.0]
    else:
        cw = [w for s in claim.words for w in s]
        content = {w for w in cw if w not in _STOP}
        feats += [
            1.0,
            float(head.whole @ claim.whole),
            _cos(vocab.weights(hw), vocab.weights(cw)),
            len(content & set(hw)) / max(1, len(content)),
        ]
    return np.asarray(feats, np.float32)


@dataclass
class Mlp:
    """Standardise, one hidden ReLU layer, softmax."""

    mean: np.ndarray
    std: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def __post_init__(self) -> None:
        self.w1 = np.asarray(self.w1, np.float32)  # stored as float16, computed in float32

    def proba(self, dense: np.ndarray, rest: np.ndarray) -> np.ndarray:
        x = np.concatenate([(dense - self.mean) / self.std, rest], axis=1).astype(np.float32)
        h = np.maximum(x @ self.w1 + self.b1, 0.0)
        z = h @ self.w2 + self.b2
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}_mean": self.mean.astype(np.float32),
            f"{prefix}_std": self.std.astype(np.float32),
            f"{prefix}_w1": self.w1.astype(np.float16),
            f"{prefix}_b1": self.b1.astype(np.float32),
            f"{prefix}_w2": self.w2.astype(np.float32),
            f"{prefix}_b2": self.b2.astype(np.float32),
        }

    @classmethod
    def from_arrays(cls, z: Any, prefix: str) -> Mlp:
        return cls(*(np.asarray(z[f"{prefix}_{k}"]) for k in ("mean", "std", "w1", "b1", "w2", "b2")))


def body_inputs(
    pairs: Sequence[tuple[Text, Text]], vocab: Vocab
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(dense features, [claim vec, weighted top-sentence vec, product, claim bag, doc bag], weights)."""
    dense, rest, wts = [], [], []
    for claim, doc in pairs:
        f, w = body_features(claim, doc, vocab)
        tv = w @ doc.vecs if len(doc.vecs) else np.zeros_like(claim.whole)
        bags = np.zeros(2 * vocab.bow_size, np.float32)
        vocab.bag([x for s in claim.words for x in s], bags[: vocab.bow_size])
        bags[vocab.bow_size :] = _doc_stats(doc, vocab).bag
        dense.append(f)
        rest.append(np.concatenate([claim.whole, tv, claim.whole * tv, bags]))
        wts.append(w)
    return np.stack(dense), np.stack(rest).astype(np.float32), wts


def head_inputs(pairs: Sequence[tuple[Text, Text | None]], vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """(dense features, [headline vec, headline bag]) for headline regime pairs (headline, claim)."""
    dense, rest = [], []
    for head, claim in pairs:
        bag = np.zeros(vocab.bow_size, np.float32)
        vocab.bag([x for s in head.words for x in s], bag)
        dense.append(head_features(head, claim, vocab))
        rest.append(np.concatenate([head.whole, bag]))
    return np.stack(dense), np.stack(rest).astype(np.float32)


class StanceModel:
    """The two trained networks and their vocabularies."""

    def __init__(self, body: Mlp, body_vocab: Vocab, head: Mlp, head_vocab: Vocab) -> None:
        self.body, self.body_vocab, self.head, self.head_vocab = body, body_vocab, head, head_vocab

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> StanceModel:
        with np.load(path, allow_pickle=False) as z:
            bv = Vocab([str(w) for w in z["body_words"]], z["body_idf"], int(z["body_bow"]))
            hv = Vocab([str(w) for w in z["head_words"]], z["head_idf"], int(z["head_bow"]))
            return cls(Mlp.from_arrays(z, "body"), bv, Mlp.from_arrays(z, "head"), hv)

    def save(self, path: str | Path) -> None:
        def vocab_arrays(v: Vocab, prefix: str) -> dict[str, np.ndarray]:
            ws = sorted(v.index, key=v.index.__getitem__)
            return {
                f"{prefix}_words": np.array(ws, dtype=str),
                f"{prefix}_idf": v.idf.astype(np.float16),
                f"{prefix}_bow": np.array(v.bow_size),
            }

        arrays: dict[str, Any] = {
            **self.body.arrays("body"),
            **self.head.arrays("head"),
            **vocab_arrays(self.body_vocab, "body"),
            **vocab_arrays(self.head_vocab, "head"),
        }
        np.savez_compressed(path, **arrays)


@lru_cache(maxsize=1)
def load_model() -> StanceModel:
    """The shipped model (``data/stance_model.npz``), loaded once."""
    return StanceModel.load(MODEL_PATH)


def is_headline(text: str) -> bool:
    """One short sentence (no body): read with the headline regime."""
    return len(text.split()) <= HEADLINE_WORDS and len(sentence_spans(text, limit=2)) == 1


def own_voice_debunk(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of "false / hoax / fake / no evidence" words in ``spans`` said by the outlet itself.

    Skipped: words inside quotation marks, and words in a clause that reports a source
    ("X said ... false", "X denied ...").
    """
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    out = []
    for s, e in spans:
        for m in _OWN_DEBUNK.finditer(text, s, e):
            if any(a <= m.start() < b for a, b in quoted):
                continue
            if _REPORT_NEAR.search(text[max(s, m.start() - 60) : m.start()]):
                continue
            out.append((m.start(), m.end()))
    return out


_REFUTING = (LEXICONS["refute"], LEXICONS["debunk"], LEXICONS["deny"])


def head_label(prob: np.ndarray, text: str) -> str:
    """The headline label: "against" only with a refuting word in the text, else the next best."""
    order = [HEAD_LABELS[int(k)] for k in np.argsort(-prob)]
    if order[0] == "against" and not any(rx.search(text) for rx in _REFUTING):
        return order[1]
    return order[0]


def _result(
    label: str, proba: dict[str, float], doc: Text, wts: np.ndarray | None, regime: str
) -> dict[str, Any]:
    related = label != "unrelated"
    if wts is None:
        picked = list(range(len(doc.spans)))
    else:
        picked = sorted(int(i) for i in np.flatnonzero(wts > 0)) or [0]
    spans = [doc.spans[i] for i in picked if i < len(doc.spans)]
    stance = TO_STANCE.get(label)
    if stance == "CONTESTS" and own_voice_debunk(doc.text, spans):
        stance = "DEBUNKS"
    return {
        "stance": stance,
        "label": label,
        "related": related,
        "regime": regime,
        "probabilities": proba,
        "evidence": [{"start": s, "end": e, "text": doc.text[s:e]} for s, e in spans],
    }


def text_with_vectors(text: str, spans: Sequence[tuple[int, int]], vecs: np.ndarray) -> Text:
    """A :class:`Text` whose sentence vectors the caller already has (MiniLM, one per span)."""
    v = np.asarray(vecs, np.float32).reshape(len(spans), -1)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    mean = v.mean(axis=0) if len(v) else np.zeros(EMBED_DIM, np.float32)
    norm = float(np.linalg.norm(mean)) or 1.0
    return Text(text, list(spans), [words(text[s:e]) for s, e in spans], v, (mean / norm).astype(np.float32))


def body_stance(
    pairs: Sequence[tuple[Text, Text]], *, model: StanceModel | None = None
) -> list[dict[str, Any]]:
    """The body regime on prepared ``(claim, document)`` texts (see :func:`stance_batch`)."""
    m = model or load_model()
    out: list[dict[str, Any]] = []
    for lo in range(0, len(pairs), 1024):
        bp = list(pairs[lo : lo + 1024])
        dense, rest, wts = body_inputs(bp, m.body_vocab)
        prob = m.body.proba(dense, rest)
        for j in range(len(bp)):
            label = BODY_LABELS[int(prob[j].argmax())]
            proba = {k: float(p) for k, p in zip(BODY_LABELS, prob[j], strict=True)}
            out.append(_result(label, proba, bp[j][1], wts[j], "body"))
    return out


def stance_batch(
    pairs: Sequence[tuple[str | None, str]],
    *,
    regime: str = "auto",
    model: StanceModel | None = None,
    encoder: Any = None,
) -> list[dict[str, Any]]:
    """The stance of each text toward each claim, for ``(claim_text, text)`` pairs.

    ``regime``: "body", "headline" or "auto" (one short sentence is a headline). Each result:
    ``{"stance": AMPLIFIES|ATTRIBUTES|CONTESTS|DEBUNKS|None, "label": agree|disagree|discuss|
    unrelated|for|against|observing, "related", "regime", "probabilities": {label: p},
    "evidence": [{"start", "end", "text"}]}`` (stance None when the body regime finds the text
    unrelated; evidence = the sentences most similar to the claim).
    """
    m = model or load_model()
    regimes = [regime if regime != "auto" else ("headline" if is_headline(t) else "body") for _, t in pairs]
    for r, (c, _) in zip(regimes, pairs, strict=True):
        if r == "body" and not (c or "").strip():
            raise ValueError("the body regime needs a claim text")
    texts = prepare([t for _, t in pairs] + [c for c, _ in pairs if c and c.strip()], encoder=encoder)
    by_text = {x.text: x for x in texts}
    out: list[dict[str, Any] | None] = [None] * len(pairs)
    body_ix = [i for i, r in enumerate(regimes) if r == "body"]
    head_ix = [i for i, r in enumerate(regimes) if r == "headline"]
    got = body_stance([(by_text[pairs[i][0] or ""], by_text[pairs[i][1]]) for i in body_ix], model=m)
    for i, res in zip(body_ix, got, strict=True):
        out[i] = res
    if head_ix:
        hp = [
            (by_text[pairs[i][1]], by_text[c] if (c := pairs[i][0]) and c.strip() else None) for i in head_ix
        ]
        dense, rest = head_inputs(hp, m.head_vocab)
        prob = m.head.proba(dense, rest)
        for j, i in enumerate(head_ix):
            label = head_label(prob[j], hp[j][0].text)
            proba = {k: float(p) for k, p in zip(HEAD_LABELS, prob[j], strict=True)}
            out[i] = _result(label, proba, hp[j][0], None, "headline")
    return [r for r in out if r is not None]


def stance_toward(claim_text: str | None, text: str, *, regime: str = "auto") -> dict[str, Any]:
    """The stance of ``text`` toward ``claim_text`` (see :func:`stance_batch`)."""
    return stance_batch([(claim_text, text)], regime=regime)[0]
