"""Inline SVG charts for the HTML report: narrative timeline, provenance graph, volume, stance bar.

Everything is drawn here as plain SVG (no scripts, no network), every label escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Sequence
from typing import Any

from claimtrace.report._index import STANCE_COLORS, STANCE_HELP, STANCES, anchor

REUSE_COLORS = {"exact": "#6d28d9", "verbatim": "#9333ea", "near": "#2563eb", "paraphrase": "#64748b"}
_FONT = 'font-family="inherit"'


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def _ticks(lo: dt.date, hi: dt.date, *, most: int = 8) -> list[dt.date]:
    span = max(1, (hi - lo).days)
    for step in (1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1461):
        if span / step <= most:
            break
    if step >= 30:  # month-aligned ticks
        months = max(1, step // 30)
        out, y, m = [], lo.year, lo.month
        while True:
            d = dt.date(y, m, 1)
            if d > hi:
                break
            if d >= lo:
                out.append(d)
            m += months
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        return out or [lo]
    return [lo + dt.timedelta(days=i) for i in range(0, span + 1, step)]


def _tick_label(d: dt.date, span_days: int, first: bool) -> str:
    if span_days > 300:
        return d.strftime("%b %Y")
    return d.strftime("%b %d, %Y") if first else d.strftime("%b %d")


def timeline_svg(
    rows: Sequence[dict[str, Any]], *, chart_id: str, edges: Sequence[dict[str, Any]] = (), width: int = 900
) -> str:
    """Dots by date (x) and outlet (y), colored by stance; reuse edges drawn as faint arcs.

    ``rows``: {"date", "doc", "outlet", "stance", "title"}; ``edges``: {"from", "to", "kind"}.
    """
    dated = [(r, d) for r in rows if (d := _date(r.get("date")))]
    undated = len(rows) - len(dated)
    if not dated:
        return '<p class="muted">No dated documents to place on a timeline.</p>'
    outlets: list[str] = []
    for r, _ in dated:
        if r["outlet"] not in outlets:
            outlets.append(r["outlet"])
    lo, hi = min(d for _, d in dated), max(d for _, d in dated)
    if lo == hi:
        lo, hi = lo - dt.timedelta(days=1), hi + dt.timedelta(days=1)
    label_w = min(200, 16 + 7 * max(len(o) for o in outlets))
    left, right, top, row_h = label_w + 12, 24, 14, 30
    height = top + row_h * len(outlets) + 40
    plot_w = width - left - right
    span = (hi - lo).days

    def x_of(d: dt.date) -> float:
        return left + 14 + (plot_w - 28) * (d - lo).days / span

    parts = [
        f'<svg class="chart timeline" id="{_e(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="Timeline by outlet" {_FONT}>'
    ]
    for i, outlet in enumerate(outlets):
        y = top + row_h * i + row_h / 2
        band = ' class="band"' if i % 2 == 0 else ' class="band alt"'
        parts.append(f'<rect{band} x="{left}" y="{y - row_h / 2:.1f}" width="{plot_w}" height="{row_h}"/>')
        parts.append(
            f'<text class="ylab" x="{left - 10}" y="{y + 4:.1f}" text-anchor="end">'
            f"<title>{_e(outlet)}</title>{_e(_short(outlet, label_w // 7))}</text>"
        )
    base = top + row_h * len(outlets)
    for k, t in enumerate(_ticks(lo, hi)):
        x = x_of(t)
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{base}"/>')
        parts.append(
            f'<text class="xlab" x="{x:.1f}" y="{base + 18}" text-anchor="middle">'
            f"{_e(_tick_label(t, span, k == 0))}</text>"
        )
    pos: dict[str, tuple[float, float]] = {}
    stack: Counter[tuple[str, dt.date]] = Counter()
    dots = []
    for r, d in dated:
        n = stack[(r["outlet"], d)]
        stack[(r["outlet"], d)] += 1
        x = x_of(d) + (n % 5) * 6 - (4 if n else 0)
        y = top + row_h * outlets.index(r["outlet"]) + row_h / 2 + (-5 if n % 2 else 0) * (n > 0)
        pos.setdefault(r["doc"], (x, y))
        stance = r.get("stance") or ""
        tip = f"{r['outlet']} · {d.isoformat()} · {stance or 'no stance'}\n{r.get('title') or ''}"
        dots.append(
            f'<a href="#{_e(anchor("doc", r["doc"]))}" class="dot-link">'
            f'<circle class="tl-dot" data-stance="{_e(stance)}" cx="{x:.1f}" cy="{y:.1f}" r="7" '
            f'fill="{STANCE_COLORS.get(stance, STANCE_COLORS[""])}"><title>{_e(tip)}</title></circle></a>'
        )
    for e in edges:
        if e.get("from") in pos and e.get("to") in pos:
            (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
            mx, my = (x1 + x2) / 2, min(y1, y2) - 18
            parts.append(
                f'<path class="tl-edge" d="M{x1:.1f},{y1:.1f} Q{mx:.1f},{my:.1f} {x2:.1f},{y2:.1f}" '
                f'stroke="{REUSE_COLORS.get(str(e.get("kind")), "#94a3b8")}"><title>'
                f"{_e(e.get('kind'))} reuse</title></path>"
            )
    parts.extend(dots)
    parts.append("</svg>")
    hint = _date_hint(undated, len(rows))
    note = f'<p class="muted small">{undated} undated document(s) not shown.{hint}</p>'
    return "".join(parts) + (note if undated else "")


def _date_hint(undated: int, total: int) -> str:
    """When more than a fifth are undated: the ingest options that give documents their dates."""
    if undated * 5 <= total:
        return ""
    return (
        " Dates come from <code>claimtrace ingest --metadata FILE.csv</code> (columns source, date, "
        "outlet...) or dates in file names (<code>site_2016-09-12_title.txt</code>) when ingesting."
    )


def legend_html(*, chart_id: str | None = None) -> str:
    """Stance legend; with ``chart_id`` its items are buttons that toggle the chart's dots."""
    items = []
    for s in (*STANCES, ""):
        label = s.title() if s else "None"
        attrs = f' data-chart="{_e(chart_id)}" data-stance="{_e(s)}"' if chart_id else ""
        tag = "button" if chart_id else "span"
        btype = ' type="button"' if chart_id else ""
        items.append(
            f'<{tag}{btype} class="legend-item"{attrs} title="{_e(STANCE_HELP[s])}">'
            f'<i style="background:{STANCE_COLORS[s]}"></i>{_e(label)}</{tag}>'
        )
    return f'<div class="legend">{"".join(items)}</div>'


def provenance_svg(
    nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]], *, chart_id: str, max_nodes: int = 60
) -> str:
    """Origin -> copy graph: one column per date, boxes for documents, arrows colored by reuse kind.

    ``nodes``: {"id", "outlet", "date", "title"}; ``edges``: {"from", "to", "kind", "score", "directed"}.
    """
    if not edges:
        return '<p class="muted">No reused passages found among this narrative\'s documents.</p>'
    nodes = list(nodes)[:max_nodes]
    known = {n["id"] for n in nodes}
    edges = [e for e in edges if e["from"] in known and e["to"] in known]
    dates = sorted({str(n.get("date") or "undated") for n in nodes})
    col_of = {d: i for i, d in enumerate(dates)}
    box_w, box_h, gap_x, gap_y, pad = 176, 46, 74, 22, 16
    at: dict[str, tuple[float, float]] = {}
    row0 = 0
    for comp in _components(nodes, edges):  # one band of rows per group of connected documents
        used: Counter[int] = Counter()
        for n in comp:
            c = col_of[str(n.get("date") or "undated")]
            at[n["id"]] = (pad + c * (box_w + gap_x), pad + 52 + (row0 + used[c]) * (box_h + gap_y))
            used[c] += 1
        row0 += max(used.values())
    width = pad * 2 + len(dates) * box_w + (len(dates) - 1) * gap_x
    height = pad * 2 + 52 + row0 * (box_h + gap_y)
    parts = [
        f'<svg class="chart prov" id="{_e(chart_id)}" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" role="img" aria-label="Provenance of reused passages" {_FONT}><defs>'
    ]
    for kind, color in REUSE_COLORS.items():
        parts.append(
            f'<marker id="{_e(chart_id)}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" '
            f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>'
        )
    parts.append("</defs>")
    for c, d in enumerate(dates):
        hx = pad + c * (box_w + gap_x)
        parts.append(
            f'<text class="xlab" x="{hx + box_w / 2}" y="{pad + 8}" text-anchor="middle">{_e(d)}</text>'
        )
    for e in edges:
        (x1, y1), (x2, y2) = at[e["from"]], at[e["to"]]
        color = REUSE_COLORS.get(e["kind"], "#94a3b8")
        if x1 == x2:  # same day: loop out on the right
            sx, sy, tx, ty = float(x1 + box_w), y1 + box_h / 2, float(x2 + box_w), y2 + box_h / 2
            c1, c2 = (sx + 48, sy), (tx + 48, ty)
        else:
            if x2 < x1:
                (x1, y1), (x2, y2) = (x2, y2), (x1, y1)
            sx, sy, tx, ty = float(x1 + box_w), y1 + box_h / 2, float(x2), y2 + box_h / 2
            c1, c2 = ((sx + tx) / 2, sy), ((sx + tx) / 2, ty)
            if y1 == y2 and tx - sx > gap_x + 1:  # skips a column on the same row: arc over the boxes
                lift = box_h / 2 + gap_y * 0.6
                c1, c2 = (sx + gap_x / 2, sy - lift * 1.4), (tx - gap_x / 2, ty - lift * 1.4)
        mk = f' marker-end="url(#{_e(chart_id)}-{_e(e["kind"])})"' if e.get("directed") else ""
        dash = "" if e.get("directed") else ' stroke-dasharray="5 4"'
        parts.append(
            f'<path class="prov-edge" d="M{sx:.1f},{sy:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},'
            f'{c2[1]:.1f} {tx:.1f},{ty:.1f}" stroke="{color}"{mk}{dash}><title>{_e(e["kind"])} '
            f"(score {float(e.get('score') or 0):.2f})</title></path>"
        )
        lx = (sx + tx) / 2 + (40 if x1 == x2 else 0)
        ly = (sy + ty) / 2 - 5 - (box_h / 2 + gap_y * 0.6 if y1 == y2 and tx - sx > gap_x + 1 else 0)
        parts.append(
            f'<text class="edge-lab" x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" fill="{color}">'
            f"{_e(e['kind'])} {float(e.get('score') or 0):.2f}</text>"
        )
    origins = {e["from"] for e in edges if e.get("directed")}
    copies = {e["to"] for e in edges if e.get("directed")}
    for n in nodes:
        x, y = at[n["id"]]
        role = (
            "origin"
            if n["id"] in origins and n["id"] not in copies
            else ("copy" if n["id"] in copies else "")
        )
        tip = f"{n.get('outlet')} · {n.get('date') or 'undated'}\n{n.get('title') or ''}"
        parts.append(
            f'<a href="#{_e(anchor("doc", n["id"]))}"><g class="node {role}">'
            f"<title>{_e(tip)}</title>"
            f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6"/>'
            f'<text class="n1" x="{x + 10}" y="{y + 19}">{_e(_short(str(n.get("outlet")), 22))}</text>'
            f'<text class="n2" x="{x + 10}" y="{y + 36}">{_e(_short(str(n.get("title") or ""), 27))}'
            f"</text></g></a>"
        )
    parts.append("</svg>")
    kinds = sorted({e["kind"] for e in edges})
    legend = "".join(
        f'<span class="legend-item"><i style="background:{REUSE_COLORS.get(k, "#94a3b8")}"></i>{_e(k)}</span>'
        for k in kinds
    )
    return (
        f'<div class="scroll-x">{"".join(parts)}</div><div class="legend">{legend}'
        '<span class="legend-item muted">arrow: origin → copy · dashed: origin unknown</span></div>'
    )


def _components(
    nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]]
) -> list[list[dict[str, Any]]]:
    """Connected groups of nodes (by edges), earliest group first, nodes by date then outlet."""
    parent = {n["id"]: n["id"] for n in nodes}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        parent[root(e["from"])] = root(e["to"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for n in sorted(nodes, key=lambda n: (str(n.get("date") or "9999"), str(n.get("outlet")))):
        groups.setdefault(root(n["id"]), []).append(n)
    return list(groups.values())


def volume_svg(dates: Sequence[str | None], *, width: int = 900, height: int = 120) -> str:
    """Documents per day (per week or month over long ranges) as a bar chart."""
    days = sorted(d for x in dates if (d := _date(x)))
    if not days:
        return '<p class="muted">No dated documents.</p>'
    span = (days[-1] - days[0]).days
    unit = "day" if span <= 120 else ("week" if span <= 800 else "month")

    def bucket(d: dt.date) -> dt.date:
        if unit == "week":
            return d - dt.timedelta(days=d.weekday())
        return d.replace(day=1) if unit == "month" else d

    counts = Counter(bucket(d) for d in days)
    keys: list[dt.date] = []
    cur = bucket(days[0])
    while cur <= days[-1]:
        keys.append(cur)
        if unit == "month":
            cur = (cur.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            cur += dt.timedelta(days=7 if unit == "week" else 1)
    top, left, bottom = 10, 34, 22
    plot_h, plot_w = height - top - bottom, width - left - 10
    peak = max(counts.values())
    bw = plot_w / len(keys)
    parts = [
        f'<svg class="chart volume" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Documents per {unit}" {_FONT}>',
        f'<text class="xlab" x="{left - 6}" y="{top + 8}" text-anchor="end">{peak}</text>',
        f'<line class="grid" x1="{left}" x2="{width - 10}" y1="{top + plot_h}" y2="{top + plot_h}"/>',
    ]
    for i, k in enumerate(keys):
        n = counts.get(k, 0)
        h = plot_h * n / peak
        parts.append(
            f'<rect class="bar" x="{left + i * bw + 1:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{max(1.0, bw - 2):.1f}" height="{h:.1f}"><title>{k.isoformat()}: {n} '
            f"document(s)</title></rect>"
        )
    for t in _ticks(keys[0], keys[-1], most=6):
        i = min(range(len(keys)), key=lambda j: abs((keys[j] - t).days))
        parts.append(
            f'<text class="xlab" x="{left + (i + 0.5) * bw:.1f}" y="{height - 4}" text-anchor="middle">'
            f"{_e(_tick_label(t, span, False))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts) + f'<p class="muted small">Documents per {unit}.</p>'


def stance_bar(counts: Counter[str] | dict[str, int]) -> str:
    """A thin stacked bar of stance shares (HTML, with a tooltip per segment)."""
    total = sum(counts.values())
    if not total:
        return '<div class="sbar empty"></div>'
    segs = []
    for s in (*STANCES, ""):
        n = counts.get(s, 0)
        if n:
            segs.append(
                f'<span style="width:{100 * n / total:.2f}%;background:{STANCE_COLORS[s]}" '
                f'title="{_e((s or "none").title())}: {n}"></span>'
            )
    return f'<div class="sbar">{"".join(segs)}</div>'
