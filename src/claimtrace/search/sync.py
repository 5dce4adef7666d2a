"""Keep the vector indexes in step with the store, embedding only what is new.

:func:`sync_index` looks at three namespaces:

* ``claims``: one vector per claim of every stored analysis, over the claim's content text
  (``doc.text[content_start:content_end]``). An analysis is re-embedded only when its stage
  versions changed; claims of documents whose analysis disappeared are removed. With the
  default encoder, texts the narrative stage already embedded are taken from its claim-vector
  cache (``<db>.claimvecs.npz``, float16) instead of being encoded again.
* ``documents``: one vector per document over its title and first sentences.
* ``reference``: one vector per imported fact-checked claim (``store.load_reference_claims()``),
  over its title and claim (:func:`~claimtrace.search.lexical.factcheck_text`).

>>> from claimtrace.store import open_store
>>> with open_store(":memory:") as store:
...     sync_index(store, None)["claims"]
{'added': 0, 'removed': 0, 'total': 0, 'rebuilt': False}
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.embeddings import EMBED_DIM
from claimtrace.model import DocAnalysis, Document
from claimtrace.search.lexical import factcheck_text, reference_text
from claimtrace.search.vectors import NAMESPACES, VectorIndex, index_root
from claimtrace.store.base import Store

__all__ = [
    "ProgressFn",
    "claim_doc_id",
    "claim_text",
    "document_text",
    "load_indexes",
    "reference_id",
    "reference_text",
    "sync_index",
]

#: ``progress(namespace, done, total)``, called after each embedded batch.
ProgressFn = Callable[[str, int, int], None]
EncodeFn = Callable[[Sequence[str]], np.ndarray]

#: Texts embedded per call to the encoder.
BATCH = 256
#: Characters of a document (after its title) that its vector covers.
DOC_LEAD_CHARS = 600
_CLAIM_ID = re.compile(r"^(?P<doc>.+?):\d+-\d+(?::\d+)?$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")

# Per-process cache of opened indexes: (root, namespace) -> (manifest mtime, index)
_OPEN: dict[tuple[str, str], tuple[float, VectorIndex]] = {}


def claim_doc_id(claim_id: str) -> str:
    """The document id inside a claim id ``<doc id>:<start>-<end>[:<content start>]``."""
    m = _CLAIM_ID.match(claim_id)
    return m.group("doc") if m else claim_id.split(":", 1)[0]


def claim_text(doc_text: str, claim: Any) -> str:
    """The text a claim is embedded and shown by: its content, or its sentence when that is empty."""
    content = doc_text[claim.content_start : claim.content_end].strip()
    return content or doc_text[claim.start : claim.end].strip()


def document_text(doc: Document) -> str:
    """Title and first sentences of a document (what its document vector covers)."""
    lead = doc.text[: DOC_LEAD_CHARS + 200]
    cut = [m.start() for m in _SENTENCE_END.finditer(lead) if m.start() <= DOC_LEAD_CHARS]
    lead = lead[: cut[-1]] if cut else lead[:DOC_LEAD_CHARS]
    title = (doc.title or "").strip()
    return f"{title}. {lead.strip()}" if title else lead.strip()


def reference_id(ref: dict[str, Any]) -> str:
    """The id of an imported fact-check: its own, else :func:`~claimtrace.exports.importers.reference_key`."""
    rid = ref.get("id")
    if isinstance(rid, str) and rid and "\n" not in rid:
        return rid
    from claimtrace.exports.importers import reference_key

    url, publisher = ref.get("url"), ref.get("publisher")
    return reference_key(
        reference_text(ref),
        url if isinstance(url, str) else None,
        publisher if isinstance(publisher, str) else None,
    )


def _default_encode(texts: Sequence[str]) -> np.ndarray:
    from claimtrace.embeddings import encode

    return encode(texts)


def _with_claim_cache(encode: EncodeFn, url: str) -> EncodeFn:
    """``encode`` that first takes what the narrative stage already embedded (the claim-vector cache).

    ``analyze`` embeds claims for narratives before it updates these indexes, with the same
    model, into :class:`~claimtrace.crossdoc.claimvecs.ClaimVectorCache` (text-keyed, float16);
    texts found there are not encoded twice. The cache file is read on the first call.
    """
    opened: list[Any] = []

    def run(texts: Sequence[str]) -> np.ndarray:
        if not opened:
            from claimtrace.crossdoc.claimvecs import ClaimVectorCache
            from claimtrace.embeddings import MODEL_VERSION

            opened.append(ClaimVectorCache.for_store_url(url, model=MODEL_VERSION))
        found = opened[0].lookup(texts)
        todo = [i for i in range(len(texts)) if i not in found]
        out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
        if todo:
            out[todo] = encode([texts[i] for i in todo])
        for i, vec in found.items():
            out[i] = vec
        return out

    return run


def _open_index(root: Path | None, namespace: str) -> VectorIndex:
    """Open one namespace's index, reusing this process's copy while the files are unchanged."""
    if root is None:
        return VectorIndex.open(None, EMBED_DIM)
    path = root / namespace
    manifest = path / "manifest.json"
    stamp = manifest.stat().st_mtime_ns if manifest.exists() else -1.0
    key = (str(path.resolve()), namespace)
    cached = _OPEN.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    ix = VectorIndex.open(path, EMBED_DIM)
    _OPEN[key] = (stamp, ix)
    return ix


def _remember(ix: VectorIndex) -> None:
    if ix.path is None:
        return
    manifest = ix.path / "manifest.json"
    if manifest.exists():
        _OPEN[(str(ix.path.resolve()), ix.path.name)] = (manifest.stat().st_mtime_ns, ix)


@contextlib.contextmanager
def _locked(root: Path | None) -> Iterator[None]:
    """Hold an exclusive lock on the index directory (POSIX; elsewhere no lock)."""
    if root is None:
        yield
        return
    root.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(root / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _embed_into(
    ix: VectorIndex,
    items: list[tuple[str, str]],
    *,
    namespace: str,
    encode: EncodeFn,
    progress: ProgressFn | None,
    done: int,
    total: int,
) -> int:
    for lo in range(0, len(items), BATCH):
        batch = items[lo : lo + BATCH]
        vecs = encode([t for _, t in batch])
        ix.add([i for i, _ in batch], vecs)
        done += len(batch)
        if progress is not None:
            progress(namespace, done, total)
    return done


def _fingerprint(versions: dict[str, str]) -> str:
    return hashlib.sha1(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:12]


def _sync_claims(
    store: Store, ix: VectorIndex, *, encode: EncodeFn, progress: ProgressFn | None
) -> tuple[int, int]:
    current = {doc: _fingerprint(v or {}) for doc, v in store.analysis_versions().items()}
    known: dict[str, str] = ix.meta.get("docs", {}) if not ix.rebuilt else {}
    changed = sorted(d for d, fp in current.items() if known.get(d) != fp)
    stale = {d for d in known if current.get(d) != known[d]}
    removed = 0
    if stale:
        removed = ix.remove([i for i in ix.ids() if claim_doc_id(i) in stale])
    added = done = 0
    total = len(changed)
    for lo in range(0, len(changed), 500):
        chunk = changed[lo : lo + 500]
        texts = {d.id: d.text for d in store.iter_documents(chunk)}
        items: list[tuple[str, str]] = []
        analyses: list[DocAnalysis] = list(store.load_analyses(chunk))
        for an in analyses:
            text = texts.get(an.doc_id)
            if text is None:
                continue
            for c in an.claims:
                body = claim_text(text, c)
                if body:
                    items.append((c.id or f"{an.doc_id}:{c.start}-{c.end}", body))
        before = len(ix)
        _embed_into(ix, items, namespace="claims", encode=encode, progress=None, done=0, total=0)
        added += len(ix) - before
        done += len(chunk)
        if progress is not None:
            progress("claims", done, total)
    ix.meta["docs"] = current
    if changed or stale:
        ix.mark_dirty()
    return added, removed


def _sync_documents(
    store: Store, ix: VectorIndex, *, encode: EncodeFn, progress: ProgressFn | None
) -> tuple[int, int]:
    all_ids = store.document_ids()
    present = set(all_ids)
    removed = ix.remove([i for i in ix.ids() if i not in present])
    new = [d for d in all_ids if d not in ix]
    added = done = 0
    for lo in range(0, len(new), 500):
        chunk = new[lo : lo + 500]
        items = [(d.id, document_text(d)) for d in store.iter_documents(chunk)]
        before = len(ix)
        done = _embed_into(
            ix, items, namespace="documents", encode=encode, progress=progress, done=done, total=len(new)
        )
        added += len(ix) - before
    return added, removed


def _sync_reference(
    store: Store, ix: VectorIndex, *, encode: EncodeFn, progress: ProgressFn | None
) -> tuple[int, int]:
    refs = {reference_id(r): factcheck_text(r) for r in store.load_reference_claims()}
    removed = ix.remove([i for i in ix.ids() if i not in refs])
    items = [(rid, text) for rid, text in refs.items() if text and rid not in ix]
    before = len(ix)
    _embed_into(ix, items, namespace="reference", encode=encode, progress=progress, done=0, total=len(items))
    return len(ix) - before, removed


_SYNCERS = {"claims": _sync_claims, "documents": _sync_documents, "reference": _sync_reference}


def load_indexes(
    store: Store,
    db_path: str | os.PathLike[str] | None,
    *,
    namespaces: Sequence[str] = NAMESPACES,
    sync: bool = True,
    progress: ProgressFn | None = None,
    encode: EncodeFn | None = None,
    stats: dict[str, dict[str, Any]] | None = None,
) -> dict[str, VectorIndex]:
    """The indexes of ``namespaces`` for this database, brought up to date first when ``sync``.

    ``db_path`` defaults to ``store.url``; a ``:memory:`` store gets in-memory indexes built
    afresh on each call. ``stats`` (when given) receives what :func:`sync_index` returns.
    """
    raw = db_path if db_path is not None else (store.url or None)
    root = index_root(raw)
    encoder = encode or _default_encode
    url = str(getattr(store, "url", "") or "")
    claim_encoder = _with_claim_cache(encoder, url) if encode is None and root is not None else encoder
    out: dict[str, VectorIndex] = {}
    with _locked(root if sync else None):
        for ns in namespaces:
            if ns not in _SYNCERS:
                raise ValueError(f"unknown index namespace {ns!r} (choose from {', '.join(NAMESPACES)})")
            ix = _open_index(root, ns)
            if sync:
                rebuilt = ix.rebuilt
                use = claim_encoder if ns == "claims" else encoder
                added, removed = _SYNCERS[ns](store, ix, encode=use, progress=progress)
                ix.save()
                _remember(ix)
                if stats is not None:
                    stats[ns] = {"added": added, "removed": removed, "total": len(ix), "rebuilt": rebuilt}
            out[ns] = ix
    return out


def sync_index(
    store: Store,
    db_path: str | os.PathLike[str] | None,
    *,
    progress: ProgressFn | None = None,
    namespaces: Sequence[str] = NAMESPACES,
    encode: EncodeFn | None = None,
) -> dict[str, dict[str, Any]]:
    """Embed the claims, documents and reference claims not yet indexed; drop those gone.

    Returns, per namespace, ``{"added", "removed", "total", "rebuilt"}`` (``rebuilt``: the
    stored index was made with another embedding model and was started afresh).
    """
    stats: dict[str, dict[str, Any]] = {}
    load_indexes(
        store, db_path, namespaces=namespaces, sync=True, progress=progress, encode=encode, stats=stats
    )
    return stats
