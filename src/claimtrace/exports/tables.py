"""Flat tables from the export dict: one CSV, Parquet or JSONL file per table, in a directory.

Tables: documents, entities, mentions, claims, quantities, reuse, stories, story_documents,
narratives, narrative_claims, timeline, mutations, stances. Every table has a fixed column
list with a type, so CSV headers and Parquet schemas are the same whatever the data.

>>> from claimtrace.report.sample import sample_export
>>> rows = table_rows(sample_export())
>>> len(rows["documents"]), sorted(rows)[:2]
(8, ['claims', 'documents'])
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimtrace.report._index import ratings_of

if TYPE_CHECKING:
    from claimtrace.store.base import Store

# table -> [(column, type)] with type in "str", "int", "float", "bool"
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("id", "str"),
        ("source", "str"),
        ("title", "str"),
        ("published", "str"),
        ("author", "str"),
        ("outlet", "str"),
        ("credits", "str"),
        ("language", "str"),
        ("chars", "int"),
        ("text", "str"),
    ],
    "entities": [("id", "str"), ("name", "str"), ("type", "str"), ("aliases", "str"), ("mentions", "int")],
    "mentions": [("entity", "str"), ("doc", "str"), ("start", "int"), ("end", "int"), ("text", "str")],
    "claims": [
        ("id", "str"),
        ("doc", "str"),
        ("start", "int"),
        ("end", "int"),
        ("content", "str"),
        ("content_start", "int"),
        ("content_end", "int"),
        ("kind", "str"),
        ("speaker_text", "str"),
        ("speaker_start", "int"),
        ("speaker_end", "int"),
        ("speaker_entity", "str"),
        ("cue", "str"),
        ("cue_start", "int"),
        ("cue_end", "int"),
        ("hedges", "str"),
    ],
    "quantities": [
        ("claim", "str"),
        ("doc", "str"),
        ("start", "int"),
        ("end", "int"),
        ("text", "str"),
        ("value", "float"),
        ("low", "float"),
        ("high", "float"),
        ("approx", "bool"),
        ("about", "str"),
    ],
    "reuse": [
        ("id", "int"),
        ("a_doc", "str"),
        ("a_start", "int"),
        ("a_end", "int"),
        ("b_doc", "str"),
        ("b_start", "int"),
        ("b_end", "int"),
        ("kind", "str"),
        ("score", "float"),
        ("source", "str"),
    ],
    "stories": [
        ("id", "str"),
        ("label", "str"),
        ("first_seen", "str"),
        ("last_seen", "str"),
        ("documents", "int"),
    ],
    "story_documents": [("story", "str"), ("doc", "str")],
    "narratives": [
        ("id", "str"),
        ("label", "str"),
        ("first_seen", "str"),
        ("last_seen", "str"),
        ("documents", "int"),
        ("claims", "int"),
        ("rating", "str"),
    ],
    "narrative_claims": [("narrative", "str"), ("claim", "str")],
    "timeline": [("narrative", "str"), ("date", "str"), ("doc", "str"), ("outlet", "str")],
    "mutations": [
        ("narrative", "str"),
        ("slot", "str"),
        ("value", "str"),
        ("previous", "str"),
        ("doc", "str"),
        ("date", "str"),
    ],
    "stances": [
        ("narrative", "str"),
        ("doc", "str"),
        ("stance", "str"),
        ("evidence", "str"),
        ("evidence_count", "int"),
    ],
}
LIST_SEP = "; "


def _pair(span: Any) -> tuple[Any, Any]:
    return (span[0], span[1]) if isinstance(span, list | tuple) and len(span) == 2 else (None, None)


def _str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(export: dict[str, Any], table: str) -> Iterator[dict[str, Any]]:
    ratings = ratings_of(export)
    if table == "documents":
        for d in export.get("documents") or []:
            yield {
                **d,
                "credits": LIST_SEP.join(map(str, d.get("credits") or [])),
                "chars": len(d.get("text") or ""),
            }
    elif table == "entities":
        for e in export.get("entities") or []:
            yield {
                **e,
                "aliases": LIST_SEP.join(map(str, e.get("aliases") or [])),
                "mentions": len(e.get("mentions") or []),
            }
    elif table == "mentions":
        for e in export.get("entities") or []:
            for m in e.get("mentions") or []:
                yield {**m, "entity": e.get("id")}
    elif table == "claims":
        for c in export.get("claims") or []:
            sp = c.get("speaker") or {}
            cs, ce = _pair(c.get("content_span"))
            ss, se = _pair(sp.get("span"))
            us, ue = _pair(c.get("cue_span"))
            yield {
                **c,
                "content_start": cs,
                "content_end": ce,
                "speaker_text": sp.get("text"),
                "speaker_start": ss,
                "speaker_end": se,
                "speaker_entity": sp.get("entity"),
                "cue_start": us,
                "cue_end": ue,
                "hedges": LIST_SEP.join(map(str, c.get("hedges") or [])),
            }
    elif table == "quantities" and export.get("quantities"):  # every quantity, claim or not (store exports)
        for q in export.get("quantities") or []:
            yield dict(q)
    elif table == "quantities":
        for c in export.get("claims") or []:
            for q in c.get("quantities") or []:
                yield {**q, "claim": c.get("id"), "doc": c.get("doc")}
    elif table == "reuse":
        for i, r in enumerate(export.get("reuse") or []):
            a, b = r.get("a") or {}, r.get("b") or {}
            yield {
                "id": i,
                "a_doc": a.get("doc"),
                "a_start": a.get("start"),
                "a_end": a.get("end"),
                "b_doc": b.get("doc"),
                "b_start": b.get("start"),
                "b_end": b.get("end"),
                "kind": r.get("kind"),
                "score": r.get("score"),
                "source": r.get("source"),
            }
    elif table == "stories":
        for s in export.get("stories") or []:
            yield {**s, "documents": len(s.get("documents") or [])}
    elif table == "story_documents":
        for s in export.get("stories") or []:
            for d in s.get("documents") or []:
                yield {"story": s.get("id"), "doc": d}
    elif table == "narratives":
        for n in export.get("narratives") or []:
            yield {
                **n,
                "documents": len(n.get("documents") or []),
                "claims": len(n.get("claims") or []),
                "rating": (ratings.get(str(n.get("id"))) or {}).get("rating"),
            }
    else:
        key = {
            "narrative_claims": "claims",
            "timeline": "timeline",
            "mutations": "mutations",
            "stances": "stances",
        }[table]
        for n in export.get("narratives") or []:
            for item in n.get(key) or []:
                row = {"claim": item} if table == "narrative_claims" else dict(item)
                if table == "mutations":
                    row["value"], row["previous"] = _str(row.get("value")), _str(row.get("previous"))
                if table == "stances":
                    ev = row.get("evidence") or []
                    row["evidence"] = LIST_SEP.join(str(e.get("text", "")) for e in ev if isinstance(e, dict))
                    row["evidence_count"] = len(ev)
                yield {**row, "narrative": n.get("id")}


def _coerce(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None if kind != "str" or value is None else ""
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return bool(value)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, str) else str(value)


def table_rows(export: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every table as a list of rows holding exactly the schema's columns, values typed."""
    return {
        name: [{col: _coerce(row.get(col), kind) for col, kind in cols} for row in _rows(export, name)]
        for name, cols in SCHEMAS.items()
    }


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` made inert for spreadsheets: a text cell starting with = + - @ TAB or CR gets a ``'`` first.

    Plain numbers (``-3``, ``+1.5``) are left alone, since a spreadsheet reads them as numbers;
    everything else is written as it is. This is the OWASP recommendation that
    spreadsheet-safe exporters follow; ``--raw`` turns it off.

    >>> safe_cell("=cmd|' /C calc'!A0"), safe_cell("-5"), safe_cell("Talvex")
    ("'=cmd|' /C calc'!A0", '-5', 'Talvex')
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def _table_files(ext: str) -> list[str]:
    return [f"{name}.{ext}" for name in SCHEMAS]


def export_csv(export: dict[str, Any], out: str, *, raw: bool = False) -> None:
    """Write ``<out>/<table>.csv`` for every table (UTF-8, header row, empty cell for null).

    Text cells that a spreadsheet would run as a formula are neutralised (:func:`safe_cell`)
    unless ``raw``. The directory appears whole: it is built beside ``out`` and renamed into place.
    """
    from claimtrace.exports.atomic import atomic_dir

    with atomic_dir(out, owns=_table_files("csv")) as tmp:
        for name, rows in table_rows(export).items():
            with open(Path(tmp) / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=[c for c, _ in SCHEMAS[name]])
                writer.writeheader()
                for row in rows:
                    writer.writerow(row if raw else {k: safe_cell(v) for k, v in row.items()})


def export_jsonl(export: dict[str, Any], out: str) -> None:
    """Write ``<out>/<table>.jsonl`` for every table (one JSON object per line), renamed into place whole."""
    from claimtrace.exports.atomic import atomic_dir

    with atomic_dir(out, owns=_table_files("jsonl")) as tmp:
        for name, rows in table_rows(export).items():
            with open(Path(tmp) / f"{name}.jsonl", "w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def export_parquet(export: dict[str, Any], out: str) -> None:
    """Write ``<out>/<table>.parquet`` for every table with a fixed typed schema (needs pyarrow).

    The directory is built beside ``out`` and renamed into place whole.
    """
    from claimtrace.errors import require
    from claimtrace.exports.atomic import atomic_dir

    pa: Any = require("pyarrow", "report", "Parquet export")
    pq: Any = require("pyarrow.parquet", "report", "Parquet export")
    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    with atomic_dir(out, owns=_table_files("parquet")) as tmp:
        for name, rows in table_rows(export).items():
            schema = pa.schema([(c, types[k]) for c, k in SCHEMAS[name]])
            table = pa.Table.from_pylist(rows, schema=schema)
            pq.write_table(table, Path(tmp) / f"{name}.parquet")


# -- store-level writers for the exporter registry (``(store, out) -> None``) --------------------


def write_parquet(store: Store, out: str) -> None:
    """Export ``store`` as one Parquet file per table into the directory ``out``."""
    from claimtrace.exports.contract import build_export

    export_parquet(build_export(store), out)
