"""The ``analyze`` job: per-document stages over new documents, then the cross-document stages.

1. per-document (``nlp.pipeline.analyze_document``) over documents never analysed, or analysed
   by an older stage version (all of them with ``force``), in committed batches over N processes;
2. boilerplate: passages repeated across many documents of a site or the corpus, and lone
   furniture lines, are marked (the ``boilerplate`` layer, stored) and set aside by the stages below;
3. corpus-level entity linking with the analysts' overrides;
4. text reuse and its provenance (incremental: a stored index of the earlier documents, see
   :mod:`claimtrace.crossdoc.reuse_index`; ``force`` rebuilds it);
5. stories (online: the clusterer's state is kept in the store, so new documents join
   existing stories and old ids stay);
6. narratives, their timelines, mutation logs and stances (ids kept from the previous run,
   merges and splits recorded as events, analysts' overrides re-applied).

Each cross-document stage is one function over plain inputs (``set_boilerplate``,
``reuse_stage``, ``story_stage``, ``narrative_stage``; entities are ``nlp.linking.link_entities``):
``run_crossdoc`` calls them (reuse through :func:`claimtrace.crossdoc.reuse_index.run_reuse`, the
same detector fitted on the new documents only) and writes to the store, the Spark job
(:mod:`claimtrace.spark`) calls the same ones on its driver with candidates and embeddings
computed on the executors.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from claimtrace.model import DocAnalysis, Document, Entity, Narrative, ReuseLink, Span, Story
from claimtrace.store import Store

if TYPE_CHECKING:
    import numpy as np

    from claimtrace.crossdoc.boilerplate import BoilerplateIndex
    from claimtrace.crossdoc.claimvecs import ClaimVectorCache
    from claimtrace.crossdoc.narratives import NarrativeBuilder
    from claimtrace.crossdoc.stories import StoryClusterer

#: Analyses committed per transaction: a crash loses at most one batch, a rerun finishes the job.
ANALYZE_BATCH = 200
STORY_STATE_KEY = "stories.clusterer"
BOILERPLATE_STATE_KEY = "boilerplate.index"

Reporter = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class AnalyzeReport:
    """What an ``analyze`` run did, with wall time per stage in seconds."""

    analysed: int = 0
    entities: int = 0
    reuse_links: int = 0
    stories: int = 0
    narratives: int = 0
    boilerplate: dict[str, Any] = field(default_factory=dict)
    reuse: dict[str, Any] = field(default_factory=dict)  # mode (full/incremental), why, counts
    index: dict[str, Any] = field(default_factory=dict)  # search/match index counts (or "skipped")
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"analysed {self.analysed} document(s); {self.entities} entities, "
            f"{self.reuse_links} reuse links, {self.stories} stories, {self.narratives} narratives"
            + (
                f"; {self.boilerplate['passages']} boilerplate passage(s) set aside"
                if self.boilerplate.get("passages")
                else ""
            )
        )


@contextmanager
def _timed(report: AnalyzeReport, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    report.timings[stage] = round(time.perf_counter() - start, 3)


def _stale_ids(store: Store, *, force: bool) -> list[str]:
    """Documents whose analysis is missing or was made by another stage version."""
    from claimtrace.nlp.pipeline import stage_versions

    ids = store.document_ids()
    if force:
        return ids
    done = store.analysis_versions()
    current = stage_versions()
    return [i for i in ids if done.get(i) != current]


def analyze_new_documents(
    store: Store, *, force: bool = False, workers: int = 1, report: Reporter | None = None
) -> int:
    """Run the per-document stages where needed; returns how many documents were analysed."""
    from claimtrace.nlp.pipeline import analyze_documents

    ids = _stale_ids(store, force=force)
    total = len(ids)
    done = 0
    for lo in range(0, total, ANALYZE_BATCH):
        batch = list(store.iter_documents(ids[lo : lo + ANALYZE_BATCH]))
        analyses = list(analyze_documents(batch, workers=workers))
        store.save_analyses(analyses)
        done += len(analyses)
        if report:
            report("analyse", done, total)
    return done


def run_crossdoc(
    store: Store,
    docs: Sequence[Document],
    analyses: dict[str, DocAnalysis],
    *,
    report: AnalyzeReport,
    reporter: Reporter | None = None,
    force: bool = False,
) -> None:
    """Entities, reuse, stories and narratives over the whole corpus, written to the store.

    Reuse is incremental (:mod:`claimtrace.crossdoc.reuse_index`): only documents the stored index
    has not seen are matched; ``force`` rebuilds the index.
    """
    from claimtrace.crossdoc.stories import StoryClusterer
    from claimtrace.nlp.linking import link_entities

    def tick(stage: str) -> None:
        if reporter:
            reporter(stage, 1, 1)

    with _timed(report, "boilerplate"):
        report.boilerplate = mark_boilerplate(store, docs)
    tick("boilerplate")

    with _timed(report, "entities"):
        entities = link_entities(analyses.values(), overrides=store.list_overrides("entity"))
        store.replace_entities(entities)
        report.entities = len(entities)
        release_mentions(entities)
    tick("entities")

    with _timed(report, "reuse"):
        from claimtrace.crossdoc.reuse_index import INDEX_STATE_KEY, index_dir, run_reuse

        run, index_state = run_reuse(
            docs,
            analyses,
            folder=index_dir(str(getattr(store, "url", "") or "")),
            state=store.get_state(INDEX_STATE_KEY),
            stored=store.load_reuse,
            force=force,
        )
        store.replace_reuse(run.links)
        if index_state is not None:
            store.set_state(INDEX_STATE_KEY, index_state)
        report.reuse_links = len(run.links)
        report.reuse = {"mode": run.mode, "reason": run.reason, **run.stats}
    tick("reuse")

    with _timed(report, "stories"):
        state = store.get_state(STORY_STATE_KEY)
        clusterer = StoryClusterer.from_state(state) if state else StoryClusterer()
        stories = story_stage(clusterer, docs, analyses)
        store.replace_stories(stories)
        store.set_state(STORY_STATE_KEY, clusterer.to_state())
        report.stories = len(stories)
    tick("stories")

    with _timed(report, "narratives"):
        # (narratives contributor) claim vectors are cached between runs, keyed by text, in a file
        # beside the SQLite db (crossdoc/claimvecs.py); only new claim texts are encoded.
        from claimtrace.crossdoc.claimvecs import ClaimVectorCache
        from claimtrace.embeddings import MODEL_VERSION

        vec_cache = ClaimVectorCache.for_store_url(str(getattr(store, "url", "") or ""), model=MODEL_VERSION)
        builder = narrative_stage(
            docs,
            analyses,
            entities,
            cache=vec_cache,
            previous=store.load_narratives(),
            overrides=store.list_overrides("narrative"),
            hold=set(store.load_ratings()),  # rated narratives are held together, not dissolved
        )
        vec_cache.save()
        narratives = builder.narratives()
        store.save_narratives(narratives)
        for event in builder.events():
            store.add_narrative_event(str(event.get("kind", "event")), event)
        report.narratives = len(narratives)
    tick("narratives")


def mark_boilerplate(store: Store, docs: Sequence[Document]) -> dict[str, Any]:
    """Find the corpus's boilerplate, set each document's ``boilerplate`` layer and store the spans.

    The index is fitted on every document each run, so passages that become frequent only with
    new documents are set aside in the older ones as well; only changed spans are written.
    Returns counts: documents, passages and characters set aside.
    """
    from claimtrace.crossdoc.boilerplate import BoilerplateIndex

    index = BoilerplateIndex().fit(docs)
    stored = store.load_boilerplate()
    changed: dict[str, list[tuple[int, int, str]]] = {}
    passages = chars = marked = 0
    for doc in docs:
        spans = set_boilerplate(index, doc)
        if spans != stored.get(doc.id, []):
            changed[doc.id] = spans
        passages += len(spans)
        chars += sum(e - s for s, e, _ in spans)
        marked += bool(spans)
    if changed:
        store.save_boilerplate(changed)
    store.set_state(BOILERPLATE_STATE_KEY, index.to_state())
    return {"documents": marked, "passages": passages, "chars": chars}


def set_boilerplate(index: BoilerplateIndex, doc: Document) -> list[tuple[int, int, str]]:
    """Set ``doc``'s ``boilerplate`` layer from a fitted index; returns its spans."""
    from claimtrace.crossdoc.boilerplate import LAYER

    spans = index.check(doc)
    doc.layers[LAYER] = [Span(s, e, LAYER, {"reason": why}) for s, e, why in spans]
    return spans


def reuse_stage(
    docs: Sequence[Document],
    analyses: dict[str, DocAnalysis],
    *,
    candidates: np.ndarray | None = None,
    encoder: Callable[[list[str]], np.ndarray] | None = None,
) -> list[ReuseLink]:
    """Text reuse between ``docs`` with its provenance (the reuse stage).

    ``candidates`` (sentence pairs from banded MinHash computed elsewhere, the Spark job) and
    ``encoder`` (sentence embeddings) are passed to :meth:`ReuseDetector.fit`.
    """
    from claimtrace.crossdoc.reuse import ReuseDoc
    from claimtrace.crossdoc.reuse_index import full_reuse

    reuse_docs = [ReuseDoc.from_document(d, analyses.get(d.id)) for d in docs]
    return full_reuse(reuse_docs, candidates=candidates, encoder=encoder)[1]


def story_stage(
    clusterer: StoryClusterer, docs: Sequence[Document], analyses: dict[str, DocAnalysis]
) -> list[Story]:
    """Add the documents ``clusterer`` has not seen (the stories stage); returns every story."""
    from claimtrace.crossdoc.stories import StoryDoc

    known = {doc_id for story in clusterer.stories() for doc_id in story.documents}
    new_docs = [StoryDoc.from_document(d, analyses.get(d.id)) for d in docs if d.id not in known]
    if new_docs:
        clusterer.partial_fit(new_docs)
    return clusterer.stories()


def narrative_stage(
    docs: Sequence[Document],
    analyses: dict[str, DocAnalysis],
    entities: Sequence[Entity],
    *,
    cache: ClaimVectorCache | None,
    previous: list[Narrative],
    overrides: Sequence[dict[str, Any]],
    encoder: Callable[[list[str]], np.ndarray] | None = None,
    hold: Collection[str] = (),
) -> NarrativeBuilder:
    """The narratives stage: a fitted :class:`NarrativeBuilder` over the claims of ``docs``;
    ``hold``: narratives with analyst work, never dissolved while enough of their claims remain."""
    from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput

    inputs = [NarrativeInput(doc=d, analysis=analyses[d.id]) for d in docs if d.id in analyses]
    return NarrativeBuilder(cache=cache, encoder=encoder).fit(
        inputs, entities=entities, previous=previous, overrides=overrides, hold=hold
    )


def release_mentions(entities: Sequence[Entity]) -> None:
    """Drop the mention lists of stored entities: the later stages need names, keys and ids only.

    At 100k documents the mentions (one dict each) hold about 0.9 GB.
    """
    for entity in entities:
        entity.mentions = []


def analyze(
    store: Store,
    *,
    force: bool = False,
    workers: int = 1,
    reporter: Reporter | None = None,
    index: bool = True,
) -> AnalyzeReport:
    """The whole ``analyze`` job over a store; see the module docstring.

    ``index``: bring the search and match vector indexes up to date at the end
    (:func:`claimtrace.search.refresh.refresh_indexes`), so requests only load them.
    """
    report = AnalyzeReport()
    with _timed(report, "per-document"):
        report.analysed = analyze_new_documents(store, force=force, workers=workers, report=reporter)
    docs = list(store.iter_documents())
    analyses = {a.doc_id: a for a in store.load_analyses()}
    run_crossdoc(store, docs, analyses, report=report, reporter=reporter, force=force)
    if index:
        del docs, analyses
        from claimtrace.search.refresh import refresh_indexes

        with _timed(report, "search index"):
            report.index = refresh_indexes(store, reporter=reporter)
    return report


def describe_timings(report: AnalyzeReport) -> dict[str, Any]:
    """Timings as a plain dict (for ``--json`` output and benchmarks)."""
    return {"analysed": report.analysed, **report.timings}
