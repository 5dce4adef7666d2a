"""CheckThat! claim retrieval ("detecting previously fact-checked claims"), scored like the lab.

:func:`evaluate_match` imports a collection of verified claims into a fresh database (through
:func:`~claimtrace.search.archive.import_archives`, as ``claimtrace factchecks import`` does),
ranks the top 5 fact-checks of every query through
:meth:`~claimtrace.search.match.Matcher.match_factchecks` (the code behind ``claimtrace
match``), one query at a time, and scores the ranking against TREC qrels.

Formats: queries ``qid<TAB>text`` (a header row such as ``tweet_id<TAB>tweet_content`` is
skipped); qrels TREC ``qid 0 claim_id relevance`` (whitespace-separated); claims any archive
file ``factchecks import`` reads (the 2020 ``verified_claims.docs.tsv``, the 2021/2022
``vclaims.jsonl``). MAP@k divides the precision sum by the number of relevant claims, as
trec_eval's ``map_cut_k`` does; a query without a ranking scores 0.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["evaluate_match", "map_at_k", "precision_at_1", "read_qrels", "read_queries", "write_run"]

_HEADER_IDS = frozenset({"", "id", "qid", "query_id", "tweet_id", "iclaim_id", "sentence_id"})


def read_queries(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """``(qid, text)`` pairs in file order (a repeated id keeps its first text)."""
    out: dict[str, str] = {}
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh):
            qid, sep, text = line.rstrip("\r\n").partition("\t")
            qid = qid.strip()
            if not sep or (n == 0 and qid.lower() in _HEADER_IDS):
                continue
            out.setdefault(qid, text.strip())
    return list(out.items())


def read_qrels(path: str | os.PathLike[str]) -> dict[str, set[str]]:
    """Query id -> relevant claim ids (TREC qrels; relevance 0 lines are left out)."""
    rel: dict[str, set[str]] = {}
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 4 and parts[3].lstrip("-").isdigit() and int(parts[3]) <= 0:
                continue
            if len(parts) >= 3:
                rel.setdefault(parts[0], set()).add(parts[2])
    return rel


def map_at_k(ranked: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]], k: int = 5) -> float:
    """Mean average precision at ``k`` over the queries of ``qrels``."""

    def ap(qid: str) -> float:
        relevant = qrels[qid]
        hits = 0
        total = 0.0
        for i, cid in enumerate(list(ranked.get(qid, []))[:k], 1):
            if cid in relevant:
                hits += 1
                total += hits / i
        return total / len(relevant)

    return statistics.fmean(ap(q) for q in qrels) if qrels else 0.0


def precision_at_1(ranked: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]]) -> float:
    """Share of the queries of ``qrels`` whose first claim is relevant."""
    if not qrels:
        return 0.0
    return statistics.fmean(float(bool(ranked.get(q)) and ranked[q][0] in rel) for q, rel in qrels.items())


def write_run(
    path: str | os.PathLike[str], runs: Mapping[str, Sequence[tuple[str, float]]], tag: str
) -> None:
    """A TREC run file: ``qid Q0 claim_id rank score tag`` per ranked claim."""
    with open(path, "w", encoding="utf-8") as fh:
        for qid, row in runs.items():
            for rank, (cid, score) in enumerate(row, 1):
                fh.write(f"{qid}\tQ0\t{cid}\t{rank}\t{score:.4f}\t{tag}\n")


def evaluate_match(
    queries: str | os.PathLike[str],
    claims: str | os.PathLike[str],
    qrels: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str] | None = None,
    k: int = 5,
    fields: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Import ``claims``, rank ``k`` of them per query, score against ``qrels``.

    Returns ``{"queries", "scored", "claims", "map@1", "map@5", "p@1", "import_s",
    "ms_per_query_p50", "ms_per_query_p95", "cpu_ms_per_query_p95"}`` (wall-clock and CPU
    milliseconds per query; the CPU figure is what a query costs when the machine is shared);
    the run is written to ``out`` when given.
    """
    from claimtrace.search.archive import import_archives
    from claimtrace.search.match import Matcher
    from claimtrace.store import open_store

    gold = read_qrels(qrels)
    items = read_queries(queries)
    runs: dict[str, list[tuple[str, float]]] = {}
    latencies: list[float] = []
    cpu: list[float] = []  # CPU time of this process (all its threads): the cost without other load
    with tempfile.TemporaryDirectory(prefix="claimtrace-eval-") as tmp:
        db = str(Path(tmp) / "archive.db")
        with open_store(db) as store:
            t0 = time.perf_counter()
            stats = import_archives(store, db, [str(claims)], fields=fields)
            import_s = time.perf_counter() - t0
            matcher = Matcher(store, db, sync=False)
            matcher.match_factchecks(["warm-up query"], k=k)
            for qid, text in items:
                t1, c1 = time.perf_counter(), time.process_time()
                (row,) = matcher.match_factchecks([text], k=k)
                latencies.append((time.perf_counter() - t1) * 1000)
                cpu.append((time.process_time() - c1) * 1000)
                runs[qid] = [(hit["id"], hit["score"]) for hit in row]
    if out is not None:
        write_run(out, runs, tag="claimtrace")
    ranked = {q: [cid for cid, _ in row] for q, row in runs.items()}
    latencies.sort()
    cpu.sort()
    return {
        "queries": len(items),
        "scored": sum(q in ranked for q in gold),
        "claims": stats["total"],
        "map@1": round(map_at_k(ranked, gold, 1), 4),
        "map@5": round(map_at_k(ranked, gold, 5), 4),
        "p@1": round(precision_at_1(ranked, gold), 4),
        "import_s": round(import_s, 1),
        "ms_per_query_p50": round(latencies[len(latencies) // 2], 1) if latencies else None,
        "ms_per_query_p95": round(latencies[int(len(latencies) * 0.95)], 1) if latencies else None,
        "cpu_ms_per_query_p95": round(cpu[int(len(cpu) * 0.95)], 1) if cpu else None,
    }
