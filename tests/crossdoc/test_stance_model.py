"""The learned stance model, the FNC-1 scorer and ``claimtrace eval stance`` (fictional texts)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimtrace.crossdoc import stance_model as sm
from claimtrace.evaluation import fnc1

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
FNC = SHARED / "benchdata" / "fnc1"

CLAIM = "Norland army built a secret missile base near the Vesk border"


def test_own_voice_assertion_amplifies() -> None:
    got = sm.stance_toward(
        CLAIM, "Norland army built secret missile base near Vesk border, satellite images show"
    )
    assert got["regime"] == "headline" and got["stance"] == "AMPLIFIES", got["probabilities"]


def test_reported_claim_attributes() -> None:
    got = sm.stance_toward(CLAIM, "Norland reportedly building missile base near border, rumours claim")
    assert got["stance"] == "ATTRIBUTES", got["probabilities"]


def test_denial_contests() -> None:
    got = sm.stance_toward(CLAIM, "Norland denies report it built a missile base near Vesk border")
    assert got["stance"] == "CONTESTS", got["probabilities"]


def test_hoax_debunks() -> None:
    got = sm.stance_toward(CLAIM, "Fake: that Norland missile base story is a hoax, photos were doctored")
    assert got["stance"] == "DEBUNKS", got["probabilities"]


def test_unrelated_body() -> None:
    body = (
        "The city council of Ostmark voted on Tuesday to extend the opening hours of public libraries. "
        "Readers will be able to borrow books until nine in the evening from next month. "
        "The librarians' union welcomed the decision and asked for more staff to cover the new shifts."
    )
    got = sm.stance_toward(CLAIM, body)
    assert got["regime"] == "body" and got["label"] == "unrelated" and got["stance"] is None


def test_body_regime_evidence_points_into_the_text() -> None:
    body = (
        "Officials in Vesk said on Monday that Norland's army has built a secret missile base "
        "near the border. "
        "Satellite pictures published by a research group show launch pads and new roads. "
        "Norland's defence ministry has not commented on the report."
    )
    got = sm.stance_toward(CLAIM, body)
    assert got["label"] != "unrelated" and got["evidence"]
    for ev in got["evidence"]:
        assert body[ev["start"] : ev["end"]] == ev["text"]


def test_own_voice_debunk_skips_quotes_and_reported_words() -> None:
    text = 'The minister said the story was "a hoax". Experts say it is false. The photos are fake.'
    spans = sm.sentence_spans(text)
    got = [text[s:e] for s, e in sm.own_voice_debunk(text, spans)]
    assert got == ["fake"]


def test_sentence_spans_cover_text() -> None:
    text = "First sentence here. Second one?\nThird line without stop\n\nFourth."
    spans = sm.sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "First sentence here.",
        "Second one?",
        "Third line without stop",
        "Fourth.",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .?!\n\"'A1")), max_size=120))
def test_sentence_spans_are_ordered_non_empty_and_inside(text: str) -> None:
    spans = sm.sentence_spans(text)
    assert spans and len(spans) <= sm.MAX_SENTS
    last = 0
    for s, e in spans:
        assert last <= s <= e <= len(text)
        last = e
    if text.strip():
        assert all(text[s:e].strip() for s, e in spans)


def test_body_regime_needs_a_claim() -> None:
    with pytest.raises(ValueError):
        sm.stance_batch([(None, "Some body text. With two sentences.")], regime="body")


# -- FNC-1 scorer and CLI -------------------------------------------------------------------------
def test_fnc_score_hand_made() -> None:
    gold = ["agree", "unrelated", "discuss", "disagree", "unrelated"]
    pred = ["agree", "unrelated", "agree", "unrelated", "discuss"]
    # agree right 1.0; unrelated right .25; discuss->agree .25; disagree->unrelated 0; unrelated->discuss 0
    assert fnc1.fnc_score(gold, pred) == (1.5, 3.5)
    f1 = fnc1.f1_scores(gold, pred)
    assert f1["agree"] == pytest.approx(2 / 3) and f1["disagree"] == 0.0
    assert f1["unrelated"] == pytest.approx(0.5)  # 1 right, 1 missed, 1 false alarm
    assert f1["macro"] == pytest.approx((2 / 3 + 0 + 0 + 0.5) / 4)


def _write_fnc(tmp: Path, *, stance: list[str] | None) -> tuple[Path, Path]:
    bodies = tmp / "bodies.csv"
    with open(bodies, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        w.writerow(
            [
                "7",
                "Norland's army built a secret missile base near the Vesk border, officials said."
                "\nIt has rockets.",
            ]
        )
        w.writerow(["9", "Libraries in Ostmark will stay open longer.\nThe council voted on Tuesday."])
    heads = [
        "Norland builds missile base near Vesk",
        "Ostmark libraries open until nine",
        "Norland denies base",
    ]
    ids = ["7", "9", "9"]
    stances = tmp / "stances.csv"
    with open(stances, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", *(["Stance"] if stance else [])])
        for i, (h, b) in enumerate(zip(heads, ids, strict=True)):
            w.writerow([h, b, *([stance[i]] if stance else [])])
    return bodies, stances


def test_eval_stance_cli_keeps_row_order_and_ignores_stance(tmp_path: Path) -> None:
    from claimtrace.cli import app

    runner = CliRunner()
    outs = []
    for k, labels in enumerate((None, ["unrelated", "agree", "disagree"], ["agree", "disagree", "discuss"])):
        d = tmp_path / str(k)
        d.mkdir()
        bodies, stances = _write_fnc(d, stance=labels)
        res = runner.invoke(
            app, ["eval", "stance", "--fnc1", str(bodies), str(stances), "--out", str(d / "p.csv")]
        )
        assert res.exit_code == 0, res.output
        line = json.loads(res.output.strip().splitlines()[-1])
        assert line["pairs"] == 3 and ("fnc_score" in line) == (labels is not None)
        with open(d / "p.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert [(r["Headline"], r["Body ID"]) for r in rows] == [
            ("Norland builds missile base near Vesk", "7"),
            ("Ostmark libraries open until nine", "9"),
            ("Norland denies base", "9"),
        ]
        outs.append([r["Stance"] for r in rows])
    assert outs[0] == outs[1] == outs[2]  # the gold column never changes a prediction
    assert outs[0][0] != "unrelated" and outs[0][2] == "unrelated"


@pytest.mark.slow
@pytest.mark.skipif(not FNC.is_dir(), reason="../shared/benchdata/fnc1 not present")
def test_eval_stance_on_fnc1_dev_slice() -> None:
    ids = sorted(
        x.strip() for x in (FNC / "splits" / "hold_out_ids.txt").read_text().splitlines() if x.strip()
    )
    res = fnc1.evaluate_fnc1(FNC / "train_bodies.csv", FNC / "train_stances.csv", body_ids=set(ids[:40]))
    assert res["pairs"] > 500
    assert res["fnc_score"] >= 70.0 and res["f1"]["unrelated"] >= 0.9, res


def test_merged_networks_average_their_logits() -> None:
    import numpy as np

    from claimtrace.evaluation.stance_train import merge_mlps

    rng = np.random.default_rng(0)
    mean, std = rng.normal(size=4).astype(np.float32), np.ones(4, np.float32)
    nets = [
        sm.Mlp(
            mean,
            std,
            rng.normal(size=(6, 5)),
            rng.normal(size=5),
            rng.normal(size=(5, 3)),
            rng.normal(size=3),
        )
        for _ in range(3)
    ]
    dense, rest = rng.normal(size=(7, 4)).astype(np.float32), rng.normal(size=(7, 2)).astype(np.float32)

    def logits(n: sm.Mlp) -> np.ndarray:
        x = np.concatenate([(dense - n.mean) / n.std, rest], axis=1)
        return np.maximum(x @ n.w1 + n.b1, 0) @ n.w2 + n.b2

    z = np.mean([logits(n) for n in nets], axis=0)
    want = np.exp(z - z.max(axis=1, keepdims=True))
    want /= want.sum(axis=1, keepdims=True)
    assert np.allclose(merge_mlps(nets).proba(dense, rest), want, atol=1e-5)


def test_package_level_stance_is_the_same_function() -> None:
    import claimtrace

    text = "Norland denies report it built a missile base near Vesk border"
    assert claimtrace.stance(CLAIM, text) == sm.stance_toward(CLAIM, text)
