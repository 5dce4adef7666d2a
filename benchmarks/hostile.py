"""Benchmark: ``analyze`` on hostile documents against ordinary ones of the same total size.

usage: python benchmarks/hostile.py [--polnear ../shared/benchdata/polnear] [--scale 1.0] [--out DIR]

Two corpora, each ingested into a fresh SQLite database and analysed by the ``claimtrace`` CLI
in a child process (wall time and the child's peak RSS are measured):

* hostile: 20 PolNeAR articles, a JSONL record whose text is 10 MB of ``word word ...``, and a
  5 MB line of words without any punctuation (issue 13's two documents);
* ordinary: the same 20 articles and two documents of the same sizes made of other PolNeAR
  articles, one after another.

``--scale`` shrinks the two large documents (0.1: 1 MB and 0.5 MB) for a quick run. The
figure in docs/benchmarks.md is the ratio hostile / ordinary for wall time, CPU time (the
fairer figure on a shared machine) and peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchdata" / "polnear"
MB = 1_000_000


def articles(root: Path) -> list[str]:
    """PolNeAR train texts, sorted by name."""
    return [p.read_text(encoding="utf-8") for p in sorted((root / "train" / "text").glob("*.txt"))]


def _fill(texts: list[str], size: int) -> str:
    out, total = [], 0
    for t in texts:
        if total >= size:
            break
        out.append(t)
        total += len(t) + 2
    return "\n\n".join(out)[:size]


def write_corpora(root: Path, folder: Path, scale: float) -> dict[str, Path]:
    """The hostile and the ordinary corpus as folders of files; returns {name: folder}."""
    texts = articles(root)
    if len(texts) < 600:
        sys.exit(f"need the PolNeAR train texts under {root}")
    big, small = int(10 * MB * scale), int(5 * MB * scale)
    common = texts[:20]
    words = [w.strip(".,;:!?\"'()[]") for t in texts[20:200] for w in t.split()]
    words = [w for w in words if w.isalpha()]
    rnd = random.Random(13)
    line = " ".join(rnd.choice(words) for _ in range(small // 5))[:small]
    out = {}
    for name in ("hostile", "ordinary"):
        d = folder / name
        d.mkdir(parents=True)
        for i, t in enumerate(common):
            (d / f"article{i:02d}.txt").write_text(t, encoding="utf-8")
        out[name] = d
    record = {"title": "word", "text": ("word " * (big // 5)).strip()}
    (out["hostile"] / "words.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (out["hostile"] / "line.txt").write_text(line, encoding="utf-8")
    rest = texts[20:]
    half = len(rest) // 2
    ordinary_big = {"title": "many articles", "text": _fill(rest[:half] * 4, len(record["text"]))}
    (out["ordinary"] / "big.jsonl").write_text(json.dumps(ordinary_big) + "\n", encoding="utf-8")
    (out["ordinary"] / "long.txt").write_text(_fill(rest[half:] * 4, len(line)), encoding="utf-8")
    return out


def run(args: list[str]) -> tuple[float, float, float, str]:
    """Run the CLI in a child process: (wall s, CPU s, the child's peak RSS in MB, its output)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from claimtrace.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"claimtrace {' '.join(args)} failed:\n{output}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def measure(folder: Path, db: Path) -> dict[str, float]:
    """Ingest then analyse ``folder`` into ``db``."""
    ingest = run(["ingest", str(folder), "--db", str(db)])
    analyze = run(["analyze", "--db", str(db)])
    size = sum(p.stat().st_size for p in folder.iterdir())
    return {
        "input_mb": round(size / MB, 2),
        "ingest_s": round(ingest[0], 1),
        "analyze_s": round(analyze[0], 1),
        "analyze_cpu_s": round(analyze[1], 1),
        "analyze_peak_mb": round(analyze[2]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polnear", type=Path, default=DEFAULT)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=None, help="keep the corpora and databases here")
    args = parser.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="ct-hostile-"))
    try:
        corpora = write_corpora(args.polnear.resolve(), folder, args.scale)
        results = {name: measure(path, folder / f"{name}.db") for name, path in corpora.items()}
    finally:
        if args.out is None:
            shutil.rmtree(folder, ignore_errors=True)
    h, o = results["hostile"], results["ordinary"]
    results["ratio"] = {
        "time": round(h["analyze_s"] / o["analyze_s"], 2),
        "cpu": round(h["analyze_cpu_s"] / o["analyze_cpu_s"], 2),
        "memory": round(h["analyze_peak_mb"] / o["analyze_peak_mb"], 2),
    }
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
