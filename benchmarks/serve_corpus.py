"""Build a large synthetic database for ``benchmarks/serve_load.py`` quickly (no analysis run).

usage: python benchmarks/serve_corpus.py --n 10000 --db DB

The documents and claims are ``benchmarks/search_first.py``'s (fictional: six sentences, two
claims each, 50 outlets); narratives group the claims that share a speaker, a subject and a
place (a few hundred narratives of a few dozen claims, each with its timeline, stances and
who carries it), and the search indexes are built with hashed bag-of-words vectors instead of
MiniLM (the server still encodes queries with MiniLM; the cost of a search does not depend on
the vectors' values). What it measures is the server's cost per request at this size, not the
quality of what it finds.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from claimtrace.model import Narrative
from claimtrace.store import open_store


def _search_first() -> object:
    spec = importlib.util.spec_from_file_location("search_first", Path(__file__).with_name("search_first.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["search_first"] = module
    spec.loader.exec_module(module)
    return module


_KEY = re.compile(r"the (\w+) in (\w+)")
STANCES = ("AMPLIFIES", "ATTRIBUTES", "CONTESTS", "DEBUNKS")


def add_narratives(db: Path) -> int:
    """Narratives over the stored claims: one per (speaker, subject, place); returns how many."""
    with open_store(str(db)) as store:
        meta = {d.id: (d.published, d.outlet, d.text) for d in store.iter_documents()}
        groups: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
        for an in store.load_analyses():
            text = meta[an.doc_id][2]
            for c in an.claims:
                m = _KEY.search(text[c.content_start : c.content_end])
                if m and c.id and c.speaker_text:
                    groups[(c.speaker_text, m.group(1), m.group(2))].append((c.id, an.doc_id))
        narratives = []
        for n, ((who, what, where), members) in enumerate(sorted(groups.items())):
            docs = list(dict.fromkeys(d for _, d in members))
            dated = sorted(docs, key=lambda d: meta[d][0] or "")
            narratives.append(
                Narrative(
                    id=f"n-{n:05d}",
                    label=f"{who} on the {what} in {where}",
                    claims=[c for c, _ in members],
                    documents=docs,
                    first_seen=meta[dated[0]][0],
                    last_seen=meta[dated[-1]][0],
                    timeline=[{"date": meta[d][0], "doc": d, "outlet": meta[d][1]} for d in dated],
                    stances=[{"doc": d, "stance": STANCES[i % 4]} for i, d in enumerate(dated)],
                    carried_by=[{"outlet": meta[d][1], "doc": d, "date": meta[d][0]} for d in dated],
                )
            )
        store.save_narratives(narratives)
    return len(narratives)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--db", required=True, type=Path)
    args = ap.parse_args()
    sf = _search_first()
    t0 = time.perf_counter()
    sf.build_store(args.db, args.n)  # type: ignore[attr-defined]
    print(f"store: {args.n:,} documents in {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    print(f"narratives: {add_narratives(args.db):,} in {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    from claimtrace.search.sync import sync_index

    with open_store(str(args.db)) as store:
        stats = sync_index(store, str(args.db), encode=sf.hash_encode)  # type: ignore[attr-defined]
    print(f"indexes (hashed vectors): {time.perf_counter() - t0:.1f} s {stats}", flush=True)


if __name__ == "__main__":
    main()
