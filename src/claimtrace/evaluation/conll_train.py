"""Train the named-entity tagger (:mod:`claimtrace.nlp.ner`) on CoNLL-2003 train.

``python -m claimtrace.evaluation.conll_train --shared ../shared`` reads
``benchdata/conll2003/eng.train``, builds every document's text as ``eval entities`` does
(:mod:`claimtrace.evaluation.conll`), takes the tokens and context inputs the entity stage
builds (:func:`claimtrace.nlp.entities.tagger_inputs`) and labels each token B-/I-/O from the
gold span its first character lies in. The model is fitted with torch (CPU, one thread, Adam,
cross-entropy plus the pseudo-likelihood of the label-pair scores; word features dropped at
random so that unseen words lean on affixes, shapes and vectors) and written to
``data/ner_tagger.npz``: hashed embeddings and network weights, no vocabulary and no text.
Deterministic for a given seed; a few minutes on one core. Needs torch at training time only.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.errors import require
from claimtrace.evaluation.conll import ConllDoc, read_conll
from claimtrace.nlp import ner, wordvec
from claimtrace.nlp.tagger_model import net_from_torch, shifted_labels

_N = len(ner.LABELS)
_WORD_TEMPLATES = (0, 1)  # the exact and lower-case word features (dropped at random)
_AFFIX_TEMPLATES = [5, 6, 8, 9, 10]  # two- and three-letter prefixes, two- to four-letter suffixes


def doc_inputs(d: ConllDoc) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Tokens, context inputs and gold BIO label ids of one document (as the entity stage sees it)."""
    from claimtrace.nlp.entities import tagger_inputs
    from claimtrace.nlp.sentences import split_sentences

    text, cstarts, cends = d.text_and_offsets()
    toks, starts, _ends, ctx, _lists = tagger_inputs(text, split_sentences(text))
    chars = np.zeros(len(text) + 1, dtype=np.int64)
    for i, j, typ in d.spans():
        t = ner.TYPES.index(typ)
        a, b = cstarts[i], cends[j - 1]
        chars[a:b] = 2 + 2 * t  # I-
        chars[a] = 1 + 2 * t  # B-
    return toks, ctx, chars[np.asarray(starts, dtype=np.int64)]


def _type_table(words: list[str], lists: tuple[frozenset[str], ...]) -> tuple[np.ndarray, ...]:
    feats = np.zeros((len(words), ner.N_TEMPLATES), dtype=np.int64)
    flags = np.zeros((len(words), ner.N_FLAGS), dtype=np.float32)
    vecs = np.zeros((len(words), wordvec.DIMS), dtype=np.float32)
    table = wordvec.word_classes()
    for k, w in enumerate(words):
        f, fl = ner.type_features(w, lists)
        feats[k], flags[k] = f, fl
        if table is not None:
            vecs[k] = table.vector(ner._bare(w)[0])
    return feats, flags, vecs


def train(
    docs: list[ConllDoc],
    *,
    width: int = 32,
    hidden: int = 32,
    dilations: tuple[int, ...] = (1, 2, 4, 8),
    epochs: int = 12,
    lr: float = 3e-3,
    decay: float = 0.85,
    batch: int = 8,
    word_drop: float = 0.5,
    seed: int = 0,
    log: Any = None,
) -> ner.NerModel:
    """Fit the tagger on ``docs``."""
    from claimtrace.nlp.entities import _lists
    from claimtrace.nlp.gazetteer import default_gazetteer

    torch: Any = require("torch", "embed", "training the entity tagger")
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    nn = torch.nn
    lists = _lists(default_gazetteer())
    data = [doc_inputs(d) for d in docs]
    vocab: dict[str, int] = {}
    ids = [np.array([vocab.setdefault(w, len(vocab)) for w in toks], dtype=np.int64) for toks, _c, _y in data]
    feats, flags, vecs = (torch.from_numpy(a) for a in _type_table(list(vocab), lists))
    module: Any = nn.Module

    class _Model(module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.EmbeddingBag(ner.BUCKETS, width, mode="sum", sparse=True)
            nn.init.zeros_(self.emb.weight)
            self.flags = nn.Linear(ner.N_FLAGS, width, bias=False)
            self.vec = nn.Linear(wordvec.DIMS, width, bias=False)
            self.inp = nn.Linear(width + ner.CTX_DIM, hidden)
            self.convs = nn.ModuleList(nn.Conv1d(hidden, hidden, 3, padding=d, dilation=d) for d in dilations)
            self.out = nn.Linear(hidden, _N)
            self.drop = nn.Dropout(0.1)
            self.trans = nn.Parameter(torch.zeros(_N, _N))

        def types(self, weights: Any) -> Any:
            return self.emb(feats, per_sample_weights=weights) + self.flags(flags) + self.vec(vecs)

        def forward(self, tv: Any, x: Any, mask: Any) -> Any:
            h = torch.relu(self.inp(torch.cat([tv, x], dim=2))) * mask
            h = h.transpose(1, 2)
            m = mask.transpose(1, 2)
            for conv in self.convs:
                h = h + torch.relu(conv(self.drop(h))) * m
            return self.out(h.transpose(1, 2))

    net = _Model()
    dense = [p for name, p in net.named_parameters() if not name.startswith("emb.")]
    opts = [torch.optim.Adam(dense, lr=lr), torch.optim.SparseAdam(list(net.emb.parameters()), lr=lr)]
    rng = np.random.default_rng(seed)
    order = np.arange(len(data))
    keep_cols = np.ones(ner.N_TEMPLATES, dtype=bool)
    keep_cols[list(_WORD_TEMPLATES)] = False
    for epoch in range(epochs):
        t0 = time.perf_counter()
        rng.shuffle(order)
        net.train()
        total = 0.0
        for g in range(0, len(order), batch):
            idx = order[g : g + batch]
            wmask = np.ones((len(vocab), ner.N_TEMPLATES), dtype=np.float32)
            dropped = rng.random(len(vocab)) < word_drop
            wmask[dropped] = keep_cols
            # a dropped word also loses each prefix / suffix feature with even odds (as unseen names)
            affix = rng.random((len(vocab), len(_AFFIX_TEMPLATES))) < 0.5
            wmask[:, _AFFIX_TEMPLATES] *= ~(affix & dropped[:, None])
            tv = net.types(torch.from_numpy(wmask))
            width_ = max(len(data[i][2]) for i in idx)
            rows = np.zeros((len(idx), width_), dtype=np.int64)
            x = np.zeros((len(idx), width_, ner.CTX_DIM), dtype=np.float32)
            y = np.full((len(idx), width_), -100, dtype=np.int64)
            for k, i in enumerate(idx):
                n = len(data[i][2])
                rows[k, :n], x[k, :n], y[k, :n] = ids[i], data[i][1], data[i][2]
            mask = torch.from_numpy((y >= 0).astype(np.float32)[:, :, None])
            out = net(tv[torch.from_numpy(rows)], torch.from_numpy(x), mask)
            yt = torch.from_numpy(y).reshape(-1)
            loss = nn.functional.cross_entropy(out.reshape(-1, _N), yt)
            none = torch.zeros(1, _N)
            left, right = torch.cat([net.trans, none]), torch.cat([net.trans.T, none])
            pl = out + left[torch.from_numpy(_shifted(y, 1))] + right[torch.from_numpy(_shifted(y, -1))]
            loss = loss + nn.functional.cross_entropy(pl.reshape(-1, _N), yt)
            for opt in opts:
                opt.zero_grad()
            loss.backward()
            for opt in opts:
                opt.step()
            total += float(loss.detach())
        for opt in opts:
            for group in opt.param_groups:
                group["lr"] *= decay
        if log is not None:
            mean = total / max(1, len(order) // batch)
            log(f"epoch {epoch + 1}: loss {mean:.4f} ({time.perf_counter() - t0:.0f}s)")
    net.eval()

    def a(t: Any) -> np.ndarray:
        return np.asarray(t.detach().numpy(), dtype=np.float32)

    head = net_from_torch(net, dilations, hidden, temp=0.0, trans=net.trans)
    return ner.NerModel(a(net.emb.weight), a(net.flags.weight).T, a(net.vec.weight).T, head)


def _shifted(y: np.ndarray, by: int) -> np.ndarray:
    return shifted_labels(y, by, _N)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default="../shared", help="the shared data folder (benchdata/conll2003)")
    ap.add_argument("--out", default=str(ner.model_file()), help="where to write the weights")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="train on the first N documents only")
    args = ap.parse_args(argv)
    path = Path(args.shared) / "benchdata" / "conll2003" / "eng.train"
    docs = read_conll(path)[: args.limit]
    t0 = time.perf_counter()
    model = train(docs, epochs=args.epochs, seed=args.seed, log=lambda s: print(s, flush=True))
    model.save(args.out)
    print(
        json.dumps({"documents": len(docs), "seconds": round(time.perf_counter() - t0, 1), "out": args.out})
    )


if __name__ == "__main__":
    main()
