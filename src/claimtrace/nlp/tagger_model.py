"""Weights and scoring of the attribution tagger (:mod:`claimtrace.nlp.tagger`).

A :class:`Model` holds two weight matrices (hashed feature buckets x labels) and their biases,
and optionally a small convolutional network (:class:`Net`) that replaces the linear stage 2.
The shipped file keeps the linear weights as int8 with one scale per matrix; for scoring, each
bucket's four weights are packed into one uint64 (:func:`_pack`) so that a token's label
scores are one integer sum over its feature buckets. The network's weights are float16 in the
file and float32 in memory; it runs in plain numpy (a few small matrix products per document).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

LABELS = ("O", "SRC", "CUE", "CON")
OUTSIDE, SRC, CUE, CON = 0, 1, 2, 3
_U64 = np.uint64


_BLAS_ONE_THREAD = 250_000  # OpenBLAS runs a product of m*n*k at most 262,144 on one thread
_CONTROLLER: list[Any] = []  # threadpoolctl's controller, looked up once ([None] without it)


def _one_thread() -> Any:
    """A context in which BLAS uses one thread (threadpoolctl), or ``None`` without threadpoolctl."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER.append(ThreadpoolController())
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            _CONTROLLER.append(None)
    ctl = _CONTROLLER[0]
    return None if ctl is None else ctl.limit(limits=1, user_api="blas")


def _matmul(a: np.ndarray, w: np.ndarray, *, chunk: bool = True) -> np.ndarray:
    """``a @ w``; with ``chunk``, in row blocks small enough that BLAS never starts threads."""
    step = max(1, _BLAS_ONE_THREAD // (w.shape[0] * w.shape[1]))
    if not chunk or a.shape[0] <= step:
        small: np.ndarray = a @ w
        return small
    out = np.empty((a.shape[0], w.shape[1]), dtype=np.float32)
    for i in range(0, a.shape[0], step):
        np.matmul(a[i : i + step], w, out=out[i : i + step])
    return out


@dataclass
class Net:
    """Dilated 1-D convolutions over per-token inputs, added to the stage-1 scores.

    ``h = relu(x @ w_in + b_in)``; per layer ``h += relu([h[t-d], h[t], h[t+d]] @ w + b)`` (zero
    outside the document); scores ``= temp * base + h @ w_out + b_out``.
    """

    w_in: np.ndarray
    b_in: np.ndarray
    convs: list[tuple[int, np.ndarray, np.ndarray]]  # (dilation, (3 * H, H) weights, bias)
    w_out: np.ndarray
    b_out: np.ndarray
    temp: float
    trans: np.ndarray | None = None  # (labels, labels) scores of adjacent label pairs, for :meth:`decode`
    _tap_cache: dict[int, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def decode(self, scores: np.ndarray, rounds: int = 2) -> np.ndarray:
        """Labels maximising each token's score plus its pair scores with its neighbours.

        Iterated conditional modes from the argmax, even and odd positions in turn (each update
        sees fixed neighbours): a few vectorised passes instead of Viterbi's loop over tokens.
        The pair scores were trained with the network (pseudo-likelihood given gold neighbours).
        """
        lab: np.ndarray = scores.argmax(axis=1)
        n, k = scores.shape
        if self.trans is None or n < 2:
            return lab
        # pair[l * (k + 1) + r] = scores of every label between left label l and right label r
        # (label k: no neighbour, past the edges)
        t = np.zeros((k + 1, k + 1, k), dtype=np.float32)
        t[:k] += self.trans[:, None, :]
        t[:, :k] += self.trans.T[None, :, :]
        pair = t.reshape((k + 1) * (k + 1), k)
        padded = np.full(n + 2, k, dtype=np.int64)  # padded[i + 1] is token i's label
        padded[1:-1] = lab
        for _ in range(rounds):
            for parity in (0, 1):
                s = scores[parity::2]
                m = len(s)
                around = padded[parity : parity + 2 * m : 2] * (k + 1) + padded[parity + 2 :: 2][:m]
                padded[parity + 1 : parity + 1 + 2 * m : 2] = (s + pair[around]).argmax(axis=1)
        out: np.ndarray = padded[1:-1]
        return out

    def forward(self, x: np.ndarray, base: np.ndarray) -> np.ndarray:
        """Label scores (n, labels) from inputs ``x`` (n, inputs) and stage-1 scores ``base``.

        One core only: BLAS is held to one thread (threadpoolctl), or, without threadpoolctl, the
        products are cut into row blocks too small for BLAS to start threads.
        """
        ctx = _one_thread()
        if ctx is None:
            return self._forward(x, base, chunk=True)
        with ctx:
            return self._forward(x, base, chunk=False)

    def _forward(self, x: np.ndarray, base: np.ndarray, *, chunk: bool) -> np.ndarray:
        h = _matmul(x, self.w_in, chunk=chunk)
        h += self.b_in
        np.maximum(h, 0, out=h)
        width = h.shape[1]
        for d, w, b in self.convs:
            # one product with the three taps side by side, then the shifted sums
            p = _matmul(h, self._taps(w), chunk=chunk)
            y = p[:, width : 2 * width] + b  # a contiguous copy: faster than working in the strided view
            if d < len(h):
                y[d:] += p[:-d, :width]
                y[:-d] += p[d:, 2 * width :]
            np.maximum(y, 0, out=y)
            h += y
        out = _matmul(h, self.w_out, chunk=chunk)
        out += self.b_out
        out += base * np.float32(self.temp)
        return out

    def _taps(self, w: np.ndarray) -> np.ndarray:
        """(3H, H) conv weights -> (H, 3H): the taps for t-d, t, t+d side by side (cached)."""
        key = id(w)
        got = self._tap_cache.get(key)
        if got is None:
            width = w.shape[1]
            got = np.ascontiguousarray(
                w.reshape(3, width, width).transpose(1, 0, 2).reshape(width, 3 * width)
            )
            self._tap_cache[key] = got
        return got

    def arrays(self) -> dict[str, np.ndarray]:
        """The weights as named arrays (for the ``.npz`` file)."""
        out = {
            "n_w_in": self.w_in,
            "n_b_in": self.b_in,
            "n_w_out": self.w_out,
            "n_b_out": self.b_out,
            "n_temp": np.array([self.temp]),
            "n_dil": np.array([d for d, _w, _b in self.convs]),
        }
        if self.trans is not None:
            out["n_trans"] = self.trans

        for k, (_d, w, b) in enumerate(self.convs):
            out[f"n_w{k}"], out[f"n_b{k}"] = w, b
        return {k: v.astype(np.int64 if k == "n_dil" else np.float16) for k, v in out.items()}

    @classmethod
    def from_arrays(cls, z: dict[str, np.ndarray]) -> Net:
        def f(k: str) -> np.ndarray:
            return np.ascontiguousarray(z[k], dtype=np.float32)

        dil = [int(d) for d in z["n_dil"]]
        convs = [(d, f(f"n_w{k}"), f(f"n_b{k}")) for k, d in enumerate(dil)]
        trans = f("n_trans") if "n_trans" in z else None
        return cls(f("n_w_in"), f("n_b_in"), convs, f("n_w_out"), f("n_b_out"), float(z["n_temp"][0]), trans)


def net_from_torch(net: Any, dilations: Any, hidden: int, *, temp: float, trans: Any = None) -> Net:
    """A :class:`Net` from a trained torch module with ``inp``, ``convs`` and ``out`` layers
    (the training code of the attribution and entity taggers); ``trans`` a torch tensor or None."""

    def a(t: Any) -> np.ndarray:
        return np.asarray(t.detach().numpy(), dtype=np.float32)

    convs = [
        (d, a(c.weight).transpose(2, 1, 0).reshape(3 * hidden, hidden), a(c.bias))
        for d, c in zip(dilations, net.convs, strict=True)
    ]
    return Net(
        a(net.inp.weight).T,
        a(net.inp.bias),
        convs,
        a(net.out.weight).T,
        a(net.out.bias),
        temp,
        None if trans is None else a(trans),
    )


def shifted_labels(y: np.ndarray, by: int, none: int) -> np.ndarray:
    """Each token's neighbour label ``by`` positions back (1) or ahead (-1); ``none`` where
    there is none (past the edges or padding, a negative label)."""
    out = np.full_like(y, none)
    if by > 0:
        out[:, by:] = y[:, :-by]
    else:
        out[:, :by] = y[:, -by:]
    out[out < 0] = none
    return out


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
    net: Net | None = None  # when set, it replaces the linear stage 2 (which is then not stored)
    _packed: np.ndarray | None = field(default=None, repr=False, compare=False)
    _packed1: np.ndarray | None = field(default=None, repr=False, compare=False)

    def _table(self) -> np.ndarray:
        """(DIM, 2) uint64: the packed stage-1 and stage-2 weights of every bucket, side by side."""
        if self._packed is None:
            self._packed = np.ascontiguousarray(np.stack([_pack(self.w1), _pack(self.w2)], axis=1))
        return self._packed

    def scores(self, feats: np.ndarray, stage: int) -> np.ndarray:
        """Label scores, shape (n tokens, labels)."""
        w, b, scale = (self.w1, self.b1, self.s1) if stage == 1 else (self.w2, self.b2, self.s2)
        n = feats.shape[0]
        out: np.ndarray
        if n == 0:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        if w.dtype == np.int8 and stage == 1 and self.net is not None:
            if self._packed1 is None:
                self._packed1 = _pack(self.w1)
            summed = np.take(self._packed1, feats.T, axis=0).sum(axis=0)
            out = _lane_sums(summed, feats.shape[1]) * np.float32(scale) + b
            return out
        if w.dtype == np.int8:
            summed = np.take(self._table(), feats.T, axis=0)[:, :, stage - 1].sum(axis=0)
            out = _lane_sums(summed, feats.shape[1]) * np.float32(scale) + b
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
    stages = [("1", model.w1, model.b1, model.s1), ("2", model.w2, model.b2, model.s2)]
    if model.net is not None:
        arrays.update(model.net.arrays())
        stages = stages[:1]
    for name, w, b, s in stages:
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
    z = dict(np.load(p))
    net = Net.from_arrays(z) if "n_w_in" in z else None
    if net is not None:  # no linear stage 2: its slots repeat stage 1 (never used for scoring)
        z["w2"], z["b2"], z["s2"] = z["w1"], z["b1"], z["s1"]
    if z["w1"].dtype == np.int8:
        return Model(
            np.ascontiguousarray(z["w1"]),
            z["b1"].astype(np.float32),
            np.ascontiguousarray(z["w2"]),
            z["b2"].astype(np.float32),
            float(z["s1"][0]),
            float(z["s2"][0]),
            net=net,
        )
    w1, b1, w2, b2 = (z[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2"))
    return Model(w1, b1, w2, b2, net=net)


__all__ = [
    "CON",
    "CUE",
    "LABELS",
    "OUTSIDE",
    "SRC",
    "Model",
    "Net",
    "load_model",
    "model_file",
    "save_model",
    "softmax",
]
