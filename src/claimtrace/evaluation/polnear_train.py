"""Train the attribution tagger (:mod:`claimtrace.nlp.tagger`) on the PolNeAR train split.

``python -m claimtrace.evaluation.polnear train ../shared/benchdata/polnear/train`` rebuilds
``data/cue_lexicon.json`` (word-form counts) and then ``data/attribution_tagger.npz`` (weights
only: hashed feature buckets x labels, int8 with a scale; no vocabulary, no text).

Every token gets the role of the gold span its first character lies in (source, cue, content,
or outside). Stage 1 is a multinomial logistic regression (scikit-learn ``SGDClassifier``,
log loss) over the stage-1 features. Stage 2 is trained on stage-1 labels predicted by
two-fold cross-fitting (each half labelled by a stage-1 model trained on the other half), so
that it learns from labels as noisy as those it will see; the shipped stage 1 is refit on
all articles. Needs scikit-learn (the ``crossdoc`` extra) at training time only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.errors import require
from claimtrace.evaluation.polnear import GoldArticle, load_polnear
from claimtrace.nlp import tagger

_ROLE_CODE = {"source": tagger.SRC, "cue": tagger.CUE, "content": tagger.CON}


def gold_labels(art: GoldArticle, tok: tagger.Tokens) -> np.ndarray:
    """Role label of every token (from the character each token starts at)."""
    chars = np.zeros(len(art.text) + 1, dtype=np.int8)
    for rel in art.relations:
        for role in ("content", "source", "cue"):
            for a, b in getattr(rel, role):
                chars[a:b] = _ROLE_CODE[role]
    if len(tok.starts) == 0:
        return np.zeros(0, dtype=np.int64)
    return chars[tok.starts].astype(np.int64)


def _matrix(feats: list[np.ndarray]) -> Any:
    from scipy import sparse

    f = np.concatenate(feats, axis=0)
    n, t = f.shape
    indptr = np.arange(0, n * t + 1, t, dtype=np.int64)
    data = np.ones(n * t, dtype=np.float32)
    m = sparse.csr_matrix((data, f.ravel().astype(np.int32), indptr), shape=(n, tagger.DIM))
    m.sum_duplicates()
    return m


def _fit(x: Any, y: np.ndarray, *, alpha: float, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    linear: Any = require("sklearn.linear_model", "crossdoc", "training the attribution tagger")
    clf = linear.SGDClassifier(
        loss="log_loss", alpha=alpha, max_iter=epochs, tol=None, random_state=0, average=True
    )
    clf.fit(x, y)
    w = np.zeros((tagger.DIM, len(tagger.LABELS)), dtype=np.float32)
    b = np.zeros(len(tagger.LABELS), dtype=np.float32)
    for k, c in enumerate(clf.classes_):
        w[:, int(c)] = clf.coef_[k]
        b[int(c)] = clf.intercept_[k]
    return w, b


def train_tagger(
    directory: str | Path,
    *,
    out: str | Path | None = None,
    alpha: float = 3e-6,
    epochs: int = 6,
    source_shift: float = 0.3,
    cue_shift: float = 0.0,
) -> dict[str, Any]:
    """Train both stages on a PolNeAR split and write the weights; returns a small summary.

    ``source_shift`` and ``cue_shift`` raise the stage-2 bias of those labels by that many standard
    deviations of the stage-2 scores (the summary's ``score_std``).
    """
    from claimtrace.nlp.sentences import split_sentences

    toks: list[tagger.Tokens] = []
    f1: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for art in load_polnear(directory):
        tok = tagger.tokenize(art.text, split_sentences(art.text))
        if not tok.words:
            continue
        toks.append(tok)
        f1.append(tagger.stage1_features(tok))
        ys.append(gold_labels(art, tok))
    y = np.concatenate(ys)
    half = len(toks) // 2
    folds = [(range(0, half), range(half, len(toks))), (range(half, len(toks)), range(0, half))]
    s1: list[np.ndarray] = [np.zeros(0)] * len(toks)
    for tr, te in folds:
        x = _matrix([f1[i] for i in tr])
        w, b = _fit(x, np.concatenate([ys[i] for i in tr]), alpha=alpha, epochs=epochs)
        m = tagger.Model(w, b, w, b)
        for i in te:
            s1[i] = m.scores(f1[i], 1)
    w1, b1 = _fit(_matrix(f1), y, alpha=alpha, epochs=epochs)
    f2 = [
        tagger.stage2_features(toks[i], f1[i], s1[i].argmax(axis=1), tagger.softmax(s1[i]))
        for i in range(len(toks))
    ]
    x2 = _matrix(f2)
    w2, b2 = _fit(x2, y, alpha=alpha, epochs=epochs)
    # favour sources a little: the shift (in standard deviations of the stage-2 scores) was
    # chosen on a held-out tenth of the train split
    sample = x2[:: max(1, x2.shape[0] // 50_000)]
    score_std = float(np.std(sample @ w2 + b2))
    b2[tagger.SRC] += source_shift * score_std
    b2[tagger.CUE] += cue_shift * score_std
    path = Path(out) if out else tagger.model_file()
    tagger.save_model(tagger.Model(w1, b1, w2, b2), path)
    tagger.load_model.cache_clear()
    return {"articles": len(toks), "tokens": len(y), "path": str(path), "score_std": score_std}


__all__ = ["gold_labels", "train_tagger"]
