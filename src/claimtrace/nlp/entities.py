"""Entity mentions in one document: gazetteer names, capitalised names, acronyms, descriptors.

:func:`find_mentions` is rule-based (no trained model is available offline):

1. **Gazetteer** names are found by a longest-match walk over a word trie
   (:class:`~claimtrace.nlp.gazetteer.Gazetteer`). Short all-capital aliases match
   case-sensitively; ``strict`` aliases (``IS``) need context ("IS fighters", "(IS)").
   A demonym or possessive country before an organisation ("the Russian Foreign Ministry",
   "Russia's Foreign Intelligence Service") picks the organisation of that country and is part
   of the mention. A capital city used as an actor ("Moscow said") stands for its country.
2. **Other names** come from runs of capitalised words (with ``of``/``al-``/``bin`` inside),
   minus sentence-initial common words, titles ("President", "Director") and demonyms. Types:
   PERSON (title, known given name, speech verb), ORG/LOC (head words such as "Army" or
   "Governorate"), else OTHER. Keys are ``name:<normalised full name>``
   (:func:`claimtrace.nlp.names.name_key`).
3. **Within-document resolution**: a surname alone resolves to the full name in the same
   document; "X (ABC)" teaches the alias ABC (returned as ``(alias, key)`` pairs); descriptors
   ("the intelligence service", "the SVR spokesman", "the Russian official") resolve to the most
   recent compatible mention. Descriptor mentions may contain a name mention (the ``SVR`` in
   "the SVR spokesman"); all other mentions never overlap.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate, compress, filterfalse

from claimtrace.model import EntityType, Mention
from claimtrace.nlp.entity_rules import (
    COMMON_CAP,
    COMMON_WORDS,
    CONNECTORS,
    ETHNIC,
    GROUP_NOUNS,
    LOC_HEADS,
    LOC_NOUNS,
    LOC_PREPS,
    METONYM_BLOCK,
    NAME_CONNECTORS,
    ORG_HEADS,
    ORG_STARTS,
    PERSON_DESCRIPTORS,
    ROLE_NOUNS,
    SPEECH_VERBS,
    TITLE_PARTS,
)
from claimtrace.nlp.gazetteer import GazEntry, Gazetteer, default_gazetteer
from claimtrace.nlp.names import FIRST_NAMES, TITLES, norm_phrase, norm_token

__all__ = ["STAGE_VERSION", "find_mentions"]

STAGE_VERSION = "entities.v1"

# A token is a dotted acronym (``U.S.``) or a word with inner hyphens and apostrophes; ``split``
# with this capturing pattern gives ``[gap, token, gap, token, ..., gap]`` in one scan.
_TOKEN_SPLIT = re.compile(r"([A-Za-z]\.(?:[A-Za-z]\.)++|\w++(?:[-'’]\w++)*+)")
_LOWER_WORD = re.compile(r"\b[a-z][a-z]+\b")
_SINGLE_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_SMALL_WORDS = frozenset(["the", "and", "for", "but", "nor", "yet", "via", "per", "off", "out"])
_ARABIC_LOWER = re.compile(r"^(?:al|el|at|as|ad|an|ar|ash|az|ath|ul|ut|ud|bin|ibn|abu|wal)-[A-Z]")
_ACRONYM_DEF = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&.\-]{1,9})\s*\)")
# "the <qualifier> <descriptor>". The patterns start at the literal "he " (which the regex engine
# finds fast) and look back for the "T" or "t": a match starts one character after its descriptor.
_ORG_DESC = re.compile(
    r"he (?<=\b[Tt]he )((?:[A-Z][\w.’']*|[a-z]+) )?(intelligence service|intelligence agency|spy agency|"
    r"security service|intelligence|foreign ministry|defen[cs]e ministry|ministry|militant group|"
    r"terrorist group|jihadist group)\b"
)
_PERSON_DESC = re.compile(
    r"he (?<=\b[Tt]he )((?:[A-Z][\w.’']*|official) )?(" + "|".join(PERSON_DESCRIPTORS) + r")\b"
)
_KINDS_FOR = {
    "intelligence service": {"intelligence", "security"},
    "intelligence agency": {"intelligence", "security"},
    "spy agency": {"intelligence", "security"},
    "intelligence": {"intelligence", "security"},
    "security service": {"security", "intelligence"},
    "foreign ministry": {"ministry"},
    "defense ministry": {"ministry"},
    "defence ministry": {"ministry"},
    "ministry": {"ministry"},
    "militant group": {"armed_group"},
    "terrorist group": {"armed_group"},
    "jihadist group": {"armed_group"},
}


@dataclass(slots=True)
class _M:
    """A mention under construction (token range ``ti..tj`` inclusive)."""

    start: int
    end: int
    ti: int
    tj: int
    key: str
    name: str
    type: EntityType
    kind: str | None = None
    country: str | None = None
    source: str = "gaz"  # gaz | name | desc | def
    entry: GazEntry | None = None
    person_hint: bool = False


_START = operator.attrgetter("start")
_END = operator.attrgetter("end")
_OPENS_CLAUSE = operator.methodcaller("endswith", tuple('“"‘:—–(-'))


class _Doc:
    """Tokens of one text with the facts the rules need (sentence starts, lower-case words)."""

    def __init__(self, text: str, sentences: list[tuple[int, int]]) -> None:
        self.text = text
        parts = _TOKEN_SPLIT.split(text)  # gap, token, gap, token, ..., gap
        self.toks = toks = parts[1::2]
        offsets = list(accumulate(map(len, parts)))
        self.ends = offsets[1::2]
        self.starts = offsets[0:-1:2]
        self.n = n = len(toks)
        self.lows = list(map(str.lower, toks))
        self.lower, arabic = _word_facts(toks)
        self.arabic = arabic
        capflag = list(map(str.isupper, map(operator.itemgetter(0), toks)))
        if arabic:  # "al-Tanf": a name that starts in lower case
            for k, t in enumerate(toks):
                if t in arabic:
                    capflag[k] = True
        self.capflag = capflag
        self.caps = caps = list(compress(range(n), capflag))
        self.norms = _Norms(toks, caps)
        # capitalised (or al-Tanf-style) tokens that can be part of a name
        self.capok = set(compress(caps, map(_CAP_OK.__getitem__, map(toks.__getitem__, caps))))
        self.initial = self._initials(sentences, parts)
        self.headline = self._headlines(sentences)

    def _initials(self, sentences: list[tuple[int, int]], parts: list[str]) -> set[int]:
        """Token indices that begin a sentence, a quotation or a clause after a colon or dash."""
        out: set[int] = set()
        starts = self.starts
        for s, _e in sentences:
            ti = bisect.bisect_left(starts, s)
            if ti < self.n:
                out.add(ti)
        # capitalised tokens right after an opening quote, a colon, a dash or a bracket
        gaps = map(parts.__getitem__, map((2).__mul__, self.caps))  # the text before each
        out.update(compress(self.caps, map(_OPENS_CLAUSE, map(str.rstrip, gaps))))
        if self.n:
            out.add(0)
        return out

    def _headlines(self, sentences: list[tuple[int, int]]) -> set[int]:
        """Token indices inside Title Case sentences (headlines), where only known names count."""
        out: set[int] = set()
        starts, capflag, toks, text = self.starts, self.capflag, self.toks, self.text
        # running counts of long words (over 3 letters) and of capitalised long words
        long_words = list(map((3).__lt__, map(len, toks)))
        n_long = [0, *accumulate(long_words)]
        n_caps = [0, *accumulate(map(operator.and_, long_words, capflag))]
        for s, e in sentences:
            if e - s > 300:
                continue  # headlines are short
            ti = bisect.bisect_left(starts, s)
            tj = bisect.bisect_left(starts, e)
            n_words = n_long[tj] - n_long[ti]
            if n_words < 4:
                continue
            caps = n_caps[tj] - n_caps[ti]
            if caps < 0.7 * n_words:
                continue  # the common case: a sentence, not a headline
            unpunctuated = text[e - 1] not in ".!?\"”'’)"
            if unpunctuated or (
                caps == n_words
                and not any(  # nor a lower-case three-letter word (a verb) outside _SMALL_WORDS
                    not capflag[k] and len(toks[k]) == 3 and toks[k] not in _SMALL_WORDS
                    for k in range(ti, tj)
                )
            ):
                out.update(range(ti, tj))
        return out

    def plain_gap(self, i: int, j: int) -> bool:
        """True when tokens ``i`` and ``j`` are separated by ordinary spaces only."""
        gap = self.text[self.ends[i] : self.starts[j]]
        return 0 < len(gap) <= 2 and (gap == " " or (gap.isspace() and "\n" not in gap))

    def norm(self, i: int) -> str:
        return self.norms[i]


class _Norms(dict[int, str]):
    """``norm_token`` of each token by index: capitalised ones up front, the others when asked.

    Normalising every word of every text would be wasted work (and fill the word cache).
    """

    def __init__(self, toks: list[str], caps: list[int]) -> None:
        super().__init__(zip(caps, map(norm_token, map(toks.__getitem__, caps)), strict=True))
        self.toks = toks

    def __missing__(self, i: int) -> str:
        w = self[i] = norm_token(self.toks[i])
        return w


class _CapOk(dict[str, bool]):
    """Whether a capitalised token can be part of a name (no long all-capital word or number), per word."""

    def __missing__(self, t: str) -> bool:
        ok = not (len(t) > 6 and t.isupper()) and (t.isalpha() or not any(ch.isdigit() for ch in t))
        if len(self) > 100_000:
            self.clear()
        self[t] = ok
        return ok


_CAP_OK = _CapOk()


def _word_facts(toks: list[str]) -> tuple[set[str], set[str]]:
    """The lower-case words of a text (what ``\\b[a-z][a-z]+\\b`` finds in it) and its ``al-Tanf`` tokens.

    Works on the distinct tokens: plain lower-case ASCII words are taken as they are, and the
    few tokens with hyphens, apostrophes or dots ("well-known", "don't") are searched for
    their lower-case parts. The filters run in C, not as a Python loop over the tokens.
    """
    words = set(toks)
    lower = set(filter(str.isascii, filter(str.islower, filter(str.isalpha, words))))
    lower -= _SINGLE_LETTERS
    joined = list(filterfalse(str.isalnum, words))
    arabic: set[str] = set()
    if joined:
        lower.update(_LOWER_WORD.findall(" ".join(joined)))
        arabic = {t for t in joined if "-" in t[2:4] and _ARABIC_LOWER.match(t) is not None}
    return lower, arabic


def find_mentions(
    text: str, sentences: list[tuple[int, int]], *, gazetteer: Gazetteer | None = None
) -> tuple[list[Mention], list[tuple[str, str]]]:
    """Entity mentions of ``text`` and the ``(alias, key)`` pairs its acronym definitions teach.

    ``sentences`` are the spans of :func:`claimtrace.nlp.sentences.split_sentences`.
    """
    gaz = gazetteer or default_gazetteer()
    doc = _Doc(text, sentences)
    if doc.n == 0:
        return [], []
    raw = _gazetteer_pass(doc, gaz)
    salience = _country_salience(doc, gaz, raw)
    ms = _resolve_gazetteer(doc, gaz, raw, salience)
    covered = bytearray(doc.n)
    for m in ms:
        for k in range(m.ti, m.tj + 1):
            covered[k] = 1
    ms.extend(_name_pass(doc, gaz, covered))
    ms.sort(key=_START)
    _resolve_surnames(doc, ms)
    aliases = _acronym_definitions(doc, gaz, ms)
    ms.extend(_descriptors(doc, gaz, ms))
    ms.sort(key=_END, reverse=True)  # by start, then longest first (both sorts are stable)
    ms.sort(key=_START)
    names = _display_names(ms)
    out = [
        Mention(m.start, m.end, text[m.start : m.end], m.type, m.key, names.get(m.key, m.name)) for m in ms
    ]
    return out, aliases


# --------------------------------------------------------------------------- gazetteer names


def _gazetteer_pass(doc: _Doc, gaz: Gazetteer) -> list[tuple[int, int, list[GazEntry]]]:
    """Longest gazetteer matches ``(first token, last token, candidate entries)``, left to right."""
    out: list[tuple[int, int, list[GazEntry]]] = []
    toks, trie, norms = doc.toks, gaz.trie, doc.norms
    after = -1
    # only capitalised tokens that start some gazetteer name can start a match
    for i in compress(doc.caps, map(trie.__contains__, map(norms.__getitem__, doc.caps))):
        if i <= after:
            continue
        node = trie[norms[i]]
        best: tuple[int, list[GazEntry]] | None = None
        j = i
        while node is not None:
            hits = node.get("")
            if hits:
                ok = list(dict.fromkeys(h.entry_id for h in hits if _case_ok(doc, i, j, h.acronym, h.strict)))
                if ok:
                    best = (j, [gaz.entries[e] for e in ok])
            j += 1
            if j >= doc.n or not doc.plain_gap(j - 1, j) or toks[j - 1].endswith(("'s", "’s")):
                break
            node = node.get(norms[j])
        if best is None or (best[0] == i and _inside_person(doc, i, best[1])):
            continue
        out.append((i, best[0], best[1]))
        after = best[0]
    return out


def _inside_person(doc: _Doc, i: int, entries: list[GazEntry]) -> bool:
    """ "George Washington", "Jordan Peterson": a one-word place that is part of a person's name."""
    if any(e.type not in ("GPE", "LOC") for e in entries):
        return False
    if (
        i > 0
        and doc.toks[i - 1].lower() in FIRST_NAMES
        and doc.toks[i - 1][0].isupper()
        and doc.plain_gap(i - 1, i)
    ):
        return True
    nxt = i + 1
    return (
        nxt < doc.n
        and doc.toks[i].lower() in FIRST_NAMES
        and doc.toks[nxt][:1].isupper()
        and doc.plain_gap(i, nxt)
        and norm_token(doc.toks[nxt]) not in _NON_SURNAME
    )


_NON_SURNAME = frozenset({"said", "says"})


def _case_ok(doc: _Doc, i: int, j: int, acronym: bool, strict: bool) -> bool:
    """Capitalisation and context checks for a candidate gazetteer match of tokens ``i..j``."""
    toks = doc.toks
    if acronym:
        if not all(_bare(toks[k]).isupper() for k in range(i, j + 1)):
            return False
        # "LET US GO": an acronym between all-capital words is ordinary shouting, not a name
        prev_caps = i > 0 and toks[i - 1].isupper() and len(toks[i - 1]) > 1
        next_caps = j + 1 < doc.n and toks[j + 1].isupper() and len(toks[j + 1]) > 1
        if prev_caps and next_caps:
            return False
    else:
        caps = 0
        for k in range(i, j + 1):
            t = toks[k]
            if t[0].isupper() or _ARABIC_LOWER.match(t):
                caps += 1
            elif t.lower() not in CONNECTORS and not t[0].isdigit():
                return False
        if caps == 0:
            return False
        if i == j and i in doc.initial and toks[i].lower() in doc.lower and len(toks[i]) > 3:
            return False  # "Turkey" at a sentence start of a text that speaks of turkey
    if strict:
        nxt = toks[j + 1].lower() if j + 1 < doc.n else ""
        before = doc.text[max(0, doc.starts[i] - 2) : doc.starts[i]]
        after = doc.text[doc.ends[j] : doc.ends[j] + 1]
        if not (nxt in GROUP_NOUNS or (before.endswith("(") and after == ")")):
            return False
    return True


def _bare(tok: str) -> str:
    """A token without dots and a possessive ending (``U.S.`` -> ``US``, ``SVR's`` -> ``SVR``)."""
    tok = tok.replace(".", "")
    if tok.endswith(("'s", "’s")):
        tok = tok[:-2]
    return tok


def _country_salience(doc: _Doc, gaz: Gazetteer, raw: list[tuple[int, int, list[GazEntry]]]) -> Counter[str]:
    """How often each country is named or qualified (demonyms) in the document."""
    c: Counter[str] = Counter()
    for _i, _j, entries in raw:
        e = entries[0]
        if e.kind == "country":
            c[e.id] += 1
        elif e.capital_of:
            c[e.capital_of] += 1
    # capitalised tokens (al-Tanf-style ones skipped) that are demonyms
    caps = doc.caps if not doc.arabic else [i for i in doc.caps if doc.toks[i][0].isupper()]
    c.update(filter(None, map(gaz.demonyms.get, map(doc.norms.__getitem__, caps))))
    return c


def _unknown_qualifier(tok: str) -> bool:
    """A capitalised proper word before a country-bound name ("Harlan" in "Harlan Interior Ministry")."""
    low = tok.lower()
    return tok.isalpha() and tok[0].isupper() and low not in COMMON_CAP and low not in COMMON_WORDS


def _resolve_gazetteer(
    doc: _Doc, gaz: Gazetteer, raw: list[tuple[int, int, list[GazEntry]]], salience: Counter[str]
) -> list[_M]:
    """Turn raw matches into mentions: qualifiers, ambiguity, metonymy, trailing place heads."""
    out: list[_M] = []
    seen: set[str] = set()
    by_end = {j: idx for idx, (_i, j, _e) in enumerate(raw)}
    dropped: set[int] = set()
    quals: dict[int, tuple[int, str]] = {}
    for idx, (i, _j, entries) in enumerate(raw):
        if not any(e.country for e in entries) or all(e.type != "ORG" for e in entries):
            continue
        k = i - 1
        if k < 0 or not doc.plain_gap(k, i):
            continue
        cid = None
        qstart = k
        if k in by_end:
            pidx = by_end[k]
            pi, _pj, pents = raw[pidx]
            pe = pents[0]
            ptok = doc.toks[k]
            if pe.kind == "country" and (ptok.endswith(("'s", "’s")) or _bare(ptok).isupper()):
                cid, qstart = pe.id, pi
                dropped.add(pidx)
        elif doc.toks[k][0].isupper():
            cid = gaz.demonyms.get(doc.norm(k))
            if cid is None and doc.toks[k].endswith(("'s", "’s")) and doc.toks[k][:-2].isalpha():
                cid = "?" + doc.norm(k)  # "Ruritania's Foreign Ministry": a country the gazetteer lacks
            elif cid is None and _unknown_qualifier(doc.toks[k]):
                cid = "?" + doc.norm(k)  # "the Ruritania Interior Ministry": likewise
        if cid:
            if qstart > 0 and doc.toks[qstart - 1] in ("the", "The") and doc.plain_gap(qstart - 1, qstart):
                qstart -= 1
            quals[idx] = (qstart, cid)
    for idx, (i, j, entries) in enumerate(raw):
        if idx in dropped:
            continue
        qstart, cid = quals.get(idx, (i, None))
        if cid is not None:
            pick = [e for e in entries if e.country == cid]
            if not pick:
                # a qualified name the gazetteer lacks ("the Iranian Foreign Ministry"): its own name
                surface = doc.text[doc.starts[qstart] : doc.ends[j]]
                toks = [doc.toks[k] for k in range(qstart, j + 1) if doc.toks[k].lower() != "the"]
                out.append(
                    _M(
                        doc.starts[qstart],
                        _end(doc, j),
                        qstart,
                        j,
                        "name:" + norm_phrase(toks),
                        surface.removeprefix("the ").removeprefix("The "),
                        "ORG",
                        entries[0].kind,
                        cid,
                        "name",
                    )
                )
                continue
            entry = pick[0]
        elif len(entries) == 1:
            entry = entries[0]
        else:
            chosen = _choose(entries, seen, salience)
            if chosen is None:
                # a name several countries share, with nothing here to say whose: keep it unresolved
                toks = [doc.toks[k] for k in range(i, j + 1)]
                out.append(
                    _M(
                        doc.starts[i],
                        _end(doc, j),
                        i,
                        j,
                        "name:" + norm_phrase(toks),
                        doc.text[doc.starts[i] : _end(doc, j)],
                        entries[0].type,
                        entries[0].kind,
                        None,
                        "name",
                    )
                )
                continue
            entry = chosen
        if (
            cid is None
            and entry.type == "ORG"
            and qstart > 0
            and gaz.demonyms.get(doc.norm(qstart))
            and doc.toks[qstart - 1] in ("the", "The")
            and doc.plain_gap(qstart - 1, qstart)
        ):
            qstart -= 1  # "the Russian Armed Forces": a qualified name keeps its determiner
        start = doc.starts[qstart]
        if cid is None and entry.capital_of and _metonym(doc, i, j):
            country = gaz.get(entry.capital_of)
            if country is not None:
                entry = country
        tj = j
        if entry.type in ("GPE", "LOC") and entry.kind not in ("country",) and j + 1 < doc.n:
            nxt = doc.toks[j + 1]
            if nxt in LOC_HEADS and doc.plain_gap(j, j + 1):
                tj = j + 1
        seen.add(entry.id)
        out.append(
            _M(
                start,
                _end(doc, tj),
                qstart,
                tj,
                entry.key,
                entry.name,
                entry.type,
                entry.kind,
                entry.country or (entry.id if entry.kind == "country" else None),
                "gaz",
                entry,
            )
        )
    return out


def _end(doc: _Doc, j: int) -> int:
    """End offset of token ``j`` without a possessive ending."""
    t = doc.toks[j]
    if t.endswith(("'s", "’s")) and len(t) > 3:
        return doc.ends[j] - 2
    if t.endswith(("'", "’")):
        return doc.ends[j] - 1
    return doc.ends[j]


def _choose(entries: list[GazEntry], seen: set[str], salience: Counter[str]) -> GazEntry | None:
    """Pick among entries sharing an alias: one already named here, else the most salient country.

    None when the entries belong to different countries and none of them is mentioned here.
    """
    for e in entries:
        if e.id in seen:
            return e
    scored = [(salience.get(e.country or "", 0), -n, e) for n, e in enumerate(entries)]
    best = max(scored, key=lambda x: (x[0], x[1]))
    if best[0] == 0 and len({e.country for e in entries}) > 1:
        return None
    return best[2]


_CAPITAL_CITY_AFTER = re.compile(r",? ?(?:D\.C\.|DC|state\b)")


def _metonym(doc: _Doc, i: int, j: int) -> bool:
    """A capital used for its government ("Washington said", "loyal to Moscow"), not as a place."""
    prev = doc.toks[i - 1].lower() if i > 0 else ""
    if prev in METONYM_BLOCK:
        return False
    nxt = doc.text[doc.ends[j] : doc.ends[j] + 6]
    return not _CAPITAL_CITY_AFTER.match(nxt)


# --------------------------------------------------------------------------- other names


def _name_pass(doc: _Doc, gaz: Gazetteer, covered: bytearray) -> list[_M]:
    """Names from runs of capitalised words outside gazetteer matches."""
    out: list[_M] = []
    toks, lows, capok, headline, n = doc.toks, doc.lows, doc.capok, doc.headline, doc.n
    after = -1
    for i in doc.caps:
        if i <= after or covered[i] or i not in capok or i in headline:
            continue
        k = i + 1  # the run is tokens i .. k-1
        while k < n and not covered[k]:
            last = k - 1
            if toks[last].endswith(("'s", "’s")):
                break
            if k in capok and (doc.plain_gap(last, k) or _initial_gap(doc, last, k)):
                k += 1
                continue
            # connectors inside names: "Council of Europe", "Osama bin Laden", "Lions of the East"
            m = k
            while m < n and m - k < 2 and toks[m] in NAME_CONNECTORS and doc.plain_gap(m - 1, m):
                m += 1
            if (
                m > k
                and m < n
                and not covered[m]
                and m in capok
                and doc.plain_gap(m - 1, m)
                # "Jane Roe of the Example Bureau": a person, then an organisation
                and not any(lows[r] in FIRST_NAMES for r in range(i, k))
            ):
                k = m + 1
                continue
            break
        after = k - 1
        if k == i + 1:
            low = lows[i]
            if (
                (low in COMMON_CAP or low in COMMON_WORDS)
                and low not in FIRST_NAMES
                and not toks[i].isupper()
            ):
                continue  # "The", "But", "According": the commonest case, decided without more work
        m_ = _make_name(doc, gaz, i, k)
        if m_ is not None:
            out.append(m_)
    return out


def _initial_gap(doc: _Doc, a: int, b: int) -> bool:
    """``George W. Bush``: a one-letter initial followed by a period and a space."""
    return len(doc.toks[a]) == 1 and doc.toks[a].isupper() and doc.text[doc.ends[a] : doc.starts[b]] == ". "


def _make_name(doc: _Doc, gaz: Gazetteer, a: int, b: int) -> _M | None:
    """Clean a run of capitalised words (tokens ``a .. b-1``) into a name mention (or None)."""
    toks, lows, norms = doc.toks, doc.lows, doc.norms
    person = False
    # leading sentence-initial common words, titles, demonyms and connectors
    while a < b:
        low = lows[a]
        if low in CONNECTORS or low in COMMON_CAP:
            a += 1
            continue
        if (
            a in doc.initial
            and (low in doc.lower or low in COMMON_WORDS or low in TITLE_PARTS)
            and low not in FIRST_NAMES
        ):
            if low in TITLES:
                person = True
            a += 1
            continue
        bare = low.rstrip(".")
        if bare in TITLE_PARTS and b - a > 1:
            person = person or bare in TITLES
            a += 1
            continue
        if b - a > 1 and (gaz.demonyms.get(norms[a]) or low in ETHNIC):
            a += 1
            continue
        break
    if b - a > 2:
        inner = [k for k in range(a + 1, b - 1) if lows[k] in TITLES]
        if inner:
            person = True  # "Zendan President Olga Varnik"
            a = inner[-1] + 1
    while b > a and lows[b - 1] in CONNECTORS:
        b -= 1
    if a >= b:
        return None
    words = toks[a:b]
    wlows = lows[a:b]
    if b - a == 1:
        w = words[0]
        low = wlows[0]
        if (
            ((len(w) < 4 or "." in w) and len(_bare(w)) < 2)
            or low in COMMON_CAP
            or low in TITLE_PARTS
            or low in ORG_HEADS
            or low in LOC_HEADS
        ):
            return None
        norm = norms[a]
        if (
            gaz.demonyms.get(norm)
            or low in ETHNIC
            or (norm.endswith("s") and gaz.demonyms.get(norm[:-1]))  # "Americans": a people
        ):
            return None
        if w.isupper() and any(h.strict for h in gaz.trie.get(norm, {}).get("", [])):
            return None  # "It IS true": a strict alias without its context is no name either
        if "-" in w and w.rsplit("-", 1)[1][:1].islower():
            return None  # "US-led", "Kremlin-backed": an adjective
        if (
            (low in doc.lower or low in COMMON_WORDS)
            and not person
            and not w.isupper()
            and low not in FIRST_NAMES
        ):
            return None
    elif (
        not person
        and wlows[0] not in FIRST_NAMES
        and wlows[-1] not in ORG_HEADS
        and wlows[-1] not in LOC_HEADS
        and all(w in doc.lower or w in COMMON_WORDS or w in NAME_CONNECTORS for w in wlows)
    ):
        return None  # Title Case common words ("Most Popular")
    i, j = a, b - 1
    prev = lows[i - 1] if i > 0 else ""
    nxt = lows[j + 1] if j + 1 < doc.n else ""
    typ = _name_type(doc, j, words, wlows, person, prev, nxt)
    if b - a == 1:
        key = "name:" + norm  # norm_phrase of one word (of two letters or more: see above)
    else:
        key = "name:" + norm_phrase([w for w in words if len(w) > 1] if typ == "PERSON" else words)
    if key == "name:":
        return None
    start, end = doc.starts[i], _end(doc, j)
    return _M(
        start,
        end,
        i,
        j,
        key,
        doc.text[start:end],
        typ,
        None,
        None,
        "name",
        person_hint=person or nxt in SPEECH_VERBS,
    )


def _name_type(
    doc: _Doc, j: int, words: list[str], lows: list[str], person: bool, prev: str, nxt: str
) -> EntityType:
    """PERSON / ORG / LOC / OTHER for a name outside the gazetteer."""
    last = lows[-1].rstrip("'’s") if lows[-1].endswith(("'s", "’s")) else lows[-1]
    if last in ORG_HEADS or (lows[0] in ORG_STARTS and len(lows) > 2):
        return "ORG"
    if last in LOC_HEADS:
        return "LOC"
    if person or (lows[0] in FIRST_NAMES and len(words) > 1):
        return "PERSON"
    if 2 <= len(words) <= 3 and prev in ROLE_NOUNS and all(map(str.isalpha, words)):
        return "PERSON"  # "its press officer, Ivo Lenk"
    if all(map(str.isupper, words)):
        return "ORG"
    nxt2 = doc.lows[j + 2] if j + 2 < doc.n else ""
    if (
        nxt in LOC_NOUNS
        or nxt2 in LOC_NOUNS
        or prev in LOC_NOUNS
        or (prev in LOC_PREPS and len(words) == 1 and "-" in words[0])
    ):
        return "LOC"
    if 2 <= len(words) <= 3 and all(w[:1].isupper() and w.isalpha() for w in words) and nxt in SPEECH_VERBS:
        return "PERSON"
    return "OTHER"


def _resolve_surnames(doc: _Doc, ms: list[_M]) -> None:
    """A one-word name equal to the last word of a person's full name here is that person."""
    full: dict[str, list[_M]] = {}
    singles = [m for m in ms if m.source == "name" and m.ti == m.tj]
    surname_used = {doc.norm(m.ti) for m in singles}
    for m in ms:
        if m.source != "name" or m.tj == m.ti:
            continue
        if (
            m.type == "OTHER"
            and doc.norm(m.tj) in surname_used
            and m.tj - m.ti <= 2
            and all(doc.toks[k].isalpha() for k in range(m.ti, m.tj + 1))
        ):
            m.type = "PERSON"  # "Hossein Amirabdollahian ... Amirabdollahian said"
        if m.type == "PERSON":
            full.setdefault(doc.norm(m.tj), []).append(m)
    for m in singles:
        cands = full.get(doc.norm(m.ti))
        if not cands:
            if m.person_hint and m.type == "OTHER":
                m.type = "PERSON"
            continue
        before = [c for c in cands if c.start < m.start]
        c = before[-1] if before else cands[0]
        m.key, m.name, m.type = c.key, c.name, "PERSON"


# --------------------------------------------------------------------------- aliases and descriptors


def _acronym_definitions(doc: _Doc, gaz: Gazetteer, ms: list[_M]) -> list[tuple[str, str]]:
    """``Foreign Intelligence Service (SVR)``: learn SVR for that entity (here and corpus-wide)."""
    aliases: list[tuple[str, str]] = []
    by_start = {m.start: m for m in ms}
    learned: dict[str, _M] = {}
    for m in list(ms):
        if m.type == "PERSON" or m.source == "desc":
            continue
        d = _ACRONYM_DEF.match(doc.text, m.end)
        if not d:
            continue
        acr = d.group(1).rstrip(".")
        if sum(1 for ch in acr if ch.isupper()) < 2:
            continue
        inner = by_start.get(d.start(1))
        if inner is not None and inner.source == "gaz" and inner.key != m.key:
            continue  # "(NATO)" after another name is a different entity, not a definition
        known = gaz.lookup_all(acr)
        if known and all(e.key != m.key for e in known) and inner is None:
            continue
        if (acr, m.key) not in aliases:
            aliases.append((acr, m.key))
        learned[norm_token(acr)] = m
        if inner is not None:
            inner.key, inner.name, inner.type = m.key, m.name, m.type
        else:
            ti = next((k for k in range(m.tj, doc.n) if doc.starts[k] >= d.start(1)), m.tj)
            ms.append(
                _M(
                    d.start(1),
                    d.start(1) + len(acr),
                    ti,
                    ti,
                    m.key,
                    m.name,
                    m.type,
                    m.kind,
                    m.country,
                    "def",
                    m.entry,
                )
            )
    if learned:
        for m in ms:
            if m.source == "name" and m.ti == m.tj:
                src = learned.get(doc.norm(m.ti))
                if src is not None and src is not m:
                    m.key, m.name, m.type, m.kind = src.key, src.name, src.type, src.kind
    ms.sort(key=_START)
    return aliases


def _descriptors(doc: _Doc, gaz: Gazetteer, ms: list[_M]) -> list[_M]:
    """Mentions for "the intelligence service", "the Russian official": the latest compatible entity."""
    out: list[_M] = []
    text = doc.text
    starts = [m.start for m in ms]
    for rx, person in ((_ORG_DESC, False), (_PERSON_DESC, True)):
        for d in rx.finditer(text):
            start = d.start() - 1  # the "T" of "The"
            qual = (d.group(1) or "").strip()
            qcountry = gaz.demonyms.get(norm_token(qual)) if qual else None
            if qual and not qcountry:
                q = gaz.lookup(qual)
                qcountry = q.id if q is not None and q.kind == "country" else (q.country if q else None)
            n = _bisect_left(starts, start)
            ante = _appositive(text, ms, n, d.end()) if person else None
            if ante is None:
                ante = _antecedent(ms[:n], person, _KINDS_FOR.get(d.group(2).lower(), set()), qcountry)
            if ante is None:
                continue
            out.append(
                _M(start, d.end(), 0, 0, ante.key, ante.name, ante.type, ante.kind, ante.country, "desc")
            )
    return out


def _bisect_left(a: list[int], x: int) -> int:
    import bisect

    return bisect.bisect_left(a, x)


_APPOSITION_GAP = re.compile(r"(?:\s+(?:of|for|at|in|to)\s+[^,.;:!?“”\"]{1,70})?,?\s*")


def _appositive(text: str, ms: list[_M], n: int, end: int) -> _M | None:
    """ "the spokesperson for the Foreign Ministry, Anna Petrova": the person named right after."""
    for m in ms[n:]:
        if m.start < end:
            continue
        if m.start - end > 90:
            return None
        if m.type in ("PERSON", "OTHER") and m.source == "name" and (m.type == "PERSON" or " " in m.name):
            if _APPOSITION_GAP.fullmatch(text, end, m.start) is None:
                return None
            m.type = "PERSON"
            return m
    return None


def _antecedent(prev: list[_M], person: bool, kinds: set[str], country: str | None) -> _M | None:
    """The latest earlier mention a descriptor can stand for."""
    for m in reversed(prev):
        if m.source == "desc":
            continue
        if person:
            if m.type == "PERSON" and m.key.startswith(("name:", "gaz:")):
                return m
            continue
        if m.kind in kinds and (country is None or m.country == country):
            return m
    return None


def _display_names(ms: list[_M]) -> dict[str, str]:
    """Canonical display name per key: the gazetteer name, else the longest full form seen."""
    out: dict[str, str] = {}
    for m in ms:
        if m.source == "gaz" and m.entry is not None:
            out[m.key] = m.entry.name
    for m in ms:
        if m.key in out and m.key.startswith("gaz:"):
            continue
        if m.source in ("name",) and len(m.name) > len(out.get(m.key, "")):
            out[m.key] = m.name
    return out
