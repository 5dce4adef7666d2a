"""Disjoint sets with path compression, over any hashable items (used for passages and claims)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """``find`` gives an item's root; ``attach`` hangs one root under another; ``union`` joins two sets.

    >>> uf: UnionFind[int] = UnionFind()
    >>> uf.union(3, 1); uf.union(1, 2); uf.find(3)
    1
    """

    def __init__(self) -> None:
        self.parent: dict[T, T] = {}

    def find(self, x: T) -> T:
        """The root of ``x``'s set (``x`` itself for an item never seen)."""
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def attach(self, child_root: T, root: T) -> None:
        """Hang the set rooted at ``child_root`` under ``root`` (both must be roots)."""
        self.parent[child_root] = root

    def union(self, a: T, b: T) -> None:
        """Join the sets of ``a`` and ``b``; the smaller root (by ordering) stays the root."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = (ra, rb) if ra <= rb else (rb, ra)  # type: ignore[operator]
            self.parent[hi] = lo
