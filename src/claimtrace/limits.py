"""Resource bounds: no document, sentence or pair batch may make a stage slow or large.

Every stage is close to linear in the length of its input *if* its units stay small. Hostile
or broken input breaks that: a 5 MB line without punctuation is one 5 MB "sentence", and
comparing two such sentences character by character costs gigabytes. The caps here keep the
units small:

* :data:`MAX_DOCUMENT_CHARS`: a document's text is cut (at a space where there is one) after
  this many characters when it is read; ``meta["truncated"]`` records the original length.
* :data:`MAX_SENTENCE_CHARS`: a longer sentence is split into pieces of at most this many
  characters, at spaces where possible (:func:`split_long`); nothing is dropped.
* :data:`MAX_PAIR_CHARS`: sentence-pair features read at most this many characters of each
  side; :data:`PAIR_BATCH`: pair feature matrices are built this many rows at a time.

News articles are far below every cap (the longest PolNeAR article has 33,672 characters, its
longest sentence 1,094), so ordinary input is analysed exactly as before.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claimtrace.model import Document

__all__ = [
    "MAX_DOCUMENT_CHARS",
    "MAX_PAIR_CHARS",
    "MAX_SENTENCE_CHARS",
    "PAIR_BATCH",
    "cap_document",
    "split_long",
]

MAX_DOCUMENT_CHARS = 1_000_000
MAX_SENTENCE_CHARS = 2_000
MAX_PAIR_CHARS = 2_000
PAIR_BATCH = 4_096


def _cut(text: str, start: int, limit: int) -> int:
    """Where to end a piece that starts at ``start``: the last space within ``limit``, else ``limit``."""
    end = start + limit
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", start + limit // 2, end)
    return space if space > start else end


def split_long(text: str, start: int, end: int, *, limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` as pieces of at most ``limit`` characters, cut at spaces where possible.

    >>> t = "aaaa bbbb cccc dddd"
    >>> [t[a:b] for a, b in split_long(t, 0, len(t), limit=10)]
    ['aaaa bbbb', 'cccc dddd']
    """
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        cut = _cut(text, start, limit)
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > start:
            pieces.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def cap_document(doc: Document, *, limit: int = MAX_DOCUMENT_CHARS) -> Document:
    """``doc`` with its text cut after ``limit`` characters (at a space if one is near), noted in ``meta``.

    The id stays the one made from the whole text, so reading the file again finds the document.
    """
    if len(doc.text) <= limit:
        return doc
    cut = _cut(doc.text, 0, limit)
    text = doc.text[:cut].rstrip()
    meta = {**doc.meta, "truncated": {"chars": len(doc.text), "kept": len(text), "limit": limit}}
    layers = {name: [s for s in spans if s.end <= len(text)] for name, spans in doc.layers.items()}
    return replace(doc, text=text, meta=meta, layers=layers)
