"""The incremental reuse index: adding documents in batches gives what one full run gives."""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from claimtrace.crossdoc import reuse_index
from claimtrace.crossdoc.minhash import BandIndex, band_keys
from claimtrace.crossdoc.reuse_index import run_reuse
from claimtrace.model import Claim, DocAnalysis, Document, ReuseLink, Span

pytest.importorskip("hnswlib")

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ru",
    "te",
    "sa",
    "vo",
    "ne",
    "pi",
    "da",
    "go",
    "fu",
    "re",
    "lin",
    "tor",
    "mas",
    "bek",
    "ul",
    "an",
    "os",
]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentence(rng: random.Random, vocab: list[str]) -> str:
    return " ".join(rng.choice(vocab) for _ in range(rng.randint(9, 16))).capitalize() + "."


def _edit(rng: random.Random, sentence: str, vocab: list[str]) -> str:
    """A near copy (one or two words replaced, or the clause order rotated) or a paraphrase: most
    words swapped for their synonym (the word + "z", which :func:`_encoder` reads as the word)."""
    words = sentence.rstrip(".").split()
    roll = rng.random()
    if roll < 0.35:
        words = [w + "z" if rng.random() < 0.6 else w for w in words]
    elif roll < 0.55:
        cut = len(words) // 2
        words = words[cut:] + words[:cut]
    else:
        for _ in range(rng.randint(1, 2)):
            words[rng.randrange(len(words))] = rng.choice(vocab)
    return " ".join(words) + "."


def _corpus(n: int, seed: int = 4) -> list[tuple[Document, DocAnalysis]]:
    """``n`` invented articles; a third copy 2-5 sentences of an earlier one (verbatim or edited)."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 3000)
    bodies: list[list[str]] = []
    out = []
    for k in range(n):
        sents = [_sentence(rng, vocab) for _ in range(rng.randint(6, 10))]
        if bodies and rng.random() < 0.35:
            src = bodies[rng.randrange(len(bodies))]
            lo = rng.randrange(max(1, len(src) - 2))
            run = [
                s if rng.random() < 0.6 else _edit(rng, s, vocab) for s in src[lo : lo + rng.randint(2, 5)]
            ]
            at = rng.randint(0, len(sents))
            sents[at:at] = run
        bodies.append(sents)
        text, spans = "", []
        for s in sents:
            spans.append((len(text), len(text) + len(s)))
            text += s + " "
        day = 1 + k // 4
        doc = Document(
            text=text.rstrip(),
            source=f"synthetic-{k}",
            published=None if k % 9 == 4 else f"2026-03-{day:02d}",
            outlet=f"outlet{k % 5}",
            credits=["Agency"] if k % 7 == 0 else [],
        )
        claims = [
            Claim(
                id=f"c{k}",
                kind="direct",
                start=spans[0][0],
                end=spans[0][1],
                content_start=spans[0][0],
                content_end=spans[0][1],
                speaker_key=f"person:{k % 3}" if k % 2 else None,
            )
        ]
        out.append((doc, DocAnalysis(doc_id=doc.id, sentences=spans, claims=claims)))
    return out


def _encoder(texts: list[str]) -> np.ndarray:
    """A deterministic bag-of-words embedding (hashed words, synonyms as their word, L2-normalised)."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for r, t in enumerate(texts):
        for w in t.casefold().rstrip(".").split():
            out[r, zlib.crc32(w.rstrip("z").encode()) % 64] += 1.0
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out


class _Links:
    """The store's part: the links of the previous run."""

    def __init__(self) -> None:
        self.links: list[ReuseLink] = []

    def __call__(self) -> list[ReuseLink]:
        return list(self.links)


def _run(
    pairs: Sequence[tuple[Document, DocAnalysis]], folder: Path | None, state: Any, stored: _Links, **kw: Any
) -> tuple[reuse_index.ReuseRun, Any]:
    docs = [d for d, _ in pairs]
    analyses = {a.doc_id: a for _, a in pairs}
    run, new_state = run_reuse(
        docs, analyses, folder=folder, state=state, stored=stored, encoder=_encoder, **kw
    )
    stored.links = run.links
    return run, new_state


def test_batches_give_the_full_run(tmp_path: Path) -> None:
    corpus = _corpus(90)
    full, _ = _run(corpus, None, None, _Links())
    assert full.mode == "full"
    kinds = {x.kind for x in full.links}
    assert {"verbatim", "near", "paraphrase"} <= kinds and len(full.links) > 20, kinds
    stored, state = _Links(), None
    folder = tmp_path / "db.reuse-index"
    for end, mode in ((40, "full"), (70, "incremental"), (90, "incremental")):
        run, state = _run(corpus[:end], folder, state, stored)
        assert run.mode == mode, run.reason
    assert run.links == full.links  # same passages, kinds, scores, sources and groups, same order
    assert run.stats["new_documents"] == 20
    # the old corpus is read only through the index: candidate documents, not all 70
    assert 0 < run.stats["old_documents_read"] < 70
    # nothing new: the index answers without reading any old document
    again, state = _run(corpus[:90], folder, state, stored)
    assert again.mode == "incremental" and again.links == full.links
    assert again.stats.get("old_documents_read", 0) == 0 and again.stats["groups_redescribed"] == 0


def test_index_is_rebuilt_when_it_cannot_be_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(40)
    folder = tmp_path / "db.reuse-index"
    stored = _Links()
    _, state = _run(corpus[:30], folder, None, stored)
    # a new stage version: the stored index is not used
    monkeypatch.setattr(reuse_index, "REUSE_VERSION", "reuse.v999")
    run, state2 = _run(corpus, folder, state, stored)
    assert run.mode == "full" and "version" in run.reason
    assert state2 is not None and state2["version"] != state["version"]
    monkeypatch.undo()
    _, state = _run(corpus[:30], folder, None, stored)
    # forced
    run, _ = _run(corpus, folder, state, stored, force=True)
    assert run.mode == "full" and run.reason == "forced"
    _, state = _run(corpus[:30], folder, None, stored)
    # files that do not belong to the store's state
    run, _ = _run(corpus, folder, {**state, "token": "other"}, stored)
    assert run.mode == "full" and "belong" in run.reason
    _, state = _run(corpus[:30], folder, None, stored)
    # an indexed document's sentences moved (another analysis): start again
    corpus[5][1].sentences = corpus[5][1].sentences[1:]
    run, _ = _run(corpus, folder, state, stored)
    assert run.mode == "full" and "sentence spans changed" in run.reason


def test_new_boilerplate_in_an_indexed_document_is_matched_again(tmp_path: Path) -> None:
    corpus = _corpus(60)
    folder = tmp_path / "db.reuse-index"
    stored = _Links()
    first, state = _run(corpus[:45], folder, None, stored)
    # blank the copied passage of a source document (as new boilerplate would)
    link = next(x for x in first.links if x.kind == "verbatim")
    doc = next(d for d, _ in corpus if d.id == link.a_doc)
    doc.layers["boilerplate"] = [Span(link.a_start, link.a_end, "boilerplate", {"reason": "test"})]
    run, state = _run(corpus, folder, state, stored)
    assert run.mode == "incremental" and run.stats["changed_documents"] == 1
    full, _ = _run(corpus, None, None, _Links())
    assert run.links == full.links
    assert not any(x.a_doc == link.a_doc and x.a_start == link.a_start for x in run.links)


def _naive_pairs(
    sigs: np.ndarray, bands: int, rows: int, window: int, first_new: int
) -> set[tuple[int, int]]:
    keys = band_keys(sigs, bands, rows)
    buckets: dict[int, list[int]] = {}
    for i in range(len(sigs)):
        for k in keys[i].tolist():
            buckets.setdefault(k, []).append(i)
    out = set()
    for ids in buckets.values():
        for a, i in enumerate(ids):
            for j in ids[a + 1 : a + 1 + window]:
                if j >= first_new or i >= first_new:
                    out.add((i, j))
    return out


def test_band_index_batches_match_one_sort() -> None:
    rng = np.random.default_rng(2)
    sigs = rng.integers(0, 50, size=(400, 8)).astype(np.uint32)  # few values: big buckets
    sigs[100:160] = sigs[0]  # one bucket larger than the window
    index = BandIndex(bands=4, rows=2, window=5)
    got: set[tuple[int, int]] = set()
    for lo, hi in ((0, 120), (120, 130), (130, 400)):
        new = {tuple(p) for p in index.add(sigs[lo:hi]).tolist()}
        assert new == _naive_pairs(sigs[:hi], 4, 2, 5, lo)
        got |= new
    assert got == _naive_pairs(sigs, 4, 2, 5, 0)
    again = BandIndex.from_arrays(index.to_arrays())
    assert np.array_equal(again.keys, index.keys) and again.size == 400


def test_analyze_runs_reuse_incrementally(tmp_path: Path) -> None:
    """Through ``analyze`` and a SQLite store: the second run only adds; ``--force`` agrees."""
    from claimtrace.pipeline import analyze
    from claimtrace.store import open_store

    pytest.importorskip("onnxruntime")
    docs = [Document(text=d.text, source=d.source, published=d.published) for d, _ in _corpus(36, seed=8)]
    with open_store(str(tmp_path / "c.db")) as store:
        store.add_documents(docs[:24])
        assert analyze(store, index=False).reuse["mode"] == "full"
        store.add_documents(docs[24:])
        second = analyze(store, index=False).reuse
        assert second["mode"] == "incremental", second["reason"]
        assert second["new_documents"] == 12 and second["old_documents_read"] < 24
        links = store.load_reuse()
        assert len(links) >= 5
        forced = analyze(store, force=True, index=False).reuse
        assert forced["mode"] == "full" and forced["reason"] == "forced"
        assert store.load_reuse() == links
    assert (tmp_path / "c.db.reuse-index" / "meta.json").exists()


def test_band_index_readd_pairs_as_one_sort() -> None:
    rng = np.random.default_rng(9)
    sigs = rng.integers(0, 40, size=(300, 8)).astype(np.uint32)
    sigs[50:90] = sigs[0]
    index = BandIndex(bands=4, rows=2, window=5)
    index.add(sigs)
    changed = sigs.copy()
    changed[60:70] = rng.integers(0, 40, size=(10, 8)).astype(np.uint32)
    index.remove([(60, 70)])
    got = {tuple(p) for p in index.readd(np.arange(60, 70), changed[60:70]).tolist()}
    every = _naive_pairs(changed, 4, 2, 5, 0)
    assert got == {p for p in every if 60 <= p[0] < 70 or 60 <= p[1] < 70}
    fresh = BandIndex(bands=4, rows=2, window=5)
    fresh.add(changed)
    assert np.array_equal(fresh.keys, index.keys) and np.array_equal(fresh.ids, index.ids)
