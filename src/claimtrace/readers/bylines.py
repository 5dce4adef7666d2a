"""Recognisers for the non-body lines of scraped articles: bylines, date lines, captions,
agency credits and sign-offs, and page furniture.

Every function here looks at one line (or one body string) and says what it is; the plain
text reader (:mod:`claimtrace.readers.text`) decides where those lines may occur. The
rules are structural (a byline is ``By`` + a name-shaped phrase + optional date; a caption
ends with a parenthesised photo credit) and multilingual where cheap (English, French,
Spanish, German, Italian, Portuguese, Russian labels).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimtrace.readers.dates import find_date

__all__ = [
    "AGENCIES",
    "Byline",
    "agency_name",
    "canonical_agency",
    "caption_credit",
    "find_credits",
    "is_date_line",
    "is_furniture",
    "is_inline_furniture",
    "is_photo_credit",
    "is_tail_heading",
    "leading_date_marker",
    "parse_byline",
    "reporting_names",
    "signoff_agency",
]

# --- news agencies (facts, not tuned to any document) ------------------------------------

#: canonical agency name -> surface forms (matched case-sensitively)
AGENCIES: dict[str, tuple[str, ...]] = {
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "Reuters": ("Reuters",),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "TASS": ("TASS", "ITAR-TASS", "Tass", "ТАСС"),
    "RIA Novosti": ("RIA Novosti", "RIA", "РИА Новости"),
    "Interfax": ("Interfax", "Интерфакс"),
    "Sputnik": ("Sputnik",),
    "Xinhua": ("Xinhua",),
    "MNA": ("MNA", "Mehr News Agency", "Mehr"),
    "IRNA": ("IRNA",),
    "ISNA": ("ISNA",),
    "Fars": ("Fars", "FNA", "Fars News Agency"),
    "Tasnim": ("Tasnim",),
    "ANSA": ("ANSA",),
    "EFE": ("EFE",),
    "dpa": ("dpa", "DPA"),
    "Anadolu": ("Anadolu", "Anadolu Agency", "AA"),
    "Kyodo": ("Kyodo",),
    "Yonhap": ("Yonhap",),
    "PTI": ("PTI",),
    "IANS": ("IANS",),
    "ANI": ("ANI",),
    "Bernama": ("Bernama",),
    "Antara": ("Antara",),
    "SANA": ("SANA",),
    "WAFA": ("WAFA",),
    "KUNA": ("KUNA",),
    "WAM": ("WAM",),
    "SPA": ("SPA",),
    "QNA": ("QNA",),
    "MENA": ("MENA",),
    "UNIAN": ("UNIAN",),
    "Ukrinform": ("Ukrinform",),
    "PAP": ("PAP",),
    "CTK": ("CTK", "ČTK"),
    "BelTA": ("BelTA",),
    "Prensa Latina": ("Prensa Latina",),
    "Europa Press": ("Europa Press",),
    "Lusa": ("Lusa",),
    "Bloomberg": ("Bloomberg",),
    "AAP": ("AAP",),
    "UPI": ("UPI",),
    "KCNA": ("KCNA",),
    "Kazinform": ("Kazinform",),
    "Tanjug": ("Tanjug",),
    "APA": ("APA",),
    "Notimex": ("Notimex",),
}
_ALIAS_TO_AGENCY = {alias: name for name, aliases in AGENCIES.items() for alias in aliases}
_AGENCY_RE = "|".join(sorted((re.escape(a) for a in _ALIAS_TO_AGENCY), key=len, reverse=True))


def agency_name(name: str) -> str | None:
    """The canonical agency for ``name`` when it is one (``The Associated Press`` -> ``AP``), else None."""
    return _ALIAS_TO_AGENCY.get(name.strip())


def canonical_agency(name: str) -> str:
    """The canonical name of an agency surface form (unknown names are returned stripped)."""
    name = name.strip()
    return _ALIAS_TO_AGENCY.get(name, name)


_REPORT_VERBS = (
    r"reported|reports|quoted|quotes|cited|cites|wrote|writes|informed|learned|learnt|contributed|"
    r"berichtete|berichtet|meldete|meldet|zufolge|rapporte|a\s+rapporté|informó|informa|"
    r"сообщает|сообщило|сообщил|передает|передаёт"
)
_CITING = (
    r"[Aa]ccording\s+to|reported\s+by|cited\s+by|quoted\s+by|citing|told|via|[Ss]ource:|"
    r"[Ss]elon|[Dd]'après|[Ss]egún|según\s+informó|informó|[Ll]aut|[Pp]er|"
    r"[Пп]о\s+данным|[Пп]о\s+сообщению|[Сс]ообщает|[Пп]ередает|[Пп]ередаёт"
)
_MODIFIERS = (
    r"(?:[A-Z][\w-]*|the|state|state-run|state-owned|official|semi-official|news|wire|agency|la|le|l'|"
    r"l’|agencia|agence|agentur|der|die|das|агентство|агентства|информагентство)"
)

_BEFORE = re.compile(
    rf"(?:(?<![\w-])(?:{_CITING}|{_REPORT_VERBS})\s+(?:(?:{_MODIFIERS})(?:\s+|(?<=')|(?<=’))){{0,5}}|/|\()$"
)
_AFTER = re.compile(rf"(?:\s+news\s+agency)?\s+(?:has\s+|had\s+)?(?:{_REPORT_VERBS})\b|/|\)")


#: every agency surface form as a whole word, longest alias first
_ALIAS_PATTERN = re.compile(rf"(?<![\w-])({_AGENCY_RE})(?![\w-])")
#: the same without the word-boundary checks: much faster to scan with (no lookbehind at every position)
_ALIAS_SCAN = re.compile(_AGENCY_RE)


def _agency_matches(text: str) -> list[re.Match[str]]:
    """What ``_ALIAS_PATTERN.finditer(text)`` finds, scanning with the cheap pattern."""
    out: list[re.Match[str]] = []
    pos = 0
    while (m := _ALIAS_SCAN.search(text, pos)) is not None:
        exact = _ALIAS_PATTERN.match(text, m.start())
        if exact is None:
            pos = m.start() + 1
            continue
        out.append(exact)
        pos = exact.end()
    return out


def find_credits(text: str) -> list[str]:
    """Agencies credited in ``text`` (canonical names, in order of first appearance).

    Credited means: ``X reported``/``X zufolge``, ``according to (the news agency) X``,
    ``told X``, ``selon l'X``, ``(X)`` or ``/X/`` datelines. A mere mention
    (``X released footage``) is not a credit.
    """
    out: list[str] = []
    for m in _agency_matches(text):
        name = canonical_agency(m.group(1))
        if name in out:
            continue
        before = text[max(0, m.start() - 90) : m.start()]
        after = text[m.end() : m.end() + 40]
        bracketed = (before.endswith("(") and after.startswith(")")) or (
            before.endswith("/") and after.startswith("/")
        )
        if (
            bracketed
            or (_AFTER.match(after) and not after.startswith((")", "/")))
            or (_BEFORE.search(before) and not before.endswith(("(", "/")))
        ):
            out.append(name)
    return out


_SIGNOFF = re.compile(
    r"^\s*(?:"
    r"(?P<code>[A-Z][A-Za-z]{1,9})/[\w/-]{0,20}"  # "MNA/", "IRNA/abc", "AFP/xy"
    r"|/(?P<slashed>[A-Z][A-Za-z]{1,9})/"  # "/TASS/"
    rf"|[-–—]+\s*(?P<dashed>{_AGENCY_RE}|[A-Z]{{2,6}})\.?"  # "— AP"
    rf"|\(?(?:[Ww]ith|[Ss]ource:?)\s+(?P<with>{_AGENCY_RE})\)?\.?"  # "(with Reuters)", "Source: TASS"
    rf"|\(?(?P<bare>{_AGENCY_RE})\)?\.?"  # "(Reuters)", "AFP"
    r")\s*$"
)


def signoff_agency(line: str) -> str | None:
    """The agency of an agency sign-off line (``MNA/``, ``/TASS/``, ``— AP``), else None."""
    m = _SIGNOFF.match(line)
    if not m:
        return None
    name = next(g for g in m.groups() if g)
    return canonical_agency(name)


_REPORTING = re.compile(
    r"^\s*\(?\s*(?:(?:additional\s+)?reporting|writing|editing|compiled|translated)\s+by\s+(.+?)\)?\s*$",
    re.IGNORECASE,
)


def reporting_names(line: str) -> str | None:
    """For a Reuters-style ``(Reporting by X; Editing by Y)`` line, the reporters' names."""
    m = _REPORTING.match(line)
    if not m:
        return None
    names = re.split(r";|\s+in\s+[A-Z]|\s+and\s+[a-z]+ing\s+by\s|\s*\.\s*", m.group(1))[0]
    names = names.strip(" ,.()")
    return names or None


# --- bylines ----------------------------------------------------------------------------

_NAME_CONNECTORS = frozenset(
    {
        "and",
        "und",
        "et",
        "y",
        "e",
        "&",
        "de",
        "da",
        "del",
        "della",
        "di",
        "do",
        "dos",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "al",
        "el",
        "bin",
        "ibn",
        "la",
        "le",
        "du",
        "zu",
    }
)
_BYLINE_PREFIX = re.compile(
    r"^\s*[-–—•·]?\s*(?:"
    r"(?:written\s+|words\s+|story\s+|text\s+|posted\s+|published\s+)?by|"
    r"authors?\s*:|text\s*:|texto\s*:|texte\s*:|von|par|por|di|door|"
    r"автор(?:ы)?\s*:?|текст\s*:|"
    r"(?:posted|published|updated)\s+(?:on\s+)?(?P<date1>.*?)\s*by|"
    r"publié\s+le\s+(?P<date2>.*?)\s+par|veröffentlicht\s+am\s+(?P<date3>.*?)\s+von|"
    r"publicado\s+(?:el\s+)?(?P<date4>.*?)\s+por"
    r")(?:\s+|(?<=:)|$)",
    re.IGNORECASE,
)
_NAME_STOP = re.compile(
    r"\s+[-–—|•·]\s*|\s*\|\s*|,\s*|\s+(?:on|at|le|am|el|il|updated|published|posted)\s+|\s*\(|\s{2,}"
)
_USERNAME = re.compile(r"^[\w.@-]{2,40}$")


@dataclass(slots=True)
class Byline:
    """What a byline line says: the author (may be empty), a date and agencies credited."""

    author: str | None
    published: str | None
    credits: list[str]


def _name_like(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 7:
        return False
    if len(words) == 1 and _USERNAME.match(name):
        return True
    capitals = 0
    for word in words:
        w = word.strip(".,'’\"")
        if not w:
            return False
        if w.lower() in _NAME_CONNECTORS:
            continue
        if not (w[0].isupper() or (w[0] in "'’" and len(w) > 1)):
            return False
        if any(ch.isdigit() for ch in w):
            return False
        capitals += 1
    return capitals >= 1


def parse_byline(line: str) -> Byline | None:
    """Parse a byline (``By Jane Doe | March 3, 2021``, ``Von Anna Schmidt, 3. März 2021``,
    ``Posted on 2021-03-03 by jdoe``) or return None when ``line`` is not one."""
    if len(line) > 200:
        return None
    m = _BYLINE_PREFIX.match(line)
    if not m:
        return None
    rest = line[m.end() :].strip()
    date_part = next(
        (g for g in (m.group("date1"), m.group("date2"), m.group("date3"), m.group("date4")) if g), ""
    )
    published = None
    if date_part:
        found = find_date(date_part)
        if not found and date_part.strip():
            return None
        published = found[2] if found else None
    if not rest:
        # "Posted on by" with no name: still a byline when a date label introduced it
        return Byline(None, published, []) if m.group("date1") is not None else None
    stop = _NAME_STOP.search(rest)
    name, tail = (rest[: stop.start()], rest[stop.start() :]) if stop else (rest, "")
    found = find_date(name)
    if found:
        name, tail = name[: found[0]], name[found[0] :] + tail
    name = name.strip(" .,:;")
    if not name or not _name_like(name):
        return None
    labelled = m.group("date1") is not None or m.group(0).strip().lower().startswith(("author", "автор"))
    if not name[0].isupper() and not labelled:
        return None  # "By law, ..." is a sentence; a lowercase user name needs "Posted ... by"
    credits: list[str] = []
    if tail:
        found = find_date(tail)
        if found and published is None:
            published = found[2]
        for piece in re.split(r"[,|/•·]|\s[-–—]\s", tail):
            piece = piece.strip(" .()")
            if piece in _ALIAS_TO_AGENCY:
                credits.append(canonical_agency(piece))
        # a byline's tail is short: a date, a time, an outlet or agency, a place
        leftover = tail if not found else tail[: found[0]] + tail[found[1] :]
        if len(leftover.split()) > 12:
            return None
    if name in _ALIAS_TO_AGENCY:
        return Byline(None, published, [canonical_agency(name)])
    return Byline(name, published, credits)


# --- date lines -------------------------------------------------------------------------

_DATE_LABELS = re.compile(
    r"(?:last\s+)?(?:published|updated|modified|posted|released|date|dated|on|at|le|am|um|el|a\s+las|"
    r"publié|mis\s+à\s+jour|veröffentlicht|aktualisiert|stand|publicado|actualizado|pubblicato|"
    r"aggiornato|atualizado|опубликовано|обновлено|дата|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|"
    r"sábado|domingo|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    r"gmt|utc|cet|cest|est|edt|pst|pdt|msk|bst|am|pm|a\.m\.|p\.m\.|uhr|h|г|года|год)\b\.?",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?|[+-]\d{2}:?\d{2}|\d+\s+(?:min|minutes?)\b"
)


def is_date_line(line: str) -> str | None:
    """If ``line`` is a date line (``Published: 3 March 2021 10:45 GMT``), its date."""
    if len(line) > 120:
        return None
    found = find_date(line)
    if not found:
        return None
    rest = line[: found[0]] + " " + line[found[1] :]
    rest = _TIME.sub(" ", rest)
    rest = _DATE_LABELS.sub(" ", rest)
    rest = re.sub(r"[\s|,;:·•()\[\]/–—-]+", "", rest)
    return found[2] if len(rest) <= 3 else None


_LEADING_DATE = re.compile(
    r"^\s*(?:date|dated|published|posted|updated|publié|veröffentlicht|publicado|pubblicato|опубликовано)"
    r"\s*:?\s*(?:on\s+|le\s+|am\s+|el\s+|il\s+)?",
    re.IGNORECASE,
)


def leading_date_marker(line: str) -> tuple[int, str] | None:
    """A date label opening a line (``date 2021-03-03 ...``): ``(end offset, iso date)``."""
    m = _LEADING_DATE.match(line)
    if not m:
        return None
    found = find_date(line[m.end() : m.end() + 40])
    if not found or found[0] != 0:
        return None
    end = m.end() + found[1]
    t = _TIME.match(line, end + 1) if line[end : end + 1] == " " else None
    if t:
        end = t.end()
    return end, found[2]


# --- captions and photo credits ---------------------------------------------------------

_PHOTO_WORDS = re.compile(
    r"\b(?:photo|photos|photograph|photographer|image|images|picture|pic|foto|fotos|фото|credit|credits|"
    r"getty|afp|reuters|ap|epa|efe|dpa|anadolu|xinhua|tass|ria|sputnik|handout|file|courtesy|facebook|"
    r"twitter|telegram|instagram|youtube|tiktok|vk|screenshot|screengrab|screen\s+grab|pool|archive|"
    r"archives|shutterstock|wikimedia|wikipedia|illustration|via|supplied|social\s+media|x\.com)\b",
    re.IGNORECASE,
)
_PAREN_END = re.compile(r"\(([^()]{2,90})\)\s*$")
_PHOTO_LINE = re.compile(
    r"^\s*\(?\s*(?:photo(?:\s+credit)?|image(?:\s+credit)?|picture|pictured|credit|foto|фото|"
    r"caption|main\s+image|top\s+image|file\s+photo)\s*(?::|-|by\b)\s*(?P<who>.{1,120}?)\)?\s*$",
    re.IGNORECASE,
)


def is_photo_credit(line: str) -> str | None:
    """If ``line`` is only a photo credit (``(Photo credit: X)``, ``Photo: X/Y``), who is credited."""
    m = _PHOTO_LINE.match(line)
    if not m:
        return None
    return m.group("who").strip(" .") or None


def caption_credit(line: str) -> str | None:
    """If ``line`` is a photo caption ending in a parenthesised credit, that credit.

    ``Fighters at the base on 4 April (Jane Doe/Facebook)`` -> ``"Jane Doe/Facebook"``.
    A bare agency name in brackets is *not* enough (``... said the ministry (Reuters)``)
    unless the line is short.
    """
    if len(line) > 450:
        return None
    m = _PAREN_END.search(line)
    if not m or m.start() < 8:
        return None
    inner = m.group(1).strip()
    if len(inner.split()) > 9:
        return None
    if "/" in inner or (_PHOTO_WORDS.search(inner) and inner not in _ALIAS_TO_AGENCY):
        return inner
    return None


# --- page furniture ---------------------------------------------------------------------

_TAIL_HEADINGS = frozenset(
    s.strip()
    for s in """
most popular|most read|most viewed|most shared|popular|popular posts|popular stories|trending|
trending now|trending stories|related|related articles|related stories|related posts|related news|
related content|related coverage|related topics|read more|read also|also read|see also|more stories|
more news|more from|you may also like|you might also like|you may be interested in|recommended|
recommended for you|recommended stories|editor's picks|editors' picks|top stories|latest|latest news|
latest stories|share this|share this article|share this story|share this:|like this:|leave a reply|
leave a comment|post a comment|comments|join the conversation|join the discussion|tags|topics|
filed under|categories|previous article|next article|previous post|next post|about the author|
subscribe|newsletter|sign up|follow us|lire aussi|à lire aussi|a lire aussi|sur le même sujet|
les plus lus|lesen sie auch|mehr zum thema|meistgelesen|das könnte sie auch interessieren|leer más|
lee también|te puede interesar|noticias relacionadas|lo más leído|читайте также|по теме|
самое читаемое|популярное|leggi anche|potrebbe interessarti|leia também|mais lidas
""".replace("\n", "").split("|")
)

_FURNITURE = re.compile(
    r"^\s*(?:"
    r"advertisement|advertising|ad|sponsored|sponsored content|story continues below(?: advertisement)?|"
    r"continue reading(?: below)?|scroll to continue|loading\.*|print|email|e-mail|share|tweet|"
    r"copy link|link copied|facebook|twitter|x|whatsapp|telegram|linkedin|reddit|pinterest|vk|"
    r"flipboard|pocket|messenger|viber|comment|comments|\d+\s+comments?|"
    r"(?:click|tap)\s+(?:here\s+)?to\s+.{0,80}|"
    r"(?:share|post)\s+(?:this\s+|on\s+|via\s+|to\s+).{0,60}|"
    r"follow\s+(?:us|me)\s+on\s+.{0,80}|(?:subscribe|sign\s+up|register)\b.{0,120}|"
    r"join\s+(?:us|our)\b.{0,100}|download\s+(?:our|the)\s+app.{0,60}|listen\s+to\s+this\s+article.{0,20}|"
    r"(?:tags?|topics?|keywords?|categories|category|filed\s+under|themen|mots-clés|etiquetas|теги)\s*:.{0,300}|"
    r"(?:©|\(c\)|copyright\b).{0,200}|all\s+rights\s+reserved\.?.{0,100}|"
    r"(?:read|reading)\s+time\s*:?.{0,20}|\d+\s+min(?:ute)?s?\s+read|"
    r"(?:read\s+more|related|also\s+read|read\s+also|see\s+also|more|lire\s+aussi|lesen\s+sie\s+auch|"
    r"mehr\s+dazu|leer\s+más|lee\s+también|leggi\s+anche|читайте\s+также)\s*[:>»|-].{0,200}|"
    r"(?:home|start|accueil|inicio|главная)\s*[>»/|].{0,200}"
    r")\s*$",
    re.IGNORECASE,
)
_INLINE_FURNITURE = re.compile(
    r"^\s*(?:advertisement|advertising|sponsored content|story continues below(?: advertisement)?|"
    r"continue reading(?: below)?|scroll to continue(?: with content)?|"
    r"(?:read\s+more|related|also\s+read|read\s+also|see\s+also|lire\s+aussi|lesen\s+sie\s+auch|"
    r"leer\s+más|lee\s+también|leggi\s+anche|читайте\s+также)\s*[:>»|-]\s*.{3,200})\s*$",
    re.IGNORECASE,
)


def _heading_key(line: str) -> str:
    return re.sub(r"[\s:>»|.!-]+$", "", line.strip()).lower().replace("’", "'")


def is_tail_heading(line: str) -> bool:
    """A heading that opens the trailing link lists of a page (``Most Popular``, ``Related``)."""
    if len(line) > 60:
        return False
    key = _heading_key(line)
    return key in _TAIL_HEADINGS or bool(re.match(r"^(?:more\s+from|more\s+in|more\s+on)\s+\S", key))


def is_furniture(line: str) -> bool:
    """Share/subscribe/copyright/tag lines and similar page furniture (for the tail of a page)."""
    return len(line) <= 320 and bool(_FURNITURE.match(line))


def is_inline_furniture(line: str) -> bool:
    """Furniture that may interrupt a body anywhere (``Advertisement``, ``Read more: ...``)."""
    return len(line) <= 260 and bool(_INLINE_FURNITURE.match(line))
