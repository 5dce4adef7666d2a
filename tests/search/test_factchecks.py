"""Fact-check archives: import (incremental, idempotent), ranking the archive, ``eval match``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimtrace.cli import factchecks as fc_cli
from claimtrace.cli import search as search_cli
from claimtrace.cli.eval_match import register as register_eval
from claimtrace.evaluation.checkthat import map_at_k, precision_at_1, read_qrels, read_queries
from claimtrace.exports.importers import import_factchecks
from claimtrace.search.archive import import_archives
from claimtrace.search.lexical import DIRNAME, LexicalIndex, clean_query
from claimtrace.search.match import Matcher, match_factchecks
from claimtrace.search.vectors import index_root
from claimtrace.store import open_store

CLAIMS = [
    (
        "fc-1",
        "Velmora harbour fees to rise 40 percent",
        "Velmora will raise its harbour fees by 40% next year",
        "Misleading",
    ),
    ("fc-2", "Kessel bridge unsafe?", "The Kessel river bridge cannot carry heavy trucks", "False"),
    ("fc-3", "Norland vaccination numbers", "Norland vaccinated 3 million children in one month", "True"),
    ("fc-4", "Ostrava Bay apple harvest", "Ostrava Bay had its biggest apple harvest in ten years", "True"),
    ("fc-5", "Zentra tram fares", "Tram fares in Zentra doubled overnight", "False"),
]


def _archive(tmp_path: Path) -> Path:
    p = tmp_path / "claims.tsv"
    rows = ["\tvclaim\ttitle\trating"] + [f"{i}\t{c}\t{t}\t{r}" for i, t, c, r in CLAIMS]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_import_is_incremental_and_idempotent(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    archive = _archive(tmp_path)
    with open_store(db) as store:
        first = import_archives(store, db, [str(archive)])
        assert (first["new"], first["updated"], first["total"], first["problems"]) == (5, 0, 5, [])
        again = import_archives(store, db, [str(archive)])
        assert (again["new"], again["updated"], again["unchanged"], again["total"]) == (0, 0, 5, 5)
        changed = tmp_path / "more.jsonl"
        changed.write_text(
            json.dumps(
                {"vclaim_id": "fc-5", "vclaim": "Tram fares in Zentra rose by a third", "rating": "True"}
            )
            + "\n{broken\n"
            + json.dumps({"vclaim_id": "fc-6", "vclaim": "Lake Orlo froze in July"})
            + "\n",
            encoding="utf-8",
        )
        step = import_archives(store, db, [str(changed)])
        assert (step["new"], step["updated"], step["total"]) == (1, 1, 6)
        assert step["problems"] == [
            f"{changed}:2: malformed JSON: Expecting property name enclosed in double quotes"
        ]
        refs = {r["id"]: r for r in store.load_reference_claims()}
        assert (
            refs["fc-5"]["text"] == "Tram fares in Zentra rose by a third"
            and refs["fc-5"]["rating"] == "True"
        )
        root = index_root(db)
        assert root is not None and (root / DIRNAME / "ids.json").exists()
        hits = match_factchecks(store, db, "Did Zentra tram fares go up by a third?", k=2, sync=False)
        assert hits[0]["id"] == "fc-5" and hits[0]["fact_check"]["rating"] == "True"


def test_match_ranks_the_archive_with_scores_and_evidence(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    with open_store(db) as store:
        import_archives(store, db, [str(_archive(tmp_path))])
        matcher = Matcher(store, db, sync=False)
        rows = matcher.match_factchecks(
            [
                "BREAKING: harbour fees in #Velmora up 40% next year https://t.co/xyz pic.twitter.com/abc",
                "is the bridge in Kessel strong enough for lorries",
            ],
            k=3,
        )
    best = rows[0][0]
    assert best["id"] == "fc-1" and best["fact_check"]["rating"] == "Misleading"
    assert best["fact_check"]["title"] == "Velmora harbour fees to rise 40 percent"
    assert best["score"] >= best["cosine"] and best["bm25"] > 0
    assert "Velmora" in best["evidence"]["shared_names"]
    assert rows[0][0]["score"] >= rows[0][1]["score"] >= rows[0][2]["score"]
    assert rows[1][0]["id"] == "fc-2"


def test_match_factchecks_reuses_given_vectors(tmp_path: Path) -> None:
    db = str(tmp_path / "v.db")
    plain = ["harbour fees in Velmora up 40%", "is the bridge in Kessel strong enough"]
    linked = ["harbour fees in #Velmora up 40% https://t.co/xyz", plain[1]]
    with open_store(db) as store:
        import_archives(store, db, [str(_archive(tmp_path))])
        matcher = Matcher(store, db, sync=False)
        expected = matcher.match_factchecks(plain, k=3)
        encode, seen = matcher.encode, []
        matcher.encode = lambda batch: (seen.append(list(batch)), encode(batch))[1]
        rows = matcher.match_factchecks(plain, k=3, vectors=encode(plain))
        assert seen == []
        linked_rows = matcher.match_factchecks(linked, k=3, vectors=encode(linked))
    assert seen == [[clean_query(linked[0])]]
    assert rows == expected
    assert [[h["id"] for h in r] for r in linked_rows] == [[h["id"] for h in r] for r in expected]


def test_clean_query() -> None:
    assert clean_query("Wow #Velmora https://t.co/x pic.twitter.com/y fees") == "Wow Velmora fees"


def test_importer_field_mapping_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "checks.csv"
    p.write_text(
        "Statement;Verdict;Checked\nTram costs doubled;Misleading;2024-04-01 12:00\n", encoding="utf-8"
    )
    (ref,) = import_factchecks(p, fields={"claim": "statement", "rating": "Verdict", "date": "Checked"})
    assert (ref["text"], ref["rating"], ref["date"]) == ("Tram costs doubled", "Misleading", "2024-04-01")
    from claimtrace.errors import ClaimtraceError

    with pytest.raises(ClaimtraceError, match=r"no column 'nope'.*--field claim=NAME"):
        import_factchecks(p, fields={"claim": "nope"})


def test_cli_import_match_and_eval(tmp_path: Path) -> None:
    app = typer.Typer()
    fc_cli.register(app)
    search_cli.register(app)
    eval_app = typer.Typer()
    register_eval(eval_app)
    app.add_typer(eval_app, name="eval")
    runner = CliRunner(env={"COLUMNS": "160"})
    db = str(tmp_path / "c.db")
    archive = _archive(tmp_path)
    out = runner.invoke(app, ["factchecks", "import", str(archive), "--db", db])
    assert out.exit_code == 0, out.output
    assert "5 new, 0 updated, 0 unchanged; 5 in the archive" in out.output
    out = runner.invoke(app, ["factchecks", "import", str(tmp_path / "missing.tsv"), "--db", db])
    assert out.exit_code == 1 and "no such file" in out.output
    out = runner.invoke(app, ["match", "Velmora harbour fees up 40 percent", "--db", db, "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["matches"] == [] and result["fact_checks"][0]["id"] == "fc-1"
    out = runner.invoke(app, ["match", "Velmora harbour fees up 40 percent", "--db", db])
    assert out.exit_code == 0 and "Misleading" in out.output
    queries = tmp_path / "q.tsv"
    queries.write_text(
        "tweet_id\ttweet_content\nq1\tVelmora harbour charges climb 40% next year!\n"
        "q2\tZentra tram tickets now cost twice as much\nq3\tA tweet about nothing in the archive\n",
        encoding="utf-8",
    )
    qrels = tmp_path / "r.txt"
    qrels.write_text("q1 0 fc-1 1\nq2 0 fc-5 1\n", encoding="utf-8")
    run = tmp_path / "run.txt"
    out = runner.invoke(
        app,
        [
            "eval",
            "match",
            "--queries",
            str(queries),
            "--claims",
            str(archive),
            "--qrels",
            str(qrels),
            "--out",
            str(run),
        ],
    )
    assert out.exit_code == 0, out.output
    scores = json.loads(out.output.strip().splitlines()[-1])
    assert (
        scores["queries"] == 3 and scores["scored"] == 2 and scores["map@5"] == 1.0 and scores["p@1"] == 1.0
    )
    lines = run.read_text().splitlines()
    assert lines[0].split("\t")[:4] == ["q1", "Q0", "fc-1", "1"] and len(lines) == 15


def test_checkthat_scoring(tmp_path: Path) -> None:
    gold = {"a": {"x"}, "b": {"y", "z"}, "c": {"w"}}
    ranked = {"a": ["x", "q"], "b": ["q", "y", "z"], "c": ["q"] * 6 + ["w"]}
    assert map_at_k(ranked, gold, 5) == pytest.approx((1 + (1 / 2 + 2 / 3) / 2 + 0) / 3)
    assert map_at_k(ranked, gold, 1) == pytest.approx(1 / 3)
    assert precision_at_1(ranked, gold) == pytest.approx(1 / 3)
    q = tmp_path / "q.tsv"
    q.write_text("1\tfirst\n1\trepeat\n2\tsecond\n", encoding="utf-8")
    assert read_queries(q) == [("1", "first"), ("2", "second")]
    r = tmp_path / "r.txt"
    r.write_text("1 0 v1 1\n1 0 v2 0\n2\t0\tv3\t1\n", encoding="utf-8")
    assert read_qrels(r) == {"1": {"v1"}, "2": {"v3"}}


_INDEX = LexicalIndex.build(["a"], ["a bridge in Kessel"])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_query_terms_match_the_index_tokenizer(text: str) -> None:
    bm25s = pytest.importorskip("bm25s")
    stemmer = pytest.importorskip("Stemmer").Stemmer("english")
    expected = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False, return_ids=False)[
        0
    ]
    assert _INDEX.tokens(text) == [t for t in expected if t]
