"""The corpus as a graph for Gephi and friends: GraphML and GEXF, built from the export dict.

Nodes (ids prefixed by type): ``outlet:<name>``, ``doc:<id>``, ``entity:<id>``,
``narrative:<id>``, ``story:<id>``. Edges (attribute ``relation``):

- ``published_by``  document → outlet
- ``in_story``      document → story
- ``in_narrative``  document → narrative (``stance``: AMPLIFIES/ATTRIBUTES/CONTESTS/DEBUNKS or "")
- ``says``          speaker entity → narrative (``weight``: number of claims)
- ``reuses``        document → document, origin → copy when known (``kind``, ``score``, ``source``,
  ``passages``: how many passages the pair shares; the strongest link's kind and score)

Every attribute is a string, int or float, and absent values are written as "" (strings) so
each attribute keeps one type across the file, as Gephi requires.

>>> from claimtrace.report.sample import sample_export
>>> g = build_graph(sample_export())
>>> g.nodes["narrative:nar-tram"]["type"]
'narrative'
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from claimtrace.errors import require
from claimtrace.report._index import ratings_of

if TYPE_CHECKING:
    from claimtrace.store.base import Store

_KIND_RANK = {"exact": 3, "verbatim": 2, "near": 1, "paraphrase": 0}


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _s(value: Any) -> str:
    """A string attribute value that XML 1.0 can carry (control characters dropped)."""
    return "" if value is None else _XML_BAD.sub("", str(value))


def build_graph(export: dict[str, Any]) -> Any:
    """A ``networkx.DiGraph`` of outlets, documents, entities, stories and narratives."""
    nx: Any = require("networkx", "report", "graph export")
    g = nx.DiGraph(name="claimtrace")
    ratings = ratings_of(export)
    docs = {str(d.get("id")): d for d in export.get("documents") or []}
    for doc_id, d in docs.items():
        g.add_node(
            f"doc:{doc_id}",
            type="document",
            label=_s(d.get("title") or d.get("source") or doc_id),
            title=_s(d.get("title")),
            published=_s(d.get("published")),
            outlet=_s(d.get("outlet")),
            source=_s(d.get("source")),
            language=_s(d.get("language")),
            author=_s(d.get("author")),
            chars=len(d.get("text") or ""),
        )
        if d.get("outlet"):
            oid = f"outlet:{_s(d['outlet'])}"
            if oid not in g:
                g.add_node(oid, type="outlet", label=_s(d["outlet"]), documents=0)
            g.nodes[oid]["documents"] += 1
            g.add_edge(f"doc:{doc_id}", oid, relation="published_by", weight=1)
    for e in export.get("entities") or []:
        g.add_node(
            f"entity:{e.get('id')}",
            type="entity",
            label=_s(e.get("name")),
            entity_type=_s(e.get("type")),
            aliases="; ".join(map(str, e.get("aliases") or [])),
            mentions=len(e.get("mentions") or []),
        )
    for s in export.get("stories") or []:
        sid = f"story:{s.get('id')}"
        g.add_node(
            sid,
            type="story",
            label=_s(s.get("label")),
            first_seen=_s(s.get("first_seen")),
            last_seen=_s(s.get("last_seen")),
            size=len(s.get("documents") or []),
        )
        for d in s.get("documents") or []:
            if f"doc:{d}" in g:
                g.add_edge(f"doc:{d}", sid, relation="in_story", weight=1)
    claims = {str(c.get("id")): c for c in export.get("claims") or []}
    for n in export.get("narratives") or []:
        nid = f"narrative:{n.get('id')}"
        g.add_node(
            nid,
            type="narrative",
            label=_s(n.get("label")),
            first_seen=_s(n.get("first_seen")),
            last_seen=_s(n.get("last_seen")),
            size=len(n.get("documents") or []),
            rating=_s((ratings.get(str(n.get("id"))) or {}).get("rating")),
        )
        stance = {str(st.get("doc")): _s(st.get("stance")) for st in n.get("stances") or []}
        for d in n.get("documents") or []:
            if f"doc:{d}" in g:
                g.add_edge(f"doc:{d}", nid, relation="in_narrative", stance=stance.get(str(d), ""), weight=1)
        speakers: Counter[str] = Counter()
        for cid in n.get("claims") or []:
            ent = ((claims.get(str(cid)) or {}).get("speaker") or {}).get("entity")
            if ent and f"entity:{ent}" in g:
                speakers[f"entity:{ent}"] += 1
        for ent_node, count in speakers.items():
            g.add_edge(ent_node, nid, relation="says", weight=count)
    for r in export.get("reuse") or []:
        a, b = _s((r.get("a") or {}).get("doc")), _s((r.get("b") or {}).get("doc"))
        if f"doc:{a}" not in g or f"doc:{b}" not in g or a == b:
            continue
        src = r.get("source")
        if src == b:
            a, b = b, a
        u, v = f"doc:{a}", f"doc:{b}"
        if not g.has_edge(u, v) and g.has_edge(v, u):
            u, v = v, u  # keep one edge per pair
        kind, score = _s(r.get("kind")), float(r.get("score") or 0.0)
        if g.has_edge(u, v):
            data = g.edges[u, v]
            data["passages"] += 1
            if (_KIND_RANK.get(kind, -1), score) > (_KIND_RANK.get(data["kind"], -1), data["score"]):
                data.update(kind=kind, score=score)
            if src and not data["source"]:
                data["source"] = _s(src)
        else:
            g.add_edge(u, v, relation="reuses", kind=kind, score=score, source=_s(src), passages=1, weight=1)
    return g


def export_graphml(export: dict[str, Any], out: str) -> None:
    """Write the graph of ``export`` as GraphML to ``out``."""
    nx: Any = require("networkx", "report", "graph export")
    from claimtrace.exports.atomic import atomic_file

    with atomic_file(out) as part:
        nx.write_graphml(build_graph(export), part, encoding="utf-8", prettyprint=True)


def export_gexf(export: dict[str, Any], out: str) -> None:
    """Write the graph of ``export`` as GEXF 1.2 to ``out``."""
    nx: Any = require("networkx", "report", "graph export")
    from claimtrace.exports.atomic import atomic_file

    with atomic_file(out) as part:
        nx.write_gexf(build_graph(export), part, encoding="utf-8", prettyprint=True, version="1.2draft")


def write_graphml(store: Store, out: str) -> None:
    """Exporter-registry form: export ``store`` as GraphML."""
    from claimtrace.exports.contract import build_export

    export_graphml(build_export(store), out)


def write_gexf(store: Store, out: str) -> None:
    """Exporter-registry form: export ``store`` as GEXF."""
    from claimtrace.exports.contract import build_export

    export_gexf(build_export(store), out)
