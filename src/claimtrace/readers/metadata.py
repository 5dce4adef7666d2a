"""Metadata as users have it: sidecar files, dates and outlets in paths and URLs, gap warnings.

Articles often carry no header, while the collection around them says where and when they
were published. After a reader has done its work, :func:`fill_metadata` adds, for each
document and without overriding what the document itself said (except for the sidecar, which
the user wrote on purpose):

1. **sidecar** (``ReadOptions.metadata``, a CSV/TSV or JSONL file; :func:`load_sidecar`): one
   row per document, keyed by ``source`` / ``path`` / ``file`` / ``filename`` / ``id`` (an
   absolute or relative path, a file name, a file name without extension, or a record id),
   with any of ``outlet``, ``date`` (or ``published``), ``url``, ``title``, ``author``,
   ``language``. Its values win; a sidecar URL also gives the outlet (the URL's domain)
   and the date (see 2) when the row names none;
2. **the URL** (``meta["url"]``): a date in its path (``/2016/09/12/``, ``/2016-09-12/``) and,
   for a document without an outlet, the URL's registered domain;
3. **the file's path**: a date in the file name (``site_2016-09-12_title.txt``,
   ``2016_09_12-title.html``) or in dated folders (``2016/09/12/title.txt``); an outlet
   from a file-name prefix before that date (``guardian_2016-09-12_title.txt`` ->
   ``guardian``) or from a folder named like a domain (``bbc.co.uk/title.txt``).

``meta["date_from"]`` and ``meta["outlet_from"]`` say which source gave the value
(``sidecar``, ``url``, ``filename``, ``path``). :func:`gap_warning` is the line
``claimtrace ingest`` and the report print when more than a fifth of the documents lack a
date or an outlet, naming the options that fix it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from claimtrace.errors import E006, E007, E010, ReadError
from claimtrace.model import Document
from claimtrace.readers.dates import parse_date
from claimtrace.readers.outlets import domain_outlet

__all__ = [
    "Sidecar",
    "fill_metadata",
    "gap_warning",
    "load_sidecar",
    "path_date",
    "path_outlet",
    "sidecar_for",
    "url_date",
]

_KEYS = ("source", "path", "file", "filename", "id", "doc", "document")
_ROLES: dict[str, tuple[str, ...]] = {
    "outlet": ("outlet", "publisher", "site_name", "source_name", "site"),
    "date": ("date", "published", "publication_date", "pub_date"),
    "url": ("url", "link"),
    "title": ("title",),
    "author": ("author", "authors"),
    "language": ("language", "lang"),
}
#: a calendar date with separators, not inside a longer run of digits
_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)([-_.])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?!\d)")
_DATE_DIRS = re.compile(r"(?:^|/)((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$)")
_PREFIX = re.compile(r"^([A-Za-z][\w.&'-]{1,59}?)[ _-]+$")
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,12}$", re.IGNORECASE)
#: file-name prefixes that are not outlets
_NOT_OUTLETS = frozenset(
    {"article", "doc", "document", "story", "post", "page", "news", "text", "file", "item"}
)
_EXTENSIONS = re.compile(r"(?:\.[A-Za-z0-9]{1,5}){1,2}$")


@dataclass
class Sidecar:
    """Rows of a metadata sidecar, keyed by the ways a document can be named."""

    path: str
    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    def lookup(self, doc: Document) -> dict[str, str] | None:
        """The row for ``doc``: by its source, its record id, its file's path, name or stem."""
        source = doc.source
        file_part, _, record = source.partition("#")
        candidates = [source, record, file_part]
        if file_part:
            base = os.path.basename(file_part)
            candidates += [base, _EXTENSIONS.sub("", base)]
            candidates += [os.path.relpath(file_part, os.path.dirname(os.path.abspath(self.path)))]
        url = doc.meta.get("url")
        if isinstance(url, str):
            candidates.append(url)
        for key in candidates:
            if key and key in self.rows:
                return self.rows[key]
        return None


def load_sidecar(path: str) -> Sidecar:
    """Read a metadata sidecar (CSV, TSV or JSONL; see the module docstring).

    Raises :class:`~claimtrace.errors.ReadError` (one line) for a missing file, a malformed
    line or a file without a key column.
    """
    if not os.path.isfile(path):
        raise ReadError(E007, path=path)
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        raw = fh.read()
    records: list[tuple[int, dict[str, Any]]] = []
    if raw.lstrip().startswith(("{", "[")):
        for n, line in enumerate(raw.split("\n"), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ReadError(E006, path=path, kind="JSONL", line=n, detail=exc.msg) from None
            if isinstance(item, dict):
                records.append((n, item))
    else:
        first = raw.split("\n", 1)[0]
        delimiter = "\t" if path.lower().endswith((".tsv", ".tab")) else max(",;\t|", key=first.count)
        reader = csv.DictReader(io.StringIO(raw, newline=""), delimiter=delimiter)
        try:
            records = [(reader.line_num, dict(row)) for row in reader]
        except csv.Error as exc:
            raise ReadError(E006, path=path, kind="CSV", line=reader.line_num, detail=str(exc)) from None
    sidecar = Sidecar(path=path)
    for _, rec in records:
        folded = {str(k).strip().lower(): v for k, v in rec.items() if k is not None}
        key = next((_text(folded.get(k)) for k in _KEYS if _text(folded.get(k))), None)
        if key is None:
            continue
        row = {}
        for role, names in _ROLES.items():
            value = next((_text(folded.get(n)) for n in names if _text(folded.get(n))), None)
            if value:
                row[role] = value
        sidecar.rows[key] = row
        if os.sep in key or "/" in key:
            sidecar.rows.setdefault(os.path.normpath(os.path.join(os.path.dirname(path), key)), row)
    if not sidecar.rows:
        raise ReadError(E010, path=path, detail=f"no rows with a key column ({', '.join(_KEYS)})")
    return sidecar


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def url_date(url: str) -> str | None:
    """A date in a URL's path (``/2016/09/12/``, ``/2016-09-12-title``), or None."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return None
    return _date_in(path)


def _date_in(path: str) -> str | None:
    m = _DATE_DIRS.search(path)
    if m:
        return parse_date(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
    m = _DATE.search(path)
    if m:
        return parse_date(f"{m.group(1)}-{int(m.group(3)):02d}-{int(m.group(4)):02d}")
    return None


def path_date(path: str) -> str | None:
    """A date in a file's name, else in its dated folders (``2016/09/12/``), or None."""
    norm = path.replace(os.sep, "/")
    name = norm.rsplit("/", 1)[-1]
    return _date_in(name) or _date_in(norm.rsplit("/", 1)[0] + "/" if "/" in norm else "")


def path_outlet(path: str) -> str | None:
    """An outlet named by the path: a file-name prefix before a date, or a folder named like a domain."""
    norm = path.replace(os.sep, "/")
    name = norm.rsplit("/", 1)[-1]
    m = _DATE.search(name)
    if m and m.start() > 0:
        prefix = _PREFIX.match(name[: m.start()])
        if prefix and prefix.group(1).lower() not in _NOT_OUTLETS:
            return prefix.group(1)
    for part in reversed(norm.split("/")[:-1]):
        if _DOMAIN.match(part):
            return domain_outlet(part)
    return None


_SIDECARS: dict[tuple[str, int], Sidecar] = {}


def sidecar_for(path: str | None) -> Sidecar | None:
    """The sidecar at ``path`` (read once per process while the file is unchanged)."""
    if not path:
        return None
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        raise ReadError(E007, path=path) from None
    key = (os.path.abspath(path), stamp)
    if key not in _SIDECARS:
        _SIDECARS.clear()
        _SIDECARS[key] = load_sidecar(path)
    return _SIDECARS[key]


def fill_metadata(
    docs: list[Document], *, path: str | None, sidecar: Sidecar | None = None, path_outlets: bool = True
) -> None:
    """Add what the sidecar, the URL and the file's path say (see the module docstring), in place.

    ``path`` is the file the documents came from (None for stdin); its name and folders only
    count for documents that are the whole file (not records of a JSONL/CSV file, a feed or a
    WARC). ``path_outlets=False`` leaves outlets named by the path out (the caller has an
    explicit fallback).
    """
    whole = os.path.abspath(path) if path is not None else None
    for doc in docs:
        row = sidecar.lookup(doc) if sidecar is not None else None
        if row:
            _apply_sidecar(doc, row)
        url = doc.meta.get("url")
        if isinstance(url, str):
            if not doc.published and (found := url_date(url)):
                doc.published, doc.meta["date_from"] = found, "url"
            if not doc.outlet and (domain := domain_outlet(url)):
                doc.outlet, doc.meta["outlet_from"] = domain, "url"
        if path is None or doc.source != whole:
            continue
        if not doc.published and (found := path_date(path)):
            doc.published, doc.meta["date_from"] = found, "filename"
        if path_outlets and not doc.outlet and (name := path_outlet(path)):
            doc.outlet, doc.meta["outlet_from"] = name, "path"


def _apply_sidecar(doc: Document, row: dict[str, str]) -> None:
    if row.get("url"):
        doc.meta["url"] = row["url"]
    if row.get("outlet"):
        doc.outlet, doc.meta["outlet_from"] = row["outlet"], "sidecar"
    date = parse_date(row.get("date")) if row.get("date") else None
    if date:
        doc.published, doc.meta["date_from"] = date, "sidecar"
    if row.get("title"):
        doc.title = row["title"]
    if row.get("author"):
        doc.author = row["author"]
    if row.get("language"):
        doc.language = row["language"].lower()


def gap_warning(total: int, undated: int, no_outlet: int) -> str | None:
    """One warning line when more than a fifth of ``total`` documents lack a date or an outlet."""
    if total <= 0:
        return None
    parts = []
    if undated * 5 > total:
        parts.append(f"{undated} of {total} documents have no date")
    if no_outlet * 5 > total:
        parts.append(f"{no_outlet} of {total} have no outlet")
    if not parts:
        return None
    return (
        "warning: " + " and ".join(parts) + "; give them with --metadata FILE.csv (columns source, outlet, "
        "date, url...), dates in file names (site_2016-09-12_title.txt), --outlet-from-dir or --outlet NAME"
    )
