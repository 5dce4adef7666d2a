"""A small, entirely fictional export dict (CONTRACT.md shape) for demos, docs and tests.

Outlets, people, places and events here are invented. The corpus holds one recurring
narrative (a drone-smuggling accusation whose figure and target mutate, copied verbatim by
one outlet, paraphrased by another, amplified, contested and debunked) and one unrelated
story. Offsets are computed from the text, so the dict is always internally consistent.

>>> export = sample_export()
>>> sorted(export)[:3]
['claims', 'documents', 'entities']
"""

from __future__ import annotations

import re
from typing import Any

from claimtrace.model import make_doc_id

_DOCS: list[dict[str, Any]] = [
    {
        "key": "d1",
        "outlet": "Coastline Wire",
        "published": "2024-03-04",
        "author": "Mira Castell",
        "source": "https://coastline-wire.example/2024/03/04/harlan-brevia-drones",
        "title": "Harlan accuses Brevia of shipping drones to Ostral rebels",
        "text": (
            "The Harlan Interior Ministry said on Monday that Brevia has been secretly shipping military "
            'drones to Ostral rebels through the port of Kessa. "Around 40 attack drones crossed into Ostral '
            "in February alone,\" ministry spokeswoman Anika Venn told reporters in Dalmar. Brevia's foreign "
            "ministry has not commented on the accusation."
        ),
    },
    {
        "key": "d2",
        "outlet": "The Meridian Post",
        "published": "2024-03-04",
        "author": None,
        "source": "https://meridianpost.example/world/harlan-drones",
        "credits": ["Coastline Wire"],
        "title": "Dalmar steps up drone row with Brevia",
        "text": (
            'Officials in Dalmar escalated their dispute with Brevia on Monday. "Around 40 attack drones '
            'crossed into Ostral in February alone," ministry spokeswoman Anika Venn told reporters in '
            "Dalmar. The ministry did not publish evidence for the figure."
        ),
    },
    {
        "key": "d3",
        "outlet": "Harlan Patriot Herald",
        "published": "2024-03-06",
        "author": "Editorial Desk",
        "source": "https://patriot-herald.example/brevia-pipeline",
        "title": "Brevia's drone pipeline exposed",
        "text": (
            "Brevia's shameless drone pipeline is arming the Ostral terrorists. Up to 200 drones have been "
            "smuggled through Kessa, sources close to the Interior Ministry say, and the West looks the "
            "other way."
        ),
    },
    {
        "key": "d4",
        "outlet": "The Brevian Observer",
        "published": "2024-03-07",
        "author": "LenaOrd",
        "source": "https://brevian-observer.example/2024/03/07/denial",
        "title": "Brevia rejects Harlan drone accusation",
        "text": (
            "Brevia's foreign ministry on Thursday denied claims by Harlan that it supplied drones to Ostral "
            'rebels. "This is a fabrication designed to distract from Harlan\'s own failures," said ministry '
            "spokesman Tomas Relk. Harlan says around 40 drones were shipped through Kessa."
        ),
    },
    {
        "key": "d8",
        "outlet": "Dalmar Evening Star",
        "published": "2024-03-09",
        "author": None,
        "source": "https://evening-star.example/kessa-trucks",
        "title": "Night trucks seen at Kessa",
        "text": (
            "Brevia's shameless drone pipeline is arming the Ostral terrorists. Residents of Kessa told the "
            "Evening Star they had seen unmarked trucks at night."
        ),
    },
    {
        "key": "d5",
        "outlet": "The Meridian Post",
        "published": "2024-03-11",
        "author": "Jon Hadley",
        "source": "https://meridianpost.example/world/hale-talvex",
        "title": "Minister names Brevian firm in drone claims",
        "text": (
            "Interior Minister Dorian Hale said on Monday that about 120 drones built by the Brevian firm "
            "Talvex Systems had reached Ostral rebels since January. Hale said Talvex had used the port of "
            "Kessa to move the shipments. Talvex Systems has not commented."
        ),
    },
    {
        "key": "d6",
        "outlet": "FactLine",
        "published": "2024-03-14",
        "author": "Priya Sand",
        "source": "https://factline.example/checks/kessa-drones",
        "title": "Fact check: no evidence of drone shipments through Kessa",
        "text": (
            "Claims that Brevia shipped drones to Ostral rebels through Kessa have spread across Harlan "
            "media, with the number of drones rising from 40 to 200 and then falling to about 120. There is "
            "no evidence that any such shipments took place: port records reviewed by FactLine show no "
            "military cargo. The claim is false."
        ),
    },
    {
        "key": "d7",
        "outlet": "Northgate Daily",
        "published": "2024-03-08",
        "author": "Ilse Marr",
        "source": "examples/northgate-tram.txt",
        "title": "Council approves northern tram extension",
        "text": (
            "The Dalmar city council approved a 9-kilometre extension of the northern tram line on Friday. "
            "Council member Ilse Brandt said construction would begin in the spring and cost about 310 "
            "million crowns."
        ),
    },
]

_ENTITIES: list[dict[str, Any]] = [
    {"id": "e-harlan", "name": "Harlan", "type": "GPE", "surfaces": ["Harlan"]},
    {
        "id": "e-interior",
        "name": "Harlan Interior Ministry",
        "type": "ORG",
        "surfaces": ["Harlan Interior Ministry", "Interior Ministry"],
        "aliases": ["Interior Ministry"],
    },
    {"id": "e-brevia", "name": "Brevia", "type": "GPE", "surfaces": ["Brevia"]},
    {"id": "e-ostral", "name": "Ostral", "type": "LOC", "surfaces": ["Ostral"]},
    {"id": "e-kessa", "name": "Kessa", "type": "LOC", "surfaces": ["Kessa"]},
    {"id": "e-dalmar", "name": "Dalmar", "type": "GPE", "surfaces": ["Dalmar"]},
    {"id": "e-venn", "name": "Anika Venn", "type": "PERSON", "surfaces": ["Anika Venn"]},
    {"id": "e-relk", "name": "Tomas Relk", "type": "PERSON", "surfaces": ["Tomas Relk"]},
    {
        "id": "e-hale",
        "name": "Dorian Hale",
        "type": "PERSON",
        "surfaces": ["Dorian Hale", "Hale"],
        "aliases": ["Hale"],
    },
    {
        "id": "e-talvex",
        "name": "Talvex Systems",
        "type": "ORG",
        "surfaces": ["Talvex Systems", "Talvex"],
        "aliases": ["Talvex"],
    },
    {
        "id": "e-brevia-fm",
        "name": "Brevian Foreign Ministry",
        "type": "ORG",
        "surfaces": ["foreign ministry"],
    },
    {"id": "e-factline", "name": "FactLine", "type": "ORG", "surfaces": ["FactLine"]},
    {"id": "e-brandt", "name": "Ilse Brandt", "type": "PERSON", "surfaces": ["Ilse Brandt"]},
]

# (doc key, sentence, content, speaker, cue, kind, speaker entity, quantities)
_CLAIMS: list[tuple[Any, ...]] = [
    (
        "d1",
        "The Harlan Interior Ministry said on Monday that Brevia has been secretly shipping military "
        "drones to Ostral rebels through the port of Kessa.",
        "Brevia has been secretly shipping military drones to Ostral rebels through the port of Kessa",
        "The Harlan Interior Ministry",
        "said",
        "indirect",
        "e-interior",
        [],
    ),
    (
        "d1",
        '"Around 40 attack drones crossed into Ostral in February alone," ministry spokeswoman Anika Venn '
        "told reporters in Dalmar.",
        "Around 40 attack drones crossed into Ostral in February alone",
        "Anika Venn",
        "told",
        "direct",
        "e-venn",
        [{"text": "Around 40 attack drones", "value": 40.0, "approx": True, "about": "drones"}],
    ),
    (
        "d2",
        '"Around 40 attack drones crossed into Ostral in February alone," ministry spokeswoman Anika Venn '
        "told reporters in Dalmar.",
        "Around 40 attack drones crossed into Ostral in February alone",
        "Anika Venn",
        "told",
        "direct",
        "e-venn",
        [{"text": "Around 40 attack drones", "value": 40.0, "approx": True, "about": "drones"}],
    ),
    (
        "d3",
        "Brevia's shameless drone pipeline is arming the Ostral terrorists.",
        "Brevia's shameless drone pipeline is arming the Ostral terrorists",
        None,
        None,
        "unattributed",
        None,
        [],
    ),
    (
        "d3",
        "Up to 200 drones have been smuggled through Kessa, sources close to the Interior Ministry say, "
        "and the West looks the other way.",
        "Up to 200 drones have been smuggled through Kessa",
        "sources close to the Interior Ministry",
        "say",
        "according_to",
        None,
        [{"text": "Up to 200 drones", "value": 200.0, "high": 200.0, "about": "drones"}],
    ),
    (
        "d4",
        "Brevia's foreign ministry on Thursday denied claims by Harlan that it supplied drones to Ostral "
        "rebels.",
        "it supplied drones to Ostral rebels",
        "Harlan",
        "claims",
        "indirect",
        "e-harlan",
        [],
    ),
    (
        "d4",
        '"This is a fabrication designed to distract from Harlan\'s own failures," said ministry spokesman '
        "Tomas Relk.",
        "This is a fabrication designed to distract from Harlan's own failures",
        "Tomas Relk",
        "said",
        "direct",
        "e-relk",
        [],
    ),
    (
        "d8",
        "Brevia's shameless drone pipeline is arming the Ostral terrorists.",
        "Brevia's shameless drone pipeline is arming the Ostral terrorists",
        None,
        None,
        "unattributed",
        None,
        [],
    ),
    (
        "d5",
        "Interior Minister Dorian Hale said on Monday that about 120 drones built by the Brevian firm "
        "Talvex Systems had reached Ostral rebels since January.",
        "about 120 drones built by the Brevian firm Talvex Systems had reached Ostral rebels since January",
        "Dorian Hale",
        "said",
        "indirect",
        "e-hale",
        [{"text": "about 120 drones", "value": 120.0, "approx": True, "about": "drones"}],
    ),
    (
        "d6",
        "There is no evidence that any such shipments took place: port records reviewed by FactLine show no "
        "military cargo.",
        "There is no evidence that any such shipments took place",
        None,
        None,
        "unattributed",
        None,
        [],
    ),
    (
        "d7",
        "Council member Ilse Brandt said construction would begin in the spring and cost about 310 million "
        "crowns.",
        "construction would begin in the spring and cost about 310 million crowns",
        "Ilse Brandt",
        "said",
        "indirect",
        "e-brandt",
        [{"text": "about 310 million crowns", "value": 310e6, "approx": True, "about": "crowns"}],
    ),
]

# (a key, a passage, b key, b passage, kind, score, source key)
_REUSE: list[tuple[Any, ...]] = [
    (
        "d1",
        '"Around 40 attack drones crossed into Ostral in February alone," ministry spokeswoman Anika Venn '
        "told reporters in Dalmar.",
        "d2",
        '"Around 40 attack drones crossed into Ostral in February alone," '
        "ministry spokeswoman Anika Venn told reporters in Dalmar.",
        "verbatim",
        1.0,
        "d1",
    ),
    (
        "d1",
        "Brevia has been secretly shipping military drones to Ostral rebels through the port of Kessa",
        "d4",
        "Harlan says around 40 drones were shipped through Kessa",
        "paraphrase",
        0.74,
        "d1",
    ),
    (
        "d3",
        "Brevia's shameless drone pipeline is arming the Ostral terrorists.",
        "d8",
        "Brevia's shameless drone pipeline is arming the Ostral terrorists.",
        "exact",
        1.0,
        "d3",
    ),
]

_STANCES: list[tuple[str, str, list[str]]] = [
    ("d1", "ATTRIBUTES", ["said"]),
    ("d2", "ATTRIBUTES", ["told reporters"]),
    ("d3", "AMPLIFIES", ["shameless drone pipeline", "Ostral terrorists"]),
    ("d4", "CONTESTS", ["denied", "fabrication"]),
    ("d8", "AMPLIFIES", ["shameless drone pipeline"]),
    ("d5", "ATTRIBUTES", ["said"]),
    ("d6", "DEBUNKS", ["There is no evidence", "The claim is false."]),
]


def _find(text: str, needle: str, *, after: int = 0) -> tuple[int, int]:
    start = text.find(needle, after)
    if start < 0:
        raise ValueError(f"fixture text does not contain {needle!r}")
    return start, start + len(needle)


def sample_export() -> dict[str, Any]:
    """Build the fictional export dict (a fresh copy each call; callers may mutate it)."""
    ids = {d["key"]: make_doc_id(d["source"], d["text"]) for d in _DOCS}
    docs = {d["key"]: d for d in _DOCS}
    documents = [
        {
            "id": ids[d["key"]],
            "source": d["source"],
            "title": d["title"],
            "published": d["published"],
            "author": d["author"],
            "outlet": d["outlet"],
            "credits": list(d.get("credits", [])),
            "language": "en",
            "text": d["text"],
        }
        for d in _DOCS
    ]
    entities = []
    for spec in _ENTITIES:
        mentions = []
        for d in _DOCS:
            for surface in spec["surfaces"]:
                for m in re.finditer(rf"\b{re.escape(surface)}\b", d["text"]):
                    mentions.append(
                        {"doc": ids[d["key"]], "start": m.start(), "end": m.end(), "text": m.group()}
                    )
        entities.append(
            {
                "id": spec["id"],
                "name": spec["name"],
                "type": spec["type"],
                "aliases": list(spec.get("aliases", [])),
                "mentions": mentions,
            }
        )
    claims = []
    for key, sentence, content, speaker, cue, kind, ent, quants in _CLAIMS:
        text = docs[key]["text"]
        start, end = _find(text, sentence)
        cs, ce = _find(text, content, after=start)
        sp = _find(text, speaker, after=start) if speaker else None
        cp = _find(text, cue, after=start) if cue else None
        doc_id = ids[key]
        claims.append(
            {
                "id": f"{doc_id}:{start}-{end}",
                "doc": doc_id,
                "start": start,
                "end": end,
                "content": text[cs:ce],
                "content_span": [cs, ce],
                "kind": kind,
                "speaker": {"text": speaker, "span": list(sp) if sp else None, "entity": ent},
                "cue": cue,
                "cue_span": list(cp) if cp else None,
                "hedges": [],
                "quantities": [
                    {"low": None, "high": None, "approx": False, "about": None, **q} for q in quants
                ],
            }
        )
    reuse = []
    for ak, ap, bk, bp, kind, score, src in _REUSE:
        a0, a1 = _find(docs[ak]["text"], ap)
        b0, b1 = _find(docs[bk]["text"], bp)
        reuse.append(
            {
                "a": {"doc": ids[ak], "start": a0, "end": a1},
                "b": {"doc": ids[bk], "start": b0, "end": b1},
                "kind": kind,
                "score": score,
                "source": ids[src],
            }
        )
    stories = [
        _story(
            "s-accusation",
            "Harlan accuses Brevia of drone shipments via Kessa",
            ["d1", "d2", "d3", "d4", "d8"],
            ids,
            docs,
        ),
        _story(
            "s-talvex", "Harlan minister names Talvex Systems; fact-checkers respond", ["d5", "d6"], ids, docs
        ),
        _story("s-tram", "Dalmar council approves tram extension", ["d7"], ids, docs),
    ]
    drone_keys = ["d1", "d2", "d3", "d4", "d8", "d5", "d6"]
    stances = []
    for key, label, cues in _STANCES:
        text = docs[key]["text"]
        evidence = []
        for cue in cues:
            s, e = _find(text, cue)
            evidence.append({"start": s, "end": e, "text": text[s:e]})
        stances.append({"doc": ids[key], "stance": label, "evidence": evidence})
    drone_claims = [c["id"] for c in claims if c["doc"] in {ids[k] for k in drone_keys}]
    narratives = [
        {
            "id": "nar-kessa-drones",
            "label": "Brevia is shipping attack drones to Ostral rebels through Kessa",
            "claims": drone_claims,
            "documents": [ids[k] for k in drone_keys],
            "first_seen": "2024-03-04",
            "last_seen": "2024-03-14",
            "timeline": sorted(
                (
                    {"date": docs[k]["published"], "doc": ids[k], "outlet": docs[k]["outlet"]}
                    for k in drone_keys
                ),
                key=lambda t: (t["date"], t["outlet"]),
            ),
            "mutations": [
                {
                    "slot": "quantity",
                    "value": 40.0,
                    "text": "around 40",
                    "doc": ids["d1"],
                    "date": "2024-03-04",
                    "previous": None,
                },
                {
                    "slot": "quantity",
                    "value": 200.0,
                    "text": "up to 200",
                    "doc": ids["d3"],
                    "date": "2024-03-06",
                    "previous": 40.0,
                },
                {
                    "slot": "quantity",
                    "value": 120.0,
                    "text": "about 120",
                    "doc": ids["d5"],
                    "date": "2024-03-11",
                    "previous": 200.0,
                },
                {
                    "slot": "target",
                    "value": "Brevia",
                    "doc": ids["d1"],
                    "date": "2024-03-04",
                    "previous": None,
                },
                {
                    "slot": "target",
                    "value": "Talvex Systems",
                    "doc": ids["d5"],
                    "date": "2024-03-11",
                    "previous": "Brevia",
                },
            ],
            "stances": stances,
            "entities": ["e-brevia", "e-ostral", "e-kessa", "e-interior"],
            "carried_by": _carried_by(claims, {ids[k]: docs[k] for k in drone_keys}),
        },
        {
            "id": "nar-tram",
            "label": "Dalmar's northern tram extension will cost about 310 million crowns",
            "claims": [c["id"] for c in claims if c["doc"] == ids["d7"]],
            "documents": [ids["d7"]],
            "first_seen": "2024-03-08",
            "last_seen": "2024-03-08",
            "timeline": [{"date": "2024-03-08", "doc": ids["d7"], "outlet": "Northgate Daily"}],
            "mutations": [],
            "stances": [{"doc": ids["d7"], "stance": "ATTRIBUTES", "evidence": []}],
        },
    ]
    ratings = {
        "nar-kessa-drones": {
            "rating": "False",
            "note": "Port records and satellite imagery show no military cargo through Kessa; "
            "the figure changed "
            "three times without a source.",
            "author": "desk-analyst",
            "created_at": "2024-03-15T09:30:00Z",
        }
    }
    return {
        "format": "claimtrace-export",
        "version": 1,
        "documents": documents,
        "entities": entities,
        "claims": claims,
        "reuse": reuse,
        "stories": stories,
        "narratives": narratives,
        "ratings": ratings,
    }


def _carried_by(claims: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Who repeats the claim: each document's outlet and named speakers, once per document, by date."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    mine = sorted(
        (c for c in claims if c["doc"] in docs), key=lambda c: (docs[c["doc"]]["published"], c["start"])
    )
    for c in mine:
        doc, date = c["doc"], docs[c["doc"]]["published"]
        out.setdefault(
            ("outlet", docs[doc]["outlet"], doc), {"outlet": docs[doc]["outlet"], "doc": doc, "date": date}
        )
        if c["speaker"]["text"]:
            who = c["speaker"]["text"]
            entry = {"speaker": who, "entity": c["speaker"]["entity"], "doc": doc, "date": date}
            out.setdefault(("speaker", who, doc), entry)
    return list(out.values())


def _story(
    sid: str, label: str, keys: list[str], ids: dict[str, str], docs: dict[str, Any]
) -> dict[str, Any]:
    dates = sorted(docs[k]["published"] for k in keys)
    return {
        "id": sid,
        "label": label,
        "documents": [ids[k] for k in keys],
        "first_seen": dates[0],
        "last_seen": dates[-1],
    }
