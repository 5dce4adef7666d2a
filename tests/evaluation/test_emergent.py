"""Narratives as recurring claims on Emergent-format headlines: scorer, command, real train split."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrace.evaluation.emergent import assign_documents, bcubed, blob_report, stance_scores
from claimtrace.model import Narrative

EMERGENT = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "benchdata"
    / "emergent"
    / "url-versions-2015-06-14-clean-train.csv"
)


def test_bcubed_on_hand_made_clusters() -> None:
    gold = {"a": "X", "b": "X", "c": "Y", "d": "Y"}
    assert bcubed(gold, gold) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    alone = {k: k for k in gold}
    assert bcubed(alone, gold) == {"precision": 1.0, "recall": 0.5, "f1": 0.6667}
    one = dict.fromkeys(gold, "all")
    assert bcubed(one, gold) == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}
    # a: {a,b,c} holds 2 of X; c: 1 of Y in {a,b,c}; d alone
    mixed = {"a": "1", "b": "1", "c": "1", "d": "2"}
    res = bcubed(mixed, gold)
    assert res["precision"] == round((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4, 4)
    assert res["recall"] == round((1 + 1 + 0.5 + 0.5) / 4, 4)


def test_ari_and_stance_scores() -> None:
    from claimtrace.evaluation.emergent import _ari

    gold = {"a": "X", "b": "X", "c": "Y", "d": "Y"}
    assert _ari(gold, gold) == 1.0
    assert _ari({"a": "1", "b": "2", "c": "1", "d": "2"}, gold) < 0
    gold_stance = {"a": "for", "b": "for", "c": "against", "d": "observing"}
    st = stance_scores({"a": "for", "b": None, "c": "against", "d": "for"}, gold_stance)
    assert st["accuracy"] == 0.5 and st["without_stance"] == 1
    assert st["f1"]["against"] == 1.0 and st["f1"]["observing"] == 0.0
    assert st["f1"]["for"] == round(2 * 0.5 * 0.5 / 1.0, 4)


def test_assign_documents_takes_the_narrative_holding_most_claims() -> None:
    n1 = Narrative(
        id="N1",
        label="",
        claims=["d1:0-5", "d1:6-9", "d2:0-4"],
        documents=["d1", "d2"],
        stances=[{"doc": "d1", "stance": "AMPLIFIES"}, {"doc": "d2", "stance": "DEBUNKS"}],
    )
    n2 = Narrative(
        id="N2",
        label="",
        claims=["d1:10-20", "d3:0-4"],
        documents=["d1", "d3"],
        stances=[{"doc": "d1", "stance": "ATTRIBUTES"}],
    )
    got = assign_documents([n1, n2])
    assert got["d1"] == ("N1", "AMPLIFIES") and got["d2"] == ("N1", "DEBUNKS") and got["d3"] == ("N2", None)
    blob = blob_report([n1, n2], 10)
    assert blob["largest_share"] == 0.2 and blob["one_document_share"] == 0.0


def _write_csv(path: Path) -> None:
    rows = [
        ("c1", "Report: Apple to buy Tesla for 75 billion dollars", "for"),
        ("c1", "Apple to buy Tesla for 75 billion dollars, sources say", "observing"),
        ("c1", "Apple to buy electric carmaker Tesla for 75 billion dollars - report", "for"),
        ("c2", "Storm floods coastal town in Norway, thousands evacuated", "for"),
        ("c2", "Thousands evacuated as storm floods coastal town in Norway", "for"),
        ("c3", "Town's tallest chimney", "observing"),
    ]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["", "claimHeadline", "articleHeadline", "articleHeadlineStance", "articleId", "claimId"])
        for i, (cid, head, st) in enumerate(rows):
            w.writerow([i, "claim " + cid, head, st, f"a{i}", cid])


def test_eval_narratives_command_on_a_tiny_csv(tmp_path, monkeypatch) -> None:
    from claimtrace.cli import app
    from claimtrace.crossdoc import narratives as nm

    monkeypatch.setattr(nm, "_default_encoder", nm.hashing_encoder)  # no model needed in this test
    path = tmp_path / "tiny.csv"
    _write_csv(path)
    res = CliRunner().invoke(app, ["eval", "narratives", "--emergent", str(path)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.strip().splitlines()[-1])
    assert out["headlines"] == 6 and out["claims"] == 3 and out["ingested"] == 6
    # the Apple headlines form one narrative, the storm ones another; the fragment stays alone
    assert out["headlines_in_a_narrative"] == 5 and out["largest_narrative"] == 3
    assert out["bcubed"]["f1"] == 1.0 and out["ari"] == 1.0
    assert out["stance"]["without_stance"] == 1 and 0.0 <= out["stance"]["accuracy"] <= 1.0


def test_eval_narratives_needs_exactly_one_input(tmp_path) -> None:
    from claimtrace.cli import app

    res = CliRunner().invoke(app, ["eval", "narratives"])
    assert res.exit_code == 1 and "exactly one" in res.output


@pytest.mark.skipif(not EMERGENT.is_file(), reason="shared Emergent train split absent")
def test_emergent_train_floor() -> None:
    from claimtrace.evaluation.emergent import evaluate_emergent

    res = evaluate_emergent(EMERGENT, limit=400)
    assert res["headlines"] == 400
    assert res["bcubed"]["f1"] >= 0.8, res["bcubed"]
    assert res["headlines_in_a_narrative"] >= 0.85 * res["headlines"]
