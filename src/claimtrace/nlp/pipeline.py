"""The per-document pipeline: sentences, mentions, quantities, claims -> :class:`DocAnalysis`.

:func:`analyze_document` is pure (the document and read-only data files only), so it maps
across processes: :func:`analyze_documents` uses a ``multiprocessing`` pool (``imap`` in
chunks, order kept) when ``workers > 1``. :data:`STAGE_VERSIONS` names the version of every
per-document stage; ``DocAnalysis.versions`` records them so that a changed stage re-runs.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from claimtrace.model import Claim, DocAnalysis, Document, Quantity
from claimtrace.nlp import attribution, hedges
from claimtrace.nlp.entities import STAGE_VERSION as _ENT_V
from claimtrace.nlp.entities import find_mentions
from claimtrace.nlp.quantities import STAGE_VERSION as _QTY_V
from claimtrace.nlp.quantities import find_quantities
from claimtrace.nlp.sentences import STAGE_VERSION as _SENT_V
from claimtrace.nlp.sentences import split_sentences
from claimtrace.nlp.tagger import MODEL_VERSION as _TAGGER_V

ATTRIBUTION_VERSION = "attribution.v7"
HEDGES_VERSION = "hedges.v1"

STAGE_VERSIONS: dict[str, str] = {
    "sentences": _SENT_V,
    "entities": _ENT_V,
    "quantities": _QTY_V,
    "attribution": f"{ATTRIBUTION_VERSION}+{_TAGGER_V}",
    "hedges": HEDGES_VERSION,
}


def stage_versions() -> dict[str, str]:
    """:data:`STAGE_VERSIONS`, the attribution version naming the opt-in encoder tagger when set."""
    from claimtrace.nlp import encoder_tagger

    extra = encoder_tagger.version()
    if not extra:
        return dict(STAGE_VERSIONS)
    return {**STAGE_VERSIONS, "attribution": STAGE_VERSIONS["attribution"] + extra}


__all__ = ["STAGE_VERSIONS", "analyze_document", "analyze_documents", "split_sentences", "stage_versions"]


_SPAN = operator.attrgetter("start", "end")


def _attach_quantities(claims: list[Claim], quantities: list[Quantity]) -> None:
    starts = [q.start for q in quantities]
    for c in claims:
        i = bisect.bisect_left(starts, c.content_start)
        c.quantities = []
        while i < len(quantities) and quantities[i].start < c.content_end:
            if quantities[i].end <= c.content_end:
                c.quantities.append(quantities[i])
            i += 1


def analyze_document(doc: Document) -> DocAnalysis:
    """Run every per-document stage over ``doc.text``."""
    text = doc.text
    sentences = split_sentences(text)
    mentions, aliases = find_mentions(text, sentences)
    quantities = find_quantities(text, sentences)
    quantities.sort(key=_SPAN)
    claims = attribution.find_claims(text, sentences, mentions)
    _attach_quantities(claims, quantities)
    seen: set[str] = set()
    for c in claims:
        cid = f"{doc.id}:{c.start}-{c.end}"
        if cid in seen:  # two claims in the same sentence(s)
            cid = f"{cid}:{c.content_start}"
        seen.add(cid)
        c.id = cid
    return DocAnalysis(
        doc_id=doc.id,
        sentences=sentences,
        mentions=mentions,
        quantities=quantities,
        claims=claims,
        aliases=aliases,
        versions=stage_versions(),
    )


def analyze_documents(
    docs: Iterable[Document],
    *,
    workers: int = 1,
    progress: Callable[[int], Any] | None = None,
    chunksize: int = 8,
) -> Iterator[DocAnalysis]:
    """Analyse documents in order; ``workers > 1`` spreads them over a process pool.

    ``progress`` (if given) is called with the running count after each document.
    """
    if workers <= 1:
        for n, doc in enumerate(docs, 1):
            yield analyze_document(doc)
            if progress:
                progress(n)
        return
    import multiprocessing as mp

    with mp.get_context("spawn" if mp.get_start_method(allow_none=True) == "spawn" else None).Pool(
        workers
    ) as pool:
        for n, res in enumerate(pool.imap(analyze_document, docs, chunksize=chunksize), 1):
            yield res
            if progress:
                progress(n)


_ = hedges  # imported for its stage version and for callers
