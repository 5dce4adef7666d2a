"""Table, graph and ClaimReview exports of the fictional sample export, read back with their readers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from claimtrace.exports.claimreview import build_claimreviews, export_claimreview, rating_value
from claimtrace.exports.graph import build_graph, export_gexf, export_graphml
from claimtrace.exports.importers import import_claimreview
from claimtrace.exports.tables import SCHEMAS, export_csv, export_parquet, table_rows
from claimtrace.report.sample import sample_export

EXPECTED_ROWS = {
    "documents": 8,
    "entities": 13,
    "claims": 11,
    "quantities": 5,
    "reuse": 3,
    "stories": 3,
    "story_documents": 8,
    "narratives": 2,
    "narrative_claims": 11,
    "timeline": 8,
    "mutations": 5,
    "stances": 8,
}


def _mentions() -> int:
    return sum(len(e["mentions"]) for e in sample_export()["entities"])


def test_csv_tables_read_back(tmp_path: Path) -> None:
    export_csv(sample_export(), str(tmp_path))
    assert sorted(p.stem for p in tmp_path.glob("*.csv")) == sorted(SCHEMAS)
    for name, cols in SCHEMAS.items():
        with open(tmp_path / f"{name}.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert list(rows[0]) == [c for c, _ in cols]
        assert len(rows) == EXPECTED_ROWS.get(name, _mentions()), name
    with open(tmp_path / "mutations.csv", encoding="utf-8") as fh:
        values = [(r["slot"], r["value"], r["previous"]) for r in csv.DictReader(fh)]
    assert ("quantity", "120", "200") in values and ("target", "Talvex Systems", "Brevia") in values


def test_parquet_tables_read_back(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    export_parquet(sample_export(), str(tmp_path))
    for name in SCHEMAS:
        table = pq.read_table(tmp_path / f"{name}.parquet")
        assert table.num_rows == EXPECTED_ROWS.get(name, _mentions()), name
    claims = pq.read_table(tmp_path / "claims.parquet")
    assert str(claims.schema.field("content_start").type) == "int64"
    assert claims.column("kind").to_pylist().count("unattributed") == 3


def test_parquet_of_empty_export_keeps_schema(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    export_parquet({"documents": []}, str(tmp_path))
    assert pq.read_table(tmp_path / "reuse.parquet").column_names == [c for c, _ in SCHEMAS["reuse"]]


def test_store_style_top_level_quantities_are_used() -> None:
    ex = sample_export()
    ex["quantities"] = [
        {
            "doc": "x",
            "start": 1,
            "end": 3,
            "text": "40",
            "value": 40.0,
            "low": None,
            "high": None,
            "approx": False,
            "about": None,
            "claim": None,
        }
    ]
    assert [q["doc"] for q in table_rows(ex)["quantities"]] == ["x"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_reads_back(tmp_path: Path, fmt: str) -> None:
    nx = pytest.importorskip("networkx")
    ex = sample_export()
    out = tmp_path / f"g.{fmt}"
    (export_graphml if fmt == "graphml" else export_gexf)(ex, str(out))
    g = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    built = build_graph(ex)
    assert g.number_of_nodes() == built.number_of_nodes() == 8 + 7 + 13 + 3 + 2
    assert g.number_of_edges() == built.number_of_edges()
    types = [d["type"] for _, d in g.nodes(data=True)]
    assert {t: types.count(t) for t in set(types)} == {
        "document": 8,
        "outlet": 7,
        "entity": 13,
        "story": 3,
        "narrative": 2,
    }
    rel = [d["relation"] for _, _, d in g.edges(data=True)]
    assert rel.count("published_by") == 8 and rel.count("in_story") == 8 and rel.count("in_narrative") == 8
    assert rel.count("reuses") == 3 and rel.count("says") == 6
    ids = {d["id"]: d for d in ex["documents"]}
    origin = next(i for i, d in ids.items() if d["outlet"] == "Coastline Wire")
    copy = next(i for i, d in ids.items() if d["title"].startswith("Dalmar steps up"))
    edge = g.edges[f"doc:{origin}", f"doc:{copy}"]
    assert edge["kind"] == "verbatim" and float(edge["score"]) == 1.0 and edge["source"] == origin
    fact = next(i for i, d in ids.items() if d["outlet"] == "FactLine")
    assert g.edges[f"doc:{fact}", "narrative:nar-kessa-drones"]["stance"] == "DEBUNKS"
    assert g.nodes["narrative:nar-kessa-drones"]["rating"] == "False"
    assert g.edges["entity:e-venn", "narrative:nar-kessa-drones"]["weight"] == 2


def test_graph_survives_control_characters(tmp_path: Path) -> None:
    nx = pytest.importorskip("networkx")
    ex = sample_export()
    ex["documents"][0]["title"] = "bad\x00\x07 title"
    export_graphml(ex, str(tmp_path / "g.graphml"))
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.nodes[f"doc:{ex['documents'][0]['id']}"]["title"] == "bad title"


def test_claimreview_fields_and_round_trip(tmp_path: Path) -> None:
    ex = sample_export()
    reviews = build_claimreviews(ex, author="Desk Org", author_url="https://desk.example")
    assert len(reviews) == 1  # only the rated narrative
    r = reviews[0]
    assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
    assert r["claimReviewed"].startswith("Brevia is shipping attack drones")
    assert r["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert r["author"] == {"@type": "Organization", "name": "Desk Org", "url": "https://desk.example"}
    assert r["url"] == "urn:claimtrace:claimreview:nar-kessa-drones" and r["datePublished"] == "2024-03-15"
    item = r["itemReviewed"]
    assert item["@type"] == "Claim" and len(item["appearance"]) == 7
    first = item["firstAppearance"]
    assert first["publisher"] == {"@type": "Organization", "name": "Coastline Wire"}  # the origin comes first
    assert first["datePublished"] == "2024-03-04" and first["url"].startswith(
        "https://coastline-wire.example/"
    )
    assert item["author"] == {"@type": "Organization", "name": "Harlan Interior Ministry"}
    out = tmp_path / "cr.jsonld"
    export_claimreview(ex, str(out), author="Desk Org", base_url="https://desk.example/report")
    assert json.loads(out.read_text())[0]["url"] == "https://desk.example/report/#narrative-nar-kessa-drones"
    back = import_claimreview(out)
    assert len(back) == 1
    assert back[0]["text"] == r["claimReviewed"] and back[0]["rating"] == "False"
    assert back[0]["publisher"] == "Desk Org" and back[0]["date"] == "2024-03-15"
    assert len(back[0]["appearances"]) == 7


def test_rating_from_narrative_field_and_scale() -> None:
    ex = sample_export()
    ex.pop("ratings")
    ex["narratives"][1]["rating"] = {
        "rating": "Mostly true",
        "note": None,
        "author": None,
        "created_at": None,
    }
    (review,) = build_claimreviews(ex)
    assert review["reviewRating"]["ratingValue"] == 4 and review["author"]["name"] == "claimtrace"
    assert review["datePublished"] == "2024-03-08"
    assert rating_value("Pants on Fire!") == 1 and rating_value("Satire") is None
