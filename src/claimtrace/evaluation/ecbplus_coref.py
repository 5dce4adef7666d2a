"""Cross-document entity linking scored on ECB+ gold entity chains (``claimtrace eval linking``).

Input: the ``ecbplus_coref`` folder (``ECB_<Split>_corpus.txt``: one token a line with document,
sentence and token numbers; ``ECB_<Split>_Entity_gold_mentions.json``: gold entity mentions with
their cross-document ``coref_chain``). Each document's validated sentences are joined (tokens by
spaces, sentences by newlines) and run through the per-document stages (sentences, entity
mentions); :func:`claimtrace.nlp.linking.link_entities` then links the whole split as one corpus.

Scored mentions: the gold entity mentions (human, non-human, location; not times) that are
*named* (every word capitalised but for a few function words, not a lone pronoun) and that the
recogniser *finds* (a recognised, capitalised mention overlaps them; the one overlapping most is
taken). Over those mentions, B-cubed precision / recall / F1 of the predicted entities against
the gold chains, over the whole split as one corpus (``corpus``) and with the predicted entities
cut by ECB+ topic (``within_topic``, the usual setup with gold topic clusters). Two reference
clusterings of the same mentions come with it: ``keys_only`` (the recogniser's per-document keys,
no corpus linking) and ``same_string`` (mentions with the same case-folded text).
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtrace.evaluation.ecbplus import bcubed
from claimtrace.model import DocAnalysis
from claimtrace.nlp.entities import find_mentions
from claimtrace.nlp.linking import link_entities
from claimtrace.nlp.names import fold
from claimtrace.nlp.sentences import split_sentences

__all__ = ["GoldMention", "evaluate_linking", "load_split", "named"]

_ENTITY_TYPES = ("HUM", "NON", "LOC")
_FUNCTION = frozenset(
    ["of", "the", "and", "for", "de", "du", "la", "le", "von", "van", "der", "al", "bin", "'s", "'", "&", "-"]
)
_PRONOUNS = frozenset(
    [
        *("i", "he", "she", "it", "we", "they", "you", "me", "him", "her", "us", "them"),
        *("his", "its", "our", "their", "my", "your", "this", "that", "these", "those"),
    ]
)
_DESCRIPTOR = re.compile(r"^(?:[Tt]he\s+)?[a-z]")


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One gold entity mention: its document, character span in the joined text, chain and words."""

    doc: str
    start: int
    end: int
    chain: str
    words: tuple[str, ...]


def named(words: Sequence[str]) -> bool:
    """True for a proper name: capitalised words (function words aside), not a lone pronoun."""
    content = [w for w in words if w.lower() not in _FUNCTION]
    if not content or (len(content) == 1 and content[0].lower() in _PRONOUNS):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() for w in content)


def load_split(directory: str | Path, split: str = "dev") -> tuple[dict[str, str], list[GoldMention]]:
    """Joined text of every document of ``split`` and its gold entity mentions (all types but times)."""
    d = Path(directory)
    tag = split.capitalize()
    sents: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    with open(d / f"ECB_{tag}_corpus.txt", encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 4:
                sents[p[0]][int(p[1])].append(p[3])
    texts: dict[str, str] = {}
    offsets: dict[tuple[str, int], list[int]] = {}
    for doc, by_sent in sents.items():
        parts: list[str] = []
        pos = 0
        for sid in sorted(by_sent):
            starts = []
            for t in by_sent[sid]:
                starts.append(pos)
                pos += len(t) + 1
            offsets[(doc, sid)] = starts
            parts.append(" ".join(by_sent[sid]))
        texts[doc] = "\n".join(parts)
    gold = []
    for m in json.loads((d / f"ECB_{tag}_Entity_gold_mentions.json").read_text("utf-8")):
        if m["mention_type"] not in _ENTITY_TYPES:
            continue
        found = offsets.get((m["doc_id"], m["sent_id"]))
        toks = sorted(m["tokens_number"])
        if found is None or not toks or toks[-1] >= len(found):
            continue
        starts = found
        words = tuple(sents[m["doc_id"]][m["sent_id"]][i] for i in toks)
        end = starts[toks[-1]] + len(words[-1])
        gold.append(GoldMention(m["doc_id"], starts[toks[0]], end, m["coref_chain"], words))
    return texts, gold


def _score(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> dict[str, float]:
    p, r, f = bcubed(pred, gold)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def evaluate_linking(directory: str | Path, split: str = "dev", limit: int | None = None) -> dict[str, Any]:
    """Score corpus linking on one ECB+ split (see the module docstring); a JSON-ready dict."""
    texts, gold = load_split(directory, split)
    docs = sorted(texts)[:limit] if limit else sorted(texts)
    t0 = time.perf_counter()
    analyses = []
    for doc in docs:
        text = texts[doc]
        s = split_sentences(text)
        ms, al = find_mentions(text, s)
        analyses.append(DocAnalysis(doc_id=doc, sentences=s, mentions=ms, aliases=al))
    t1 = time.perf_counter()
    entities = link_entities(analyses)
    t2 = time.perf_counter()
    entity_of = {(m["doc"], m["start"]): e.id for e in entities for m in e.mentions}
    by_doc: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for a in analyses:
        for m in a.mentions:
            if not _DESCRIPTOR.match(m.text):
                by_doc[a.doc_id].append((m.start, m.end, m.key, m.text))
    kept = set(docs)
    named_gold = [g for g in gold if g.doc in kept and named(g.words)]
    rows: list[tuple[GoldMention, str, str, str]] = []  # gold, entity id, key, surface
    for g in named_gold:
        best = None
        best_overlap = 0
        for start, end, key, text in by_doc.get(g.doc, ()):
            overlap = min(end, g.end) - max(start, g.start)
            if overlap > best_overlap:
                best, best_overlap = (start, key, text), overlap
        if best is not None:
            rows.append((g, entity_of[(g.doc, best[0])], best[1], fold(best[2])))
    chains = [g.chain for g, *_ in rows]
    topic = [g.doc.split("_")[0] for g, *_ in rows]
    return {
        "split": split,
        "docs": len(docs),
        "gold_entity_mentions": sum(g.doc in kept for g in gold),
        "gold_named": len(named_gold),
        "found": len(rows),
        "gold_chains_found": len(set(chains)),
        "corpus": _score([e for _, e, _, _ in rows], chains),
        "within_topic": _score([(t, e) for t, (_, e, _, _) in zip(topic, rows, strict=True)], chains),
        "keys_only": _score([k for _, _, k, _ in rows], chains),
        "same_string": _score([s for _, _, _, s in rows], chains),
        "seconds": {"per_document": round(t1 - t0, 2), "linking": round(t2 - t1, 3)},
    }
