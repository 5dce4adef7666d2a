"""A file cache of claim vectors, keyed by the embedded text, kept between ``analyze`` runs.

Encoding claims with MiniLM dominates the narrative stage (hundreds of sentences a second on a
shared CPU), while re-runs mostly see the same claims again. :class:`ClaimVectorCache` maps
``sha1(model version + text)`` to a float16 vector and lives in one ``.npz`` file (keys and a
matrix): beside a SQLite database (``<db>.claimvecs.npz``), else under the embedding cache
directory, named after a hash of the store URL. Keying by text (not claim id) keeps entries valid
when a claim id survives a change of its content span, and shares vectors between documents
that repeat a passage word for word.

Vectors are not kept in the store's ``state`` table (that is for small things). The narrative
builder takes the cache through ``NarrativeBuilder(cache=...)`` (or plain ``vectors=`` keyed by
claim id); ``pipeline.py`` opens it with :meth:`ClaimVectorCache.for_store_url` and saves it after
the narrative stage.

:func:`recurring_claims` is the cheap lexical pre-pass that decides which claims need a vector at
all on a large corpus: only claims that share a signature (two of their rarest content words, or an
entity-key block) with a claim of a *different* document can recur, so only those are embedded.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path

import numpy as np

from claimtrace.crossdoc.features import STOP_WORDS
from claimtrace.crossdoc.slots import stem

__all__ = ["ClaimVectorCache", "fuse_vectors", "lexical_vectors", "recurring_claims", "text_key"]

_WORD = re.compile(r"[^\W\d_]{3,}|\d[\d,.]*\d")
_TERM = re.compile(r"[^\W\d_]{2,}")


def _terms(text: str) -> list[str]:
    """Lower-cased, crudely stemmed content words ("killed" and "kills" -> "kill"); numbers are
    left out: a changed number is a mutation of the claim, not another claim."""
    return [
        stem(w, undouble=False)  # as the thresholds were chosen; undoing doubles moved merges
        for w in (m.group().casefold() for m in _TERM.finditer(text))
        if w not in STOP_WORDS
    ]


def lexical_vectors(
    texts: Sequence[str],
    *,
    groups: Sequence[int] | None = None,
    dim: int = 512,
    max_df: float = 0.1,
    min_docs: int = 200,
) -> np.ndarray:
    """TF-IDF rows (sublinear tf, smoothed idf, L2) over content words, hashed to ``dim`` columns.

    Words found in more than ``max_df`` of the documents (``groups``: each text's document; by
    default every text is its own; only from ``min_docs`` documents on) get no weight: a corpus's
    topic words ("Russia", "Ukraine", "troops" in a war corpus) say nothing about which claim a
    text makes, and a text made only of them has an all-zero row. Hashing each word to one
    signed column keeps rows dense and short (dot products equal the TF-IDF cosine up to rare
    collisions) so cluster sums stay cheap. scikit-learn does the weighting.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    out = np.zeros((len(texts), dim), dtype=np.float32)
    if not texts:
        return out
    terms = [_terms(t) for t in texts]
    owner = list(groups) if groups is not None else list(range(len(texts)))
    n_docs = len(set(owner))
    common: set[str] = set()
    if n_docs >= min_docs:
        seen: dict[str, set[int]] = {}
        for ts, g in zip(terms, owner, strict=True):
            for t in ts:
                seen.setdefault(t, set()).add(g)
        common = {t for t, gs in seen.items() if len(gs) > max_df * n_docs}
    kept = [[t for t in ts if t not in common] for ts in terms]
    vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    try:
        x = vec.fit_transform(kept).tocsr()
    except ValueError:  # no term left in any text
        return out
    names = vec.get_feature_names_out()
    digests = [hashlib.blake2b(t.encode(), digest_size=8).digest() for t in names]
    col = np.array([int.from_bytes(d[:4], "little") % dim for d in digests], dtype=np.int64)
    sign = np.array([1.0 if d[4] & 1 else -1.0 for d in digests], dtype=np.float32)
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    np.add.at(out, (rows, col[x.indices]), x.data.astype(np.float32) * sign[x.indices])
    return out


def _identity(terms: list[str]) -> list[str]:
    return terms


def fuse_vectors(dense: np.ndarray, lexical: np.ndarray, *, lexical_weight: float) -> np.ndarray:
    """Rows whose dot product is ``(1 - w) * dense cosine + w * TF-IDF cosine``.

    Both inputs are L2-normalised rows; a lexical row may be all zero (it then adds nothing).
    """
    w = float(lexical_weight)
    if w <= 0.0:
        return dense
    out = np.hstack([dense * np.float32(np.sqrt(1.0 - w)), lexical * np.float32(np.sqrt(w))]).astype(
        np.float32
    )
    # unit rows (hashing collisions leave norms near 1, and equal rows then tie exactly); a row
    # without words of its own keeps its shorter norm: its best score is (1 - w) * cosine
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    has_words = np.abs(lexical).sum(axis=1, keepdims=True) > 0
    return out / np.where(has_words & (norms > 0), norms, 1.0)


def recurring_claims(
    texts: Sequence[str],
    groups: Sequence[int],
    *,
    keys: Sequence[Iterable[str]] | None = None,
    rare_words: int = 6,
    max_df: float = 0.01,
    min_shared: int = 1,
    max_chance: float | None = None,
) -> np.ndarray:
    """Which claims share a lexical signature with a claim of another group (document).

    Each claim's signatures are the pairs among its ``rare_words`` rarest content words (stop words
    and words found in a single claim left out, as are words in more than ``max_df`` of the
    claims: they say nothing about recurrence), plus its ``keys`` (e.g. entity-key blocks). A claim
    is marked when ``min_shared`` of its signatures are each shared with a claim whose ``groups``
    value differs (3 word pairs: three rare words in common; a claim with fewer signatures needs
    all of its own shared). ``max_chance`` drops word pairs expected to co-occur by chance
    (``df(a) * df(b) / n`` above it; two words in two claims each always count), so the share
    of claims marked by chance stays flat as the corpus grows.
    Cost: one pass over the words and a sort of the signatures, linear in the corpus.
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=bool)
    # each claim's distinct content words as word ids (a set of strings per claim costs about
    # 1.5 KB: over a gigabyte for the 770k eligible claims of 100k documents)
    vocab: dict[str, int] = {}
    spelled: list[str] = []
    words: list[tuple[int, ...]] = []
    for t in texts:
        ids: set[int] = set()
        for m in _WORD.finditer(t):
            w = m.group().casefold()
            if w not in STOP_WORDS:
                wid = vocab.get(w)
                if wid is None:
                    wid = vocab[w] = len(spelled)
                    spelled.append(w)
                ids.add(wid)
        words.append(tuple(ids))
    del vocab
    df: Counter[int] = Counter(w for ws in words for w in ws)
    cap = max(20, int(max_df * n))
    sig: list[int] = []
    owner: list[int] = []
    for i, ws in enumerate(words):
        rare = sorted((w for w in ws if 2 <= df[w] <= cap), key=lambda w: (df[w], spelled[w]))[:rare_words]
        for a, b in combinations(sorted(rare, key=spelled.__getitem__), 2):
            if max_chance is not None and df[a] * df[b] > max(4.0, max_chance * n):
                continue  # expected to meet by chance: no evidence of recurrence
            sig.append(hash((spelled[a], spelled[b])))
            owner.append(i)
        for k in keys[i] if keys is not None else ():
            sig.append(hash(("k", k)))
            owner.append(i)
    del words
    if not sig:
        return np.zeros(n, dtype=bool)
    sig_arr = np.array(sig, dtype=np.int64)
    own = np.array(owner, dtype=np.int64)
    del sig, owner
    grp = np.asarray(groups, dtype=np.int64)[own]
    _, inv = np.unique(sig_arr, return_inverse=True)
    lo = np.full(inv.max() + 1, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(inv.max() + 1, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(lo, inv, grp)
    np.maximum.at(hi, inv, grp)
    shared = lo[inv] != hi[inv]
    # a claim's signatures are distinct (sets), so counting shared rows counts distinct signatures
    # (a claim with fewer signatures than ``min_shared``, few rare words, needs all of them shared)
    need = np.minimum(min_shared, np.bincount(own, minlength=n))
    return (np.bincount(own[shared], minlength=n) >= need) & (need > 0)


def text_key(text: str, *, model: str = "") -> str:
    """The cache key of one embedded text."""
    return hashlib.sha1(f"{model}\x00{text}".encode("utf-8", "surrogatepass")).hexdigest()[:20]


class ClaimVectorCache:
    """Text -> vector cache in one ``.npz`` file (``path=None``: in memory only).

    ``max_entries`` bounds the file: when exceeded at :meth:`save`, the entries not used in
    this run are dropped first.
    """

    def __init__(
        self, path: str | Path | None = None, *, model: str = "", max_entries: int = 5_000_000
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.model = model
        self.max_entries = max_entries
        self._vecs: dict[str, np.ndarray] = {}
        self._used: set[str] = set()
        self._dirty = False
        if self.path is not None and self.path.is_file():
            try:
                with np.load(self.path, allow_pickle=False) as data:
                    keys, mat = data["keys"], data["vectors"]
                self._vecs = {str(k): mat[i] for i, k in enumerate(keys.tolist())}
            except (OSError, ValueError, KeyError):
                self._vecs = {}  # a damaged cache is rebuilt, never fatal

    @classmethod
    def for_store_url(cls, url: str, *, model: str = "") -> ClaimVectorCache:
        """The cache for a store: beside a SQLite file, else under the embedding cache dir."""
        if url and url != ":memory:" and "://" not in url and not url.startswith("file:"):
            return cls(f"{url}.claimvecs.npz", model=model)
        if not url or url == ":memory:":
            return cls(None, model=model)
        base = os.environ.get("CLAIMTRACE_CACHE") or os.path.join(Path.home(), ".cache", "claimtrace")
        name = hashlib.sha1(url.encode()).hexdigest()[:12]
        return cls(Path(base) / f"claimvecs-{name}.npz", model=model)

    def __len__(self) -> int:
        return len(self._vecs)

    def lookup(self, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Index (into ``texts``) -> cached vector, for the texts found."""
        out: dict[int, np.ndarray] = {}
        for i, t in enumerate(texts):
            k = text_key(t, model=self.model)
            v = self._vecs.get(k)
            if v is not None:
                out[i] = v.astype(np.float32)
                self._used.add(k)
        return out

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Remember ``vectors[i]`` for ``texts[i]``."""
        for t, v in zip(texts, vectors, strict=True):
            k = text_key(t, model=self.model)
            self._vecs[k] = np.asarray(v, dtype=np.float16)
            self._used.add(k)
        self._dirty = self._dirty or len(texts) > 0

    def save(self) -> None:
        """Write the file (atomically) when something was added."""
        if self.path is None or not self._dirty:
            return
        keys = list(self._vecs)
        if len(keys) > self.max_entries:
            keys = sorted(keys, key=lambda k: k not in self._used)[: self.max_entries]
        dim = len(next(iter(self._vecs.values()))) if keys else 0
        mat = np.stack([self._vecs[k] for k in keys]) if keys else np.zeros((0, dim), dtype=np.float16)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp.npz")
        np.savez(tmp, keys=np.array(keys, dtype="U20"), vectors=mat.astype(np.float16))
        os.replace(tmp, self.path)
        self._dirty = False
