"""Reading throughput: documents/second for plain-text and HTML files, and peak memory.

Builds N plain-text files and N simple HTML pages from the PolNeAR train texts in
../shared/benchdata (cycled when N is larger than the corpus; each file gets a numbered
headline so no two are identical) in a temporary folder, then times
``claimtrace.readers.iter_documents`` over each folder: reading only (decode, clean,
metadata, language detection), no database. The machine's load average (``os.getloadavg``)
is printed with the figures, and documents per CPU second of this process beside the
wall-clock rate, since the machine may be shared. Peak memory is the process's maximum resident
set size (``resource.getrusage``), reported after each phase.

usage: .venv/bin/python benchmarks/ingest.py [--n 10000] [--kinds text,html] [--shared PATH]
"""

from __future__ import annotations

import argparse
import html
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from claimtrace.readers import ReadOptions, iter_documents
from claimtrace.readers.language import detect_language

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT / ".." / "shared"


def _texts(shared: Path) -> list[str]:
    folder = shared / "benchdata" / "polnear" / "train" / "text"
    if not folder.is_dir():
        sys.exit(f"no benchmark texts at {folder} (pass --shared)")
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def _page(headline: str, body: str) -> str:
    paras = "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in body.split("\n") if p.strip())
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(headline)} | Bench Gazette</title>"
        f"<meta property='og:title' content='{html.escape(headline)}'>"
        "<meta property='og:site_name' content='Bench Gazette'>"
        "<meta property='article:published_time' content='2016-05-04T10:00:00Z'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav>"
        f"<article><h1>{html.escape(headline)}</h1>{paras}</article>"
        "<footer>Copyright Bench Gazette</footer></body></html>"
    )


def build(kind: str, n: int, texts: list[str], folder: Path) -> None:
    for i in range(n):
        body = texts[i % len(texts)]
        headline = f"Bench story number {i}"
        if kind == "text":
            (folder / f"{i:06d}.txt").write_text(f"{headline}\n\n{body}", encoding="utf-8")
        else:
            (folder / f"{i:06d}.html").write_text(_page(headline, body), encoding="utf-8")


def measure(folder: Path) -> tuple[int, int, float, float]:
    """Documents, failures, wall seconds and CPU seconds of this process."""
    docs = failures = 0
    start, cpu = time.perf_counter(), time.process_time()
    for item in iter_documents([str(folder)], ReadOptions()):
        if hasattr(item, "text"):
            docs += 1
        else:
            failures += 1
    return docs, failures, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--kinds", default="text,html")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = ap.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    texts = _texts(args.shared)
    # warm the lazy singletons (language models, trafilatura) outside the timed loop
    list(iter_documents([str(ROOT / "tests" / "fixtures" / "readers" / "article.html")]))
    detect_language(texts[0], quick=False)
    with tempfile.TemporaryDirectory(prefix="ct-bench-") as tmp:
        for kind in args.kinds.split(","):
            folder = Path(tmp) / kind
            folder.mkdir()
            build(kind, args.n, texts, folder)
            docs, failures, secs, cpu = measure(folder)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{kind:5s} {docs} docs ({failures} failures) in {secs:.2f} s = {docs / secs:.0f} docs/s"
                f" ({docs / cpu:.0f} per CPU second); peak RSS so far {peak_mb:.0f} MB;"
                f" load average {os.getloadavg()[0]:.2f}"
            )


if __name__ == "__main__":
    main()
