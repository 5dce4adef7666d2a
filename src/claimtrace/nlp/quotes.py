"""Quotation marks: pair them into quotes and tell real quotes from scare quotes.

Handles curly (“ ”) and straight (") double quotes, and the newspaper convention for quotes
spanning paragraphs: a quote that is not closed before its paragraph ends continues into the
next paragraph when that paragraph opens with a quote mark.
Single quotes (‘ ’) are only looked at as scare quotes (they are usually nested in a double
quote, and ’ doubles as the apostrophe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKS = re.compile(r"[“”\"\n]")
_SINGLE = re.compile(r"(?<![\w’'])‘([^‘’\n]{1,60}?)’(?!\w)")
_WORD = re.compile(r"\w+")
SCARE_MAX_WORDS = 3


@dataclass(slots=True)
class Quote:
    """A quotation: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    scare: bool = False


def _is_opening_straight(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isspace() or prev in "([{—–-/:;,":
        return not nxt.isspace()
    return False


def _paragraph_start(text: str, i: int) -> bool:
    j = text.rfind("\n", 0, i)
    return not text[j + 1 : i].strip()


def _scare(text: str, q: Quote) -> bool:
    """Short quotes (1-3 words) inside running text are scare quotes, not speech."""
    inner = text[q.inner_start : q.inner_end]
    if len(_WORD.findall(inner)) > SCARE_MAX_WORDS:
        return False
    if inner.rstrip().endswith((".", "!", "?")) and len(_WORD.findall(inner)) > 1:
        return False
    return not _paragraph_start(text, q.start)


def find_quotes(text: str) -> list[Quote]:
    """All double-quoted passages of ``text`` in order, scare quotes flagged."""
    quotes: list[Quote] = []
    open_at: int | None = None
    cont_start: int | None = None  # start of a multi-paragraph quote
    for m in _MARKS.finditer(text):
        i = m.start()
        ch = m.group()
        if ch == "\n":
            if open_at is not None:
                # an unclosed quote continues when the next paragraph opens with a quote mark
                rest = text[i:].lstrip()
                if rest[:1] in '“"':
                    cont_start = cont_start if cont_start is not None else open_at
                open_at = None
            continue
        opening = ch == "“" or (ch == '"' and open_at is None and _is_opening_straight(text, i))
        if opening:
            if open_at is not None and ch == "“" and not _paragraph_start(text, open_at):
                open_at = i  # stray opening mark: restart
                continue
            if open_at is None:
                open_at = i
                if cont_start is not None and not _paragraph_start(text, i):
                    cont_start = None
            continue
        if open_at is None:
            continue  # closing mark without an opening one
        start = cont_start if cont_start is not None else open_at
        q = Quote(start, i + 1, start + 1, i)
        q.scare = _scare(text, q)
        quotes.append(q)
        open_at = None
        cont_start = None
    return quotes


def find_single_scare_quotes(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans (with marks) of ‘single-quoted’ words (1-3 words) between ``start`` and ``end``."""
    end = len(text) if end is None else end
    out = []
    for m in _SINGLE.finditer(text, start, end):
        if len(_WORD.findall(m.group(1))) <= SCARE_MAX_WORDS:
            out.append((m.start(), m.end()))
    return out
