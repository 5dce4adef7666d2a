"""Benchmark: the claims index built from scratch, with and without the narrative stage's vectors.

usage: python benchmarks/index_reuse.py --db DB

``DB`` is an analysed SQLite database with its claim-vector cache (``DB.claimvecs.npz``, written
by the narrative stage of ``analyze``). Each mode copies the database into a temporary folder
(with the cache, or without it) and, in a fresh process with the MiniLM encoder warmed up,
times :func:`claimtrace.search.sync.sync_index` of the ``claims`` namespace (what ``analyze``
ends with), then prints wall and CPU seconds per mode and the CPU ratio.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import json, os, sys, time
from claimtrace.embeddings import encode
from claimtrace.search.sync import sync_index
from claimtrace.store import open_store
db = sys.argv[1]
encode(["warm up"])
with open_store(db) as store:
    t, c = time.perf_counter(), time.process_time()
    stats = sync_index(store, db, namespaces=("claims",))
    out = {"wall_s": round(time.perf_counter() - t, 1), "cpu_s": round(time.process_time() - c, 1)}
print(json.dumps({**out, "claims": stats["claims"]["added"], "load_average": round(os.getloadavg()[0], 1)}))
"""


def measure(db: Path, *, with_cache: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="index-reuse-") as tmp:
        copy = Path(tmp) / db.name
        with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        if with_cache:
            shutil.copy2(str(db) + ".claimvecs.npz", str(copy) + ".claimvecs.npz")
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(copy)], check=True, capture_output=True, text=True
        )
        return {"with_claim_cache": with_cache, **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, type=Path)
    args = ap.parse_args()
    if not Path(str(args.db) + ".claimvecs.npz").is_file():
        raise SystemExit(f"{args.db}: no claim-vector cache beside it (run 'claimtrace analyze' first)")
    reuse = measure(args.db, with_cache=True)
    print(json.dumps(reuse), flush=True)
    fresh = measure(args.db, with_cache=False)
    print(json.dumps(fresh), flush=True)
    ratio = float(fresh["cpu_s"]) / max(float(reuse["cpu_s"]), 0.1)  # type: ignore[arg-type]
    print(json.dumps({"cpu without / with the cache": round(ratio, 1)}))


if __name__ == "__main__":
    main()
