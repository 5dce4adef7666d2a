"""On-disk vector indexes beside the database, updated incrementally.

For a database ``x.db`` the indexes live in the directory ``x.db.claimtrace-index/``, one
sub-directory per namespace (``claims``, ``documents``, ``reference``). Each holds

* ``index.hnsw``: an hnswlib HNSW graph over L2-normalised vectors (cosine space);
* ``ids.txt``: the id map, one string id per line; line ``i`` is hnswlib label ``i``
  (append-only, so adding never rewrites it);
* ``deleted.txt``: labels marked deleted (removed ids, or ids re-added with a new vector);
* ``manifest.json``: format, embedding model version, dimension, HNSW parameters, count.

A manifest written for another embedding model or dimension makes :meth:`VectorIndex.open`
start an empty index, so the next :func:`~claimtrace.search.sync.sync_index` re-embeds
everything. hnswlib was picked over faiss for its per-label deletion and in-place resize
(see ``docs/benchmarks.md``, "Matching", for the measurements).

>>> import numpy as np
>>> ix = VectorIndex.open(None, 4)
>>> ix.add(["a", "b"], np.eye(4, dtype=np.float32)[:2])
2
>>> [(i, round(s, 3)) for i, s in ix.query(np.eye(4, dtype=np.float32)[0], 1)[0]]
[('a', 1.0)]
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.errors import require

__all__ = [
    "FORMAT",
    "NAMESPACES",
    "VectorIndex",
    "index_root",
]

#: Bump when the on-disk layout changes (an older layout is rebuilt).
FORMAT = 1
#: One index per namespace.
NAMESPACES = ("claims", "documents", "reference")
#: HNSW graph degree; with ef_construction it sets recall and build time (see docs/benchmarks.md).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 100
#: Search breadth; the effective ef is never below 2k.
HNSW_EF = 128
_SUFFIX = ".claimtrace-index"


def index_root(db_path: str | os.PathLike[str] | None) -> Path | None:
    """The index directory for a database: ``<db>.claimtrace-index`` beside a SQLite file.

    A server URL (``postgresql://...``) gets a directory under the claimtrace cache named by
    a hash of the URL; ``None`` or ``:memory:`` gets None (indexes are kept in memory only).
    """
    if db_path is None:
        return None
    raw = os.fspath(db_path)
    from claimtrace.store import sqlite_path

    path = sqlite_path(raw)
    if path == ":memory:" or (path or "").startswith("file:"):
        return None
    if path is None:
        from claimtrace.embeddings import cache_dir

        digest = hashlib.sha256(raw.encode()).hexdigest()[:16]
        return cache_dir() / "indexes" / f"{digest}{_SUFFIX}"
    return Path(path + _SUFFIX)


def _hnswlib() -> Any:
    return require("hnswlib", "crossdoc", "the vector index")


def _as_matrix(vectors: Any, dim: int) -> np.ndarray:
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise ValueError(f"expected vectors of width {dim}, got shape {arr.shape}")
    return arr


class VectorIndex:
    """A growable HNSW index from string ids to unit vectors, with cosine scores.

    Create with :meth:`open`. ``add`` ignores ids already present, ``remove`` marks ids
    deleted, ``query`` returns ``(id, cosine)`` lists, ``save`` writes what changed.
    """

    def __init__(
        self,
        path: Path | None,
        dim: int,
        *,
        model_version: str,
        m: int = HNSW_M,
        ef_construction: int = HNSW_EF_CONSTRUCTION,
        ef: int = HNSW_EF,
    ) -> None:
        self.path = path
        self.dim = dim
        self.model_version = model_version
        self.m = m
        self.ef_construction = ef_construction
        self.ef = ef
        self.rebuilt = False  #: True when an existing index was discarded (stale manifest)
        self._labels: list[str] = []  # label -> id
        self._live: dict[str, int] = {}  # id -> label of its live vector
        self._deleted: set[int] = set()
        self._saved_labels = 0  # how many lines of ids.txt are on disk
        self._saved_deleted = 0
        self._dirty = False
        self._index: Any = None
        #: free-form JSON state saved with the index (``sync_index`` keeps its bookkeeping here)
        self.meta: dict[str, Any] = {}

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None,
        dim: int,
        *,
        model_version: str | None = None,
        m: int = HNSW_M,
        ef_construction: int = HNSW_EF_CONSTRUCTION,
        ef: int = HNSW_EF,
    ) -> VectorIndex:
        """Open the index in directory ``path`` (created on first :meth:`save`; None: memory only).

        ``model_version`` defaults to :data:`claimtrace.embeddings.MODEL_VERSION`. A stored
        index made with another model version, dimension or layout is discarded (``rebuilt``
        is then True) and an empty one is returned.
        """
        if model_version is None:
            from claimtrace.embeddings import MODEL_VERSION

            model_version = MODEL_VERSION
        p = Path(path) if path is not None else None
        ix = cls(p, dim, model_version=model_version, m=m, ef_construction=ef_construction, ef=ef)
        if p is None or not (p / "manifest.json").exists():
            return ix
        try:
            manifest = json.loads((p / "manifest.json").read_text("utf-8"))
        except (OSError, json.JSONDecodeError):
            manifest = {}
        if (
            manifest.get("format") != FORMAT
            or manifest.get("model_version") != model_version
            or manifest.get("dim") != dim
            or not (p / "index.hnsw").exists()
        ):
            ix.rebuilt = True
            ix._dirty = True
            return ix
        ix.m = int(manifest.get("M", m))
        ix.ef_construction = int(manifest.get("ef_construction", ef_construction))
        if not ix._load(p, int(manifest.get("count", 0))):
            ix.rebuilt = True
            ix._dirty = True
        return ix

    def _load(self, p: Path, count: int) -> bool:
        """Read a saved index; False (nothing loaded) when its files disagree (an interrupted save)."""
        ids_path = p / "ids.txt"
        lines = ids_path.read_text("utf-8").split("\n") if ids_path.exists() else []
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) < count:
            return False
        labels = lines[:count]
        deleted_path = p / "deleted.txt"
        deleted = (
            {int(x) for x in deleted_path.read_text("utf-8").split()} if deleted_path.exists() else set()
        )
        hnsw = _hnswlib()
        index = hnsw.Index(space="cosine", dim=self.dim)
        index.load_index(str(p / "index.hnsw"), max_elements=max(count, 1), allow_replace_deleted=False)
        if index.get_current_count() != count:
            return False
        meta_path = p / "meta.json"
        try:
            self.meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
        except json.JSONDecodeError:
            self.meta = {}
        self._index = index
        self._labels = labels
        self._deleted = {d for d in deleted if d < len(labels)}
        self._live = {i: n for n, i in enumerate(labels) if n not in self._deleted}
        self._saved_labels = len(labels) if len(lines) == count else 0  # 0: rewrite the id map
        self._saved_deleted = len(self._deleted)
        self._index.set_ef(self.ef)
        return True

    def _ensure(self, extra: int) -> Any:
        hnsw = _hnswlib()
        need = len(self._labels) + extra
        if self._index is None:
            index = hnsw.Index(space="cosine", dim=self.dim)
            index.init_index(max_elements=max(need, 1024), M=self.m, ef_construction=self.ef_construction)
            index.set_ef(self.ef)
            self._index = index
        elif need > self._index.get_max_elements():
            self._index.resize_index(max(need, int(self._index.get_max_elements() * 1.5)))
        return self._index

    # -- updates ------------------------------------------------------------------------------
    def __len__(self) -> int:
        """Live (not deleted) ids."""
        return len(self._live)

    def __contains__(self, item: object) -> bool:
        return item in self._live

    def ids(self) -> list[str]:
        """Every live id, in the order added."""
        return [i for i, n in sorted(self._live.items(), key=lambda kv: kv[1])]

    def add(self, ids: Sequence[str], vectors: Any, *, replace: bool = False) -> int:
        """Add vectors for ``ids`` not already present (all of them when ``replace``); return how many.

        Vectors are L2-normalised by the index (cosine space). Ids must not contain newlines.
        """
        matrix = _as_matrix(vectors, self.dim)
        if len(ids) != len(matrix):
            raise ValueError(f"{len(ids)} ids for {len(matrix)} vectors")
        seen: set[str] = set()
        keep: list[int] = []
        for row, item in enumerate(ids):
            if "\n" in item or "\r" in item:
                raise ValueError(f"an index id cannot contain a line break: {item!r}")
            if item in seen or (item in self._live and not replace):
                continue
            seen.add(item)
            keep.append(row)
        if not keep:
            return 0
        if replace:
            self.remove([ids[r] for r in keep])
        index = self._ensure(len(keep))
        start = len(self._labels)
        labels = np.arange(start, start + len(keep), dtype=np.int64)
        index.add_items(matrix[keep], labels)
        for offset, row in enumerate(keep):
            self._labels.append(ids[row])
            self._live[ids[row]] = start + offset
        self._dirty = True
        return len(keep)

    def mark_dirty(self) -> None:
        """Make the next :meth:`save` write (after changing :attr:`meta`)."""
        self._dirty = True

    def remove(self, ids: Iterable[str]) -> int:
        """Mark ``ids`` deleted (unknown ids are ignored); return how many were removed."""
        n = 0
        for item in ids:
            label = self._live.pop(item, None)
            if label is None:
                continue
            self._index.mark_deleted(label)
            self._deleted.add(label)
            n += 1
        if n:
            self._dirty = True
        return n

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        """The stored (normalised) vectors of ``ids`` (KeyError for an unknown id)."""
        if not ids:
            return np.zeros((0, self.dim), dtype=np.float32)
        labels = [self._live[i] for i in ids]
        return np.asarray(self._index.get_items(labels), dtype=np.float32).reshape(len(ids), self.dim)

    # -- queries -----------------------------------------------------------------------------
    def query(self, vectors: Any, k: int) -> list[list[tuple[str, float]]]:
        """The ``k`` nearest live ids of each query vector, best first, as ``(id, cosine)``."""
        matrix = _as_matrix(vectors, self.dim)
        k = min(k, len(self._live))
        if k <= 0 or self._index is None:
            return [[] for _ in range(len(matrix))]
        self._index.set_ef(max(self.ef, 2 * k))
        try:
            labels, dists = self._index.knn_query(matrix, k=k)
        except RuntimeError:
            # too many deleted neighbours for a contiguous result: search wider, one by one
            return [self._query_one(row, k) for row in matrix]
        return [
            [(self._labels[int(lb)], float(1.0 - d)) for lb, d in zip(lrow, drow, strict=True)]
            for lrow, drow in zip(labels, dists, strict=True)
        ]

    def _query_one(self, row: np.ndarray, k: int) -> list[tuple[str, float]]:
        ef = max(self.ef, 2 * k)
        while True:
            ef *= 2
            self._index.set_ef(ef)
            try:
                labels, dists = self._index.knn_query(row[None, :], k=k)
            except RuntimeError:
                if ef > 4 * max(len(self._labels), 1):
                    k -= 1
                    if k == 0:
                        return []
                continue
            self._index.set_ef(self.ef)
            pairs = zip(labels[0], dists[0], strict=True)
            return [(self._labels[int(lb)], float(1.0 - d)) for lb, d in pairs]

    # -- persistence ----------------------------------------------------------------------------
    def save(self) -> None:
        """Write the index, the new lines of the id map and the manifest (no-op without changes)."""
        if self.path is None or not self._dirty:
            return
        p = self.path
        if self.rebuilt and p.exists():
            shutil.rmtree(p)
            self._saved_labels = self._saved_deleted = 0
        p.mkdir(parents=True, exist_ok=True)
        if self._index is not None:
            tmp = p / "index.hnsw.tmp"
            self._index.save_index(str(tmp))
            os.replace(tmp, p / "index.hnsw")
        ids_path = p / "ids.txt"
        if self._saved_labels == 0 or not ids_path.exists():
            ids_path.write_text("\n".join(self._labels) + ("\n" if self._labels else ""), "utf-8")
        elif len(self._labels) > self._saved_labels:
            with ids_path.open("a", encoding="utf-8") as fh:
                fh.write("\n".join(self._labels[self._saved_labels :]) + "\n")
        (p / "deleted.txt").write_text(" ".join(map(str, sorted(self._deleted))), "utf-8")
        (p / "meta.json").write_text(json.dumps(self.meta, separators=(",", ":")), "utf-8")
        manifest = {
            "format": FORMAT,
            "model_version": self.model_version,
            "dim": self.dim,
            "space": "cosine",
            "library": "hnswlib",
            "M": self.m,
            "ef_construction": self.ef_construction,
            "count": len(self._labels),
            "live": len(self._live),
        }
        tmp_manifest = p / "manifest.json.tmp"
        tmp_manifest.write_text(json.dumps(manifest, indent=1), "utf-8")
        os.replace(tmp_manifest, p / "manifest.json")
        self._saved_labels = len(self._labels)
        self._saved_deleted = len(self._deleted)
        self.rebuilt = False
        self._dirty = False
