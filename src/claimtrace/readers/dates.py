"""Fast date recognition for header and byline markers (no dateparser on the hot path).

:func:`find_date` finds the first calendar date in a short string and returns it as
``YYYY-MM-DD`` with its span. It knows ISO dates, ``D.M.YYYY``, unambiguous ``D/M/YYYY`` or
``M/D/YYYY``, RFC 2822 and month names in English, French, Spanish, German, Italian,
Portuguese, Dutch, Russian and Ukrainian (``March 3, 2021``, ``3 mars 2021``,
``3 de marzo de 2021``, ``3. März 2021``, ``3 марта 2021 г.``). Slash dates where both
numbers are <= 12 are ambiguous and ignored.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

__all__ = ["MONTHS", "find_date", "parse_date"]

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "janvier",
        "janv",
        "enero",
        "ene",
        "januar",
        "jänner",
        "gennaio",
        "gen",
        "janeiro",
        "januari",
        "января",
        "январь",
        "январе",
        "січня",
        "січень",
    ),
    2: (
        "february",
        "feb",
        "février",
        "fevrier",
        "févr",
        "fevr",
        "febrero",
        "februar",
        "febbraio",
        "fevereiro",
        "fev",
        "februari",
        "февраля",
        "февраль",
        "лютого",
        "лютий",
    ),
    3: (
        "march",
        "mar",
        "mars",
        "marzo",
        "märz",
        "maerz",
        "mär",
        "março",
        "marco",
        "maart",
        "марта",
        "март",
        "березня",
        "березень",
    ),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "апреля", "апрель", "квітня", "квітень"),
    5: ("may", "mai", "mayo", "maggio", "mag", "maio", "mei", "мая", "май", "травня", "травень"),
    6: (
        "june",
        "jun",
        "juin",
        "junio",
        "juni",
        "giugno",
        "giu",
        "junho",
        "июня",
        "июнь",
        "червня",
        "червень",
    ),
    7: (
        "july",
        "jul",
        "juillet",
        "juil",
        "julio",
        "juli",
        "luglio",
        "lug",
        "julho",
        "июля",
        "июль",
        "липня",
        "липень",
    ),
    8: (
        "august",
        "aug",
        "août",
        "aout",
        "agosto",
        "ago",
        "augustus",
        "августа",
        "август",
        "серпня",
        "серпень",
    ),
    9: (
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "setiembre",
        "settembre",
        "set",
        "setembro",
        "сентября",
        "сентябрь",
        "вересня",
        "вересень",
    ),
    10: (
        "october",
        "oct",
        "octobre",
        "octubre",
        "oktober",
        "okt",
        "ottobre",
        "ott",
        "outubro",
        "out",
        "октября",
        "октябрь",
        "жовтня",
        "жовтень",
    ),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "ноября", "ноябрь", "листопада", "листопад"),
    12: (
        "december",
        "dec",
        "décembre",
        "decembre",
        "déc",
        "diciembre",
        "dic",
        "dezember",
        "dez",
        "dicembre",
        "dezembro",
        "декабря",
        "декабрь",
        "грудня",
        "грудень",
    ),
}

#: folded month name -> month number
MONTHS: dict[str, int] = {name: num for num, names in _MONTH_NAMES.items() for name in names}

_MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))

_ISO = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_NAME_FIRST = re.compile(
    rf"(?<!\w)(?P<m>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?,?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º|°|\.)?\s*(?:de\s+|of\s+)?(?P<m>{_MONTH_RE})\.?,?"
    rf"\s+(?:de\s+|del\s+)?(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})([./])(\d{1,2})\2(\d{4})(?!\d)")
#: every date form above has a four-digit year: a cheap test before the expensive patterns
_YEAR = re.compile(r"\d{4}")


def _iso(year: int, month: int, day: int) -> str | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[int, int, str] | None:
    """The first date in ``text`` as ``(start, end, "YYYY-MM-DD")``, or None."""
    if _YEAR.search(text) is None:
        return None
    best: tuple[int, int, str] | None = None

    def offer(start: int, end: int, iso: str | None) -> None:
        nonlocal best
        if iso and (best is None or start < best[0]):
            best = (start, end, iso)

    for m in _ISO.finditer(text):
        offer(m.start(), m.end(), _iso(int(m.group(1)), int(m.group(3)), int(m.group(4))))
        if best:
            break
    for rx in (_NAME_FIRST, _DAY_FIRST):
        for m in rx.finditer(text):
            if best is not None and m.start() >= best[0]:
                break
            month = MONTHS.get(m.group("m").lower())
            if month:
                iso = _iso(int(m.group("y")), month, int(m.group("d")))
                if iso:
                    offer(m.start(), m.end(), iso)
                    break
    for m in _NUMERIC.finditer(text):
        if best is not None and m.start() >= best[0]:
            break
        a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        if sep == "." or a > 12:
            iso = _iso(y, b, a)
        elif b > 12:
            iso = _iso(y, a, b)
        else:
            iso = None  # 03/04/2021: day-first or month-first? do not guess
        if iso:
            offer(m.start(), m.end(), iso)
            break
    return best


def parse_date(value: object) -> str | None:
    """Normalise a date value (string, ``datetime``, ``time.struct_time``) to ``YYYY-MM-DD``."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime | _dt.date):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "tm_year"):
        st: Any = value
        return _iso(st.tm_year, st.tm_mon, st.tm_mday)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10**8 < value < 10**11:  # a unix timestamp in seconds
            return _dt.datetime.fromtimestamp(value, tz=_dt.UTC).strftime("%Y-%m-%d")
        return None
    text = str(value).strip()
    if not text:
        return None
    found = find_date(text)
    if found:
        return found[2]
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text).strftime("%Y-%m-%d")
    except (TypeError, ValueError, IndexError):
        return None
