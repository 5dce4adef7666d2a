"""The gazetteer: known entities with all their names, read from JSON-lines data files.

Each line of a gazetteer file is one entry::

    {"id": "svr-russia", "name": "Foreign Intelligence Service (Russia)", "type": "ORG",
     "aliases": ["Foreign Intelligence Service", "SVR"], "country": "russia", "kind": "intelligence"}

Fields: ``id`` (unique, used in the key ``gaz:<id>``), ``name`` (display name), ``type``
(PERSON/ORG/GPE/LOC/NORP/OTHER), ``aliases``; optional ``demonyms`` (``Russian``), ``country``
(the id of the country an organisation belongs to: lets "the Russian Foreign Ministry" pick the
Russian one of several foreign ministries), ``parent``, ``capital_of`` (a capital city: used as
a metonym of its country, "Moscow said"), ``kind`` (a class such as ``intelligence``,
``ministry``, ``armed_group``, ``news_agency``, ``country``, ``city``: lets descriptors like "the
intelligence service" find their antecedent) and ``strict`` (aliases that only count with
supporting context, e.g. ``IS`` only in "IS fighters" or "(IS)"). PERSON entries list full names
only (a bare surname is the corpus linker's business) and may give ``surname`` where it is not
the last word (``Xi`` of ``Xi Jinping``).

The built-in file is ``claimtrace/data/gazetteer.jsonl``; users pass their own files of the same
format (later files add entries, and an entry with an existing id replaces it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from claimtrace.model import EntityType
from claimtrace.nlp.names import fold, norm_token

__all__ = ["STAGE_VERSION", "GazEntry", "Gazetteer", "default_gazetteer", "tokenize_alias"]

STAGE_VERSION = "gazetteer.v2"

_ALIAS_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[\w]+(?:[-'’][\w]+)*")
_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "OTHER"}


def tokenize_alias(alias: str) -> tuple[str, ...]:
    """Normalised word tuple of an alias, as the trie stores it."""
    return tuple(t for t in (norm_token(w) for w in _ALIAS_TOKEN.findall(alias)) if t)


def is_acronym(alias: str) -> bool:
    """True for short all-capital aliases (``US``, ``U.S.``, ``SVR``, ``NATO``): matched case-sensitively."""
    bare = alias.replace(".", "").replace("-", "").replace("&", "")
    return 1 < len(bare) <= 5 and bare.isupper() and bare.isalpha()


@dataclass
class GazEntry:
    """One gazetteer entry (see the module docstring for the fields)."""

    id: str
    name: str
    type: EntityType
    aliases: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    country: str | None = None
    parent: str | None = None
    capital_of: str | None = None
    kind: str | None = None
    strict: list[str] = field(default_factory=list)
    surname: str | None = None

    @property
    def key(self) -> str:
        """The entity key of this entry: ``gaz:<id>``."""
        return "gaz:" + self.id

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GazEntry:
        """Build an entry from one parsed JSON line, checking the required fields."""
        if not data.get("id") or not data.get("name"):
            raise ValueError(f"gazetteer entry needs 'id' and 'name': {data!r}")
        typ = str(data.get("type", "OTHER")).upper()
        if typ not in _TYPES:
            raise ValueError(f"gazetteer entry {data['id']!r}: unknown type {typ!r}")
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            type=typ,  # type: ignore[arg-type]
            aliases=[str(a) for a in data.get("aliases", [])],
            demonyms=[str(a) for a in data.get("demonyms", [])],
            country=data.get("country"),
            parent=data.get("parent"),
            capital_of=data.get("capital_of"),
            kind=data.get("kind"),
            strict=[str(a) for a in data.get("strict", [])],
            surname=data.get("surname"),
        )


@dataclass(frozen=True, slots=True)
class AliasHit:
    """An alias stored in the trie: which entry, the alias as written, and how to match it."""

    entry_id: str
    alias: str
    acronym: bool  # match case-sensitively against the surface
    strict: bool  # needs supporting context


class Gazetteer:
    """Entries indexed for look-up by surface form and for longest-match scanning over words."""

    def __init__(self, entries: list[GazEntry]) -> None:
        self.entries: dict[str, GazEntry] = {}
        for e in entries:
            self.entries[e.id] = e
        self.trie: dict[str, Any] = {}
        self.by_form: dict[str, list[str]] = {}
        self.demonyms: dict[str, str] = {}  # normalised demonym -> country entry id
        self.countries: dict[str, str] = {}  # normalised country alias -> country entry id
        self.max_len = 1
        for e in self.entries.values():
            self._index(e)

    def _index(self, e: GazEntry) -> None:
        forms = [re.sub(r"\s*\([^)]*\)$", "", e.name), *e.aliases]
        strict = set(e.strict)
        for alias in dict.fromkeys(forms):
            toks = tokenize_alias(alias)
            if not toks:
                continue
            hit = AliasHit(e.id, alias, is_acronym(alias), alias in strict)
            node = self.trie
            for t in toks:
                node = node.setdefault(t, {})
            node.setdefault("", []).append(hit)
            self.max_len = max(self.max_len, len(toks))
            ids = self.by_form.setdefault(" ".join(toks), [])
            if e.id not in ids:
                ids.append(e.id)
            if e.kind == "country" and not hit.acronym:
                self.countries.setdefault(" ".join(toks), e.id)
        for d in e.demonyms:
            self.demonyms.setdefault(" ".join(tokenize_alias(d)), e.id)

    @classmethod
    def load(cls, paths: list[str] | None = None, *, include_default: bool = True) -> Gazetteer:
        """Load the built-in data file (unless ``include_default`` is false) plus ``paths``."""
        entries: list[GazEntry] = []
        if include_default:
            text = resources.files("claimtrace").joinpath("data/gazetteer.jsonl").read_text("utf-8")
            entries.extend(_parse(text, "gazetteer.jsonl"))
        for p in paths or []:
            entries.extend(_parse(Path(p).read_text("utf-8"), str(p)))
        return cls(entries)

    def get(self, entry_id: str) -> GazEntry | None:
        """The entry with this id (``gaz:`` prefix accepted), or None."""
        return self.entries.get(entry_id.removeprefix("gaz:"))

    def lookup_all(self, surface: str) -> list[GazEntry]:
        """Every entry with a name or alias equal to ``surface`` (normalised), in file order.

        Short all-capital aliases match case-sensitively (``US`` but not ``us``).
        """
        toks = tokenize_alias(surface)
        ids = self.by_form.get(" ".join(toks), [])
        out = []
        for i in ids:
            e = self.entries[i]
            if _acronym_ok(e, surface):
                out.append(e)
        return out

    def lookup(self, surface: str) -> GazEntry | None:
        """The first entry named ``surface`` (see :meth:`lookup_all`), or None."""
        found = self.lookup_all(surface)
        return found[0] if found else None

    def country_of_word(self, word_norm: str) -> str | None:
        """Country id for a normalised demonym (``russian``) or country name (``russia``)."""
        return self.demonyms.get(word_norm) or self.countries.get(word_norm)

    def __len__(self) -> int:
        return len(self.entries)


def _acronym_ok(e: GazEntry, surface: str) -> bool:
    """Case check for acronyms: ``surface`` must be written as one of the entry's acronym aliases."""
    bare = surface.replace(".", "")
    forms = [a for a in [e.name, *e.aliases] if is_acronym(a)]
    if not forms or not is_acronym(surface):
        # the surface is not an acronym: it matches unless the only matching alias is an acronym
        low = fold(surface)
        return any(
            fold(a) == low or tokenize_alias(a) == tokenize_alias(surface)
            for a in [e.name, *e.aliases]
            if not is_acronym(a)
        )
    return any(a.replace(".", "") == bare for a in forms)


def _parse(text: str, where: str) -> list[GazEntry]:
    """Parse JSON lines (blank lines and ``#`` comments allowed)."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            out.append(GazEntry.from_json(json.loads(line)))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{where}:{n}: {exc}") from exc
    return out


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The built-in gazetteer, loaded once per process."""
    return Gazetteer.load()
