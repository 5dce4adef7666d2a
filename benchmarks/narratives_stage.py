"""Time the narrative stage alone on the analyses ``benchmarks/crossdoc.py`` cached.

usage: python benchmarks/narratives_stage.py WORKDIR [--n 10000] [--no-stance] [--hashing]

``WORKDIR`` is a ``crossdoc.py --workdir`` after an ``--analyse-only`` (or full) run: its
pickled analyses are loaded, the same corpus is rebuilt (``--n``, seed 1), and
``NarrativeBuilder`` runs with a cold in-memory vector cache, as ``stage_narratives`` does.
``--no-stance`` replaces the stance decision by a constant (to time clustering apart from a
stance model); ``--hashing`` uses the model-free stand-in encoder. Run it once with
``PYTHONPATH`` pointing at another checkout's ``src`` (and that checkout's workdir) to compare
two versions in one session. Prints one JSON line: seconds, steps, counts.
"""

from __future__ import annotations

import argparse
import glob
import json
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    import crossdoc as cd  # the benchmark corpus builder beside this file

    import claimtrace.crossdoc.narratives as nm
    from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput, hashing_encoder
    from claimtrace.nlp.linking import link_entities

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--no-stance", action="store_true")
    ap.add_argument("--hashing", action="store_true")
    args = ap.parse_args()
    analyses = {}
    for path in sorted(glob.glob(str(args.workdir / "analyses-*" / "part-*.pkl"))):
        with open(path, "rb") as fh:
            analyses.update((a.doc_id, a) for a in pickle.load(fh))
    planted = cd.build_corpus(args.n, reuse_rate=0.1, seed=1, garble=0.85)
    docs = [d for d in cd.to_documents([p.doc for p in planted]) if d.id in analyses]
    if args.no_stance:
        nm.decide_stance = lambda *a, **k: {"stance": "ATTRIBUTES"}  # type: ignore[attr-defined]
        nm.decide_stances = lambda asks: [{"stance": "ATTRIBUTES"} for _ in asks]  # batched since stance.v3
    inputs = [NarrativeInput(d, analyses[d.id]) for d in docs]
    entities = link_entities(analyses[d.id] for d in docs)
    t = time.perf_counter()
    b = NarrativeBuilder(encoder=hashing_encoder if args.hashing else None).fit(inputs, entities=entities)
    print(
        json.dumps(
            {
                "documents": len(docs),
                "seconds": round(time.perf_counter() - t, 1),
                "steps": {k: round(v, 1) for k, v in b.timings_.items()},
                **b.stats_,
                "narratives": len(b.narratives()),
            }
        )
    )


if __name__ == "__main__":
    main()
