"""Benchmark: articles/s of ``analyze_document`` over PolNeAR texts, 1 and 2 workers, peak memory.

usage: python benchmarks/analyze.py [--n 500] [--polnear ../shared/benchdata/polnear]
Reads the train and dev texts (first N articles, sorted), runs the per-document pipeline once
with one worker and once with two, and prints articles/s, characters/s and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from claimtrace.model import Document
from claimtrace.nlp.pipeline import STAGE_VERSIONS, analyze_document, analyze_documents

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchdata" / "polnear"


def load(root: Path, n: int) -> list[Document]:
    """The first ``n`` PolNeAR train+dev texts as documents."""
    paths = sorted((root / "train" / "text").glob("*.txt")) + sorted((root / "dev" / "text").glob("*.txt"))
    return [Document(text=p.read_text(encoding="utf-8"), source=p.name) for p in paths[:n]]


def _peak_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--polnear", default=str(DEFAULT))
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
    print(f"{len(docs)} articles, {chars / len(docs):.0f} chars/article")
    for workers in (1, 2):
        t0 = time.perf_counter()
        n_claims = sum(len(da.claims) for da in analyze_documents(docs, workers=workers))
        dt = time.perf_counter() - t0
        print(
            f"workers={workers}: {len(docs) / dt:8.1f} articles/s  {chars / dt / 1e6:6.2f} M chars/s  "
            f"{n_claims} claims  {dt:6.2f} s  peak RSS {_peak_mb():.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
