"""Narratives as recurring claims, scored on Emergent headlines (and blob sizes on SemEval-2025).

Emergent (NAACL 2016) tracks rumoured claims with many outlets' headlines each. Every headline
becomes one document (id = ``articleId``, text = the headline) and goes through the normal code
path: :meth:`claimtrace.api.Corpus.ingest` of the CSV (the ``claimtrace ingest`` reader, with
``--text-field articleHeadline --id-field articleId``) into a temporary SQLite database, then
:func:`claimtrace.pipeline.analyze` (what ``claimtrace analyze`` runs). Scored:

* **clustering**: each headline's narrative (the one holding most of its claims; a headline in
  none is a singleton) against ``claimId``: B-cubed precision / recall / F1 and the adjusted Rand
  index (scikit-learn);
* **stance**: the stance the headline's narrative records for it, mapped AMPLIFIES -> for,
  ATTRIBUTES -> observing, CONTESTS / DEBUNKS -> against, against ``articleHeadlineStance``:
  accuracy, per-class and macro F1. A headline without a stance (in no narrative) counts as
  wrong; how many there are is reported.

:func:`blob_report` reads the narratives of a document collection (e.g. SemEval-2025 task 10
EN raw documents) for topical blobs: the largest narrative's share of the documents, the share
of one-document narratives, and label samples.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from claimtrace.evaluation.ecbplus import bcubed as ecbplus_bcubed
from claimtrace.model import Narrative

__all__ = [
    "STANCE_MAP",
    "assign_documents",
    "bcubed",
    "blob_report",
    "evaluate_emergent",
    "load_emergent",
    "stance_scores",
]

#: claimtrace stance -> Emergent stance
STANCE_MAP = {"AMPLIFIES": "for", "ATTRIBUTES": "observing", "CONTESTS": "against", "DEBUNKS": "against"}
_CLASSES = ("for", "against", "observing")


def load_emergent(path: str | Path) -> list[dict[str, str]]:
    """The rows of an Emergent clean CSV (articleId, claimId, articleHeadline, articleHeadlineStance)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r.get("articleHeadline") or "").strip()]
    need = {"articleId", "claimId", "articleHeadline", "articleHeadlineStance"}
    if rows and not need <= set(rows[0]):
        raise ValueError(f"{path}: not an Emergent CSV (needs columns {', '.join(sorted(need))})")
    return rows


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of the clustering ``pred`` against ``gold`` (item -> cluster).

    :func:`claimtrace.evaluation.ecbplus.bcubed` over the items of ``gold``, rounded to 4 places.
    """
    items = list(gold)
    p, r, f1 = ecbplus_bcubed([pred[i] for i in items], [gold[i] for i in items])
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def stance_scores(pred: Mapping[str, str | None], gold: Mapping[str, str]) -> dict[str, Any]:
    """Accuracy, per-class and macro F1; a missing prediction (None) counts as wrong."""
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter(gold.values())
    right = 0
    for item, g in gold.items():
        p = pred.get(item)
        if p is not None:
            n_pred[p] += 1
        if p == g:
            tp[g] += 1
            right += 1
    per_class: dict[str, float] = {}
    for c in _CLASSES:
        prec = tp[c] / n_pred[c] if n_pred[c] else 0.0
        rec = tp[c] / n_gold[c] if n_gold[c] else 0.0
        per_class[c] = round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0
    return {
        "accuracy": round(right / len(gold), 4) if gold else 0.0,
        "f1": per_class,
        "macro_f1": round(sum(per_class.values()) / len(_CLASSES), 4),
        "without_stance": sum(1 for item in gold if pred.get(item) is None),
    }


def assign_documents(narratives: Iterable[Narrative]) -> dict[str, tuple[str, str | None]]:
    """Document id -> (its narrative: the one holding most of its claims, the stance recorded there)."""
    count: dict[str, Counter[str]] = defaultdict(Counter)
    stance: dict[tuple[str, str], str | None] = {}
    for n in narratives:
        for c in n.claims:
            count[c.split(":", 1)[0]][n.id] += 1
        for s in n.stances:
            stance[(str(s.get("doc")), n.id)] = s.get("stance")
    out: dict[str, tuple[str, str | None]] = {}
    for doc, cnt in count.items():
        nid = max(cnt.items(), key=lambda kv: (kv[1], kv[0]))[0]
        out[doc] = (nid, stance.get((doc, nid)))
    return out


def _ari(pred: Mapping[str, str], gold: Mapping[str, str]) -> float:
    from sklearn.metrics import adjusted_rand_score

    items = sorted(gold)
    return round(float(adjusted_rand_score([gold[i] for i in items], [pred[i] for i in items])), 4)


def evaluate_emergent(path: str | Path, *, limit: int | None = None, workers: int = 1) -> dict[str, Any]:
    """Ingest + analyze the headlines of ``path`` in a temporary database and score the narratives."""
    from claimtrace.api import Corpus
    from claimtrace.pipeline import analyze
    from claimtrace.readers import ReadOptions

    rows = load_emergent(path)[:limit]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="claimtrace-emergent-") as tmp:
        src = Path(path)
        if limit is not None:  # a shortened copy of the CSV, read by the same reader
            src = Path(tmp) / "emergent.csv"
            with open(src, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["articleHeadline"])
                writer.writeheader()
                writer.writerows(rows)
        with Corpus.open(str(Path(tmp) / "emergent.db")) as corpus:
            options = ReadOptions(
                fmt="csv", text_field="articleHeadline", id_field="articleId", detect_language=False
            )
            ingest = corpus.ingest([str(src)], options)
            t1 = time.perf_counter()
            report = analyze(corpus.store, workers=workers)
            t2 = time.perf_counter()
            article_of = {d.id: str(d.meta.get("record")) for d in corpus.store.iter_documents()}
            narratives = corpus.store.load_narratives()
    assigned = assign_documents(narratives)
    gold = {r["articleId"]: r["claimId"] for r in rows}
    gold_stance = {r["articleId"]: r["articleHeadlineStance"] for r in rows}
    pred = {a: "single:" + a for a in gold}
    pred_stance: dict[str, str | None] = dict.fromkeys(gold)
    for doc, (nid, st) in assigned.items():
        art = article_of.get(doc)
        if art in gold:
            pred[art] = nid
            pred_stance[art] = STANCE_MAP.get(str(st)) if st else None
    sizes = Counter(pred[a] for a in gold if not pred[a].startswith("single:"))
    return {
        "headlines": len(gold),
        "claims": len(set(gold.values())),
        "ingested": ingest.added + ingest.skipped,
        "narratives": len(narratives),
        "headlines_in_a_narrative": sum(sizes.values()),
        "largest_narrative": max(sizes.values(), default=0),
        "bcubed": bcubed(pred, gold),
        "ari": _ari(pred, gold),
        "stance": stance_scores(pred_stance, gold_stance),
        "seconds": {
            "ingest": round(t1 - t0, 2),
            "analyze": round(t2 - t1, 2),
            **{k: round(v, 2) for k, v in report.timings.items()},
        },
    }


def blob_report(narratives: Sequence[Narrative], documents: int, *, samples: int = 5) -> dict[str, Any]:
    """Topical-blob figures of a narrative set over ``documents`` documents."""
    sizes = sorted((len(n.documents) for n in narratives), reverse=True)
    ranked = sorted(narratives, key=lambda n: (-len(n.documents), n.id))
    return {
        "documents": documents,
        "narratives": len(narratives),
        "largest_share": round(sizes[0] / documents, 4) if sizes and documents else 0.0,
        "largest_documents": sizes[0] if sizes else 0,
        "one_document_share": round(sum(1 for s in sizes if s == 1) / len(sizes), 4) if sizes else 0.0,
        "documents_in_a_narrative": len({d for n in narratives for d in n.documents}),
        "samples": [{"documents": len(n.documents), "label": n.label} for n in ranked[:samples]],
    }
