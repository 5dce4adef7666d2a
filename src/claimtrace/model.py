"""The one document model and the records every stage produces.

A :class:`Document` carries body text, metadata and annotation layers (character-offset
spans into ``text``, end exclusive). Per-document stages return a :class:`DocAnalysis`;
cross-document stages return :class:`ReuseLink`, :class:`Story` and :class:`Narrative`.
Every record is a plain dataclass with ``to_dict``/``from_dict`` so it can cross process
boundaries, be stored as JSON and be exported without ceremony.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, TypeVar

EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "OTHER"]  # NORP: nationalities, peoples
ClaimKind = Literal["direct", "indirect", "according_to", "unattributed"]
ReuseKind = Literal["exact", "verbatim", "near", "paraphrase"]
StanceLabel = Literal["AMPLIFIES", "ATTRIBUTES", "CONTESTS", "DEBUNKS"]

T = TypeVar("T", bound="Record")


class Record:
    """Mixin: dict round-trip for dataclasses (nested records handled by subclasses)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload,no-any-return]

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


def make_doc_id(source: str, text: str) -> str:
    """Stable id: the same text from the same source always gets the same id."""
    digest = hashlib.sha256(f"{source}\x00{text}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class Span(Record):
    """A character-offset annotation into ``Document.text`` (end exclusive)."""

    start: int
    end: int
    label: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Document(Record):
    """One article: body text only, with its metadata and annotation layers."""

    text: str
    source: str
    id: str = ""
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None  # YYYY-MM-DD
    author: str | None = None
    outlet: str | None = None
    credits: list[str] = field(default_factory=list)
    language: str | None = None
    captions: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    layers: dict[str, list[Span]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = make_doc_id(self.source, self.text)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        data = dict(data)
        layers = data.pop("layers", None) or {}
        doc = super().from_dict.__func__(cls, data)  # type: ignore[attr-defined]
        doc.layers = {k: [Span(**s) if isinstance(s, dict) else s for s in v] for k, v in layers.items()}
        return doc  # type: ignore[no-any-return]


@dataclass(slots=True)
class Mention(Record):
    """A mention of an entity; ``key`` names the canonical entity it resolves to."""

    start: int
    end: int
    text: str
    type: EntityType
    key: str  # canonical entity key, e.g. "gaz:islamic-state" or "name:anna petrova"
    name: str  # canonical display name of that entity


@dataclass(slots=True)
class Quantity(Record):
    """A counted amount: ``value`` with optional bounds, approximation and the thing counted."""

    start: int
    end: int
    text: str
    value: float
    low: float | None = None
    high: float | None = None
    approx: bool = False
    about: str | None = None


@dataclass(slots=True)
class Claim(Record):
    """An attributed (or unattributed, outlet-voiced) claim in one document."""

    start: int  # the claim's sentence(s)
    end: int
    content_start: int
    content_end: int
    kind: ClaimKind
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_key: str | None = None  # entity key of the speaker, pronouns resolved
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    hedges: list[str] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    id: str = ""
    via: str | None = None  # reporting agency in chains ("..., the statement said, AGENCY reported")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        data = dict(data)
        qs = [Quantity.from_dict(q) for q in data.pop("quantities", [])]
        claim = Record.from_dict.__func__(cls, data)  # type: ignore[attr-defined]
        claim.quantities = qs
        return claim  # type: ignore[no-any-return]


@dataclass
class DocAnalysis(Record):
    """Everything the per-document stages found in one document."""

    doc_id: str
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (alias, entity key) learned here
    versions: dict[str, str] = field(default_factory=dict)  # stage name -> stage version

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocAnalysis:
        return cls(
            doc_id=data["doc_id"],
            sentences=[tuple(s) for s in data.get("sentences", [])],  # type: ignore[misc]
            mentions=[Mention.from_dict(m) for m in data.get("mentions", [])],
            quantities=[Quantity.from_dict(q) for q in data.get("quantities", [])],
            claims=[Claim.from_dict(c) for c in data.get("claims", [])],
            aliases=[tuple(a) for a in data.get("aliases", [])],  # type: ignore[misc]
            versions=dict(data.get("versions", {})),
        )


@dataclass
class Entity(Record):
    """One real-world thing behind all its names, across the corpus."""

    id: str
    key: str
    name: str
    type: EntityType
    aliases: list[str] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)  # {"doc", "start", "end", "text"}


@dataclass(slots=True)
class ReuseLink(Record):
    """A passage shared by two documents (spans into each), with its kind and origin."""

    a_doc: str
    a_start: int
    a_end: int
    b_doc: str
    b_start: int
    b_end: int
    kind: ReuseKind
    score: float
    source: str | None = None  # doc id judged to be the origin
    group: str | None = None  # id of the group of passages this link belongs to


@dataclass
class Story(Record):
    """Documents about the same event."""

    id: str
    label: str
    documents: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None


@dataclass
class Narrative(Record):
    """A recurring claim across stories, outlets and time."""

    id: str
    label: str
    claims: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    timeline: list[dict[str, Any]] = field(default_factory=list)  # {"date", "doc", "outlet"}
    mutations: list[dict[str, Any]] = field(default_factory=list)  # {"slot","value","doc","date","previous"}
    stances: list[dict[str, Any]] = field(default_factory=list)  # {"doc","stance","evidence":[...]}
    entities: list[str] = field(default_factory=list)  # key entity ids
    # who repeats the claim, per document in time order: {"outlet"|"speaker", "doc", "date"}
    carried_by: list[dict[str, Any]] = field(default_factory=list)
