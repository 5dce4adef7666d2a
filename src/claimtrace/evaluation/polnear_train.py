"""Train the attribution tagger (:mod:`claimtrace.nlp.tagger`) on the PolNeAR train split.

``python -m claimtrace.evaluation.polnear train ../shared/benchdata/polnear/train`` rebuilds
``data/cue_lexicon.json`` (word-form counts) and then ``data/attribution_tagger.npz`` (weights
only: hashed feature buckets x labels, int8 with a scale; no vocabulary, no text). Before that
it fits the word-class parameters ``data/word_params.npz``
(:func:`claimtrace.nlp.wordvec.build_word_classes`); the word classes and vectors the tagger
trains on come from the per-piece table built from them at run time
(:func:`claimtrace.nlp.wordvec.word_classes`), exactly as at inference.

Every token gets the role of the gold span its first character lies in (source, cue, content,
or outside). Stage 1 is a multinomial logistic regression (scikit-learn ``SGDClassifier``,
log loss) over the hashed stage-1 features. Stage 2, the network
(:class:`claimtrace.nlp.tagger_model.Net`), is trained with torch (CPU, one thread, Adam,
cross-entropy) on stage-1 scores from five-fold cross-fitting (each article scored by a
stage-1 model trained on the other four fifths), so that it learns from scores as noisy as
those it will see; the shipped stage 1 is refit on all articles. ``neural=False`` trains the
earlier linear stage 2 instead. Needs scikit-learn (the ``crossdoc`` extra) and torch at
training time only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.errors import require
from claimtrace.evaluation.polnear import GoldArticle, GoldRelation, load_polnear
from claimtrace.nlp import tagger
from claimtrace.nlp.tagger_model import net_from_torch, shifted_labels

_ROLE_CODE = {"source": tagger.SRC, "cue": tagger.CUE, "content": tagger.CON}


def char_roles(art: GoldArticle) -> np.ndarray:
    """Role label of every character of the text (one extra slot past the end, outside)."""
    chars = np.zeros(len(art.text) + 1, dtype=np.int8)
    for rel in art.relations:
        for role in ("content", "source", "cue"):
            for a, b in getattr(rel, role):
                chars[a:b] = _ROLE_CODE[role]
    return chars


def gold_labels(art: GoldArticle, tok: tagger.Tokens) -> np.ndarray:
    """Role label of every token (from the character each token starts at)."""
    if len(tok.starts) == 0:
        return np.zeros(0, dtype=np.int64)
    return char_roles(art)[tok.starts].astype(np.int64)


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


def _train_linear(
    toks: list[tagger.Tokens],
    f1: list[np.ndarray],
    ys: list[np.ndarray],
    *,
    alpha: float,
    epochs: int,
    source_shift: float,
    cue_shift: float,
) -> tuple[tagger.Model, float]:
    """Both linear stages on these articles (float weights) and the stage-2 score spread."""
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
    return tagger.Model(w1, b1, w2, b2), score_std


def _cross_fit_stage1(
    f1: list[np.ndarray],
    ys: list[np.ndarray],
    *,
    folds: int,
    alpha: float,
    epochs: int,
    extra: list[tuple[int, np.ndarray]] | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Stage-1 scores of every article from a model trained on the other folds (article i: fold i % folds).

    ``extra`` (parent article, features) pieces are scored by their parent's fold model.
    """
    out: list[np.ndarray] = [np.zeros(0)] * len(f1)
    extra = extra or []
    out_extra: list[np.ndarray] = [np.zeros(0)] * len(extra)
    for k in range(folds):
        tr = [i for i in range(len(f1)) if i % folds != k]
        w, b = _fit(
            _matrix([f1[i] for i in tr]), np.concatenate([ys[i] for i in tr]), alpha=alpha, epochs=epochs
        )
        m = tagger.Model(w, b, w, b)
        for i in range(k, len(f1), folds):
            out[i] = m.scores(f1[i], 1)
        for j, (parent, feats) in enumerate(extra):
            if parent % folds == k:
                out_extra[j] = m.scores(feats, 1)
    return out, out_extra


def short_pieces(art: GoldArticle, count: int, rng: np.random.Generator) -> list[GoldArticle]:
    """Up to ``count`` excerpts of one to three consecutive paragraphs, with their gold clipped.

    The network otherwise sees only whole articles, and is fragile on short texts (a headline
    and a paragraph or two); training on such excerpts, tokenised on their own, fixes that.
    """
    paras = [(m.start(), m.end()) for m in _PARA.finditer(art.text)]
    out: list[GoldArticle] = []
    for _ in range(min(count, len(paras))):
        first = int(rng.integers(len(paras)))
        last = min(len(paras), first + int(rng.integers(1, 4))) - 1
        a, b = paras[first][0], paras[last][1]
        rels = []
        for rel in art.relations:
            clipped = {
                r: [(max(s, a) - a, min(e, b) - a) for s, e in getattr(rel, r) if s < b and e > a]
                for r in ("source", "cue", "content")
            }
            if clipped["cue"] or clipped["content"]:
                rels.append(GoldRelation(**clipped))
        out.append(GoldArticle(f"{art.name}@{a}", art.text[a:b], rels))
    return out


_PARA = re.compile(r"[^\n]+(?:\n[^\n]+)*")


def _train_net(
    xs: list[np.ndarray],
    bases: list[np.ndarray],
    ys: list[np.ndarray],
    *,
    hidden: int = 48,
    dilations: tuple[int, ...] = (1, 2, 4, 8, 16),
    epochs: int = 14,
    lr: float = 2e-3,
    decay: float = 0.85,
    dropout: float = 0.1,
    batch: int = 8,
    seed: int = 0,
    pair_weight: float = 1.0,
) -> tagger.Net:
    """Fit the network of :class:`claimtrace.nlp.tagger_model.Net` with torch (CPU, one thread)."""
    torch: Any = require("torch", "embed", "training the attribution tagger")
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    nn = torch.nn
    module: Any = nn.Module

    class _Net(module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.inp = nn.Linear(xs[0].shape[1], hidden)
            self.convs = nn.ModuleList(nn.Conv1d(hidden, hidden, 3, padding=d, dilation=d) for d in dilations)
            self.out = nn.Linear(hidden, len(tagger.LABELS))
            self.drop = nn.Dropout(dropout)
            self.temp = nn.Parameter(torch.tensor(0.05))
            self.trans = nn.Parameter(torch.zeros(len(tagger.LABELS), len(tagger.LABELS)))

        def forward(self, x: Any, base: Any, mask: Any) -> Any:
            h = (torch.relu(self.inp(x)) * mask).transpose(1, 2)
            m = mask.transpose(1, 2)
            for conv in self.convs:
                h = h + torch.relu(conv(self.drop(h))) * m
            return base * self.temp + self.out(h.transpose(1, 2))

    net = _Net()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    order = np.arange(len(xs))
    d_in = xs[0].shape[1]
    for _epoch in range(epochs):
        rng.shuffle(order)
        net.train()
        for g in range(0, len(order), batch):
            idx = order[g : g + batch]
            width = max(len(ys[i]) for i in idx)
            x = np.zeros((len(idx), width, d_in), dtype=np.float32)
            b = np.zeros((len(idx), width, len(tagger.LABELS)), dtype=np.float32)
            y = np.full((len(idx), width), -100, dtype=np.int64)
            for k, i in enumerate(idx):
                x[k, : len(ys[i])], b[k, : len(ys[i])], y[k, : len(ys[i])] = xs[i], bases[i], ys[i]
            mask = torch.from_numpy((y >= 0).astype(np.float32)[:, :, None])
            none = torch.zeros(1, len(tagger.LABELS))  # the pair score past the edges
            left, right = torch.cat([net.trans, none]), torch.cat([net.trans.T, none])
            out = net(torch.from_numpy(x), torch.from_numpy(b), mask)
            yt = torch.from_numpy(y).reshape(-1)
            loss = nn.functional.cross_entropy(out.reshape(-1, out.shape[-1]), yt)
            if pair_weight:  # pseudo-likelihood of each label given its gold neighbours
                pl = out + left[torch.from_numpy(_shifted(y, 1))] + right[torch.from_numpy(_shifted(y, -1))]
                loss = loss + pair_weight * nn.functional.cross_entropy(pl.reshape(-1, pl.shape[-1]), yt)
            opt.zero_grad()
            loss.backward()
            opt.step()
        for group in opt.param_groups:
            group["lr"] *= decay
    net.eval()

    return net_from_torch(
        net, dilations, hidden, temp=float(net.temp.detach()), trans=net.trans if pair_weight else None
    )


def _shifted(y: np.ndarray, by: int) -> np.ndarray:
    return shifted_labels(y, by, len(tagger.LABELS))


def train_tagger(
    directory: str | Path,
    *,
    out: str | Path | None = None,
    alpha: float = 3e-6,
    epochs: int = 6,
    source_shift: float = 0.3,
    cue_shift: float = 0.0,
    neural: bool = True,
    folds: int = 5,
    net_epochs: int = 14,
    net_hidden: int = 32,
    pair_weight: float = 1.0,
    short: int = 0,
) -> dict[str, Any]:
    """Train the stages on a PolNeAR split and write the weights; returns a small summary.

    ``source_shift`` and ``cue_shift`` raise the stage-2 bias of those labels by that many standard
    deviations of the stage-2 scores (the summary's ``score_std``). ``short`` excerpts per
    article (:func:`short_pieces`) join the network's training set.
    """
    from claimtrace.nlp.sentences import split_sentences

    toks: list[tagger.Tokens] = []
    f1: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    pieces: list[tuple[int, tagger.Tokens, np.ndarray]] = []  # (parent, tokens, labels)
    rng = np.random.default_rng(0)
    for art in load_polnear(directory):
        tok = tagger.tokenize(art.text, split_sentences(art.text))
        if not tok.words:
            continue
        for piece in short_pieces(art, short, rng) if short else []:
            ptok = tagger.tokenize(piece.text, split_sentences(piece.text))
            if ptok.words:
                pieces.append((len(toks), ptok, gold_labels(piece, ptok)))
        toks.append(tok)
        f1.append(tagger.stage1_features(tok))
        ys.append(gold_labels(art, tok))
    if neural:
        extra = [(parent, tagger.stage1_features(ptok)) for parent, ptok, _y in pieces]
        n_folds = max(2, min(folds, len(toks)))
        s1, s1_extra = _cross_fit_stage1(f1, ys, folds=n_folds, alpha=alpha, epochs=epochs, extra=extra)
        w1, b1 = _fit(_matrix(f1), np.concatenate(ys), alpha=alpha, epochs=epochs)
        xs = [tagger.dense_inputs(tok, s) for tok, s in zip(toks, s1, strict=True)]
        xs += [tagger.dense_inputs(ptok, s) for (_p, ptok, _y), s in zip(pieces, s1_extra, strict=True)]
        net = _train_net(
            xs,
            s1 + s1_extra,
            ys + [y for *_x, y in pieces],
            epochs=net_epochs,
            hidden=net_hidden,
            pair_weight=pair_weight,
        )
        model, score_std = tagger.Model(w1, b1, w1, b1, net=net), 0.0
    else:
        model, score_std = _train_linear(
            toks, f1, ys, alpha=alpha, epochs=epochs, source_shift=source_shift, cue_shift=cue_shift
        )
    path = Path(out) if out else tagger.model_file()
    tagger.save_model(model, path)
    tagger.load_model.cache_clear()
    return {"articles": len(toks), "tokens": sum(map(len, ys)), "path": str(path), "score_std": score_std}


__all__ = ["char_roles", "gold_labels", "train_tagger"]
