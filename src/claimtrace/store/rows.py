"""Row helpers shared by the SQL backends: JSON columns, ids, placeholders, record <-> row."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from claimtrace.model import Claim, DocAnalysis, Document

#: Rows fetched per page when streaming documents and analyses.
PAGE = 500
#: The document columns that hold a Document's fields, in :func:`document_row` order.
DOC_COLS = (
    "id, source, title, subtitle, published, author, outlet, credits, language, captions, meta, text, layers"
)


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def dump(value: Any) -> str:
    """Compact JSON for a JSON column."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def load(value: Any) -> Any:
    """Parse a JSON column value (already-parsed values pass through)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def text_hash(text: str) -> str:
    """The hash that finds documents with identical text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def claim_id(doc_id: str, claim: Claim) -> str:
    """A claim's id: its own, or ``<doc id>:<start>-<end>``."""
    return claim.id or f"{doc_id}:{claim.start}-{claim.end}"


def chunks(items: Sequence[str], size: int = PAGE) -> Iterator[Sequence[str]]:
    """``items`` in slices of ``size`` (for ``IN (...)`` lists)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def marks(n: int) -> str:
    """``n`` comma-separated ``?`` placeholders."""
    return ", ".join("?" * n)


def insert_sql(table: str, columns: str, suffix: str = "") -> str:
    """``INSERT INTO table (columns) VALUES (?, ...) suffix``."""
    return f"INSERT INTO {table} ({columns}) VALUES ({marks(columns.count(',') + 1)}) {suffix}".rstrip()


def document_row(doc: Document) -> tuple[Any, ...]:
    """A document's values in ``DOC_COLS`` order, JSON columns dumped."""
    layers = {name: [span.to_dict() for span in spans] for name, spans in doc.layers.items()}
    return (
        doc.id,
        doc.source,
        doc.title,
        doc.subtitle,
        doc.published,
        doc.author,
        doc.outlet,
        dump(doc.credits),
        doc.language,
        dump(doc.captions),
        dump(doc.meta),
        doc.text,
        dump(layers),
    )


def row_to_document(row: Sequence[Any]) -> Document:
    """A :class:`Document` from a row of ``DOC_COLS``."""
    names = DOC_COLS.split(", ")
    data = dict(zip(names, row, strict=True))
    for key in ("credits", "captions", "meta", "layers"):
        data[key] = load(data[key])
    return Document.from_dict(data)


def quantity_rows(an: DocAnalysis) -> list[tuple[Any, ...]]:
    """Document-level quantities, each tied to the claim that carries it; then claim-only ones."""
    owner: dict[tuple[int, int], str] = {}
    extra: list[tuple[str, Any]] = []
    doc_spans = {(q.start, q.end) for q in an.quantities}
    for c in an.claims:
        for q in c.quantities:
            owner.setdefault((q.start, q.end), claim_id(an.doc_id, c))
            if (q.start, q.end) not in doc_spans:
                extra.append((claim_id(an.doc_id, c), q))
    pairs = [(owner.get((q.start, q.end)), q) for q in an.quantities] + extra
    return [
        (
            an.doc_id,
            cid,
            q.start,
            q.end,
            q.text,
            float(q.value),
            None if q.low is None else float(q.low),
            None if q.high is None else float(q.high),
            int(bool(q.approx)),
            q.about,
        )
        for cid, q in pairs
    ]


def first_str(item: dict[str, Any], *keys: str) -> str | None:
    """The first of ``keys`` whose value is a non-empty string."""
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value:
            return value
    return None
