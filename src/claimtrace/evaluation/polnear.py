"""Score attribution extraction against PolNeAR (brat standoff) and learn the cue lexicon.

PolNeAR (Newell, Margolin, Ruths, LREC 2018) annotates every attribution relation of 1,008
political news articles as Source / Cue / Content spans (brat ``.ann`` files beside the
article texts). A split directory looks like ``DIR/text/<article>.txt`` and
``DIR/attributions/<article>_<annotator>.ann``.

**One annotator per article.** Some articles were annotated by several annotators; we use the
first ``.ann`` file of an article in sorted file-name order and ignore the others, so every
article counts once and the choice is deterministic.

**Tokens.** Spans are compared as sets of word tokens (``\\w+`` matches of the article text):
a token belongs to a span when its characters overlap the span. Punctuation and quote marks
therefore never count, and a span that includes or excludes the quote marks scores the same.

**Matching.** Predicted relations (``find_attributions`` with all cues; unattributed claims have
no source and are never predictions) are aligned one-to-one with gold relations: every
(gold, predicted) pair is scored by its content-token overlap (cue-token overlap breaks ties,
and pairs with no content and no cue overlap are never aligned), and pairs are taken greedily
from the highest score, each gold and each predicted relation at most once.

**Token-overlap P/R/F1** per span kind (source, cue, content), summed over the corpus::

    precision = sum over aligned pairs |T(gold) ∩ T(pred)| / sum over all predicted |T(pred)|
    recall    = sum over aligned pairs |T(gold) ∩ T(pred)| / sum over all gold      |T(gold)|
    F1        = 2 P R / (P + R)

**Exact-match P/R/F1** per span kind: an aligned pair matches exactly when both token sets
are equal and non-empty; precision = exact pairs / predicted relations having that span,
recall = exact pairs / gold relations having that span.

**Cue heads.** Multi-word cues (``said in a phone interview``, ``is expected to``) are where
annotators disagree most, on their function words; the cue-head figure asks only whether the
cue's head word was found. A cue's head is its first token that is not a function word
(:data:`_FUNCTION_WORDS`: auxiliaries, determiners, prepositions, ...), else its first token.
Over aligned pairs: precision = predicted cues whose head lies inside the gold cue / predicted
relations with a cue; recall = gold cues whose head lies inside the predicted cue / gold
relations with a cue.

**Per claim kind (content only).** A gold relation is *direct* when at least half of its
content tokens lie inside quotation marks; a prediction is direct when its kind is ``direct``.
The content overlap scores are then computed within each kind (a prediction of the other kind
aligned with a gold relation counts neither way).

``python -m claimtrace.evaluation.polnear eval DIR [--limit N]`` prints the report;
``python -m claimtrace.evaluation.polnear train ../shared/benchdata/polnear/train`` rebuilds
``data/cue_lexicon.json`` (word-form counts only, never article text), the word classes
``data/word_params.npz`` (from the installed MiniLM, see :mod:`claimtrace.nlp.wordvec`) and then
the attribution tagger weights ``data/attribution_tagger.npz`` (weights only; see
:mod:`claimtrace.evaluation.polnear_train`) from the train split. Tune on train, check on dev;
the test split is held out.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SpanList = list[tuple[int, int]]
ROLES = ("source", "cue", "content")
_TOKEN = re.compile(r"\w+")
_WORD = re.compile(r"[A-Za-z]+(?:[’'][a-z]+)?")
_T_LINE = re.compile(r"(T\d+)\t([\w-]+) ([\d; ]+)\t")
_QUOTE_CHARS = '"“”'
_FUNCTION_WORDS = frozenset(
    """a an the this that these those his her its their our my your is are was were be been being am
    has have had having do does did will would could should can may might must shall not n t s in
    on at of to for with by from about as into over after before than and or but also reportedly
    just still""".split()  # noqa: SIM905
)


@dataclass
class GoldRelation:
    """One gold attribution: lists of (start, end) segments per role (source may be empty)."""

    source: SpanList = field(default_factory=list)
    cue: SpanList = field(default_factory=list)
    content: SpanList = field(default_factory=list)


@dataclass
class GoldArticle:
    """An article text with its gold relations (one annotator)."""

    name: str
    text: str
    relations: list[GoldRelation]


def parse_ann(ann: str) -> list[GoldRelation]:
    """Parse a brat ``.ann`` string into relations (``E`` lines over ``T`` spans)."""
    spans: dict[str, SpanList] = {}
    for line in ann.splitlines():
        m = _T_LINE.match(line)
        if m:
            segs = [tuple(int(x) for x in s.split()) for s in m.group(3).split(";") if s.strip()]
            spans[m.group(1)] = [(a, b) for a, b in segs]
    rels: list[GoldRelation] = []
    for line in ann.splitlines():
        if not line.startswith("E") or "\t" not in line:
            continue
        rel = GoldRelation()
        for part in line.split("\t")[1].split():
            role, _, tid = part.partition(":")
            role = role.lower()
            if role in ROLES and tid in spans:
                getattr(rel, role).extend(spans[tid])
        if rel.content or rel.cue:
            rels.append(rel)
    return rels


def load_polnear(directory: str | Path, *, limit: int | None = None) -> Iterator[GoldArticle]:
    """Yield the articles of one PolNeAR split (first annotator per article, sorted order)."""
    d = Path(directory)
    seen: set[str] = set()
    anns = sorted((d / "attributions").glob("*.ann"))
    count = 0
    for ann in anns:
        art = ann.stem.rsplit("_", 1)[0]
        if art in seen:
            continue
        txt = d / "text" / f"{art}.txt"
        if not txt.exists():
            continue
        seen.add(art)
        yield GoldArticle(art, txt.read_text(encoding="utf-8"), parse_ann(ann.read_text(encoding="utf-8")))
        count += 1
        if limit is not None and count >= limit:
            return


# --------------------------------------------------------------------------- lexicon learning


def learn_cue_lexicon(directory: str | Path, *, min_cue: int = 3) -> dict[str, Any]:
    """Count, per lower-cased word form, how often it occurs and how often inside a gold cue.

    Returns ``{"source": ..., "words": {form: [cue_count, total_count]}}`` for forms seen at
    least ``min_cue`` times inside a cue. Only word forms and counts: no article text.
    """
    cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    n_articles = 0
    for art in load_polnear(directory):
        n_articles += 1
        cue_chars = bytearray(len(art.text))
        for rel in art.relations:
            for a, b in rel.cue:
                cue_chars[a:b] = b"\x01" * (b - a)
        for m in _WORD.finditer(art.text):
            w = m.group().lower().replace("’", "'")
            total[w] += 1
            if cue_chars[m.start()]:
                cue[w] += 1
    words = {w: [c, total[w]] for w, c in sorted(cue.items()) if c >= min_cue}
    return {
        "about": "PolNeAR train: per word form, [times inside a gold cue, times in text]",
        "articles": n_articles,
        "words": words,
    }


# --------------------------------------------------------------------------- scoring


def _token_index(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _tokens(spans: SpanList, starts: list[int], toks: list[tuple[int, int]]) -> frozenset[int]:
    import bisect

    out: set[int] = set()
    for a, b in spans:
        i = max(0, bisect.bisect_right(starts, a) - 1)
        while i < len(toks) and toks[i][0] < b:
            if toks[i][1] > a:
                out.add(i)
            i += 1
    return frozenset(out)


def _quoted_mask(text: str) -> bytearray:
    """1 for characters inside double quotation marks (straight or curly)."""
    mask = bytearray(len(text))
    inside = False
    for i, ch in enumerate(text):
        if ch == "“":
            inside = True
        elif ch == "”":
            inside = False
            continue
        elif ch == '"':
            inside = not inside
            continue
        elif ch == "\n" and i + 1 < len(text) and text[i + 1] == "\n":
            inside = False
        if inside:
            mask[i] = 1
    return mask


def _new_counts() -> dict[str, dict[str, float]]:
    keys = ("ov", "pred", "gold", "exact", "npred", "ngold")
    counts = {r: dict.fromkeys(keys, 0.0) for r in (*ROLES, "content_direct", "content_indirect")}
    counts[_HEAD] = dict.fromkeys(("hit_p", "hit_r", "npred", "ngold"), 0.0)
    return counts


_HEAD = "cue_head"


def cue_head(cue: frozenset[int], words: list[str]) -> int | None:
    """Index of the head token of a cue's token set (see the module docstring), ``None`` if empty."""
    if not cue:
        return None
    ordered = sorted(cue)
    return next((i for i in ordered if words[i].lower() not in _FUNCTION_WORDS), ordered[0])


def _prf(num_p: float, den_p: float, num_r: float, den_r: float) -> dict[str, float]:
    p = num_p / den_p if den_p else 0.0
    r = num_r / den_r if den_r else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def score_article(
    text: str,
    gold: list[GoldRelation],
    pred: list[tuple[SpanList, SpanList, SpanList, bool]],
    counts: dict[str, dict[str, float]],
) -> None:
    """Add one article's alignment counts to ``counts`` (pred items: source, cue, content, direct)."""
    toks = _token_index(text)
    starts = [t[0] for t in toks]
    words = [text[a:b] for a, b in toks]
    qmask = _quoted_mask(text)
    g_sets = [{r: _tokens(getattr(g, r), starts, toks) for r in ROLES} for g in gold]
    p_sets = [
        {
            "source": _tokens(s, starts, toks),
            "cue": _tokens(c, starts, toks),
            "content": _tokens(t, starts, toks),
        }
        for s, c, t, _d in pred
    ]
    g_direct = []
    for gs in g_sets:
        ct = gs["content"]
        inq = sum(1 for i in ct if qmask[toks[i][0]])
        g_direct.append(bool(ct) and inq * 2 >= len(ct))
    p_direct = [d for *_x, d in pred]
    pairs = []
    for gi, gs in enumerate(g_sets):
        for pi, ps in enumerate(p_sets):
            co = len(gs["content"] & ps["content"])
            cu = len(gs["cue"] & ps["cue"])
            if co or cu:
                pairs.append((co, cu, gi, pi))
    pairs.sort(key=lambda x: (-x[0], -x[1], x[2], x[3]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _co, _cu, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        for r in ROLES:
            ov = len(g_sets[gi][r] & p_sets[pi][r])
            counts[r]["ov"] += ov
            if g_sets[gi][r] and g_sets[gi][r] == p_sets[pi][r]:
                counts[r]["exact"] += 1
        g_cue, p_cue = g_sets[gi]["cue"], p_sets[pi]["cue"]
        counts[_HEAD]["hit_r"] += cue_head(g_cue, words) in p_cue
        counts[_HEAD]["hit_p"] += cue_head(p_cue, words) in g_cue
        kind = "content_direct" if g_direct[gi] else "content_indirect"
        if p_direct[pi] == g_direct[gi]:
            counts[kind]["ov"] += len(g_sets[gi]["content"] & p_sets[pi]["content"])
            if g_sets[gi]["content"] and g_sets[gi]["content"] == p_sets[pi]["content"]:
                counts[kind]["exact"] += 1
    for gi, gs in enumerate(g_sets):
        for r in ROLES:
            if gs[r]:
                counts[r]["gold"] += len(gs[r])
                counts[r]["ngold"] += 1
        counts[_HEAD]["ngold"] += bool(gs["cue"])
        kind = "content_direct" if g_direct[gi] else "content_indirect"
        if gs["content"]:
            counts[kind]["gold"] += len(gs["content"])
            counts[kind]["ngold"] += 1
    for pi, ps in enumerate(p_sets):
        for r in ROLES:
            if ps[r]:
                counts[r]["pred"] += len(ps[r])
                counts[r]["npred"] += 1
        counts[_HEAD]["npred"] += bool(ps["cue"])
        kind = "content_direct" if p_direct[pi] else "content_indirect"
        if ps["content"]:
            counts[kind]["pred"] += len(ps["content"])
            counts[kind]["npred"] += 1


def predict_relations(text: str) -> list[tuple[SpanList, SpanList, SpanList, bool]]:
    """Run the attribution extractor (all cues) and return (source, cue, content, direct) span lists."""
    from claimtrace.nlp.attribution import find_attributions
    from claimtrace.nlp.pipeline import split_sentences

    out = []
    for a in find_attributions(text, split_sentences(text), cues="all"):
        src = [a.source] if a.source else []
        out.append((src, [a.cue], list(a.content), a.kind == "direct"))
    return out


def evaluate_polnear(directory: str | Path, *, limit: int | None = None) -> dict[str, Any]:
    """Score the extractor on one PolNeAR split; see the module docstring for the metrics.

    Returns ``{"articles", "gold_relations", "predicted_relations", "overlap": {kind: {p,r,f1}},
    "exact": {kind: {p,r,f1}}, "cue_head": {p,r,f1}}`` with kinds source, cue, content,
    content_direct, content_indirect.
    """
    counts = _new_counts()
    n = 0
    n_gold = n_pred = 0
    for art in load_polnear(directory, limit=limit):
        pred = predict_relations(art.text)
        score_article(art.text, art.relations, pred, counts)
        n += 1
        n_gold += len(art.relations)
        n_pred += len(pred)
    return {
        "directory": str(directory),
        "articles": n,
        "gold_relations": n_gold,
        "predicted_relations": n_pred,
        **_summary(counts),
    }


def _summary(counts: dict[str, dict[str, float]]) -> dict[str, Any]:
    overlap = {k: _prf(c["ov"], c["pred"], c["ov"], c["gold"]) for k, c in counts.items() if k != _HEAD}
    exact = {k: _prf(c["exact"], c["npred"], c["exact"], c["ngold"]) for k, c in counts.items() if k in ROLES}
    h = counts[_HEAD]
    return {"overlap": overlap, "exact": exact, _HEAD: _prf(h["hit_p"], h["npred"], h["hit_r"], h["ngold"])}


def _annotations(directory: str | Path) -> dict[str, list[Path]]:
    """Every ``.ann`` file of a split by article name (sorted file names)."""
    d = Path(directory)
    by_article: dict[str, list[Path]] = {}
    for ann in sorted((d / "attributions").glob("*.ann")):
        if (d / "text" / f"{ann.stem.rsplit('_', 1)[0]}.txt").exists():
            by_article.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
    return by_article


def evaluate_agreement(directory: str | Path) -> dict[str, Any]:
    """Annotators scored against each other with the extractor's metric: the ceiling to read it by.

    For every article of the split with two or more annotators, the first annotator (the gold the
    extractor is scored against) is gold and each other annotator is scored as a prediction
    (``annotators``); the extractor is scored against the same first annotators on the same
    articles (``system``). Same keys as :func:`evaluate_polnear` under each.
    """
    d = Path(directory)
    humans, system = _new_counts(), _new_counts()
    articles = pairs = 0
    for art, anns in _annotations(d).items():
        if len(anns) < 2:
            continue
        text = (d / "text" / f"{art}.txt").read_text(encoding="utf-8")
        gold = parse_ann(anns[0].read_text(encoding="utf-8"))
        for other in anns[1:]:
            rels = parse_ann(other.read_text(encoding="utf-8"))
            flags = _direct_flags(text, rels)
            pred = [(r.source, r.cue, r.content, d) for r, d in zip(rels, flags, strict=True)]
            score_article(text, gold, pred, humans)
            pairs += 1
        score_article(text, gold, predict_relations(text), system)
        articles += 1
    return {
        "directory": str(directory),
        "articles": articles,
        "pairs": pairs,
        "annotators": _summary(humans),
        "system": _summary(system),
    }


def _direct_flags(text: str, rels: list[GoldRelation]) -> list[bool]:
    """Per relation: at least half of its content tokens are inside quotes (as gold is judged)."""
    toks = _token_index(text)
    starts = [t[0] for t in toks]
    qmask = _quoted_mask(text)
    out = []
    for rel in rels:
        content = _tokens(rel.content, starts, toks)
        out.append(bool(content) and 2 * sum(1 for i in content if qmask[toks[i][0]]) >= len(content))
    return out


def format_agreement(result: dict[str, Any]) -> str:
    """Annotator agreement beside the extractor on the same articles (overlap / exact F1)."""
    lines = [
        f"PolNeAR agreement: {result['articles']} articles with 2+ annotators, {result['pairs']} annotator "
        f"pairs ({result['directory']}); gold = each article's first annotator",
        f"{'span':<10}{'annotators overlap F1':>23}{'exact F1':>10}"
        f"   {'system overlap F1':>18}{'exact F1':>10}",
    ]
    h, s = result["annotators"], result["system"]
    for k in ROLES:
        lines.append(
            f"{k:<10}{h['overlap'][k]['f1']:>23.3f}{h['exact'][k]['f1']:>10.3f}"
            f"   {s['overlap'][k]['f1']:>18.3f}{s['exact'][k]['f1']:>10.3f}"
        )
    lines.append(f"{'cue head':<10}{h[_HEAD]['f1']:>23.3f}{'':>10}   {s[_HEAD]['f1']:>18.3f}")
    return "\n".join(lines)


def format_report(result: dict[str, Any]) -> str:
    """A plain-text table of an :func:`evaluate_polnear` result."""
    lines = [
        f"PolNeAR attribution: {result['articles']} articles, {result['gold_relations']} gold relations, "
        f"{result['predicted_relations']} predicted  ({result['directory']})",
        f"{'span':<18}{'overlap P':>10}{'R':>8}{'F1':>8}   {'exact P':>8}{'R':>8}{'F1':>8}",
    ]
    for k, ov in result["overlap"].items():
        ex = result["exact"].get(k)
        tail = f"   {ex['p']:>8.3f}{ex['r']:>8.3f}{ex['f1']:>8.3f}" if ex else ""
        lines.append(f"{k:<18}{ov['p']:>10.3f}{ov['r']:>8.3f}{ov['f1']:>8.3f}{tail}")
    hd = result[_HEAD]
    lines.append(f"{'cue head':<18}{hd['p']:>10.3f}{hd['r']:>8.3f}{hd['f1']:>8.3f}   (head word found)")
    return "\n".join(lines)


def lexicon_path() -> Path:
    """Where the shipped cue lexicon lives."""
    return Path(__file__).resolve().parents[1] / "data" / "cue_lexicon.json"


def main(argv: list[str] | None = None) -> int:
    """``eval DIR [--limit N] [--json]`` or ``train DIR [--out FILE]``."""
    ap = argparse.ArgumentParser(prog="python -m claimtrace.evaluation.polnear")
    sub = ap.add_subparsers(dest="cmd", required=True)
    ev = sub.add_parser("eval", help="score attribution extraction on a PolNeAR split")
    ev.add_argument("directory")
    ev.add_argument("--limit", type=int, default=None)
    ev.add_argument("--json", action="store_true")
    ag = sub.add_parser("agreement", help="annotators against each other, beside the extractor")
    ag.add_argument("directory")
    ag.add_argument("--json", action="store_true")
    tr = sub.add_parser("train", help="learn the cue lexicon from the train split")
    tr.add_argument("directory")
    tr.add_argument("--out", default=str(lexicon_path()))
    tr.add_argument("--model-out", default=None, help="tagger weights (default: data/attribution_tagger.npz)")
    tr.add_argument("--lexicon-only", action="store_true", help="rebuild the cue lexicon only")
    tr.add_argument("--short", type=int, default=0, help="short excerpts per article for the network")
    args = ap.parse_args(argv)
    if args.cmd == "eval":
        res = evaluate_polnear(args.directory, limit=args.limit)
        print(json.dumps(res, indent=1) if args.json else format_report(res))
        return 0
    if args.cmd == "agreement":
        res = evaluate_agreement(args.directory)
        print(json.dumps(res, indent=1) if args.json else format_agreement(res))
        return 0
    lex = learn_cue_lexicon(args.directory)
    Path(args.out).write_text(json.dumps(lex, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(lex['words'])} cue word forms from {lex['articles']} articles to {args.out}")
    if args.lexicon_only:
        return 0
    from claimtrace.evaluation.polnear_train import train_tagger
    from claimtrace.nlp import cues, wordvec

    cues.learned_forms.cache_clear()
    built = wordvec.build_word_classes()
    print(f"wrote word classes of {built['pieces']} MiniLM pieces to {built['path']}")
    summary = train_tagger(args.directory, out=args.model_out, short=args.short)
    print(f"trained the attribution tagger on {summary['articles']} articles: {summary['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
