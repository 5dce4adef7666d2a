"""The learned state of story clustering: stories, kept documents, prepared documents.

Plain dataclasses with JSON round trips, used by :class:`claimtrace.crossdoc.stories.StoryClusterer`.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from claimtrace.crossdoc.boilerplate import masked_text
from claimtrace.crossdoc.story_short import pack_vector, unpack_vector
from claimtrace.model import DocAnalysis, Document


@dataclass
class StoryDoc:
    """What story clustering needs of one document."""

    id: str
    text: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    entity_keys: Sequence[str] = ()
    outlet: str | None = None
    vector: Sequence[float] | None = None  # optional precomputed embedding (L2-normalised)

    @classmethod
    def from_document(cls, doc: Document, analysis: DocAnalysis | None = None) -> StoryDoc:
        """The story view of a stored document and (optionally) its per-document analysis
        (its boilerplate blanked out)."""
        return cls(
            id=doc.id,
            text=masked_text(doc),
            title=doc.title,
            published=doc.published,
            entity_keys=[m.key for m in analysis.mentions] if analysis else [],
            outlet=doc.outlet,
        )


@dataclass
class _Cluster:
    """One story's learned state."""

    id: str
    terms: dict[str, float]  # sum of member unit vectors (term space), pruned
    norm: float
    docs: list[str]
    first: str | None = None
    last: str | None = None
    vec: np.ndarray | None = None  # sum of member embeddings
    title: str | None = None
    title_score: float = -1.0
    forms: dict[str, str] | None = None
    seq: int = 0  # creation order: on a merge the older story keeps its id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "terms": {t: round(w, 5) for t, w in self.terms.items()},
            "docs": list(self.docs),
            "first": self.first,
            "last": self.last,
            "vec": None if self.vec is None else [round(float(x), 5) for x in self.vec],
            "title": self.title,
            "title_score": self.title_score,
            "forms": dict(self.forms or {}),
            "seq": self.seq,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _Cluster:
        terms = {str(t): float(w) for t, w in data["terms"].items()}
        vec = data.get("vec")
        return cls(
            id=data["id"],
            terms=terms,
            norm=math.sqrt(sum(w * w for w in terms.values())),
            docs=list(data["docs"]),
            first=data.get("first"),
            last=data.get("last"),
            vec=None if vec is None else np.asarray(vec, dtype=np.float32),
            title=data.get("title"),
            title_score=float(data.get("title_score", -1.0)),
            forms=dict(data.get("forms") or {}),
            seq=int(data.get("seq", 0)),
        )


class _DocRecord:
    """What refinement keeps of a clustered document: its term vector, date and title.

    The vector is held as a tuple of terms and a float32 array (a dict per document costs
    about six times the memory at 100k documents); :attr:`vec` gives it back as a dict.
    ``emb`` is the document's embedding (float16) where it had one; ``short`` marks a short
    document (see :mod:`claimtrace.crossdoc.story_short`).
    """

    __slots__ = ("emb", "published", "short", "terms", "title", "weights")

    def __init__(
        self,
        vec: dict[str, float],
        published: str | None = None,
        title: str | None = None,
        *,
        emb: np.ndarray | None = None,
        short: bool = False,
    ) -> None:
        self.terms = tuple(vec)
        self.weights = np.fromiter(vec.values(), dtype=np.float32, count=len(vec))
        self.published = published
        self.title = title
        self.emb = None if emb is None else np.asarray(emb, dtype=np.float16)
        self.short = short

    def items(self) -> Iterator[tuple[str, float]]:
        """(term, weight) pairs, without building a dict."""
        return zip(self.terms, self.weights.tolist(), strict=True)

    @property
    def vec(self) -> dict[str, float]:
        return dict(self.items())

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "terms": list(self.terms),
            "weights": [round(w, 4) for w in self.weights.tolist()],
            "published": self.published,
            "title": self.title,
        }
        if self.emb is not None:
            data["emb"] = pack_vector(self.emb)
        if self.short:
            data["short"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _DocRecord:
        if "terms" in data:
            vec = dict(zip(map(str, data["terms"]), map(float, data["weights"]), strict=True))
        else:  # the state format before compact records
            vec = {str(t): float(w) for t, w in data.get("vec", {}).items()}
        emb = unpack_vector(data.get("emb"))
        return cls(vec, data.get("published"), data.get("title"), emb=emb, short=bool(data.get("short")))


@dataclass
class _Prepared:
    """A batch document turned into features."""

    doc: StoryDoc
    vec: dict[str, float]  # unit vector, term space
    emb: np.ndarray | None
    day: int | None
    forms: dict[str, str]  # surface forms that differ from the term
    short: bool = False  # a short document (headline, post): see crossdoc.story_short


class _Packed:
    """A prepared batch document, packed: terms and weights instead of a dict (see ``_prepare``).

    ``forms`` holds only the surface forms that differ from the term itself.
    """

    __slots__ = ("day", "doc", "emb", "forms", "short", "terms", "weights")

    def __init__(
        self,
        doc: StoryDoc,
        terms: tuple[str, ...],
        weights: array[float],
        emb: np.ndarray | None,
        forms: dict[str, str],
        *,
        short: bool = False,
    ) -> None:
        self.doc, self.terms, self.weights, self.emb, self.forms = doc, terms, weights, emb, forms
        self.short = short
        self.day = _day(doc.published)

    def unpack(self) -> _Prepared:
        vec = dict(zip(self.terms, self.weights, strict=True))
        return _Prepared(self.doc, vec, self.emb, self.day, self.forms, self.short)


@lru_cache(maxsize=65536)
def _day(value: str | None) -> int | None:
    """Days since 0001-01-01 of a YYYY-MM-DD (or YYYY-MM, YYYY) date; None if unparsable."""
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 1
        d = int(parts[2]) if len(parts) > 2 else 1
        return date(y, m, d).toordinal()
    except (ValueError, IndexError):
        return None


def _story_id(first_doc: str) -> str:
    return "story-" + hashlib.sha1(first_doc.encode("utf-8", "surrogatepass")).hexdigest()[:12]
