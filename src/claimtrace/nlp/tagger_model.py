"""Weights and scoring of the attribution tagger (:mod:`claimtrace.nlp.tagger`).

A :class:`Model` holds two weight matrices (hashed feature buckets x labels) and their biases.
The shipped file keeps the weights as int8 with one scale per matrix; for scoring, each
bucket's four weights are packed into one uint64 (:func:`_pack`) so that a token's label
scores are one integer sum over its feature buckets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

LABELS = ("O", "SRC", "CUE", "CON")
OUTSIDE, SRC, CUE, CON = 0, 1, 2, 3
_U64 = np.uint64


@dataclass
class Model:
    """Two weight matrices (DIM x labels) and their biases.

    Weights are float32 while training; the shipped model keeps them as int8 with one scale per
    matrix (``s1``/``s2``), and scores by gathering each feature's four weights packed into one
    uint64 (see :func:`_pack`), so a token's scores are one integer sum over its features.
    """

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    s1: float = 1.0
    s2: float = 1.0
    _packed: np.ndarray | None = field(default=None, repr=False, compare=False)

    def _table(self) -> np.ndarray:
        """(DIM, 2) uint64: the packed stage-1 and stage-2 weights of every bucket, side by side."""
        if self._packed is None:
            self._packed = np.ascontiguousarray(np.stack([_pack(self.w1), _pack(self.w2)], axis=1))
        return self._packed

    def scores(self, feats: np.ndarray, stage: int) -> np.ndarray:
        """Label scores, shape (n tokens, labels)."""
        w, b, scale = (self.w1, self.b1, self.s1) if stage == 1 else (self.w2, self.b2, self.s2)
        n = feats.shape[0]
        if n == 0:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        if w.dtype == np.int8:
            summed = np.take(self._table(), feats.T, axis=0)[:, :, stage - 1].sum(axis=0)
            out: np.ndarray = _lane_sums(summed, feats.shape[1]) * np.float32(scale) + b
            return out
        out = w[feats].sum(axis=1, dtype=np.float32) + b
        return out

    def both(self, f1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stage-1 scores and the stage-2 scores of the stage-1 features (no stage-2 bias)."""
        if self.w1.dtype != np.int8:
            return self.scores(f1, 1), self.w2[f1].sum(axis=1, dtype=np.float32)
        t = f1.shape[1]
        both = np.take(self._table(), f1.T, axis=0).sum(axis=0)  # (n, 2): one row read per feature
        s1 = _lane_sums(both[:, 0], t) * np.float32(self.s1) + self.b1
        return s1, _lane_sums(both[:, 1], t) * np.float32(self.s2)


_LANES = np.array([0, 16, 32, 48], dtype=np.uint64)


def _pack(w: np.ndarray) -> np.ndarray:
    """int8 weights (DIM, 4) -> one uint64 per bucket holding the four weights + 128 as 16-bit lanes.

    Summing up to 257 such words never carries from one lane into the next, so a row of gathered
    words sums with one plain integer reduction and the lanes are read back by :func:`_lane_sums`.
    """
    u = (w.astype(np.int64) + 128).astype(np.uint64)
    out: np.ndarray = (u << _LANES).sum(axis=1, dtype=np.uint64)
    return out


def _lane_sums(packed: np.ndarray, terms: int) -> np.ndarray:
    """Per-label int32 weight sums from summed packed words of ``terms`` features."""
    if terms > 257:
        raise ValueError("too many feature templates for 16-bit lanes")
    out: np.ndarray = ((packed[:, None] >> _LANES) & _U64(0xFFFF)).astype(np.int32) - np.int32(128 * terms)
    return out


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


__all__ = [
    "CON",
    "CUE",
    "LABELS",
    "OUTSIDE",
    "SRC",
    "Model",
    "load_model",
    "model_file",
    "save_model",
    "softmax",
]
