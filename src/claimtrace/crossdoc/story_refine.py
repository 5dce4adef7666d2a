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


def attach_small(
    sim: np.ndarray,
    labels: list[int],
    *,
    threshold: float,
    max_size: int = 2,
    apart: np.ndarray | None = None,
) -> list[int]:
    """Move members of clusters of at most ``max_size`` rows to the larger cluster they are most
    similar to on average, when that mean similarity reaches ``threshold``.

    Agglomerative cuts leave stray fragments of a story (a short report, a follow-up with
    fewer shared details); attaching them to their nearest real story trades a little
    precision for recall. ``apart`` (boolean, rows x rows) marks pairs that may never share a
    story (documents far apart in time): a row never joins a cluster holding such a partner.
    Returns new labels (the input is not changed).
    """
    out = list(labels)
    if threshold <= 0 or not labels:
        return out
    arr = np.asarray(labels)
    sizes = np.bincount(arr)
    big = [c for c in range(len(sizes)) if sizes[c] > max_size]
    if not big:
        return out
    means = np.stack([sim[:, arr == c].mean(axis=1) for c in big], axis=1)
    if apart is not None:
        vetoed = np.stack([apart[:, arr == c].any(axis=1) for c in big], axis=1)
        means = np.where(vetoed, -np.inf, means)
    for row, label in enumerate(labels):
        if sizes[label] <= max_size:
            best = int(np.argmax(means[row]))
            if means[row, best] >= threshold:
                out[row] = big[best]
    return out


def cosine_matrix(vectors: Sequence[Mapping[str, float]]) -> np.ndarray:
    """Cosine similarity of every two sparse term vectors (1 on the diagonal of non-empty ones).

    Only terms held by at least two vectors can make two vectors similar, so the dense matrix
    is built over those terms alone (norms still count every term).
    """
    n = len(vectors)
    seen: dict[str, int] = {}
    for vec in vectors:
        for term in vec:
            seen[term] = seen.get(term, 0) + 1
    vocab = {t: k for k, t in enumerate(t for t, c in seen.items() if c > 1)}
    x = np.zeros((n, max(len(vocab), 1)), dtype=np.float32)
    norms = np.ones(n, dtype=np.float32)
    for row, vec in enumerate(vectors):
        norms[row] = np.sqrt(sum(w * w for w in vec.values())) or 1.0
        for term, weight in vec.items():
            col = vocab.get(term)
            if col is not None:
                x[row, col] = weight
    x /= norms[:, None]
    sim = (x @ x.T).astype(np.float64)
    np.fill_diagonal(sim, [1.0 if vec else 0.0 for vec in vectors])
    return sim


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
