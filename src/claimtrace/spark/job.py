"""The Spark ``analyze`` job: a JSONL or Parquet corpus in, Parquet tables out.

Executors (over partitions):

* **read**: every record becomes a :class:`Document` through the JSONL reader's own
  ``record_document`` and ``fill_metadata`` (same ids, sources and metadata as ``ingest``);
  the first record of an id wins, as in the store;
* **per-document stages**: ``nlp.pipeline.analyze_document``, the function ``analyze`` maps;
* **reuse candidates**: banded MinHash over sentences (:mod:`claimtrace.spark.reuse`);
* **embeddings** asked for by the driver's stages (:class:`SparkEncoder`): paraphrase
  candidates, short documents for stories, claims for narratives.

The driver then runs the cross-document stages through the same functions as the single-machine
``analyze`` (``claimtrace.pipeline``: ``set_boilerplate``, ``nlp.linking.link_entities``,
``reuse_stage`` with the candidates, ``story_stage``, ``narrative_stage``), so results match a
fresh single-machine run on the same corpus. The driver holds the corpus's documents and
analyses, as ``analyze`` does on one machine (docs/scale.md sizes it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimtrace.model import DocAnalysis, Document
from claimtrace.pipeline import AnalyzeReport

__all__ = ["SparkEncoder", "SparkReport", "analyze_corpus", "encode_slices", "read_corpus"]

#: texts per embedding task: the encoder's own chunk (``OnnxEncoder.encode``: 16 batches of 64)
ENCODE_SLICE = 16 * 64


@dataclass
class SparkReport(AnalyzeReport):
    """What a Spark run did (``analyze``'s report, with claims and reuse candidates counted)."""

    claims: int = 0
    reuse_candidates: int = 0

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"{super().summary()}; {self.claims} claims, "
            f"{self.reuse_candidates} reuse candidate sentence pairs"
        )


# ------------------------------------------------------------------------------------- reading
def _input_files(paths: Sequence[str]) -> list[str]:
    """Local folders become their ``.jsonl``/``.jsonl.gz``/``.parquet`` files, sorted; URIs stay."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path) and not _is_parquet_dir(path):
            names = sorted(os.listdir(path))
            out += [os.path.join(path, n) for n in names if n.endswith((".jsonl", ".jsonl.gz", ".parquet"))]
        else:
            out.append(path)
    return out


def _is_parquet_dir(path: str) -> bool:
    return any(n.endswith(".parquet") for n in os.listdir(path)) and any(
        n.startswith("part-") for n in os.listdir(path)
    )


def _json_record(line: str) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _to_documents(
    items: Iterable[tuple[tuple[dict[str, Any], int], int]], path: str, options: Any
) -> Iterator:
    """``((file number, record number), document)`` for the records of one file."""
    from claimtrace.limits import cap_document
    from claimtrace.readers.metadata import fill_metadata, sidecar_for
    from claimtrace.readers.tabular import record_document

    source = path if "://" in path else os.path.abspath(path)
    sidecar = sidecar_for(options.metadata)
    for (rec, file_no), index in items:
        doc = record_document(rec, number=index + 1, source=source, options=options, fmt="jsonl")
        if doc is None:
            continue
        fill_metadata([doc], path=path, sidecar=sidecar, path_outlets=False)
        yield (file_no, index), cap_document(doc)


def read_corpus(
    spark: Any, paths: Sequence[str], *, options: Any = None, partitions: int | None = None
) -> Any:
    """An RDD of ``(position, Document)`` in corpus order (files in order, records in order).

    JSONL (one object per line, ``.gz`` too) and Parquet files take the fields the JSONL reader
    takes (``ReadOptions``: ``text``, ``id``, ``title``, ``published``/``date``, ``outlet``, ``url``
    ...). Records that share an id keep the first, as the store does.
    """
    from pyspark import StorageLevel

    from claimtrace.readers.options import ReadOptions

    options = options or ReadOptions()
    if options.group_by:
        raise ValueError("group_by is not supported by the Spark job")
    sc = spark.sparkContext
    parts = partitions or sc.defaultParallelism
    rdds = []
    for file_no, path in enumerate(_input_files(paths)):
        if path.endswith(".parquet") or os.path.isdir(path):
            recs = spark.read.parquet(path).rdd.map(lambda row: row.asDict(recursive=True))
        else:
            recs = sc.textFile(path, minPartitions=parts).map(_json_record)
        valid = recs.filter(lambda r: r is not None).map(lambda r, f=file_no: (r, f)).zipWithIndex()
        rdds.append(valid.mapPartitions(lambda items, p=path: _to_documents(items, p, options)))
    if not rdds:
        raise ValueError("no input files")
    docs = sc.union(rdds).persist(StorageLevel.MEMORY_AND_DISK)
    # the first record of each id, numbered in corpus order: decided on the driver from the keys
    seen: set[str] = set()
    keep: dict[tuple[int, int], int] = {}
    for order, doc_id in sorted(docs.map(lambda kv: (kv[0], kv[1].id)).collect()):
        if doc_id not in seen:
            seen.add(doc_id)
            keep[order] = len(keep)
    b_keep = sc.broadcast(keep)
    return docs.filter(lambda kv: kv[0] in b_keep.value).map(lambda kv: (b_keep.value[kv[0]], kv[1]))


# ------------------------------------------------------------------------------------ encoding
def encode_slices(texts: Sequence[str], size: int = ENCODE_SLICE) -> list[list[int]]:
    """The texts' indexes cut as the encoder cuts them: sorted by length, ``size`` at a time.

    Encoded slice by slice, every batch is the one a single ``encode(texts)`` call makes, so the
    vectors are the same (the int8 model quantises activations per batch: other batches move a
    vector by up to 0.03 per coordinate).
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[lo : lo + size] for lo in range(0, len(order), size)]


def _encode_part(items: Iterable[list[tuple[int, str]]]) -> Iterator[tuple[int, np.ndarray]]:
    from claimtrace.embeddings import encode

    for got in items:
        vecs = encode([t for _, t in got])
        yield from ((i, vecs[k]) for k, (i, _) in enumerate(got))


class SparkEncoder:
    """A sentence encoder whose slices (:func:`encode_slices`) run on the executors."""

    def __init__(self, sc: Any) -> None:
        self.sc = sc
        self.encoded = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        from claimtrace.embeddings import EMBED_DIM

        if not texts:
            return np.zeros((0, EMBED_DIM), dtype=np.float32)
        slices = [[(i, texts[i]) for i in part] for part in encode_slices(texts)]
        rows = self.sc.parallelize(slices, len(slices)).mapPartitions(_encode_part).collect()
        out = np.zeros((len(texts), len(rows[0][1])), dtype=np.float32)
        for i, vec in rows:
            out[i] = vec
        self.encoded += len(texts)
        return out


# ----------------------------------------------------------------------------------------- job
def _analyze_part(items: Iterable[tuple[int, Document]]) -> Iterator[tuple[int, Document, DocAnalysis]]:
    from claimtrace.nlp.pipeline import analyze_document

    for seq, doc in items:
        yield seq, doc, analyze_document(doc)


def analyze_corpus(
    spark: Any,
    paths: Sequence[str],
    out: str,
    *,
    options: Any = None,
    partitions: int | None = None,
) -> SparkReport:
    """Read ``paths``, run every stage, write the Parquet tables under ``out`` (module docstring)."""
    from pyspark import StorageLevel

    from claimtrace.crossdoc.boilerplate import BoilerplateIndex
    from claimtrace.crossdoc.claimvecs import ClaimVectorCache
    from claimtrace.crossdoc.stories import StoryClusterer
    from claimtrace.embeddings import MODEL_VERSION
    from claimtrace.nlp.linking import link_entities
    from claimtrace.pipeline import (
        narrative_stage,
        release_mentions,
        reuse_stage,
        set_boilerplate,
        story_stage,
    )
    from claimtrace.spark import tables
    from claimtrace.spark.reuse import reuse_candidates

    report = SparkReport()
    sc = spark.sparkContext
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.timings[stage] = round(now - clock, 3)
        clock = now

    docs_rdd = read_corpus(spark, paths, options=options, partitions=partitions)
    rows = docs_rdd.mapPartitions(_analyze_part).persist(StorageLevel.MEMORY_AND_DISK)
    collected = sorted(rows.collect(), key=lambda r: r[0])
    lap("read + per-document")
    tables.write_documents(spark, rows, out)
    lap("write documents")
    docs = [doc for _, doc, _ in collected]
    analyses = {a.doc_id: a for _, _, a in sorted(collected, key=lambda r: r[2].doc_id)}
    del collected
    report.analysed = len(docs)
    report.claims = sum(len(a.claims) for a in analyses.values())

    index = BoilerplateIndex().fit(docs)
    spans = {doc.id: s for doc in docs if (s := set_boilerplate(index, doc))}
    entities = link_entities(analyses.values(), overrides=[])
    report.entities = len(entities)
    tables.write_rows(spark, out, "boilerplate", tables.boilerplate_rows(spans))
    tables.write_rows(spark, out, "entities", tables.record_rows(entities, ("id", "key", "name", "type")))
    release_mentions(entities)
    lap("boilerplate + entities")

    candidates = reuse_candidates(sc, rows, index.to_state(), n_docs=len(docs))
    report.reuse_candidates = len(candidates)
    lap("reuse candidates")
    encoder = SparkEncoder(sc)
    links = reuse_stage(docs, analyses, candidates=candidates, encoder=encoder)
    rows.unpersist()
    report.reuse_links = len(links)
    tables.write_rows(spark, out, "reuse", tables.record_rows(links, tables.REUSE_KEYS))
    lap("reuse")

    clusterer = StoryClusterer()
    clusterer.embedder = encoder
    stories = story_stage(clusterer, docs, analyses)
    report.stories = len(stories)
    tables.write_rows(spark, out, "stories", tables.record_rows(stories, ("id", "label")))
    lap("stories")

    builder = narrative_stage(
        docs,
        analyses,
        entities,
        cache=ClaimVectorCache(None, model=MODEL_VERSION),
        previous=[],
        overrides=[],
        encoder=encoder,
    )
    narratives = builder.narratives()
    report.narratives = len(narratives)
    tables.write_rows(spark, out, "narratives", tables.record_rows(narratives, ("id", "label")))
    tables.write_rows(spark, out, "narrative_events", tables.event_rows(builder.events()))
    tables.write_rows(
        spark,
        out,
        "state",
        tables.state_rows({"boilerplate": index.to_state(), "stories": clusterer.to_state()}),
    )
    lap("narratives")
    tables.write_report(out, report)
    return report
