"""Count fragment labels among the narratives of a corpus (``claim_form.fragment_reason``).

usage: .venv/bin/python benchmarks/labels.py [EXPORT.json | DIR] [--show N] [--db FILE] [--src DIR] [--time]

Given a directory of articles (default: the 399 SemEval-2025 Task 10 EN training articles in
``../shared/benchdata/semeval2025_task10/train_dec2024_release_EN/raw-documents``), runs
``claimtrace ingest`` + ``analyze`` + ``export --format json`` on a temporary database and
counts the narrative labels that are fragments, by reason; given an export JSON, counts its
labels. ``--show N`` prints N labels (fragments first). The check is the one the tests apply:
no finite predicate, a first word that is a preposition or complementiser, an ellipsis or a
dangling word at the end. ``--src OTHER/src`` runs another checkout's claimtrace for the
analysis (the fragment check is always this checkout's). ``--time`` (with ``--db``) also times
``claim_form`` (and ``extract_slots`` alone) over every stored claim.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from claimtrace.crossdoc.claim_form import fragment_reason

DEFAULT = Path("../shared/benchdata/semeval2025_task10/train_dec2024_release_EN/raw-documents")


def _export(corpus: Path, db: str | None, src: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        dbp = db or str(Path(tmp) / "labels.db")
        out = Path(tmp) / "export.json"
        cli = [sys.executable, "-c", "from claimtrace.cli import main; main()"]
        env = {**os.environ, "PYTHONPATH": src} if src else None
        for args in (("ingest", "--db", dbp, str(corpus)), ("analyze", "--db", dbp)):
            t = time.perf_counter()
            subprocess.run([*cli, *args], check=True, capture_output=True, text=True, env=env)
            print(f"{args[0]}: {time.perf_counter() - t:.1f} s", file=sys.stderr)
        export = [*cli, "export", "--db", dbp, "--format", "json", "--out", str(out)]
        subprocess.run(export, check=True, env=env)
        return json.loads(out.read_text(encoding="utf-8"))


def _time_forms(db: str) -> None:
    from claimtrace.crossdoc.claim_form import claim_form
    from claimtrace.crossdoc.slots import extract_slots
    from claimtrace.store import open_store

    store = open_store(db)
    items = []
    for an in store.load_analyses():
        doc = store.get_document(an.doc_id)
        items += [(c, an, doc.text) for c in an.claims] if doc is not None else []
    for name, fn in (("slots", extract_slots), ("form", claim_form)):
        t = time.perf_counter()
        for c, an, text in items:
            fn(c, text=text, mentions=an.mentions, quantities=an.quantities)
        ms = (time.perf_counter() - t) / max(1, len(items)) * 1e3
        print(f"{name}: {ms:.3f} ms per claim over {len(items)} claims")


def main(argv: list[str]) -> None:
    show = int(argv[argv.index("--show") + 1]) if "--show" in argv else 0
    db = argv[argv.index("--db") + 1] if "--db" in argv else None
    src = argv[argv.index("--src") + 1] if "--src" in argv else None
    flags = ("--show", "--db", "--src")
    args = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] not in flags)]
    path = Path(args[0]) if args else DEFAULT
    if not path.exists():
        sys.exit(f"labels: {path} not found")
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else _export(path, db, src)
    labels = [n["label"] for n in data.get("narratives", [])]
    reasons = {label: fragment_reason(label) for label in labels}
    counts = Counter(r for r in reasons.values() if r)
    frag = sum(counts.values())
    print(
        json.dumps(
            {
                "narratives": len(labels),
                "fragments": frag,
                "share": round(frag / max(1, len(labels)), 3),
                "by_reason": dict(counts.most_common()),
            }
        )
    )
    if "--time" in argv and db:
        _time_forms(db)
    for label in sorted(labels, key=lambda x: reasons[x] is None)[:show]:
        print(f"{reasons[label] or 'ok':>22}  {label}")


if __name__ == "__main__":
    main(sys.argv[1:])
