"""Entity mentions in one document: a trained tagger, the gazetteer, acronyms, descriptors.

:func:`find_mentions` combines:

1. **The tagger** (:mod:`claimtrace.nlp.ner`, trained on CoNLL-2003) labels every token with
   a PER / ORG / LOC / MISC span or outside, from word-type features and context; it decides
   what is a name here ("It", "I'm" or a Title Case headline word never is).
2. **Gazetteer** names are found by a longest-match walk over a word trie
   (:class:`~claimtrace.nlp.gazetteer.Gazetteer`) and kept where the tagger sees a name and no
   longer one around them. Short all-capital aliases match case-sensitively; ``strict``
   aliases (``IS``) need context ("IS fighters", "(IS)"). A demonym or possessive country
   before an organisation ("the Russian Foreign Ministry", "Russia's Foreign Intelligence
   Service") picks the organisation of that country and is part of the mention. A capital city
   used as an actor ("Moscow said") stands for its country. Gazetteer entries keep their
   types (a country is always GPE).
3. **Other names** are the tagger's spans outside gazetteer mentions (PER -> PERSON, ORG,
   LOC, MISC -> NORP for a lone demonym such as "Russian", else OTHER), without leading titles
   or possessive endings.
   Keys are ``name:<normalised full name>`` (:func:`claimtrace.nlp.names.name_key`).
4. **Within-document resolution**: a surname alone resolves to the full name in the same
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
from itertools import compress

import numpy as np

from claimtrace.crossdoc.boilerplate import is_furniture
from claimtrace.model import EntityType, Mention
from claimtrace.nlp import ner
from claimtrace.nlp.entity_doc import ARABIC_LOWER as _ARABIC_LOWER
from claimtrace.nlp.entity_doc import Cand as _M
from claimtrace.nlp.entity_doc import Doc as _Doc
from claimtrace.nlp.entity_doc import bare as _bare
from claimtrace.nlp.entity_doc import end_offset as _end
from claimtrace.nlp.entity_rules import (
    COMMON_CAP,
    COMMON_WORDS,
    CONNECTORS,
    ETHNIC,
    GROUP_NOUNS,
    LOC_HEADS,
    METONYM_BLOCK,
    PERSON_DESCRIPTORS,
    ROLE_NOUNS,
    TITLE_PARTS,
)
from claimtrace.nlp.gazetteer import GazEntry, Gazetteer, default_gazetteer
from claimtrace.nlp.names import FIRST_NAMES, TITLES, norm_phrase, norm_token

__all__ = ["STAGE_VERSION", "find_mentions"]

STAGE_VERSION = "entities.v2+" + ner.MODEL_VERSION

_START = operator.attrgetter("start")
_END = operator.attrgetter("end")

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
    model = ner.load_model()
    upper = _upper(doc)
    tagged = ner.tag(model, doc.toks, _context(doc, raw, upper), _lists(gaz)) if model is not None else []
    tagged = _given_names(doc, tagged)
    raw = _agree(doc, raw, tagged, upper)
    salience = _country_salience(doc, gaz, raw)
    ms = _resolve_gazetteer(doc, gaz, raw, salience)
    covered = bytearray(doc.n)
    for m in ms:
        for k in range(m.ti, m.tj + 1):
            covered[k] = 1
    ms.extend(_tagged_names(doc, gaz, tagged, covered))
    _places(doc, ms)
    ms.sort(key=_START)
    _resolve_surnames(doc, ms)
    aliases = _acronym_definitions(doc, gaz, ms)
    ms.extend(_descriptors(doc, gaz, ms))
    ms = _off_furniture(text, ms)
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


# --------------------------------------------------------------------------- the trained tagger

_TAG_TYPES: dict[str, EntityType] = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "MISC": "OTHER"}
_LISTS: dict[int, tuple[frozenset[str], ...]] = {}


def _lists(gaz: Gazetteer) -> tuple[frozenset[str], ...]:
    """The word lists behind the tagger's per-type flags (first names, titles, demonyms, common)."""
    got = _LISTS.get(id(gaz))
    if got is None:
        got = _LISTS[id(gaz)] = (
            frozenset(FIRST_NAMES),
            frozenset(TITLES),
            frozenset(gaz.demonyms),
            frozenset(COMMON_WORDS | COMMON_CAP),
        )
    return got


def _upper(doc: _Doc) -> np.ndarray:
    """1.0 for the tokens of sentences without a lower-case letter (headlines, datelines in capitals)."""
    upper = np.zeros(doc.n, dtype=np.float32)
    text, starts = doc.text, doc.starts
    for s, e in doc.sentences:
        if text[s:e].isupper():
            upper[bisect.bisect_left(starts, s) : bisect.bisect_left(starts, e)] = 1
    return upper


def _context(doc: _Doc, raw: list[tuple[int, int, list[GazEntry]]], upper: np.ndarray) -> np.ndarray:
    """The tagger's per-token context inputs for ``doc`` (see :func:`claimtrace.nlp.ner.context_inputs`)."""
    gaz: list[tuple[int, int, str]] = [(i, j, entries[0].type) for i, j, entries in raw]
    return ner.context_inputs(doc.gaps, doc.toks, doc.caps, doc.initial, doc.headline, doc.lower, upper, gaz)


def tagger_inputs(
    text: str, sentences: list[tuple[int, int]], *, gazetteer: Gazetteer | None = None
) -> tuple[list[str], list[int], list[int], np.ndarray, tuple[frozenset[str], ...]]:
    """Tokens, their offsets, the tagger's context inputs and word lists (for training the tagger)."""
    gaz = gazetteer or default_gazetteer()
    doc = _Doc(text, sentences)
    return doc.toks, doc.starts, doc.ends, _context(doc, _gazetteer_pass(doc, gaz), _upper(doc)), _lists(gaz)


_BREAKS = re.compile(r"[,;:()\[\]\"“”!?\n]|\.\s")


def _pieces(doc: _Doc, tagged: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Tagged spans cut where punctuation separates their words ("Service, the"), without
    lower-case words at either end; pieces without a capital are dropped."""
    out: list[tuple[int, int, str]] = []
    gaps, toks = doc.gaps, doc.toks
    for a, b, t in tagged:
        cuts = [k for k in range(a + 1, b + 1) if _BREAKS.search(gaps[k]) and not _initial(toks[k - 1])]
        for lo, hi in zip([a, *cuts], [*(c - 1 for c in cuts), b], strict=True):
            while lo < hi and toks[lo].islower():
                lo += 1
            while hi > lo and toks[hi].islower():
                hi -= 1
            if any(doc.capflag[lo : hi + 1]) or toks[lo][0].isdigit():
                out.append((lo, hi, t))  # ("the agency" cut off a name is no name)
    return out


def _initial(tok: str) -> bool:
    """ "W" in "George W. Bush", "St" in "St. Louis": an initial or a short place prefix (its
    period is in the gap after it)."""
    return (len(tok) == 1 and tok.isupper()) or tok in _PLACE_PREFIXES


_PLACE_PREFIXES = frozenset({"St", "Ste", "Mt", "Ft", "Pt"})


def _given_names(doc: _Doc, tagged: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A known given name and the capitalised words after it make one person ("Olga" + "Varnik")."""
    out: list[tuple[int, int, str]] = []
    lows, toks = doc.lows, doc.toks
    for a, b, t in _pieces(doc, tagged):
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev[1] == a - 1
            and lows[prev[1]] in FIRST_NAMES
            and toks[a][:1].isupper()
            and doc.plain_gap(a - 1, a)
            and b - prev[0] < 3
        ):
            out[-1] = (prev[0], b, "PER")  # "Olga" (PER) "Varnik" (LOC): one name
            continue
        if (
            t != "PER"
            and 0 < b - a < 3
            and (
                lows[a] in FIRST_NAMES or (a > 1 and lows[a - 1] in ROLE_NOUNS and doc.gaps[a].strip() == ",")
            )
            and all(toks[k].isalpha() for k in range(a, b + 1))
        ):
            t = "PER"  # "Olga Varnik" tagged ORG; "its press officer, Ivo Lenk"
        elif t == "ORG" and a == b and _says(doc, b) and toks[a].istitle() and toks[a].isalpha():
            t = "PER"  # "..., Varnik said": a surname that speaks
        out.append((a, b, t))
    return out


_SAY = frozenset({"said", "says", "told", "added", "wrote", "argued", "insisted", "stressed"})


def _says(doc: _Doc, j: int) -> bool:
    """Token ``j`` is followed by a verb of saying and comes after a comma or a sentence start."""
    return (
        j + 1 < doc.n
        and doc.lows[j + 1] in _SAY
        and doc.plain_gap(j, j + 1)
        and (j in doc.initial or doc.gaps[j].strip() == ",")
    )


def _agree(
    doc: _Doc,
    raw: list[tuple[int, int, list[GazEntry]]],
    tagged: list[tuple[int, int, str]],
    upper: np.ndarray,
) -> list[tuple[int, int, list[GazEntry]]]:
    """Gazetteer matches the tagger confirms: some token tagged as a name, and no longer tagged
    name around it (a qualifier just before it is the gazetteer's to handle). A tagged name that
    starts with a country loses the country (``tagged`` is changed in place)."""
    span = [-1] * doc.n
    for k, (a, b, _t) in enumerate(tagged):
        span[a : b + 1] = [k] * (b - a + 1)
    out = []
    for i, j, entries in raw:
        hits = {span[k] for k in range(i, j + 1)} - {-1}
        if not hits:
            if j > i or (not upper[i] and _distinctive(doc, i)):
                out.append((i, j, entries))  # several words, an acronym ("IS fighters"), "At-Tanf"
            continue  # "Sun" in "Sun Belt", "Chase" at a sentence start: not a name here
        if len(hits) == 1:
            k = hits.pop()
            a, b, t = tagged[k]
            if (
                a == i
                and b > j
                and t != "ORG"
                and entries[0].kind == "country"
                and doc.toks[j + 1][:1].isupper()
            ):
                tagged[k] = (j + 1, b, "LOC" if t == "MISC" else t)  # "US Al-Tanf": a country, then a name
            elif b == j + 1 and doc.toks[b] in LOC_HEADS:
                pass  # "Homs Governorate": the gazetteer's place with its head (see _resolve_gazetteer)
            elif b > j or a < i - 1 or (a == i - 1 and not _qualifiable(entries)):
                continue  # "Bank of England", "Air France": the tagger's longer name wins
            elif _clash(entries[0], t):
                continue  # "Chicago" the team, "Washington" the person: not the gazetteer's entity
        out.append((i, j, entries))
    return out


def _distinctive(doc: _Doc, i: int) -> bool:
    """A one-word gazetteer name that needs no tagger to be one: an acronym, or a word that is
    no common word, away from the start of a sentence."""
    tok = doc.toks[i]
    if tok.isupper():
        return len(_bare(tok)) > 1
    low = doc.lows[i]
    return i not in doc.initial and low not in COMMON_WORDS and low not in doc.lower and low not in COMMON_CAP


def _qualifiable(entries: list[GazEntry]) -> bool:
    """An organisation a country qualifies ("the Russian Foreign Ministry"): see _resolve_gazetteer."""
    return any(e.country for e in entries) and any(e.type == "ORG" for e in entries)


def _clash(e: GazEntry, tag: str) -> bool:
    """The tagger's type rules out the entry: a city or region used as a team or a person's name,
    a person's name used as a place or an organisation. A country stays a country."""
    if e.type in ("GPE", "LOC"):
        return e.kind != "country" and tag in ("ORG", "PER")
    return e.type == "PERSON" and tag in ("ORG", "LOC")


def _tagged_names(
    doc: _Doc, gaz: Gazetteer, tagged: list[tuple[int, int, str]], covered: bytearray
) -> list[_M]:
    """Name mentions for the tagger's spans outside gazetteer mentions."""
    out: list[_M] = []
    toks, lows = doc.toks, doc.lows
    for a, b, t in tagged:
        if any(covered[a : b + 1]):
            continue
        while t == "PER" and a < b and lows[a].rstrip(".") in TITLE_PARTS:
            a += 1  # "President Olga Varnik": the title is not part of the name
        low = lows[a]
        if a == b and (_function_word(toks[a], low) or len(_bare(toks[a])) < 2):
            continue  # "It", "I'm", "We're": never a name
        typ = _TAG_TYPES[t]
        if (
            t == "MISC"
            and a == b
            and (gaz.demonyms.get(doc.norm(a)) or low in ETHNIC or _plural_demonym(doc, gaz, a))
        ):
            typ = "NORP"  # "Russian", "Kurds": a people
        words = toks[a : b + 1]
        key = "name:" + norm_phrase([w for w in words if len(w) > 1] if typ == "PERSON" else words)
        if key == "name:":
            continue
        start, end = doc.starts[a], _end(doc, b)
        out.append(_M(start, end, a, b, key, doc.text[start:end], typ, None, None, "name"))
        covered[a : b + 1] = b"\x01" * (b - a + 1)
    # names with an Arabic article ("al-Tanf", "At-Tanf"), rare in the tagger's Reuters training text
    for k in doc.caps:  # (al-Tanf-style tokens count as capitalised)
        tok = toks[k]
        if not covered[k] and "-" in tok[2:4] and _ARABIC_LOWER.match(tok[0].lower() + tok[1:]):
            start, end = doc.starts[k], _end(doc, k)
            out.append(
                _M(start, end, k, k, "name:" + doc.norm(k), doc.text[start:end], "OTHER", source="name")
            )
    return out


_PLACE_PREPS = frozenset({"through", "via", "across", "into", "near", "outside", "inside", "throughout"})
_PLACE_NOUNS = frozenset({"port", "city", "town", "village", "province", "region", "district", "island"})


def _places(doc: _Doc, ms: list[_M]) -> None:
    """A one-word name the document puts after "through" or "the port of" is a place: every
    mention of it that the tagger typed as a person or left untyped becomes LOC."""
    lows = doc.lows
    keys = set()
    for m in ms:
        if m.source == "name" and m.ti == m.tj and m.type in ("PERSON", "OTHER") and m.ti > 1:
            before = lows[m.ti - 1]
            if before in _PLACE_PREPS or (before == "of" and lows[m.ti - 2] in _PLACE_NOUNS):
                keys.add(m.key)
    if keys:
        for m in ms:
            if m.key in keys and m.source == "name" and m.ti == m.tj and m.type in ("PERSON", "OTHER"):
                m.type = "LOC"


def _function_word(tok: str, low: str) -> bool:
    """A pronoun or other function word, alone or contracted ("It", "They're", "I'll")."""
    if tok.isupper() and len(tok) > 1:
        return False  # "US", "IT" (the trade): capitals decide
    return low in COMMON_CAP or low.replace("’", "'").split("'")[0] in COMMON_CAP


_FURNITURE_MAX = 120  # longer lines are prose (and the furniture lexicon is slow on them)


def _off_furniture(text: str, ms: list[_M]) -> list[_M]:
    """Mentions outside lines of page furniture ("Read more on The Sun", "Most read in ...")."""
    verdict: dict[int, bool] = {}
    out = []
    for m in ms:
        a = text.rfind("\n", 0, m.start) + 1
        got = verdict.get(a)
        if got is None:
            b = text.find("\n", m.end)
            b = b if b >= 0 else len(text)
            got = verdict[a] = b - a <= _FURNITURE_MAX and is_furniture(text[a:b])
        if not got:
            out.append(m)
    return out


def _plural_demonym(doc: _Doc, gaz: Gazetteer, i: int) -> bool:
    """ "Americans", "Ukrainians": the plural of a demonym."""
    t = doc.toks[i]
    return t.endswith("s") and gaz.demonyms.get(norm_token(t[:-1])) is not None


def _resolve_surnames(doc: _Doc, ms: list[_M]) -> None:
    """A one-word name equal to the last word of a person's full name here (tagged or gazetteer)."""
    full: dict[str, list[_M]] = {}
    singles = [m for m in ms if m.source == "name" and m.ti == m.tj and m.type != "NORP"]
    for m in ms:
        if m.source in ("name", "gaz") and m.tj > m.ti and m.type == "PERSON":
            full.setdefault(doc.norm(m.tj), []).append(m)
    for m in singles:
        cands = full.get(doc.norm(m.ti))
        if cands:
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
            n = bisect.bisect_left(starts, start)
            ante = _appositive(text, ms, n, d.end()) if person else None
            if ante is None:
                ante = _antecedent(ms[:n], person, _KINDS_FOR.get(d.group(2).lower(), set()), qcountry)
            if ante is None:
                continue
            out.append(
                _M(start, d.end(), 0, 0, ante.key, ante.name, ante.type, ante.kind, ante.country, "desc")
            )
    return out


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
