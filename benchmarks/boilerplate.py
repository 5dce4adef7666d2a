"""Boilerplate on real articles: what is set aside, and reuse links without and with masking.

usage: .venv/bin/python benchmarks/boilerplate.py [DIR ...] [--labels FILE] [--sample N] [--spans]

Reads the articles (default: the 399 SemEval-2025 Task 10 EN training articles), fits
:class:`claimtrace.crossdoc.boilerplate.BoilerplateIndex` on them, and prints one JSON line:
documents, passages and characters set aside, fit/check CPU time, and the reuse links the
detector finds without and with the boilerplate masked. ``--labels`` (default: the hand labels
in tests/fixtures/boilerplate, for the default corpus) counts the links by label, matching a
link to a labelled one with the same documents and overlapping spans. ``--sample N`` prints N
random links found with masking (seed 0) to label by hand; ``--spans`` prints the passages set
aside, most frequent first. Documents are named by file name in the output.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from claimtrace.crossdoc.boilerplate import LAYER, BoilerplateIndex
from claimtrace.crossdoc.reuse import ReuseDetector, ReuseDoc
from claimtrace.model import Document, Span
from claimtrace.readers import iter_documents

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared/benchdata/semeval2025_task10/train_dec2024_release_EN/raw-documents"
LABELS = ROOT / "tests/fixtures/boilerplate/semeval_en_reuse_labels.json"

Link = tuple[tuple[str, int, int], tuple[str, int, int]]


def links(docs: list[Document]) -> list[Link]:
    """Reuse links of the default detector, documents named by file name."""
    name = {d.id: Path(d.source).name for d in docs}
    found = ReuseDetector().fit([ReuseDoc.from_document(d) for d in docs]).links()
    return [((name[x.a_doc], x.a_start, x.a_end), (name[x.b_doc], x.b_start, x.b_end)) for x in found]


def label_of(link: Link, labelled: list[dict[str, Any]]) -> str | None:
    """The label of a labelled link with the same documents and overlapping spans, or None."""
    for row in labelled:
        for a, b in ((row["a"], row["b"]), (row["b"], row["a"])):
            if all(x[0] == y[0] and x[1] < y[2] and y[1] < x[2] for x, y in zip(link, (a, b), strict=True)):
                return str(row["label"])
    return None


def main(argv: list[str]) -> None:
    args = list(argv)
    opt: dict[str, str] = {}
    for flag in ("--labels", "--sample"):
        if flag in args:
            i = args.index(flag)
            opt[flag] = args[i + 1]
            del args[i : i + 2]
    show_spans = "--spans" in args
    paths = [a for a in args if a != "--spans"] or [str(DEFAULT)]
    docs = [d for d in iter_documents(paths) if isinstance(d, Document)]
    t0 = time.process_time()
    index = BoilerplateIndex().fit(docs)
    t1 = time.process_time()
    spans = {d.id: index.check(d) for d in docs}
    t2 = time.process_time()
    if show_spans:
        seen = Counter(
            (why, d.text[s:e][:100].replace("\n", " | ")) for d in docs for s, e, why in spans[d.id]
        )
        for (why, text), n in seen.most_common():
            print(n, why, repr(text))
        return
    before = links(docs)
    for d in docs:
        d.layers[LAYER] = [Span(s, e, LAYER) for s, e, _ in spans[d.id]]
    after = links(docs)
    chars = sum(e - s for v in spans.values() for s, e, _ in v)
    out: dict[str, Any] = {
        "documents": len(docs),
        "with_boilerplate": sum(bool(v) for v in spans.values()),
        "passages": sum(len(v) for v in spans.values()),
        "chars": chars,
        "share": round(chars / max(1, sum(len(d.text) for d in docs)), 4),
        "cpu_ms_per_doc": round(1000 * (t2 - t0) / max(1, len(docs)), 2),
        "fit_s": round(t1 - t0, 2),
        "links_before": len(before),
        "links_after": len(after),
    }
    label_file = Path(opt.get("--labels", LABELS if paths == [str(DEFAULT)] else ""))
    if label_file.is_file():
        data = json.loads(label_file.read_text(encoding="utf-8"))
        for key, found, labelled in (
            ("labels_before", before, data["before"] + data["after"]),
            ("labels_after", after, data["after"] + data["before"]),
        ):
            out[key] = dict(Counter(label_of(x, labelled) or "unlabelled" for x in found))
    print(json.dumps(out))
    if "--sample" in opt:
        text = {Path(d.source).name: d.text for d in docs}
        for a, b in random.Random(0).sample(after, min(int(opt["--sample"]), len(after))):
            print(json.dumps({"a": a, "b": b, "text": text[a[0]][a[1] : a[2]][:120]}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
