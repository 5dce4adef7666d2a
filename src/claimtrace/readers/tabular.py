"""JSON Lines (also a JSON array of objects) and CSV/TSV files: one document per record.

Fields are mapped by :class:`~claimtrace.readers.options.ReadOptions` (``text_field``,
``id_field``, ``date_field``, ``title_field``, ``outlet_field``, ``author_field``,
``url_field``). A record's source is ``<file>#<id>``: the ``id_field`` value, else its 1-based
record number. The text goes through the plain-text cleaner (so scraped text in a dataset
loses its byline and furniture too); when a title field is mapped, no title is guessed.

**Malformed lines** (bad JSON, not an object, a CSV row with the wrong number of cells) are
skipped, each reported as ``file:line: reason``
(:func:`~claimtrace.readers.options.report_problem`), and the other records are read; an
unterminated CSV quote swallows the rest of the file, so reading stops there (reported the
same way). A JSON array that does not parse fails as a whole. Records whose text is missing
or empty are skipped; a file where *no* record has the text field fails (E011) naming the
fields it does have.

**Grouping** (``ReadOptions.group_by``): records sharing the value of that field become one
document, their texts joined by blank lines in file order, the other fields taken from the
group's first record; the group's value is the document's record id. Records without the
field stay documents of their own.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from claimtrace.errors import E006, E010, E011, ReadError
from claimtrace.model import Document
from claimtrace.readers.dates import parse_date
from claimtrace.readers.normalize import decode_bytes
from claimtrace.readers.options import ReadOptions, report_problem
from claimtrace.readers.outlets import domain_outlet
from claimtrace.readers.text import _to_document, parse_text

__all__ = ["DEFAULT_FIELDS", "read_csv", "read_jsonl", "record_document", "table_rows"]

_META_SKIP_LEN = 500


def _text(data: bytes, path: str) -> str:
    return decode_bytes(data, path=path)


def read_jsonl(data: bytes, *, path: str, source: str, options: ReadOptions) -> list[Document]:
    """Read a JSONL file (or a JSON array / a single JSON object) into documents."""
    text = _text(data, path)
    stripped = text.lstrip()
    records: list[tuple[int, dict[str, Any]]] = []
    problems: list[tuple[int, str]] = []
    if stripped.startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReadError(E006, path=path, kind="JSON", line=exc.lineno, detail=exc.msg) from None
        if not isinstance(value, list):
            raise ReadError(E006, path=path, kind="JSON", line=1, detail="expected an array of objects")
        for n, item in enumerate(value, 1):
            if not isinstance(item, dict):
                raise ReadError(
                    E006, path=path, kind="JSON", line=n, detail=f"array item {n} is not an object"
                )
            records.append((n, item))
    else:
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append((lineno, f"malformed JSONL: {exc.msg}"))
                continue
            if not isinstance(item, dict):
                problems.append((lineno, f"expected a JSON object, got {type(item).__name__}"))
                continue
            records.append((lineno, item))
        _report(problems, records, path=path, kind="JSONL")
    return _documents(
        ((i + 1, rec) for i, (_, rec) in enumerate(records)),
        path=path,
        source=source,
        options=options,
        kind="JSONL",
    )


def _report(problems: list[tuple[int, str]], records: list[Any], *, path: str, kind: str) -> None:
    """Report skipped lines; a file where every line was malformed fails with the first one."""
    if problems and not records:
        line, reason = problems[0]
        detail = reason.removeprefix(f"malformed {kind}: ")
        raise ReadError(E006, path=path, kind=kind, line=line, detail=detail)
    for line, reason in problems:
        report_problem(path, line, reason)


def _sniff_dialect(sample: str, path: str) -> type[csv.Dialect] | csv.Dialect:
    if path.lower().endswith((".tsv", ".tsv.gz", ".tab")):
        return csv.excel_tab
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return csv.excel
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=best)
        dialect.doublequote = True
        return dialect
    except csv.Error:
        return csv.excel_tab if best == "\t" else type("_D", (csv.excel,), {"delimiter": best})


def table_rows(
    text: str, *, path: str, dialect: Any = None
) -> tuple[list[str], list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    """A CSV/TSV text's header, its rows as ``(line, {column: cell})`` and the lines it skipped.

    ``dialect`` defaults to one sniffed from the text (tab for ``.tsv``/``.tab`` paths). A row
    with the wrong number of cells is skipped with its reason; an unterminated quote stops the
    reading there (reported the same way). No header row raises E010.
    """
    dialect = dialect or _sniff_dialect(text[:8192], path)
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ReadError(E010, path=path, detail="no header row") from None
    except csv.Error as exc:
        raise ReadError(E006, path=path, kind="CSV", line=reader.line_num, detail=str(exc)) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[tuple[int, str]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((start, f"malformed CSV: {exc}; the rest of the file is not read"))
            break
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append((start, f"{len(row)} cells where the header has {len(header)}"))
            continue
        rows.append((start, dict(zip(header, row, strict=True))))
    return header, rows, problems


def read_csv(data: bytes, *, path: str, source: str, options: ReadOptions) -> list[Document]:
    """Read a CSV/TSV file with a header row into documents."""
    text = _text(data, path)
    csv.field_size_limit(max(options.max_bytes, 1 << 17))
    header, rows, problems = table_rows(text, path=path)
    if options.text_field not in header:
        raise ReadError(
            E011, path=path, field=options.text_field, kind="CSV", fields=", ".join(header[:12]) or "none"
        )
    _report(problems, rows, path=path, kind="CSV")
    numbered = [(n, rec) for n, (_, rec) in enumerate(rows, 1)]
    return _documents(iter(numbered), path=path, source=source, options=options, kind="CSV")


def _documents(
    records: Iterable[tuple[int, dict[str, Any]]], *, path: str, source: str, options: ReadOptions, kind: str
) -> list[Document]:
    docs: list[Document] = []
    seen_fields: list[str] = []
    any_text_field = False
    if options.group_by:
        records = _grouped(records, options)
    for number, rec in records:
        if options.text_field in rec:
            any_text_field = True
        elif len(seen_fields) < 12:
            seen_fields.extend(k for k in rec if k not in seen_fields)
        doc = record_document(rec, number=number, source=source, options=options, fmt=kind.lower())
        if doc is not None:
            docs.append(doc)
    if not any_text_field:
        if not seen_fields:
            raise ReadError(E010, path=path, detail=f"no records in the {kind} file")
        raise ReadError(
            E011, path=path, field=options.text_field, kind=kind, fields=", ".join(seen_fields[:12])
        )
    return docs


def _grouped(
    records: Iterable[tuple[int, dict[str, Any]]], options: ReadOptions
) -> list[tuple[int, dict[str, Any]]]:
    """Join the records that share ``options.group_by``'s value (see the module docstring)."""
    key_field = options.group_by or ""
    groups: dict[str, tuple[int, dict[str, Any], list[str]]] = {}
    out: list[tuple[int, dict[str, Any]]] = []
    for number, rec in records:
        key = _str(rec.get(key_field))
        body = rec.get(options.text_field)
        if key is None:
            out.append((number, rec))
            continue
        if key not in groups:
            merged = dict(rec)
            merged[options.id_field or "id"] = key
            groups[key] = (number, merged, [])
            out.append((number, merged))
        if isinstance(body, str) and body.strip():
            groups[key][2].append(body.strip())
    for _, merged, texts in groups.values():
        merged[options.text_field] = "\n\n".join(texts)
    return out


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


#: fields used when the matching option is not set (a column named like the document field)
DEFAULT_FIELDS = {
    "id": ("id",),
    "title": ("title",),
    "date": ("published", "date"),
    "author": ("author",),
    "outlet": ("outlet", "publisher", "site_name", "source_name"),
    "url": ("url",),
}


def _value(rec: dict[str, Any], option: str | None, role: str) -> Any:
    if option:
        return rec.get(option)
    for name in DEFAULT_FIELDS[role]:
        if name in rec:
            return rec[name]
    return None


def record_document(
    rec: dict[str, Any], *, number: int, source: str, options: ReadOptions, fmt: str = "jsonl"
) -> Document | None:
    """One record -> a document (None when its text is missing or empty).

    A field option left unset falls back to a column named like the document field
    (``id``, ``title``, ``published`` or ``date``, ``author``, ``outlet`` (or ``publisher``,
    ``site_name``, ``source_name``), ``url``). Without an outlet field the outlet is the URL's
    registered domain, else what the text's own header says.
    """
    body = rec.get(options.text_field)
    if not isinstance(body, str) or not body.strip():
        return None
    rid = _str(_value(rec, options.id_field, "id")) or str(number)
    title = _str(_value(rec, options.title_field, "title"))
    if title:
        first, _, rest = body.lstrip().partition("\n")
        if re.sub(r"\W+", "", first).lower() == re.sub(r"\W+", "", title).lower() and rest.strip():
            body = rest
    parsed = parse_text(body, titles=title is None)
    if not parsed.text:
        return None
    if title:
        parsed.title = title
    parsed.published = parse_date(_value(rec, options.date_field, "date")) or parsed.published
    parsed.author = _str(_value(rec, options.author_field, "author")) or parsed.author
    doc = _to_document(parsed, source=f"{source}#{rid}", fmt=fmt, language=options.detect_language)
    outlet = _str(_value(rec, options.outlet_field, "outlet"))
    if outlet:
        doc.outlet = outlet
        doc.meta["outlet_from"] = "field"
    url = _str(_value(rec, options.url_field, "url"))
    if url:
        doc.meta["url"] = url
        domain = None if doc.outlet and doc.meta.get("outlet_from") != "url" else domain_outlet(url)
        if domain:
            doc.outlet = domain
            doc.meta["outlet_from"] = "url"
    doc.meta["record"] = rid
    fields = {
        k: v
        for k, v in rec.items()
        if k != options.text_field
        and isinstance(v, str | int | float | bool)
        and not (isinstance(v, str) and len(v) > _META_SKIP_LEN)
    }
    if fields:
        doc.meta["fields"] = fields
    return doc
