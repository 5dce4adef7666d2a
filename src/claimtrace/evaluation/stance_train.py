"""Train the stance model (``data/stance_model.npz``) from FNC-1 and Emergent train splits.

    .venv/bin/python -m claimtrace.evaluation.stance_train --shared ../shared [--out PATH]

* **body regime**: FNC-1 pairs whose body is in ``splits/training_ids.txt``; the hold-out bodies
  (``splits/hold_out_ids.txt``) are the dev split, scored after training (FNC score, macro-F1).
* **headline regime**: Emergent train articles, each read three ways (against the gold claim
  headline, against a sibling article's headline of the same claim, and alone) so the model
  does not depend on which claim text it gets; Mechanical Turk crowd answers add a soft label.
  ``--cv`` reports grouped 5-fold cross-validation by ``claimId`` for each of the three ways.

``--baselines`` reports the majority class and TF-IDF + logistic regression scored the same way;
``--unseen-headlines 0.25 --out /tmp/strict.npz`` a stricter FNC-1 dev, closer to the
competition test (a quarter of the headlines are held out of training too; dev keeps only them).

The networks are trained with torch (training only; inference is numpy in
:mod:`claimtrace.crossdoc.stance_model`). Seeds are fixed; a run takes about 10-20 minutes
on 2 busy CPU cores (most of it MiniLM encoding the FNC-1 bodies).
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.crossdoc import stance_model as sm
from claimtrace.evaluation.fnc1 import Pair, f1_scores, fnc_score, load_fnc1, read_ids

__all__ = ["build_vocab", "fit_mlp", "load_emergent", "main", "train_body", "train_head"]

_CROWD = {
    "for": "for",
    "probably for": "for",
    "against": "against",
    "probably against": "against",
    "observing": "observing",
    "neutral": "observing",
}


def build_vocab(
    texts: Sequence[str], *, min_df: int = 2, max_words: int = 30000, bow: int = 2000
) -> sm.Vocab:
    """Words by document frequency with smoothed IDF; the first ``bow`` feed the bag-of-words input."""
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(sm.words(t)))
    kept = [w for w, c in df.most_common(max_words) if c >= min_df]
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[w])) + 1.0 for w in kept], np.float32)
    return sm.Vocab(kept, idf, min(bow, len(kept)))


def fit_mlp(
    dense: np.ndarray,
    rest: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    *,
    sparse_from: int | None = None,
    soft: np.ndarray | None = None,
    hidden: int = 100,
    epochs: int = 30,
    dropout: float = 0.5,
    weight_decay: float = 1e-4,
    class_weight: Sequence[float] | None = None,
    seed: int = 0,
) -> sm.Mlp:
    """One hidden ReLU layer with dropout, Adam, cross-entropy (``soft`` targets when given).

    ``dense`` is standardised; ``rest`` is used as is; its columns from ``sparse_from`` on (the bags
    of words, mostly zeros) are multiplied as a sparse matrix to keep training fast on a CPU.
    """
    import torch
    from scipy import sparse

    torch.set_num_threads(1)  # small batches: more threads only wait on each other on a busy CPU
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    cut = rest.shape[1] if sparse_from is None else sparse_from
    mean = dense.mean(axis=0)
    std = dense.std(axis=0) + 1e-6
    xa = torch.from_numpy(np.concatenate([(dense - mean) / std, rest[:, :cut]], axis=1).astype(np.float32))
    xb = sparse.csr_matrix(rest[:, cut:].astype(np.float32))
    target = torch.from_numpy(
        soft.astype(np.float32) if soft is not None else np.eye(n_classes, dtype=np.float32)[y]
    )

    def init(rows: int, cols: int) -> torch.nn.Parameter:
        w = torch.empty(rows, cols)
        torch.nn.init.xavier_uniform_(w, generator=gen)
        return torch.nn.Parameter(w)

    wa, wb = init(xa.shape[1], hidden), init(xb.shape[1], hidden)
    b1 = torch.nn.Parameter(torch.zeros(hidden))
    w2, b2 = init(hidden, n_classes), torch.nn.Parameter(torch.zeros(n_classes))
    opt = torch.optim.Adam([wa, wb, b1, w2, b2], lr=1e-3, weight_decay=weight_decay)
    drop = torch.nn.Dropout(dropout)
    cw = torch.tensor(class_weight or [1.0] * n_classes, dtype=torch.float32)
    for _ in range(epochs):
        perm = torch.randperm(len(xa), generator=gen)
        for lo in range(0, len(xa), 256):
            idx = perm[lo : lo + 256]
            h = xa[idx] @ wa + b1
            if xb.shape[1]:
                part = xb[idx.numpy()].tocoo()
                where = torch.from_numpy(np.vstack([part.row, part.col]).astype(np.int64))
                sp = torch.sparse_coo_tensor(
                    where, torch.from_numpy(part.data), (len(idx), xb.shape[1]), dtype=torch.float32
                )
                h = h + torch.sparse.mm(sp, wb)
            logp = torch.log_softmax(drop(torch.relu(h)) @ w2 + b2, dim=1)
            loss = -(target[idx] * logp * cw).sum(dim=1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return sm.Mlp(
        mean.astype(np.float32),
        std.astype(np.float32),
        torch.cat([wa, wb]).detach().numpy().copy(),
        b1.detach().numpy().copy(),
        w2.detach().numpy().copy(),
        b2.detach().numpy().copy(),
    )


# -- FNC-1 (body regime) ---------------------------------------------------------------------------
def _fnc_inputs(pairs: Sequence[Any], vocab: sm.Vocab) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    texts = sm.prepare(list(dict.fromkeys([p.headline for p in pairs] + [p.body for p in pairs])))
    by = {t.text: t for t in texts}
    dense, rest, _ = sm.body_inputs([(by[p.headline], by[p.body]) for p in pairs], vocab)
    y = np.array([sm.BODY_LABELS.index(p.gold) for p in pairs])
    return dense, rest, y


def _csv(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _fnc_split(shared: Path) -> tuple[list[Pair], list[Pair]]:
    """FNC-1 training pairs and hold-out (dev) pairs, split by body as the official split files say."""
    d = shared / "benchdata" / "fnc1"
    ids = {s: read_ids(d / "splits" / f"{s}_ids.txt") for s in ("training", "hold_out")}
    train = load_fnc1(d / "train_bodies.csv", d / "train_stances.csv", body_ids=ids["training"])
    dev = load_fnc1(d / "train_bodies.csv", d / "train_stances.csv", body_ids=ids["hold_out"])
    return train, dev


#: chosen on a stricter dev (hold-out bodies AND unseen headlines); class weights lift disagree
BODY_KW: dict[str, Any] = {"hidden": 100, "epochs": 10, "dropout": 0.5, "class_weight": [1.5, 5.0, 1.0, 1.0]}


def train_body(
    shared: Path, *, log: Any = print, unseen_headlines: float = 0.0, **kw: Any
) -> tuple[sm.Mlp, sm.Vocab, dict[str, Any]]:
    """Fit the body network on FNC-1 training bodies; score it on the hold-out bodies.

    ``unseen_headlines`` > 0: a stricter dev like the competition test (new bodies AND new
    headlines): that share of the headlines is left out of training, and dev keeps only them.
    """
    train, dev = _fnc_split(shared)
    if unseen_headlines:
        heads = sorted({p.headline for p in train + dev})
        random.Random(0).shuffle(heads)
        held = set(heads[: int(len(heads) * unseen_headlines)])
        train = [p for p in train if p.headline not in held]
        dev = [p for p in dev if p.headline in held]
    vocab = build_vocab(list({p.body for p in train}) + list({p.headline for p in train}))
    clock = time.perf_counter()
    sm._CACHE_SIZE = 10**6
    xt = _fnc_inputs(train, vocab)
    xd = _fnc_inputs(dev, vocab)
    log(f"fnc1 features: train {xt[0].shape} dev {xd[0].shape} in {time.perf_counter() - clock:.0f}s")
    mlp = fit_mlp(xt[0], xt[1], xt[2], 4, sparse_from=3 * sm.EMBED_DIM, **{**BODY_KW, **kw})
    pred = [sm.BODY_LABELS[i] for i in mlp.proba(xd[0], xd[1]).argmax(axis=1)]
    gold = [p.gold or "" for p in dev]
    s, best = fnc_score(gold, pred)
    f1 = f1_scores(gold, pred)
    res = {
        "fnc_dev": round(100 * s / best, 2),
        "macro_f1_dev": round(f1["macro"], 4),
        "f1_dev": {k: round(v, 4) for k, v in f1.items() if k != "macro"},
        "pairs": [len(train), len(dev)],
    }
    return mlp, vocab, res


# -- Emergent (headline regime) --------------------------------------------------------------------
def load_emergent(shared: Path) -> list[dict[str, Any]]:
    """Emergent train articles: claimId, claim headline, article headline, stance, crowd label counts."""
    d = shared / "benchdata" / "emergent"
    rows = _csv(d / "edata_train.csv")
    by_index = {int(float(r["articleCount"])): r["articleId"] for r in rows}
    crowd: dict[str, Counter[str]] = defaultdict(Counter)
    for f in sorted(glob.glob(str(d / "mturk" / "*.csv"))):
        for r in _csv(f):
            answers = []
            if "Input.articleId" in r:
                answers.append(
                    (r["Input.articleId"], r.get("Answer.stance") or r.get("Answer.Q1Answer") or "")
                )
            else:
                for i in range(1, 6):
                    if (r.get(f"Input.articleCount{i}") or "").strip():
                        answers.append(
                            (
                                by_index[int(float(r[f"Input.articleCount{i}"]))],
                                r.get(f"Answer.stance{i}") or "",
                            )
                        )
            for art, ans in answers:
                lab = _CROWD.get(ans.strip().lower())
                if lab:
                    crowd[art][lab] += 1
    return [
        {
            "claim_id": r["claimId"],
            "claim": r["claimHeadline"],
            "headline": r["articleHeadline"],
            "label": r["articleHeadlineStance"],
            "crowd": crowd.get(r["articleId"], Counter()),
        }
        for r in rows
    ]


def _head_rows(
    arts: Sequence[dict[str, Any]], *, rng: random.Random, modes: Sequence[str]
) -> list[tuple[str, str | None, int]]:
    """(headline, claim text or None, article index) for each article and reading mode."""
    sibs: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(arts):
        sibs[a["claim_id"]].append(i)
    out: list[tuple[str, str | None, int]] = []
    for i, a in enumerate(arts):
        for mode in modes:
            if mode == "gold":
                out.append((a["headline"], a["claim"], i))
            elif mode == "none":
                out.append((a["headline"], None, i))
            else:
                others = [j for j in sibs[a["claim_id"]] if j != i]
                out.append((a["headline"], arts[rng.choice(others)]["headline"] if others else None, i))
    return out


def _head_xy(
    arts: Sequence[dict[str, Any]],
    rows: Sequence[tuple[str, str | None, int]],
    vocab: sm.Vocab,
    crowd_weight: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    texts = sm.prepare(list(dict.fromkeys([h for h, _, _ in rows] + [c for _, c, _ in rows if c])))
    by = {t.text: t for t in texts}
    dense, rest = sm.head_inputs([(by[h], by[c] if c else None) for h, c, _ in rows], vocab)
    y = np.array([sm.HEAD_LABELS.index(arts[i]["label"]) for _, _, i in rows])
    soft = np.eye(3, dtype=np.float32)[y]
    if crowd_weight:
        for k, (_, _, i) in enumerate(rows):
            cnt = arts[i]["crowd"]
            tot = sum(cnt.values())
            if tot:
                dist = np.array([cnt[lab] / tot for lab in sm.HEAD_LABELS], np.float32)
                soft[k] = (1 - crowd_weight) * soft[k] + crowd_weight * dist
    return dense, rest, y, soft


HEAD_KW: dict[str, Any] = {"hidden": 64, "epochs": 40, "dropout": 0.5, "weight_decay": 1e-3}


def merge_mlps(nets: Sequence[sm.Mlp]) -> sm.Mlp:
    """One network whose logits are the mean of ``nets``' logits (same inputs and standardisation)."""
    k = len(nets)
    return sm.Mlp(
        nets[0].mean,
        nets[0].std,
        np.concatenate([n.w1 for n in nets], axis=1),
        np.concatenate([n.b1 for n in nets]),
        np.concatenate([n.w2 for n in nets], axis=0) / k,
        np.mean([n.b2 for n in nets], axis=0),
    )


def train_head(
    arts: Sequence[dict[str, Any]], *, crowd_weight: float = 0.5, seed: int = 0, members: int = 3, **kw: Any
) -> tuple[sm.Mlp, sm.Vocab]:
    """Fit the headline network on ``arts`` read against gold claims, siblings and nothing.

    ``members`` networks from different seeds are merged into one (their logits averaged).
    """
    vocab = build_vocab([a["headline"] for a in arts] + list({a["claim"] for a in arts}), min_df=3, bow=1500)
    rows = _head_rows(arts, rng=random.Random(seed), modes=("gold", "sibling", "none"))
    dense, rest, y, soft = _head_xy(arts, rows, vocab, crowd_weight)
    nets = [
        fit_mlp(dense, rest, y, 3, sparse_from=sm.EMBED_DIM, soft=soft, seed=seed + m, **{**HEAD_KW, **kw})
        for m in range(members)
    ]
    return merge_mlps(nets), vocab


def cv_head(arts: Sequence[dict[str, Any]], *, folds: int = 5, **kw: Any) -> dict[str, Any]:
    """Grouped k-fold CV by claim: accuracy and macro-F1 reading with gold claim, sibling, none."""
    claims = sorted({a["claim_id"] for a in arts})
    random.Random(0).shuffle(claims)
    fold_of = {c: i % folds for i, c in enumerate(claims)}
    preds: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for f in range(folds):
        tr = [a for a in arts if fold_of[a["claim_id"]] != f]
        te = [a for a in arts if fold_of[a["claim_id"]] == f]
        mlp, vocab = train_head(tr, **kw)
        for mode in ("gold", "sibling", "none"):
            rows = _head_rows(te, rng=random.Random(1), modes=(mode,))
            dense, rest, y, _ = _head_xy(te, rows, vocab, 0.0)
            prob = mlp.proba(dense, rest)
            preds[mode] += [
                (sm.HEAD_LABELS[a], sm.head_label(pr, h))
                for a, pr, (h, _, _) in zip(y, prob, rows, strict=True)
            ]
    out: dict[str, Any] = {}
    for mode, gp in preds.items():
        gold, pred = [g for g, _ in gp], [p for _, p in gp]
        f1 = f1_scores(gold, pred, sm.HEAD_LABELS)
        out[mode] = {
            "accuracy": round(sum(g == p for g, p in gp) / len(gp), 4),
            "macro_f1": round(f1["macro"], 4),
            "f1": {k: round(v, 4) for k, v in f1.items() if k != "macro"},
        }
    return out


def baselines(shared: Path, arts: Sequence[dict[str, Any]], *, folds: int = 5) -> dict[str, Any]:
    """Majority class and TF-IDF + logistic regression, scored like the model (FNC-1 dev, Emergent CV)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train, dev = _fnc_split(shared)
    vec = TfidfVectorizer(max_features=5000, stop_words="english").fit(
        list({p.body for p in train}) + list({p.headline for p in train})
    )

    def x(pairs: Sequence[Any]) -> Any:
        h, b = vec.transform([p.headline for p in pairs]), vec.transform([p.body for p in pairs])
        cos = sparse.csr_matrix(np.asarray(h.multiply(b).sum(axis=1)))
        return sparse.hstack([h, b, cos]).tocsr()

    gold = [p.gold or "" for p in dev]
    lr = LogisticRegression(max_iter=2000).fit(x(train), [p.gold for p in train])
    out: dict[str, Any] = {}
    for name, pred in (("majority", ["unrelated"] * len(dev)), ("tfidf_lr", list(lr.predict(x(dev))))):
        s, best = fnc_score(gold, pred)
        f1 = f1_scores(gold, pred)
        out[f"fnc1_dev_{name}"] = {"fnc": round(100 * s / best, 2), "macro_f1": round(f1["macro"], 4)}
    claims = sorted({a["claim_id"] for a in arts})
    random.Random(0).shuffle(claims)
    fold_of = {c: i % folds for i, c in enumerate(claims)}
    pred_e: list[str] = []
    gold_e: list[str] = []
    for f in range(folds):
        tr = [a for a in arts if fold_of[a["claim_id"]] != f]
        te = [a for a in arts if fold_of[a["claim_id"]] == f]
        hv = TfidfVectorizer(ngram_range=(1, 2), min_df=2).fit([a["headline"] for a in tr])
        m = LogisticRegression(max_iter=2000, C=10).fit(
            hv.transform([a["headline"] for a in tr]), [a["label"] for a in tr]
        )
        pred_e += list(m.predict(hv.transform([a["headline"] for a in te])))
        gold_e += [a["label"] for a in te]
    maj = Counter(a["label"] for a in arts).most_common(1)[0][0]
    for name, pe in (("majority", [maj] * len(gold_e)), ("tfidf_lr", pred_e)):
        f1 = f1_scores(gold_e, pe, sm.HEAD_LABELS)
        acc = sum(g == p for g, p in zip(gold_e, pe, strict=True)) / len(gold_e)
        out[f"emergent_cv_{name}"] = {"accuracy": round(acc, 4), "macro_f1": round(f1["macro"], 4)}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default="../shared", help="the shared data folder (benchdata/ inside)")
    ap.add_argument("--out", default=str(sm.MODEL_PATH), help="where to write the model")
    ap.add_argument("--cv", action="store_true", help="only report Emergent grouped CV; write nothing")
    ap.add_argument("--head-only", action="store_true", help="retrain only the headline network")
    ap.add_argument("--baselines", action="store_true", help="only report the baselines; write nothing")
    ap.add_argument(
        "--unseen-headlines", type=float, default=0.0, help="hold this share of headlines out of training too"
    )
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    arts = load_emergent(shared)
    if args.baselines:
        print(json.dumps(baselines(shared, arts)))
        return 0
    if args.cv:
        print(json.dumps({"emergent_cv": cv_head(arts)}))
        return 0
    head, head_vocab = train_head(arts)
    if args.head_only:
        old = sm.StanceModel.load(args.out)
        body, body_vocab, res = old.body, old.body_vocab, dict[str, Any]()
    else:
        body, body_vocab, res = train_body(
            shared, log=lambda m: print(m, file=sys.stderr), unseen_headlines=args.unseen_headlines
        )
    sm.StanceModel(body, body_vocab, head, head_vocab).save(args.out)
    print(json.dumps({**res, "out": args.out}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
