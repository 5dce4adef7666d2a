"""Benchmark: API latency under load, optionally while ``analyze`` runs on the same database.

usage: python benchmarks/serve_load.py --db DB [--clients 16] [--seconds 30] [--beside DIR]
                                       [--baseline-src DIR] [--only stats,search]

Copies ``DB`` (an analysed database, with its search indexes and claim-vector cache) into a
temporary folder, starts ``claimtrace serve`` on a free loopback port over the copy, then,
endpoint by endpoint, runs ``--clients`` threads that each send requests back to back for
``--seconds`` seconds, and prints requests, errors and the median / p95 latency per endpoint,
with the load average (1 minute) sampled during the run. ``--beside DIR`` ingests DIR into
the copy before the server starts and runs ``claimtrace analyze`` on it while the load runs
(the writer the analysts' server lives beside; when it ends, ``analyze --force`` starts again,
so a writer runs throughout). ``--baseline-src DIR`` repeats the whole run
with the server imported from another checkout's ``src`` (a fresh copy of ``DB`` again; the
ingest and ``analyze`` beside always run this checkout's code) and prints the p95 ratios.
Bounded: at most ``clients x seconds x endpoints`` of load per run; servers and writers are
stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

CLI = [sys.executable, "-c", "from claimtrace.cli import main; main()"]
QUERIES = ["election fraud", "tax cuts for the rich", "the president said", "immigration wall", "health care"]
#: Files beside a SQLite database that belong to it (search indexes, claim-vector cache).
SIDECARS = (".claimtrace-index", ".claimvecs.npz")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_db(db: Path, folder: Path) -> Path:
    """``db`` and its sidecar files copied into ``folder`` (a consistent copy: WAL checkpointed)."""
    import sqlite3

    target = folder / db.name
    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    for suffix in SIDECARS:
        side = Path(str(db) + suffix)
        if side.is_dir():
            shutil.copytree(side, str(target) + suffix)
        elif side.is_file():
            shutil.copy2(side, str(target) + suffix)
    return target


def endpoints(base: str) -> dict[str, Any]:
    """Endpoint name -> function(client, i) sending one request."""
    with httpx.Client(base_url=base, timeout=120) as c:
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
        with httpx.Client(base_url=base, timeout=120) as c:
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


class Writer:
    """``analyze`` kept running beside the load: when one run ends, ``analyze --force`` starts."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.finished = 0
        self._stopping = threading.Event()
        self._proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._thread = threading.Thread(target=self._keep, daemon=True)
        self._thread.start()

    def _keep(self) -> None:
        while True:
            self._proc.wait()
            if self._stopping.is_set():
                return
            self.finished += 1
            force = [*self.command, "--force"]
            self._proc = subprocess.Popen(force, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        self._stopping.set()
        self._proc.terminate()
        self._thread.join()


def run(db: Path, args: argparse.Namespace, *, src: str | None) -> dict[str, Any]:
    """One measured run over a fresh copy of ``db``; the server imports claimtrace from ``src``."""
    with tempfile.TemporaryDirectory(prefix="serve-load-") as tmp:
        work = copy_db(db, Path(tmp))
        if args.beside is not None:  # stored before the server starts: the writer beside is analyze
            ingest = [*CLI, "ingest", str(args.beside), "--db", str(work)]
            subprocess.run(ingest, check=True, capture_output=True)
        env = dict(os.environ)
        if src is not None:
            env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*CLI, "serve", "--db", str(work), "--port", str(port)], stderr=subprocess.DEVNULL, env=env
        )
        writer = None
        loads: list[float] = []
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(2.0):
                loads.append(os.getloadavg()[0])

        try:
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/api/stats", timeout=120).status_code == 200:
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
                writer = Writer([*CLI, "analyze", "--db", str(work)])
            threading.Thread(target=sample, daemon=True).start()
            results: dict[str, Any] = {
                name: load(base, fn, clients=args.clients, seconds=args.seconds) for name, fn in fns.items()
            }
            sampling.set()
            results["_"] = {
                "server_src": src or "this checkout",
                "clients": args.clients,
                "seconds_per_endpoint": args.seconds,
                "analyze_beside": args.beside is not None,
                "analyze_runs_finished": writer.finished if writer is not None else None,
                "load_average_1min": [round(min(loads), 1), round(max(loads), 1)] if loads else None,
                "cpus": os.cpu_count(),
            }
            return results
        finally:
            sampling.set()
            if writer is not None:
                writer.stop()
            server.terminate()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--beside", type=Path, default=None, help="ingest and analyse this folder meanwhile")
    parser.add_argument("--only", default=None, help="comma-separated endpoint names")
    parser.add_argument("--baseline-src", default=None, help="another checkout's src: run its server too")
    args = parser.parse_args()
    out: dict[str, Any] = {"this": run(args.db, args, src=None)}
    print(json.dumps(out["this"], indent=1), flush=True)
    if args.baseline_src:
        out["baseline"] = run(args.db, args, src=args.baseline_src)
        print(json.dumps(out["baseline"], indent=1), flush=True)
        ratios = {
            name: round(out["baseline"][name]["p95_ms"] / max(r["p95_ms"], 0.1), 1)
            for name, r in out["this"].items()
            if name != "_"
        }
        print(json.dumps({"p95 baseline / this": ratios}))


if __name__ == "__main__":
    main()
