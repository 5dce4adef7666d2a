"""The Spark job (local[1], local[2]) against the single-machine ``analyze`` on the same corpus.

usage: python benchmarks/spark.py [--n 20000] [--workdir /tmp/claimtrace-bench-spark]
                                  [--modes single:1,single:2,local[1],local[2]] [--no-compare]

The corpus is ``benchmarks/crossdoc.py``'s (real paragraphs from ../shared/benchdata, garbled,
with planted reuse), written once as JSONL (``id``, ``text``, ``published``, ``outlet``). Each mode
runs in its own process, from that file to finished outputs:

* ``single:W``: ``read_path`` + ``store.add_documents`` into a fresh SQLite file, then
  ``pipeline.analyze(workers=W, index=False)`` (what ``claimtrace ingest`` + ``analyze --no-index``
  do);
* ``local[K]``: ``spark.job.analyze_corpus`` on a ``local[K]`` session (what ``claimtrace spark
  analyze FILE OUT --master local[K]`` runs: session start, reading, every stage, Parquet tables).

Reported per mode: wall seconds (the process, Spark's JVM start included), the stage timings the
run reports, peak RSS of the Python process (for Spark, the driver's: the JVM and the Python
workers apart), and the ratio to the first ``single`` mode. Unless ``--no-compare``, the last Spark
run's tables are loaded into a store and compared with the first single run: per-document
outputs identical (count of differing analyses), reuse passages Jaccard, stories and narratives
B-cubed F1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crossdoc import SHARED, build_corpus, to_documents


def write_corpus(n: int, path: Path) -> int:
    """The crossdoc benchmark corpus of ``n`` documents as JSONL; returns the document count."""
    planted = build_corpus(n, reuse_rate=0.1, seed=1, garble=0.85)
    docs = to_documents([p.doc for p in planted])
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(
                json.dumps({"id": d.id, "text": d.text, "published": d.published, "outlet": d.outlet}) + "\n"
            )
    return len(docs)


_SINGLE = """
import json, resource, sys, time
from claimtrace.pipeline import analyze
from claimtrace.readers import read_path
from claimtrace.readers.options import ReadOptions
from claimtrace.store import open_store
t = time.perf_counter()
store = open_store(sys.argv[2])
store.add_documents(read_path(sys.argv[1], ReadOptions(max_bytes=2**40)))
read = time.perf_counter() - t
report = analyze(store, workers=int(sys.argv[3]), index=False)
timings = {"read + store": round(read, 3), **report.timings}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"summary": report.summary(), "timings": timings, "peak_mb": peak}))
"""
_SPARK = """
import json, resource, sys
from claimtrace.spark import spark_session
from claimtrace.spark.job import analyze_corpus
report = analyze_corpus(spark_session(sys.argv[3]), [sys.argv[1]], sys.argv[2])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"summary": report.summary(), "timings": report.timings, "driver_peak_mb": peak}))
"""


def run_mode(mode: str, corpus: Path, workdir: Path) -> dict[str, Any]:
    """Run one mode in a fresh process; its wall time and what it reported."""
    name = mode.replace("[", "").replace("]", "").replace(":", "")
    target = workdir / name
    shutil.rmtree(target, ignore_errors=True)
    if mode.startswith("single"):
        target.mkdir(parents=True)
        workers = mode.partition(":")[2] or "1"
        cmd = [sys.executable, "-c", _SINGLE, str(corpus), str(target / "store.db"), workers]
    else:
        cmd = [sys.executable, "-c", _SPARK, str(corpus), str(target), mode]
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{done.stderr[-3000:]}")
    last = [line for line in done.stdout.splitlines() if line.startswith("{")][-1]
    return {"mode": mode, "wall_s": round(wall, 1), **json.loads(last), "out": str(target)}


def compare(single_db: str, spark_out: str, workdir: Path) -> dict[str, Any]:
    """Agreement of a Spark run's tables with a single-machine store."""
    from claimtrace.evaluation.ecbplus import bcubed
    from claimtrace.spark.tables import load_tables
    from claimtrace.store import open_store

    path = workdir / "spark-loaded.db"
    path.unlink(missing_ok=True)
    single, dist = open_store(single_db), open_store(str(path))
    load_tables(spark_out, dist, index=False)
    a = {x.doc_id: x.to_dict() for x in single.load_analyses()}
    b = {x.doc_id: x.to_dict() for x in dist.load_analyses()}

    def passages(s: Any) -> set[tuple[Any, ...]]:
        return {(r.a_doc, r.a_start, r.a_end, r.b_doc, r.b_start, r.b_end, r.kind) for r in s.load_reuse()}

    def f1(pred: dict[str, str], gold: dict[str, str]) -> float:
        items = sorted(set(pred) | set(gold))
        return round(
            bcubed([pred.get(i, "-" + i) for i in items], [gold.get(i, "-" + i) for i in items])[2], 4
        )

    ra, rb = passages(single), passages(dist)
    stories = [{d: s.id for s in st.load_stories() for d in s.documents} for st in (dist, single)]
    narrs = [{c: n.id for n in st.load_narratives() for c in n.claims} for st in (dist, single)]
    return {
        "analyses_differing": sum(a[k] != b.get(k) for k in a) + len(set(b) - set(a)),
        "reuse_jaccard": round(len(ra & rb) / max(1, len(ra | rb)), 4),
        "reuse_passages": [len(ra), len(rb)],
        "stories_bcubed_f1": f1(*stories),
        "narratives_bcubed_f1": f1(*narrs),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/claimtrace-bench-spark"))
    ap.add_argument("--modes", default="single:1,single:2,local[1],local[2]")
    ap.add_argument("--no-compare", action="store_true")
    args = ap.parse_args(argv)
    if not (SHARED / "polnear").exists():
        print(f"benchdata not found under {SHARED}; nothing to measure")
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    corpus = args.workdir / f"corpus-{args.n}.jsonl"
    if not corpus.is_file():
        write_corpus(args.n, corpus)
    print(json.dumps({"command": " ".join([sys.executable, *sys.argv]), "documents": args.n}), flush=True)
    results = []
    for mode in args.modes.split(","):
        res = run_mode(mode, corpus, args.workdir)
        base = next((r for r in results if r["mode"].startswith("single")), None)
        if base:
            res["ratio_to_" + base["mode"]] = round(res["wall_s"] / base["wall_s"], 2)
        results.append(res)
        print(json.dumps(res), flush=True)
    singles = [r for r in results if r["mode"].startswith("single")]
    sparks = [r for r in results if r["mode"].startswith("local") or "://" in r["mode"]]
    if singles and sparks and not args.no_compare:
        agreement = compare(str(Path(singles[0]["out"]) / "store.db"), sparks[-1]["out"], args.workdir)
        print(json.dumps({"agreement": agreement, "single": singles[0]["mode"], "spark": sparks[-1]["mode"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
