"""Narratives against SemEval-2025 task 10 (subtask 2, English): do documents that share a fine
subnarrative end up sharing a claimtrace narrative?

The task labels whole documents with (sub)narratives from a fixed taxonomy ("URW: Discrediting
Ukraine: Discrediting Ukrainian military"); claimtrace clusters *claims* into open-ended
narratives with no taxonomy. The comparison is therefore over documents:

* **pairs**: over all pairs of documents whose dominant subnarrative is not "Other", gold
  "same" = the two share their dominant subnarrative (subtask 3's dominant label where given,
  else the first subnarrative listed in subtask 2); predicted "same" = the two documents hold
  claims of at least one common claimtrace narrative. Precision, recall and F1 over pairs, with
  the base rate (the precision of pairing documents at random) for scale; the same at the
  coarse level (dominant narrative).
* **B-cubed**: each document's cluster is the claimtrace narrative holding most of its claims
  (a document in none is a singleton) against its dominant subnarrative; reported beside the
  trivial all-singletons clustering (precision 1 by construction).

Runs the whole per-document pipeline and the narrative stage on the documents (the local
MiniLM by default). No training; nothing is tuned on this data.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

from claimtrace.evaluation.emergent import bcubed as _bcubed

__all__ = ["evaluate_semeval_narratives", "format_report", "load_semeval_labels"]


def load_semeval_labels(directory: str | Path) -> dict[str, dict[str, str]]:
    """Doc id -> {"narrative", "subnarrative"}: the dominant labels (subtask 3, else first of subtask 2)."""
    d = Path(directory)
    out: dict[str, dict[str, str]] = {}
    for line in (d / "subtask-2-annotations.txt").read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 3:
            continue
        out[parts[0]] = {
            "narrative": parts[1].split(";")[0].strip(),
            "subnarrative": parts[2].split(";")[0].strip(),
        }
    st3 = d / "subtask-3-annotations.txt"
    if st3.is_file():
        for line in st3.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0] in out:
                out[parts[0]] = {"narrative": parts[1].strip(), "subnarrative": parts[2].strip()}
    for lab in out.values():  # the coarse label is the fine label's parent ("CC: X: Y" -> "CC: X")
        if lab["subnarrative"].count(": ") >= 2:
            lab["narrative"] = lab["subnarrative"].rsplit(": ", 1)[0]
    return out


def _pairs_pr(
    clusters_of: dict[str, set[str]], gold: dict[str, str], docs: Iterable[str]
) -> dict[str, float]:
    docs = sorted(docs)
    tp = pred = true = total = 0
    for a, b in combinations(docs, 2):
        same_gold = gold[a] == gold[b]
        same_pred = bool(clusters_of.get(a, set()) & clusters_of.get(b, set()))
        total += 1
        true += same_gold
        pred += same_pred
        tp += same_gold and same_pred
    p = tp / pred if pred else 0.0
    r = tp / true if true else 0.0
    return {
        "pairs": total,
        "gold_pairs": true,
        "predicted_pairs": pred,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "base_rate": round(true / total, 4) if total else 0.0,
    }


def evaluate_semeval_narratives(
    directory: str | Path,
    *,
    limit: int | None = None,
    encoder: Any = None,
    cache_path: str | Path | None = None,
    **params: Any,
) -> dict[str, Any]:
    """Run claimtrace on the task's documents and compare its narratives with the gold labels.

    ``directory`` holds ``raw-documents/`` and ``subtask-2-annotations.txt`` (e.g.
    ``train_dec2024_release_EN``); ``limit`` takes the first N labelled documents;
    ``encoder`` / ``params`` go to :class:`~claimtrace.crossdoc.narratives.NarrativeBuilder`;
    ``cache_path`` a claim-vector cache file (re-runs skip the encoding). The result's
    ``"narrative_list"`` holds the narratives themselves (for inspection; not printed).
    """
    from claimtrace.crossdoc.claimvecs import ClaimVectorCache
    from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput
    from claimtrace.model import Document
    from claimtrace.nlp.linking import link_entities
    from claimtrace.nlp.pipeline import analyze_document

    d = Path(directory)
    labels = load_semeval_labels(d)
    names = sorted(n for n in labels if (d / "raw-documents" / n).is_file())[:limit]
    t0 = time.perf_counter()
    docs, analyses = [], []
    for name in names:
        text = (d / "raw-documents" / name).read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        doc = Document(text=body.strip() or text, source=name, id=name, title=title.strip() or None)
        docs.append(doc)
        analyses.append(analyze_document(doc))
    t1 = time.perf_counter()
    cache = ClaimVectorCache(cache_path) if cache_path else None
    builder = NarrativeBuilder(encoder=encoder, now="eval", cache=cache, **params).fit(
        [NarrativeInput(doc, an) for doc, an in zip(docs, analyses, strict=True)],
        entities=link_entities(analyses),
    )
    t2 = time.perf_counter()
    if cache is not None:
        cache.save()
    nars = builder.narratives()
    clusters_of: dict[str, set[str]] = defaultdict(set)
    claims_in: dict[str, Counter[str]] = defaultdict(Counter)
    for n in nars:
        for c in n.claims:
            doc_id = c.split(":", 1)[0]
            clusters_of[doc_id].add(n.id)
            claims_in[doc_id][n.id] += 1
    scored = [n for n in names if labels[n]["subnarrative"] != "Other"]
    fine = {n: labels[n]["subnarrative"] for n in scored}
    coarse = {n: labels[n]["narrative"] for n in scored}
    largest = {
        n: (max(claims_in[n].items(), key=lambda kv: (kv[1], kv[0]))[0] if claims_in[n] else "single:" + n)
        for n in scored
    }
    return {
        "documents": len(names),
        "scored_documents": len(scored),
        "claims": sum(len(a.claims) for a in analyses),
        "narratives": len(nars),
        "documents_in_a_narrative": sum(1 for n in names if clusters_of.get(n)),
        "multi_document_narratives": sum(1 for n in nars if len(n.documents) > 1),
        "fine_labels": len(set(fine.values())),
        "pairs_fine": _pairs_pr(clusters_of, fine, scored),
        "pairs_fine_largest": _pairs_pr({n: {v} for n, v in largest.items()}, fine, scored),
        "pairs_coarse": _pairs_pr(clusters_of, coarse, scored),
        "bcubed_fine": _bcubed(largest, fine),
        "bcubed_singletons": _bcubed({n: n for n in scored}, fine),
        "seconds": {
            "per_document": round(t1 - t0, 1),
            "narratives": round(t2 - t1, 1),
            **{k: round(v, 1) for k, v in builder.timings_.items()},
        },
        "embedded_claims": len(builder.vecs_),
        "background_mean_cosine": builder.background_mean_,
        "narrative_list": nars,
    }


def format_report(result: dict[str, Any]) -> str:
    """A short plain-text report of :func:`evaluate_semeval_narratives`."""
    lines = [
        f"documents {result['documents']} (scored: {result['scored_documents']} with a non-Other "
        f"dominant subnarrative, {result['fine_labels']} distinct), claims {result['claims']}, "
        f"narratives {result['narratives']} ({result['multi_document_narratives']} spanning >1 document), "
        f"documents in a narrative {result['documents_in_a_narrative']}",
    ]
    for key, name in (
        ("pairs_fine", "pairs, fine"),
        ("pairs_fine_largest", "pairs, fine, same largest narrative"),
        ("pairs_coarse", "pairs, coarse"),
    ):
        m = result[key]
        lines.append(
            f"{name}: P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
            f"(base rate {m['base_rate']:.3f}; {m['predicted_pairs']} predicted / {m['gold_pairs']} gold "
            f"of {m['pairs']} pairs)"
        )
    b = result["bcubed_fine"]
    lines.append(
        f"B-cubed, fine (largest narrative per document): P {b['precision']:.3f} R {b['recall']:.3f} "
        f"F1 {b['f1']:.3f} (every document alone: F1 {result['bcubed_singletons']['f1']:.3f})"
    )
    s = result["seconds"]
    lines.append(
        "time (s): "
        + ", ".join(f"{k} {v}" for k, v in s.items())
        + f"; embedded claims {result['embedded_claims']}"
    )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(
        format_report(
            evaluate_semeval_narratives(sys.argv[1], limit=int(sys.argv[2]) if len(sys.argv) > 2 else None)
        )
    )
