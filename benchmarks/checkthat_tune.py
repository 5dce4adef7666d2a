"""Choose the BM25 weight of fact-check matching on the CheckThat! train splits (check on dev).

Ranks every verified claim of the 2020 Task 2 and the 2021/2022 Task 2A English collections for
each train and dev tweet the way ``Matcher.match_factchecks`` scores them (MiniLM cosine of
``factcheck_text`` and ``clean_query``, plus ``w`` times the BM25 score divided by the query's
best), exhaustively instead of through the HNSW candidates, and prints MAP@5 per weight::

    python benchmarks/checkthat_tune.py [--shared ../shared] [--cache /tmp/ct-cache]

The weight shipped (``claimtrace.search.match.LEXICAL_WEIGHT``) is the one with the best mean
train MAP@5; dev is only reported. The held-out test sets are not read here.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from pathlib import Path

import numpy as np

from claimtrace.embeddings import encode
from claimtrace.evaluation.checkthat import map_at_k, read_qrels, read_queries
from claimtrace.search.lexical import LexicalIndex, clean_query, factcheck_text

WEIGHTS = (0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5)
CT = "benchdata/clef_checkthat_claim_retrieval"


def _collections(shared: Path) -> dict[str, tuple[dict[str, dict[str, str]], dict[str, tuple[Path, Path]]]]:
    base = shared / CT
    with open(base / "2020_task2/v3.0/verified_claims.docs.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))[1:]
    v20 = {r[0]: {"text": r[1], "title": r[2]} for r in rows}
    with open(base / "2021_2022_task2a_en/vclaims.jsonl", encoding="utf-8") as fh:
        v22 = {o["vclaim_id"]: {"text": o["vclaim"], "title": o.get("title")} for o in map(json.loads, fh)}
    t20, t22 = base / "2020_task2/v3.0", base / "2021_2022_task2a_en"
    return {
        "2020": (
            v20,
            {
                "train": (t20 / "train/tweets.queries.tsv", t20 / "train/tweet-vclaim-pairs.qrels"),
                "dev": (t20 / "dev/tweets.queries.tsv", t20 / "dev/tweet-vclaim-pairs.qrels"),
            },
        ),
        "2022": (
            v22,
            {
                "train": (
                    t22 / "CT2022-Task2A-EN-Train_Queries.tsv",
                    t22 / "CT2022-Task2A-EN-Train_QRELs.tsv",
                ),
                "dev": (
                    t22 / "CT2022-Task2A-EN-Dev-Test_Queries.tsv",
                    t22 / "CT2022-Task2A-EN-Dev-Test_QRELs.tsv",
                ),
            },
        ),
    }


def _embed(texts: list[str], cache: Path | None, name: str) -> np.ndarray:
    path = cache / f"{name}.npy" if cache else None
    if path is not None and path.exists():
        return np.load(path)
    vecs = encode(texts)
    if path is not None:
        np.save(path, vecs)
    return vecs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--cache", default=None, help="Keep embeddings here between runs.")
    args = ap.parse_args()
    cache = Path(args.cache) if args.cache else None
    if cache:
        os.makedirs(cache, exist_ok=True)
    table: dict[str, dict[str, float]] = {}
    for name, (claims, splits) in _collections(Path(args.shared)).items():
        ids = list(claims)
        texts = [factcheck_text(claims[i]) for i in ids]
        matrix = _embed(texts, cache, f"claims{name}")
        lexical = LexicalIndex.build(ids, texts)
        for split, (qpath, rpath) in splits.items():
            queries = read_queries(qpath)
            gold = read_qrels(rpath)
            cleaned = [clean_query(t) or t for _, t in queries]
            cos = _embed(cleaned, cache, f"queries{name}{split}") @ matrix.T
            bm25 = lexical.scores(cleaned)
            bm25 /= np.maximum(bm25.max(axis=1, keepdims=True), 1e-9)
            for w in WEIGHTS:
                top = np.argsort(-(cos + w * bm25), axis=1)[:, :5]
                ranked = {q: [ids[j] for j in top[n]] for n, (q, _) in enumerate(queries)}
                table.setdefault(f"{name} {split}", {})[f"{w:g}"] = round(map_at_k(ranked, gold, 5), 4)
            print(json.dumps({f"{name} {split}": table[f"{name} {split}"]}), flush=True)
    mean_train = {
        f"{w:g}": np.mean([table[f"{n} train"][f"{w:g}"] for n in ("2020", "2022")]) for w in WEIGHTS
    }
    best = max(mean_train, key=lambda w: mean_train[w])
    print(
        json.dumps({"best_train_weight": float(best), "mean_train_map@5": round(float(mean_train[best]), 4)})
    )


if __name__ == "__main__":
    main()
