"""Document text with overlapping annotation spans rendered as escaped HTML.

Spans may overlap or nest arbitrarily (an entity inside a claim inside a reused passage):
the text is cut at every span boundary and each piece is one ``<span>`` carrying the
classes and tooltips of every annotation covering it, so no tag nesting can break.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    """One annotation: ``[start, end)`` into the text, CSS class, tooltip and optional anchor id."""

    start: int
    end: int
    cls: str
    tip: str = ""
    anchor: str = ""
    data: tuple[tuple[str, str], ...] = field(default=())


def clamp_marks(marks: Iterable[Mark], length: int) -> list[Mark]:
    """Drop empty or out-of-range marks, clamping ends to ``[0, length]``."""
    out = []
    for m in marks:
        s, e = max(0, min(m.start, length)), max(0, min(m.end, length))
        if e > s:
            out.append(m if (s, e) == (m.start, m.end) else Mark(s, e, m.cls, m.tip, m.anchor, m.data))
    return out


def highlight(text: str, marks: Iterable[Mark]) -> str:
    """Escaped HTML of ``text`` with every mark applied; paragraphs kept as ``<br>``."""
    marks = clamp_marks(marks, len(text))
    cuts = {0, len(text)}
    starts: dict[int, list[Mark]] = {}
    for m in marks:
        cuts.update((m.start, m.end))
        starts.setdefault(m.start, []).append(m)
    bounds = sorted(cuts)
    active: list[Mark] = []
    parts: list[str] = []
    for lo, hi in itertools.pairwise(bounds):
        active = [m for m in active if m.end > lo] + starts.get(lo, [])
        for m in starts.get(lo, []):
            if m.anchor:
                parts.append(f'<a class="anc" id="{html.escape(m.anchor, quote=True)}"></a>')
        piece = _text(text[lo:hi])
        if not active:
            parts.append(piece)
            continue
        classes = " ".join(sorted({m.cls for m in active}))
        tips = "\n".join(dict.fromkeys(m.tip for m in active if m.tip))
        data = "".join(
            f' data-{html.escape(k, quote=True)}="{html.escape(v, quote=True)}"'
            for k, v in dict(kv for m in active for kv in m.data).items()
        )
        title = f' title="{html.escape(tips, quote=True)}"' if tips else ""
        parts.append(f'<span class="{html.escape(classes, quote=True)}"{title}{data}>{piece}</span>')
    return "".join(parts)


def _text(chunk: str) -> str:
    return html.escape(chunk, quote=True).replace("\r\n", "\n").replace("\n", "<br>\n")
