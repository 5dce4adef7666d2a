"""Sentence-pair paraphrase scoring: lexical and embedding features into a small logistic model.

:func:`pair_features` describes a pair of sentences by about twenty numbers (MiniLM cosine, word
and character overlap both ways, BLEU-like n-gram precision, length ratio, agreement of numbers,
capitalised words and negation). :class:`PairScorer` is a standardised logistic regression over them,
trained by :mod:`claimtrace.evaluation.msrp` on the MSRP training pairs and stored as a small JSON file
of coefficients (``data/paraphrase_model.json``: numbers only, no text). The reuse detector uses the same
scorer to decide whether two sentences of different documents are a paraphrase.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import regex as re
from rapidfuzz import fuzz

from claimtrace.limits import MAX_PAIR_CHARS

__all__ = ["FEATURES", "MODEL_PATH", "PairScorer", "pair_features", "pair_matrix", "tokens"]

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "paraphrase_model.json"

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w-]+")
_NEGATION = frozenset({"not", "no", "never", "nor", "none", "nobody", "nothing", "neither", "without", "t"})

FEATURES = (
    "cosine",
    "jaccard1",
    "contain_min",
    "contain_max",
    "jaccard2",
    "jaccard3",
    "bleu_min",
    "bleu_max",
    "char_cosine",
    "ratio",
    "token_set_ratio",
    "partial_ratio",
    "len_ratio",
    "len_log_diff",
    "num_jaccard",
    "num_mismatch",
    "num_any",
    "cap_jaccard",
    "cap_mismatch",
    "neg_mismatch",
    "cosine_x_jaccard",
    "content_jaccard",
    "content_contain_min",
    "content_contain_max",
    "unmatched_min",
    "unmatched_max",
    "weighted_overlap",
    "token_sort_ratio",
)
# Function words: ignored by the content-word features.
_FUNCTION = frozenset(
    """a an the and or but of to in on at by for with from into as than that this these those is are
    was were be been being has have had do does did will would shall should can could may might must
    it its he him his she her they them their we us our you your i me my which who whom whose what
    said says""".split()  # noqa: SIM905
)


def tokens(text: str) -> list[str]:
    """Case-folded word tokens (``\\w+``), the unit of every lexical comparison in reuse detection."""
    return _WORD.findall(text.casefold())


def _ngrams(toks: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def _jaccard(a: set[Any] | frozenset[Any], b: set[Any] | frozenset[Any]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _bleu(cand: Sequence[str], ref: Sequence[str]) -> float:
    """Smoothed geometric mean of clipped n-gram precisions, n = 1..4 (no brevity penalty)."""
    logs = 0.0
    for n in range(1, 5):
        c, r = _ngrams(cand, n), _ngrams(ref, n)
        total = sum(c.values())
        hit = sum(min(v, r[g]) for g, v in c.items())
        logs += math.log((hit + 1.0) / (total + 1.0))
    return math.exp(logs / 4)


def _char_cosine(a: str, b: str, n: int = 4) -> float:
    ca = Counter(a[i : i + n] for i in range(len(a) - n + 1))
    cb = Counter(b[i : i + n] for i in range(len(b) - n + 1))
    if not ca or not cb:
        return 0.0
    dot = sum(v * cb[g] for g, v in ca.items())
    return dot / math.sqrt(sum(v * v for v in ca.values()) * sum(v * v for v in cb.values()))


def _weighted_overlap(a: set[str], b: set[str]) -> float:
    """Overlap with each word weighted by log(1 + length): long words are rarer and carry more."""
    total = sum(math.log1p(len(t)) for t in a | b)
    return sum(math.log1p(len(t)) for t in a & b) / total if total else 1.0


def pair_features(a: str, b: str, cosine: float) -> list[float]:
    """The :data:`FEATURES` of the sentence pair ``(a, b)``; ``cosine`` is their embedding cosine.

    Each side is read up to :data:`claimtrace.limits.MAX_PAIR_CHARS` characters (the character
    ratios are quadratic in length; sentences are never longer than that anyway).
    """
    a, b = a[:MAX_PAIR_CHARS], b[:MAX_PAIR_CHARS]
    ta, tb = tokens(a), tokens(b)
    sa, sb = set(ta), set(tb)
    inter = len(sa & sb)
    ca = inter / len(sa) if sa else 0.0
    cb = inter / len(sb) if sb else 0.0
    b_ab, b_ba = _bleu(ta, tb), _bleu(tb, ta)
    na, nb = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    capa = {m.casefold() for m in _CAPITAL.findall(a)}
    capb = {m.casefold() for m in _CAPITAL.findall(b)}
    nega = sum(t in _NEGATION for t in ta) % 2
    negb = sum(t in _NEGATION for t in tb) % 2
    la, lb = max(len(ta), 1), max(len(tb), 1)
    j1 = _jaccard(sa, sb)
    fa, fb = " ".join(ta), " ".join(tb)
    wa, wb = sa - _FUNCTION, sb - _FUNCTION
    winter = len(wa & wb)
    wca = winter / len(wa) if wa else 0.0
    wcb = winter / len(wb) if wb else 0.0
    return [
        cosine,
        j1,
        min(ca, cb),
        max(ca, cb),
        _jaccard(set(_ngrams(ta, 2)), set(_ngrams(tb, 2))),
        _jaccard(set(_ngrams(ta, 3)), set(_ngrams(tb, 3))),
        min(b_ab, b_ba),
        max(b_ab, b_ba),
        _char_cosine(fa, fb),
        fuzz.ratio(fa, fb) / 100.0,
        fuzz.token_set_ratio(fa, fb) / 100.0,
        fuzz.partial_ratio(fa, fb) / 100.0,
        min(la, lb) / max(la, lb),
        abs(math.log(la / lb)),
        _jaccard(na, nb),
        float(len(na ^ nb)),
        float(bool(na or nb)),
        _jaccard(capa, capb),
        float(len(capa ^ capb)) / max(len(capa | capb), 1),
        float(nega != negb),
        cosine * j1,
        _jaccard(wa, wb),
        min(wca, wcb),
        max(wca, wcb),
        float(min(len(wa - wb), len(wb - wa))),
        float(max(len(wa - wb), len(wb - wa))),
        _weighted_overlap(sa, sb),
        fuzz.token_sort_ratio(fa, fb) / 100.0,
    ]


def pair_matrix(pairs: Sequence[tuple[str, str]], cosines: Sequence[float] | np.ndarray) -> np.ndarray:
    """Features of many pairs, shape ``(len(pairs), len(FEATURES))``, float64."""
    rows = [pair_features(a, b, float(c)) for (a, b), c in zip(pairs, cosines, strict=True)]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


@dataclass
class PairScorer:
    """Standardised logistic regression over :data:`FEATURES`; ``threshold`` cuts the probability."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float = 0.5

    def proba(self, features: np.ndarray) -> np.ndarray:
        """Probability that each row of ``features`` is a paraphrase pair."""
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, features: np.ndarray) -> np.ndarray:
        """1 for paraphrase, 0 otherwise."""
        return (self.proba(features) >= self.threshold).astype(int)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (numbers and feature names only)."""
        return {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }

    def save(self, path: Path = MODEL_PATH) -> None:
        """Write the model as JSON."""
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> PairScorer:
        """Read a model written by :meth:`save`; its feature list must match :data:`FEATURES`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: paraphrase model was trained on other features; retrain it")
        return cls(
            mean=np.asarray(data["mean"]),
            scale=np.asarray(data["scale"]),
            coef=np.asarray(data["coef"]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
        )
