"""Story clustering quality: ECB+ train/dev in file order and shuffled, WikiRef220, Emergent headlines.

Default :class:`claimtrace.crossdoc.stories.StoryClusterer` settings (the ones shipped). Usage:

    .venv/bin/python benchmarks/eval_stories.py [--shuffles 3] [--splits train,dev] [--wikiref] [--batch N]
    .venv/bin/python benchmarks/eval_stories.py --splits "" --emergent   # headlines, undated and dated

``--emergent`` clusters the Emergent train headlines (gold: claimId) without dates, then with
each article's capture date (the time in its version-1 UUID, when Emergent recorded it; not a
publication date) as its date, to show what the time factor adds on a dated headline stream.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import re
import statistics
import time
import uuid
from pathlib import Path

from claimtrace.crossdoc.stories import StoryClusterer, StoryDoc
from claimtrace.evaluation.ecbplus import ecbplus_text, load_ecbplus, score_clustering

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchdata"


BATCH = 0  # partial_fit batch size (0: one batch), set from --batch


def _run(docs: list[StoryDoc], gold: dict[str, str]) -> dict[str, float]:
    model = StoryClusterer()
    step = BATCH or max(len(docs), 1)
    for i in range(0, len(docs), step):
        model.partial_fit(docs[i : i + step])
    pred = [model.story_of(d.id) or "" for d in docs]
    return score_clustering(pred, [gold[d.id] for d in docs])


def ecbplus(split: str, shuffles: int) -> None:
    rows = load_ecbplus(SHARED / "ecbplus" / "ecbplus_docs.jsonl", split=split)
    docs = [StoryDoc(id=r["doc_name"], text=ecbplus_text(r["text"])) for r in rows]
    gold = {r["doc_name"]: str(r["subtopic"]) for r in rows}
    f1s = []
    for k in range(shuffles + 1):
        order = list(docs)
        if k:
            random.Random(k).shuffle(order)
        t0 = time.perf_counter()
        res = _run(order, gold)
        f1s.append(res["bcubed_f1"])
        print(
            f"ecbplus {split} {'file order' if k == 0 else f'shuffle {k}'}: "
            f"P {res['bcubed_precision']:.3f} R {res['bcubed_recall']:.3f} F1 {res['bcubed_f1']:.3f} "
            f"ARI {res['ari']:.3f} clusters {res['n_pred_clusters']}/{res['n_gold_clusters']} "
            f"({time.perf_counter() - t0:.1f} s)"
        )
    print(f"ecbplus {split}: F1 mean {statistics.mean(f1s):.3f} min {min(f1s):.3f} over {len(f1s)} orders")


def wikiref() -> None:
    files = sorted((SHARED / "wikiref_news_clustering" / "WikiRef220").glob("*.txt"))
    docs = [StoryDoc(id=f.name, text=f.read_text(encoding="utf-8", errors="replace")) for f in files]
    gold = {f.name: re.sub(r"(\.\d+| \(\d+\))$", "", f.stem) for f in files}
    res = _run(docs, gold)
    print(
        f"wikiref220: P {res['bcubed_precision']:.3f} R {res['bcubed_recall']:.3f} "
        f"F1 {res['bcubed_f1']:.3f} ARI {res['ari']:.3f} "
        f"clusters {res['n_pred_clusters']}/{res['n_gold_clusters']}"
    )


def emergent() -> None:
    path = SHARED / "emergent" / "url-versions-2015-06-14-clean-train.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    start = datetime.datetime(1582, 10, 15)
    gold = {r["articleId"]: r["claimId"] for r in rows}
    for dated in (False, True):
        docs = [
            StoryDoc(
                id=r["articleId"],
                text=r["articleHeadline"],
                published=(start + datetime.timedelta(microseconds=uuid.UUID(r["articleId"]).time // 10))
                .date()
                .isoformat()
                if dated
                else None,
            )
            for r in rows
        ]
        res = _run(docs, gold)
        print(
            f"emergent headlines {'capture-dated' if dated else 'undated'}: P {res['bcubed_precision']:.3f} "
            f"R {res['bcubed_recall']:.3f} F1 {res['bcubed_f1']:.3f} ARI {res['ari']:.3f} "
            f"clusters {res['n_pred_clusters']}/{res['n_gold_clusters']}",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shuffles", type=int, default=3)
    ap.add_argument("--splits", default="train,dev")
    ap.add_argument("--wikiref", action="store_true")
    ap.add_argument("--emergent", action="store_true", help="Emergent headlines, undated and dated")
    ap.add_argument("--batch", type=int, default=0, help="partial_fit batch size (0: one batch)")
    args = ap.parse_args()
    global BATCH
    BATCH = args.batch
    for split in filter(None, args.splits.split(",")):
        ecbplus(split, args.shuffles)
    if args.wikiref:
        wikiref()
    if args.emergent:
        emergent()


if __name__ == "__main__":
    main()
