"""Benchmark: latency of claim matching's vector path over N stored claim vectors.

usage: python benchmarks/match.py [--n 1000000] [--queries 1000] [--m 16] [--efc 100] [--ef 64]
                                  [--workdir DIR] [--faiss]

1. Builds a SQLite store of N fictional claims (N/10 documents of 10 claims, via the store API).
2. Builds the ``claims`` :class:`~claimtrace.search.vectors.VectorIndex` beside it from synthetic
   unit vectors (low-rank structure plus noise, so that nearest neighbours exist as with real
   sentence embeddings; pure random 384-d vectors have none), timing the build and peak memory.
3. Recall@5 of the HNSW search against brute force on a sample of queries (half perturbed stored
   vectors, half fresh ones), for several ``ef``; with ``--faiss`` the same for faiss HNSWFlat.
4. Reopens the index from disk and times ``--queries`` matches through
   :class:`~claimtrace.search.match.Matcher`: encode the query text with the real encoder,
   ANN k=5, fetch the hits' claim metadata from SQLite (reported separately), then whole
   ``Matcher.match`` calls (evidence and fact-check lookups included).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from claimtrace.embeddings import EMBED_DIM, encode
from claimtrace.model import Claim, DocAnalysis, Document
from claimtrace.search.match import Matcher
from claimtrace.search.search import claim_records
from claimtrace.search.vectors import VectorIndex, index_root
from claimtrace.store import open_store

CLAIMS_PER_DOC = 10
CHUNK = 50_000
RANK = 48
_FIRST = ["Ada", "Bram", "Cleo", "Dario", "Elin", "Femi", "Goran", "Hana", "Ivo", "Juno"]
_LAST = ["Marrow", "Quill", "Tessaly", "Vantor", "Oakridge", "Pelling", "Rusk", "Sorrel"]
_PLACES = ["Norland", "Velmora", "Ostrava Bay", "Kessel", "Lindqvist Province", "Port Amel"]
_THINGS = [
    "grain exports",
    "bridge repairs",
    "teacher salaries",
    "fuel imports",
    "water tariffs",
    "rail freight",
    "clinic budgets",
    "harbour fees",
    "solar permits",
    "bus fares",
]
_VERBS = ["rose", "fell", "doubled", "stalled", "were cut", "were frozen", "climbed"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(_THINGS).capitalize()} in {rng.choice(_PLACES)} {rng.choice(_VERBS)} by "
        f"{rng.randint(2, 90)} percent in {rng.randint(2001, 2024)}"
    )


def build_store(db: Path, n: int) -> float:
    """A store with ``n`` claims; return seconds taken."""
    rng = random.Random(7)
    t0 = time.perf_counter()
    with open_store(str(db)) as store:
        for lo in range(0, n // CLAIMS_PER_DOC, 2000):
            docs, analyses = [], []
            for d in range(lo, min(lo + 2000, n // CLAIMS_PER_DOC)):
                parts, claims, pos = [], [], 0
                for _ in range(CLAIMS_PER_DOC):
                    who = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
                    content = _sentence(rng)
                    sent = f"{who} said {content}. "
                    cs = pos + len(who) + 6
                    claims.append((pos, pos + len(sent) - 1, cs, cs + len(content), who))
                    parts.append(sent)
                    pos += len(sent)
                doc = Document(
                    text="".join(parts),
                    source=f"bench-{d}",
                    title=f"Report {d}",
                    outlet=f"outlet{d % 50}.example",
                    published=f"2024-{d % 12 + 1:02d}-01",
                )
                docs.append(doc)
                analyses.append(
                    DocAnalysis(
                        doc_id=doc.id,
                        claims=[
                            Claim(
                                start=s,
                                end=e,
                                content_start=cs,
                                content_end=ce,
                                kind="direct",
                                speaker_text=who,
                                speaker_start=s,
                                speaker_end=s + len(who),
                                id=f"{doc.id}:{s}-{e}",
                            )
                            for s, e, cs, ce, who in claims
                        ],
                    )
                )
            store.add_documents(docs)
            store.save_analyses(analyses)
    return time.perf_counter() - t0


def _structured(rng: np.random.Generator, m: int) -> np.ndarray:
    """``m`` unit vectors: a random point of a fixed 48-d subspace plus isotropic noise."""
    basis = np.random.default_rng(42).standard_normal((RANK, EMBED_DIM)).astype(np.float32)
    x = rng.standard_normal((m, RANK)).astype(np.float32) @ basis
    x += 2.5 * rng.standard_normal((m, EMBED_DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def vector_chunks(n: int) -> Iterator[np.ndarray]:
    """Deterministic synthetic unit vectors in chunks (same output every call)."""
    for lo in range(0, n, CHUNK):
        yield _structured(np.random.default_rng(1000 + lo // CHUNK), min(CHUNK, n - lo))


def claim_ids(db: Path) -> list[str]:
    """Claim ids in the store, in a fixed order."""
    with open_store(str(db)) as store:
        return [c.id for an in store.load_analyses() for c in an.claims]


def recall_sample(n: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``size`` query vectors (half near stored ones, half fresh) and their exact top-5 rows."""
    rng = np.random.default_rng(3)
    picks = set(rng.choice(n, size // 2, replace=False).tolist())
    near: list[np.ndarray] = []
    for lo, chunk in zip(range(0, n, CHUNK), vector_chunks(n), strict=False):
        near += [chunk[i - lo] for i in sorted(picks) if lo <= i < lo + len(chunk)]
    fresh = _structured(np.random.default_rng(99), size - len(near))  # not in the index
    q = np.vstack([np.asarray(near) + 0.02 * rng.standard_normal((len(near), EMBED_DIM)), fresh])
    q = (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)
    best_s = np.full((len(q), 5), -2.0, dtype=np.float32)
    best_i = np.zeros((len(q), 5), dtype=np.int64)
    for lo, chunk in zip(range(0, n, CHUNK), vector_chunks(n), strict=False):
        s = q @ chunk.T
        top = np.argpartition(-s, 5, axis=1)[:, :5]
        cand_s = np.hstack([best_s, np.take_along_axis(s, top, axis=1)])
        cand_i = np.hstack([best_i, top + lo])
        order = np.argsort(-cand_s, axis=1)[:, :5]
        best_s, best_i = np.take_along_axis(cand_s, order, 1), np.take_along_axis(cand_i, order, 1)
    return q, best_i


def _pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values) * 1e3, p))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--recall", type=int, default=200, help="queries in the recall sample")
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--efc", type=int, default=100)
    ap.add_argument("--ef", type=int, default=64)
    ap.add_argument("--efs", default="32,64,128", help="ef values for the recall table")
    ap.add_argument("--threads", type=int, default=2, help="threads for the index build")
    ap.add_argument("--workdir", default=None, help="keep the store and index here (default: a temp dir)")
    ap.add_argument("--faiss", action="store_true", help="also measure faiss HNSWFlat (small N only)")
    args = ap.parse_args(argv)
    print(f"command: {' '.join([sys.executable, *sys.argv])}", flush=True)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="ct-match-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.db"
    n = args.n - args.n % CLAIMS_PER_DOC
    if not db.exists():
        print(f"store: {n} claims in {n // CLAIMS_PER_DOC} documents: {build_store(db, n):.1f} s", flush=True)
    ids = claim_ids(db)
    root = index_root(str(db))
    assert root is not None
    path = root / "claims"
    if not (path / "manifest.json").exists():
        ix = VectorIndex.open(path, EMBED_DIM, m=args.m, ef_construction=args.efc, ef=args.ef)
        ix._ensure(n).set_num_threads(args.threads)  # allocate once for all n
        t0 = time.perf_counter()
        rss0 = _peak_mb()
        for lo, chunk in zip(range(0, n, CHUNK), vector_chunks(n), strict=False):
            ix.add(ids[lo : lo + len(chunk)], chunk)
            print(f"  added {lo + len(chunk)} in {time.perf_counter() - t0:.0f} s", flush=True)
        build = time.perf_counter() - t0
        t1 = time.perf_counter()
        ix.save()
        size = sum(f.stat().st_size for f in path.iterdir()) / 2**20
        print(
            f"index build: {build:.1f} s ({n / build:.0f} vectors/s, M={args.m}, "
            f"ef_construction={args.efc}, {args.threads} threads); save {time.perf_counter() - t1:.1f} s; "
            f"{size:.0f} MiB on disk; peak RSS {_peak_mb():.0f} MB (before build {rss0:.0f} MB)",
            flush=True,
        )
        del ix
    t0 = time.perf_counter()
    ix = VectorIndex.open(path, EMBED_DIM, ef=args.ef)
    print(f"index open from disk: {time.perf_counter() - t0:.1f} s, {len(ix)} vectors", flush=True)
    q, truth = recall_sample(n, args.recall)
    ix._index.set_num_threads(1)
    efs = sorted({int(e) for e in args.efs.split(",")} | {args.ef})
    half = len(q) // 2  # rows [0, half): near a stored vector; the rest: fresh
    for ef in efs:
        ix.ef = ef
        got = ix.query(q, 5)
        per = [len({ids[j] for j in truth[r]} & {i for i, _ in got[r]}) / 5 for r in range(len(q))]
        top1 = np.mean([bool(got[r]) and got[r][0][0] == ids[truth[r][0]] for r in range(half)])
        lat = []
        for row in q:
            t = time.perf_counter()
            ix.query(row, 5)
            lat.append(time.perf_counter() - t)
        print(
            f"hnswlib ef={ef}: recall@5 {np.mean(per):.3f} (near a stored claim {np.mean(per[:half]):.3f}, "
            f"fresh {np.mean(per[half:]):.3f}); near: top-1 found {top1:.3f}; "
            f"ANN p50 {_pct(lat, 50):.2f} ms p95 {_pct(lat, 95):.2f} ms",
            flush=True,
        )
    if args.faiss:
        import faiss

        f = faiss.IndexHNSWFlat(EMBED_DIM, args.m, faiss.METRIC_INNER_PRODUCT)
        f.hnsw.efConstruction = args.efc
        faiss.omp_set_num_threads(args.threads)
        t0 = time.perf_counter()
        for chunk in vector_chunks(n):
            f.add(chunk)
        print(f"faiss build: {time.perf_counter() - t0:.1f} s", flush=True)
        faiss.omp_set_num_threads(1)
        for ef in efs:
            f.hnsw.efSearch = ef
            _, got_i = f.search(q, 5)
            rec = np.mean([len(set(truth[r]) & set(got_i[r])) / 5 for r in range(len(q))])
            lat = []
            for row in q:
                t = time.perf_counter()
                f.search(row[None, :], 5)
                lat.append(time.perf_counter() - t)
            print(
                f"faiss ef={ef}: recall@5 {rec:.3f}; ANN p50 {_pct(lat, 50):.2f} ms "
                f"p95 {_pct(lat, 95):.2f} ms",
                flush=True,
            )
        del f
    ix.ef = args.ef
    if args.queries <= 0:
        return 0
    rng = random.Random(11)
    texts = [
        f"{rng.choice(_FIRST)} {rng.choice(_LAST)} claimed that {_sentence(rng).lower()}"
        for _ in range(args.queries)
    ]
    with open_store(str(db)) as store:
        matcher = Matcher(store, str(db), sync=False)
        matcher.indexes["claims"] = ix
        encode(["warm up the encoder"])
        matcher.match(texts[0])
        enc, ann, meta, total = [], [], [], []
        for text in texts:
            t0 = time.perf_counter()
            vec = encode([text])
            t1 = time.perf_counter()
            hits = ix.query(vec, 5)[0]
            t2 = time.perf_counter()
            claim_records(store, [i for i, _ in hits])
            t3 = time.perf_counter()
            enc.append(t1 - t0)
            ann.append(t2 - t1)
            meta.append(t3 - t2)
            total.append(t3 - t0)
        full = []
        for text in texts:
            t0 = time.perf_counter()
            matcher.match(text, k=5)
            full.append(time.perf_counter() - t0)
    print(f"{len(texts)} queries, k=5, ef={args.ef}, N={len(ix)}:")
    for name, vals in (
        ("encode", enc),
        ("ANN", ann),
        ("SQLite metadata", meta),
        ("encode+ANN+metadata", total),
        ("Matcher.match (all)", full),
    ):
        print(f"  {name:22s} p50 {_pct(vals, 50):7.2f} ms   p95 {_pct(vals, 95):7.2f} ms")
    print(f"peak RSS {_peak_mb():.0f} MB")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
