"""Database ingest throughput: documents/s through ``Corpus.ingest`` and peak memory.

Builds N plain-text files from ../shared/benchdata/polnear/train/text (each file: one
article plus the first paragraph of another, so every text is distinct), then ingests
them into a fresh SQLite database (or ``--db URL``) and prints the figures. A second
measurement times ``Store.add_documents`` alone on the already-read documents, to
separate reading from storing (always into a fresh SQLite file).

usage: python benchmarks/ingest_db.py [--n 10000] [--db PATH_OR_URL] [--no-language]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLNEAR = HERE.parent.parent / "shared" / "benchdata" / "polnear" / "train" / "text"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_files(root: Path, n: int) -> int:
    """Write ``n`` distinct text files; return their total size in bytes."""
    articles = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(POLNEAR.glob("*.txt"))]
    total = 0
    for i in range(n):
        base = articles[i % len(articles)]
        other = articles[(i // len(articles) + 1 + i) % len(articles)].strip().split("\n\n")[0]
        text = f"{base.rstrip()}\n\n{other}\n"
        path = root / f"{i // 1000:03d}" / f"doc{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="number of documents")
    ap.add_argument("--db", default=None, help="database path or URL (default: a temporary SQLite file)")
    ap.add_argument("--no-language", action="store_true", help="skip language detection while reading")
    args = ap.parse_args()
    if not POLNEAR.is_dir():
        sys.exit(f"skipped: {POLNEAR} not present")

    from claimtrace.api import Corpus
    from claimtrace.readers import ReadOptions, iter_documents
    from claimtrace.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        size = build_files(root, args.n)
        db = args.db or str(Path(tmp) / "bench.db")
        options = ReadOptions(detect_language=not args.no_language)
        rss0 = peak_rss_mb()
        t0, c0 = time.perf_counter(), time.process_time()
        with Corpus.open(db) as corpus:
            report = corpus.ingest([str(root)], options)
        ingest_s, ingest_cpu = time.perf_counter() - t0, time.process_time() - c0
        rss1 = peak_rss_mb()
        db_mb = os.path.getsize(db) / 1e6 if os.path.exists(db) else float("nan")

        docs = [d for d in iter_documents([str(root)], options) if not hasattr(d, "reason")]
        with open_store(str(Path(tmp) / "store-only.db")) as store:  # always a fresh SQLite file
            t1, c1 = time.perf_counter(), time.process_time()
            for i in range(0, len(docs), 500):
                store.add_documents(docs[i : i + 500])
            store_s, store_cpu = time.perf_counter() - t1, time.process_time() - c1

    print(
        f"documents: {report.added} added, {report.skipped} skipped, {report.failed} failed "
        f"({size / 1e6:.1f} MB of text)"
    )
    lang = "off" if args.no_language else "on"
    print(
        f"Corpus.ingest: {ingest_s:.1f} s wall = {report.added / ingest_s:.0f} documents/s "
        f"({ingest_cpu:.1f} s CPU = {report.added / ingest_cpu:.0f} docs/CPU-s; language detection {lang})"
    )
    print(
        f"SQLiteStore.add_documents alone: {store_s:.1f} s wall = {len(docs) / store_s:.0f} documents/s "
        f"({store_cpu:.1f} s CPU = {len(docs) / store_cpu:.0f} docs/CPU-s)"
    )
    print(f"database file: {db_mb:.1f} MB; peak RSS {rss0:.0f} MB before ingest, {rss1:.0f} MB after")


if __name__ == "__main__":
    main()
