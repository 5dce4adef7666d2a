"""The Markdown report (``--format md``), built from the export dict.

Text from articles is untrusted: ``<``, ``>`` and ``&`` become entities (so no HTML runs in
renderers that allow inline HTML), Markdown punctuation that could form links, emphasis or
table cells is backslash-escaped, and newlines inside table cells become spaces.

>>> from claimtrace.report.sample import sample_export
>>> render_markdown(sample_export()).splitlines()[0]
'# Claim tracing report'
"""

from __future__ import annotations

import re
from typing import Any

from claimtrace.report._index import (
    STANCES,
    ExportIndex,
    as_span,
    boilerplate_line,
    fmt_value,
    ratings_of,
)
from claimtrace.report.details import carried_summary, mutation_value

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md(value: Any) -> str:
    """Escape a value for Markdown text or a table cell (one line)."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["_none_", ""]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return [*out, ""]


def render_markdown(
    export: dict[str, Any], *, title: str | None = None, max_documents: int = 200, max_claims: int = 60
) -> str:
    """Render the export as Markdown: overview, narratives (timeline, stances, mutations,
    provenance, claims), stories and documents (metadata and claims; full text not repeated)."""
    idx = ExportIndex.build(export)
    title = title or str(export.get("title") or "Claim tracing report")
    ratings = ratings_of(export)
    lo, hi = idx.date_range()
    nars = sorted(export.get("narratives") or [], key=lambda n: -len(n.get("documents") or []))
    stories = sorted(export.get("stories") or [], key=lambda s: -len(s.get("documents") or []))
    out = [f"# {md(title)}", "", "## Overview", ""]
    out += _table(
        [
            "Documents",
            "Outlets",
            "Date range",
            "Claims",
            "Entities",
            "Reused passages",
            "Stories",
            "Narratives",
        ],
        [
            [
                str(len(idx.docs)),
                str(len(idx.outlet_counts())),
                f"{lo or '?'} – {hi or '?'}",
                str(len(idx.claims)),
                str(len(idx.entities)),
                str(len(export.get("reuse") or [])),
                str(len(stories)),
                str(len(nars)),
            ]
        ],
    )
    out += ["### Top narratives", ""]
    out += _table(
        ["Narrative", "Docs", "Outlets", "First seen", "Last seen", "Verdict"],
        [
            [
                md(n.get("label") or n.get("id")),
                str(len(n.get("documents") or [])),
                str(len(idx.narrative_outlets(n))),
                md(n.get("first_seen") or ""),
                md(n.get("last_seen") or ""),
                md((ratings.get(str(n.get("id"))) or {}).get("rating") or ""),
            ]
            for n in nars[:15]
        ],
    )
    out += [f"Boilerplate set aside (site furniture, not analysed): {boilerplate_line(export)}.", ""]
    out += ["### Outlets", ""]
    out += _table(["Outlet", "Docs"], [[md(o), str(c)] for o, c in idx.outlet_counts().most_common(15)])
    for n in nars:
        out += _narrative(idx, n, ratings.get(str(n.get("id"))), max_claims=max_claims)
    out += ["## Stories", ""]
    out += _table(
        ["Story", "Docs", "First seen", "Last seen"],
        [
            [
                md(s.get("label") or s.get("id")),
                str(len(s.get("documents") or [])),
                md(s.get("first_seen") or ""),
                md(s.get("last_seen") or ""),
            ]
            for s in stories[:200]
        ],
    )
    out += ["## Documents", ""]
    docs = sorted(idx.docs.values(), key=lambda d: (str(d.get("published") or "9999"), str(d.get("outlet"))))
    for doc in docs[:max_documents]:
        out += _document(idx, doc)
    if len(docs) > max_documents:
        out += [f"_{len(docs) - max_documents} more document(s) not listed (raise max_documents)._", ""]
    return "\n".join(out).rstrip() + "\n"


def _narrative(idx: ExportIndex, nar: dict[str, Any], rating: Any, *, max_claims: int) -> list[str]:
    nid = str(nar.get("id"))
    out = [
        f"## Narrative: {md(nar.get('label') or nid)}",
        "",
        f"`{md(nid)}` · {md(nar.get('first_seen') or '?')} → {md(nar.get('last_seen') or '?')} · "
        f"{len(nar.get('documents') or [])} document(s)",
        "",
    ]
    if isinstance(rating, dict):
        out += [
            f"> **Verdict: {md(rating.get('rating'))}**. {md(rating.get('note') or '')}"
            f" ({md(rating.get('author') or '')} {md(rating.get('created_at') or '')})",
            "",
        ]
    out += ["### Timeline", ""]
    out += _table(
        ["Date", "Outlet", "Stance", "Document"],
        [
            [md(r["date"] or ""), md(r["outlet"]), md(r["stance"] or "—"), md(r["title"])]
            for r in idx.timeline(nar)
        ],
    )
    out += ["### Stance per outlet", ""]
    rows = []
    for outlet, counts in sorted(idx.narrative_outlets(nar).items(), key=lambda kv: -sum(kv[1].values())):
        cells = [str(counts.get(s, 0) or "") for s in (*STANCES, "")]
        rows.append([md(outlet), *cells])
    out += _table(["Outlet", *(s.title() for s in STANCES), "None"], rows)
    out += ["### Mutations", ""]
    out += _table(
        ["Slot", "Value", "Previous", "First document", "Date"],
        [
            [
                md(m.get("slot")),
                md(mutation_value(m)),
                md(fmt_value(m.get("previous"))),
                md(idx.doc_label(str(m.get("doc")))),
                md(m.get("date") or ""),
            ]
            for m in nar.get("mutations") or []
        ],
    )
    out += ["### Carried by", ""]
    out += [
        f"- {'Speakers' if kind == 'speaker' else 'Outlets'}: "
        + ", ".join(md(n) + (f" ({c})" if c > 1 else "") for n, c in names)
        + (f" and {more} more" if more else "")
        for kind, names, more in carried_summary(nar)
    ] or ["_none_"]
    out += ["", "### Provenance of reused passages", ""]
    edges = idx.provenance(nar)
    out += [
        f"- {md(idx.doc_label(e['from']))} {'→' if e['directed'] else '↔'} {md(idx.doc_label(e['to']))} "
        f"({md(e['kind'])}, {e['score']:.2f})"
        for e in edges
    ] or ["_none_"]
    out += ["", "### Claims", ""]
    claim_ids = [str(c) for c in nar.get("claims") or [] if str(c) in idx.claims]
    for cid in claim_ids[:max_claims]:
        c = idx.claims[cid]
        doc = idx.docs.get(str(c.get("doc")), {})
        out.append(
            f"- **{md(idx.speaker_name(c))}** ({md(c.get('kind'))}, {md(doc.get('outlet') or '?')}, "
            f"{md(doc.get('published') or 'undated')}): “{md(c.get('content'))}”"
        )
    if len(claim_ids) > max_claims:
        out.append(f"- _{len(claim_ids) - max_claims} more claim(s)_")
    return [*out, ""]


def _document(idx: ExportIndex, doc: dict[str, Any]) -> list[str]:
    doc_id = str(doc.get("id"))
    meta = " · ".join(md(x) for x in (doc.get("outlet"), doc.get("published"), doc.get("author")) if x)
    out = [
        f"### {md(doc.get('title') or doc.get('source') or doc_id)}",
        "",
        meta or "_no metadata_",
        "",
        f"Source: `{md(doc.get('source'))}` · id `{md(doc_id)}`",
        "",
    ]
    for c in idx.claims_by_doc.get(doc_id, []):
        out.append(f"- {md(idx.speaker_name(c))} ({md(c.get('kind'))}): “{md(c.get('content'))}”")
    text = str(doc.get("text") or "")
    for r in idx.reuse_by_doc.get(doc_id, [])[:10]:
        span = as_span([r.start, r.end])
        passage = text[span[0] : span[1]] if span else ""
        out.append(
            f"- reused ({md(r.kind)} {r.score:.2f}, {md(r.role or 'shared')}) with "
            f"{md(idx.doc_label(r.other))}: “{md(passage[:200])}”"
        )
    return [*out, ""]
