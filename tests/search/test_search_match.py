"""Search (FTS5 + vectors, fused) and claim matching over a tiny fictional store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from claimtrace.cli.search import register
from claimtrace.model import Document
from claimtrace.search import match, match_file, rrf, search, sync_index
from claimtrace.search.match import evidence
from claimtrace.search.vectors import index_root
from claimtrace.store import open_store


def test_sync_is_incremental(corpus: dict[str, Any]) -> None:
    db = corpus["db"]
    with open_store(db) as store:
        first = sync_index(store, db)
        assert first["claims"]["total"] == 4 and first["documents"]["total"] == 4
        assert first["reference"]["total"] == 1
        again = sync_index(store, db)
        assert all(s["added"] == 0 and s["removed"] == 0 for s in again.values())
        root = index_root(db)
        assert root is not None and (root / "claims" / "manifest.json").exists()
        # a new document is embedded alone; its claim-less analysis adds no claims
        doc = Document(text="Nothing of note happened in Port Amel today.", source="fixture-new")
        store.add_documents([doc])
        step = sync_index(store, db)
        assert step["documents"]["added"] == 1 and step["claims"]["added"] == 0


def test_rrf_rewards_agreement() -> None:
    fused = rrf([[("d", "a"), ("d", "b")], [("d", "b"), ("d", "c")]])
    assert fused[0][0] == ("d", "b")
    assert {k for k, _ in fused} == {("d", "a"), ("d", "b"), ("d", "c")}


def test_search_merges_text_and_semantic(corpus: dict[str, Any]) -> None:
    db = corpus["db"]
    with open_store(db) as store:
        hits = search(store, db, "harbour fees Velmora", limit=10)
        top_doc = next(h for h in hits if h["kind"] == "document")
        top_claim = next(h for h in hits if h["kind"] == "claim")
        assert top_doc["doc"] == corpus["docs"][0]
        assert set(top_doc["matched_by"]) == {"text", "semantic"}
        assert top_claim["id"] == corpus["claims"][0]
        assert top_claim["narrative"] == {"id": "n-velmora", "label": "Velmora harbour fee rise"}
        assert top_claim["outlet"] == "Harbour Gazette" and top_claim["published"] == "2024-03-01"
        # no shared word: found by meaning alone
        sem = search(store, db, "is the crossing strong enough for lorries", kind="claims", limit=3)
        assert sem[0]["id"] == corpus["claims"][1]
        assert sem[0]["matched_by"] == ["semantic"]
        docs_only = search(store, db, "apple harvest", kind="documents")
        assert docs_only and all(h["kind"] == "document" for h in docs_only)
        assert docs_only[0]["doc"] == corpus["docs"][3]


def test_match_finds_claim_narrative_and_fact_checks(corpus: dict[str, Any]) -> None:
    db = corpus["db"]
    with open_store(db) as store:
        res = match(store, db, "Officials say Velmora's port charges will climb 40 percent", k=3)
    assert len(res) == 3
    best = res[0]
    assert best["id"] == corpus["claims"][0]
    assert best["score"] > res[1]["score"] and 0 < best["score"] <= 1
    assert best["claim"]["speaker"] == "Mayor Ilsa Brandt"
    assert best["claim"]["text"] == "harbour fees in Velmora would rise by 40 percent next year"
    assert best["narrative"]["id"] == "n-velmora"
    sources = {f["source"]: f for f in best["fact_checks"]}
    assert sources["narrative_rating"]["rating"] == "misleading"
    ref = sources["reference"]
    assert ref["rating"] == "Misleading" and ref["publisher"] == "Fictional Check Desk"
    assert ref["url"] == "https://factcheck.example/velmora-fees"
    assert "Velmora" in best["evidence"]["shared_names"]
    assert best["evidence"]["shared_numbers"] == ["40"]
    assert not any(f["source"] == "reference" for f in res[1]["fact_checks"])


def test_evidence_names_and_numbers() -> None:
    ev = evidence(
        "The Mayor said 1,200 jobs and three plants in Kessel.", "Kessel lost 1200 jobs, said Ada Quill"
    )
    assert ev["shared_names"] == ["Kessel"]
    assert ev["shared_numbers"] == ["1200"]
    assert ev["numbers_only_in_query"] == ["three"]
    assert "The" not in evidence("The bridge.", "The bridge.")["shared_names"]


def test_match_file(corpus: dict[str, Any], tmp_path: Path) -> None:
    article = tmp_path / "new.txt"
    article.write_text(
        "Bridge worries\n\nA spokesman said the Kessel river bridge could carry heavy trucks safely. "
        "Traffic was light on Monday.\n",
        encoding="utf-8",
    )
    db = corpus["db"]
    with open_store(db) as store:
        items = match_file(store, db, article, k=2)
    assert items
    best = max(items, key=lambda i: i["matches"][0]["score"])
    assert best["matches"][0]["id"] == corpus["claims"][1]
    assert best["from"] in ("claim", "sentence")


def test_cli_search_and_match(corpus: dict[str, Any]) -> None:
    app = typer.Typer()
    register(app)
    runner = CliRunner(env={"COLUMNS": "160"})
    db = corpus["db"]
    out = runner.invoke(app, ["search", "harbour fees", "--db", db, "--json", "--limit", "3"])
    assert out.exit_code == 0, out.output
    assert '"kind"' in out.output
    out = runner.invoke(app, ["match", "Velmora harbour fees up 40 percent", "--db", db, "--k", "2"])
    assert out.exit_code == 0, out.output
    assert "Misleading" in out.output
    out = runner.invoke(app, ["match", "--db", db])
    assert out.exit_code == 2


def test_cli_error_without_claims(tmp_path: Path) -> None:
    db = str(tmp_path / "empty.db")
    with open_store(db) as store:
        store.add_documents([Document(text="Unanalysed text about Port Amel.", source="x")])
    app = typer.Typer()
    register(app)
    out = CliRunner().invoke(app, ["match", "anything at all", "--db", db])
    assert out.exit_code == 1
    assert "run 'claimtrace analyze' first" in out.output
    assert len(out.output.strip().splitlines()) == 1


def test_sync_follows_reanalysis_and_removal(tmp_path: Path, make_corpus: Any) -> None:
    from claimtrace.model import DocAnalysis

    db = str(tmp_path / "r.db")
    info = make_corpus(Path(db), tmp_path)
    with open_store(db) as store:
        sync_index(store, db)
        # re-analysed with a new stage version and no claims: its claim leaves the index
        store.save_analyses([DocAnalysis(doc_id=info["docs"][2], versions={"attribution": "v2"})])
        step = sync_index(store, db)
        assert step["claims"]["removed"] == 1 and step["claims"]["total"] == 3
        res = match(store, db, "the vaccination campaign reached 3 million children", k=3, sync=False)
        assert info["claims"][2] not in {m["id"] for m in res}


def test_cli_search_without_claims(tmp_path: Path) -> None:
    db = str(tmp_path / "docs-only.db")
    with open_store(db) as store:
        store.add_documents(
            [Document(text="Ferry tickets in Port Amel cost more.", source="y", title="Ferries")]
        )
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    out = runner.invoke(app, ["search", "ferry tickets", "--db", db, "--kind", "claims"])
    assert out.exit_code == 1 and "run 'claimtrace analyze' first" in out.output
    out = runner.invoke(app, ["search", "ferry tickets", "--db", db, "--json"])
    assert out.exit_code == 0 and '"kind": "document"' in out.output
