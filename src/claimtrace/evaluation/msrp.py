"""MSRP paraphrase evaluation: train the pair scorer on a training file, score a test file.

``evaluate_msrp(train, test)`` fits :class:`claimtrace.crossdoc.paraphrase.PairScorer` on the
training pairs only (MiniLM cosine + lexical features, logistic regression, the decision threshold
picked by cross-validation on train) and returns accuracy, precision, recall and F1 on the test
pairs. ``python -m claimtrace.evaluation.msrp --train TRAIN --test TEST`` prints that dict as one
JSON line; ``--cv`` reports 5-fold cross-validation and an 80/20 split of the training file instead;
``--save`` writes the model fitted on the whole training file to ``data/paraphrase_model.json``
(the model the reuse detector uses).

Files are MSRP's tab-separated format with the header
``Quality  #1 ID  #2 ID  #1 String  #2 String`` (UTF-8, optional BOM, no quoting).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.crossdoc.paraphrase import MODEL_PATH, PairScorer, pair_matrix
from claimtrace.errors import require

__all__ = ["cross_validate", "evaluate_msrp", "fit_scorer", "load_pairs", "main", "pair_inputs", "scores"]

Pair = tuple[str, str, int]


def load_pairs(path: str | Path) -> list[Pair]:
    """The ``(sentence 1, sentence 2, label)`` rows of an MSRP file."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    out: list[Pair] = []
    for row in rows[1:]:
        if len(row) >= 5 and row[0].strip() in ("0", "1"):
            out.append((row[3], row[4], int(row[0])))
    return out


def pair_inputs(pairs: Sequence[Pair]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (MiniLM cosine computed here) and label vector of ``pairs``."""
    from claimtrace.embeddings import encode

    sents = sorted({s for a, b, _ in pairs for s in (a, b)})
    index = {s: i for i, s in enumerate(sents)}
    vecs = encode(sents)
    cos = [float(vecs[index[a]] @ vecs[index[b]]) for a, b, _ in pairs]
    feats = pair_matrix([(a, b) for a, b, _ in pairs], cos)
    return feats, np.asarray([y for _, _, y in pairs], dtype=int)


def _fit_lr(x: np.ndarray, y: np.ndarray, *, c: float) -> PairScorer:
    linear: Any = require("sklearn.linear_model", "crossdoc", "training the paraphrase scorer")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = linear.LogisticRegression(C=c, max_iter=2000)
    model.fit((x - mean) / scale, y)
    return PairScorer(
        mean=mean, scale=scale, coef=model.coef_[0].copy(), intercept=float(model.intercept_[0])
    )


def _best_threshold(proba: np.ndarray, y: np.ndarray) -> float:
    """The probability cut that maximises accuracy + F1 (both matter: F1 alone favours all-positive)."""
    grid = np.linspace(0.2, 0.8, 61)
    best, best_value = 0.5, -1.0
    for t in grid:
        s = scores((proba >= t).astype(int), y)
        if s["accuracy"] + s["f1"] > best_value:
            best, best_value = float(t), s["accuracy"] + s["f1"]
    return best


def fit_scorer(x: np.ndarray, y: np.ndarray, *, c: float = 1.0, folds: int = 5, seed: int = 0) -> PairScorer:
    """Fit on ``(x, y)``; the threshold comes from out-of-fold probabilities (train data only)."""
    oof = np.zeros(len(y))
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(len(y)) % folds
    for k in range(folds):
        tr, te = fold_of != k, fold_of == k
        oof[te] = _fit_lr(x[tr], y[tr], c=c).proba(x[te])
    scorer = _fit_lr(x, y, c=c)
    scorer.threshold = _best_threshold(oof, y)
    return scorer


def scores(pred: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of binary predictions (rounded to 4 places)."""
    tp = int(np.sum((pred == 1) & (y == 1)))
    fp = int(np.sum((pred == 1) & (y == 0)))
    fn = int(np.sum((pred == 0) & (y == 1)))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "accuracy": round(float(np.mean(pred == y)), 4),
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(f1, 4),
    }


def evaluate_msrp(train_path: str | Path, test_path: str | Path) -> dict[str, Any]:
    """Fit on ``train_path`` only and score ``test_path``: accuracy, precision, recall, f1, counts."""
    train, test = load_pairs(train_path), load_pairs(test_path)
    x_tr, y_tr = pair_inputs(train)
    scorer = fit_scorer(x_tr, y_tr)
    x_te, y_te = pair_inputs(test)
    out: dict[str, Any] = {"task": "msrp-paraphrase", "train_pairs": len(train), "test_pairs": len(test)}
    out.update(scores(scorer.predict(x_te), y_te))
    out["threshold"] = round(scorer.threshold, 3)
    return out


def cross_validate(x: np.ndarray, y: np.ndarray, *, folds: int = 5, seed: int = 0) -> dict[str, Any]:
    """Development figures on training pairs only: k-fold CV and one 80/20 split."""
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(len(y)) % folds
    pred = np.zeros(len(y), dtype=int)
    for k in range(folds):
        tr, te = fold_of != k, fold_of == k
        pred[te] = fit_scorer(x[tr], y[tr], seed=seed + 1).predict(x[te])
    split = rng.permutation(len(y)) < int(0.8 * len(y))
    held = fit_scorer(x[split], y[split], seed=seed + 1).predict(x[~split])
    return {
        "task": "msrp-paraphrase-dev",
        "pairs": len(y),
        f"cv{folds}": scores(pred, y),
        "split80_20": scores(held, y[~split]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """``--train T --test S``: print test scores; ``--cv``: print CV on train; ``--save``: write the model."""
    parser = argparse.ArgumentParser(prog="claimtrace eval paraphrase", description=__doc__.split("\n")[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--test")
    parser.add_argument("--cv", action="store_true", help="5-fold CV and an 80/20 split on --train")
    parser.add_argument(
        "--save", action="store_true", help=f"write the model fitted on --train to {MODEL_PATH}"
    )
    args = parser.parse_args(argv)
    if not (args.cv or args.save or args.test):
        parser.error("give --test, --cv or --save")
    if args.cv or args.save:
        x, y = pair_inputs(load_pairs(args.train))
        if args.cv:
            print(json.dumps(cross_validate(x, y)))
        if args.save:
            fit_scorer(x, y).save(MODEL_PATH)
            print(json.dumps({"saved": str(MODEL_PATH)}))
    if args.test:
        print(json.dumps(evaluate_msrp(args.train, args.test)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
