"""MSRP evaluation: file loading, pair features, the learned scorer, scores and the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claimtrace.crossdoc.paraphrase import FEATURES, MODEL_PATH, PairScorer, pair_features, pair_matrix
from claimtrace.evaluation import msrp

HEADER = "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"

POS = [
    (
        "The council approved the harbour budget on Tuesday.",
        "On Tuesday the council approved the harbour budget.",
    ),
    ("Mayor Lind said the bridge would reopen in May.", "The bridge will reopen in May, Mayor Lind said."),
    ("Ferry prices rose 12 percent last year.", "Last year ferry prices went up by 12 percent."),
    (
        "The museum will stay closed for repairs until June.",
        "Repairs will keep the museum closed until June.",
    ),
]
NEG = [
    (
        "The council approved the harbour budget on Tuesday.",
        "The council rejected the school budget on Friday.",
    ),
    ("Mayor Lind said the bridge would reopen in May.", "Critics doubt the bridge will ever reopen."),
    ("Ferry prices rose 12 percent last year.", "Bus prices fell 3 percent this year."),
    ("The museum will stay closed for repairs until June.", "The museum opened a new wing in June."),
]


def write_msrp(path: Path, pairs: list[tuple[str, str, int]]) -> Path:
    lines = [f"{y}\t{k}\t{k + 1000}\t{a}\t{b}\n" for k, (a, b, y) in enumerate(pairs)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def test_load_pairs_reads_bom_header_and_quotes_verbatim(tmp_path: Path) -> None:
    f = write_msrp(tmp_path / "x.txt", [('He said "no" twice.', "He refused.", 1), ("A b c.", "D e f.", 0)])
    assert msrp.load_pairs(f) == [('He said "no" twice.', "He refused.", 1), ("A b c.", "D e f.", 0)]


def test_features_shape_and_sense() -> None:
    same = pair_features(POS[0][0], POS[0][0], 1.0)
    diff = pair_features(NEG[2][0], NEG[2][1], 0.2)
    assert len(same) == len(FEATURES)
    f = dict(zip(FEATURES, same, strict=True))
    g = dict(zip(FEATURES, diff, strict=True))
    assert f["jaccard1"] == 1.0 and f["bleu_min"] > 0.99 and f["num_mismatch"] == 0.0
    assert g["jaccard1"] < 0.5 and g["num_mismatch"] == 2.0 and g["num_jaccard"] == 0.0
    neg = dict(
        zip(FEATURES, pair_features("The plan was approved.", "The plan was not approved.", 0.9), strict=True)
    )
    assert neg["neg_mismatch"] == 1.0


def test_scores() -> None:
    s = msrp.scores(np.array([1, 1, 0, 0]), np.array([1, 0, 0, 1]))
    assert s == {"accuracy": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_fit_scorer_separates_lexical_pairs_and_round_trips(tmp_path: Path) -> None:
    pairs = [(a, b, 1) for a, b in POS] + [(a, b, 0) for a, b in NEG]
    cos = [0.9] * len(POS) + [0.5] * len(NEG)
    x = pair_matrix([(a, b) for a, b, _ in pairs], cos)
    y = np.array([p[2] for p in pairs])
    scorer = msrp.fit_scorer(np.vstack([x] * 5), np.concatenate([y] * 5), folds=2)
    assert (scorer.predict(x) == y).all()
    path = tmp_path / "m.json"
    scorer.save(path)
    data = json.loads(path.read_text())
    assert set(data) == {"features", "mean", "scale", "coef", "intercept", "threshold"}
    again = PairScorer.load(path)
    assert np.allclose(again.proba(x), scorer.proba(x))


def test_shipped_model_matches_features() -> None:
    if not MODEL_PATH.exists():
        pytest.skip("paraphrase model not generated")
    scorer = PairScorer.load()
    assert len(scorer.coef) == len(FEATURES) and 0.2 <= scorer.threshold <= 0.8
    # a copy is a paraphrase; an unrelated pair is not
    x = pair_matrix(
        [(POS[0][0], POS[0][0]), (NEG[1][0], "Ticket sales for the concert opened today.")], [1.0, 0.1]
    )
    assert scorer.predict(x).tolist() == [1, 0]


def test_evaluate_and_main_with_stub_embeddings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # a stub encoder keeps the test fast: bag of words on 32 hashed dimensions
    def fake_encode(texts: list[str], **_: object) -> np.ndarray:
        out = np.zeros((len(texts), 32), dtype=np.float32)
        for r, t in enumerate(texts):
            for w in t.lower().split():
                out[r, sum(map(ord, w)) % 32] += 1
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    monkeypatch.setattr("claimtrace.embeddings.encode", fake_encode)
    rows = [(a, b, 1) for a, b in POS] + [(a, b, 0) for a, b in NEG]
    train = write_msrp(tmp_path / "train.txt", rows * 4)
    test = write_msrp(tmp_path / "test.txt", rows)
    out = msrp.evaluate_msrp(train, test)
    assert out["test_pairs"] == 8 and out["train_pairs"] == 32
    assert set(out) >= {"accuracy", "precision", "recall", "f1"}
    assert out["accuracy"] >= 0.75
    assert msrp.main(["--train", str(train), "--test", str(test)]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["accuracy"] == out["accuracy"]
