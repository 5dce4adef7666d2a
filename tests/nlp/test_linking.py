"""Corpus linking: keys -> entities, learned aliases, surname merges, analyst overrides."""

from __future__ import annotations

from claimtrace.model import DocAnalysis
from claimtrace.nlp.entities import find_mentions
from claimtrace.nlp.linking import apply_overrides, entity_id, link_entities, resolve_entity
from claimtrace.nlp.sentences import split_sentences

DOCS = {
    "d1": "The Northern Liberation Front (NLF) attacked Port Vesk. Minister Olga Varnik condemned it.",
    "d2": "The NLF withdrew on Tuesday, Varnik said. Pavel Droz of the Zenda Chamber of Trade disagreed.",
    "d3": "Droz spoke again. Olga Varnik replied. Anna Varnik, her sister, stayed silent.",
}


def _analyses(docs: dict[str, str] = DOCS) -> list[DocAnalysis]:
    out = []
    for doc_id, text in docs.items():
        s = split_sentences(text)
        ms, al = find_mentions(text, s)
        out.append(DocAnalysis(doc_id=doc_id, sentences=s, mentions=ms, aliases=al))
    return out


def _by(entities, surface):
    return resolve_entity(entities, surface)


def test_learned_acronym_links_across_documents() -> None:
    ents = link_entities(_analyses())
    nlf = _by(ents, "Northern Liberation Front")
    assert {m["doc"] for m in nlf.mentions} == {"d1", "d2"}
    assert "NLF" in nlf.aliases
    assert nlf.id == entity_id(nlf.key)


def test_surname_merges_only_when_unambiguous() -> None:
    ents = link_entities(_analyses({k: DOCS[k] for k in ("d1", "d2")}))
    olga = _by(ents, "Olga Varnik")
    assert any(m["text"] == "Varnik" and m["doc"] == "d2" for m in olga.mentions)
    ents = link_entities(_analyses())
    # d3 names two Varniks: the surname in d2 must not be forced onto either of them
    assert _by(ents, "Olga Varnik") is not _by(ents, "Anna Varnik")


def test_ids_are_stable() -> None:
    a = {e.key: e.id for e in link_entities(_analyses())}
    b = {e.key: e.id for e in link_entities(list(reversed(_analyses())))}
    assert a == b


def test_overrides_merge_split_rename_in_order() -> None:
    ents = link_entities(_analyses())
    droz = _by(ents, "Pavel Droz")
    chamber = _by(ents, "Zenda Chamber of Trade")
    overrides = [
        {
            "id": 2,
            "scope": "entity",
            "action": "split",
            "payload": {"entity": droz.id, "aliases": ["Zenda Chamber of Trade"]},
            "reason": "undo",
            "created_at": "2024-01-02",
        },
        {
            "id": 1,
            "scope": "entity",
            "action": "merge",
            "payload": {"a": "Pavel Droz", "b": chamber.key},
            "reason": "test",
            "created_at": "2024-01-01",
        },
        {
            "id": 3,
            "scope": "entity",
            "action": "rename",
            "payload": {"entity": "Droz", "name": "Pavel M. Droz"},
            "reason": "full name",
            "created_at": "2024-01-03",
        },
        {
            "id": 4,
            "scope": "entity",
            "action": "merge",
            "payload": {"a": "Nobody", "b": "Droz"},
            "reason": "bad",
            "created_at": "2024-01-04",
        },
    ]
    ents2 = link_entities(_analyses(), overrides=overrides)
    d = _by(ents2, "Pavel M. Droz")
    assert d is not None and d.id == droz.id and "Pavel Droz" in d.aliases
    assert all(m["text"] != "Zenda Chamber of Trade" for m in d.mentions)
    split = _by(ents2, "Zenda Chamber of Trade")
    assert split is not None and split is not d
    problems = apply_overrides(ents2, overrides[3:])
    assert problems and "Nobody" in problems[0]
