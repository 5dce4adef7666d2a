"""Corpus-level entity linking: mention keys -> :class:`~claimtrace.model.Entity` records.

:func:`link_entities` groups every mention of every analysed document by its key, then

1. applies acronyms learned from definitions anywhere in the corpus ("Syrian Arab Army (SAA)"
   in one article links a bare "SAA" in another);
2. merges a surname-only key (``name:petrova``) into the one full-name person of the corpus
   with that surname (never when two people share it);
3. builds one entity per key with a stable id (``"E" + sha1(key)[:10]``), a display name, a
   type, its aliases (every surface form seen, learned acronyms) and its mentions;
4. applies analyst overrides (merge / split / rename, see :func:`apply_overrides`) in the order
   they were created, so corrections survive every re-run.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from claimtrace.model import DocAnalysis, Entity, EntityType
from claimtrace.nlp.gazetteer import Gazetteer, default_gazetteer
from claimtrace.nlp.names import fold, norm_token

__all__ = ["STAGE_VERSION", "apply_overrides", "entity_id", "link_entities", "resolve_entity"]

STAGE_VERSION = "linking.v1"

_DESCRIPTOR = re.compile(r"^(?:[Tt]he\s+)?[a-z]")


def entity_id(key: str) -> str:
    """Stable entity id of a key: ``"E"`` + the first 10 hex digits of its SHA-1."""
    return "E" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def link_entities(
    analyses: Iterable[DocAnalysis],
    *,
    overrides: Iterable[dict[str, Any]] = (),
    gazetteer: Gazetteer | None = None,
) -> list[Entity]:
    """Corpus entities from per-document analyses, with analyst ``overrides`` applied (created order)."""
    gaz = gazetteer or default_gazetteer()
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    learned: dict[str, Counter[str]] = defaultdict(Counter)  # normalised acronym -> target keys
    learned_surface: dict[str, set[str]] = defaultdict(set)
    for a in analyses:
        for m in a.mentions:
            mentions[m.key].append({"doc": a.doc_id, "start": m.start, "end": m.end, "text": m.text})
            types[m.key][m.type] += 1
            names[m.key][m.name] += 1
        for alias, key in a.aliases:
            learned[norm_token(alias)][key] += 1
            learned_surface[key].add(alias)
    redirect: dict[str, str] = {}
    # 1. acronyms defined somewhere in the corpus
    for acr, targets in learned.items():
        target = targets.most_common(1)[0][0]
        k = "name:" + acr
        if k in mentions and k != target:
            redirect[k] = target
    # 2. surname-only keys
    by_surname: dict[str, set[str]] = defaultdict(set)
    for key in mentions:
        if key.startswith("name:") and " " in key and types[key].most_common(1)[0][0] == "PERSON":
            by_surname[key.rsplit(" ", 1)[1]].add(key)
    for key in mentions:
        if key.startswith("name:") and " " not in key and key not in redirect:
            full = by_surname.get(key[5:], set())
            if len(full) == 1 and types[key].most_common(1)[0][0] in ("PERSON", "OTHER"):
                redirect[key] = next(iter(full))
    for src, dst in list(redirect.items()):
        while dst in redirect and redirect[dst] != src:
            dst = redirect[dst]
        mentions[dst].extend(mentions.pop(src, []))
        types[dst].update(types.pop(src, Counter()))
        names[dst].update(names.pop(src, Counter()))
        learned_surface[dst].update(learned_surface.pop(src, set()))
    entities = [
        _build(key, ms, types[key], names[key], learned_surface.get(key, set()), gaz)
        for key, ms in mentions.items()
    ]
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    apply_overrides(entities, overrides)
    return entities


def _build(
    key: str,
    ms: list[dict[str, Any]],
    types: Counter[str],
    names: Counter[str],
    learned: set[str],
    gaz: Gazetteer,
) -> Entity:
    """One entity record from its mentions."""
    entry = gaz.get(key[4:]) if key.startswith("gaz:") else None
    ms.sort(key=lambda m: (m["doc"], m["start"]))
    if entry is not None:
        name: str = entry.name
        typ: EntityType = entry.type
    else:
        name = max(names, key=lambda n: (len(n.split()), names[n], n)) if names else key[5:]
        typ = types.most_common(1)[0][0] if types else "OTHER"  # type: ignore[assignment]
    aliases: dict[str, None] = {}
    for m in ms:
        t = " ".join(m["text"].split())
        if t and not _DESCRIPTOR.match(t) and t != name:
            aliases[t] = None
    for a in sorted(learned):
        if a != name:
            aliases[a] = None
    return Entity(id=entity_id(key), key=key, name=name, type=typ, aliases=list(aliases), mentions=ms)


# --------------------------------------------------------------------------- overrides


def resolve_entity(entities: list[Entity], ref: str) -> Entity | None:
    """The entity named by ``ref``: an id, a key, a name or an alias (most mentioned wins)."""
    for e in entities:
        if ref in (e.id, e.key):
            return e
    f = fold(ref)
    named = [e for e in entities if fold(e.name) == f]
    if not named:
        named = [e for e in entities if any(fold(a) == f for a in e.aliases)]
    if not named:
        named = [e for e in entities if any(fold(m["text"]) == f for m in e.mentions)]
    return max(named, key=lambda e: len(e.mentions)) if named else None


def apply_overrides(entities: list[Entity], overrides: Iterable[dict[str, Any]]) -> list[str]:
    """Apply analyst overrides in place, oldest first; return one message per override that did nothing.

    Override dicts are the store's rows: ``{"id", "scope": "entity", "action", "payload", "reason",
    "created_at"}``. Payloads: ``merge`` ``{"a": ref, "b": ref}`` (B into A); ``split``
    ``{"entity": ref, "aliases": [surface, ...], "docs": [doc id, ...], "name": optional}`` (those
    mentions become a new entity); ``rename`` ``{"entity": ref, "name": new}``. A ref is an entity
    id, key, name or alias.
    """
    problems: list[str] = []
    ordered = sorted(
        (o for o in overrides if o.get("scope", "entity") == "entity"),
        key=lambda o: (str(o.get("created_at") or ""), o.get("id") or 0),
    )
    for o in ordered:
        action = o.get("action")
        p = o.get("payload") or {}
        msg = None
        if action == "merge":
            msg = _merge(entities, p)
        elif action == "split":
            msg = _split(entities, p, o)
        elif action == "rename":
            e = resolve_entity(entities, str(p.get("entity", "")))
            if e is None:
                msg = f"unknown entity {p.get('entity')!r}"
            elif p.get("name"):
                if e.name not in e.aliases:
                    e.aliases.insert(0, e.name)
                e.name = str(p["name"])
                if e.name in e.aliases:
                    e.aliases.remove(e.name)
        else:
            msg = f"unknown action {action!r}"
        if msg:
            problems.append(f"override {o.get('id')}: {action}: {msg}")
    return problems


def _merge(entities: list[Entity], p: dict[str, Any]) -> str | None:
    a = resolve_entity(entities, str(p.get("a", p.get("target", ""))))
    b = resolve_entity(entities, str(p.get("b", p.get("source", ""))))
    if a is None or b is None:
        return f"unknown entity {p.get('a') if a is None else p.get('b')!r}"
    if a is b:
        return None
    a.mentions.extend(b.mentions)
    a.mentions.sort(key=lambda m: (m["doc"], m["start"]))
    for alias in [b.name, *b.aliases]:
        if alias != a.name and alias not in a.aliases:
            a.aliases.append(alias)
    entities.remove(b)
    return None


def _split(entities: list[Entity], p: dict[str, Any], o: dict[str, Any]) -> str | None:
    e = resolve_entity(entities, str(p.get("entity", "")))
    if e is None:
        return f"unknown entity {p.get('entity')!r}"
    forms = {fold(str(a)) for a in p.get("aliases", []) or []}
    docs = {str(d) for d in p.get("docs", []) or []}
    moved = [m for m in e.mentions if fold(m["text"]) in forms or m["doc"] in docs]
    if not moved:
        return "no mention matches"
    e.mentions = [m for m in e.mentions if m not in moved]
    surfaces = Counter(" ".join(m["text"].split()) for m in moved)
    name = str(p.get("name") or surfaces.most_common(1)[0][0])
    key = f"{e.key}#split{o.get('id', '')}:{fold(name)}"
    e.aliases = [
        a for a in e.aliases if fold(a) not in forms or any(fold(m["text"]) == fold(a) for m in e.mentions)
    ]
    aliases = [s for s in surfaces if s != name]
    entities.append(
        Entity(id=entity_id(key), key=key, name=name, type=e.type, aliases=aliases, mentions=moved)
    )
    return None
