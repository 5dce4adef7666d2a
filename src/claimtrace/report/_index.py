"""Lookups over an export dict (CONTRACT.md shape), shared by the HTML and Markdown reports.

The export is read defensively: missing optional keys become empty values, and offsets are
clamped to the text they point into, so a partial or hand-edited export still renders.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

STANCES = ("AMPLIFIES", "ATTRIBUTES", "CONTESTS", "DEBUNKS")
STANCE_COLORS = {
    "AMPLIFIES": "#d1495b",
    "ATTRIBUTES": "#3d7dd8",
    "CONTESTS": "#e39b2d",
    "DEBUNKS": "#2a9d6f",
    "": "#8a94a6",
}
STANCE_HELP = {
    "AMPLIFIES": "asserts the claim in its own voice",
    "ATTRIBUTES": "reports the claim, attributed to its source",
    "CONTESTS": "reports a denial or challenge",
    "DEBUNKS": "says the claim is false",
    "": "no stance recorded",
}

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def boilerplate_line(export: dict[str, Any]) -> str:
    """How much text was set aside as boilerplate: "N passages, C chars (P%) in D docs" plus the
    outlets with most, from ``boilerplate_summary`` or else from ``documents[].boilerplate``."""
    summary = export.get("boilerplate_summary")
    if not isinstance(summary, dict):
        docs = export.get("documents") or []
        spans = [[s for s in (d.get("boilerplate") or []) if len(s) == 2] for d in docs]
        summary = {
            "passages": sum(len(x) for x in spans),
            "chars": sum(int(e) - int(s) for x in spans for s, e in x),
            "text_chars": sum(len(d.get("text") or "") for d in docs),
            "with_boilerplate": sum(bool(x) for x in spans),
            "outlets": [],
        }
    chars, total = int(summary.get("chars") or 0), int(summary.get("text_chars") or 0)
    share = f" ({100 * chars / total:.1f}%)" if total else ""
    line = (
        f"{int(summary.get('passages') or 0):,} passages, {chars:,} characters{share} "
        f"in {int(summary.get('with_boilerplate') or 0):,} documents"
    )
    top = [o for o in summary.get("outlets") or [] if o.get("outlet")][:3]
    if top:
        line += "; most: " + ", ".join(f"{o['outlet']} {int(o.get('chars') or 0):,}" for o in top)
    return line


def anchor(kind: str, raw: str) -> str:
    """An HTML id for ``raw`` (any string): ``kind-<slug>``, with a hash when the slug is lossy."""
    slug = _SAFE.sub("-", str(raw)).strip("-")[:48]
    if slug != str(raw) or not slug:
        slug = f"{slug}-{hashlib.sha1(str(raw).encode('utf-8', 'surrogatepass')).hexdigest()[:8]}".lstrip("-")
    return f"{kind}-{slug}"


def as_span(value: Any) -> tuple[int, int] | None:
    """``[start, end]`` (or a dict with start/end) as a tuple of ints, else None."""
    try:
        if isinstance(value, dict):
            return int(value["start"]), int(value["end"])
        if value is not None and len(value) == 2:
            return int(value[0]), int(value[1])
    except (KeyError, TypeError, ValueError):
        return None
    return None


def fmt_value(value: Any) -> str:
    """A mutation/quantity value for display: 40.0 -> '40', 1e6 -> '1,000,000'."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


def ratings_of(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Narrative id -> analyst rating, from ``export["ratings"]`` and/or ``narratives[].rating``."""
    found: dict[str, dict[str, Any]] = {}
    for nar in export.get("narratives") or []:
        rating = nar.get("rating")
        if isinstance(rating, dict) and rating.get("rating"):
            found[str(nar.get("id"))] = rating
        elif isinstance(rating, str) and rating:
            found[str(nar.get("id"))] = {"rating": rating}
    for nid, rating in (export.get("ratings") or {}).items():
        if isinstance(rating, dict) and rating.get("rating"):
            found[str(nid)] = rating
    return found


@dataclass
class ReuseEnd:
    """One side of a reuse link as seen from the document that holds it."""

    start: int
    end: int
    other: str
    other_start: int
    other_end: int
    kind: str
    score: float
    role: str  # "origin" | "copy" | ""


@dataclass
class ExportIndex:
    """Per-document and per-narrative lookups built once from an export dict."""

    export: dict[str, Any]
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    mentions_by_doc: dict[str, list[tuple[int, int, dict[str, Any]]]] = field(default_factory=dict)
    claims_by_doc: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reuse_by_doc: dict[str, list[ReuseEnd]] = field(default_factory=dict)
    story_of_doc: dict[str, dict[str, Any]] = field(default_factory=dict)
    narratives_of_doc: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stance_of: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def build(cls, export: dict[str, Any]) -> ExportIndex:
        """Index ``export`` (never mutated)."""
        idx = cls(export=export)
        for doc in export.get("documents") or []:
            idx.docs[str(doc.get("id"))] = doc
        mentions: dict[str, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
        for ent in export.get("entities") or []:
            idx.entities[str(ent.get("id"))] = ent
            for m in ent.get("mentions") or []:
                span = as_span(m)
                if span:
                    mentions[str(m.get("doc"))].append((span[0], span[1], ent))
        idx.mentions_by_doc = dict(mentions)
        by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for claim in export.get("claims") or []:
            idx.claims[str(claim.get("id"))] = claim
            by_doc[str(claim.get("doc"))].append(claim)
        idx.claims_by_doc = dict(by_doc)
        reuse: dict[str, list[ReuseEnd]] = defaultdict(list)
        for link in export.get("reuse") or []:
            a, b = link.get("a") or {}, link.get("b") or {}
            sa, sb = as_span(a), as_span(b)
            if not sa or not sb:
                continue
            src = link.get("source")
            kind, score = str(link.get("kind") or ""), float(link.get("score") or 0.0)
            for me, ms, other, os_ in ((a, sa, b, sb), (b, sb, a, sa)):
                role = "" if not src else ("origin" if src == me.get("doc") else "copy")
                reuse[str(me.get("doc"))].append(
                    ReuseEnd(ms[0], ms[1], str(other.get("doc")), os_[0], os_[1], kind, score, role)
                )
        idx.reuse_by_doc = dict(reuse)
        for story in export.get("stories") or []:
            for d in story.get("documents") or []:
                idx.story_of_doc[str(d)] = story
        nar_docs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for nar in export.get("narratives") or []:
            for d in nar.get("documents") or []:
                nar_docs[str(d)].append(nar)
            for st in nar.get("stances") or []:
                idx.stance_of[(str(nar.get("id")), str(st.get("doc")))] = st
        idx.narratives_of_doc = dict(nar_docs)
        return idx

    # -- summaries -------------------------------------------------------------------------
    def outlet_counts(self) -> Counter[str]:
        """Documents per outlet ('(unknown)' for none)."""
        return Counter(str(d.get("outlet") or "(unknown)") for d in self.docs.values())

    def date_range(self) -> tuple[str | None, str | None]:
        """Earliest and latest publication date over all documents."""
        dates = sorted(str(d["published"]) for d in self.docs.values() if d.get("published"))
        return (dates[0], dates[-1]) if dates else (None, None)

    def doc_label(self, doc_id: str) -> str:
        """'Outlet, date: title' for a document id (the id itself when unknown)."""
        doc = self.docs.get(doc_id)
        if not doc:
            return doc_id
        head = ", ".join(str(x) for x in (doc.get("outlet"), doc.get("published")) if x)
        title = doc.get("title") or doc.get("source") or doc_id
        return f"{head}: {title}" if head else str(title)

    def narrative_outlets(self, nar: dict[str, Any]) -> dict[str, Counter[str]]:
        """Outlet -> Counter of stances over the narrative's documents ('' = none recorded)."""
        result: dict[str, Counter[str]] = defaultdict(Counter)
        nid = str(nar.get("id"))
        for d in nar.get("documents") or []:
            doc = self.docs.get(str(d), {})
            stance = self.stance_of.get((nid, str(d)), {}).get("stance") or ""
            result[str(doc.get("outlet") or "(unknown)")][stance] += 1
        return dict(result)

    def stance_counts(self, nar: dict[str, Any]) -> Counter[str]:
        """Counter of stance labels over the narrative's documents."""
        total: Counter[str] = Counter()
        for c in self.narrative_outlets(nar).values():
            total.update(c)
        return total

    def timeline(self, nar: dict[str, Any]) -> list[dict[str, Any]]:
        """Timeline rows (date, doc, outlet, stance, title); built from documents when absent."""
        nid = str(nar.get("id"))
        rows = nar.get("timeline") or [
            {
                "date": self.docs.get(str(d), {}).get("published"),
                "doc": d,
                "outlet": self.docs.get(str(d), {}).get("outlet"),
            }
            for d in nar.get("documents") or []
        ]
        out = []
        for r in rows:
            doc = self.docs.get(str(r.get("doc")), {})
            out.append(
                {
                    "date": r.get("date") or doc.get("published"),
                    "doc": str(r.get("doc")),
                    "outlet": str(r.get("outlet") or doc.get("outlet") or "(unknown)"),
                    "stance": self.stance_of.get((nid, str(r.get("doc"))), {}).get("stance") or "",
                    "title": str(doc.get("title") or doc.get("source") or r.get("doc")),
                }
            )
        return sorted(out, key=lambda r: (r["date"] or "9999", r["outlet"]))

    def provenance(self, nar: dict[str, Any]) -> list[dict[str, Any]]:
        """Reuse links among the narrative's documents (or touching them), origin first."""
        members = {str(d) for d in nar.get("documents") or []}
        seen: set[tuple[Any, ...]] = set()
        edges = []
        for link in self.export.get("reuse") or []:
            a, b = str((link.get("a") or {}).get("doc")), str((link.get("b") or {}).get("doc"))
            if a not in members and b not in members:
                continue
            src = link.get("source")
            if src == b:
                a, b = b, a
            key = (a, b, link.get("kind"))
            if key in seen:
                continue
            seen.add(key)
            edges.append(
                {
                    "from": a,
                    "to": b,
                    "kind": str(link.get("kind") or ""),
                    "score": float(link.get("score") or 0.0),
                    "directed": bool(src),
                }
            )
        return edges

    def speaker_name(self, claim: dict[str, Any]) -> str:
        """The speaker's entity name, else its surface text, else '(outlet voice)'."""
        sp = claim.get("speaker") or {}
        ent = self.entities.get(str(sp.get("entity"))) if sp.get("entity") else None
        if ent:
            return str(ent.get("name"))
        return str(sp.get("text") or "(outlet voice)")
