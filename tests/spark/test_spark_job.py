"""The Spark job (local[2]) against the single-machine ``analyze`` on the same synthetic corpus.

Per-document outputs (documents, analyses), boilerplate and entities must be identical; reuse
passages overlap >= 0.98 (Jaccard); stories and narratives agree >= 0.98 (B-cubed F1). The
tables go through ``load_tables`` into a second store, so the loader is checked on the way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _spark_corpus import build, write_jsonl

from claimtrace.evaluation.ecbplus import bcubed
from claimtrace.spark.session import pyspark_available

pytestmark = pytest.mark.skipif(not pyspark_available(), reason="pyspark or java missing")

N_DOCS = 2000
PARQUET: list[Any] = []  # documents the job read from a small Parquet file


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from claimtrace.pipeline import analyze
    from claimtrace.readers import read_path
    from claimtrace.spark import spark_session
    from claimtrace.spark.job import analyze_corpus, read_corpus
    from claimtrace.spark.tables import load_tables
    from claimtrace.store import open_store

    tmp: Path = tmp_path_factory.mktemp("spark")
    corpus = write_jsonl(build(N_DOCS), tmp / "corpus.jsonl")
    single = open_store(str(tmp / "single.db"))
    single.add_documents(read_path(str(corpus)))
    analyze(single, index=False)
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    records = build(60, seed=11)
    pq.write_table(pa.Table.from_pylist(records), str(tmp / "small.parquet"))
    spark = spark_session("local[2]")
    try:
        report = analyze_corpus(spark, [str(corpus)], str(tmp / "out"))
        from_parquet = sorted(read_corpus(spark, [str(tmp / "small.parquet")]).collect())
    finally:
        spark.stop()
    PARQUET.extend(doc for _, doc in from_parquet)
    distributed = open_store(str(tmp / "spark.db"))
    load_tables(str(tmp / "out"), distributed, index=False)
    yield single, distributed, report, tmp
    single.close()
    distributed.close()


def _jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / max(1, len(a | b))


def _bcubed_f1(pred: dict[str, str], gold: dict[str, str]) -> float:
    items = sorted(set(pred) | set(gold))
    return bcubed([pred.get(i, f"-{i}") for i in items], [gold.get(i, f"-{i}") for i in items])[2]


def test_per_document_outputs_are_identical(stores: Any) -> None:
    single, distributed, report, _ = stores
    assert report.analysed == N_DOCS
    docs = [d.to_dict() for d in single.iter_documents()]
    assert docs == [d.to_dict() for d in distributed.iter_documents()]
    analyses = {a.doc_id: a.to_dict() for a in single.load_analyses()}
    assert len(analyses) == N_DOCS
    assert analyses == {a.doc_id: a.to_dict() for a in distributed.load_analyses()}
    assert single.load_boilerplate() == distributed.load_boilerplate()


def test_entities_are_identical(stores: Any) -> None:
    single, distributed, _, _ = stores

    def names(store: Any) -> set[tuple[str, str, str]]:
        return {(e.id, e.key, e.name) for e in store.load_entities()}

    assert names(single)
    assert names(single) == names(distributed)


def test_reuse_overlaps(stores: Any) -> None:
    single, distributed, report, _ = stores

    def passages(store: Any) -> set[tuple[Any, ...]]:
        return {
            (r.a_doc, r.a_start, r.a_end, r.b_doc, r.b_start, r.b_end, r.kind) for r in store.load_reuse()
        }

    got, want = passages(distributed), passages(single)
    assert len(want) > 100
    assert report.reuse_candidates > 0
    assert _jaccard(got, want) >= 0.98


def test_stories_and_narratives_agree(stores: Any) -> None:
    single, distributed, _, _ = stores

    def story_of(store: Any) -> dict[str, str]:
        return {d: s.id for s in store.load_stories() for d in s.documents}

    def narrative_of(store: Any) -> dict[str, str]:
        return {c: n.id for n in store.load_narratives() for c in n.claims}

    assert len(set(story_of(single).values())) > 20
    assert _bcubed_f1(story_of(distributed), story_of(single)) >= 0.98
    assert len(set(narrative_of(single).values())) > 20
    assert _bcubed_f1(narrative_of(distributed), narrative_of(single)) >= 0.98


def test_cli_loads_the_tables(stores: Any) -> None:
    from typer.testing import CliRunner

    from claimtrace.cli import app

    single, _, _, tmp = stores
    db = tmp / "cli.db"
    done = CliRunner().invoke(app, ["spark", "load", str(tmp / "out"), "--db", str(db), "--no-index"])
    assert done.exit_code == 0, done.output
    assert f"loaded {N_DOCS} documents" in done.output
    from claimtrace.store import open_store

    with open_store(str(db)) as store:
        assert len(store.load_narratives()) == len(single.load_narratives())


def test_parquet_records_read_as_the_jsonl_reader_reads_them(stores: Any, tmp_path: Path) -> None:
    from claimtrace.readers import read_path

    tmp = stores[3]
    records = build(60, seed=11)
    want = read_path(str(write_jsonl(records, tmp_path / "small.jsonl")))
    parquet = str((tmp / "small.parquet").resolve())
    assert len(PARQUET) == len(want) == 60
    for got, exp in zip(PARQUET, want, strict=True):
        assert got.source == f"{parquet}#{exp.meta['record']}"
        assert {**got.to_dict(), "id": "", "source": ""} == {**exp.to_dict(), "id": "", "source": ""}
