"""Import fact-checks as reference claims: ClaimReview JSON-LD and fact-check CSV files.

Both return reference claims ``{"id", "text", "rating", "url", "publisher", "date", "source"}``
(plus ``claimant`` and ``appearances`` when known) that the store keeps with
``store.add_reference_claims(list)`` and claim matching compares new claims against.
Errors are one line: ``<path>: malformed JSON-LD at line 3: ...``.

>>> import json, tempfile, os
>>> review = {"@type": "ClaimReview", "claimReviewed": "The moon is cheese",
...           "reviewRating": {"@type": "Rating", "alternateName": "False"}}
>>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
...     _ = fh.write(json.dumps(review))
>>> [(c["text"], c["rating"]) for c in import_claimreview(fh.name)]
[('The moon is cheese', 'False')]
>>> os.unlink(fh.name)
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from claimtrace.errors import E001, E006, E007, E060, E061, ClaimtraceError, ReadError


def reference_key(text: str, url: str | None, publisher: str | None) -> str:
    """The id of a fact-check that has none of its own: a hash of its claim text, url and publisher.

    The one definition (:func:`claimtrace.search.sync.reference_id` falls back to it too).
    """
    key = "\x00".join((text.strip().lower(), url or "", publisher or ""))
    return "ref-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def reference_claim(
    text: str,
    *,
    rating: str | None,
    url: str | None,
    publisher: str | None,
    date: str | None,
    source: str,
    **extra: Any,
) -> dict[str, Any]:
    """One reference claim record with a stable id (same text, url and publisher: same id)."""
    rec = {
        "id": reference_key(text, url, publisher),
        "text": text.strip(),
        "rating": rating,
        "url": url,
        "publisher": publisher,
        "date": date,
        "source": source,
    }
    rec.update({k: v for k, v in extra.items() if v not in (None, [], "")})
    return rec


# -- ClaimReview JSON-LD -------------------------------------------------------------------------


class _LdScripts(HTMLParser):
    """Collects the text of ``<script type="application/ld+json">`` blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and any(
            k == "type" and (v or "").strip().lower() == "application/ld+json" for k, v in attrs
        ):
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if v}


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview object anywhere in a JSON-LD value (objects, lists, @graph, nesting)."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        if "ClaimReview" in _types(node):
            yield node
            return
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _walk(value)


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id") or value.get("url")
    return str(value).strip() if value else None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return str(value).strip() if value not in (None, "") else None


def _review_record(review: dict[str, Any], source: str) -> dict[str, Any] | None:
    text = _text(review.get("claimReviewed"))
    raw_item = review.get("itemReviewed")
    item: dict[str, Any] = raw_item if isinstance(raw_item, dict) else {}
    text = text or _text(item.get("name")) or _text(item.get("text"))
    if not text:
        return None
    rating = review.get("reviewRating")
    if isinstance(rating, list):
        rating = rating[0] if rating else None
    verdict = None
    if isinstance(rating, dict):
        verdict = _text(rating.get("alternateName")) or _text(rating.get("name"))
        if verdict is None and rating.get("ratingValue") is not None:
            verdict = f"{rating.get('ratingValue')}/{rating.get('bestRating', '?')}"
    elif rating:
        verdict = _text(rating)
    appearances = item.get("appearance") or item.get("firstAppearance") or []
    urls = [
        u
        for u in (
            _name(a) if not isinstance(a, dict) else (a.get("url") or a.get("@id"))
            for a in (appearances if isinstance(appearances, list) else [appearances])
        )
        if u
    ]
    date = _text(review.get("datePublished")) or _text(item.get("datePublished"))
    return reference_claim(
        text,
        rating=verdict,
        url=_text(review.get("url")) or _text(review.get("@id")),
        publisher=_name(review.get("author")) or _name(review.get("publisher")),
        date=date[:10] if date else None,
        source=source,
        claimant=_name(item.get("author")),
        appearances=[str(u) for u in urls],
    )


def import_claimreview(path: str | Path) -> list[dict[str, Any]]:
    """Reference claims from a ClaimReview JSON-LD file (one object, a list or a ``@graph``),
    or from the ``application/ld+json`` script blocks of an HTML page."""
    p = Path(path)
    raw = _read(p)
    blocks: list[tuple[str, str]]
    if raw.lstrip()[:1] in ("{", "["):
        blocks = [("JSON-LD", raw)]
    elif "<" in raw[:2000]:
        parser = _LdScripts()
        parser.feed(raw)
        blocks = [("JSON-LD script in HTML", b) for b in parser.blocks]
    else:
        blocks = [("JSON-LD", raw)]
    found: list[dict[str, Any]] = []
    for kind, block in blocks:
        try:
            data = json.loads(block)
        except json.JSONDecodeError as exc:
            raise ReadError(E006, path=str(p), kind=kind, line=exc.lineno, detail=exc.msg) from None
        for review in _walk(data):
            rec = _review_record(review, str(p))
            if rec:
                found.append(rec)
    if not found:
        raise ReadError(E061, path=str(p))
    return list({r["id"]: r for r in found}.values())


# -- fact-check CSV ------------------------------------------------------------------------------


def import_factcheck_csv(
    path: str | Path,
    *,
    claim_field: str = "claim",
    rating_field: str = "rating",
    url_field: str = "url",
    publisher_field: str | None = "publisher",
    date_field: str | None = "date",
    id_field: str | None = None,
    publisher: str | None = None,
    delimiter: str | None = None,
) -> list[dict[str, Any]]:
    """Reference claims from a CSV (or TSV) of fact-checks, one per row with a non-empty claim.

    ``claim_field``, ``rating_field`` and ``url_field`` must be columns of the header; the
    optional ``publisher_field``/``date_field`` are used when present, and ``publisher`` names
    the fact-checker for files without such a column. The delimiter is sniffed unless given.
    """
    p = Path(path)
    raw = _read(p)
    if delimiter is None:
        first = raw.splitlines()[0] if raw.strip() else ""
        delimiter = max((",", ";", "\t", "|"), key=first.count)
    reader = csv.reader(raw.splitlines(keepends=True), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except (csv.Error, StopIteration) as exc:
        raise ReadError(E006, path=str(p), kind="CSV", line=1, detail=str(exc) or "no header") from None
    cols = {h.lower(): i for i, h in enumerate(header)}
    for field, option in (
        (claim_field, "claim_field="),
        (rating_field, "rating_field="),
        (url_field, "url_field="),
    ):
        if field.lower() not in cols:
            raise ClaimtraceError(
                E060, path=str(p), field=field, columns=", ".join(header) or "none", option=option
            )

    def get(row: list[str], field: str | None) -> str | None:
        i = cols.get(field.lower()) if field else None
        value = row[i].strip() if i is not None and i < len(row) else ""
        return value or None

    out: list[dict[str, Any]] = []
    try:
        for row in reader:
            if len(row) > len(header):
                raise ReadError(
                    E006,
                    path=str(p),
                    kind="CSV",
                    line=reader.line_num,
                    detail=f"{len(row)} fields, header has {len(header)}",
                )
            text = get(row, claim_field)
            if not text:
                continue
            rec = reference_claim(
                text,
                rating=get(row, rating_field),
                url=get(row, url_field),
                publisher=get(row, publisher_field) or publisher,
                date=_iso_date(get(row, date_field)),
                source=str(p),
            )
            if id_field and get(row, id_field):
                rec["id"] = str(get(row, id_field))
            out.append(rec)
    except csv.Error as exc:
        raise ReadError(E006, path=str(p), kind="CSV", line=reader.line_num, detail=str(exc)) from None
    return out


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"(\d{4}-\d{2}-\d{2})", value)
    return m.group(1) if m else value


def _read(p: Path) -> str:
    if not p.is_file():
        raise ReadError(E007, path=str(p))
    data = p.read_bytes()
    if not data.strip():
        raise ReadError(E001, path=str(p))
    return data.decode("utf-8-sig", errors="replace")


# -- any fact-check archive (``claimtrace factchecks import``) ----------------------------------

#: column/field names tried for each role when no mapping names one (compared case-insensitively)
ARCHIVE_FIELDS: dict[str, tuple[str, ...]] = {
    "claim": ("claim", "vclaim", "claimreviewed", "claim_reviewed", "statement", "text"),
    "id": ("id", "vclaim_id", "claim_id", ""),
    "title": ("title", "headline"),
    "subtitle": ("subtitle", "description"),
    "rating": ("rating", "verdict", "truth_label", "textualrating", "label"),
    "url": ("url", "link", "review_url"),
    "publisher": ("publisher", "fact_checker", "site"),
    "date": ("date", "published", "datepublished", "review_date"),
    "claimant": ("claimant", "speaker"),
    "author": ("author",),
}


def import_factchecks(
    path: str | Path,
    *,
    fields: dict[str, str] | None = None,
    publisher: str | None = None,
    problems: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Reference claims from any fact-check archive file.

    ClaimReview JSON-LD (a ``.json`` object, list or ``@graph``; an HTML page's script
    blocks) goes through :func:`import_claimreview`. Other JSON, JSON Lines, CSV and TSV files
    hold one fact-check per record; ``fields`` maps roles (``claim``, ``id``, ``title``,
    ``subtitle``, ``rating``, ``url``, ``publisher``, ``date``, ``claimant``, ``author``) to field names,
    and an unmapped role uses the first field named as in :data:`ARCHIVE_FIELDS`. A record's
    ``id`` field (else a hash of its text, url and publisher) is its identity: importing it
    again updates it. Malformed lines are skipped; each adds ``file:line: reason`` to
    ``problems`` (when given).
    """
    p = Path(path)
    raw = _read(p)
    source = str(p.resolve())
    head = raw.lstrip()[:1]
    records: list[tuple[int, dict[str, Any]]]
    if head == "<" or (head in ("{", "[") and ("ClaimReview" in raw)):
        found = import_claimreview(p)
        for rec in found:
            rec["source"] = source
        return found
    records = _json_records(raw, p, problems) if head in ("{", "[") else _table_records(raw, p, problems)
    if not records:
        raise ReadError(E006, path=str(p), kind="archive", line=1, detail="no fact-check records")
    names = {k.lower().strip(): k for _, rec in records[:50] for k in rec}
    chosen: dict[str, str | None] = {}
    for role, candidates in ARCHIVE_FIELDS.items():
        given = (fields or {}).get(role)
        if given is not None and given.lower() not in names:
            raise ClaimtraceError(
                E060,
                path=str(p),
                field=given,
                columns=", ".join(names.values()) or "none",
                option=f"--field {role}=NAME",
            )
        chosen[role] = (
            names.get(given.lower()) if given else next((names[c] for c in candidates if c in names), None)
        )
    if chosen["claim"] is None:
        raise ClaimtraceError(
            E060,
            path=str(p),
            field="claim",
            columns=", ".join(names.values()) or "none",
            option="--field claim=NAME",
        )
    out = []
    for _, rec in records:
        rec_id, fc = _archive_claim(rec, chosen, source=source, publisher=publisher)
        if fc is not None:
            if rec_id:
                fc["id"] = rec_id
            out.append(fc)
    return list({r["id"]: r for r in out}.values())


def _get(rec: dict[str, Any], name: str | None) -> str | None:
    value = rec.get(name) if name is not None else None
    if value is None or isinstance(value, dict | list):
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _archive_claim(
    rec: dict[str, Any], chosen: dict[str, str | None], *, source: str, publisher: str | None
) -> tuple[str | None, dict[str, Any] | None]:
    text = _get(rec, chosen["claim"])
    if not text:
        return None, None
    rid = _get(rec, chosen["id"])
    fc = reference_claim(
        text,
        rating=_get(rec, chosen["rating"]),
        url=_get(rec, chosen["url"]),
        publisher=_get(rec, chosen["publisher"]) or publisher,
        date=_archive_date(_get(rec, chosen["date"])),
        source=source,
        title=_get(rec, chosen["title"]),
        subtitle=_get(rec, chosen["subtitle"]),
        claimant=_get(rec, chosen["claimant"]),
        author=_get(rec, chosen["author"]),
    )
    return (rid.replace("\n", " ") if rid else None), fc


def _archive_date(value: str | None) -> str | None:
    if not value:
        return None
    from claimtrace.readers.dates import parse_date

    return parse_date(value) or value


def _note(problems: list[str] | None, path: Path, line: int, reason: str) -> None:
    if problems is not None:
        problems.append(f"{path}:{line}: {reason}")


def _json_records(raw: str, p: Path, problems: list[str] | None) -> list[tuple[int, dict[str, Any]]]:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = None
    if isinstance(value, dict):
        return [(1, value)]
    if isinstance(value, list):
        return [(n, v) for n, v in enumerate(value, 1) if isinstance(v, dict)]
    out: list[tuple[int, dict[str, Any]]] = []
    for lineno, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            _note(problems, p, lineno, f"malformed JSON: {exc.msg}")
            continue
        if not isinstance(item, dict):
            _note(problems, p, lineno, f"expected a JSON object, got {type(item).__name__}")
            continue
        out.append((lineno, item))
    return out


def _table_records(raw: str, p: Path, problems: list[str] | None) -> list[tuple[int, dict[str, Any]]]:
    from claimtrace.readers.tabular import table_rows

    first = raw.split("\n", 1)[0]
    tsv = p.name.lower().endswith((".tsv", ".tsv.gz", ".tab"))
    delimiter = "\t" if tsv else max((",", ";", "\t", "|"), key=first.count)
    dialect = type("_Archive", (csv.excel,), {"delimiter": delimiter})
    _, rows, skipped = table_rows(raw, path=str(p), dialect=dialect)
    for line, reason in skipped:
        _note(problems, p, line, reason)
    return rows
