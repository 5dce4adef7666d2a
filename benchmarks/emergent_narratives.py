"""Narratives as recurring claims on Emergent train headlines: grouped CV by claim, beside baselines.

usage: python benchmarks/emergent_narratives.py [--csv FILE.csv] [--folds 5] [--no-baselines]
                                                [--thresholds 0.26,0.28,0.3,0.32] [--params JSON]

``--csv`` defaults to ../shared/benchdata/emergent/url-versions-2015-06-14-clean-train.csv.

The train claims are split into ``--folds`` groups (scikit-learn ``GroupKFold`` by ``claimId``);
each fold's headlines (about 48 claims, 415 headlines: the size of the held-out test split) are
clustered on their own. For every ``link_threshold`` the per-fold B-cubed F1 is computed; the
grouped-CV figure picks, for each fold, the threshold best on the *other* folds and reports the
held-out fold's score. Every headline is one document analysed by ``analyze_document`` (as
``claimtrace analyze`` does) and clustered by ``NarrativeBuilder`` with its defaults otherwise;
a headline in no narrative is a singleton. Baselines, measured the same way on the raw headlines:
average-linkage agglomerative clustering (scikit-learn, cosine) over TF-IDF, over MiniLM, and over
the fused vectors the narrative stage uses (``claimvecs.fuse_vectors``), their distance threshold
chosen per fold the same way. Prints one JSON line per method.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

DEFAULT = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "benchdata"
    / "emergent"
    / "url-versions-2015-06-14-clean-train.csv"
)


def _cv(table: dict[float, list[float]]) -> dict[str, object]:
    """Per fold: the setting best on the other folds, scored on this one."""
    keys = list(table)
    n = len(next(iter(table.values())))
    picks = []
    for k in range(n):
        best = max(keys, key=lambda t: np.mean([table[t][j] for j in range(n) if j != k]))
        picks.append((best, table[best][k]))
    return {
        "cv_f1": round(float(np.mean([s for _, s in picks])), 4),
        "picked": [t for t, _ in picks],
        "per_setting_mean_f1": {str(t): round(float(np.mean(v)), 4) for t, v in table.items()},
    }


def main() -> None:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import GroupKFold

    from claimtrace.api import Corpus
    from claimtrace.crossdoc.claimvecs import ClaimVectorCache, fuse_vectors, lexical_vectors
    from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput
    from claimtrace.embeddings import encode
    from claimtrace.evaluation.emergent import assign_documents, bcubed, load_emergent
    from claimtrace.nlp.linking import link_entities
    from claimtrace.nlp.pipeline import analyze_document
    from claimtrace.readers import ReadOptions

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", default=str(DEFAULT))
    ap.add_argument("--thresholds", default="0.26,0.28,0.3,0.32")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--params", default="{}", help="other NarrativeBuilder parameters, as JSON")
    ap.add_argument("--no-baselines", action="store_true")
    args = ap.parse_args()
    rows = load_emergent(args.csv)
    gold = {r["articleId"]: r["claimId"] for r in rows}
    corpus = Corpus.open(":memory:")
    opts = ReadOptions(fmt="csv", text_field="articleHeadline", id_field="articleId", detect_language=False)
    corpus.ingest([args.csv], opts)
    docs = list(corpus.documents())
    art = {d.id: str(d.meta["record"]) for d in docs}
    t0 = time.perf_counter()
    analyses = [analyze_document(d) for d in docs]
    entities = link_entities(analyses)
    ids = [r["articleId"] for r in rows]
    folds = [
        {ids[i] for i in te}
        for _, te in GroupKFold(args.folds).split(ids, groups=[r["claimId"] for r in rows])
    ]
    cache = ClaimVectorCache(None)
    thresholds = [float(x) for x in args.thresholds.split(",")]
    extra = json.loads(args.params)

    def ours(fold: set[str], lt: float) -> float:
        idx = [i for i, d in enumerate(docs) if art[d.id] in fold]
        b = NarrativeBuilder(link_threshold=lt, cache=cache, now="bench", **extra).fit(
            [NarrativeInput(docs[i], analyses[i]) for i in idx], entities=entities
        )
        pred = {art[docs[i].id]: "single:" + art[docs[i].id] for i in idx}
        for d, (nid, _st) in assign_documents(b.narratives()).items():
            pred[art[d]] = nid
        return bcubed(pred, {a: gold[a] for a in pred})["f1"]

    table = {lt: [ours(f, lt) for f in folds] for lt in thresholds}
    done = round(time.perf_counter() - t0, 1)
    print(json.dumps({"method": "claimtrace narratives", "params": extra, **_cv(table), "seconds": done}))
    if args.no_baselines:
        return

    texts = [r["articleHeadline"] for r in rows]
    minilm = encode(texts)
    reps = {
        "TF-IDF average linkage": TfidfVectorizer(sublinear_tf=True, stop_words="english")
        .fit_transform(texts)
        .toarray(),
        "MiniLM average linkage": minilm,
        "fused (MiniLM + TF-IDF) average linkage": fuse_vectors(
            minilm, lexical_vectors(texts, max_df=1.0), lexical_weight=0.5
        ),
    }
    grid = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
    for name, mat in reps.items():
        base: dict[float, list[float]] = {t: [] for t in grid}
        for fold in folds:
            idx = [i for i, a in enumerate(ids) if a in fold]
            for t in grid:
                lab = AgglomerativeClustering(
                    n_clusters=None, metric="cosine", linkage="average", distance_threshold=1 - t
                ).fit_predict(mat[idx])
                pred = {ids[i]: str(x) for i, x in zip(idx, lab, strict=True)}
                base[t].append(bcubed(pred, {ids[i]: gold[ids[i]] for i in idx})["f1"])
        print(json.dumps({"method": name, **_cv(base)}))


if __name__ == "__main__":
    main()
