"""Batch refinement for story clustering: bounded regions, re-clustered agglomeratively.

The online pass of :class:`claimtrace.crossdoc.stories.StoryClusterer` depends on the order in
which documents arrive: an early document can pull a story towards a sibling event. After each
batch, the stories the batch touched and their close neighbours form *regions* (groups of
stories linked by centroid similarity, at most ``max_docs`` documents each, so the cost stays
linear in the corpus). Each region's documents are re-clustered with weighted-average linkage
(WPGMA) over document cosine similarity, which does not depend on document order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np


def wpgma(sim: np.ndarray, threshold: float) -> list[int]:
    """Weighted-average-linkage clusters of a similarity matrix, cut at ``threshold``.

    Repeatedly joins the two most similar clusters while their similarity is at least
    ``threshold``; the similarity of a joined cluster to another is the mean of its two parts'
    similarities (WPGMA). Returns one label per row, labels numbered by first row.

    >>> wpgma(np.array([[1.0, 0.9, 0.0], [0.9, 1.0, 0.1], [0.0, 0.1, 1.0]]), 0.5)
    [0, 0, 1]
    """
    n = sim.shape[0]
    if n == 0:
        return []
    s = np.array(sim, dtype=np.float64, copy=True)
    np.fill_diagonal(s, -np.inf)
    alive = np.ones(n, dtype=bool)
    parent = list(range(n))
    while True:
        flat = int(np.argmax(s))
        i, j = divmod(flat, n)
        if not np.isfinite(s[i, j]) or s[i, j] < threshold:
            break
        merged = (s[i] + s[j]) / 2.0
        s[i, :] = merged
        s[:, i] = merged
        s[i, i] = -np.inf
        s[j, :] = -np.inf
        s[:, j] = -np.inf
        alive[j] = False
        parent[j] = i
    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    labels: dict[int, int] = {}
    return [labels.setdefault(root(k), len(labels)) for k in range(n)]


def dense(vectors: Sequence[Mapping[str, float]]) -> np.ndarray:
    """Rows of L2-normalised sparse term vectors as a dense matrix (zero rows stay zero)."""
    vocab: dict[str, int] = {}
    for vec in vectors:
        for term in vec:
            vocab.setdefault(term, len(vocab))
    x = np.zeros((len(vectors), max(len(vocab), 1)), dtype=np.float64)
    for row, vec in enumerate(vectors):
        for term, weight in vec.items():
            x[row, vocab[term]] = weight
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


def bounded_components(
    sizes: Mapping[str, int], edges: Iterable[tuple[float, str, str]], *, max_size: int
) -> list[list[str]]:
    """Union nodes along edges, strongest first, never letting a group exceed ``max_size``.

    ``sizes`` gives each node's weight (documents in a story); returns the groups (each a list
    of node ids, in ``sizes`` order), singletons included.
    """
    parent = {node: node for node in sizes}
    total = dict(sizes)

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for _, a, b in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        if a not in parent or b not in parent:
            continue
        ra, rb = find(a), find(b)
        if ra != rb and total[ra] + total[rb] <= max_size:
            parent[rb] = ra
            total[ra] += total[rb]
    groups: dict[str, list[str]] = {}
    for node in sizes:
        groups.setdefault(find(node), []).append(node)
    return list(groups.values())


def assign_ids(
    clusters: Sequence[Sequence[str]], old_of: Mapping[str, str], rank: Mapping[str, int]
) -> list[str | None]:
    """Give each new cluster the id of the old story it shares most documents with.

    Each old id goes to at most one cluster: pairs are taken by overlap (largest first), then by
    the old story's ``rank`` (older first). Clusters left without an old id get None.
    """
    pairs = []
    for k, docs in enumerate(clusters):
        overlap: dict[str, int] = {}
        for doc in docs:
            old = old_of.get(doc)
            if old is not None:
                overlap[old] = overlap.get(old, 0) + 1
        pairs += [(-n, rank.get(old, 0), old, k) for old, n in overlap.items()]
    out: list[str | None] = [None] * len(clusters)
    used: set[str] = set()
    for _, _, old, k in sorted(pairs):
        if out[k] is None and old not in used:
            out[k] = old
            used.add(old)
    return out
