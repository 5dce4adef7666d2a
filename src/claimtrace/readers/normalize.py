"""Bytes to honest text: decoding, the few normalisations we allow, language detection.

The text a :class:`~claimtrace.model.Document` carries is the *final* text: every offset any
later stage produces refers to it. So normalisation is deliberately small and done once,
before any span is computed:

* a byte-order mark is stripped;
* ``CRLF`` and lone ``CR`` become ``LF``;
* no-break spaces (U+00A0, U+202F, U+2007) become plain spaces (one character for one, so
  lengths do not change);
* everything else (curly quotes, dashes, accents) is kept as it is. The scorers fold quotes.

Non-UTF-8 bytes are decoded by charset detection (charset-normalizer). Language detection
lives in :mod:`claimtrace.readers.language` (re-exported here).
"""

from __future__ import annotations

import codecs

from claimtrace.errors import E002, ReadError
from claimtrace.readers.language import NEWS_LANGUAGES, detect_language

__all__ = ["NEWS_LANGUAGES", "decode_bytes", "detect_language", "is_binary", "normalize_text"]

_SPACES = ("\u00a0", "\u202f", "\u2007")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# bytes that never occur in text files (tab, LF, FF, CR and ESC excluded)
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def normalize_text(text: str) -> str:
    """Apply the allowed normalisations (BOM, line ends, no-break spaces); nothing else."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # str.replace is much faster than str.translate on long texts; most texts have none of these
    for ch in _SPACES:
        if ch in text:
            text = text.replace(ch, " ")
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    return text


def is_binary(data: bytes) -> bool:
    """True when ``data`` (a prefix is enough) looks like a binary file rather than text."""
    head = data[:8192]
    if not head:
        return False
    for bom, _ in _BOMS:
        if head.startswith(bom):
            return False
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    return controls > max(2, len(head) // 100)


def decode_bytes(data: bytes, *, path: str, encoding: str | None = None) -> str:
    """Decode file bytes to text: a BOM or ``encoding`` wins, then UTF-8, then detection.

    Raises :class:`ReadError` (E002) for binary data. The result is *not* normalised yet.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc)
            except UnicodeDecodeError:
                break
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if is_binary(data):
        raise ReadError(E002, path=path)
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise ReadError(E002, path=path)
    try:
        return data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return data.decode(best.encoding, errors="replace")
