"""Corpus-level entity linking: mention keys -> :class:`~claimtrace.model.Entity` records.

:func:`link_entities` groups every mention of every analysed document by its key, then

1. applies acronyms learned from definitions anywhere in the corpus ("Syrian Arab Army (SAA)"
   in one article links a bare "SAA" in another);
2. attaches a ``name:`` key to the gazetteer entry it names, when exactly one entry has that name
   (a known person the recogniser did not key to the gazetteer); a one-word mention a document
   resolved to a longer unknown name but which is one organisation's gazetteer name ("Fed" keyed
   to "Richmond Fed") goes to that organisation;
3. joins the full names of one person: same surname (transliteration variants already share a
   key, see :mod:`claimtrace.nlp.names`; "Jr"/"Sr" and a leading initial set aside) and
   compatible given names (equal, a known variant or hypocoristic such as Volodymyr/Vladimir or
   Joe/Joseph, a prefix such as Vlad/Vladimir, or an initial that fits only one of them); two
   gazetteer entries are never joined;
4. links a one-word key (``name:putin``, typed PERSON or untyped by the recogniser) to the person of
   the corpus or gazetteer with that surname: the only one, or the one the surname is used for in
   the documents (resolved there, or the full name next to it) in at least 2 documents and 4
   times as many as any other. A surname that is also a gazetteer name ("Fed") or shared by two
   people used alike links to nobody;
5. builds one entity per group with a stable id (``"E" + sha1(key)[:10]`` of the group's root key:
   the gazetteer key if any, else the full name, else the key with most mentions), a display
   name, a type (the gazetteer's for known entities; else the majority of the mentions typed other
   than OTHER; else GPE for a known country or a name the corpus uses as one, "X Interior
   Ministry" or a demonym "Xan" of "Xa", PERSON for "Given Surname"), its aliases (every surface
   form seen, learned acronyms) and its mentions;
6. applies analyst overrides (merge / split / rename, see :func:`apply_overrides`) in the order
   they were created, so corrections survive every re-run.

Hand-written: the rules work on the recogniser's keys and corpus counts, which no entity-linking
library takes as input; every step is a dictionary pass, linear in the number of mentions.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from claimtrace.model import DocAnalysis, Entity, EntityType
from claimtrace.nlp.gazetteer import Gazetteer, default_gazetteer, tokenize_alias
from claimtrace.nlp.names import (
    FIRST_NAMES,
    fold,
    given_name_buckets,
    given_names_compatible,
    norm_token,
    strip_possessive,
)

__all__ = ["STAGE_VERSION", "apply_overrides", "entity_id", "link_entities", "resolve_entity"]

STAGE_VERSION = "linking.v2"

_DESCRIPTOR = re.compile(r"^(?:[Tt]he\s+)?[a-z]")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_EVIDENCE_RATIO = 4  # a shared surname goes to the person it is used for this many times as often
_MIN_EVIDENCE = 2  # ... in at least this many documents


def entity_id(key: str) -> str:
    """Stable entity id of a key: ``"E"`` + the first 10 hex digits of its SHA-1."""
    return "E" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


class _Corpus:
    """Per-key counts over the corpus, and the union of keys that name one entity."""

    def __init__(self, analyses: Iterable[DocAnalysis], gaz: Gazetteer) -> None:
        self.mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.types: dict[str, Counter[str]] = defaultdict(Counter)
        self.names: dict[str, Counter[str]] = defaultdict(Counter)
        self.learned: dict[str, Counter[str]] = defaultdict(Counter)  # normalised acronym -> keys
        self.learned_surface: dict[str, set[str]] = defaultdict(set)
        # surname -> key -> documents where a one-word mention with that surname is keyed to it
        self.bare: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.parent: dict[str, str] = {}
        known: dict[str, str | None] = {}
        for a in analyses:
            for m in a.mentions:
                key = m.key
                one_word = " " not in m.text
                if one_word and key.startswith("name:") and " " in key:
                    if m.text not in known:
                        found = gaz.lookup_all(strip_possessive(m.text))
                        known[m.text] = found[0].key if len(found) == 1 and found[0].type == "ORG" else None
                    key = known[m.text] or key  # "Fed" resolved to "Richmond Fed" in its document
                self.mentions[key].append({"doc": a.doc_id, "start": m.start, "end": m.end, "text": m.text})
                self.types[key][m.type] += 1
                self.names[key][m.name if key == m.key else m.text] += 1
                if one_word and " " in m.name and key.startswith(("name:", "gaz:")):
                    self.bare[norm_token(strip_possessive(m.text))][key].add(a.doc_id)
            for alias, key in a.aliases:
                self.learned[norm_token(alias)][key] += 1
                self.learned_surface[key].add(alias)

    def find(self, key: str) -> str:
        """Root of ``key``'s group (path-halving union-find)."""
        parent = self.parent
        while key in parent:
            nxt = parent[key]
            if nxt in parent:
                parent[key] = parent[nxt]
            key = nxt
        return key

    def join(self, src: str, dst: str) -> None:
        """Put ``src``'s group into ``dst``'s."""
        a, b = self.find(src), self.find(dst)
        if a != b:
            self.parent[a] = b

    def docs(self, key: str) -> set[str]:
        """Documents that mention ``key``."""
        return {m["doc"] for m in self.mentions.get(key, ())}

    def type_of(self, key: str) -> str:
        """Majority type of a key's mentions, OTHER only when no mention has another type."""
        typed = [(n, t) for t, n in self.types[key].items() if t != "OTHER"]
        return max(typed)[1] if typed else "OTHER"


def link_entities(
    analyses: Iterable[DocAnalysis],
    *,
    overrides: Iterable[dict[str, Any]] = (),
    gazetteer: Gazetteer | None = None,
) -> list[Entity]:
    """Corpus entities from per-document analyses, with analyst ``overrides`` applied (created order)."""
    gaz = gazetteer or default_gazetteer()
    c = _Corpus(analyses, gaz)
    _link_acronyms(c)
    _attach_gazetteer(c, gaz)
    people = _join_full_names(c, gaz)
    _link_surnames(c, gaz, people)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in c.mentions:
        groups[c.find(key)].append(key)
    places = _place_words(c)
    entities = [_build(c, root, keys, gaz, places) for root, keys in groups.items()]
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    apply_overrides(entities, overrides)
    return entities


def _top(counts: Counter[str]) -> str:
    """The most frequent item; ties go to the greatest string, so document order never matters."""
    return max(counts, key=lambda k: (counts[k], k))


def _link_acronyms(c: _Corpus) -> None:
    """Step 1: a bare acronym key joins the entity it was defined for somewhere in the corpus."""
    for acr, targets in c.learned.items():
        target = _top(targets)
        k = "name:" + acr
        if k in c.mentions and k != target:
            c.join(k, target)


def _attach_gazetteer(c: _Corpus, gaz: Gazetteer) -> None:
    """Step 2: a ``name:`` key whose name is one gazetteer entry's name or alias joins that entry."""
    for key in list(c.mentions):
        if not key.startswith("name:") or c.find(key) != key or key[5:] not in gaz.by_form:
            continue
        name = _top(c.names[key])
        found = {e.id: e for e in gaz.lookup_all(name)}
        if len(found) != 1:
            continue
        entry = next(iter(found.values()))
        if entry.type in ("PERSON", "ORG") or " " in key or c.type_of(key) != "PERSON":  # "Jordan": a person?
            c.join(key, entry.key)


def _person_name(c: _Corpus, key: str, gaz: Gazetteer) -> tuple[str, str] | None:
    """(given name, surname) of a full-name person key, normalised; None for anything else."""
    if key.startswith("gaz:"):
        entry = gaz.get(key)
        if entry is None or entry.type != "PERSON":
            return None
        toks = tokenize_alias(re.sub(r"\s*\([^)]*\)$", "", entry.name))
        if len(toks) < 2:
            return None
        if entry.surname:
            sur = " ".join(tokenize_alias(entry.surname))
            rest = [t for t in toks if t not in sur.split()]
            return (rest[0] if rest else toks[0]), sur
        return toks[0], toks[-1].removeprefix("al-")
    if not key.startswith("name:") or " " not in key:
        return None
    words = key[5:].split()
    while len(words) > 2 and words[-1] in _SUFFIXES:
        words.pop()  # "Arcade Joseph Comeaux Jr"
    if len(words) > 2 and len(words[0]) == 1:
        words.pop(0)  # "W. Mark Felt": the given name is Mark
    typ = c.type_of(key)
    if typ != "PERSON" and not (typ == "OTHER" and words[0] in FIRST_NAMES):
        return None
    return words[0], words[-1].removeprefix("al-")


def _join_full_names(c: _Corpus, gaz: Gazetteer) -> dict[str, set[str]]:
    """Step 3: join a person's full-name keys; return surname -> group roots of people with it."""
    by_surname: dict[str, dict[str, str]] = defaultdict(dict)  # surname -> key -> given name
    for key in list(c.mentions):
        if key.startswith("name:") and " " not in key:
            continue
        root = c.find(key)
        pn = (
            _person_name(c, root, gaz)
            if root == key
            else _person_name(c, root, gaz) or _person_name(c, key, gaz)
        )
        if pn is not None:
            by_surname[pn[1]][key] = pn[0]
    for e in gaz.entries.values():
        if e.type == "PERSON":
            pn = _person_name(c, e.key, gaz)
            if pn is not None:
                by_surname[pn[1]].setdefault(e.key, pn[0])
    for keys in by_surname.values():
        if len(keys) < 2:
            continue
        items = sorted(keys.items(), key=lambda kv: (-len(c.mentions.get(kv[0], ())), kv[0]))
        seen: dict[str, list[tuple[str, str]]] = defaultdict(list)  # bucket -> earlier (key, given)
        by_initial: dict[str, list[str]] = defaultdict(list)
        for k1, g1 in items:
            if len(g1) == 1:
                continue
            buckets = given_name_buckets(g1)
            roots = {
                c.find(k2) for b in buckets for k2, g2 in seen.get(b, ()) if given_names_compatible(g1, g2)
            }
            if len(roots) == 1:  # "Alex" next to "Alexander" and "Alexandra": neither
                _join_keys(c, k1, next(iter(roots)))
            for b in buckets:
                seen[b].append((k1, g1))
            by_initial[g1[0]].append(k1)
        for k, g in items:
            if len(g) == 1:
                roots = {c.find(k2) for k2 in by_initial.get(g, ())}
                if len(roots) == 1:
                    _join_keys(c, k, next(iter(roots)))
    people: dict[str, set[str]] = {}
    for sur, keys in by_surname.items():
        people[sur] = {c.find(k) for k in keys}
    return people


def _join_keys(c: _Corpus, a: str, b: str) -> None:
    """Join two keys' groups; the root is the gazetteer key if any, else the one with more mentions."""
    ra, rb = c.find(a), c.find(b)
    if ra == rb or (ra.startswith("gaz:") and rb.startswith("gaz:")):
        return  # two gazetteer entries are two entities
    if rb.startswith("gaz:") or (
        not ra.startswith("gaz:") and (len(c.mentions.get(rb, ())), rb) > (len(c.mentions.get(ra, ())), ra)
    ):
        c.parent[ra] = rb
    else:
        c.parent[rb] = ra


def _link_surnames(c: _Corpus, gaz: Gazetteer, people: dict[str, set[str]]) -> None:
    """Step 4: one-word keys join the person their surname stands for in this corpus."""
    members: dict[str, list[str]] = {}  # group root -> keys, built on first need
    for key in list(c.mentions):
        if not key.startswith("name:") or " " in key:
            continue
        word = key[5:].removeprefix("al-")
        candidates = people.get(word)
        if not candidates or c.find(key) != key or c.type_of(key) not in ("PERSON", "OTHER"):
            continue
        candidates = candidates - {key}
        if not candidates or gaz.lookup_all(_top(c.names[key])):
            continue  # "Fed": the short form is itself a known name
        if len(candidates) > 1:
            if not members:  # full names and gazetteer keys: what step 4 joins does not change it
                for k in c.mentions:
                    if " " in k or not k.startswith("name:"):
                        members.setdefault(c.find(k), []).append(k)
            target = _dominant(c, word, key, candidates, members)
            if target is None:
                continue
        else:
            target = next(iter(candidates))
        c.join(key, target)  # the full name stays the root


def _dominant(
    c: _Corpus, word: str, key: str, candidates: set[str], members: dict[str, list[str]]
) -> str | None:
    """The candidate a surname is used for in at least 4x the documents of any other, or None.

    A document counts for a candidate when a one-word mention of the surname is keyed to it there,
    or when the bare surname key and one of the candidate's keys occur in it together.
    """
    evidence: Counter[str] = Counter()
    bare_docs = c.docs(key)
    by_root: dict[str, set[str]] = defaultdict(set)
    for k, docs in c.bare.get(word, {}).items():
        by_root[c.find(k)] |= docs
    for root in candidates:
        for k in members.get(root, ()):
            if k != key:
                by_root[root] |= c.docs(k) & bare_docs
    for root in candidates:
        evidence[root] = len(by_root.get(root, ()))
    ranked = evidence.most_common()
    top, n1 = ranked[0]
    n2 = ranked[1][1] if len(ranked) > 1 else 0
    if n1 >= _MIN_EVIDENCE and n1 >= _EVIDENCE_RATIO * n2:
        return top
    return None


_GOVERNMENT = frozenset(
    {"ministry", "government", "embassy", "parliament", "army", "navy", "armed", "president"}
)


def _place_words(c: _Corpus) -> set[str]:
    """One-word keys the corpus uses as countries: "X Interior Ministry", or a demonym "Xn" of "Xa"."""
    out: set[str] = set()
    for key in c.mentions:
        if not key.startswith("name:"):
            continue
        first, _, rest = key[5:].partition(" ")
        if rest and _GOVERNMENT.intersection(rest.split()):
            out.add(first)
        elif not rest and key.endswith("an") and "name:" + first[:-1] in c.mentions:
            out.add(first[:-1])  # "Brevian" next to "Brevia"
    return out


def _build(c: _Corpus, root: str, keys: list[str], gaz: Gazetteer, places: set[str]) -> Entity:
    """One entity record from the mentions of a group of keys."""
    if len(keys) == 1:
        k = keys[0]
        ms, types, names = c.mentions[k], c.types[k], c.names[k]
        learned = c.learned_surface.get(k, set())
    else:
        ms, types, names, learned = [], Counter(), Counter(), set()
        for k in keys:
            ms.extend(c.mentions[k])
            types.update(c.types[k])
            names.update(c.names[k])
            learned |= c.learned_surface.get(k, set())
    ms.sort(key=lambda m: (m["doc"], m["start"]))
    entry = gaz.get(root[4:]) if root.startswith("gaz:") else None
    if entry is not None:
        name: str = entry.name
        typ: EntityType = entry.type
    else:
        if len(names) == 1:
            name = next(iter(names))
        else:
            pool = [n for n in names if " " in n.strip()] or list(names)
            name = max(pool, key=lambda n: (names[n], len(n.split()), n)) if pool else root[5:]
        typed = [(n, t) for t, n in types.items() if t != "OTHER"]
        typ = max(typed)[1] if typed else "OTHER"  # type: ignore[assignment]
        if typ == "OTHER":
            typ = _fallback_type(root, name, gaz, places)
    aliases: dict[str, None] = {}
    for m in ms:
        t = " ".join(m["text"].split())
        if t and not _DESCRIPTOR.match(t) and t != name:
            aliases[t] = None
    for a in sorted(learned):
        if a != name:
            aliases[a] = None
    return Entity(id=entity_id(root), key=root, name=name, type=typ, aliases=list(aliases), mentions=ms)


def _fallback_type(root: str, name: str, gaz: Gazetteer, places: set[str]) -> EntityType:
    """Type of an entity no mention typed: a country (known, or used as one) is GPE; "Ann Lee" PERSON."""
    words = root[5:]
    if words in gaz.countries or words in places:
        return "GPE"
    first, _, rest = words.partition(" ")
    if rest and first in FIRST_NAMES and name.split()[-1][:1].isupper():
        return "PERSON"
    return "OTHER"


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
