"""Vectorised MinHash signatures and banded locality-sensitive hashing (no all-pairs step).

Items (sentences, documents) are sets of 32-bit feature hashes (hashed word shingles). A
:class:`MinHasher` turns many sets into signatures in one numpy pass: the sets are concatenated,
every permutation ``h_i(x) = ((a_i * x + b_i) mod 2**64) >> 32`` (multiply-add-shift hashing) is
applied to all values at once, and ``np.minimum.reduceat`` takes the per-set minima. This is about
an order of magnitude faster than building one ``datasketch.MinHash`` per set in Python.

:class:`BandIndex` cuts each signature into ``bands`` bands of ``rows`` values and hashes every band
to one 64-bit key; items that share a key in any band are candidate pairs. Buckets are found by
sorting keys (not by comparing items), so the cost is ``O(n log n)`` in the number of items. Pairs
are only produced between items at most ``window`` apart in a bucket's sorted order: small buckets
give all their pairs, a huge bucket (boilerplate shared by thousands of items) gives a linear number
of pairs that still connects all its members. The index is incremental: :meth:`BandIndex.add`
returns only the candidate pairs that involve the newly added items.

>>> hasher = MinHasher(num_perm=8)
>>> sets = [token_hashes(["a", "b", "c"]), token_hashes(["a", "b", "c"]), token_hashes(["x", "y"])]
>>> index = BandIndex(bands=4, rows=2)
>>> index.add(hasher.signatures(sets)).tolist()
[[0, 1]]
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "BandIndex",
    "MinHasher",
    "band_keys",
    "bucket_pairs",
    "shingle_hashes",
    "shingles_of_hashes",
    "token_hash",
    "token_hashes",
]

_MASK32 = np.uint64(0xFFFFFFFF)
_TOKEN_CACHE: dict[str, int] = {}
_CACHE_LIMIT = 2_000_000


def token_hash(token: str) -> int:
    """The stable 32-bit hash (CRC-32 of the UTF-8 bytes) of one token, uncached."""
    return zlib.crc32(token.encode("utf-8", "surrogatepass"))


def _token_hash(token: str) -> int:
    value = _TOKEN_CACHE.get(token)
    if value is None:
        value = token_hash(token)
        if len(_TOKEN_CACHE) < _CACHE_LIMIT:
            _TOKEN_CACHE[token] = value
    return value


def token_hashes(tokens: Iterable[str]) -> np.ndarray:
    """Stable 32-bit hashes (CRC-32) of ``tokens`` as a ``uint32`` array (order kept)."""
    return np.fromiter((_token_hash(t) for t in tokens), dtype=np.uint32)


def shingle_hashes(tokens: Sequence[str], size: int) -> np.ndarray:
    """The unique 32-bit hashes of the word ``size``-grams of ``tokens`` (unigrams when ``size`` is 1).

    A sequence shorter than ``size`` gives one shingle made of all its tokens.
    """
    return np.unique(shingles_of_hashes(token_hashes(tokens), size))


def shingles_of_hashes(hashes: np.ndarray, size: int) -> np.ndarray:
    """The 32-bit hashes of the ``size``-grams of a sequence of token hashes (not deduplicated)."""
    base = hashes.astype(np.uint64)
    if size <= 1 or len(base) <= size:
        if size > 1 and len(base) > 0:
            whole = 0
            for value in base.tolist():
                whole = (whole * 0x9E3779B1 + value) & 0xFFFFFFFF
            return np.array([whole], dtype=np.uint32)
        return base.astype(np.uint32)
    n = len(base) - size + 1
    acc = base[:n].copy()
    for k in range(1, size):
        acc = (acc * np.uint64(0x9E3779B1) + base[k : k + n]) & _MASK32
    return acc.astype(np.uint32)


class MinHasher:
    """``num_perm`` multiply-add-shift permutations, applied to many sets at once."""

    def __init__(self, *, num_perm: int = 32, seed: int = 7, chunk: int = 262_144) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.chunk = chunk
        self.a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self.b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)

    def signatures(self, sets: Sequence[np.ndarray]) -> np.ndarray:
        """MinHash signatures, shape ``(len(sets), num_perm)``, ``uint32``; empty sets give all ones."""
        out = np.full((len(sets), self.num_perm), 0xFFFFFFFF, dtype=np.uint32)
        lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
        nonempty = np.flatnonzero(lengths)
        if len(nonempty) == 0:
            return out
        # process whole sets in chunks of about `chunk` values
        start = 0
        while start < len(nonempty):
            total = 0
            stop = start
            while stop < len(nonempty) and (stop == start or total + lengths[nonempty[stop]] <= self.chunk):
                total += int(lengths[nonempty[stop]])
                stop += 1
            idx = nonempty[start:stop]
            values = np.concatenate([sets[i] for i in idx]).astype(np.uint64)
            offsets = np.zeros(len(idx), dtype=np.int64)
            np.cumsum(lengths[idx][:-1], out=offsets[1:])
            hashed = values[:, None] * self.a[None, :]
            hashed += self.b[None, :]
            hashed >>= np.uint64(32)
            out[idx] = np.minimum.reduceat(hashed, offsets, axis=0).astype(np.uint32)
            start = stop
        return out


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (item, band): shape ``(n, bands)``."""
    sig = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), bands, rows)
    keys = np.zeros((len(signatures), bands), dtype=np.uint64)
    for r in range(rows):
        keys = keys * np.uint64(0x100000001B3) + sig[:, :, r] + np.uint64(r + 1)
    # the band number goes into the key so that equal values in different bands never collide
    keys ^= np.arange(bands, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
    return keys


def bucket_pairs(ids: Sequence[int], window: int) -> list[tuple[int, int]]:
    """The candidate pairs of one bucket, as :meth:`BandIndex.add` makes them over a whole batch:
    the ids sorted, each paired with the next ``window`` (the Spark job's per-bucket step)."""
    ordered = sorted(ids)
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 : i + 1 + window] if a != b]


class BandIndex:
    """Banded LSH over MinHash signatures; items get consecutive integer ids in order of addition.

    The (key, id) entries are kept sorted. :meth:`add` pairs the new entries only with the last
    ``window`` old entries of the buckets they fall into (new ids are larger than every old one,
    so they follow them in each bucket): the pairs are those of sorting everything again, at a
    cost that grows with the new items and their buckets, not with the index.
    """

    def __init__(self, *, bands: int, rows: int, window: int = 24) -> None:
        self.bands = bands
        self.rows = rows
        self.window = window
        self.keys = np.zeros(0, dtype=np.uint64)  # sorted by (key, id)
        self.ids = np.zeros(0, dtype=np.int64)
        self.size = 0

    def add(self, signatures: np.ndarray) -> np.ndarray:
        """Index ``signatures`` and return the candidate pairs that involve a new item.

        The result is an ``(m, 2)`` int64 array of ``(smaller id, larger id)`` rows, unique.
        Empty signatures (all ones: an empty set) are not indexed.
        """
        n = len(signatures)
        if signatures.shape[1] < self.bands * self.rows:
            raise ValueError(f"signatures have {signatures.shape[1]} values, need bands*rows")
        ids = np.arange(self.size, self.size + n, dtype=np.int64)
        keep = ~np.all(signatures == 0xFFFFFFFF, axis=1)
        new_keys = band_keys(signatures[keep], self.bands, self.rows).ravel()
        new_ids = np.repeat(ids[keep], self.bands)
        order = np.lexsort((new_ids, new_keys))
        new_keys, new_ids = new_keys[order], new_ids[order]
        first_new = self.size
        self.size += n
        # the old tail (last `window` entries) of every bucket a new entry falls into
        uniq = np.unique(new_keys)
        hi = np.searchsorted(self.keys, uniq, side="right")
        lo = np.maximum(np.searchsorted(self.keys, uniq, side="left"), hi - self.window)
        take = _ranges(lo, hi)
        sub_keys = np.concatenate([self.keys[take], new_keys])
        sub_ids = np.concatenate([self.ids[take], new_ids])
        sub = np.lexsort((sub_ids, sub_keys))
        sub_ids = sub_ids[sub]
        cand = _window_pairs(sub_keys[sub], sub_ids, self.window, sub_ids >= first_new)
        # merge the new entries into the sorted arrays (after the old ones of the same key)
        at = np.searchsorted(self.keys, new_keys, side="right")
        self.keys = np.insert(self.keys, at, new_keys)
        self.ids = np.insert(self.ids, at, new_ids)
        return cand

    def remove(self, ranges: Sequence[tuple[int, int]]) -> None:
        """Take the items with ids in the ``[lo, hi)`` ``ranges`` out (their ids stay used)."""
        bounds = np.asarray(sorted(ranges), dtype=np.int64).ravel()
        inside = np.searchsorted(bounds, self.ids, side="right") % 2 == 1
        self.keys, self.ids = self.keys[~inside], self.ids[~inside]

    def readd(self, ids: np.ndarray, signatures: np.ndarray) -> np.ndarray:
        """Put items taken out by :meth:`remove` back under new signatures; returns the pairs
        that involve them, within ``window`` of each other in their buckets' id order (pairs that
        the re-sorted buckets would now give between other items are not looked for)."""
        keep = ~np.all(signatures == 0xFFFFFFFF, axis=1)
        new_keys = band_keys(signatures[keep], self.bands, self.rows).ravel()
        new_ids = np.repeat(np.asarray(ids, dtype=np.int64)[keep], self.bands)
        order = np.lexsort((new_ids, new_keys))
        new_keys, new_ids = new_keys[order], new_ids[order]
        lo = np.searchsorted(self.keys, new_keys, side="left")
        hi = np.searchsorted(self.keys, new_keys, side="right")
        at = np.asarray(
            [
                a + int(np.searchsorted(self.ids[a:b], i))
                for a, b, i in zip(lo.tolist(), hi.tolist(), new_ids.tolist(), strict=True)
            ],
            dtype=np.int64,
        )
        self.keys = np.insert(self.keys, at, new_keys)
        self.ids = np.insert(self.ids, at, new_ids)
        uniq = np.unique(new_keys)
        take = _ranges(
            np.searchsorted(self.keys, uniq, side="left"), np.searchsorted(self.keys, uniq, side="right")
        )
        ids_in = self.ids[take]
        return _window_pairs(self.keys[take], ids_in, self.window, np.isin(ids_in, new_ids))

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The index as plain arrays (for :meth:`from_arrays`)."""
        params = np.asarray([self.bands, self.rows, self.window, self.size], dtype=np.int64)
        return {"keys": self.keys, "ids": self.ids, "params": params}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> BandIndex:
        """An index saved by :meth:`to_arrays`."""
        bands, rows, window, size = (int(v) for v in arrays["params"])
        index = cls(bands=bands, rows=rows, window=window)
        index.keys = np.asarray(arrays["keys"], dtype=np.uint64)
        index.ids = np.asarray(arrays["ids"], dtype=np.int64)
        index.size = size
        return index


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The concatenated ``arange(lo[k], hi[k])`` for every ``k``."""
    lengths = np.maximum(hi - lo, 0)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(lo - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return starts + np.arange(total, dtype=np.int64)


def _window_pairs(keys: np.ndarray, ids: np.ndarray, window: int, new: np.ndarray) -> np.ndarray:
    """Pairs of entries at most ``window`` apart in sorted order with equal keys, one of them
    ``new`` (a mask over the entries)."""
    pairs: list[np.ndarray] = []
    for d in range(1, min(window, len(keys) - 1) + 1):
        same = keys[d:] == keys[:-d]
        if not np.any(same):  # no run of equal keys is longer than d
            break
        left, right = ids[:-d][same], ids[d:][same]
        hit = new[:-d][same] | new[d:][same]
        pairs.append(np.stack([left[hit], right[hit]], axis=1))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    cand = np.concatenate(pairs)
    cand = cand[cand[:, 0] != cand[:, 1]]
    cand.sort(axis=1)
    return np.unique(cand, axis=0)
