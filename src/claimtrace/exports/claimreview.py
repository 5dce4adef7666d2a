"""schema.org ClaimReview (JSON-LD) for every narrative that has an analyst verdict.

Each review names the claim (``claimReviewed``: the narrative label), the verdict
(``reviewRating`` with ``alternateName`` = the rating text and a 1-5 ``ratingValue`` where
the text maps onto the usual fact-check scale), and every appearance of the claim
(``itemReviewed.appearance``: url, date, publisher of each document in the narrative).
Without a public base URL the review is identified by a ``urn:claimtrace:`` URI.

The reviewing organisation is ``author=`` or the ``CLAIMTRACE_AUTHOR`` environment variable
(``CLAIMTRACE_AUTHOR_URL`` for its URL), else "claimtrace".

>>> from claimtrace.report.sample import sample_export
>>> [r["reviewRating"]["alternateName"] for r in build_claimreviews(sample_export())]
['False']
"""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING, Any

from claimtrace.report._index import ratings_of

if TYPE_CHECKING:
    from claimtrace.store.base import Store

#: Rating text (folded) -> value on a 1 (false) .. 5 (true) scale.
RATING_SCALE: dict[str, int] = {
    "false": 1,
    "pants on fire": 1,
    "fake": 1,
    "fabricated": 1,
    "incorrect": 1,
    "wrong": 1,
    "mostly false": 2,
    "misleading": 2,
    "false context": 2,
    "distorted": 2,
    "exaggerated": 2,
    "half true": 3,
    "mixture": 3,
    "mixed": 3,
    "partly false": 3,
    "partly true": 3,
    "unproven": 3,
    "unsupported": 3,
    "needs context": 3,
    "missing context": 3,
    "mostly true": 4,
    "true": 5,
    "correct": 5,
    "accurate": 5,
}


def rating_value(text: str) -> int | None:
    """The 1-5 value of a rating text ('Mostly false' -> 2), or None when it does not map."""
    key = re.sub(r"[\s_-]+", " ", text.strip().lower()).strip(" .!")
    return RATING_SCALE.get(key)


def _url_or_urn(source: Any, kind: str, ident: str) -> str:
    text = str(source or "").strip()
    if text.lower().startswith(("http://", "https://")):
        return text
    return f"urn:claimtrace:{kind}:{ident}"


def _date(value: Any) -> str | None:
    return str(value)[:10] if value else None


def build_claimreviews(
    export: dict[str, Any],
    *,
    author: str | None = None,
    author_url: str | None = None,
    base_url: str | None = None,
) -> list[dict[str, Any]]:
    """One ClaimReview dict per rated narrative, appearances ordered by date."""
    org: dict[str, Any] = {
        "@type": "Organization",
        "name": author or os.environ.get("CLAIMTRACE_AUTHOR") or "claimtrace",
    }
    url = author_url or os.environ.get("CLAIMTRACE_AUTHOR_URL")
    if url:
        org["url"] = url
    ratings = ratings_of(export)
    docs = {str(d.get("id")): d for d in export.get("documents") or []}
    claims = {str(c.get("id")): c for c in export.get("claims") or []}
    entities = {str(e.get("id")): e for e in export.get("entities") or []}
    origins = {str(r.get("source")) for r in export.get("reuse") or [] if r.get("source")}
    reviews = []
    for nar in export.get("narratives") or []:
        nid = str(nar.get("id"))
        verdict = ratings.get(nid)
        if not verdict:
            continue
        appearances = []
        for d in sorted(
            (str(x) for x in nar.get("documents") or []),
            key=lambda x: (str(docs.get(x, {}).get("published") or "9999"), x not in origins, x),
        ):
            doc = docs.get(d)
            if not doc:
                continue
            work: dict[str, Any] = {
                "@type": "CreativeWork",
                "url": _url_or_urn(doc.get("source"), "document", d),
            }
            if doc.get("title"):
                work["headline"] = str(doc["title"])
            if doc.get("published"):
                work["datePublished"] = _date(doc["published"])
            if doc.get("outlet"):
                work["publisher"] = {"@type": "Organization", "name": str(doc["outlet"])}
            appearances.append(work)
        item: dict[str, Any] = {"@type": "Claim", "appearance": appearances}
        if appearances:
            item["firstAppearance"] = appearances[0]
        if appearances and appearances[0].get("datePublished"):
            item["datePublished"] = appearances[0]["datePublished"]
        claimant = _claimant(nar, claims, entities, docs)
        if claimant:
            item["author"] = claimant
        text = str(verdict.get("rating"))
        rating: dict[str, Any] = {"@type": "Rating", "alternateName": text}
        value = rating_value(text)
        if value is not None:
            rating.update(ratingValue=value, bestRating=5, worstRating=1)
        ident = (
            f"{base_url.rstrip('/')}/#narrative-{nid}" if base_url else f"urn:claimtrace:claimreview:{nid}"
        )
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "@id": ident,
            "url": ident,
            "claimReviewed": str(nar.get("label") or nid),
            "reviewRating": rating,
            "itemReviewed": item,
            "author": org,
            "datePublished": _date(verdict.get("created_at")) or _date(nar.get("last_seen")),
            "identifier": nid,
        }
        if verdict.get("note"):
            review["reviewBody"] = str(verdict["note"])
        reviews.append({k: v for k, v in review.items() if v is not None})
    return reviews


def _claimant(
    nar: dict[str, Any], claims: dict[str, Any], entities: dict[str, Any], docs: dict[str, Any]
) -> dict[str, Any] | None:
    """Who first made the claim: the earliest claim's speaker entity (Person or Organization)."""
    dated = sorted(
        (c for c in (claims.get(str(x)) for x in nar.get("claims") or []) if c),
        key=lambda c: (
            str(docs.get(str(c.get("doc")), {}).get("published") or "9999"),
            int(c.get("start") or 0),
        ),
    )
    for c in dated:
        ent = entities.get(str((c.get("speaker") or {}).get("entity")))
        if ent:
            kind = "Person" if ent.get("type") == "PERSON" else "Organization"
            return {"@type": kind, "name": str(ent.get("name"))}
    return None


def export_claimreview(
    export: dict[str, Any],
    out: str,
    *,
    author: str | None = None,
    author_url: str | None = None,
    base_url: str | None = None,
) -> None:
    """Write the ClaimReviews of ``export`` to ``out`` as a JSON-LD array (``-`` for stdout)."""
    text = json.dumps(
        build_claimreviews(export, author=author, author_url=author_url, base_url=base_url),
        ensure_ascii=False,
        indent=2,
    )
    if out == "-":
        print(text)
        return
    from claimtrace.exports.atomic import atomic_file

    with atomic_file(out) as part, open(part, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")


def write_claimreview(store: Store, out: str) -> None:
    """Exporter-registry form: export the rated narratives of ``store`` as ClaimReview JSON-LD."""
    from claimtrace.exports.contract import build_export

    export_claimreview(build_export(store), out)
