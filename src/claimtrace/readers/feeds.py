"""RSS and Atom feeds (feedparser): one document per item.

An item's text is its full content (``content:encoded``/Atom ``content``), else its
summary, converted from HTML to plain text and cleaned like any scraped text. When the item
links to a local file that exists (``file://`` URL or a path relative to the feed), that
file is read instead and the feed fills in what the file lacks (title, date, author).
Sources: the item's link, else ``<feed file>#<n>``. Needs the ``feeds`` extra.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any
from urllib.parse import unquote, urlparse

from claimtrace.errors import E005, E016, ReadError, require
from claimtrace.model import Document
from claimtrace.readers.dates import parse_date
from claimtrace.readers.html import fragment_text
from claimtrace.readers.options import ReadOptions
from claimtrace.readers.text import _to_document, parse_text

__all__ = ["read_feed"]


#: feedparser complaints that do not mean the items are damaged
_BENIGN = frozenset({"CharacterEncodingOverride", "NonXMLContentType"})


def _local_file(link: str, feed_path: str) -> str | None:
    if not link:
        return None
    parsed = urlparse(link)
    if parsed.scheme == "file":
        candidate = unquote(parsed.path)
    elif parsed.scheme or link.startswith("//"):
        return None
    else:
        candidate = link if os.path.isabs(link) else os.path.join(os.path.dirname(feed_path), link)
    return candidate if os.path.isfile(candidate) else None


def _item_text(entry: Any) -> str:
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip():
            return str(value)
    return str(entry.get("summary") or entry.get("description") or "")


def read_feed(data: bytes, *, path: str, source: str, options: ReadOptions) -> list[Document]:
    """Read an RSS/Atom feed into documents (one per item that has text)."""
    feedparser: Any = require("feedparser", "feeds", "reading RSS/Atom feeds")
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    version = parsed.get("version") or ""
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if exc is not None and (not entries or type(exc).__name__ not in _BENIGN):
        # all or nothing: items read from a broken feed may be cut short
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReadError(E005, path=path, detail=detail[:160])
    if not version and not entries:
        raise ReadError(E005, path=path, detail="no RSS or Atom feed found")
    if not entries:
        raise ReadError(E016, path=path)
    outlet = (parsed.get("feed") or {}).get("title") or None
    docs: list[Document] = []
    for n, entry in enumerate(entries, 1):
        docs.extend(_entry_documents(entry, n=n, path=path, source=source, outlet=outlet, options=options))
    return docs


def _entry_documents(
    entry: Any, *, n: int, path: str, source: str, outlet: str | None, options: ReadOptions
) -> list[Document]:
    link = str(entry.get("link") or "")
    title = fragment_text(str(entry.get("title") or "")).replace("\n", " ").strip() or None
    published = parse_date(entry.get("published_parsed") or entry.get("updated_parsed")) or parse_date(
        entry.get("published") or entry.get("updated")
    )
    author = str(entry.get("author") or "").strip() or None
    local = _local_file(link, path) if path != "<stdin>" else None
    if local is not None:
        from claimtrace.readers import read_path

        # the feed's title outranks the fallbacks: the caller's read_path applies those last
        inner = read_path(local, replace(options, outlet=None, outlet_from_dir=False))
        for doc in inner:
            doc.title = doc.title or title
            doc.published = doc.published or published
            doc.author = doc.author or author
            if not doc.outlet and outlet:
                doc.outlet = outlet
                doc.meta["outlet_from"] = "feed"
            doc.meta["feed"] = source
        return inner
    raw = _item_text(entry)
    body = fragment_text(raw) if "<" in raw else raw
    if not body.strip():
        return []
    parsed = parse_text(body, titles=False)
    if not parsed.text:
        return []
    parsed.title = title or parsed.title
    parsed.published = published or parsed.published
    parsed.author = author or parsed.author
    doc = _to_document(parsed, source=link or f"{source}#{n}", fmt="rss", language=options.detect_language)
    if outlet:
        doc.outlet = outlet
        doc.meta["outlet_from"] = "feed"
    doc.meta["feed"] = source
    if entry.get("id"):
        doc.meta["guid"] = str(entry.get("id"))
    return [doc]
