"""Corpus linking on the SemEval-2025 task 10 EN raw articles: the alias cases of issue 11, counted.

usage: python benchmarks/linking_semeval.py [--dir DIR] [--save PICKLE] [--load PICKLE]

Runs the per-document entity recogniser (``find_mentions``) over every raw article, links the corpus
with :func:`claimtrace.nlp.linking.link_entities` and prints one JSON object:

* ``entities``, ``other`` and ``other_share``: how many corpus entities there are and how many are
  typed OTHER; ``countries_other``: gazetteer countries typed OTHER (must be 0);
* ``probes``: for each short form (``Putin``, ``Biden``, ``Zelensky``/``Zelenskyy``/``Zelenskiy``,
  ``Fed``, ``Richmond Fed``) the entities its mentions ended in (name, type, mentions) and whether they
  share the entity of the full name (``Vladimir Putin``, ``Joe Biden``, ``Volodymyr Zelensky``);
  ``fed_apart``: "Fed" and "Richmond Fed" are different entities.

Run it under the baseline checkout too (``PYTHONPATH=/tmp/ct-base/src``) for before/after figures.
``--save`` keeps the analyses (pickle) and ``--load`` links saved ones, so the linker alone can be
compared on one recogniser's mentions. Skips (exit 0, a note on stderr) when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

from claimtrace.model import DocAnalysis
from claimtrace.nlp.entities import find_mentions
from claimtrace.nlp.gazetteer import default_gazetteer
from claimtrace.nlp.linking import link_entities
from claimtrace.nlp.names import fold
from claimtrace.nlp.sentences import split_sentences

DEFAULT_DIR = (
    Path(__file__).resolve().parents[1].parent
    / "shared/benchdata/semeval2025_task10/train_dec2024_release_EN/raw-documents"
)
# short form -> the full name it stands for (None: must stay apart from the other probes)
PROBES = {
    "Putin": "Vladimir Putin",
    "Biden": "Joe Biden",
    "Zelensky": "Volodymyr Zelensky",
    "Zelenskyy": "Volodymyr Zelensky",
    "Zelenskiy": "Volodymyr Zelensky",
    "Fed": None,
    "Richmond Fed": None,
}


def analyse(directory: Path) -> list[DocAnalysis]:
    """Mentions and learned aliases of every ``*.txt`` article under ``directory``."""
    out = []
    for path in sorted(directory.glob("*.txt")):
        text = path.read_text("utf-8", errors="replace")
        sents = split_sentences(text)
        ms, al = find_mentions(text, sents)
        out.append(DocAnalysis(doc_id=path.stem, sentences=sents, mentions=ms, aliases=al))
    return out


def report(analyses: list[DocAnalysis]) -> dict[str, object]:
    """The figures listed in the module docstring."""
    t0 = time.perf_counter()
    ents = link_entities(analyses)
    link_s = time.perf_counter() - t0
    gaz = default_gazetteer()
    where: dict[tuple[str, int, int], int] = {}
    for n, e in enumerate(ents):
        for m in e.mentions:
            where[(m["doc"], m["start"], m["end"])] = n
    by_surface: dict[str, Counter[int]] = {}
    for a in analyses:
        for m in a.mentions:
            f = fold(m.text).removesuffix("'s").removesuffix("’s")
            by_surface.setdefault(f, Counter())[where[(a.doc_id, m.start, m.end)]] += 1
    probes: dict[str, object] = {}
    for short, full in PROBES.items():
        got = by_surface.get(fold(short), Counter())
        row: dict[str, object] = {
            "mentions": sum(got.values()),
            "entities": [
                {"name": ents[i].name, "type": ents[i].type, "mentions": len(ents[i].mentions), "n": c}
                for i, c in got.most_common(3)
            ],
        }
        if full is not None:
            full_ents = set(by_surface.get(fold(full), Counter()))
            row["linked_to_full_name"] = sum(c for i, c in got.items() if i in full_ents)
        probes[short] = row
    fed = set(by_surface.get("fed", Counter()))
    richmond = set(by_surface.get("richmond fed", Counter()))
    countries = {"gaz:" + e.id for e in gaz.entries.values() if e.kind == "country"}
    other = sum(e.type == "OTHER" for e in ents)
    return {
        "docs": len(analyses),
        "mentions": sum(len(a.mentions) for a in analyses),
        "entities": len(ents),
        "other": other,
        "other_share": round(other / max(len(ents), 1), 3),
        "countries_other": sum(e.type == "OTHER" and e.key in countries for e in ents),
        "fed_apart": not (fed & richmond),
        "probes": probes,
        "link_seconds": round(link_s, 3),
    }


def main() -> None:
    """Parse arguments, analyse (or load), print the JSON report."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    p.add_argument("--save", type=Path, help="pickle the analyses here")
    p.add_argument("--load", type=Path, help="link these pickled analyses instead of analysing")
    args = p.parse_args()
    if args.load:
        analyses = pickle.loads(args.load.read_bytes())
    else:
        if not args.dir.is_dir():
            print(f"skipped: {args.dir} not found", file=sys.stderr)
            return
        analyses = analyse(args.dir)
    if args.save:
        args.save.write_bytes(pickle.dumps(analyses))
    print(json.dumps(report(analyses), indent=1))


if __name__ == "__main__":
    main()
