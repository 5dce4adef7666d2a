"""Match a new claim against the claims already known: nearest claims, narratives, fact-checks.

For a claim text, :func:`match` returns the ``k`` nearest stored claims by cosine similarity
of their MiniLM vectors, each with the known claim (text, document, speaker, outlet, date),
its narrative, any fact-check (the analyst rating of that narrative, and imported reference
claims near the known claim, or near the new claim when the two are close) and the
evidence: the matching span and the names and numbers the two texts share or do not share.

:func:`match_file` reads a new article, finds its claims with the per-document pipeline (its
sentences when it has none) and matches each. :class:`Matcher` keeps the indexes and lookup
tables open across many queries.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.errors import E070, ClaimtraceError
from claimtrace.nlp.quantities import find_quantities
from claimtrace.search.lexical import LexicalIndex, clean_query, factcheck_text, load_lexical_index
from claimtrace.search.lookup import Lookup
from claimtrace.search.sync import EncodeFn, _default_encode, load_indexes, reference_id, reference_text
from claimtrace.search.vectors import index_root
from claimtrace.store.base import Store

__all__ = ["REFERENCE_MIN", "Matcher", "evidence", "match", "match_factchecks", "match_file"]

#: An imported fact-check is attached when its claim is at least this close (cosine).
REFERENCE_MIN = 0.6
#: Reference claims looked at per query vector.
REFERENCE_K = 3
#: Weight of the BM25 score (divided by the query's best) added to the cosine when ranking an
#: archive's fact-checks; chosen on the CheckThat 2020 and 2022 train splits (docs/quality.md).
LEXICAL_WEIGHT = 0.3
#: Fact-checks taken from the vector index, and from BM25, before fusing.
CANDIDATES = 100
LEXICAL_CANDIDATES = 30
#: Sentences shorter than this (words) are not matched when an article has no claims.
MIN_SENTENCE_WORDS = 6

_CAP = re.compile(r"\b[A-Z][\w'’.-]*\w|\b[A-Z]\b")
_NUM = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:\s?%)?")
_DIGITS = re.compile(r"\d")
_SENT_START = re.compile(r"(?:^|[.!?:;\"“”(]\s*)$")


def _common_words() -> frozenset[str]:
    try:
        from claimtrace.nlp.entity_rules import COMMON_WORDS
    except ImportError:  # pragma: no cover
        return frozenset()
    return COMMON_WORDS


def _names(text: str) -> dict[str, str]:
    """Capitalised tokens (folded -> as written), skipping common words that open a sentence."""
    common = _common_words()
    out: dict[str, str] = {}
    for m in _CAP.finditer(text):
        word = m.group(0).rstrip(".")
        low = word.lower().replace("’", "'").removesuffix("'s")
        if (low in common or len(low) < 2) and _SENT_START.search(text[: m.start()]):
            continue
        if low in {"i", "the", "a", "an"}:
            continue
        out.setdefault(low, word)
    return out


def _numbers(text: str) -> dict[str, str]:
    """Numbers (normalised -> as written): digits with separators, percentages, number words."""
    out: dict[str, str] = {}
    for m in _NUM.finditer(text):
        raw = m.group(0)
        norm = raw.replace(" ", "").replace(",", "")
        if "." in norm and norm.rstrip("%").replace(".", "").isdigit() and norm.count(".") > 1:
            norm = norm.replace(".", "")  # 1.000.000 style thousands
        out.setdefault(norm, raw)
    for q in find_quantities(text):  # numbers in words ("sixty", "a dozen") as the extractor reads them
        if not _DIGITS.search(q.text):
            out.setdefault(f"{q.value:g}", q.text)
    return out


def evidence(query: str, match_text: str) -> dict[str, Any]:
    """A light lexical comparison: the span, shared names and numbers, numbers on one side only."""
    qn, mn = _names(query), _names(match_text)
    qd, md = _numbers(query), _numbers(match_text)
    return {
        "span": match_text,
        "shared_names": [mn[k] for k in mn if k in qn],
        "shared_numbers": [md[k] for k in md if k in qd],
        "numbers_only_in_query": [qd[k] for k in qd if k not in md],
        "numbers_only_in_match": [md[k] for k in md if k not in qd],
    }


class Matcher:
    """Matches claim texts against one database; build once, call :meth:`match` many times.

    ``lookup`` (:class:`~claimtrace.search.lookup.Lookup`) reads and keeps what matches show;
    pass one to share it between matchers. Analyst ratings are read once per matcher.
    """

    def __init__(
        self,
        store: Store,
        db_path: str | os.PathLike[str] | None,
        *,
        sync: bool = True,
        encode: EncodeFn | None = None,
        reference_min: float = REFERENCE_MIN,
        lookup: Lookup | None = None,
    ) -> None:
        self.store = store
        #: what hits show (claims, narratives, fact-checks); kept by the caller between matchers
        self.lookup = lookup if lookup is not None else Lookup(store)
        self.encode = encode or _default_encode
        self.reference_min = reference_min
        self.indexes = load_indexes(
            store, db_path, namespaces=("claims", "reference"), sync=sync, encode=encode
        )
        if len(self.indexes["claims"]) == 0 and len(self.indexes["reference"]) == 0:
            raise ClaimtraceError(E070, db=store.url or str(db_path))
        self._ratings: dict[str, dict[str, Any]] | None = None  # read once per matcher
        self._root = index_root(db_path if db_path is not None else (store.url or None))
        self._sync = sync
        self._lexical: LexicalIndex | None = None
        self._lexical_ids: dict[str, int] = {}

    def _narrative_of(self, claim_id: str) -> dict[str, str] | None:
        if self._ratings is None:
            self._ratings = self.store.load_ratings()
        return self.lookup.narrative_of(claim_id)

    def _reference(self, rid: str) -> dict[str, Any] | None:
        return self.lookup.reference(rid)

    def _reference_hits(self, vectors: np.ndarray) -> list[dict[str, float]]:
        """Per row of ``vectors``: reference id -> cosine, for references above the threshold."""
        ref = self.indexes["reference"]
        if len(ref) == 0 or len(vectors) == 0:
            return [{} for _ in range(len(vectors))]
        return [
            {rid: s for rid, s in row if s >= self.reference_min} for row in ref.query(vectors, REFERENCE_K)
        ]

    def match(self, text: str, *, k: int = 5) -> list[dict[str, Any]]:
        """The ``k`` known claims nearest to ``text`` (see :func:`match`)."""
        return self.match_many([text], k=k)[0]

    def match_many(
        self, texts: Sequence[str], *, k: int = 5, vectors: np.ndarray | None = None
    ) -> list[list[dict[str, Any]]]:
        """:meth:`match` for many texts at once (one encoder call; ``vectors`` if already embedded)."""
        if not texts:
            return []
        if len(self.indexes["claims"]) == 0:
            return [[] for _ in texts]
        qvecs = vectors if vectors is not None else self.encode(list(texts))
        neighbours = self.indexes["claims"].query(qvecs, k)
        ids = [cid for row in neighbours for cid, _ in row]
        records = self.lookup.claim_records(ids)
        query_refs = self._reference_hits(qvecs)
        known = [cid for cid in dict.fromkeys(ids) if cid in records]
        known_refs = (
            dict(zip(known, self._reference_hits(self.indexes["claims"].vectors(known)), strict=True))
            if len(self.indexes["reference"])
            else {}
        )
        out: list[list[dict[str, Any]]] = []
        for text, row, qrefs in zip(texts, neighbours, query_refs, strict=True):
            results = []
            for cid, score in row:
                rec = records.get(cid)
                if rec is None:
                    continue
                narrative = self._narrative_of(cid)
                results.append(
                    {
                        "id": cid,
                        "score": round(score, 4),
                        "claim": rec,
                        "narrative": narrative,
                        "fact_checks": self._fact_checks(
                            narrative,
                            known_refs.get(cid, {}),
                            qrefs if score >= self.reference_min else {},
                        ),
                        "evidence": evidence(text, rec["text"]),
                    }
                )
            out.append(results)
        return out

    def match_factchecks(
        self, texts: Sequence[str], *, k: int = 5, vectors: np.ndarray | None = None
    ) -> list[list[dict[str, Any]]]:
        """The ``k`` imported fact-checks nearest to each text, best first (see :func:`match_factchecks`).

        ``vectors``: the texts already embedded; only texts that lose links or ``#`` are re-encoded.
        """
        ref = self.indexes["reference"]
        if not texts:
            return []
        if len(ref) == 0:
            return [[] for _ in texts]
        queries = [clean_query(t) or t for t in texts]
        if vectors is None:
            qvecs = self.encode(queries)
        else:
            qvecs = np.array(vectors, copy=True)
            changed = [i for i, (q, t) in enumerate(zip(queries, texts, strict=True)) if q != t]
            if changed:
                qvecs[changed] = self.encode([queries[i] for i in changed])
        near = ref.query(qvecs, min(CANDIDATES, len(ref)))
        lexical = self._lexical_index()
        bm25 = lexical.scores(queries) if lexical is not None else None
        out: list[list[dict[str, Any]]] = []
        for row, (text, hits) in enumerate(zip(texts, near, strict=True)):
            cosine = dict(hits)
            lex = self._lexical_hits(bm25[row], cosine, qvecs[row]) if bm25 is not None else {}
            fused = {rid: c + LEXICAL_WEIGHT * lex.get(rid, 0.0) for rid, c in cosine.items()}
            ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
            results = []
            for rid, score in ranked:
                rec = self._reference(rid)
                if rec is None:
                    continue
                results.append(
                    {
                        "id": rid,
                        "score": round(score, 4),
                        "cosine": round(cosine[rid], 4),
                        "bm25": round(lex.get(rid, 0.0), 4),
                        "fact_check": _factcheck_view(rec),
                        "evidence": evidence(text, reference_text(rec)),
                    }
                )
            out.append(results)
        return out

    def _lexical_hits(
        self, scores: np.ndarray, cosine: dict[str, float], qvec: np.ndarray
    ) -> dict[str, float]:
        """BM25 scores divided by the best, for the best BM25 hits and the vector candidates.

        BM25 hits that the vector index did not return get their exact cosine added to ``cosine``.
        """
        top = float(scores.max()) if len(scores) else 0.0
        if top <= 0 or self._lexical is None:
            return {}
        ids = self._lexical.ids
        n_best = min(LEXICAL_CANDIDATES, len(scores) - 1)
        lex = {ids[int(j)]: float(scores[j]) / top for j in np.argpartition(-scores, n_best)[: n_best + 1]}
        lex = {rid: s for rid, s in lex.items() if s > 0}
        for rid in cosine:
            j = self._lexical_ids.get(rid)
            if j is not None:
                lex[rid] = float(scores[j]) / top
        ref = self.indexes["reference"]
        missing = [rid for rid in lex if rid not in cosine and rid in ref]
        if missing:
            sims = ref.vectors(missing) @ (qvec / max(float(np.linalg.norm(qvec)), 1e-9))
            cosine.update(zip(missing, map(float, sims), strict=True))
        return lex

    def _lexical_index(self) -> LexicalIndex | None:
        """The archive's BM25 index when it is current (rebuilt here only when syncing)."""
        if self._lexical is not None:
            return self._lexical
        ids = self.indexes["reference"].ids()
        index = load_lexical_index(self._root, ids)
        if index is None and self._sync:
            from claimtrace.search.lexical import build_lexical_index

            refs = {reference_id(r): r for r in self.store.load_reference_claims()}
            index = build_lexical_index(self._root, ids, [factcheck_text(refs[i]) for i in ids])
        if index is not None:
            self._lexical = index
            self._lexical_ids = {rid: n for n, rid in enumerate(index.ids)}
        return index

    def _fact_checks(
        self, narrative: dict[str, str] | None, *ref_hits: dict[str, float]
    ) -> list[dict[str, Any]]:
        checks: list[dict[str, Any]] = []
        rating = (self._ratings or {}).get(narrative["id"]) if narrative else None
        if narrative and rating:
            checks.append(
                {
                    "source": "narrative_rating",
                    "narrative": narrative["id"],
                    "rating": rating.get("rating"),
                    "note": rating.get("note"),
                    "author": rating.get("author"),
                    "date": rating.get("created_at"),
                }
            )
        best: dict[str, float] = {}
        for hits in ref_hits:
            for rid, s in hits.items():
                best[rid] = max(s, best.get(rid, -1.0))
        for rid, s in sorted(best.items(), key=lambda kv: -kv[1]):
            ref = self._reference(rid)
            if ref is None:
                continue
            checks.append(
                {
                    "source": "reference",
                    "id": rid,
                    "text": reference_text(ref),
                    "rating": ref.get("rating"),
                    "url": ref.get("url"),
                    "publisher": ref.get("publisher"),
                    "date": ref.get("date"),
                    "score": round(s, 4),
                }
            )
        return checks


def _factcheck_view(ref: dict[str, Any]) -> dict[str, Any]:
    keys = ("title", "rating", "url", "publisher", "date", "claimant", "author", "source")
    return {"text": reference_text(ref), **{key: ref.get(key) for key in keys if ref.get(key)}}


def match_factchecks(
    store: Store,
    db_path: str | os.PathLike[str] | None,
    text: str,
    *,
    k: int = 5,
    sync: bool = True,
    encode: EncodeFn | None = None,
) -> list[dict[str, Any]]:
    """The ``k`` imported fact-checks nearest to ``text``, best first.

    Each: ``id``, ``score`` (the cosine of the MiniLM vectors plus :data:`LEXICAL_WEIGHT`
    times the BM25 score divided by the query's best), ``cosine``, ``bm25`` (that divided
    score), ``fact_check`` (text, title, rating, url, publisher, date... as imported) and
    ``evidence`` (as in :func:`match`). Links and ``#`` are dropped from the query first.
    """
    return Matcher(store, db_path, sync=sync, encode=encode).match_factchecks([text], k=k)[0]


def match(
    store: Store,
    db_path: str | os.PathLike[str] | None,
    text: str,
    *,
    k: int = 5,
    sync: bool = True,
    encode: EncodeFn | None = None,
    lookup: Lookup | None = None,
) -> list[dict[str, Any]]:
    """The ``k`` known claims nearest to ``text``, best first.

    Each: ``id``, ``score`` (cosine), ``claim`` (id, doc, text, sentence, start, end, kind,
    speaker, speaker_key, title, outlet, published), ``narrative`` (``{"id", "label"}`` or
    None), ``fact_checks`` (``source`` "narrative_rating" with rating/note/author/date, or
    "reference" with text/rating/url/publisher/date/score) and ``evidence`` (span,
    shared_names, shared_numbers, numbers_only_in_query, numbers_only_in_match). The indexes
    are brought up to date first unless ``sync`` is False. Raises :class:`ClaimtraceError`
    (E070) when the database has no analysed claims. ``lookup``: see :class:`Matcher`.
    """
    return Matcher(store, db_path, sync=sync, encode=encode, lookup=lookup).match(text, k=k)


def match_file(
    store: Store,
    db_path: str | os.PathLike[str] | None,
    path: str | os.PathLike[str],
    *,
    k: int = 5,
    sync: bool = True,
    encode: EncodeFn | None = None,
) -> list[dict[str, Any]]:
    """Match every claim of a new article (read with ``read_path``; its sentences if it has no claims).

    Returns one dict per claim: ``doc``, ``title``, ``claim`` (text), ``start``, ``end``
    (offsets into the article text), ``speaker``, ``from`` ("claim" or "sentence"),
    ``matches`` (as :func:`match` returns) and ``fact_checks`` (as :func:`match_factchecks`).
    """
    from claimtrace.nlp.pipeline import analyze_document
    from claimtrace.readers import read_path
    from claimtrace.search.sync import claim_text

    matcher = Matcher(store, db_path, sync=sync, encode=encode)
    items: list[dict[str, Any]] = []
    for doc in read_path(str(Path(path))):
        an = analyze_document(doc)
        found = [
            {
                "doc": doc.id,
                "title": doc.title,
                "claim": claim_text(doc.text, c),
                "start": c.content_start,
                "end": c.content_end,
                "speaker": c.speaker_text,
                "from": "claim",
            }
            for c in an.claims
        ]
        if not found:
            found = [
                {
                    "doc": doc.id,
                    "title": doc.title,
                    "claim": doc.text[s:e].strip(),
                    "start": s,
                    "end": e,
                    "speaker": None,
                    "from": "sentence",
                }
                for s, e in an.sentences
                if len(doc.text[s:e].split()) >= MIN_SENTENCE_WORDS
            ]
        items.extend(f for f in found if f["claim"])
    texts = [i["claim"] for i in items]
    vectors = matcher.encode(texts) if texts else None
    for item, matches, checks in zip(
        items,
        matcher.match_many(texts, k=k, vectors=vectors),
        matcher.match_factchecks(texts, k=k, vectors=vectors),
        strict=True,
    ):
        item["matches"] = matches
        item["fact_checks"] = checks
    return items
