"""Speed of corpus linking (``link_entities``) at 10k documents, against a baseline linker in one run.

usage: python benchmarks/linking_speed.py --baseline /tmp/ct-base [--n 10000] [--repeat 3]
                                          [--workdir /tmp/claimtrace-bench-linking]

Documents: the ``benchmarks/crossdoc.py`` corpus (real paragraphs from ../shared/benchdata, words
garbled, planted reuse; seed 1, reuse rate 0.1). Their mentions come from the per-document entity
recogniser of the code on ``PYTHONPATH`` (``find_mentions``; cached as a pickle under ``--workdir``).
The linker of this checkout and the one of ``--baseline`` (a checkout of the reference commit; its
``claimtrace/nlp/linking.py`` is loaded under another module name, with this checkout's gazetteer)
link the same analyses, alternately, ``--repeat`` times each with the gazetteer already loaded;
printed: the best wall and CPU time of each (CPU time is the steadier figure on a shared machine),
their ratios, peak RSS, and both entity counts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import pickle
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crossdoc import build_corpus

from claimtrace.model import DocAnalysis
from claimtrace.nlp.entities import find_mentions
from claimtrace.nlp.gazetteer import default_gazetteer
from claimtrace.nlp.linking import link_entities
from claimtrace.nlp.sentences import split_sentences


def analyses(n: int, workdir: Path) -> list[DocAnalysis]:
    """Mentions of the first ``n`` benchmark documents (cached)."""
    path = workdir / f"mentions-{n}.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]
    out = []
    t = time.perf_counter()
    for planted in build_corpus(n, reuse_rate=0.1, seed=1, garble=0.85):
        d = planted.doc
        s = split_sentences(d.text)
        ms, al = find_mentions(d.text, s)
        out.append(DocAnalysis(doc_id=d.id, sentences=s, mentions=ms, aliases=al))
    print(json.dumps({"analysed": n, "seconds": round(time.perf_counter() - t, 1)}), flush=True)
    workdir.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    return out


def load_baseline(checkout: Path) -> Any:
    """The baseline checkout's linking module, imported as ``baseline_linking``."""
    spec = importlib.util.spec_from_file_location(
        "baseline_linking", checkout / "src" / "claimtrace" / "nlp" / "linking.py"
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"no linking.py under {checkout}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["baseline_linking"] = mod
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    """Time both linkers and print one JSON object."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--baseline", type=Path, required=True)
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--workdir", type=Path, default=Path("/tmp/claimtrace-bench-linking"))
    args = p.parse_args()
    docs = analyses(args.n, args.workdir)
    base = load_baseline(args.baseline)
    default_gazetteer()
    best = {"current": float("inf"), "baseline": float("inf")}
    cpu = dict(best)
    counts = {}
    for _ in range(args.repeat):
        for name, fn in (("baseline", base.link_entities), ("current", link_entities)):
            t, c = time.perf_counter(), time.process_time()
            ents = fn(docs)
            best[name] = min(best[name], time.perf_counter() - t)
            cpu[name] = min(cpu[name], time.process_time() - c)
            counts[name] = len(ents)
            del ents
    print(
        json.dumps(
            {
                "docs": len(docs),
                "mentions": sum(len(a.mentions) for a in docs),
                "seconds_current": round(best["current"], 3),
                "seconds_baseline": round(best["baseline"], 3),
                "ratio_current_over_baseline": round(best["current"] / best["baseline"], 2),
                "cpu_seconds_current": round(cpu["current"], 3),
                "cpu_seconds_baseline": round(cpu["baseline"], 3),
                "cpu_ratio": round(cpu["current"] / cpu["baseline"], 2),
                "entities_current": counts["current"],
                "entities_baseline": counts["baseline"],
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
