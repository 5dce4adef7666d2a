"""Benchmark: articles/s of ``analyze_document`` over PolNeAR texts (1 worker cold and warm, 2), peak memory.

usage: python benchmarks/analyze.py [--n 500] [--polnear ../shared/benchdata/polnear] [--stages N]
Reads the train and dev texts (first N articles, sorted), runs the per-document pipeline once
with one worker and once with two, and prints articles/s, characters/s and peak RSS.
``--stages N`` first prints the CPU time (``time.process_time``, so other jobs on the machine
distort it less than wall time) per article of every per-document stage, the best of N passes
over the first 150 articles.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from claimtrace.model import Document
from claimtrace.nlp.attribution import find_claims
from claimtrace.nlp.entities import find_mentions
from claimtrace.nlp.pipeline import STAGE_VERSIONS, analyze_document, analyze_documents
from claimtrace.nlp.quantities import find_quantities
from claimtrace.nlp.sentences import split_sentences
from claimtrace.nlp.tagger import tag

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchdata" / "polnear"


def load(root: Path, n: int) -> list[Document]:
    """The first ``n`` PolNeAR train+dev texts as documents."""
    paths = sorted((root / "train" / "text").glob("*.txt")) + sorted((root / "dev" / "text").glob("*.txt"))
    return [Document(text=p.read_text(encoding="utf-8"), source=p.name) for p in paths[:n]]


def _peak_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024


def stage_times(docs: list[Document], *, passes: int = 5) -> dict[str, float]:
    """CPU ms per article of each stage (best of ``passes``); later stages get earlier outputs."""
    texts = [d.text for d in docs]
    sents = [split_sentences(t) for t in texts]
    ments = [find_mentions(t, s)[0] for t, s in zip(texts, sents, strict=True)]
    rows = list(zip(texts, sents, ments, strict=True))
    jobs: dict[str, Callable[[], object]] = {
        "sentences": lambda: [split_sentences(t) for t in texts],
        "entities": lambda: [find_mentions(t, s) for t, s, _m in rows],
        "quantities": lambda: [find_quantities(t, s) for t, s, _m in rows],
        "claims": lambda: [find_claims(t, s, m) for t, s, m in rows],
        "claims: tagger only": lambda: [tag(t, s) for t, s, _m in rows],
        "analyze_document": lambda: [analyze_document(d) for d in docs],
    }
    out = {}
    for name, job in jobs.items():
        best = float("inf")
        for _ in range(passes):
            t0 = time.process_time()
            job()
            best = min(best, time.process_time() - t0)
        out[name] = best / len(docs) * 1000
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--polnear", default=str(DEFAULT))
    ap.add_argument("--stages", type=int, default=0, help="passes for the per-stage CPU times (0: skip)")
    args = ap.parse_args(argv)
    root = Path(args.polnear)
    if not (root / "train" / "text").exists():
        print(f"PolNeAR not found under {root}; nothing to measure")
        return 0
    docs = load(root, args.n)
    chars = sum(len(d.text) for d in docs)
    analyze_document(docs[0])  # warm caches (lexicons, gazetteer)
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"stages: {STAGE_VERSIONS}")
    if args.stages:
        times = stage_times(docs[:150], passes=args.stages)
        print(f"CPU ms/article (best of {args.stages} passes, 150 articles): ", end="")
        print(", ".join(f"{k} {v:.2f}" for k, v in times.items()))
    print(f"{len(docs)} articles, {chars / len(docs):.0f} chars/article")
    # workers=1 twice: the first pass meets every word type for the first time (the taggers'
    # per-type caches fill), the second shows a long run's rate once the vocabulary is known
    for workers, name in ((1, "workers=1"), (1, "workers=1, again"), (2, "workers=2")):
        t0 = time.perf_counter()
        n_claims = sum(len(da.claims) for da in analyze_documents(docs, workers=workers))
        dt = time.perf_counter() - t0
        print(
            f"{name}: {len(docs) / dt:8.1f} articles/s  {chars / dt / 1e6:6.2f} M chars/s  "
            f"{n_claims} claims  {dt:6.2f} s  peak RSS {_peak_mb():.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
