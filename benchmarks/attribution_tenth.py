"""Compare attribution-tagger training variants on a held-out tenth of PolNeAR train.

usage: OMP_NUM_THREADS=1 python benchmarks/attribution_tenth.py [--train DIR] \\
           --variant base='{}' --variant short2='{"short": 2}'

The procedure docs/quality.md uses to choose: every tenth article of train (sorted, first
annotator) is held out, the cue lexicon is learnt on the other nine tenths, the tagger is
trained on them once per variant (``NAME=JSON``: keyword arguments of
:func:`claimtrace.evaluation.polnear_train.train_tagger`), and each model is scored on the tenth
with ``claimtrace eval attribution``'s metric (overlap F1, cue head F1). Nothing in the
repository is written (split links, lexicon and weights go to a temporary directory). Skips with
a message when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchdata" / "polnear" / "train"


def split(train: Path, root: Path) -> tuple[Path, Path]:
    """Symlinked ``nine`` and ``tenth`` split directories under ``root``."""
    from claimtrace.evaluation.polnear import _annotations

    nine, tenth = root / "nine", root / "tenth"
    for d in (nine, tenth):
        (d / "text").mkdir(parents=True)
        (d / "attributions").mkdir()
    for k, (art, anns) in enumerate(_annotations(train).items()):
        d = tenth if k % 10 == 0 else nine
        (d / "text" / f"{art}.txt").symlink_to((train / "text" / f"{art}.txt").resolve())
        for ann in anns:
            (d / "attributions" / ann.name).symlink_to(ann.resolve())
    return nine, tenth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", default=str(DEFAULT))
    ap.add_argument("--variant", action="append", default=[], help="NAME=JSON keyword arguments")
    args = ap.parse_args(argv)
    train = Path(args.train)
    if not (train / "attributions").is_dir():
        print(f"skipped: {train} absent")
        return 0
    from claimtrace.evaluation import polnear
    from claimtrace.evaluation.polnear_train import train_tagger
    from claimtrace.nlp import cues, tagger, tagger_model

    variants = [(v.split("=", 1)[0], json.loads(v.split("=", 1)[1])) for v in args.variant or ["base={}"]]
    with tempfile.TemporaryDirectory(prefix="claimtrace-tenth-") as tmp:
        nine, tenth = split(train, Path(tmp))
        lexicon = Path(tmp) / "cue_lexicon.json"
        lexicon.write_text(json.dumps(polnear.learn_cue_lexicon(nine)), encoding="utf-8")
        cues.lexicon_file = lambda: lexicon  # type: ignore[assignment]
        cues.learned_forms.cache_clear()
        tagger._VOCAB = tagger._Vocab()  # word attributes carry the lexicon's cue classes
        for name, kwargs in variants:
            out = Path(tmp) / f"{name}.npz"
            t0 = time.process_time()
            train_tagger(nine, out=out, **kwargs)
            cpu = time.process_time() - t0
            tagger_model.model_file = lambda out=out: out  # type: ignore[misc]
            tagger_model.load_model.cache_clear()
            res = polnear.evaluate_polnear(tenth)
            f1 = " / ".join(f"{res['overlap'][k]['f1']:.3f}" for k in ("source", "cue", "content"))
            print(
                f"{name} {kwargs}: source / cue / content {f1}, cue head {res['cue_head']['f1']:.3f} "
                f"({res['articles']} held-out articles; training {cpu:.0f} CPU-s)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
