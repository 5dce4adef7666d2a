"""Short documents in story clustering: headlines and one- or two-sentence posts.

A headline has five to fifteen content words, so two headlines of the same story often share
one term or none ("Town's tallest chimney" / "Two builders climb 90-metre chimney for charity"): the
term space of :mod:`claimtrace.crossdoc.features` is too sparse there. A document is *short*
when its term bag holds fewer than ``short_terms`` terms (decided per document, so one corpus
may mix articles and posts). A short document gets the MiniLM vector of its text (the local
encoder, :func:`claimtrace.embeddings.encode`) and, against a story or another short document,
a similarity that blends the term cosine with the embedding cosine moved onto the term scale::

    sim = (1 - short_weight) * term_cosine + short_weight * (embedding_cosine - short_shift)

``short_shift`` maps the embedding cosine at which two headlines start to tell the same story
onto the clusterer's cut (see docs/quality.md for how both were chosen on Emergent headlines).

Candidate stories for a short document also come from its nearest short documents by
embedding (:func:`near_neighbours`), searched in a window of documents around it in processing
order (documents are processed in date order, and stories are local in time), so the cost
grows linearly with the corpus. Written here rather than with an ANN library because the
windowed exact search is a few matrix products and needs no index to keep in the state.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np


def blend(
    term: float | np.ndarray, emb: float | np.ndarray, *, weight: float, shift: float
) -> float | np.ndarray:
    """The short-document similarity: term cosine blended with the shifted embedding cosine."""
    return (1.0 - weight) * term + weight * (emb - shift)


def near_neighbours(
    vectors: np.ndarray, ids: Sequence[str], *, first: int, k: int, window: int, floor: float
) -> dict[str, list[str]]:
    """The ``k`` nearest rows (cosine >= ``floor``) of each row from ``first`` on, within ``window``.

    ``vectors`` are L2-normalised rows in processing order: rows before ``first`` are documents
    of earlier batches (neighbours only), rows from ``first`` on are the batch. Each batch row is
    compared with the rows at most ``window`` positions before or after it.

    >>> v = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)
    >>> near_neighbours(v, ["a", "b", "c"], first=0, k=2, window=5, floor=0.5)
    {'a': ['b'], 'b': ['a'], 'c': []}
    """
    n = len(ids)
    out: dict[str, list[str]] = {}
    block = 512
    for lo in range(first, n, block):
        hi = min(lo + block, n)
        c_lo, c_hi = max(0, lo - window), min(n, hi + window)
        sims = vectors[lo:hi] @ vectors[c_lo:c_hi].T
        rows = np.arange(lo, hi)
        sims[rows - lo, rows - c_lo] = -np.inf  # not its own neighbour
        cols = np.arange(c_lo, c_hi)
        sims[np.abs(rows[:, None] - cols[None, :]) > window] = -np.inf
        kk = min(k, sims.shape[1])
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk] if kk > 0 else np.zeros((hi - lo, 0), int)
        for r in range(hi - lo):
            picked = sorted(top[r], key=lambda c: -sims[r, c])
            out[ids[lo + r]] = [ids[c_lo + c] for c in picked if sims[r, c] >= floor]
    return out


def pack_vector(vec: np.ndarray | None) -> str | None:
    """A vector as base64 float16 (for the JSON state)."""
    if vec is None:
        return None
    return base64.b64encode(np.asarray(vec, dtype="<f2").tobytes()).decode("ascii")


def unpack_vector(data: str | None) -> np.ndarray | None:
    """The inverse of :func:`pack_vector` (as float16)."""
    if not data:
        return None
    return np.frombuffer(base64.b64decode(data), dtype="<f2").copy()
