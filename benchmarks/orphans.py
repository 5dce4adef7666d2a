"""Orphaned analyst ratings after adding 10% more documents and re-analysing (issue 13, item 2).

usage: python benchmarks/orphans.py [--docs DIR] [--orders 5] [--share 0.1] [--workdir DIR] [--warm NPZ]

For each of ``--orders`` random orders of the documents in ``--docs`` (default: the SemEval
2025 task 10 English raw documents under ../shared): ingest the first 1/(1+share) of them,
``claimtrace analyze``, rate every narrative, ingest the rest, analyse again, and count the
ratings that lead nowhere. Run through the ``claimtrace`` CLI in subprocesses, so running it
with ``PYTHONPATH`` set to another checkout's ``src`` measures that version (a version whose
store cannot resolve ids counts every rated id that is gone as orphaned). The claim vectors of
the first order's first run (or ``--warm``) are copied beside each later database, so only
the first run encodes. Prints one line per order and a JSON summary: rated, gone (ids no longer live),
through_merge (gone, resolved to a live narrative), dissolved (gone with a dissolve event:
reported by ``narratives list --orphans``), silent (gone with no event), orphaned (ratings
reaching no live narrative).
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
from typing import Any

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DEFAULT_DOCS = SHARED / "benchdata" / "semeval2025_task10" / "train_dec2024_release_EN" / "raw-documents"
CLI = "import sys; from claimtrace.cli import main; sys.argv[0] = 'claimtrace'; main()"


def _claimtrace(*args: str) -> None:
    subprocess.run([sys.executable, "-c", CLI, *args], check=True, capture_output=True)


def _one(files: list[Path], cut: int, db: Path, warm: Path | None) -> dict[str, Any]:
    """Ingest ``files[:cut]``, analyse, rate all, ingest the rest, analyse; count what was lost."""
    from claimtrace.store import open_store

    vec_cache = Path(f"{db}.claimvecs.npz")
    if warm is not None and warm.exists():
        shutil.copy(warm, vec_cache)
    _claimtrace("ingest", *map(str, files[:cut]), "--db", str(db))
    _claimtrace("analyze", "--db", str(db), "--no-index")
    with open_store(str(db)) as store:
        rated = [n.id for n in store.load_narratives()]
        for nid in rated:
            store.set_rating(nid, "False", "benchmark", author="bench")
    _claimtrace("ingest", *map(str, files[cut:]), "--db", str(db))
    _claimtrace("analyze", "--db", str(db), "--no-index")
    with open_store(str(db)) as store:
        live = {n.id for n in store.load_narratives()}
        gone = [nid for nid in rated if nid not in live]
        ended = {
            str(x): e["kind"]
            for e in store.list_narrative_events()
            if e["kind"] in ("merge", "dissolved")
            for x in (e["payload"].get("from") or [])
            if x != e["payload"].get("narrative") or e["kind"] == "dissolved"
        }
        if hasattr(store, "resolve_narrative"):
            orphaned = sum(store.resolve_narrative(nid)[0] is None for nid in gone)
        else:  # a version without id resolution: every gone id's rating points at nothing
            orphaned = len(gone)
    return {
        "rated": len(rated),
        "gone": len(gone),
        "through_merge": sum(ended.get(nid) == "merge" for nid in gone),
        "dissolved": sum(ended.get(nid) == "dissolved" for nid in gone),
        "silent": sum(nid not in ended for nid in gone),
        "orphaned": orphaned,
        "narratives_after": len(live),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    ap.add_argument("--orders", type=int, default=5)
    ap.add_argument("--share", type=float, default=0.1, help="documents added, as a share of the first set")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--workdir", type=Path, default=None, help="keep the databases here (default: a temp dir)"
    )
    ap.add_argument("--warm", type=Path, default=None, help="a .claimvecs.npz to start every order from")
    args = ap.parse_args()
    if not args.docs.is_dir():
        print(f"skipped: {args.docs} not found", file=sys.stderr)
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    files = sorted(p for p in args.docs.iterdir() if p.is_file())
    cut = round(len(files) / (1 + args.share))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ct-orphans-"))
    work.mkdir(parents=True, exist_ok=True)
    rows, warm = [], args.warm
    for k in range(args.orders):
        order = list(files)
        random.Random(args.seed + k).shuffle(order)
        db = work / f"order{k}.db"
        for old in work.glob(f"order{k}.db*"):
            old.unlink()
        t = time.perf_counter()
        row = _one(order, cut, db, warm)
        warm = warm or Path(f"{db}.claimvecs.npz")
        row["seconds"] = round(time.perf_counter() - t, 1)
        rows.append(row)
        print(f"order {k}: " + ", ".join(f"{key} {v}" for key, v in row.items()), flush=True)
    total = {
        key: sum(r[key] for r in rows) for key in ("rated", "gone", "through_merge", "dissolved", "silent")
    }
    total["orphaned"] = sum(r["orphaned"] for r in rows)
    print(json.dumps({"documents": len(files), "first": cut, "orders": args.orders, **total}))
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
