"""Benchmark: API latency under load, optionally while ``analyze`` runs on the same database.

usage: python benchmarks/serve_load.py --db DB [--clients 16] [--seconds 30] [--beside DIR]

Starts ``claimtrace serve`` on a free loopback port over ``DB`` (an analysed database), then,
endpoint by endpoint, runs ``--clients`` threads that each send requests back to back for
``--seconds`` seconds, and prints requests, errors and the median / p95 latency per endpoint.
``--beside DIR`` ingests DIR into the same database before the server starts and runs
``claimtrace analyze`` on it while the load runs (the writer the analysts' server lives
beside). Bounded: at most ``clients x seconds x endpoints`` of load, and the server is
stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

CLI = [sys.executable, "-c", "from claimtrace.cli import main; main()"]
QUERIES = ["election fraud", "tax cuts for the rich", "the president said", "immigration wall", "health care"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def endpoints(base: str) -> dict[str, Any]:
    """Endpoint name -> function(client, i) sending one request."""
    with httpx.Client(base_url=base, timeout=60) as c:
        narratives = c.get("/api/narratives", params={"limit": 50}).json()["items"]
    ids = [n["id"] for n in narratives] or ["none"]
    return {
        "stats": lambda c, i: c.get("/api/stats"),
        "narratives": lambda c, i: c.get("/api/narratives", params={"offset": (i % 5) * 10, "limit": 10}),
        "narrative": lambda c, i: c.get(f"/api/narratives/{ids[i % len(ids)]}"),
        "search": lambda c, i: c.get("/api/search", params={"q": QUERIES[i % len(QUERIES)], "limit": 10}),
        "match": lambda c, i: c.post("/api/match", json={"text": QUERIES[i % len(QUERIES)], "k": 5}),
    }


def load(base: str, fn: Any, *, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads sending ``fn`` requests for ``seconds``: count, errors, latencies."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        nonlocal errors
        i = k
        with httpx.Client(base_url=base, timeout=60) as c:
            while time.perf_counter() < stop:
                t = time.perf_counter()
                r = fn(c, i)
                dt = time.perf_counter() - t
                with lock:
                    times.append(dt)
                    errors += r.status_code != 200
                i += clients

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    p95 = times[max(0, int(0.95 * len(times)) - 1)] if times else float("nan")
    return {
        "requests": len(times),
        "errors": errors,
        "median_ms": round(1000 * statistics.median(times), 1) if times else None,
        "p95_ms": round(1000 * p95, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--beside", type=Path, default=None, help="ingest and analyse this folder meanwhile")
    parser.add_argument("--only", default=None, help="comma-separated endpoint names")
    args = parser.parse_args()
    if args.beside is not None:  # stored before the server starts: the writer beside is analyze
        subprocess.run([*CLI, "ingest", str(args.beside), "--db", args.db], check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*CLI, "serve", "--db", args.db, "--port", str(port)], stderr=subprocess.DEVNULL
    )
    writer = None
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/stats", timeout=60).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        fns = endpoints(base)
        for name in list(fns):
            if args.only and name not in args.only.split(","):
                del fns[name]
        with httpx.Client(base_url=base, timeout=120) as c:
            for fn in fns.values():  # warm each endpoint (encoder, indexes, snapshot) before timing
                fn(c, 0)
        if args.beside is not None:
            writer = subprocess.Popen([*CLI, "analyze", "--db", args.db], stdout=subprocess.DEVNULL)
        results = {
            name: load(base, fn, clients=args.clients, seconds=args.seconds) for name, fn in fns.items()
        }
        results["_"] = {
            "clients": args.clients,
            "seconds_per_endpoint": args.seconds,
            "analyze_beside": args.beside is not None,
            "analyze_still_running": writer is not None and writer.poll() is None,
            "cpus": os.cpu_count(),
        }
        print(json.dumps(results, indent=1))
    finally:
        if writer is not None:
            writer.terminate()
            writer.wait()
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
