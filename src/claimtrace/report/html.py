"""The self-contained HTML report, built from the export dict (CONTRACT.md shape).

One file, nothing loaded from the network: CSS and JS are inlined, charts are inline SVG,
and a Content-Security-Policy allows only the report's own script (by hash).

The page stays small however large the corpus: the overview, the largest ``max_narratives``
narratives and ``max_stories`` stories in full, the other narratives as one table row each, a
document index of at most ``max_listed`` rows and ``max_documents`` full texts; a note points
at the dashboard (``claimtrace serve``) for the rest. ``full=True`` includes everything (for small
corpora). Article text is
untrusted: every string from the export is escaped, links are only kept for http(s) URLs, and
the JSON embedded in the page escapes ``<`` ``>`` ``&``.

>>> from claimtrace.report.sample import sample_export
>>> page = render_html(sample_export(), title="Demo")
>>> page.startswith("<!doctype html>")
True
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from claimtrace.report import charts
from claimtrace.report._index import (
    STANCE_COLORS,
    STANCES,
    ExportIndex,
    anchor,
    as_span,
    boilerplate_line,
    fmt_value,
    ratings_of,
)
from claimtrace.report.details import carried_summary, mutation_value
from claimtrace.report.highlight import Mark, highlight

_KINDS = {"exact", "verbatim", "near", "paraphrase"}
_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "OTHER"}


def _e(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def script_json(data: Any) -> str:
    """JSON safe to place inside ``<script type="application/json">`` (no ``</``, ``<!--``)."""
    return (
        json.dumps(data, ensure_ascii=False, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _asset(name: str) -> str:
    return resources.files("claimtrace.report").joinpath("assets", name).read_text(encoding="utf-8")


def _safe_url(url: Any) -> str | None:
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def _chip(stance: str, *, count: int | None = None) -> str:
    label = (stance or "none").title()
    n = f" {count}" if count is not None else ""
    return (
        f'<span class="chip" style="--c:{STANCE_COLORS.get(stance, STANCE_COLORS[""])}">{_e(label)}{n}</span>'
    )


def _doc_link(idx: ExportIndex, doc_id: str, text: str | None = None, *, rendered: set[str]) -> str:
    label = _e(text if text is not None else idx.doc_label(doc_id))
    if doc_id in rendered:
        return f'<a href="#{_e(anchor("doc", doc_id))}">{label}</a>'
    return f'<span title="full text not included in this report">{label}</span>'


# -- overview -----------------------------------------------------------------------------------


def _overview(idx: ExportIndex, ratings: dict[str, Any]) -> str:
    ex = idx.export
    lo, hi = idx.date_range()
    outlets = idx.outlet_counts()
    stats = [
        ("Documents", f"{len(idx.docs):,}"),
        ("Outlets", f"{len(outlets):,}"),
        ("Date range", _date_range(lo, hi)),
        ("Claims", f"{len(idx.claims):,}"),
        ("Entities", f"{len(idx.entities):,}"),
        ("Reused passages", f"{len(ex.get('reuse') or []):,}"),
        ("Stories", f"{len(ex.get('stories') or []):,}"),
        ("Narratives", f"{len(ex.get('narratives') or []):,}"),
    ]
    cards = "".join(
        f'<div class="stat"><div class="stat-v">{_e(v)}</div><div class="stat-k">{_e(k)}</div></div>'
        for k, v in stats
    )
    nars = sorted(ex.get("narratives") or [], key=lambda n: -len(n.get("documents") or []))
    nar_rows = []
    for n in nars[:15]:
        nid = str(n.get("id"))
        rating = ratings.get(nid)
        badge = (
            f' <span class="verdict">{_e(rating.get("rating"))}</span>' if isinstance(rating, dict) else ""
        )
        nar_rows.append(
            f'<tr><td><a href="#{_e(anchor("nar", nid))}">{_e(n.get("label") or nid)}</a>{badge}</td>'
            f'<td class="num">{len(n.get("documents") or [])}</td>'
            f'<td class="num">{len(idx.narrative_outlets(n))}</td>'
            f'<td class="nowrap">{_e(n.get("first_seen") or "")} – {_e(n.get("last_seen") or "")}</td>'
            f"<td>{charts.stance_bar(idx.stance_counts(n))}</td></tr>"
        )
    stories = sorted(ex.get("stories") or [], key=lambda s: -len(s.get("documents") or []))
    story_rows = "".join(
        f'<tr><td><a href="#{_e(anchor("story", str(s.get("id"))))}">'
        f"{_e(s.get('label') or s.get('id'))}</a></td>"
        f'<td class="num">{len(s.get("documents") or [])}</td>'
        f'<td class="nowrap">{_e(s.get("first_seen") or "")}</td></tr>'
        for s in stories[:10]
    )
    outlet_rows = "".join(
        f'<tr><td>{_e(o)}</td><td class="num">{n}</td></tr>' for o, n in outlets.most_common(10)
    )
    ents = sorted(idx.entities.values(), key=lambda e: -len(e.get("mentions") or []))
    ent_rows = "".join(
        f"<tr><td>{_e(e.get('name'))}</td>"
        f'<td><span class="etype t-{_e(_etype(e))}">{_e(_etype(e))}</span></td>'
        f'<td class="num">{len(e.get("mentions") or [])}</td></tr>'
        for e in ents[:10]
    )
    empty = '<tr><td class="muted" colspan="5">none</td></tr>'
    return f"""
<section id="overview" class="card">
  <h2>Overview</h2>
  <div class="stats">{cards}</div>
  <p class="muted">Boilerplate set aside (site furniture, not analysed): {_e(boilerplate_line(ex))}.</p>
  <h3>Coverage over time</h3>
  {charts.volume_svg([d.get("published") for d in idx.docs.values()])}
  <h3>Top narratives</h3>
  <table class="tbl"><thead><tr><th>Narrative</th><th class="num">Docs</th><th class="num">Outlets</th>
  <th>Seen</th><th class="w-bar">Stances</th></tr></thead><tbody>{"".join(nar_rows) or empty}</tbody></table>
  <div class="grid3">
    <div><h3>Top stories</h3><table class="tbl"><thead><tr><th>Story</th><th class="num">Docs</th>
      <th>First seen</th></tr></thead><tbody>{story_rows or empty}</tbody></table></div>
    <div><h3>Outlets</h3><table class="tbl"><thead><tr><th>Outlet</th><th class="num">Docs</th></tr></thead>
      <tbody>{outlet_rows or empty}</tbody></table></div>
    <div><h3>Most mentioned</h3><table class="tbl"><thead><tr><th>Entity</th><th>Type</th>
      <th class="num">Mentions</th></tr></thead><tbody>{ent_rows or empty}</tbody></table></div>
  </div>
</section>"""


def _date_range(lo: str | None, hi: str | None) -> str:
    if not lo or not hi:
        return "—"
    try:
        a, b = dt.date.fromisoformat(lo[:10]), dt.date.fromisoformat(hi[:10])
    except ValueError:
        return f"{lo} – {hi}"
    if a.year == b.year:
        return f"{a:%b %d} – {b:%b %d, %Y}" if a != b else f"{a:%b %d, %Y}"
    return f"{a:%b %Y} – {b:%b %Y}"


def _etype(ent: dict[str, Any]) -> str:
    t = str(ent.get("type") or "OTHER")
    return t if t in _TYPES else "OTHER"


# -- narratives ---------------------------------------------------------------------------------


def _carried_by(nar: dict[str, Any]) -> str:
    """Speakers and outlets repeating the claim (first first), with their document counts."""
    parts = []
    for kind, names, more in carried_summary(nar):
        items = ", ".join(_e(n) + (f' <span class="muted">×{c}</span>' if c > 1 else "") for n, c in names)
        extra = f' <span class="muted">and {more} more</span>' if more else ""
        title = "Speakers" if kind == "speaker" else "Outlets"
        parts.append(f'<p class="small"><b>{title}</b>: {items}{extra}</p>')
    return "".join(parts) or '<p class="muted">No speaker or outlet recorded.</p>'


def _narrative(
    idx: ExportIndex, nar: dict[str, Any], rating: Any, *, rendered: set[str], max_claims: int
) -> str:
    nid = str(nar.get("id"))
    sid = anchor("nar", nid)
    all_rows = idx.timeline(nar)
    rows = thin_timeline(all_rows)
    edges = sorted(idx.provenance(nar), key=lambda e: -e["score"])[:_MAX_EDGES]
    per_outlet = idx.narrative_outlets(nar)
    verdict = ""
    if isinstance(rating, dict):
        meta = " · ".join(_e(x) for x in (rating.get("author"), rating.get("created_at")) if x)
        verdict = (
            f'<div class="rating"><span class="verdict big">{_e(rating.get("rating"))}</span>'
            f'<div><div>{_e(rating.get("note") or "")}</div><div class="muted small">Analyst verdict'
            f"{' · ' + meta if meta else ''}</div></div></div>"
        )
    ents = "".join(
        f'<span class="echip t-{_e(_etype(idx.entities[e]))}">{_e(idx.entities[e].get("name"))}</span>'
        for e in (str(x) for x in nar.get("entities") or [])
        if e in idx.entities
    )
    # stance per outlet
    srows = []
    by_size = sorted(per_outlet.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    if len(by_size) > _MAX_OUTLETS:
        srows.append(
            f'<tr><td class="muted" colspan="4">{len(by_size) - _MAX_OUTLETS} smaller outlet(s) '
            "not listed</td></tr>"
        )
    for outlet, counts in by_size[:_MAX_OUTLETS]:
        chips = " ".join(_chip(s, count=counts[s]) for s in (*STANCES, "") if counts.get(s))
        srows.append(
            f'<tr><td>{_e(outlet)}</td><td class="num">{sum(counts.values())}</td><td>{chips}</td>'
            f"<td>{charts.stance_bar(counts)}</td></tr>"
        )
    # mutations
    mrows = []
    for m in nar.get("mutations") or []:
        prev = m.get("previous")
        changed = prev is not None and fmt_value(prev) != fmt_value(m.get("value"))
        arrow = (
            f'<span class="prev">{_e(fmt_value(prev))}</span> →'
            if prev is not None
            else '<span class="muted">first</span>'
        )
        doc = str(m.get("doc"))
        mrows.append(
            f"<tr{' class=changed' if changed else ''}><td><code>{_e(m.get('slot'))}</code></td>"
            f"<td>{arrow}</td><td><b>{_e(mutation_value(m))}</b></td>"
            f"<td>{_doc_link(idx, doc, str(idx.docs.get(doc, {}).get('outlet') or doc), rendered=rendered)}"
            f'<div class="muted small">{_e(idx.docs.get(doc, {}).get("title") or "")}</div></td>'
            f'<td class="nowrap">{_e(m.get("date") or "")}</td></tr>'
        )
    mut = (
        '<table class="tbl"><thead><tr><th>Slot</th><th>Previous</th><th>Value</th><th>First document</th>'
        f"<th>Date</th></tr></thead><tbody>{''.join(mrows)}</tbody></table>"
        if mrows
        else '<p class="muted">No detail changed across the documents.</p>'
    )
    # provenance
    involved = {e["from"] for e in edges} | {e["to"] for e in edges}
    nodes = [
        {
            "id": d,
            "outlet": idx.docs.get(d, {}).get("outlet") or "(unknown)",
            "date": idx.docs.get(d, {}).get("published"),
            "title": idx.docs.get(d, {}).get("title"),
        }
        for d in sorted(involved)
    ]
    # claims
    claim_ids = [str(c) for c in nar.get("claims") or [] if str(c) in idx.claims]
    claim_ids.sort(
        key=lambda c: (idx.docs.get(str(idx.claims[c].get("doc")), {}).get("published") or "9999", c)
    )
    items = [_claim_item(idx, idx.claims[c], nid, rendered=rendered) for c in claim_ids[:max_claims]]
    more = (
        f'<p class="muted small">{len(claim_ids) - max_claims} more claim(s) not listed.</p>'
        if len(claim_ids) > max_claims
        else ""
    )
    n_docs = len(nar.get("documents") or [])
    return f"""
<section id="{_e(sid)}" class="card narrative">
  <div class="kicker">Narrative <code>{_e(nid)}</code></div>
  <h2>{_e(nar.get("label") or nid)}</h2>
  <div class="meta-line"><span>{_e(nar.get("first_seen") or "?")} → {_e(nar.get("last_seen") or "?")}</span>
    <span>{n_docs} document(s)</span><span>{len(per_outlet)} outlet(s)</span>
    <span>{len(claim_ids)} claim(s)</span>
    {charts.stance_bar(idx.stance_counts(nar))}</div>
  {verdict}
  {f'<div class="echips">{ents}</div>' if ents else ""}
  <h3>Timeline by outlet</h3>
  {_thinned_note(len(rows), len(all_rows))}
  {charts.legend_html(chart_id=sid + "-tl")}
  {charts.timeline_svg(rows, chart_id=sid + "-tl", edges=edges)}
  <div class="grid2">
    <div><h3>Stance per outlet</h3><table class="tbl"><thead><tr><th>Outlet</th><th class="num">Docs</th>
      <th>Stances</th><th class="w-bar"></th></tr></thead><tbody>{"".join(srows)}</tbody></table></div>
    <div><h3>How the details changed</h3>{mut}<h3>Carried by</h3>{_carried_by(nar)}</div>
  </div>
  <h3>Provenance of reused passages</h3>
  {charts.provenance_svg(nodes, edges, chart_id=sid + "-prov")}
  <h3>Claims</h3>
  <ol class="claims">{"".join(items)}</ol>{more}
</section>"""


_MAX_DOTS = 150  # timeline dots per narrative
_MAX_OUTLETS = 30  # outlets per narrative (timeline rows, stance table)
_MAX_EDGES = 150  # reuse edges per narrative (provenance graph)


def thin_timeline(rows: list[dict[str, Any]], *, limit: int = _MAX_DOTS) -> list[dict[str, Any]]:
    """At most ``limit`` timeline rows, from the ``_MAX_OUTLETS`` largest outlets.

    One row per outlet, day and stance first (a stack of dots says no more than one), then an
    even sample in date order. Rows come back in their order.
    """
    if len(rows) <= limit:
        return rows
    sizes = Counter(r["outlet"] for r in rows)
    top = {o for o, _ in sizes.most_common(_MAX_OUTLETS)}
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for r in rows:
        key = (r["outlet"], r["date"], r.get("stance"))
        if r["outlet"] in top and key not in seen:
            seen.add(key)
            kept.append(r)
    if len(kept) > limit:
        step = len(kept) / limit
        kept = [kept[int(i * step)] for i in range(limit)]
    return kept


def _thinned_note(drawn: int, total: int) -> str:
    if drawn >= total:
        return ""
    return (
        f'<p class="muted small">{drawn:,} of {total:,} documents drawn (one dot per outlet, day and '
        f"stance, the largest outlets); the dashboard ({_DASHBOARD}) shows every document.</p>"
    )


def _claim_item(idx: ExportIndex, claim: dict[str, Any], nid: str, *, rendered: set[str]) -> str:
    doc_id = str(claim.get("doc"))
    doc = idx.docs.get(doc_id, {})
    text = str(doc.get("text") or "")
    span, cspan = as_span([claim.get("start"), claim.get("end")]), as_span(claim.get("content_span"))
    if span and text and 0 <= span[0] < span[1] <= len(text):
        marks = [Mark(cspan[0] - span[0], cspan[1] - span[0], "clm-c")] if cspan else []
        snippet = highlight(text[span[0] : span[1]], marks)
    else:
        snippet = f"<mark>{_e(claim.get('content'))}</mark>"
    stance = idx.stance_of.get((nid, doc_id), {}).get("stance") or ""
    kind = _e(claim.get("kind") or "")
    cid = str(claim.get("id"))
    link = (
        f'<a class="open" href="#{_e(anchor("claim", cid))}">open in document ↗</a>'
        if doc_id in rendered
        else ""
    )
    return (
        f'<li><div class="claim-head">{_chip(stance)}<b>{_e(idx.speaker_name(claim))}</b>'
        f'<span class="kind">{kind}</span><span class="muted">{_e(doc.get("outlet") or "")} · '
        f"{_e(doc.get('published') or 'undated')}</span>{link}</div>"
        f'<blockquote class="snippet">{snippet}</blockquote></li>'
    )


# -- stories ------------------------------------------------------------------------------------


def _stories(idx: ExportIndex, *, rendered: set[str], limit: int = 200) -> str:
    stories = sorted(
        idx.export.get("stories") or [],
        key=lambda s: (-len(s.get("documents") or []), str(s.get("first_seen"))),
    )
    blocks = []
    for s in stories[:limit]:
        docs = sorted(
            (str(d) for d in s.get("documents") or []),
            key=lambda d: str(idx.docs.get(d, {}).get("published") or "9999"),
        )
        lis = "".join(f"<li>{_doc_link(idx, d, rendered=rendered)}</li>" for d in docs[:50])
        extra = f'<li class="muted">… {len(docs) - 50} more</li>' if len(docs) > 50 else ""
        blocks.append(
            f'<details class="story" id="{_e(anchor("story", str(s.get("id"))))}"><summary>'
            f'<b>{_e(s.get("label") or s.get("id"))}</b> <span class="muted">{len(docs)} doc(s) · '
            f"{_e(s.get('first_seen') or '')} – {_e(s.get('last_seen') or '')}</span></summary>"
            f"<ul>{lis}{extra}</ul></details>"
        )
    more = (
        f'<p class="muted small">{len(stories) - limit} smaller stories not listed.</p>'
        if len(stories) > limit
        else ""
    )
    return (
        f'<section id="stories" class="card"><h2>Stories</h2><p class="muted">Documents grouped by the '
        f"event they report.</p>{''.join(blocks) or '<p class=muted>No stories.</p>'}{more}</section>"
    )


# -- documents ----------------------------------------------------------------------------------


def _doc_marks(idx: ExportIndex, doc_id: str) -> list[Mark]:
    marks: list[Mark] = []
    for s, e, ent in idx.mentions_by_doc.get(doc_id, []):
        t = _etype(ent)
        marks.append(Mark(s, e, f"ent t-{t}", f"{t}: {ent.get('name')}"))
    for c in idx.claims_by_doc.get(doc_id, []):
        span = as_span([c.get("start"), c.get("end")])
        who = idx.speaker_name(c)
        if span:
            marks.append(
                Mark(
                    span[0],
                    span[1],
                    "clm",
                    f"Claim ({c.get('kind')}) by {who}",
                    anchor=anchor("claim", str(c.get("id"))),
                )
            )
        for key, cls in (("content_span", "clm-c"), ("cue_span", "cue")):
            sp = as_span(c.get(key))
            if sp:
                marks.append(Mark(sp[0], sp[1], cls))
        sp = as_span((c.get("speaker") or {}).get("span"))
        if sp:
            marks.append(Mark(sp[0], sp[1], "spk", f"Speaker: {who}"))
    for r in idx.reuse_by_doc.get(doc_id, []):
        kind = r.kind if r.kind in _KINDS else "near"
        rel = {"origin": "copied by", "copy": "copied from", "": "shared with"}[r.role]
        marks.append(
            Mark(
                r.start,
                r.end,
                f"reuse r-{kind}",
                f"Reused passage ({r.kind} {r.score:.2f}), {rel} {idx.doc_label(r.other)}",
            )
        )
    for nar in idx.narratives_of_doc.get(doc_id, []):
        st = idx.stance_of.get((str(nar.get("id")), doc_id)) or {}
        for ev in st.get("evidence") or []:
            sp = as_span(ev)
            if sp:
                marks.append(Mark(sp[0], sp[1], "stev", f"Stance evidence: {st.get('stance')}"))
    return marks


def _reuse_list(idx: ExportIndex, doc_id: str, *, rendered: set[str], limit: int = 8) -> str:
    items = []
    for r in idx.reuse_by_doc.get(doc_id, [])[:limit]:
        arrow = {"origin": "→", "copy": "←", "": "↔"}[r.role]
        other = idx.docs.get(r.other, {})
        label = f"{other.get('outlet') or r.other} {other.get('published') or ''}".strip()
        items.append(
            f"<div>{arrow} {_doc_link(idx, r.other, label, rendered=rendered)} "
            f'<span class="muted">{_e(r.kind)} {r.score:.2f}</span></div>'
        )
    extra = len(idx.reuse_by_doc.get(doc_id, [])) - limit
    return "".join(items) + (f'<div class="muted">… {extra} more</div>' if extra > 0 else "") or "—"


def _document(idx: ExportIndex, doc: dict[str, Any], *, rendered: set[str]) -> str:
    doc_id = str(doc.get("id"))
    text = str(doc.get("text") or "")
    url = _safe_url(doc.get("source"))
    source = (
        f'<a href="{_e(url)}" rel="noopener noreferrer nofollow" target="_blank">{_e(url)}</a>'
        if url
        else f"<code>{_e(doc.get('source'))}</code>"
    )
    story = idx.story_of_doc.get(doc_id)
    nars = idx.narratives_of_doc.get(doc_id, [])
    nar_html = " ".join(
        f'<a href="#{_e(anchor("nar", str(n.get("id"))))}">{_e(n.get("label") or n.get("id"))}</a> '
        f"{_chip(idx.stance_of.get((str(n.get('id')), doc_id), {}).get('stance') or '')}"
        for n in nars
    )
    rows = [
        ("Outlet", _e(doc.get("outlet") or "—")),
        ("Published", _e(doc.get("published") or "—")),
        ("Author", _e(doc.get("author") or "—")),
        ("Language", _e(doc.get("language") or "—")),
        ("Credits", _e(", ".join(str(c) for c in doc.get("credits") or []) or "—")),
        ("Source", source),
        (
            "Story",
            f'<a href="#{_e(anchor("story", str(story.get("id"))))}">{_e(story.get("label"))}</a>'
            if story
            else "—",
        ),
        ("Narratives", nar_html or "—"),
        ("Reused", _reuse_list(idx, doc_id, rendered=rendered)),
        ("Id", f"<code>{_e(doc_id)}</code>"),
    ]
    meta = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    reuse = idx.reuse_by_doc.get(doc_id, [])
    chips = " ".join(
        _chip(idx.stance_of.get((str(n.get("id")), doc_id), {}).get("stance") or "") for n in nars
    )
    counts = (
        f"{len(idx.claims_by_doc.get(doc_id, []))} claims · {len(idx.mentions_by_doc.get(doc_id, []))} "
        f"mentions · {len(reuse)} reused"
    )
    return f"""
<details class="doc card" id="{_e(anchor("doc", doc_id))}">
  <summary><span class="doc-title">{_e(doc.get("title") or doc.get("source") or doc_id)}</span>
    <span class="muted">{_e(doc.get("outlet") or "")} · {_e(doc.get("published") or "undated")} ·
    {counts}</span>
    {chips}</summary>
  <div class="doc-body"><dl class="meta">{meta}</dl>
  <div class="doc-text">{highlight(text, _doc_marks(idx, doc_id))}</div></div>
</details>"""


def _listed_docs(idx: ExportIndex, rendered: set[str], limit: int) -> list[dict[str, Any]]:
    """The documents of the index table: every rendered one, then the others by date, ``limit`` rows."""
    docs = sorted(idx.docs.values(), key=lambda d: (str(d.get("published") or "9999"), str(d.get("outlet"))))
    if len(docs) <= limit:
        return docs
    room = max(limit - len(rendered), 0)
    keep = [d for d in docs if str(d.get("id")) in rendered]
    keep += [d for d in docs if str(d.get("id")) not in rendered][:room]
    keep.sort(key=lambda d: (str(d.get("published") or "9999"), str(d.get("outlet"))))
    return keep


def _documents(idx: ExportIndex, shown: list[str], *, rendered: set[str], max_listed: int) -> str:
    rows = []
    listed = _listed_docs(idx, rendered, max_listed)
    for doc in listed:
        did = str(doc.get("id"))
        q = " ".join(
            str(doc.get(k) or "") for k in ("title", "outlet", "author", "source", "published")
        ).lower()
        stances = {
            idx.stance_of.get((str(n.get("id")), did), {}).get("stance") or ""
            for n in idx.narratives_of_doc.get(did, [])
        }
        rows.append(
            f'<tr data-q="{_e(q)}" data-outlet="{_e(doc.get("outlet") or "")}" '
            f'data-stance="{_e(" ".join(sorted(s for s in stances if s)))}">'
            f'<td class="nowrap">{_e(doc.get("published") or "")}</td><td>{_e(doc.get("outlet") or "")}</td>'
            f"<td>{_doc_link(idx, did, str(doc.get('title') or doc.get('source') or did), rendered=rendered)}"
            f"</td><td>{' '.join(_chip(s) for s in sorted(stances) if s)}</td>"
            f'<td class="num">{len(idx.claims_by_doc.get(did, []))}</td></tr>'
        )
    outlets = "".join(f'<option value="{_e(o)}">{_e(o)}</option>' for o in sorted(idx.outlet_counts()))
    stance_opts = "".join(f'<option value="{s}">{s.title()}</option>' for s in STANCES)
    note = ""
    if len(listed) < len(idx.docs):
        note = (
            f'<p class="note">{len(listed):,} of {len(idx.docs):,} documents are listed above and '
            f"{len(shown):,} with their full text (narrative documents come first). Browse and search "
            f"all of them in the dashboard ({_DASHBOARD}), or write the report with "
            "<code>--full</code>.</p>"
        )
    elif len(shown) < len(idx.docs):
        note = (
            f'<p class="note">{len(idx.docs) - len(shown):,} of {len(idx.docs):,} documents are listed '
            "above but their full text is not included (narrative documents come first; raise "
            "<code>max_documents</code> to include more).</p>"
        )
    sections = "".join(_document(idx, idx.docs[d], rendered=rendered) for d in shown)
    return f"""
<section id="documents" class="card">
  <h2>Documents</h2>
  <div class="filters"><input id="doc-filter" type="search" placeholder="Filter by title, outlet, author…"
    aria-label="Filter documents"><select id="outlet-filter" aria-label="Outlet"><option value="">All outlets
    </option>{outlets}</select><select id="stance-filter" aria-label="Stance">
    <option value="">Any stance</option>
    {stance_opts}</select><span class="muted"><span id="doc-count">{len(listed)}</span> shown</span></div>
  <div class="scroll-y"><table class="tbl" id="doc-table"><thead><tr><th>Date</th><th>Outlet</th>
    <th>Title</th>
    <th>Stance</th><th class="num">Claims</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>
  {note}
  <div class="layer-key"><span class="k ent">entity</span><span class="k clm">claim</span>
    <span class="k clm-c">claimed content</span><span class="k spk">speaker</span>
    <span class="k cue">cue</span>
    <span class="k reuse r-verbatim">reused passage</span><span class="k stev">stance evidence</span>
    <button type="button" id="expand-all">Expand all</button></div>
</section>
<div id="doc-sections">{sections}</div>"""


# -- narratives not shown in full ----------------------------------------------------------------

_DASHBOARD = "<code>claimtrace serve --db …</code>"


def _narrative_rows(idx: ExportIndex, nars: list[dict[str, Any]], *, total: int) -> str:
    """The narratives after the ones shown in full: one table row each, and how many are left out."""
    if not nars:
        return ""
    rows = "".join(
        f'<tr id="{_e(anchor("nar", str(n.get("id"))))}"><td>{_e(n.get("label") or n.get("id"))}</td>'
        f'<td class="num">{len(n.get("documents") or [])}</td>'
        f'<td class="num">{len(n.get("claims") or [])}</td>'
        f'<td class="nowrap">{_e(n.get("first_seen") or "")} – {_e(n.get("last_seen") or "")}</td>'
        f"<td>{charts.stance_bar(idx.stance_counts(n))}</td></tr>"
        for n in nars
    )
    left = total - len(nars)
    more = f"{left:,} smaller narrative(s) are not listed; " if left > 0 else ""
    return f"""
<section id="more-narratives" class="card"><h2>More narratives</h2>
  <p class="muted">Listed without their timelines and claims. {more}open any narrative in the dashboard
  ({_DASHBOARD}).</p>
  <div class="scroll-y"><table class="tbl"><thead><tr><th>Narrative</th><th class="num">Docs</th>
  <th class="num">Claims</th><th>Seen</th><th class="w-bar">Stances</th></tr></thead><tbody>{rows}</tbody>
  </table></div>
</section>"""


# -- page ---------------------------------------------------------------------------------------


def _sidebar(idx: ExportIndex, title: str) -> str:
    nars = sorted(idx.export.get("narratives") or [], key=lambda n: -len(n.get("documents") or []))
    links = "".join(
        f'<li><a href="#{_e(anchor("nar", str(n.get("id"))))}" title="{_e(n.get("label"))}">'
        f"{_e(n.get('label') or n.get('id'))}</a></li>"
        for n in nars[:40]
    )
    layers = "".join(
        f'<label><input type="checkbox" checked data-layer="{k}"> {v}</label>'
        for k, v in (
            ("ent", "Entities"),
            ("clm", "Claims"),
            ("reuse", "Reused passages"),
            ("stev", "Stance evidence"),
        )
    )
    return f"""
<nav class="side"><div class="brand">claimtrace<span>report</span></div>
  <div class="side-title">{_e(title)}</div>
  <ul class="nav"><li><a href="#overview">Overview</a></li><li><a href="#narratives">Narratives
    <span class="count">{len(nars)}</span></a><ul class="sub">{links}</ul></li>
    <li><a href="#stories">Stories <span class="count">{len(idx.export.get("stories") or [])}</span></a></li>
    <li><a href="#documents">Documents <span class="count">{len(idx.docs)}</span></a></li></ul>
  <div class="side-h">Highlight</div><div class="layers">{layers}</div>
  <div class="side-foot">Self-contained report · export v{_e(idx.export.get("version", "?"))}</div>
</nav>"""


def render_html(
    export: dict[str, Any],
    *,
    title: str | None = None,
    max_documents: int = 300,
    max_claims: int = 60,
    max_narratives: int = 30,
    max_stories: int = 100,
    max_listed: int = 1000,
    full: bool = False,
) -> str:
    """Render the export dict as one self-contained HTML page.

    ``max_documents`` caps the documents whose full highlighted text is included (narrative
    documents first, then by date); the filterable index lists at most ``max_listed`` documents
    (those first). ``max_narratives`` narratives are shown in full (largest first), the next
    ``max_listed`` as table rows; ``max_stories`` stories are listed; ``max_claims`` caps the
    claims per narrative. ``full`` lifts every cap but ``max_claims``.
    """
    if full:
        max_documents = max_narratives = max_stories = max_listed = 1 << 62
    idx = ExportIndex.build(export)
    title = title or str(export.get("title") or "Claim tracing report")
    ratings = ratings_of(export)
    nars = sorted(export.get("narratives") or [], key=lambda n: -len(n.get("documents") or []))
    in_nar = [str(d) for n in nars for d in n.get("documents") or []]
    order = list(
        dict.fromkeys(
            [d for d in in_nar if d in idx.docs]
            + sorted(idx.docs, key=lambda d: str(idx.docs[d].get("published") or "9999"))
        )
    )
    shown = order[: max(0, max_documents)]
    rendered = set(shown)
    shown.sort(key=lambda d: (str(idx.docs[d].get("published") or "9999"), str(idx.docs[d].get("outlet"))))
    nar_html = "".join(
        _narrative(idx, n, ratings.get(str(n.get("id"))), rendered=rendered, max_claims=max_claims)
        for n in nars[:max_narratives]
    )
    rest = nars[max_narratives:]
    nar_html += _narrative_rows(idx, rest[:max_listed], total=len(rest))
    summary = {
        "generator": "claimtrace",
        "title": title,
        "documents": len(idx.docs),
        "narratives": [{"id": n.get("id"), "label": n.get("label")} for n in nars[:200]],
        "stance_counts": dict(sum((idx.stance_counts(n) for n in nars), Counter())),
    }
    js = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = (
        f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
        "base-uri 'none'; form-action 'none'"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="claimtrace">
<title>{_e(title)}</title>
<style>{_asset("report.css")}</style></head>
<body><div class="layout">{_sidebar(idx, title)}
<main>
<header class="top"><h1>{_e(title)}</h1><p class="muted">Who said what, where it was copied from, how the
details changed and which outlets amplified, attributed, contested or debunked it.</p></header>
{_overview(idx, ratings)}
<section id="narratives" class="section-h"><h2>Narratives</h2>
<p class="muted">Recurring claims across stories,
outlets and time, largest first.</p></section>
{nar_html or '<p class="card muted">No narratives in this export.</p>'}
{_stories(idx, rendered=rendered, limit=max_stories)}
{_documents(idx, shown, rendered=rendered, max_listed=max_listed)}
</main></div>
<script type="application/json" id="ct-data">{script_json(summary)}</script>
<script>{js}</script>
</body></html>
"""


def write_report(
    export: dict[str, Any],
    path: str | Path,
    fmt: str = "html",
    *,
    title: str | None = None,
    max_documents: int = 300,
    full: bool = False,
) -> None:
    """Write the report for ``export`` to ``path`` as ``fmt`` ('html' or 'md'); ``full``: no caps (HTML)."""
    from claimtrace.errors import E031, ClaimtraceError

    if fmt == "html":
        text = render_html(export, title=title, max_documents=max_documents, full=full)
    elif fmt in ("md", "markdown"):
        from claimtrace.report.markdown import render_markdown

        text = render_markdown(export, title=title, max_documents=max_documents)
    else:
        raise ClaimtraceError(E031, fmt=fmt, choices="html, md")
    Path(path).write_text(text, encoding="utf-8")
