"""HTML pages: trafilatura for the article body and metadata, htmldate for the date.

The extracted body then goes through the plain-text cleaner (bylines at the top, captions,
sign-offs and furniture at the tail) without title detection, since the page's markup
already said what the title is. Figure captions (``<figcaption>``) are collected as
captions. Needs the ``html`` extra.
"""

from __future__ import annotations

import copy
import html as _html
import re
from typing import Any

from claimtrace.errors import E010, ReadError, require
from claimtrace.model import Document
from claimtrace.readers.dates import parse_date
from claimtrace.readers.options import ReadOptions
from claimtrace.readers.text import _to_document, parse_text

__all__ = ["fragment_text", "html_document", "read_html"]

_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_END = re.compile(
    r"<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr|/section|/article|/figure|/pre|hr)\b[^>]*>", re.IGNORECASE
)
_DROP = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

#: shorter extracted bodies are navigation leftovers, not articles
MIN_BODY_CHARS = 30

_DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed summaries, captions): block ends become line breaks."""
    s = _COMMENT.sub("", fragment)
    s = _DROP.sub("", s)
    s = _BLOCK_END.sub("\n\n", s)
    s = _html.unescape(_TAG.sub("", s))
    s = re.sub(r"[ \t\u00a0]+", " ", s)
    s = re.sub(r" *\n *", "\n", s)
    return re.sub(r"\n{3,}", "\n\n", s).strip()


def _trafilatura() -> Any:
    return require("trafilatura", "html", "reading HTML")


_base_options: Any = None


def _options(url: str | None) -> Any:
    """trafilatura's extraction options, built once (building them parses its config each time).

    Fast mode (no fallback extractors), favouring precision, no comments, tables kept, no
    deduplication, metadata on; htmldate without its extensive search (trafilatura hands it
    the tree it parsed, so each page is parsed once).
    """
    global _base_options
    if _base_options is None:
        _trafilatura()
        from trafilatura.settings import Extractor

        _base_options = Extractor(
            output_format="python",
            fast=True,
            precision=True,
            comments=False,
            tables=True,
            dedup=False,
            with_metadata=True,
            date_params=dict(_DATE_PARAMS),
        )
    opts = copy.copy(_base_options)
    opts.url = url
    opts.source = url
    return opts


def html_document(
    page: bytes | str,
    *,
    source: str,
    path: str | None = None,
    url: str | None = None,
    language: bool = True,
    fmt: str = "html",
) -> Document | None:
    """A :class:`Document` from an HTML page, or None when no article text is found."""
    traf = _trafilatura()
    result = traf.bare_extraction(page, options=_options(url))
    if result is None:
        return None
    body = getattr(result, "text", None) or ""
    if not body.strip():
        return None
    title = _clean(getattr(result, "title", None))
    body = _drop_title_line(body, title)
    parsed = parse_text(body, header=True, titles=False)
    if len(parsed.text) < MIN_BODY_CHARS:
        return None  # a menu or a cookie notice, not an article
    raw = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    for m in _FIGCAPTION.finditer(raw):
        cap = fragment_text(m.group(1)).replace("\n", " ").strip()
        if cap and cap not in parsed.captions:
            parsed.captions.append(cap)
    if title:
        parsed.title = title
    parsed.subtitle = parsed.subtitle or _clean(getattr(result, "description", None))
    parsed.published = parse_date(getattr(result, "date", None)) or parsed.published
    author = _clean(getattr(result, "author", None))
    if author:
        parsed.author = author
    doc = _to_document(parsed, source=source, fmt=fmt, language=language)
    sitename = _clean(getattr(result, "sitename", None))
    if sitename:
        doc.outlet = sitename
        doc.meta["outlet_from"] = "markup"
    page_url = getattr(result, "url", None) or url
    if page_url:
        doc.meta["url"] = page_url
    if getattr(result, "language", None):
        doc.meta["declared_language"] = result.language
    return doc


def _fold(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _drop_title_line(body: str, title: str | None) -> str:
    """trafilatura keeps the page's ``<h1>`` as the first line: it is the title, not body."""
    if not title:
        return body
    stripped = body.lstrip()
    first, _, rest = stripped.partition("\n")
    if first.strip() and _fold(first) == _fold(title) and rest.strip():
        return rest
    return body


def _clean(value: object) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()
    return text or None


def read_html(data: bytes, *, path: str, source: str, options: ReadOptions) -> list[Document]:
    """Read one HTML file (bytes; trafilatura decodes them) into one document."""
    doc = html_document(data, source=source, path=path, language=options.detect_language)
    if doc is None:
        raise ReadError(E010, path=path, detail="no article text found in the HTML")
    return [doc]
