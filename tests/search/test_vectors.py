"""The on-disk vector index: incremental adds, removal, reopening, stale manifests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claimtrace.search.vectors import VectorIndex, index_root

DIM = 8


def unit(rows: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((rows, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_add_twice_adds_once_and_scores_are_cosine(tmp_path: Path) -> None:
    ix = VectorIndex.open(tmp_path / "ix", DIM, model_version="m1")
    vecs = unit(5)
    assert ix.add([f"c{i}" for i in range(5)], vecs) == 5
    assert ix.add([f"c{i}" for i in range(5)], vecs) == 0
    assert ix.add(["c0", "c9", "c9"], unit(3, seed=1)) == 1  # only the unseen id, once
    assert len(ix) == 6
    hits = ix.query(vecs[2], 3)[0]
    assert hits[0][0] == "c2"
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    expected = float(vecs[2] @ ix.vectors([hits[1][0]])[0])
    assert hits[1][1] == pytest.approx(expected, abs=1e-5)


def test_reopen_from_disk_and_append(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    ix = VectorIndex.open(path, DIM, model_version="m1")
    ix.add(["a", "b", "c"], unit(3))
    ix.save()
    again = VectorIndex.open(path, DIM, model_version="m1")
    assert not again.rebuilt
    assert again.ids() == ["a", "b", "c"]
    assert again.add(["b", "d"], unit(2, seed=4)) == 1
    # grows past the initial capacity without rewriting what is there
    many = [f"x{i}" for i in range(1500)]
    assert again.add(many, unit(1500, seed=5)) == 1500
    again.save()
    third = VectorIndex.open(path, DIM, model_version="m1")
    assert len(third) == 1504
    assert (path / "ids.txt").read_text().splitlines()[:4] == ["a", "b", "c", "d"]
    assert third.query(unit(3)[1], 1)[0][0][0] == "b"


def test_remove_marks_deleted_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    ix = VectorIndex.open(path, DIM, model_version="m1")
    vecs = unit(4)
    ix.add(["a", "b", "c", "d"], vecs)
    assert ix.remove(["b", "zzz"]) == 1
    assert "b" not in ix
    assert all(i != "b" for i, _ in ix.query(vecs[1], 3)[0])
    ix.save()
    again = VectorIndex.open(path, DIM, model_version="m1")
    assert again.ids() == ["a", "c", "d"]
    assert len(again.query(vecs[1], 10)[0]) == 3  # k larger than what is left
    assert again.add(["b"], vecs[1]) == 1  # a removed id can come back
    assert again.query(vecs[1], 1)[0][0][0] == "b"


def test_stale_manifest_rebuilds(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    ix = VectorIndex.open(path, DIM, model_version="old-model")
    ix.add(["a"], unit(1))
    ix.save()
    fresh = VectorIndex.open(path, DIM, model_version="new-model")
    assert fresh.rebuilt and len(fresh) == 0
    fresh.add(["z"], unit(1, seed=2))
    fresh.save()
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["model_version"] == "new-model" and manifest["dim"] == DIM
    assert VectorIndex.open(path, DIM, model_version="new-model").ids() == ["z"]


def test_interrupted_save_rebuilds(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    ix = VectorIndex.open(path, DIM, model_version="m1")
    ix.add(["a", "b"], unit(2))
    ix.save()
    (path / "ids.txt").write_text("a\n")  # id map shorter than the manifest says
    assert VectorIndex.open(path, DIM, model_version="m1").rebuilt


def test_bad_input() -> None:
    ix = VectorIndex.open(None, DIM, model_version="m1")
    assert ix.query(unit(1), 5) == [[]]
    with pytest.raises(ValueError):
        ix.add(["a"], np.zeros((1, DIM + 1), dtype=np.float32))
    with pytest.raises(ValueError):
        ix.add(["a\nb"], unit(1))


def test_index_root() -> None:
    assert index_root("x/y.db") == Path("x/y.db.claimtrace-index")
    assert index_root("sqlite:///x.db") == Path("x.db.claimtrace-index")
    assert index_root(":memory:") is None
    assert index_root(None) is None
    pg = index_root("postgresql://u@h/db")
    assert pg is not None and pg.name.endswith(".claimtrace-index")
