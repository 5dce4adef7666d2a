"""Batch refinement helpers: WPGMA, bounded regions, stable id assignment, fragment attachment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.crossdoc.story_refine import (
    assign_ids,
    attach_small,
    bounded_components,
    cosine_matrix,
    wpgma,
)


def test_wpgma_cuts_at_threshold() -> None:
    sim = np.array(
        [
            [1.0, 0.8, 0.1, 0.0],
            [0.8, 1.0, 0.0, 0.1],
            [0.1, 0.0, 1.0, 0.7],
            [0.0, 0.1, 0.7, 1.0],
        ]
    )
    assert wpgma(sim, 0.5) == [0, 0, 1, 1]
    assert wpgma(sim, 0.75) == [0, 0, 1, 2]
    assert wpgma(sim, 0.01) == [0, 0, 0, 0]  # clusters join at mean similarity 0.05
    assert wpgma(np.zeros((0, 0)), 0.5) == []


def test_wpgma_averages_instead_of_chaining() -> None:
    # a-b and b-c are close, a-c far: single linkage would chain all three; average does not
    sim = np.array([[1.0, 0.6, 0.0], [0.6, 1.0, 0.5], [0.0, 0.5, 1.0]])
    labels = wpgma(sim, 0.4)
    assert labels[0] == labels[1] != labels[2]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=10_000))
def test_wpgma_does_not_depend_on_row_order(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.random((n, 5)) ** 4  # skewed, so ties are unlikely
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    sim = x @ x.T
    perm = rng.permutation(n)
    base = wpgma(sim, 0.6)
    permuted = wpgma(sim[np.ix_(perm, perm)], 0.6)
    groups = {frozenset(np.flatnonzero(np.asarray(base) == k)) for k in set(base)}
    back = {frozenset(int(perm[i]) for i in np.flatnonzero(np.asarray(permuted) == k)) for k in set(permuted)}
    assert groups == back


def test_bounded_components_respect_the_cap() -> None:
    sizes = {"a": 3, "b": 3, "c": 3, "d": 1}
    edges = [(0.9, "a", "b"), (0.8, "b", "c"), (0.5, "c", "d"), (0.4, "x", "a")]
    groups = sorted(map(sorted, bounded_components(sizes, edges, max_size=7)))
    assert groups == [["a", "b"], ["c", "d"]]  # a+b+c would hold 9 documents
    assert sorted(map(sorted, bounded_components(sizes, edges, max_size=100))) == [["a", "b", "c", "d"]]


def test_assign_ids_keeps_the_id_of_the_largest_overlap_once() -> None:
    old_of = {"d1": "s1", "d2": "s1", "d3": "s1", "d4": "s2", "d5": "s2"}
    clusters = [["d1", "d2"], ["d3", "d4", "d5"], ["d6"]]
    assert assign_ids(clusters, old_of, {"s1": 1, "s2": 2}) == ["s1", "s2", None]
    # two clusters overlapping s1 equally: the id goes to one only
    ids = assign_ids([["d1"], ["d2"]], {"d1": "s1", "d2": "s1"}, {"s1": 1})
    assert ids.count("s1") == 1 and ids.count(None) == 1


def test_attach_small_moves_fragments_to_their_nearest_story() -> None:
    sim = np.array(
        [
            [1.0, 0.6, 0.6, 0.3, 0.0],
            [0.6, 1.0, 0.6, 0.2, 0.0],
            [0.6, 0.6, 1.0, 0.25, 0.0],
            [0.3, 0.2, 0.25, 1.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 1.0],
        ]
    )
    labels = [0, 0, 0, 1, 2]
    assert attach_small(sim, labels, threshold=0.2) == [0, 0, 0, 0, 2]  # row 4 is near nothing
    assert attach_small(sim, labels, threshold=0.3) == labels
    assert attach_small(sim, labels, threshold=0.0) == labels
    apart = np.zeros((5, 5), dtype=bool)
    apart[3, 1] = apart[1, 3] = True  # row 3 is dated far from row 1
    assert attach_small(sim, labels, threshold=0.2, apart=apart) == labels


def test_cosine_matrix() -> None:
    sim = cosine_matrix([{"a": 3.0, "b": 4.0}, {"a": 1.0}, {"z": 2.0}, {}])
    assert sim[0, 1] == pytest.approx(0.6)
    assert sim[0, 2] == 0.0 and sim[2, 2] == 1.0 and sim[3, 3] == 0.0
    assert np.allclose(sim, sim.T)
