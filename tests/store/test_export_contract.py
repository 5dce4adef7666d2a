"""The JSON export has exactly the shape of CONTRACT.md; jsonl and csv carry the same records."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from claimtrace.exports import EXPORTERS, build_export, export
from claimtrace.exports.contract import write_json
from claimtrace.model import (
    Claim,
    DocAnalysis,
    Document,
    Entity,
    Mention,
    Narrative,
    Quantity,
    ReuseLink,
    Story,
)
from claimtrace.store import open_store
from claimtrace.store.base import Store

TEXT_1 = 'Mayor Ilse Varga said that "the tunnel will reopen in 12 days" after the collapse.'
TEXT_2 = "The tunnel may stay closed for about 30 days, according to engineers at Brannock Rail."

# CONTRACT.md, as key -> allowed types (nested dicts are checked recursively)
STR, OPT_STR, INT = (str,), (str, type(None)), (int,)
CONTRACT: dict[str, Any] = {
    "documents": {
        "id": STR,
        "source": STR,
        "title": OPT_STR,
        "published": OPT_STR,
        "author": OPT_STR,
        "outlet": OPT_STR,
        "credits": (list,),
        "language": OPT_STR,
        "text": STR,
    },
    "entities": {"id": STR, "name": STR, "type": STR, "aliases": (list,), "mentions": (list,)},
    "claims": {
        "id": STR,
        "doc": STR,
        "start": INT,
        "end": INT,
        "content": STR,
        "content_span": (list,),
        "kind": STR,
        "speaker": {"text": OPT_STR, "span": (list, type(None)), "entity": OPT_STR},
        "cue": OPT_STR,
        "cue_span": (list, type(None)),
        "hedges": (list,),
        "quantities": (list,),
    },
    "reuse": {
        "a": {"doc": STR, "start": INT, "end": INT},
        "b": {"doc": STR, "start": INT, "end": INT},
        "kind": STR,
        "score": (float,),
        "source": OPT_STR,
    },
    "stories": {"id": STR, "label": STR, "documents": (list,), "first_seen": OPT_STR, "last_seen": OPT_STR},
    "narratives": {
        "id": STR,
        "label": STR,
        "claims": (list,),
        "documents": (list,),
        "first_seen": OPT_STR,
        "last_seen": OPT_STR,
        "timeline": (list,),
        "mutations": (list,),
        "stances": (list,),
    },
}
QUANTITY = {
    "text": STR,
    "value": (float,),
    "low": (float, type(None)),
    "high": (float, type(None)),
    "approx": (bool,),
    "about": OPT_STR,
}
MENTION = {"doc": STR, "start": INT, "end": INT, "text": STR}


def check_shape(item: dict[str, Any], shape: dict[str, Any], where: str) -> None:
    for key, want in shape.items():
        assert key in item, f"{where}: missing {key!r}"
        if isinstance(want, dict):
            check_shape(item[key], want, f"{where}.{key}")
        else:
            assert isinstance(item[key], want), f"{where}.{key}: {item[key]!r} is not {want}"


def fill(store: Store, *, reverse: bool = False) -> tuple[Document, Document]:
    d1 = Document(
        text=TEXT_1,
        source="/feeds/north/one.txt",
        title="Tunnel",
        published="2024-05-01",
        outlet="North Courier",
        credits=["AFP"],
        language="en",
    )
    d2 = Document(text=TEXT_2, source="/feeds/south/two.txt")
    d3 = Document(text=TEXT_2, source="/feeds/west/two-copy.txt")
    docs = [d1, d2, d3]
    store.add_documents(docs[::-1] if reverse else docs)
    s_start = TEXT_1.index("Ilse")
    quote = TEXT_1.index('"') + 1
    q12 = Quantity(TEXT_1.index("12"), TEXT_1.index("12") + 7, "12 days", 12.0, about="days")
    c1 = Claim(
        start=0,
        end=len(TEXT_1),
        content_start=quote,
        content_end=TEXT_1.index('"', quote),
        kind="direct",
        speaker_text="Ilse Varga",
        speaker_start=s_start,
        speaker_end=s_start + 10,
        speaker_key="name:ilse varga",
        cue="said",
        cue_start=TEXT_1.index("said"),
        cue_end=TEXT_1.index("said") + 4,
        quantities=[q12],
    )
    q30 = Quantity(
        TEXT_2.index("about"), TEXT_2.index("30") + 7, "about 30 days", 30.0, approx=True, about="days"
    )
    c2 = Claim(
        start=0,
        end=len(TEXT_2),
        content_start=0,
        content_end=TEXT_2.index(","),
        kind="according_to",
        speaker_text="engineers at Brannock Rail",
        speaker_start=TEXT_2.index("engineers"),
        speaker_end=len(TEXT_2) - 1,
        speaker_key="gaz:brannock-rail",
        hedges=["may"],
        quantities=[q30],
    )
    b = TEXT_2.index("Brannock")
    store.save_analyses(
        [
            DocAnalysis(
                d1.id,
                mentions=[
                    Mention(s_start, s_start + 10, "Ilse Varga", "PERSON", "name:ilse varga", "Ilse Varga")
                ],
                quantities=[q12],
                claims=[c1],
            ),
            DocAnalysis(
                d2.id,
                mentions=[Mention(b, b + 13, "Brannock Rail", "ORG", "gaz:brannock-rail", "Brannock Rail")],
                quantities=[q30],
                claims=[c2],
            ),
        ]
    )
    store.replace_entities(
        [
            # an analyst merged the mayor into an entity whose key is not the claim's speaker key
            Entity(
                "ent-mayor",
                "name:mayor varga",
                "Ilse Varga",
                "PERSON",
                ["Mayor Varga"],
                [{"doc": d1.id, "start": s_start, "end": s_start + 10, "text": "Ilse Varga"}],
            ),
            Entity("ent-rail", "gaz:brannock-rail", "Brannock Rail", "ORG", []),
        ]
    )
    store.replace_reuse([ReuseLink(d1.id, 0, 20, d2.id, 4, 24, "near", 0.61)])
    store.replace_stories(
        [Story("st1", "tunnel collapse", [d1.id, d2.id, d3.id], "2024-05-01", "2024-05-01")]
    )
    store.save_narratives(
        [
            Narrative(
                "nar1",
                "tunnel reopening",
                claims=[c1.id or f"{d1.id}:0-{len(TEXT_1)}"],
                documents=[d1.id, d2.id],
                timeline=[{"date": "2024-05-01", "doc": d1.id, "outlet": "North Courier"}],
            )
        ]
    )
    store.set_rating("nar1", "unproven", "no engineering report yet")
    return d1, d2


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    store = open_store(str(tmp_path / "e.db"))
    fill(store)
    return store


def test_export_has_contract_shape(filled: Store) -> None:
    data = build_export(filled)
    assert data["format"] == "claimtrace-export" and data["version"] == 1
    for section, shape in CONTRACT.items():
        assert data[section], section
        for i, item in enumerate(data[section]):
            check_shape(item, shape, f"{section}[{i}]")
    for claim in data["claims"]:
        for q in claim["quantities"]:
            check_shape(q, QUANTITY, "quantity")
    for ent in data["entities"]:
        for m in ent["mentions"]:
            check_shape(m, MENTION, "mention")
    assert [d["source"] for d in data["documents"]] == sorted(d["source"] for d in data["documents"])


def test_claims_resolve_text_and_speakers(filled: Store) -> None:
    data = build_export(filled)
    docs = {d["id"]: d for d in data["documents"]}
    by_kind = {c["kind"]: c for c in data["claims"]}
    direct = by_kind["direct"]
    assert direct["content"] == "the tunnel will reopen in 12 days"
    assert docs[direct["doc"]]["text"][slice(*direct["content_span"])] == direct["content"]
    assert direct["speaker"]["entity"] == "ent-mayor"  # via the mention's position, not the key
    assert docs[direct["doc"]]["text"][slice(*direct["speaker"]["span"])] == "Ilse Varga"
    assert direct["cue"] == "said" and direct["cue_span"] is not None
    assert by_kind["according_to"]["speaker"]["entity"] == "ent-rail"  # via the key
    assert by_kind["according_to"]["quantities"][0]["approx"] is True
    assert by_kind["according_to"]["hedges"] == ["may"]
    assert {(q["value"], q["claim"] is not None) for q in data["quantities"]} == {(12.0, True), (30.0, True)}
    kinds = sorted(r["kind"] for r in data["reuse"])
    assert kinds == ["exact", "near"]
    assert data["narratives"][0]["rating"]["rating"] == "unproven"


def test_export_is_deterministic(tmp_path: Path) -> None:
    outs: list[str] = []
    for name, reverse in (("a", False), ("b", True)):
        store = open_store(str(tmp_path / f"{name}.db"))
        fill(store, reverse=reverse)
        write_json(store, str(tmp_path / f"{name}.json"))
        store.close()
        raw = (tmp_path / f"{name}.json").read_text(encoding="utf-8")
        data = json.loads(raw)
        stamp = data["narratives"][0]["rating"].pop("created_at")  # the one field that is a clock reading
        outs.append(raw.replace(stamp, "T"))
    assert outs[0] == outs[1]
    assert not list(tmp_path.glob("*.part"))


def test_empty_sections_are_empty_lists(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "empty.db"))
    store.add_documents([Document(text=TEXT_2, source="one.txt")])
    out = tmp_path / "x.json"
    write_json(store, str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data == build_export(store)
    assert len(data["documents"]) == 1
    for section in ("entities", "claims", "reuse", "stories", "narratives"):
        assert data[section] == []


def test_jsonl_and_csv_carry_the_same_records(filled: Store, tmp_path: Path) -> None:
    data = build_export(filled)
    export(filled, "jsonl", str(tmp_path / "x.jsonl"))
    lines = [json.loads(x) for x in (tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"type": "export", "format": "claimtrace-export", "version": 1}
    counts: dict[str, int] = {}
    for rec in lines[1:]:
        counts[rec["type"]] = counts.get(rec["type"], 0) + 1
    assert counts == {
        "document": 3,
        "entity": 2,
        "claim": 2,
        "quantity": 2,
        "reuse": 2,
        "story": 1,
        "narrative": 1,
        "boilerplate_summary": 1,
    }
    ent = next(r for r in lines if r["type"] == "entity")
    assert ent["entity_type"] in ("PERSON", "ORG")

    export(filled, "csv", str(tmp_path / "tables"))
    with open(tmp_path / "tables" / "claims.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["content"] for r in rows} == {c["content"] for c in data["claims"]}
    assert {r["speaker_entity"] for r in rows} == {"ent-mayor", "ent-rail"}
    with open(tmp_path / "tables" / "story_documents.csv", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 3
    export(filled, "csv", str(tmp_path / "tables.zip"))
    with zipfile.ZipFile(tmp_path / "tables.zip") as zf:
        assert sorted(zf.namelist()) == sorted(p.name for p in (tmp_path / "tables").iterdir())


def test_unknown_format_is_a_clear_error(filled: Store, tmp_path: Path) -> None:
    from claimtrace.errors import ClaimtraceError

    assert {"json", "jsonl", "csv"} <= set(EXPORTERS)
    with pytest.raises(ClaimtraceError, match="unknown export format 'xml'"):
        export(filled, "xml", str(tmp_path / "x.xml"))
