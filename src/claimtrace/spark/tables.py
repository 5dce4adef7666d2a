"""The Parquet tables of a Spark run, and loading them into a store for ``claimtrace serve``.

One folder per table under the output folder (Spark's part files), every record with a few
plain columns for queries and ``data``, the record's ``to_dict`` as JSON (the exact record):

========================  ==================================================================
``documents``             ``seq`` (corpus order), id, source, title, published, outlet, language, text
``analyses``              ``doc_id``, stage ``versions``, ``data`` (the :class:`DocAnalysis`)
``claims``                one row per claim: id, doc_id, kind, speaker, cue, offsets, content text
``entities``              id, key, name, type (mentions in ``data``)
``reuse``                 the two spans, kind, score, source (origin), group
``boilerplate``           doc_id, start, end, reason
``stories``/``narratives``  id, label (members in ``data``)
``narrative_events``      kind, ``data``
``state``                 ``key`` (``boilerplate``, ``stories``), the fitted index / clusterer
========================  ==================================================================

:func:`load_tables` writes them into a store (SQLite or PostgreSQL) as ``analyze`` would have,
the story clusterer's state included, so a later single-machine ``analyze`` carries on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from claimtrace.model import DocAnalysis, Document, Entity, Narrative, ReuseLink, Story

__all__ = ["TABLES", "load_tables", "read_table", "write_documents", "write_rows"]

TABLES = (
    "documents",
    "analyses",
    "claims",
    "entities",
    "reuse",
    "boilerplate",
    "stories",
    "narratives",
    "narrative_events",
    "state",
)
Spec = tuple[tuple[str, str], ...]  # (column, Spark SQL type)
Rows = tuple[Spec, list[tuple[Any, ...]]]

REUSE_KEYS: Spec = (
    ("a_doc", "STRING"),
    ("a_start", "BIGINT"),
    ("a_end", "BIGINT"),
    ("b_doc", "STRING"),
    ("b_start", "BIGINT"),
    ("b_end", "BIGINT"),
    ("kind", "STRING"),
    ("score", "DOUBLE"),
    ("source", "STRING"),
    ("group", "STRING"),
)
_DOC_SPEC: Spec = (
    ("seq", "BIGINT"),
    ("id", "STRING"),
    ("source", "STRING"),
    ("title", "STRING"),
    ("published", "STRING"),
    ("outlet", "STRING"),
    ("language", "STRING"),
    ("text", "STRING"),
    ("data", "STRING"),
)
_ANALYSIS_SPEC: Spec = (("doc_id", "STRING"), ("versions", "STRING"), ("data", "STRING"))
_CLAIM_SPEC: Spec = (
    ("id", "STRING"),
    ("doc_id", "STRING"),
    ("kind", "STRING"),
    ("speaker", "STRING"),
    ("speaker_key", "STRING"),
    ("cue", "STRING"),
    ("start", "BIGINT"),
    ("end", "BIGINT"),
    ("content_start", "BIGINT"),
    ("content_end", "BIGINT"),
    ("content", "STRING"),
)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _schema(spec: Spec) -> str:
    return ", ".join(f"`{name}` {kind}" for name, kind in spec) + ", `data` STRING"


# --------------------------------------------------------------------------------------- write
def _document_row(seq: int, doc: Document) -> tuple[Any, ...]:
    return (
        seq,
        doc.id,
        doc.source,
        doc.title,
        doc.published,
        doc.outlet,
        doc.language,
        doc.text,
        _json(doc.to_dict()),
    )


def _claim_rows(doc: Document, an: DocAnalysis) -> Iterator[tuple[Any, ...]]:
    for c in an.claims:
        yield (
            c.id,
            an.doc_id,
            c.kind,
            c.speaker_text,
            c.speaker_key,
            c.cue,
            c.start,
            c.end,
            c.content_start,
            c.content_end,
            doc.text[c.content_start : c.content_end],
        )


def write_documents(spark: Any, rows: Any, out: str) -> None:
    """Write ``documents``, ``analyses`` and ``claims`` from an RDD of ``(seq, doc, analysis)``."""
    ddl = ", ".join(f"`{n}` {k}" for n, k in _DOC_SPEC)
    spark.createDataFrame(rows.map(lambda r: _document_row(r[0], r[1])), ddl).write.mode("overwrite").parquet(
        f"{out}/documents"
    )
    spark.createDataFrame(
        rows.map(lambda r: (r[2].doc_id, _json(r[2].versions), _json(r[2].to_dict()))),
        ", ".join(f"`{n}` {k}" for n, k in _ANALYSIS_SPEC),
    ).write.mode("overwrite").parquet(f"{out}/analyses")
    spark.createDataFrame(
        rows.flatMap(lambda r: _claim_rows(r[1], r[2])), ", ".join(f"`{n}` {k}" for n, k in _CLAIM_SPEC)
    ).write.mode("overwrite").parquet(f"{out}/claims")


def write_rows(spark: Any, out: str, name: str, table: Rows) -> None:
    """Write one table made on the driver (as one part file: these tables are small)."""
    spec, data = table
    df = spark.createDataFrame(data, _schema(spec))
    df.coalesce(1).write.mode("overwrite").parquet(f"{out}/{name}")


def record_rows(records: Sequence[Any], spec: Iterable[str | tuple[str, str]]) -> Rows:
    """Rows of records: the ``spec`` fields (plain names are strings) and ``data``."""
    full: Spec = tuple((s, "STRING") if isinstance(s, str) else s for s in spec)
    rows = [(*(getattr(r, n) for n, _ in full), _json(r.to_dict())) for r in records]
    return full, rows


def boilerplate_rows(spans: dict[str, list[tuple[int, int, str]]]) -> Rows:
    """One row per boilerplate span (``data`` left empty)."""
    spec: Spec = (("doc_id", "STRING"), ("start", "BIGINT"), ("end", "BIGINT"), ("reason", "STRING"))
    return spec, [(d, s, e, why, "") for d, got in spans.items() for s, e, why in got]


def event_rows(events: Sequence[dict[str, Any]]) -> Rows:
    """Narrative events: kind and payload."""
    return (("kind", "STRING"),), [(str(e.get("kind", "event")), _json(e)) for e in events]


def state_rows(states: dict[str, Any]) -> Rows:
    """Fitted states by name."""
    return (("key", "STRING"),), [(k, _json(v)) for k, v in states.items()]


def write_report(out: str, report: Any) -> None:
    """``_report.json`` beside the tables (local output folders only)."""
    if "://" in out and not out.startswith("file:"):
        return
    path = os.path.join(out.removeprefix("file://"), "_report.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(vars(report), fh, indent=1)


# ---------------------------------------------------------------------------------------- read
def read_table(out: str, name: str) -> list[dict[str, Any]]:
    """A table as a list of dicts (pyarrow; no Spark needed), in stored order."""
    from claimtrace.errors import require

    pq: Any = require("pyarrow.parquet", "report", "reading Parquet tables")
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def _records(out: str, name: str, make: Callable[[dict[str, Any]], Any]) -> list[Any]:
    return [make(json.loads(r["data"])) for r in read_table(out, name)]


def load_tables(out: str, store: Any, *, batch: int = 500, index: bool = True) -> dict[str, Any]:
    """Write a Spark run's tables into ``store`` (empty or not: documents already there stay).

    ``index``: build the search and match vector indexes afterwards, as ``analyze`` does.
    Returns counts per table.
    """
    from claimtrace.pipeline import BOILERPLATE_STATE_KEY, STORY_STATE_KEY

    counts: dict[str, Any] = {}
    docs = sorted(read_table(out, "documents"), key=lambda r: r["seq"])
    for lo in range(0, len(docs), batch):
        store.add_documents(Document.from_dict(json.loads(r["data"])) for r in docs[lo : lo + batch])
    counts["documents"] = len(docs)
    del docs
    analyses = read_table(out, "analyses")
    for lo in range(0, len(analyses), batch):
        store.save_analyses([DocAnalysis.from_dict(json.loads(r["data"])) for r in analyses[lo : lo + batch]])
    counts["analyses"] = len(analyses)
    del analyses
    entities = _records(out, "entities", Entity.from_dict)
    store.replace_entities(entities)
    links = _records(out, "reuse", ReuseLink.from_dict)
    store.replace_reuse(links)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for r in read_table(out, "boilerplate"):
        spans.setdefault(r["doc_id"], []).append((r["start"], r["end"], r["reason"]))
    if spans:
        store.save_boilerplate(spans)
    states = {r["key"]: json.loads(r["data"]) for r in read_table(out, "state")}
    if "boilerplate" in states:
        store.set_state(BOILERPLATE_STATE_KEY, states["boilerplate"])
    stories = _records(out, "stories", Story.from_dict)
    store.replace_stories(stories)
    if "stories" in states:
        store.set_state(STORY_STATE_KEY, states["stories"])
    narratives = _records(out, "narratives", Narrative.from_dict)
    store.save_narratives(narratives)
    for r in read_table(out, "narrative_events"):
        store.add_narrative_event(r["kind"], json.loads(r["data"]))
    counts.update(entities=len(entities), reuse=len(links), stories=len(stories), narratives=len(narratives))
    if index:
        from claimtrace.search.refresh import refresh_indexes

        counts["index"] = refresh_indexes(store)
    return counts
