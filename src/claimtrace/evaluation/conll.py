"""CoNLL-2003 named entities: read the files and score the pipeline's mentions (``eval entities``).

Each ``-DOCSTART-`` block is one document: its tokens joined by single spaces, its sentences by
newlines. The document goes through the normal per-document stages
(:func:`claimtrace.nlp.pipeline.analyze_document`); every mention is mapped back to the CoNLL
tokens it covers and typed PERSON -> PER, ORG -> ORG, GPE/LOC -> LOC, any other type -> MISC.
Scores are conlleval-style: exact spans, micro precision / recall / F1, typed and untyped, plus
F1 per type. Gold tags are IOB1 (``B-`` only where two names of one type touch).
"""

from __future__ import annotations

import bisect
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ConllDoc", "evaluate_conll", "gold_spans", "read_conll", "score"]

CONLL_TYPE = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


@dataclass
class ConllDoc:
    """One document: its sentences of tokens and IOB1 tags, the joined text and token offsets."""

    sentences: list[list[tuple[str, str]]] = field(default_factory=list)

    @property
    def tokens(self) -> list[str]:
        return [t for s in self.sentences for t, _ in s]

    @property
    def tags(self) -> list[str]:
        return [g for s in self.sentences for _, g in s]

    def spans(self) -> set[tuple[int, int, str]]:
        """Gold spans over the document's tokens (a name never runs across a sentence end)."""
        out: set[tuple[int, int, str]] = set()
        base = 0
        for sent in self.sentences:
            out.update((a + base, b + base, t) for a, b, t in gold_spans([g for _, g in sent]))
            base += len(sent)
        return out

    def text_and_offsets(self) -> tuple[str, list[int], list[int]]:
        """Tokens joined by spaces, sentences by newlines; start and end offset of every token."""
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for k, sent in enumerate(self.sentences):
            if k:
                parts.append("\n")
                pos += 1
            for m, (tok, _tag) in enumerate(sent):
                if m:
                    parts.append(" ")
                    pos += 1
                starts.append(pos)
                parts.append(tok)
                pos += len(tok)
                ends.append(pos)
        return "".join(parts), starts, ends


def read_conll(path: str | Path) -> list[ConllDoc]:
    """Documents of a CoNLL-2003 file (first column token, last column tag)."""
    docs: list[ConllDoc] = []
    cur: list[tuple[str, str]] = []
    doc: ConllDoc | None = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cols = line.split()
            if cols and cols[0] == "-DOCSTART-":
                if doc is not None and cur:
                    doc.sentences.append(cur)
                cur = []
                doc = ConllDoc()
                docs.append(doc)
                continue
            if not cols:
                if cur:
                    if doc is None:
                        doc = ConllDoc()
                        docs.append(doc)
                    doc.sentences.append(cur)
                cur = []
                continue
            cur.append((cols[0], cols[-1]))
    if cur:
        if doc is None:
            doc = ConllDoc()
            docs.append(doc)
        doc.sentences.append(cur)
    return [d for d in docs if d.sentences]


def gold_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """``(first token, end token exclusive, type)`` of IOB1 (or BIO) tags."""
    out: set[tuple[int, int, str]] = set()
    start, typ = -1, ""
    for i, t in enumerate([*tags, "O"]):
        p, ty = t.split("-", 1) if t != "O" else ("O", "")
        if start >= 0 and (t == "O" or p == "B" or ty != typ):
            out.add((start, i, typ))
            start = -1
        if t != "O" and start < 0:
            start, typ = i, ty
    return out


def predicted_spans(
    mentions: list[tuple[int, int, str]], starts: list[int], ends: list[int]
) -> set[tuple[int, int, str]]:
    """Mentions ``(start, end, our type)`` as CoNLL token spans: the tokens each one overlaps."""
    out: set[tuple[int, int, str]] = set()
    for s, e, typ in mentions:
        i = bisect.bisect_right(ends, s)
        j = bisect.bisect_left(starts, e)
        if i < j:
            out.add((i, j, CONLL_TYPE.get(typ, "MISC")))
    return out


def score(gold: list[set[tuple[int, int, str]]], pred: list[set[tuple[int, int, str]]]) -> dict[str, Any]:
    """Typed and untyped micro P/R/F1 over exact spans, and F1 per type."""

    def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}

    tp = tpu = n_p = n_g = 0
    by_type: Counter[tuple[str, str]] = Counter()
    for g, p in zip(gold, pred, strict=True):
        tp += len(g & p)
        gu = {(a, b) for a, b, _t in g}
        pu = {(a, b) for a, b, _t in p}
        tpu += len(gu & pu)
        n_p += len(p)
        n_g += len(g)
        for a, b, t in g:
            by_type[("gold", t)] += 1
            by_type[("tp", t)] += (a, b, t) in p
        for _a, _b, t in p:
            by_type[("pred", t)] += 1
    per_type = {
        t: prf(by_type[("tp", t)], by_type[("pred", t)], by_type[("gold", t)])["f1"]
        for t in ("PER", "ORG", "LOC", "MISC")
    }
    return {
        "typed": prf(tp, n_p, n_g),
        "untyped": prf(tpu, n_p, n_g),
        "per_type_f1": per_type,
        "gold": n_g,
        "predicted": n_p,
    }


def evaluate_conll(path: str | Path, *, limit: int | None = None) -> dict[str, Any]:
    """Run the per-document stages over every document of ``path`` and score the mentions."""
    from claimtrace.model import Document
    from claimtrace.nlp.pipeline import analyze_document

    docs = read_conll(path)[:limit]
    gold: list[set[tuple[int, int, str]]] = []
    pred: list[set[tuple[int, int, str]]] = []
    t0 = time.perf_counter()
    for k, d in enumerate(docs):
        text, starts, ends = d.text_and_offsets()
        res = analyze_document(Document(text=text, source="conll", id=f"conll-{k}"))
        pred.append(predicted_spans([(m.start, m.end, m.type) for m in res.mentions], starts, ends))
        gold.append(d.spans())
    out = score(gold, pred)
    out["documents"] = len(docs)
    out["seconds"] = round(time.perf_counter() - t0, 2)
    return out
