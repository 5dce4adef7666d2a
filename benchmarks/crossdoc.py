"""Benchmark of the cross-document stages on 10k-100k documents with planted reuse.

usage: python benchmarks/crossdoc.py [--n 10000] [--reuse-rate 0.1] [--no-embeddings] [--seed 1]
                                   [--workdir /tmp/claimtrace-bench-crossdoc] [--reuse-only]
                                   [--incremental K]

Corpus (built from real texts in ../shared/benchdata, nothing copied into the repository):

* a pool of real paragraphs from PolNeAR (train+dev), ECB+, PTC (SemEval 2020 task 11), SemEval 2025
  task 10 and WikiRef220 articles, split into sentences;
* **base documents**: 6-14 pool paragraphs each (about 2,000 characters, 16 sentences). The pool has
  far fewer paragraphs than 100k documents need, so every use of a paragraph replaces each word with
  probability ``--garble`` (default 0.85; at 0.6 two uses of one sentence still looked alike) by a
  random corpus word (drawn by frequency): two uses of one paragraph then share too little to count
  as reuse, while sentence lengths, punctuation, numbers and the word frequency profile stay real;
* **copies** (``--reuse-rate`` of the documents): a run of 2-6 sentences of an earlier document (a base
  document, or in 20% of cases another copy, making chains), each sentence kept verbatim (60%), given a
  near edit (25%: 1-3 words replaced, inserted or dropped) or a paraphrase-like edit (15%: clauses
  rotated, function words dropped, a quarter of the words replaced); with probability 0.3 a sentence of
  the run is deleted and with 0.2 two adjacent ones are swapped; the run sits among 2-4 new paragraphs.
  Copies are dated 0-5 days after their source; 10% of all documents are undated.

Every sentence carries a *lineage* (the sentence it was copied from, transitively). Truth: two documents
share reuse when they share the lineage of a sentence of at least 8 words. Reported: wall time per
stage, peak RSS (``resource.getrusage``), document-pair precision and recall, sentence recall by edit
kind, and how often provenance names the true origin (the earliest dated document of the lineage).
Two garbled uses of one pool sentence can still look alike; false pairs linked through such
"siblings" are counted apart (``false_pairs_from_garbled_siblings``) and a precision without them is
reported beside the strict one.

``STAGES`` is a list of ``(name, callable)``; each callable receives the documents and a context dict
(holding the results of earlier stages) and may return a dict of figures. They are the stages
``pipeline.run_crossdoc`` runs after the per-document stage, in its order and with its inputs:
entities (``link_entities``), reuse (``ReuseDetector`` over the analyses' sentences and claims) and
provenance (``assign_sources``; ``provenance_chains`` too, for the origin score), stories
(``StoryClusterer.partial_fit`` with the analyses' entity keys) and narratives (``NarrativeBuilder``
with a cold :class:`ClaimVectorCache` saved to the work dir, as the pipeline saves it beside the db).
Only the store writes are left out.

Those stages need a ``DocAnalysis`` per document: they are computed first with
``analyze_documents(docs, workers=2)``, timed apart ("per-document", not part of the cross-document
target), and cached as pickles under ``--workdir``, keyed by the corpus parameters and the per-document
stage versions, in parts of 5,000 documents (an interrupted run resumes; document i is the same
whatever ``--n``, so a 100k run reuses the parts of a 50k one). ``--reuse-only`` runs the
reuse and provenance stages alone on the planted sentence spans (the previous benchmark).

``--incremental K`` measures adding documents (issue 14): the cross-document stages as
``run_crossdoc`` runs them (boilerplate refit, entities, reuse through
:func:`claimtrace.crossdoc.reuse_index.run_reuse` with its index in the work dir, stories,
narratives) first over ``--n`` documents from scratch, then over ``--n`` + K with the state the
first run left (reuse index, story clusterer, previous narratives, warm claim-vector cache), then
over the same ``--n`` + K from scratch (cold: no index, fresh clusterer, cold cache). It prints
each run's stage times, the incremental run's share of the full one, and how far the incremental
reuse links agree with the full run's (identical links, document pairs; the links that differ go
to ``incremental-diff.json`` in the work dir). With ``--reuse-only``
the runs hold the boilerplate refit and the reuse stage alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex as re

from claimtrace.crossdoc.provenance import assign_sources, provenance_chains
from claimtrace.crossdoc.reuse import ReuseDetector, ReuseDoc
from claimtrace.model import DocAnalysis, Document
from claimtrace.nlp.sentences import split_sentences

CACHE_FORMAT = 2
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchdata"
_WORD = re.compile(r"\w+")
_ALPHA = re.compile(r"\b[^\W\d_]+\b")


# ----------------------------------------------------------------------------- pool
def _texts() -> list[str]:
    out: list[str] = []
    for split in ("train", "dev"):
        out += [
            p.read_text(encoding="utf-8") for p in sorted((SHARED / "polnear" / split / "text").glob("*.txt"))
        ]
    ecb = SHARED / "ecbplus" / "ecbplus_docs.jsonl"
    if ecb.exists():
        for line in ecb.read_text(encoding="utf-8").splitlines():
            lines = json.loads(line)["text"].splitlines()
            out.append("\n\n".join(" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3)))
    for folder in (
        SHARED / "ptc_semeval2020_task11" / "train-articles",
        SHARED / "wikiref_news_clustering" / "WikiRef220",
    ):
        out += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
    out += [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((SHARED / "semeval2025_task10").rglob("raw-documents/*.txt"))
    ]
    return out


def build_pool() -> tuple[list[list[str]], list[str], list[int]]:
    """Paragraphs as sentence lists (each with >= 1 sentence of >= 6 words), and the word frequency table."""
    paragraphs: list[list[str]] = []
    freq: Counter[str] = Counter()
    for text in _texts():
        for para in re.split(r"\n\s*\n|\n(?=\S)", text):
            para = " ".join(para.split())
            if len(para) < 40:
                continue
            sents = [para[s:e] for s, e in split_sentences(para)]
            sents = [s for s in sents if len(_WORD.findall(s)) >= 4]
            if sents and max(len(_WORD.findall(s)) for s in sents) >= 6:
                paragraphs.append(sents)
                freq.update(_ALPHA.findall(para))
    words, counts = zip(*freq.most_common(), strict=True)
    return paragraphs, list(words), list(counts)


# --------------------------------------------------------------------------- corpus
@dataclass
class Planted:
    """One benchmark document with the lineage of each sentence."""

    doc: ReuseDoc
    lineage: list[int] = field(default_factory=list)
    pool: list[int] = field(default_factory=list)  # the pool sentence each sentence was garbled from
    copy: bool = False
    edit: list[str] = field(default_factory=list)  # "base" | "verbatim" | "near" | "para"


class Builder:
    """Builds the corpus deterministically from a seed."""

    def __init__(
        self, pool: list[list[str]], words: list[str], counts: list[int], *, seed: int, garble: float
    ) -> None:
        self.rng = random.Random(seed)
        self.pool = pool
        self.garble = garble
        # a frequency-weighted word sample, refilled as needed (random.choices per word is slow)
        self._words, self._counts = words, counts
        self._bag: list[str] = []
        self.next_lineage = 0

    def word(self) -> str:
        if not self._bag:
            self._bag = self.rng.choices(self._words, weights=self._counts, k=100_000)
        return self._bag.pop()

    def garbled(self, sentence: str) -> str:
        return _ALPHA.sub(lambda m: self.word() if self.rng.random() < self.garble else m.group(), sentence)

    def fresh_paragraph(self) -> list[tuple[str, int]]:
        """A garbled pool paragraph: (sentence, pool sentence id) pairs."""
        para = self.rng.choice(self.pool)
        # the pool id is the sentence's own words: the same real sentence in two source files is one
        return [(self.garbled(s), hash(" ".join(_WORD.findall(s.casefold())))) for s in para]

    def near_edit(self, s: str) -> str:
        toks = s.split()
        for _ in range(self.rng.randint(1, 3)):
            op, k = self.rng.random(), self.rng.randrange(len(toks))
            if op < 0.4:
                toks[k] = self.word()
            elif op < 0.7:
                toks.insert(k, self.word())
            elif len(toks) > 6:
                del toks[k]
        return " ".join(toks)

    def para_edit(self, s: str) -> str:
        if ", " in s and not s.startswith(", "):
            head, tail = s.split(", ", 1)
            s = tail.rstrip(".") + ", " + head[0].lower() + head[1:] + "."
        toks = [
            t for t in s.split() if t.lower() not in {"the", "a", "an", "that"} or self.rng.random() < 0.5
        ]
        toks = [self.word() if self.rng.random() < 0.25 and len(t) >= 4 else t for t in toks]
        return " ".join(toks)


Part = tuple[str, int, str, int]  # sentence, lineage, edit, pool sentence id


def _assemble(doc_id: str, parts: list[Part], published: str | None) -> Planted:
    """``parts``: (sentence, lineage, edit, pool id); an empty sentence ends a paragraph."""
    text, spans, lineage, edits, pool = "", [], [], [], []
    for sent, lin, edit, pid in parts:
        if sent == "":
            text = text.rstrip() + "\n\n"
            continue
        # garbling and edits can leave a lower-case first word, where the pipeline's sentence
        # splitter (rightly) sees no sentence start
        sent = sent[:1].upper() + sent[1:]
        spans.append((len(text), len(text) + len(sent)))
        text += sent + " "
        lineage.append(lin)
        pool.append(pid)
        edits.append(edit)
    doc = ReuseDoc(id=doc_id, text=text.rstrip(), sentences=spans, published=published)
    return Planted(doc, lineage=lineage, pool=pool, edit=edits)


def build_corpus(n: int, *, reuse_rate: float, seed: int, garble: float) -> list[Planted]:
    """``n`` documents, about ``reuse_rate`` of them planted copies (see the module docstring)."""
    pool, words, counts = build_pool()
    b = Builder(pool, words, counts, seed=seed, garble=garble)
    rng = b.rng
    docs: list[Planted] = []
    day0 = 19723  # 2024-01-01 as days since the epoch

    def date(day: int) -> str | None:
        if rng.random() < 0.1:
            return None
        return time.strftime("%Y-%m-%d", time.gmtime(day * 86400))

    def base_parts(k: int) -> list[Part]:
        parts: list[Part] = []
        for _ in range(k):
            for s, pid in b.fresh_paragraph():
                parts.append((s, b.next_lineage, "base", pid))
                b.next_lineage += 1
            parts.append(("", -1, "", -1))
        return parts

    days: list[int] = []
    for i in range(n):
        if i < 50 or rng.random() >= reuse_rate:
            day = day0 + rng.randrange(300)
            docs.append(_assemble(f"d{i}", base_parts(rng.randint(6, 14)), date(day)))
            days.append(day)
            continue
        src_i = rng.randrange(len(docs))
        if rng.random() >= 0.2:  # mostly copy from a base document
            while docs[src_i].copy and rng.random() < 0.9:
                src_i = rng.randrange(len(docs))
        src = docs[src_i]
        sents = [src.doc.text[s:e] for s, e in src.doc.sentences]
        length = rng.randint(2, 6)
        start = rng.randrange(max(1, len(sents) - length + 1))
        run: list[Part] = []
        picked = range(start, min(start + length, len(sents)))
        for s, lin, pid in ((sents[k], src.lineage[k], src.pool[k]) for k in picked):
            r = rng.random()
            if r < 0.6:
                run.append((s, lin, "verbatim", pid))
            elif r < 0.85:
                run.append((b.near_edit(s), lin, "near", pid))
            else:
                run.append((b.para_edit(s), lin, "para", pid))
        if len(run) > 2 and rng.random() < 0.3:
            del run[rng.randrange(len(run))]
        if len(run) > 2 and rng.random() < 0.2:
            k = rng.randrange(len(run) - 1)
            run[k], run[k + 1] = run[k + 1], run[k]
        before, after = base_parts(rng.randint(1, 2)), base_parts(rng.randint(1, 2))
        day = days[src_i] + rng.randint(0, 5)
        docs.append(_assemble(f"d{i}", [*before, *run, ("", -1, "", -1), *after], date(day)))
        docs[-1].copy = True
        days.append(day)
    return docs


# ---------------------------------------------------------------------------- stages
_OUTLETS = [f"Outlet {c}" for c in "ABCDEFGHIJKLMNOPQRST"]  # fictional


def to_documents(docs: list[ReuseDoc]) -> list[Document]:
    """The benchmark documents as ``Document`` records (fictional outlets, no titles)."""
    return [
        Document(
            text=d.text,
            source=f"bench:{d.id}",
            id=d.id,
            published=d.published,
            outlet=_OUTLETS[int(d.id[1:]) % len(_OUTLETS)],
            language="en",
        )
        for d in docs
    ]


def _analysis_versions() -> str:
    from claimtrace.nlp.pipeline import analyze_document

    probe = analyze_document(Document(text="Ann Lee said the plan would work.", source="probe", id="probe"))
    return json.dumps(probe.versions, sort_keys=True)


def cached_analyses(
    documents: list[Document], *, workdir: Path, key: str, workers: int = 2, part: int = 5000
) -> tuple[dict[str, DocAnalysis], float]:
    """Per-document analyses (pickled in parts under ``workdir/key``), and the seconds spent computing."""
    from claimtrace.nlp.pipeline import analyze_documents

    folder = workdir / key
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, DocAnalysis] = {}
    spent = 0.0
    for k, lo in enumerate(range(0, len(documents), part)):
        path = folder / f"part-{k:04d}.pkl"
        chunk = documents[lo : lo + part]
        got: list[DocAnalysis] = []
        if path.is_file():
            with path.open("rb") as fh:
                got = pickle.load(fh)
            if [a.doc_id for a in got] != [d.id for d in chunk]:
                got = []  # a part of another size: recompute
        if not got:
            t = time.perf_counter()
            got = list(analyze_documents(chunk, workers=workers, chunksize=16))
            spent += time.perf_counter() - t
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(got, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
            print(json.dumps({"analysed": lo + len(chunk), "seconds": round(spent, 1)}), flush=True)
        out.update((a.doc_id, a) for a in got)
    return out, spent


def stage_entities(docs: list[ReuseDoc], ctx: dict[str, Any]) -> dict[str, Any]:
    from claimtrace.nlp.linking import link_entities
    from claimtrace.pipeline import release_mentions

    ctx["entities"] = link_entities(ctx["analyses"].values(), overrides=[])
    n = len(ctx["entities"])
    release_mentions(ctx["entities"])  # as pipeline.run_crossdoc does once they are stored
    return {"entities": n}


def stage_reuse(docs: list[ReuseDoc], ctx: dict[str, Any]) -> dict[str, Any]:
    analyses: dict[str, DocAnalysis] | None = ctx.get("analyses")
    if analyses is not None:  # as pipeline.run_crossdoc: the analyses' sentences and claims
        docs = [ReuseDoc.from_document(d, analyses.get(d.id)) for d in ctx["documents"]]
        ctx["reuse_docs"] = docs
    det = ReuseDetector(use_embeddings=ctx.get("use_embeddings", True))
    det.fit(docs)
    ctx["links"] = det.links()
    return {"links": len(ctx["links"]), **dict(det.stats)}


def stage_provenance(docs: list[ReuseDoc], ctx: dict[str, Any]) -> dict[str, Any]:
    docs = ctx.pop("reuse_docs", docs)
    ctx["links"] = assign_sources(ctx["links"], docs)
    ctx["chains"] = provenance_chains(ctx["links"], docs)  # for the origin score (not in the pipeline)
    return {"groups": len(ctx["chains"])}


def stage_stories(docs: list[ReuseDoc], ctx: dict[str, Any]) -> dict[str, Any]:
    from claimtrace.crossdoc.stories import StoryClusterer, StoryDoc

    analyses: dict[str, DocAnalysis] = ctx["analyses"]
    clusterer = StoryClusterer()
    clusterer.partial_fit([StoryDoc.from_document(d, analyses.get(d.id)) for d in ctx["documents"]])
    stories = clusterer.stories()
    state = json.dumps(clusterer.to_state())  # the pipeline stores it
    return {"stories": len(stories), "state_mb": round(len(state) / 1e6, 1)}


def stage_narratives(docs: list[ReuseDoc], ctx: dict[str, Any]) -> dict[str, Any]:
    from claimtrace.crossdoc.claimvecs import ClaimVectorCache
    from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput
    from claimtrace.embeddings import MODEL_VERSION

    analyses: dict[str, DocAnalysis] = ctx["analyses"]
    inputs = [NarrativeInput(doc=d, analysis=analyses[d.id]) for d in ctx["documents"] if d.id in analyses]
    path = Path(ctx["workdir"]) / "claimvecs.npz"
    path.unlink(missing_ok=True)  # cold: every claim vector is computed
    cache = ClaimVectorCache(path, model=MODEL_VERSION)
    builder = NarrativeBuilder(cache=cache).fit(inputs, entities=ctx["entities"], previous=[], overrides=[])
    cache.save()
    narratives = builder.narratives()
    return {
        "narratives": len(narratives),
        "claims": len(builder.rows_),
        "encoded": builder.encoded_,
        "narrative_claims": sum(len(n.claims) for n in narratives),
        "steps_s": {k: round(v, 1) for k, v in builder.timings_.items()},
        **{k: v for k, v in getattr(builder, "stats_", {}).items()},
    }


Stage = Callable[[list[ReuseDoc], dict[str, Any]], dict[str, Any] | None]
STAGES: list[tuple[str, Stage]] = [
    ("entities", stage_entities),
    ("reuse", stage_reuse),
    ("provenance", stage_provenance),
    ("stories", stage_stories),
    ("narratives", stage_narratives),
]
REUSE_ONLY = {"reuse", "provenance"}


# --------------------------------------------------------------------------- scoring
def score(planted: list[Planted], ctx: dict[str, Any], *, min_words: int = 8) -> dict[str, Any]:
    """Document-pair precision/recall, sentence recall by edit kind, origin accuracy."""
    index = {p.doc.id: k for k, p in enumerate(planted)}
    by_lineage: dict[int, list[tuple[int, int]]] = defaultdict(list)  # lineage -> (doc, sentence)
    for k, p in enumerate(planted):
        for pos, lin in enumerate(p.lineage):
            s, e = p.doc.sentences[pos]
            if len(_WORD.findall(p.doc.text[s:e])) >= min_words:
                by_lineage[lin].append((k, pos))
    truth: set[tuple[int, int]] = set()
    for members in by_lineage.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                if members[x][0] != members[y][0]:
                    truth.add((min(members[x][0], members[y][0]), max(members[x][0], members[y][0])))
    covered: dict[tuple[int, int], list[tuple[int, int, int, int]]] = defaultdict(list)
    for link in ctx["links"]:
        a, b = index[link.a_doc], index[link.b_doc]
        if a < b:
            covered[(a, b)].append((link.a_start, link.a_end, link.b_start, link.b_end))
        else:
            covered[(b, a)].append((link.b_start, link.b_end, link.a_start, link.a_end))
    found = set(covered)
    tp = len(found & truth)
    # false pairs whose linked sentences were garbled from one pool sentence: an artefact of the corpus
    sibling = 0
    for a, b in found - truth:
        pa, pb = planted[a], planted[b]
        pool_a = {
            pa.pool[i]
            for i, (s, e) in enumerate(pa.doc.sentences)
            if any(a0 <= s and e <= a1 for a0, a1, _, _ in covered[(a, b)])
        }
        pool_b = {
            pb.pool[i]
            for i, (s, e) in enumerate(pb.doc.sentences)
            if any(b0 <= s and e <= b1 for _, _, b0, b1 in covered[(a, b)])
        }
        sibling += bool(pool_a & pool_b)
    # sentence recall: each copied sentence (not base) in a pair with its source lineage sentence
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for members in by_lineage.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                (da, pa), (db, pb) = sorted([members[x], members[y]])
                if da == db:
                    continue
                kind = planted[db].edit[pb] if planted[db].edit[pb] != "base" else planted[da].edit[pa]
                totals[kind] += 1
                sa, sb = planted[da].doc.sentences[pa], planted[db].doc.sentences[pb]
                if any(
                    a0 <= sa[0] and sa[1] <= a1 and b0 <= sb[0] and sb[1] <= b1
                    for a0, a1, b0, b1 in covered.get((da, db), [])
                ):
                    hits[kind] += 1
    # origin: the earliest dated document sharing the group's lineages
    right = judged = 0
    for chain in ctx.get("chains", []):
        docs_in = [index[d] for d in chain["documents"]]
        dated = [k for k in docs_in if planted[k].doc.published]
        if not dated:
            continue
        earliest = min(planted[k].doc.published or "" for k in dated)
        judged += 1
        right += chain["origin"] is not None and planted[index[chain["origin"]]].doc.published == earliest
    return {
        "true_doc_pairs": len(truth),
        "found_doc_pairs": len(found),
        "doc_pair_precision": round(tp / len(found), 4) if found else None,
        "doc_pair_recall": round(tp / len(truth), 4) if truth else None,
        "false_pairs_from_garbled_siblings": sibling,
        "doc_pair_precision_without_siblings": round(tp / (len(found) - sibling), 4) if found else None,
        "sentence_recall": {k: round(hits[k] / totals[k], 4) for k in sorted(totals)},
        "sentence_pairs": dict(totals),
        "origin_is_earliest": round(right / judged, 4) if judged else None,
    }


def _crossdoc_run(
    docs: list[Document], ctx: dict[str, Any], *, folder: Path, state: Any, previous: dict[str, Any]
) -> tuple[dict[str, float], dict[str, Any]]:
    """The cross-document stages as ``run_crossdoc`` runs them (store writes left out)."""
    from claimtrace.crossdoc.boilerplate import BoilerplateIndex
    from claimtrace.crossdoc.claimvecs import ClaimVectorCache
    from claimtrace.crossdoc.reuse_index import run_reuse
    from claimtrace.crossdoc.stories import StoryClusterer
    from claimtrace.embeddings import MODEL_VERSION
    from claimtrace.nlp.linking import link_entities
    from claimtrace.pipeline import narrative_stage, release_mentions, set_boilerplate, story_stage

    analyses = {d.id: ctx["analyses"][d.id] for d in docs}
    times: dict[str, float] = {}
    out: dict[str, Any] = {}
    t = time.perf_counter()
    index = BoilerplateIndex().fit(docs)
    for doc in docs:
        set_boilerplate(index, doc)
    times["boilerplate"] = time.perf_counter() - t
    if not ctx.get("reuse_only"):  # --incremental K --reuse-only: boilerplate and reuse alone
        t = time.perf_counter()
        entities = link_entities(analyses.values(), overrides=[])
        release_mentions(entities)
        times["entities"] = time.perf_counter() - t
    t = time.perf_counter()
    stored = previous.get("links", [])
    run, out["state"] = run_reuse(
        docs, analyses, folder=folder, state=state, stored=lambda: stored, force=state is None
    )
    out["links"], out["reuse"] = run.links, {"mode": run.mode, "reason": run.reason, **run.stats}
    times["reuse"] = time.perf_counter() - t
    if ctx.get("reuse_only"):
        out.update(stories=0, narratives=[])
        return {k: round(v, 2) for k, v in times.items()}, out
    t = time.perf_counter()
    clusterer = previous.get("clusterer") or StoryClusterer()
    out["stories"] = len(story_stage(clusterer, docs, analyses))
    out["clusterer"] = clusterer
    times["stories"] = time.perf_counter() - t
    t = time.perf_counter()
    path = folder.with_name(folder.name + ".claimvecs.npz")
    if "narratives" not in previous:
        path.unlink(missing_ok=True)  # cold
    cache = ClaimVectorCache(path, model=MODEL_VERSION)
    builder = narrative_stage(
        docs, analyses, entities, cache=cache, previous=previous.get("narratives", []), overrides=[]
    )
    cache.save()
    out["narratives"] = builder.narratives()
    times["narratives"] = time.perf_counter() - t
    return {k: round(v, 2) for k, v in times.items()}, out


def incremental(ctx: dict[str, Any], n: int, k: int, workdir: Path) -> dict[str, Any]:
    """Full run over ``n`` documents, incremental run adding ``k``, full run over ``n + k``."""
    import shutil

    docs: list[Document] = ctx["documents"]
    folder_inc, folder_full = workdir / "inc.reuse-index", workdir / "full.reuse-index"
    for f in (folder_inc, folder_full):
        shutil.rmtree(f, ignore_errors=True)
    first, out1 = _crossdoc_run(docs[:n], ctx, folder=folder_inc, state=None, previous={})
    print(json.dumps({"run": f"full over {n}", "seconds": first, "reuse": out1["reuse"]}), flush=True)
    inc, out2 = _crossdoc_run(docs[: n + k], ctx, folder=folder_inc, state=out1["state"], previous=out1)
    print(json.dumps({"run": f"incremental +{k}", "seconds": inc, "reuse": out2["reuse"]}), flush=True)
    full, out3 = _crossdoc_run(docs[: n + k], ctx, folder=folder_full, state=None, previous={})
    print(json.dumps({"run": f"full over {n + k}", "seconds": full, "reuse": out3["reuse"]}), flush=True)

    def key(x: Any) -> tuple[Any, ...]:
        return (x.a_doc, x.a_start, x.a_end, x.b_doc, x.b_start, x.b_end, x.kind, x.score, x.source, x.group)

    a, b = {key(x) for x in out2["links"]}, {key(x) for x in out3["links"]}
    diff = {"incremental_only": sorted(a - b), "full_only": sorted(b - a)}
    (workdir / "incremental-diff.json").write_text(json.dumps(diff, indent=1), encoding="utf-8")
    pa, pb = {x[0::3][:2] for x in a}, {x[0::3][:2] for x in b}
    return {
        "n": n,
        "k": k,
        "reuse_share": round(inc["reuse"] / full["reuse"], 4),
        "crossdoc_share": round(sum(inc.values()) / sum(full.values()), 4),
        "incremental_s": round(sum(inc.values()), 1),
        "full_s": round(sum(full.values()), 1),
        "share_by_stage": {s: round(inc[s] / full[s], 3) if full[s] else None for s in full},
        "links_incremental_full": [len(a), len(b)],
        "identical_links": len(a & b),
        "doc_pair_overlap": round(len(pa & pb) / max(1, len(pa | pb)), 4),
        "stories_incremental_full": [out2["stories"], out3["stories"]],
        "narratives_incremental_full": [len(out2["narratives"]), len(out3["narratives"])],
        "peak_mb": round(_peak_mb()),
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--reuse-rate", type=float, default=0.1)
    ap.add_argument("--garble", type=float, default=0.85)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-embeddings", action="store_true")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/claimtrace-bench-crossdoc"))
    ap.add_argument("--workers", type=int, default=2, help="per-document analysis workers")
    ap.add_argument("--reuse-only", action="store_true", help="reuse + provenance on the planted spans")
    ap.add_argument("--analyse-only", action="store_true", help="build and cache the analyses, then stop")
    ap.add_argument(
        "--incremental", type=int, default=0, metavar="K", help="add K documents to --n (issue 14)"
    )
    args = ap.parse_args(argv)
    if not (SHARED / "polnear").exists():
        print(f"benchdata not found under {SHARED}; nothing to measure")
        return 0
    t0 = time.perf_counter()
    planted = build_corpus(
        args.n + args.incremental, reuse_rate=args.reuse_rate, seed=args.seed, garble=args.garble
    )
    docs = [p.doc for p in planted]
    n_sent = sum(len(d.sentences) for d in docs)
    print(
        json.dumps(
            {
                "command": " ".join([sys.executable, *sys.argv]),
                "documents": len(docs),
                "sentences": n_sent,
                "chars": sum(len(d.text) for d in docs),
                "build_s": round(time.perf_counter() - t0, 1),
                "peak_mb_after_build": round(_peak_mb()),
            }
        ),
        flush=True,
    )
    ctx: dict[str, Any] = {"use_embeddings": not args.no_embeddings, "workdir": str(args.workdir)}
    stages = [(n, f) for n, f in STAGES if n in REUSE_ONLY] if args.reuse_only else STAGES
    if not args.reuse_only or args.incremental:
        ctx["documents"] = to_documents(docs)
        # document i does not depend on --n (the corpus of 10k is the first 10k of 100k), so the
        # parts are shared between sizes: the key leaves --n out
        # CACHE_FORMAT changes when the pickled classes change shape (Claim gained slots: 2)
        params = f"r{args.reuse_rate}-g{args.garble}-s{args.seed}-{_analysis_versions()}-f{CACHE_FORMAT}"
        key = "analyses-" + hashlib.sha1(params.encode()).hexdigest()[:12]
        ctx["analyses"], spent = cached_analyses(
            ctx["documents"], workdir=args.workdir, key=key, workers=args.workers
        )
        print(
            json.dumps(
                {
                    "stage": "per-document (not part of the target)",
                    "seconds_computed_this_run": round(spent, 1),
                    "cache": str(args.workdir / key),
                    "claims": sum(len(a.claims) for a in ctx["analyses"].values()),
                    "peak_mb": round(_peak_mb()),
                }
            ),
            flush=True,
        )
        if args.analyse_only:
            return 0
        if args.incremental:
            ctx["reuse_only"] = args.reuse_only
            print(json.dumps(incremental(ctx, args.n, args.incremental, args.workdir)), flush=True)
            return 0
    total = 0.0
    for name, stage in stages:
        t = time.perf_counter()
        figures = stage(docs, ctx) or {}
        dt = time.perf_counter() - t
        total += dt
        print(
            json.dumps({"stage": name, "seconds": round(dt, 1), "peak_mb": round(_peak_mb()), **figures}),
            flush=True,
        )
    print(
        json.dumps(
            {"total_stage_seconds": round(total, 1), "peak_mb": round(_peak_mb()), **score(planted, ctx)}
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
