"""Benchmark: CPU time per API request, one client in-process, against another checkout's server.

usage: python benchmarks/serve_cpu.py --db DB [--requests 50] [--baseline-src DIR]

Opens the app over ``DB`` with FastAPI's ``TestClient`` (no network, one request at a time),
builds the snapshot, warms every endpoint (the ten narratives the detail requests cycle over
included), then sends ``--requests`` requests per endpoint and
prints the process CPU time and wall time per request. CPU time is what 16 clients on a
loaded two-core machine queue for (``benchmarks/serve_load.py``), and it varies much less with
the machine's load than latency does. ``--baseline-src DIR`` runs the same in a child process
with claimtrace imported from another checkout's ``src`` and prints the CPU ratios.
The client's own work (``TestClient``) is included in both.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

QUERIES = ["election fraud", "tax cuts for the rich", "the president said", "immigration wall", "health care"]


def measure(db: str, n: int) -> dict[str, Any]:
    """CPU and wall milliseconds per request, per endpoint."""
    from fastapi.testclient import TestClient

    from claimtrace.server.app import create_app

    app = create_app(db, cache_s=3600)  # no snapshot rebuild during the timing (its cost: see docs)
    out: dict[str, Any] = {}
    with TestClient(app) as c:
        ids = [x["id"] for x in c.get("/api/narratives", params={"limit": 10}).json()["items"]] or ["none"]
        app.state.catalog.snapshot()
        for thread in threading.enumerate():  # process CPU time counts them: let them finish
            if thread.name in ("claimtrace-warm-search", "claimtrace-snapshot"):
                thread.join()
        requests = {
            "stats": lambda i: c.get("/api/stats"),
            "narratives": lambda i: c.get("/api/narratives", params={"offset": (i % 5) * 10, "limit": 10}),
            "narrative": lambda i: c.get(f"/api/narratives/{ids[i % len(ids)]}"),
            "search": lambda i: c.get("/api/search", params={"q": QUERIES[i % 5], "limit": 10}),
            "match": lambda i: c.post("/api/match", json={"text": QUERIES[i % 5], "k": 5}),
        }
        for name, send in requests.items():
            for i in range(10):  # warm: every narrative of the cycle viewed once
                assert send(i).status_code == 200, name
            cpu, wall = time.process_time(), time.perf_counter()
            for i in range(n):
                send(i)
            out[name] = {
                "cpu_ms": round(1000 * (time.process_time() - cpu) / n, 1),
                "wall_ms": round(1000 * (time.perf_counter() - wall) / n, 1),
            }
    out["_"] = {"requests_per_endpoint": n, "load_average_1min": round(os.getloadavg()[0], 1)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--baseline-src", default=None)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("CLAIMTRACE_THREADS", "1")  # as claimtrace serve runs the encoder
    this = measure(args.db, args.requests)
    print(json.dumps(this), flush=True)
    if args.child or not args.baseline_src:
        return
    env = {**os.environ, "PYTHONPATH": args.baseline_src}
    cmd = [sys.executable, __file__, "--db", args.db, "--requests", str(args.requests), "--child"]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    base = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps({"baseline": base}))
    ratios = {k: round(base[k]["cpu_ms"] / max(v["cpu_ms"], 0.1), 1) for k, v in this.items() if k != "_"}
    print(json.dumps({"cpu per request, baseline / this": ratios}))


if __name__ == "__main__":
    main()
