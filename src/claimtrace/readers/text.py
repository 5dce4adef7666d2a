"""Plain-text articles as scrapes deliver them: header lines and furniture into metadata.

A scraped article is often a title line, a standfirst, a byline with a date, a photo
caption, the body, then an agency sign-off and page furniture. :func:`parse_text` walks the
lines once:

1. **header** (from the top, before the body starts): date markers (``date 2021-03-03``),
   outlet markers (``Outlet:``/``Source:``/``Publisher:``/``Site:`` NAME, ``Published by
   PUBLISHER``) and URL lines (``URL: https://...`` or a bare URL), bylines
   (:func:`~claimtrace.readers.bylines.parse_byline`), date lines, photo credits, captions
   ending in a parenthesised credit, breadcrumbs/reading-time lines, and at most one *title*
   (a short line without a final period, followed by more text) and one *subtitle*;
2. **tail** (from the bottom): a trailing-lists heading (``Most Popular``, ``Related``) cuts
   everything after it, then sign-offs (``ABC/``, ``— AP``), ``(Reporting by ...)`` lines,
   URL lines, share/subscribe/copyright furniture are peeled off;
3. **inside**: stand-alone captions and ``Advertisement``/``Read more: ...`` lines go.

The body is the remaining runs of lines, each an exact substring of the normalised input,
joined by a blank line where something was cut out. ``published`` only ever comes from
header/byline markers, never from dates mentioned in the body.

**Outlet** (:mod:`claimtrace.readers.outlets`): a header marker's name, else the holder of a
copyright sign-off (``© 2024 NAME``) when the scrape also gives its own URL (the sign-off is
then the site's footer; without one it may credit syndicated text, so the holder, like a news
agency, becomes a credit), else the registered domain of the URL; ``meta["outlet_from"]``
says which of ``header``, ``copyright`` or ``url`` gave the outlet. The URL is the first URL
line of the header or a labelled one at the tail (``Source: https://...``); a bare link at the
end of the body (a registration link, say) is removed but names nothing. The first line is
the title and never taken for an outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claimtrace.model import Document, Span
from claimtrace.readers import bylines as bl
from claimtrace.readers import outlets as ol
from claimtrace.readers.normalize import detect_language, normalize_text

__all__ = ["ParsedText", "parse_text", "text_document"]

#: what every outlet marker or URL line has (a cheap test before the real recognisers)
_OUTLET_HINT = re.compile(r":|www\.|^(?:published|publié|veröffentlicht|publicado)\s", re.IGNORECASE)
_FINAL_CLOSERS = "\"'”’»)]"
_NO_TITLE_END = ".,;:"


@dataclass
class ParsedText:
    """The result of :func:`parse_text`: body text plus what the header and tail said."""

    text: str
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None
    author: str | None = None
    credits: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)
    outlet: str | None = None
    outlet_from: str | None = None  # "header", "copyright" or "url"
    url: str | None = None
    copyright: str | None = None  # holder of a copyright sign-off (before it is weighed)

    def settle_outlet(self) -> None:
        """Pick the outlet: a header marker's name, a copyright holder, the URL's domain."""
        if self.outlet is not None:
            self.outlet_from = self.outlet_from or "header"
            return
        if self.copyright is not None:
            agency = bl.agency_name(self.copyright)
            if agency is None and self.url is not None:
                self.outlet, self.outlet_from = self.copyright, "copyright"
                return
            credit = agency or self.copyright
            if credit not in self.credits:
                self.credits.append(credit)
        if self.url is not None:
            domain = ol.domain_outlet(self.url)
            if domain is not None:
                self.outlet, self.outlet_from = domain, "url"


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in re.finditer("\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _ends_like_sentence(line: str) -> bool:
    core = line.rstrip().rstrip(_FINAL_CLOSERS).rstrip()
    return not core or core[-1] in _NO_TITLE_END


def _credit_like(inner: str) -> bool:
    """A parenthesised caption credit: photo words, or ``Name/Name`` pieces."""
    if bl._PHOTO_WORDS.search(inner):
        return True
    parts = [p.strip() for p in inner.split("/")]
    if len(parts) < 2:
        return False
    return all(
        p and len(p.split()) <= 5 and (p[0].isupper() or (p[0].isdigit() is False and p[0] == "@"))
        for p in parts
    )


def _caption(line: str) -> bool:
    inner = bl.caption_credit(line)
    return inner is not None and _credit_like(inner)


class _Walker:
    """Mutable state of one parse (kept small: one instance per document)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = _line_spans(text)
        self.out = ParsedText(text="")

    def count(self, kind: str) -> None:
        self.out.removed[kind] = self.out.removed.get(kind, 0) + 1

    def line(self, i: int) -> str:
        s, e = self.spans[i]
        return self.text[s:e]

    def next_nonempty(self, i: int) -> int | None:
        for j in range(i, len(self.spans)):
            if self.line(j).strip():
                return j
        return None

    def header_marker(self, line: str, *, last: bool) -> bool:
        """Consume ``line`` if it is a header marker; True when it was one."""
        st = line.strip()
        out = self.out
        if self.outlet_line(st):
            return True
        by = bl.parse_byline(st)
        if by is not None:
            out.author = out.author or by.author
            out.published = out.published or by.published
            out.credits.extend(c for c in by.credits if c not in out.credits)
            self.count("byline")
            return True
        date = bl.is_date_line(st)
        if date:
            out.published = out.published or date
            self.count("date")
            return True
        if bl.is_photo_credit(st):
            out.captions.append(st)
            self.count("caption")
            return True
        if not last and _caption(st):
            out.captions.append(st)
            self.count("caption")
            return True
        if not last and (bl.is_inline_furniture(st) or bl.is_furniture(st)):
            self.copyright_line(st)
            self.count("furniture")
            return True
        return False

    def outlet_line(self, st: str) -> bool:
        """Consume an outlet marker or a URL line (header only); True when it was one."""
        if len(st) > 2000 or not _OUTLET_HINT.search(st):
            return False
        url = ol.url_line(st)
        if url is not None:
            self.out.url = self.out.url or url
            self.count("url")
            return True
        marker = ol.outlet_marker(st)
        if marker is None:
            return False
        out = self.out
        agency = bl.agency_name(marker.name)
        if agency is not None and agency not in out.credits:
            out.credits.append(agency)
        out.outlet = out.outlet or (agency or marker.name)
        out.published = out.published or marker.published
        self.count("outlet")
        return True

    def copyright_line(self, st: str) -> None:
        """Note the holder of a copyright furniture line (the outlet is settled at the end)."""
        holder = ol.copyright_holder(st)
        if holder is not None and self.out.copyright is None:
            self.out.copyright = holder

    def tail_url(self, st: str) -> bool:
        """A URL line at the end of a scrape (``Source: https://...``): noted and removed."""
        if "://" not in st and "www." not in st.lower():
            return False
        url = ol.url_line(st)
        if url is None:
            return False
        if not st.lstrip("<([").lower().startswith(("http", "www.")):
            self.out.url = self.out.url or url  # a labelled line (``Source: https://...``)
        self.count("url")
        return True


def _title_ok(line: str) -> bool:
    st = line.strip()
    return 0 < len(st) <= 200 and len(st.split()) <= 30 and not _ends_like_sentence(st)


def parse_text(raw: str, *, header: bool = True, titles: bool = True) -> ParsedText:
    """Split a scraped article into body text and metadata (see the module docstring).

    ``raw`` is normalised first (:func:`~claimtrace.readers.normalize.normalize_text`).
    With ``header=False`` no header detection is done at all; with ``titles=False`` bylines,
    dates and captions are still taken from the top but no title/subtitle (for HTML bodies
    whose title came from the markup). Tail and inside cleaning always apply.
    """
    text = normalize_text(raw)
    w = _Walker(text)
    out = w.out
    n = len(w.spans)
    i = 0
    body_line, body_off = n, 0
    title_seen = False
    while i < n:
        line = w.line(i)
        if not line.strip():
            i += 1
            continue
        last = w.next_nonempty(i + 1) is None
        off = 0
        marker = bl.leading_date_marker(line) if header else None
        if marker:
            out.published = out.published or marker[1]
            w.count("date")
            off = marker[0]
            if not line[off:].strip():
                i += 1
                continue
        rest = line[off:]
        if header and w.header_marker(rest, last=last):
            i += 1
            continue
        if header and titles and not title_seen and not last and off == 0 and _title_ok(rest):
            title_seen = True
            out.title = rest.strip()
            i = _subtitle(w, i + 1)
            continue
        body_line, body_off = i, off + (len(rest) - len(rest.lstrip()))
        break
    keep = _body_lines(w, body_line)
    _assemble(w, keep, body_line, body_off)
    if not out.text and text.strip():
        # everything looked like furniture: never lose the words, keep the input as body
        stripped = text.strip()
        out.text, out.title, out.subtitle = stripped, None, None
        out.paragraphs = _paragraphs(stripped)
    for credit in bl.find_credits(out.text):
        if credit not in out.credits:
            out.credits.append(credit)
    out.settle_outlet()
    return out


def _subtitle(w: _Walker, i: int) -> int:
    """After a title: take one standfirst line if it looks like one; return the next index."""
    j = w.next_nonempty(i)
    if j is None:
        return i
    line = w.line(j).strip()
    after = w.next_nonempty(j + 1)
    if after is None or bl.leading_date_marker(line):
        return i
    probe = _Walker("")
    if probe.header_marker(line, last=False):
        return i
    nxt = w.line(after).strip()
    followed_by_marker = bool(bl.parse_byline(nxt) or bl.is_date_line(nxt) or bl.leading_date_marker(nxt))
    standfirst = 15 <= len(line) <= 320 and not _ends_like_sentence(line)
    if (followed_by_marker and len(line) <= 400) or standfirst:
        w.out.subtitle = line
        w.count("subtitle")
        return j + 1
    return i


def _body_lines(w: _Walker, first: int) -> list[bool]:
    """Which lines from ``first`` on belong to the body (False = furniture, caption...)."""
    n = len(w.spans)
    keep = [i >= first for i in range(n)]
    seen_body = False
    for i in range(first, n):
        st = w.line(i).strip()
        if not st:
            continue
        if seen_body and bl.is_tail_heading(st):
            for j in range(i, n):
                cut = w.line(j).strip()
                if keep[j] and cut:
                    w.count("furniture")
                    if bl.is_furniture(cut):
                        w.copyright_line(cut)
                keep[j] = False
            break
        seen_body = True
    # peel the tail
    signoffs: list[str] = []
    for i in range(n - 1, first, -1):
        if not keep[i]:
            continue
        st = w.line(i).strip()
        if not st:
            continue
        agency = bl.signoff_agency(st)
        if agency:
            signoffs.append(agency)
            w.count("signoff")
        elif (names := bl.reporting_names(st)) is not None:
            w.out.author = w.out.author or names
            w.count("reporting")
        elif w.tail_url(st):
            pass
        elif bl.is_furniture(st):
            w.copyright_line(st)
            w.count("furniture")
        elif bl.is_photo_credit(st) or _caption(st):
            w.out.captions.append(st)
            w.count("caption")
        else:
            break
        keep[i] = False
    # the inside
    for i in range(first, n):
        if not keep[i]:
            continue
        st = w.line(i).strip()
        if not st or i == first:
            continue
        if bl.is_inline_furniture(st):
            keep[i] = False
            w.count("furniture")
        elif bl.is_photo_credit(st) or (len(st) <= 300 and _caption(st)):
            keep[i] = False
            w.out.captions.append(st)
            w.count("caption")
    for agency in reversed(signoffs):
        if agency not in w.out.credits:
            w.out.credits.append(agency)
    return keep


def _assemble(w: _Walker, keep: list[bool], first: int, first_off: int) -> None:
    """Join the kept runs of lines (exact substrings of the input) into the body text."""
    runs: list[str] = []
    start: int | None = None
    end = 0
    for i, (s, e) in enumerate(w.spans):
        if keep[i]:
            if start is None:
                start = s + (first_off if i == first else 0)
            if w.text[s:e].strip():
                end = e
        elif start is not None and w.text[s:e].strip():
            runs.append(w.text[start:end])
            start = None
    if start is not None:
        runs.append(w.text[start:end])
    pieces = [r.strip() for r in runs]
    w.out.text = "\n\n".join(p for p in pieces if p)
    w.out.paragraphs = _paragraphs(w.out.text)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        seg = m.group(0)
        s += len(seg) - len(seg.lstrip())
        e -= len(seg) - len(seg.rstrip())
        if e > s:
            out.append((s, e))
    return out


def text_document(
    raw: str,
    *,
    source: str,
    fmt: str = "text",
    header: bool = True,
    language: bool = True,
) -> Document:
    """A :class:`Document` from scraped plain text (metadata pulled out, body cleaned)."""
    parsed = parse_text(raw, header=header)
    return _to_document(parsed, source=source, fmt=fmt, language=language)


def _to_document(parsed: ParsedText, *, source: str, fmt: str, language: bool) -> Document:
    meta: dict[str, object] = {"format": fmt}
    if parsed.removed:
        meta["removed"] = dict(parsed.removed)
    if parsed.url:
        meta["url"] = parsed.url
    if parsed.outlet and parsed.outlet_from:
        meta["outlet_from"] = parsed.outlet_from
    doc = Document(
        text=parsed.text,
        source=source,
        title=parsed.title,
        subtitle=parsed.subtitle,
        published=parsed.published,
        author=parsed.author,
        outlet=parsed.outlet,
        credits=list(parsed.credits),
        captions=list(parsed.captions),
        language=detect_language(parsed.text) if language else None,
        meta=meta,
    )
    doc.layers["paragraphs"] = [Span(s, e, "paragraph") for s, e in parsed.paragraphs]
    return doc
