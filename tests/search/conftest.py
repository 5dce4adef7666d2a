"""A tiny fictional corpus in a SQLite store: documents, hand-made claims, a narrative, a fact-check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimtrace.exports.importers import import_claimreview
from claimtrace.model import Claim, DocAnalysis, Document, Narrative
from claimtrace.store import open_store

# (outlet, date, title, speaker, claim content, rest of the text)
ARTICLES = [
    (
        "Harbour Gazette",
        "2024-03-01",
        "Port fees to rise in Velmora",
        "Mayor Ilsa Brandt",
        "harbour fees in Velmora would rise by 40 percent next year",
        "The council did not comment.",
    ),
    (
        "Northern Ledger",
        "2024-03-05",
        "Kessel bridge inspection",
        "Engineer Tomas Okafor",
        "the river bridge in Kessel was safe for heavy trucks",
        "Repairs are planned for the spring.",
    ),
    (
        "Coastal Times",
        "2024-04-02",
        "Norland health drive",
        "Minister Aino Vesk",
        "the vaccination campaign in Norland had reached 3 million children",
        "Opposition deputies questioned the count.",
    ),
    (
        "Valley Courier",
        "2024-04-09",
        "Orchard harvest",
        "Farmer Pell Dunmore",
        "the apple harvest in Ostrava Bay was the largest in a decade",
        "Prices fell at the market.",
    ),
]
REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example/velmora-fees",
    "claimReviewed": "Velmora will raise its harbour fees by 40% next year",
    "author": {"@type": "Organization", "name": "Fictional Check Desk"},
    "datePublished": "2024-03-10",
    "reviewRating": {"@type": "Rating", "alternateName": "Misleading"},
}


def build(db: Path, tmp: Path) -> dict[str, Any]:
    """Store the articles with one claim each, a rated narrative and an imported fact-check."""
    docs, analyses, claim_ids = [], [], []
    for i, (outlet, date, title, speaker, content, rest) in enumerate(ARTICLES):
        text = f"{speaker} said {content}. {rest}"
        doc = Document(text=text, source=f"fixture-{i}", title=title, outlet=outlet, published=date)
        cs = text.index(content)
        end = cs + len(content) + 1
        claim = Claim(
            start=0,
            end=end,
            content_start=cs,
            content_end=cs + len(content),
            kind="indirect",
            speaker_text=speaker,
            speaker_start=0,
            speaker_end=len(speaker),
            cue="said",
            id=f"{doc.id}:0-{end}",
        )
        docs.append(doc)
        analyses.append(DocAnalysis(doc_id=doc.id, sentences=[(0, end)], claims=[claim]))
        claim_ids.append(claim.id)
    review = tmp / "review.json"
    review.write_text(json.dumps(REVIEW), encoding="utf-8")
    with open_store(str(db)) as store:
        store.add_documents(docs)
        store.save_analyses(analyses)
        store.save_narratives(
            [
                Narrative(
                    id="n-velmora",
                    label="Velmora harbour fee rise",
                    claims=[claim_ids[0]],
                    documents=[docs[0].id],
                )
            ]
        )
        store.set_rating("n-velmora", "misleading", "fees rise 4%, not 40%", author="desk")
        store.add_reference_claims(import_claimreview(review))
    return {"docs": [d.id for d in docs], "claims": claim_ids}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("corpus")
    db = tmp / "c.db"
    info = build(db, tmp)
    info["db"] = str(db)
    info["tmp"] = tmp
    return info


@pytest.fixture
def make_corpus() -> Any:
    """The :func:`build` function, for tests that change their own copy of the corpus."""
    return build
