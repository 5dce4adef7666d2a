"""The reuse stage's incremental index: a run over k new documents costs k, not the corpus.

A full reuse run (:class:`~claimtrace.crossdoc.reuse.ReuseDetector` over every document) is saved
as an *index*: the MinHash band buckets (sorted band keys and sentence ids), the vocabulary with
its document frequencies, every sentence's document and character span, the aligned sentence
pairs, and the embedded sentences with their HNSW graph (hnswlib's own file format). It lives in
files the store owns (beside a SQLite database, ``<db>.reuse-index/``; else under the cache
directory, named after a hash of the store URL) and is tied to the store by a state key
(:data:`INDEX_STATE_KEY`: version and a token written with the files).

The next run indexes only the new documents: their sentences are signed with the stored
vocabulary, their band keys are looked up among the stored buckets, and the candidate old
sentences' documents are the only old ones read (through a loader); links of document pairs whose
aligned pairs changed replace the stored ones, and provenance is re-described only for the groups
those links touch (:func:`claimtrace.crossdoc.provenance.update_sources`).

A full rebuild happens with ``force``, when the version changes (reuse or provenance stage,
detector parameters, paraphrase scorer, embedding model), when the files or the state key are
missing or disagree, or when an indexed document is gone or changed (its text, boilerplate,
sentences, claims, date or credits: its fingerprint). Differences from a full run over the same
documents are listed in docs/benchmarks.md ("Incremental cross-document runs").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.crossdoc.boilerplate import boilerplate_spans
from claimtrace.crossdoc.provenance import PROVENANCE_VERSION, assign_sources, update_sources
from claimtrace.crossdoc.reuse import REUSE_VERSION, ReuseDetector, ReuseDoc
from claimtrace.model import DocAnalysis, Document, ReuseLink

__all__ = ["INDEX_STATE_KEY", "ReuseRun", "fingerprint", "index_dir", "index_version", "run_reuse"]

INDEX_STATE_KEY = "reuse.index"
INDEX_FORMAT = "reuse-index.v2"  # v2: fingerprints over the boilerplate spans, not the masked text
_ARRAYS, _ANN, _META = "arrays.npz", "ann.bin", "meta.json"


@dataclass
class ReuseRun:
    """What one reuse run did: its links (with provenance), mode and counts."""

    links: list[ReuseLink]
    mode: str  # "full" or "incremental"
    reason: str  # why a full run was made ("" for incremental)
    stats: dict[str, Any] = field(default_factory=dict)


def index_dir(url: str) -> Path | None:
    """The index folder of a store: beside a SQLite file, else under the cache dir; ``None`` for
    an in-memory store (no index is kept)."""
    if not url or url == ":memory:":
        return None
    if "://" not in url and not url.startswith("file:"):
        return Path(f"{url}.reuse-index")
    base = os.environ.get("CLAIMTRACE_CACHE") or os.path.join(Path.home(), ".cache", "claimtrace")
    return Path(base) / f"reuse-index-{hashlib.sha1(url.encode()).hexdigest()[:12]}"


def index_version(detector: ReuseDetector, encoder: Any = None) -> str:
    """Everything a stored index depends on: stage versions, parameters, scorer and encoder."""
    from claimtrace.crossdoc.paraphrase import MODEL_PATH

    scorer = hashlib.sha1(MODEL_PATH.read_bytes()).hexdigest()[:12] if MODEL_PATH.exists() else "none"
    if encoder is None:
        from claimtrace.embeddings import MODEL_VERSION

        enc = MODEL_VERSION
    else:
        enc = "custom:" + str(
            getattr(encoder, "version", getattr(encoder, "__qualname__", type(encoder).__name__))
        )
    params = json.dumps(detector.params(), sort_keys=True)
    return "|".join([INDEX_FORMAT, REUSE_VERSION, PROVENANCE_VERSION, params, scorer, enc])


def fingerprint(doc: Document, analysis: DocAnalysis | None) -> int:
    """A 32-bit digest of what the reuse stage and provenance read from one document: its text
    and boilerplate spans (the masked text, without masking it), sentences, claims' spans and
    speakers, date, credits and outlet."""
    crc = zlib.crc32(doc.text.encode("utf-8", "surrogatepass"))
    spans = [(s.start, s.end) for s in boilerplate_spans(doc)]
    sents, claims = (analysis.sentences, analysis.claims) if analysis else ([], [])
    speakers = [(c.content_start, c.content_end, c.speaker_key) for c in claims]
    rest = repr((spans, sents, doc.published, doc.credits, doc.outlet, speakers))
    return zlib.crc32(rest.encode("utf-8", "surrogatepass"), crc)


def _save(folder: Path, detector: ReuseDetector, prints: np.ndarray, version: str) -> dict[str, Any]:
    """Write the index (a fresh folder swapped in) and return the store state that names it."""
    arrays, ann = detector.to_arrays()
    tmp = folder.with_name(folder.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.savez(tmp / _ARRAYS, **{"fingerprints": prints, **arrays})  # type: ignore[arg-type]
    if ann is not None:
        ann.save_index(str(tmp / _ANN))
    token = uuid.uuid4().hex
    meta = {"version": version, "token": token, "documents": len(detector.doc_ids)}
    (tmp / _META).write_text(json.dumps(meta), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return meta


def _load(folder: Path, state: Any, version: str, encoder: Any) -> tuple[ReuseDetector, np.ndarray] | str:
    """The stored detector and document fingerprints, or why they cannot be used."""
    if not isinstance(state, dict) or state.get("version") != version:
        return "no index, or one of another version"
    try:
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "index files missing"
    if meta.get("token") != state.get("token") or meta.get("version") != version:
        return "index files do not belong to this store state"
    with np.load(folder / _ARRAYS) as data:
        arrays = {k: data[k] for k in data.files}
    ann = None
    if (folder / _ANN).exists():
        import hnswlib

        vecs = arrays["vecs"]
        ann = hnswlib.Index(space="ip", dim=int(vecs.shape[1]))
        ann.load_index(str(folder / _ANN), max_elements=max(1024, 2 * len(vecs)))
        ann.set_ef(64)
    return ReuseDetector.from_arrays(arrays, ann, encoder=encoder), arrays["fingerprints"]


def run_reuse(
    docs: Sequence[Document],
    analyses: dict[str, DocAnalysis],
    *,
    folder: Path | None,
    state: Any,
    stored: Callable[[], Iterable[ReuseLink]],
    force: bool = False,
    encoder: Any = None,
) -> tuple[ReuseRun, dict[str, Any] | None]:
    """The reuse stage over ``docs`` (ingest order), incremental where the index allows.

    ``state``: the store's :data:`INDEX_STATE_KEY` value; ``stored``: the links of the previous run
    (read only for an incremental run). Returns the run and the new state value (``None`` when no
    index is kept: no folder).
    """
    by_id = {d.id: d for d in docs}
    reuse_docs: dict[str, ReuseDoc] = {}

    def view(doc_id: str) -> ReuseDoc:
        rd = reuse_docs.get(doc_id)
        if rd is None:
            rd = reuse_docs[doc_id] = ReuseDoc.from_document(by_id[doc_id], analyses.get(doc_id))
        return rd

    def loader(ids: list[str]) -> list[ReuseDoc]:
        return [view(i) for i in ids]

    probe = ReuseDetector(encoder=encoder)
    version = index_version(probe, encoder)
    order = {d.id: k for k, d in enumerate(docs)}
    loaded: tuple[ReuseDetector, np.ndarray] | str = "forced" if force else "no index kept"
    clock = time.perf_counter()
    if folder is not None and not force:
        loaded = _load(folder, state, version, encoder)
    timing = {"index_load_s": time.perf_counter() - clock}
    clock = time.perf_counter()
    prints = (
        np.asarray([fingerprint(d, analyses.get(d.id)) for d in docs], dtype=np.uint32) if folder else None
    )
    timing["fingerprints_s"] = time.perf_counter() - clock
    if isinstance(loaded, tuple):
        det, old_prints = loaded
        n_old = len(det.doc_ids)
        reason = ""
        changed: list[int] = []
        if [d.id for d in docs[:n_old]] != det.doc_ids:
            reason = "indexed documents removed or reordered"
        elif prints is not None:
            changed = np.flatnonzero(prints[:n_old] != old_prints).tolist()
        if not reason:
            det.loader = loader
            try:
                det.fit([view(d.id) for d in docs[n_old:]], redo=[view(docs[k].id) for k in changed])
            except ValueError as exc:  # a changed document's sentences moved: start again
                reason = f"{len(changed)} indexed document(s) changed: {exc}"
        if not reason:
            touched = {(det.doc_ids[a], det.doc_ids[b]) for a, b in det.touched}
            fresh = det.links(only=det.touched)
            kept = [x for x in stored() if x.kind != "exact" and (x.a_doc, x.b_doc) not in touched]
            links, regrouped = update_sources(kept, fresh, loader, order)
            links.sort(key=lambda x: (order[x.a_doc], order[x.b_doc]))
            stats = {
                **det.stats,
                "changed_documents": len(changed),
                "new_documents": len(docs) - n_old,
                "document_pairs_changed": len(touched),
                "groups_redescribed": regrouped,
                "documents_read": len(reuse_docs),
            }
            new_state = _save_timed(folder, det, prints, version, timing)
            return ReuseRun(links, "incremental", "", {**stats, **_rounded(timing)}), new_state
    else:
        reason = loaded
    det, links = full_reuse([view(d.id) for d in docs], encoder=encoder)
    new_state = _save_timed(folder, det, prints, version, timing)
    return ReuseRun(links, "full", reason, {**det.stats, **_rounded(timing)}), new_state


def full_reuse(
    docs: list[ReuseDoc], *, candidates: np.ndarray | None = None, encoder: Any = None
) -> tuple[ReuseDetector, list[ReuseLink]]:
    """Reuse over all of ``docs`` from scratch, with provenance: the fitted detector and its links.

    ``candidates`` (sentence pairs from banded MinHash computed elsewhere, the Spark job) are
    passed to :meth:`ReuseDetector.fit`.
    """
    det = ReuseDetector(encoder=encoder)
    det.fit(docs, candidates=candidates)
    return det, assign_sources(det.links(), docs)


def _save_timed(
    folder: Path | None, det: ReuseDetector, prints: np.ndarray | None, version: str, timing: dict[str, float]
) -> dict[str, Any] | None:
    if folder is None or prints is None:
        return None
    clock = time.perf_counter()
    state = _save(folder, det, prints, version)
    timing["index_save_s"] = time.perf_counter() - clock
    timing["index_mb"] = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
    return state


def _rounded(timing: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in timing.items()}
