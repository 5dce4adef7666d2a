"""Time story clustering on N synthetic news documents built from the shared corpora.

Each synthetic document is a window of sentences from one real article of ../shared/benchdata
(ECB+, PTC, WikiRef) plus two sentences from random other articles, with a random date over two
years, so there are many small related groups and much noise. Usage:

    .venv/bin/python benchmarks/bench_stories.py --n 10000 [--batch 1000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import time
from pathlib import Path

from claimtrace.crossdoc.stories import StoryClusterer, StoryDoc

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchdata"


def _articles() -> list[list[str]]:
    texts: list[str] = []
    with open(SHARED / "ecbplus" / "ecbplus_docs.jsonl", encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line in fh if line.strip()]
    for folder in (
        SHARED / "ptc_semeval2020_task11" / "train-articles",
        SHARED / "wikiref_news_clustering" / "WikiRef220",
    ):
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
    out = []
    for text in texts:
        sents = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) > 4]
        if len(sents) >= 4:
            out.append(sents)
    return out


def synth(n: int, seed: int = 0) -> list[StoryDoc]:
    rng = random.Random(seed)
    arts = _articles()
    docs = []
    for i in range(n):
        base = rng.randrange(len(arts))
        sents = arts[base]
        k = rng.randint(4, 20)
        start = rng.randrange(max(1, len(sents) - k))
        body = sents[start : start + k] + [rng.choice(rng.choice(arts)) for _ in range(2)]
        day = 1 + (base * 7 + rng.randrange(10)) % 700
        published = f"{2022 + day // 365}-{1 + (day % 365) // 31:02d}-{1 + (day % 365) % 28:02d}"
        docs.append(StoryDoc(id=f"d{i}", text=" ".join(body), published=published))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=0, help="partial_fit batch size (0: one batch)")
    args = ap.parse_args()
    docs = synth(args.n)
    model = StoryClusterer()
    start = time.perf_counter()
    step = args.batch or len(docs)
    for i in range(0, len(docs), step):
        model.partial_fit(docs[i : i + step])
    seconds = time.perf_counter() - start
    t0 = time.perf_counter()
    state = json.dumps(model.to_state())
    state_s = time.perf_counter() - t0
    stories = model.stories()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(docs)} docs, batch {step}: {seconds:.1f} s ({len(docs) / seconds:.0f} docs/s), "
        f"{len(stories)} stories, largest {len(stories[0].documents)}, state {len(state) / 1e6:.1f} MB "
        f"({state_s:.1f} s), peak RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
