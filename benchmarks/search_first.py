"""First search and first match after ``analyze``, in a fresh process, on N synthetic documents.

1. Builds a SQLite store of N fictional documents with two claims each (store API).
2. Runs what ``claimtrace analyze`` ends with: :func:`claimtrace.search.refresh.refresh_indexes`
   (embeds every claim and document lead; timed). ``--hash-encoder`` embeds with a hashed
   bag of words instead of MiniLM, to build quickly: the first-search timing below does not
   depend on the vectors' values, and the query is always encoded with the real MiniLM.
3. In a new Python process (cold: nothing loaded), times the first ``search`` and the first
   ``match`` with ``sync=False``, then a second search; in another, starts the server app
   (which loads the encoder and the indexes in a background thread), waits for that warm-up
   and times the first ``GET /api/search`` and ``POST /api/match``. Then checks that the
   database folder's file listing did not change.

    .venv/bin/python benchmarks/search_first.py --n 10000 [--hash-encoder] [--workdir DIR]

With ``--workdir`` holding a store and indexes from an earlier run, only the timings are redone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from claimtrace.model import Claim, DocAnalysis, Document
from claimtrace.store import open_store

_WHO = ["Ama Kelby", "Dario Vantongeren", "Orla Penrose", "Lisbet Quenby", "Maren Ostby", "Casper Hallam"]
_WHAT = [
    "ferry",
    "strike",
    "frost",
    "harvest",
    "bridge",
    "tunnel",
    "clinic",
    "budget",
    "drone",
    "border",
    "flood",
    "reservoir",
]
_PLACES = ["Kelmsby", "Brookvale", "Marrowfield", "Pellam", "Dunmore", "Ashgrove"]

_CHILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
from claimtrace.search.search import search
from claimtrace.search.match import match
from claimtrace.store import open_store
db = sys.argv[1]
out = {"import_s": time.perf_counter() - t0}
with open_store(db, create=False) as store:
    t = time.perf_counter()
    hits = search(store, db, "ferry strike in Kelmsby", limit=20, sync=False)
    out["first_search_s"] = time.perf_counter() - t
    out["hits"] = len(hits)
    t = time.perf_counter()
    hits = search(store, db, "frost harvest Pellam", limit=20, sync=False)
    out["second_search_s"] = time.perf_counter() - t
    t = time.perf_counter()
    found = match(store, db, "Orla Penrose said the bridge in Brookvale will close", k=5, sync=False)
    out["first_match_s"] = time.perf_counter() - t
    out["matches"] = len(found)
print(json.dumps(out))
"""

_SERVER = r"""
import json, sys, threading, time
from fastapi.testclient import TestClient
from claimtrace.server.app import create_app
db = sys.argv[1]
t0 = time.perf_counter()
with TestClient(create_app(db, cache_s=0)) as client:
    out = {"startup_s": time.perf_counter() - t0}
    for th in threading.enumerate():
        if th.name == "claimtrace-warm-search":
            th.join()
    out["warm_up_s"] = time.perf_counter() - t0
    t = time.perf_counter()
    r = client.get("/api/search", params={"q": "ferry strike in Kelmsby", "limit": 20})
    out["first_search_s"] = time.perf_counter() - t
    out["mode"] = r.json()["mode"]
    t = time.perf_counter()
    r = client.post("/api/match", json={"text": "Orla Penrose said the bridge will close", "k": 5})
    out["first_match_s"] = time.perf_counter() - t
    out["match_status"] = r.status_code
print(json.dumps(out))
"""


def hash_encode(texts: Sequence[str]) -> np.ndarray:
    """A hashed bag of words in 384 dimensions, L2-normalised (a stand-in for MiniLM)."""
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in text.lower().split():
            out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 384] += 1.0
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out


def build_store(db: Path, n: int) -> None:
    rng = random.Random(3)
    with open_store(str(db)) as store:
        for lo in range(0, n, 2000):
            docs, analyses = [], []
            for d in range(lo, min(lo + 2000, n)):
                parts, claims, pos = [], [], 0
                for k in range(6):
                    sentence = (
                        f"The {rng.choice(_WHAT)} in {rng.choice(_PLACES)} cost "
                        f"{rng.randint(2, 900)} thousand in {rng.randint(2001, 2024)}"
                    )
                    if k in (1, 4):
                        who = rng.choice(_WHO)
                        start = pos
                        sentence = f"{who} said {sentence.lower()}"
                        cs = start + len(who) + 6
                        claims.append(
                            Claim(
                                start=start,
                                end=start + len(sentence),
                                content_start=cs,
                                content_end=start + len(sentence),
                                kind="indirect",
                                speaker_text=who,
                                speaker_start=start,
                                speaker_end=start + len(who),
                            )
                        )
                    parts.append(sentence + ". ")
                    pos += len(sentence) + 2
                doc = Document(
                    text="".join(parts),
                    source=f"bench-{d}",
                    title=f"{rng.choice(_PLACES)} {rng.choice(_WHAT)} report {d}",
                    outlet=f"outlet{d % 50}.example",
                    published=f"2024-{d % 12 + 1:02d}-{d % 28 + 1:02d}",
                )
                for c in claims:
                    c.id = f"{doc.id}:{c.start}-{c.end}"
                docs.append(doc)
                analyses.append(DocAnalysis(doc_id=doc.id, claims=claims))
            store.add_documents(docs)
            store.save_analyses(analyses)


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) if p.is_file() else (-1, -1)
        for p in sorted(folder.rglob("*"))
        if not p.name.endswith("-shm")
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--hash-encoder", action="store_true", help="build the indexes with hashed vectors")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="ct-search-first-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.db"
    if args.workdir and Path(str(db) + ".claimtrace-index").is_dir():
        print(f"reusing {db} and its indexes (built by an earlier run)", flush=True)
        time_first(work, db)
        return
    t0 = time.perf_counter()
    build_store(db, args.n)
    print(
        f"store: {args.n:,} documents, {2 * args.n:,} claims in {time.perf_counter() - t0:.1f} s", flush=True
    )
    t0 = time.perf_counter()
    from claimtrace.search.sync import sync_index

    with open_store(str(db)) as store:
        if args.hash_encoder:
            stats = sync_index(store, str(db), encode=hash_encode)
        else:
            from claimtrace.search.refresh import refresh_indexes

            stats = refresh_indexes(store)
    encoder = "hashed vectors" if args.hash_encoder else "MiniLM"
    print(f"indexes built as analyze does ({encoder}): {time.perf_counter() - t0:.1f} s  {stats}", flush=True)
    time_first(work, db)


def time_first(work: Path, db: Path) -> None:
    """The first search and match in a cold library process and in a fresh server process."""
    before = listing(work)
    for name, code in (("library, cold process", _CHILD), ("server, fresh process", _SERVER)):
        t0 = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        result["process_s"] = time.perf_counter() - t0
        shown = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items())
        print(f"{name}: {shown}", flush=True)
    print(f"database folder unchanged by search and match: {listing(work) == before}")


if __name__ == "__main__":
    main()
