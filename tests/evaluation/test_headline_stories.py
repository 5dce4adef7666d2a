"""The headline-stream story scorer: file layouts, scoring, and Emergent when present."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.crossdoc.stories import StoryClusterer
from claimtrace.evaluation.headlines import evaluate_headlines, load_headlines

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchdata"


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def test_emergent_and_uci_layouts(tmp_path: Path) -> None:
    emergent = tmp_path / "emergent.csv"
    _write_csv(
        emergent,
        ["", "claimHeadline", "articleHeadline", "articleHeadlineStance", "articleId", "claimId"],
        [
            ["0", "c", "Mayor of Kelmsby resigns", "for", "a1", "c1"],
            ["1", "c", "Kelmsby mayor quits", "for", "a2", "c1"],
        ],
    )
    docs, gold = load_headlines(emergent)
    assert [d.id for d in docs] == ["a1", "a2"] and gold == ["c1", "c1"]
    uci = tmp_path / "uci.csv"
    _write_csv(
        uci,
        ["ID", "TITLE", "URL", "PUBLISHER", "CATEGORY", "STORY", "HOSTNAME", "TIMESTAMP"],
        [["7", "Frost hits Pellam orchards", "u", "p", "b", "s9", "h", "1394470370698"]],
    )
    docs, gold = load_headlines(uci)
    assert docs[0].id == "7" and docs[0].text == "Frost hits Pellam orchards" and gold == ["s9"]
    assert docs[0].published == "2014-03-10"
    jsonl = tmp_path / "posts.jsonl"
    jsonl.write_text(
        json.dumps({"text": "Ferry strike", "story": "s", "published": "2024-05-01T10:00"}) + "\n"
    )
    docs, gold = load_headlines(jsonl)
    assert docs[0].published == "2024-05-01" and gold == ["s"]


def test_missing_columns_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    _write_csv(bad, ["a", "b"], [["1", "2"]])
    with pytest.raises(ValueError, match="no row with a headline and a story"):
        load_headlines(bad)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=8)), min_size=1, max_size=12))
def test_any_csv_loads_the_rows_that_have_both_fields(rows: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.csv"
        _write_csv(path, ["headline", "story"], [list(r) for r in rows])
        with open(path, encoding="utf-8", newline="") as fh:
            stored = [(r["headline"], r["story"]) for r in csv.DictReader(fh)]
        want = [(t, s) for t, s in stored if t and s]
        if not want:
            with pytest.raises(ValueError):
                load_headlines(path)
            return
        docs, gold = load_headlines(path)
        assert [(d.text, g) for d, g in zip(docs, gold, strict=True)] == want
        assert len({d.id for d in docs}) == len(docs)


def test_scores_a_clustering(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    rows = [[f"Ferry strike in Kelmsby day {i}", "s1"] for i in range(3)]
    rows += [[f"Pellam apple frost report {i}", "s2"] for i in range(3)]
    _write_csv(path, ["headline", "story"], rows)
    model = StoryClusterer(short_terms=0)  # term space only: no encoder in this test
    result = evaluate_headlines(path, clusterer=model)
    assert result["n_docs"] == 6 and result["n_gold_clusters"] == 2
    assert result["bcubed_f1"] == pytest.approx(1.0)


EMERGENT = SHARED / "emergent" / "url-versions-2015-06-14-clean-train.csv"


@pytest.mark.skipif(not EMERGENT.exists(), reason="shared Emergent headlines absent")
def test_emergent_headlines_cluster_by_claim(tmp_path: Path) -> None:
    """The first 400 Emergent train headlines: the short-document regime must beat the term space."""
    pytest.importorskip("onnxruntime")
    with open(EMERGENT, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    subset = tmp_path / "emergent400.csv"
    _write_csv(subset, rows[0], rows[1:401])
    shipped = evaluate_headlines(subset)
    terms_only = evaluate_headlines(subset, clusterer=StoryClusterer(short_terms=0))
    assert shipped["bcubed_f1"] >= 0.8
    assert shipped["bcubed_f1"] > terms_only["bcubed_f1"] + 0.05
