"""FNC-1 headline/body stance: loader, official scorer, and the ``claimtrace eval stance`` run.

``evaluate_fnc1(bodies_csv, stances_csv, out=PRED.csv)`` predicts agree / disagree / discuss /
unrelated for every row with :func:`claimtrace.crossdoc.stance_model.stance_batch` (the function the
pipeline's ``decide_stance`` uses; claim = headline, document = body, body regime). The input's
``Stance`` column is never read for prediction, only for scoring when present. Scores: the
official FNC score (+0.25 for related/unrelated right, +0.75 more for the right related class) as
a percentage of the maximum, per-class F1 and macro-F1 over the four classes.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtrace.errors import E007, E060, ReadError

__all__ = [
    "LABELS",
    "Pair",
    "evaluate_fnc1",
    "f1_scores",
    "fnc_score",
    "load_fnc1",
    "predict",
    "read_ids",
    "write_predictions",
]

LABELS = ("agree", "disagree", "discuss", "unrelated")

csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class Pair:
    """One row of a stances file: the headline, the body id and its text, the gold label if any."""

    headline: str
    body_id: str
    body: str
    gold: str | None


def _rows(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    if not Path(path).exists():
        raise ReadError(E007, path=path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def read_ids(path: str | Path) -> set[str]:
    """The Body IDs of a split file (one a line)."""
    if not Path(path).exists():
        raise ReadError(E007, path=path)
    return {x.strip() for x in Path(path).read_text(encoding="utf-8").splitlines() if x.strip()}


def _need(path: str | Path, columns: Sequence[str], field: str) -> None:
    if field not in columns:
        raise ReadError(E060, path=path, field=field, columns=", ".join(columns), option="the FNC-1 header")


def load_fnc1(
    bodies_csv: str | Path, stances_csv: str | Path, *, body_ids: Collection[str] | None = None
) -> list[Pair]:
    """The pairs of ``stances_csv`` in file order (only bodies in ``body_ids`` when given)."""
    cols, brows = _rows(bodies_csv)
    for f in ("Body ID", "articleBody"):
        _need(bodies_csv, cols, f)
    bodies = {r["Body ID"]: r["articleBody"] for r in brows}
    cols, srows = _rows(stances_csv)
    for f in ("Headline", "Body ID"):
        _need(stances_csv, cols, f)
    out = []
    for r in srows:
        if body_ids is not None and r["Body ID"] not in body_ids:
            continue
        if r["Body ID"] not in bodies:
            raise ReadError(
                E060,
                path=bodies_csv,
                field=f"Body ID {r['Body ID']}",
                columns="(missing body)",
                option=str(stances_csv),
            )
        gold = (r.get("Stance") or "").strip() or None
        out.append(Pair(r["Headline"], r["Body ID"], bodies[r["Body ID"]], gold))
    return out


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    """The official FNC-1 score and its maximum."""
    score = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if (g == "unrelated") == (p == "unrelated"):
            score += 0.25
        if g != "unrelated" and g == p:
            score += 0.75
    return score, best


def f1_scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, float]:
    """F1 per label and their mean (``macro``)."""
    out: dict[str, float] = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        out[lab] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    out["macro"] = sum(out[lab] for lab in labels) / len(labels)
    return out


def predict(pairs: Sequence[Pair], *, model: Any = None) -> list[str]:
    """The FNC-1 label of each pair from the shared stance function (body regime)."""
    from claimtrace.crossdoc.stance_model import stance_batch

    res = stance_batch([(p.headline, p.body) for p in pairs], regime="body", model=model)
    return [r["label"] for r in res]


def write_predictions(path: str | Path, pairs: Sequence[Pair], pred: Sequence[str]) -> None:
    """``Headline,Body ID,Stance`` in the input's row order."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        for p, lab in zip(pairs, pred, strict=True):
            w.writerow([p.headline, p.body_id, lab])


def score(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """FNC score (percent of the maximum), per-class and macro F1, confusion counts."""
    s, best = fnc_score(gold, pred)
    f1 = f1_scores(gold, pred)
    return {
        "fnc_score": round(100 * s / best, 2) if best else 0.0,
        "fnc_raw": [s, best],
        "macro_f1": round(f1.pop("macro"), 4),
        "f1": {k: round(v, 4) for k, v in f1.items()},
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold)), 4),
        "confusion": {
            g: dict(Counter(p for gg, p in zip(gold, pred, strict=True) if gg == g)) for g in LABELS
        },
    }


def evaluate_fnc1(
    bodies_csv: str | Path,
    stances_csv: str | Path,
    *,
    out: str | Path | None = None,
    body_ids: Collection[str] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Predict every pair (optionally only ``body_ids`` / the first ``limit``), write ``out``, score."""
    pairs = load_fnc1(bodies_csv, stances_csv, body_ids=body_ids)
    if limit is not None:
        pairs = pairs[:limit]
    clock = time.perf_counter()
    pred = predict(pairs)
    seconds = time.perf_counter() - clock
    if out is not None:
        write_predictions(out, pairs, pred)
    result: dict[str, Any] = {
        "pairs": len(pairs),
        "bodies": len({p.body_id for p in pairs}),
        "predicted": dict(Counter(pred)),
        "seconds": round(seconds, 2),
        "ms_per_pair": round(1000 * seconds / max(1, len(pairs)), 3),
    }
    gold = [p.gold for p in pairs]
    if pairs and all(g in LABELS for g in gold):
        result.update(score([g for g in gold if g is not None], pred))
        result["gold"] = dict(Counter(gold))
    return result
