"""Seed articles: every entity and quantity expectation of seeds-gold.json, checked like score_seeds.py.

Skipped when the shared folder (../shared beside the repository) is absent.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from claimtrace.model import DocAnalysis, Entity
from claimtrace.nlp.entities import find_mentions
from claimtrace.nlp.linking import link_entities
from claimtrace.nlp.quantities import find_quantities
from claimtrace.nlp.sentences import split_sentences

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
GOLD = SHARED / "eval" / "seeds-gold.json"
SEEDS = SHARED / "seeds"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="shared seeds not available")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", str(s)).replace("\u00a0", " ")
    s = s.translate(
        str.maketrans(
            {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-"}
        )
    )
    return re.sub(r"\s+", " ", s).strip().lower()


def _seed_texts() -> dict[str, str]:
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        try:
            from claimtrace.readers import read_path

            docs = read_path(str(path))
            text = docs[0].text if docs else path.read_text("utf-8")
        except Exception:  # readers missing or failing: the raw text still exercises the rules
            text = path.read_text("utf-8")
        out[path.name] = text
    return out


@pytest.fixture(scope="module")
def corpus() -> tuple[dict[str, str], list[Entity]]:
    texts = _seed_texts()
    analyses = []
    for name, text in texts.items():
        sents = split_sentences(text)
        mentions, aliases = find_mentions(text, sents)
        analyses.append(DocAnalysis(doc_id=name, sentences=sents, mentions=mentions, aliases=aliases))
    return texts, link_entities(analyses)


def _entity_of_surface(entities: list[Entity], surface: str) -> set[str]:
    hits = set()
    for e in entities:
        forms = [e.name, *e.aliases, *(m["text"] for m in e.mentions)]
        for f in forms:
            if (len(surface) <= 3 and f == surface) or (len(surface) > 3 and _fold(f) == _fold(surface)):
                hits.add(e.id)
    return hits


def _gold() -> dict:
    return (
        json.loads(GOLD.read_text("utf-8"))
        if GOLD.exists()
        else {"entities": [], "entities_must_not_link": [], "quantities": []}
    )


@pytest.mark.parametrize("group", _gold()["entities"], ids=lambda g: g["canonical"])
def test_gold_entity_forms_link(corpus, group) -> None:
    _, entities = corpus
    ids = [_entity_of_surface(entities, s) for s in group["must_link"]]
    assert all(ids), f"missing surface among {group['must_link']}: {ids}"
    assert set.intersection(*ids), f"{group['must_link']} -> {ids}"


@pytest.mark.parametrize("pair", _gold()["entities_must_not_link"], ids=lambda p: " / ".join(p))
def test_gold_entities_stay_apart(corpus, pair) -> None:
    _, entities = corpus
    a, b = (_entity_of_surface(entities, s) for s in pair)
    assert a and b and not (a & b)


@pytest.mark.parametrize("item", _gold()["quantities"], ids=lambda q: f"{q['doc'][:3]}-{q['value']}")
def test_gold_quantities(corpus, item) -> None:
    texts, _ = corpus
    qs = find_quantities(texts[item["doc"]])
    ok = []
    for q in qs:
        if float(item["value"]) not in {v for v in (q.value, q.low, q.high) if v is not None}:
            continue
        if "approx" in item and q.approx != item["approx"]:
            continue
        if item.get("about") and item["about"] not in _fold(q.about or "") + " " + _fold(q.text):
            continue
        if item.get("bound") == "upper" and q.high != float(item["value"]):
            continue
        ok.append(q)
    assert ok, [(q.text, q.value, q.about) for q in qs]
