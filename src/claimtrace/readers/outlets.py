"""Where an article was published: outlet markers, URL lines, copyright sign-offs, domains.

Scrapes often say which outlet an article came from on a line of their own. The recognisers
here look at one line each; :mod:`claimtrace.readers.text` decides where they may occur
(outlet and URL markers in the header block, copyright sign-offs in the furniture):

* :func:`outlet_marker`: ``Outlet: NAME``, ``Source: NAME``, ``Publisher: NAME``,
  ``Publication: NAME``, ``Site: NAME``, ``Website: NAME``, ``Newspaper: NAME`` (and
  ``Quelle:``, ``Fuente:``, ``Fonte:``, ``Источник:``), or ``Published by NAME`` when NAME
  looks like a publisher (``The ...``, a domain, ``... Media``/``Times``/``Group``...; a
  person's name there is a byline);
* :func:`url_line`: ``URL: https://...``, ``Link: ...``, ``Source: https://...``, or a line
  that is only a URL;
* :func:`copyright_holder`: ``© 2024 NAME. All rights reserved.``, ``Copyright NAME``;
* :func:`domain_outlet`: the registered domain of a URL without ``www``
  (``https://www.meridianpost.example/a`` -> ``meridianpost.example``);
* :func:`directory_outlet`: the name of a file's parent directory (``outlet/article.txt``).

The first line of a scrape is its title, never an outlet: nothing here guesses outlets from
free text.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from claimtrace.readers.dates import find_date

__all__ = [
    "OutletMarker",
    "copyright_holder",
    "directory_outlet",
    "domain_outlet",
    "outlet_marker",
    "url_line",
]

_LABELS = (
    r"outlet|source|publisher|publication|site|website|web\s+site|newspaper|news\s+outlet|"
    r"quelle|fuente|fonte|source\s+name|источник|издание"
)
_LABELLED = re.compile(rf"^\s*(?:{_LABELS})\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)
_PUBLISHED_BY = re.compile(
    r"^\s*(?:published\s+by|publié\s+par|veröffentlicht\s+von|publicado\s+por)\s+(?P<value>.+?)\s*$",
    re.IGNORECASE,
)
_URL_LABELS = (
    r"url|link|permalink|canonical(?:\s+url)?|source\s+url|original\s+url|article\s+url|"
    r"original(?:\s+article)?|read\s+online|web|" + _LABELS
)
_URL_LINE = re.compile(
    rf"^\s*(?:(?:{_URL_LABELS})\s*:\s*)?[<(\[]?(?P<url>(?:https?://|www\.)[^\s<>()\[\]]+?)[>)\]]?\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s+[|•·–—-]\s+|\s*\|\s*")
_USERNAME = re.compile(r"^[a-z0-9_.@-]+$")


@dataclass(slots=True)
class OutletMarker:
    """An outlet line of a header: the outlet's name and a date the line also gave."""

    name: str
    published: str | None = None


def _name_ok(name: str) -> bool:
    """A short name (not a sentence): at most 10 words and 80 characters, with a letter in it."""
    if not 0 < len(name) <= 80 or len(name.split()) > 10:
        return False
    if not any(ch.isalpha() for ch in name):
        return False
    return not re.search(r"[.!?]\s+\S", name)  # two sentences


def _split_name(value: str) -> tuple[str, str | None]:
    """``NAME | March 3, 2024`` -> ``("NAME", "2024-03-03")``."""
    parts = _SEPARATOR.split(value, maxsplit=1)
    name = parts[0].strip(" .,;:")
    published = None
    if len(parts) > 1:
        found = find_date(parts[1])
        published = found[2] if found else None
    return name, published


#: words that make a name an organisation's rather than a person's (in ``Published by NAME``)
_ORG_WORDS = frozenset(
    {
        "news",
        "media",
        "press",
        "times",
        "post",
        "daily",
        "herald",
        "journal",
        "gazette",
        "tribune",
        "observer",
        "courier",
        "chronicle",
        "radio",
        "tv",
        "television",
        "network",
        "group",
        "agency",
        "magazine",
        "review",
        "report",
        "star",
        "sun",
        "mail",
        "telegraph",
        "express",
        "wire",
        "monitor",
        "today",
        "weekly",
        "online",
        "broadcasting",
        "broadcast",
        "channel",
        "inc",
        "ltd",
        "llc",
        "corp",
        "corporation",
        "company",
        "publishing",
        "publications",
        "newspaper",
        "newspapers",
        "zeitung",
        "nouvelles",
        "presse",
        "diario",
        "periódico",
        "noticias",
        "notizie",
        "giornale",
    }
)


def _publisher_like(name: str) -> bool:
    """``Published by NAME``: NAME is a publisher, not a person's byline (``Published by Jane Doe``).

    A publisher is ``The ...``, a domain, an acronym, or has an organisation word in it
    (``News``, ``Media``, ``Press``, ``Times``, ``Herald``, ``Group``...).
    """
    if find_date(name) is not None:
        return False
    if re.fullmatch(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", name):
        return True  # a domain
    if _USERNAME.match(name):
        return False
    words = name.split()
    if words[0].lower() in ("the", "la", "le", "el", "il", "die", "der", "das"):
        return True
    if len(words) == 1 and name.isupper() and len(name) >= 2:
        return True
    return any(w.strip(".,'’").lower() in _ORG_WORDS for w in words)


def outlet_marker(line: str) -> OutletMarker | None:
    """If ``line`` names the outlet (``Source: The Meridian Post``), that name.

    ``Published by NAME`` counts when NAME looks like a publisher (:func:`_publisher_like`:
    ``Published by The Evening Lamp``, ``Published by Hollin Media``); ``Published by Jane
    Doe`` and ``Published by jdoe`` are bylines. A line whose value is a URL is not an outlet
    marker (see :func:`url_line`).
    """
    if len(line) > 160:
        return None
    m = _LABELLED.match(line)
    by = m is None
    if m is None:
        m = _PUBLISHED_BY.match(line)
        if m is None:
            return None
    value = m.group("value")
    if not value or _URL_LINE.match(value):
        return None
    name, published = _split_name(value)
    if by and not _publisher_like(name):
        return None
    if not _name_ok(name):
        return None
    return OutletMarker(name, published)


def url_line(line: str) -> str | None:
    """If ``line`` is only a URL, perhaps labelled (``URL: https://...``), the URL."""
    if len(line) > 2000:
        return None
    m = _URL_LINE.match(line)
    if m is None:
        return None
    url = m.group("url").rstrip(".,;")
    if url.lower().startswith("www."):
        url = "https://" + url
    host = urlsplit(url).hostname or ""
    return url if "." in host else None


_COPYRIGHT = re.compile(
    r"^\s*(?:[-–—]\s*)?(?=©|\(c\)|copyright)(?:©|\(c\)|copyright\b|\s)+(?:by\s+)?"
    r"(?:(?:\d{4})(?:\s*[-–/]\s*\d{2,4})?\s*[,.]?\s*)?(?:[-–—|:]\s*)?(?:by\s+)?(?P<rest>.*?)\s*$",
    re.IGNORECASE,
)
_RIGHTS = re.compile(
    r"\s*(?:[.,;|:–—-]\s*|\s)(?:all\s+rights|some\s+rights|tous\s+droits|todos\s+los\s+derechos|"
    r"alle\s+rechte|tutti\s+i\s+diritti|все\s+права|this\s+material|used\s+(?:with|under)|"
    r"privacy|terms|contact|about\s+us|powered\s+by).*$",
    re.IGNORECASE,
)
_TRAILING_YEAR = re.compile(r"[\s,.]*(?:\d{4})(?:\s*[-–]\s*\d{2,4})?\s*$")
_CONNECTORS = frozenset({"and", "&", "of", "the", "de", "la", "le", "der", "die", "das", "für", "y", "et"})


def copyright_holder(line: str) -> str | None:
    """The holder named by a copyright line (``© 2024 The Brevian Observer. All rights reserved.``).

    A holder looks like a name (capitalised words) or a domain; a sentence about copyright
    (``Copyright law changed in 2019``) is not a sign-off.
    """
    if len(line) > 320:
        return None
    m = _COPYRIGHT.match(line)
    if m is None:
        return None
    rest = _RIGHTS.sub("", m.group("rest"))
    rest = _SEPARATOR.split(rest, maxsplit=1)[0]
    rest = _TRAILING_YEAR.sub("", rest).strip(" .,;:")
    if not rest or not _name_ok(rest):
        return None
    if re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", rest):
        return rest  # a domain
    words = [w for w in rest.split() if w.lower() not in _CONNECTORS]
    if not words or not all(w[0].isupper() or w[0].isdigit() for w in words):
        return None
    return rest


# --- domains ----------------------------------------------------------------------------

_HOST_PREFIXES = ("www", "www1", "www2", "www3", "m", "mobile", "amp", "edition", "en", "eng", "english")
#: generic second-level labels under country codes (``bbc.co.uk``, ``abc.net.au``)
_SECOND_LEVEL = frozenset(
    {
        "co",
        "com",
        "org",
        "net",
        "gov",
        "ac",
        "edu",
        "ne",
        "or",
        "go",
        "gob",
        "gouv",
        "nic",
        "mil",
        "ltd",
        "plc",
        "sch",
        "nom",
    }
)
#: hosting suffixes under which each subdomain is its own site
_HOSTED = frozenset(
    {
        "blogspot.com",
        "wordpress.com",
        "substack.com",
        "medium.com",
        "tumblr.com",
        "github.io",
        "livejournal.com",
        "typepad.com",
        "wixsite.com",
        "weebly.com",
        "blogger.com",
        "over-blog.com",
        "telegra.ph",
        "netlify.app",
        "pages.dev",
        "vercel.app",
    }
)


def domain_outlet(url: str) -> str | None:
    """The registered domain of ``url`` without ``www`` (``news.example.co.uk`` -> ``example.co.uk``).

    Hosted blogs keep their subdomain (``someone.substack.com``). IP addresses and
    ``localhost`` give None.
    """
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2 or all(label.isdigit() for label in labels):
        return None
    while len(labels) > 2 and labels[0] in _HOST_PREFIXES:
        labels = labels[1:]
    if ".".join(labels[-2:]) in _HOSTED:
        return ".".join(labels[-3:]) if len(labels) >= 3 else None
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def directory_outlet(path: str) -> str | None:
    """The name of the directory holding ``path`` (``corpus/Meridian Post/a.txt`` -> ``Meridian Post``)."""
    parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return parent or None
