"""Story clustering scored on ECB+ sub-topics (``claimtrace eval stories --ecbplus FILE``).

ECB+ groups news documents into topics, each with two sub-topics that are two different
real-world events of the same type; the sub-topic is the gold story. The input is the derived
``ecbplus_docs.jsonl`` (one JSON object per document with ``doc_name``, ``topic``,
``subtopic``, ``text``, ``split``). The documents of one split are clustered with the default
:class:`claimtrace.crossdoc.stories.StoryClusterer` in file order, and the clusters are scored
with B-cubed precision/recall/F1 and the adjusted Rand index. The source-URL line that opens
every ECB+-half document is removed first (:func:`ecbplus_text`): it would leak the sub-topic.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from claimtrace.crossdoc.stories import StoryClusterer, StoryDoc


def bcubed(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a predicted clustering against a gold one.

    For each item, precision is the share of its predicted cluster that shares its gold cluster,
    recall the share of its gold cluster that shares its predicted cluster; both are averaged
    over items.
    """
    if len(pred) != len(gold):
        raise ValueError("pred and gold must have the same length")
    if not pred:
        return 0.0, 0.0, 0.0
    joint = Counter(zip(pred, gold, strict=True))
    psize = Counter(pred)
    gsize = Counter(gold)
    n = len(pred)
    precision = sum(c * c / psize[p] for (p, _), c in joint.items()) / n
    recall = sum(c * c / gsize[g] for (_, g), c in joint.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie) of two clusterings of the same items."""
    n = len(pred)
    if n != len(gold):
        raise ValueError("pred and gold must have the same length")
    if n < 2:
        return 1.0

    def pairs(k: int) -> float:
        return k * (k - 1) / 2

    index = sum(pairs(c) for c in Counter(zip(pred, gold, strict=True)).values())
    a = sum(pairs(c) for c in Counter(pred).values())
    b = sum(pairs(c) for c in Counter(gold).values())
    expected = a * b / pairs(n)
    maximum = (a + b) / 2
    if math.isclose(maximum, expected):
        return 1.0
    return (index - expected) / (maximum - expected)


def score_clustering(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> dict[str, Any]:
    """B-cubed, ARI and cluster counts of ``pred`` against ``gold``."""
    p, r, f = bcubed(pred, gold)
    sizes = Counter(pred)
    return {
        "n_docs": len(pred),
        "bcubed_precision": p,
        "bcubed_recall": r,
        "bcubed_f1": f,
        "ari": adjusted_rand(pred, gold),
        "n_pred_clusters": len(sizes),
        "n_gold_clusters": len(set(gold)),
        "n_pred_singletons": sum(1 for c in sizes.values() if c == 1),
    }


def load_ecbplus(path: str | Path, *, split: str | None = "dev") -> list[dict[str, Any]]:
    """The documents of ``split`` (all when None) from ``ecbplus_docs.jsonl``, in file order."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if split is None or row.get("split") == split:
                    rows.append(row)
    return rows


def ecbplus_text(text: str) -> str:
    """The document text without its source-URL line.

    Every ECB+ (``ecbplus``) document, and no ECB document, opens with its source URL
    tokenised into a line (``http : / / www . example . com / ...``). That line marks the corpus
    half, which coincides with the gold sub-topic, so leaving it in would leak the answer.
    """
    lines = text.split("\n")
    while lines and lines[0].lstrip().lower().startswith(("http", "www")):
        lines.pop(0)
    return "\n".join(lines)


def evaluate_ecbplus(
    path_jsonl: str | Path, *, split: str = "dev", clusterer: StoryClusterer | None = None
) -> dict[str, Any]:
    """Cluster one ECB+ split into stories and score it against the gold sub-topics.

    ``clusterer`` defaults to ``StoryClusterer()`` (the shipped defaults, the ones evaluated).
    Returns B-cubed precision/recall/F1, ARI, predicted and gold cluster counts, per-topic
    mistakes and the clustering time.
    """
    rows = load_ecbplus(path_jsonl, split=split)
    if not rows:
        raise ValueError(f"{path_jsonl}: no documents in split {split!r}")
    docs = [StoryDoc(id=r["doc_name"], text=ecbplus_text(r["text"])) for r in rows]
    model = clusterer if clusterer is not None else StoryClusterer()
    start = time.perf_counter()
    model.fit(docs)
    seconds = time.perf_counter() - start
    pred = [model.story_of(d.id) or "" for d in docs]
    gold = [str(r["subtopic"]) for r in rows]
    result = score_clustering(pred, gold)
    topic_of = {str(r["subtopic"]): str(r["topic"]) for r in rows}
    merged = defaultdict(set)
    for p, g in zip(pred, gold, strict=True):
        merged[p].add(g)
    result.update(
        {
            "dataset": "ecbplus",
            "split": split,
            "seconds": seconds,
            "merged_events": sorted(sorted(gs) for gs in merged.values() if len(gs) > 1),
            "n_topics": len(set(topic_of.values())),
        }
    )
    return result


def format_report(result: dict[str, Any]) -> str:
    """A short plain-text report of :func:`evaluate_ecbplus` (or :func:`score_clustering`)."""
    lines = [
        f"stories on {result.get('dataset', 'corpus')} {result.get('split', '')}".rstrip()
        + f": {result['n_docs']} documents",
        f"  B-cubed  P {result['bcubed_precision']:.3f}  R {result['bcubed_recall']:.3f}"
        f"  F1 {result['bcubed_f1']:.3f}",
        f"  ARI      {result['ari']:.3f}",
        f"  clusters {result['n_pred_clusters']} predicted ({result['n_pred_singletons']} singletons)"
        f" vs {result['n_gold_clusters']} gold",
    ]
    if "seconds" in result:
        lines.append(f"  time     {result['seconds']:.2f} s")
    merged = result.get("merged_events") or []
    if merged:
        shown = "; ".join("+".join(m) for m in merged[:8])
        more = f" (+{len(merged) - 8} more)" if len(merged) > 8 else ""
        lines.append(f"  predicted stories mixing gold events: {len(merged)}: {shown}{more}")
    return "\n".join(lines)
