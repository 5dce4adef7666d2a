"""Name normalisation: one folded form for the spelling variants of a name.

``norm_token`` maps a single word to a comparison form: case and accents folded, curly
apostrophes straightened, a possessive ``'s`` dropped, Arabic definite-article assimilation
unified (``At-Tanf``, ``as-Suwayda``, ``el-Arish`` -> ``al-...``) and common transliteration
variants collapsed (``Sergei``/``Sergey``, ``Dmitrii``/``Dmitriy``/``Dmitry``, ``kh``/``h``,
``ph``/``f``, ``Qaeda``/``Qaida``, ``Zelenskyy``/``Zelenskiy``/``Zelenskii``, ``-ych``/``-ich``).
``name_key`` joins the normalised words of a full name into the ``name:...`` entity key used by
:mod:`claimtrace.nlp.entities`. ``given_names_compatible`` says whether two given names can be one
person's (a known variant or hypocoristic, or a clear prefix), for the corpus linker.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "ARABIC_ARTICLE",
    "fold",
    "given_name_buckets",
    "given_names_compatible",
    "name_key",
    "norm_phrase",
    "norm_token",
    "strip_possessive",
]

_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-"}
)
# al-/el-/at-/as-/ad-/an-/ar-/ash-/az-/ath-/adh-/ad-/al ... (sun-letter assimilation of the article)
ARABIC_ARTICLE = re.compile(
    r"^(?:al|el|il|ul|at|as|ad|an|ar|ash|az|ath|adh|ats|ed|es|et|en|er|ez|esh)-(?=\w)"
)
_DOTTED = re.compile(r"(?:\w\.)+\w?")
_POSSESSIVE = re.compile(r"(?:'s|')$")
# Transliteration variants, applied in this order to each part of a word (3+ letters, not "al").
# Each rule runs only when a cheap string test says its pattern can match.
_AE = re.compile(r"(?<=[a-z])ae(?=[a-z])")  # Qaeda/Qaida, Mikhael/Mikhail
_IY_END = re.compile(r"(?:iy|ii|yy|yi|ij)$")  # Dmitriy/Dmitrii/Dmitry
_EI_END = re.compile(r"ei$")  # Sergei/Sergey, Alexei/Alexey
_AI_END = re.compile(r"ai$")  # Nikolai/Nikolay
_I_END = re.compile(r"(?<=[^aeiouy])i$")  # Yuri/Yury
_YE_START = re.compile(r"^ye(?=[a-z])")  # Yevgeny/Evgeny
_YCH_END = re.compile(r"ych$")  # Yanukovych/Yanukovich
_DOUBLED = re.compile(r"(.)\1")  # doubled letters: Mohammed/Mohamed


def _transliterate(part: str) -> str:
    """One part of a word with its transliteration variants unified."""
    if "kh" in part:
        part = part.replace("kh", "h")
    if "ph" in part:
        part = part.replace("ph", "f")
    if "ae" in part:
        part = _AE.sub("ai", part)
    if part.endswith(("iy", "ii", "yy", "yi", "ij")):
        part = _IY_END.sub("y", part)
    if part.endswith("ei"):
        part = _EI_END.sub("ey", part)
    if part.endswith("ai"):
        part = _AI_END.sub("ay", part)
    if part.endswith("i"):
        part = _I_END.sub("y", part)
    if part.endswith("ych"):
        part = _YCH_END.sub("ich", part)
    if part.startswith("ye"):
        part = _YE_START.sub("e", part)
    return _DOUBLED.sub(r"\1", part)


def fold(text: str) -> str:
    """Case-, accent-, quote- and space-folded form of any string (for loose comparison)."""
    if text.isascii():  # nothing to decompose; of the quotes only the backtick is ASCII
        return " ".join(text.replace("`", "'").lower().split())
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


def strip_possessive(word: str) -> str:
    """``Russia's`` -> ``Russia``; ``Reuters'`` keeps its ``s``; other words unchanged."""
    w = word.translate(_QUOTES)
    if w.endswith("'s") or w.endswith("'S"):
        return word[:-2]
    if w.endswith("s'"):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def norm_token(word: str) -> str:
    """Comparison form of one word of a name (see the module docstring)."""
    w = fold(word)
    if len(w) > 2 and w.endswith(("'s", "'")):
        w = _POSSESSIVE.sub("", w)
    w = w.strip(".'\"")
    if "." in w and _DOTTED.fullmatch(w):
        w = w.replace(".", "")  # U.S. -> us
    art = ARABIC_ARTICLE.match(w)
    if art:
        w = "al-" + w[art.end() :]
    if w.isalpha() or "-" in w:
        parts = w.split("-")
        out = []
        for part in parts:
            if part == "al" or len(part) < 3:
                out.append(part)
                continue
            out.append(_transliterate(part))
        w = "-".join(out)
    return w


def norm_phrase(words: list[str] | tuple[str, ...]) -> str:
    """Normalise a sequence of words; a separate article word (``Al Qaeda``) is joined with a hyphen."""
    out: list[str] = []
    pending_article = False
    for word in words:
        t = norm_token(word)
        if not t:
            continue
        if (
            t in ("al", "el", "ad", "an", "as", "at", "ar", "ash", "az")
            and not pending_article
            and len(words) > 1
        ):
            pending_article = True
            continue
        if pending_article:
            t = "al-" + t if not t.startswith("al-") else t
            pending_article = False
        out.append(t)
    if pending_article:
        out.append("al")
    return " ".join(out)


_WORDS = re.compile(r"[\w'’.-]+")


def name_key(name: str) -> str:
    """The ``name:<folded full name>`` key of a name that is not in the gazetteer."""
    return "name:" + norm_phrase(_WORDS.findall(name))


# One person's given names across languages and transliterations, and their short forms (facts:
# Russian/Ukrainian/English equivalents, common hypocoristics). Compared after norm_token.
_GIVEN_VARIANTS = [
    "vladimir volodymyr vlad volodya wladimir",
    "alexander oleksandr aleksandr alexandr alex sasha alexandre alessandro alejandro",
    "alexei alexey aleksei aleksey oleksiy oleksii",
    "andrew andy andrey andrei andriy andrii",
    "anatoly anatoliy anatolii",
    "arseny arseniy arsenii",
    "benjamin ben bibi binyamin",
    "dmitry dmitri dmytro dmitriy",
    "donald don",
    "edward ed ted eddie",
    "elena olena yelena",
    "elizabeth liz beth betty",
    "eugene yevgeny evgeny yevhen",
    "gennady hennadiy gennadiy",
    "grigory hryhoriy gregory",
    "igor ihor",
    "irina iryna",
    "james jim jimmy",
    "joseph joe joey",
    "katherine kate kathy catherine kathryn katie",
    "kirill kyrylo",
    "michael mike mikhail mykhailo",
    "mohammed muhammad mohamed mohammad mohamad muhammed",
    "natalia natalya nataliya",
    "nicholas nick nikolai nikolay mykola",
    "oleg oleh",
    "olga olha",
    "pavel pavlo paul",
    "peter petro pyotr petr",
    "richard dick rick",
    "robert bob rob bobby",
    "sergey sergei serhiy serhii sergiy",
    "tatiana tatyana tetiana",
    "thomas tom tommy",
    "vasily vasyl vasiliy",
    "viktor victor",
    "william bill will billy",
    "yulia yuliya julia",
    "yuri yuriy yury iurii",
]


def _variant_groups() -> dict[str, int]:
    out: dict[str, int] = {}
    for n, line in enumerate(_GIVEN_VARIANTS):
        for w in line.split():
            out.setdefault(norm_token(w), n)
    return out


_VARIANT_GROUP = _variant_groups()


def _ie_y(name: str) -> str:
    return name[:-2] + "y" if name.endswith("ie") else name


def given_name_buckets(name: str) -> tuple[str, ...]:
    """Keys such that two compatible given names share at least one (for indexing, see below)."""
    group = _VARIANT_GROUP.get(name)
    head = _ie_y(name)[:4]
    return (head,) if group is None else (head, f"#{group}")


def given_names_compatible(a: str, b: str) -> bool:
    """True when normalised given names ``a`` and ``b`` can name one person.

    Equal names, ``-ie``/``-y`` spellings (Bettie/Betty), known variants (Volodymyr/Vladimir,
    Joe/Joseph), or a prefix of at least four
    letters that is two letters or more shorter (Vlad/Vladimir, Chris/Christopher). Initials are
    the caller's business (they fit many names).
    """
    if a == b or _ie_y(a) == _ie_y(b):  # Bettie/Betty
        return True
    ga, gb = _VARIANT_GROUP.get(a), _VARIANT_GROUP.get(b)
    if ga is not None and ga == gb:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and len(long_) >= len(short) + 2 and long_.startswith(short)


# Common given names (English, Russian/Ukrainian, Arabic, Persian, Turkish, Chinese, European, ...).
# A capitalised word from this list at the start of a name makes the name a PERSON.
FIRST_NAMES = frozenset(
    norm_token(w)
    for w in [
        "aaron",
        "abby",
        "abdul",
        "abdullah",
        "abdulla",
        "abu",
        "adam",
        "adrian",
        "ahmad",
        "ahmed",
        "aisha",
        "alan",
        "albert",
        "alex",
        "alexander",
        "alexandra",
        "alexei",
        "alexey",
        "alexis",
        "ali",
        "alice",
        "alicia",
        "alina",
        "alison",
        "allison",
        "alyssa",
        "amanda",
        "amber",
        "amir",
        "amy",
        "ana",
        "anastasia",
        "andre",
        "andrea",
        "andrei",
        "andrew",
        "andrey",
        "andriy",
        "angela",
        "angelina",
        "anita",
        "ann",
        "anna",
        "anne",
        "anthony",
        "anton",
        "antonio",
        "antony",
        "ari",
        "ariel",
        "arnold",
        "arseniy",
        "artem",
        "arthur",
        "ashley",
        "asma",
        "ayman",
        "bashar",
        "ben",
        "benjamin",
        "bernard",
        "bernie",
        "beth",
        "betty",
        "bill",
        "billy",
        "bob",
        "boris",
        "brad",
        "bradley",
        "brandon",
        "brenda",
        "brian",
        "bruce",
        "bryan",
        "carl",
        "carla",
        "carlos",
        "carol",
        "caroline",
        "catherine",
        "charles",
        "charlie",
        "charlotte",
        "chelsea",
        "cheryl",
        "chris",
        "christian",
        "christina",
        "christine",
        "christopher",
        "chuck",
        "cindy",
        "claire",
        "claude",
        "colin",
        "connor",
        "craig",
        "cynthia",
        "dan",
        "dana",
        "daniel",
        "danielle",
        "dave",
        "david",
        "dean",
        "deborah",
        "debbie",
        "denis",
        "dennis",
        "denise",
        "diana",
        "diane",
        "dmitri",
        "dmitry",
        "donald",
        "donna",
        "doug",
        "douglas",
        "dylan",
        "ed",
        "eddie",
        "edward",
        "elena",
        "eli",
        "elizabeth",
        "ellen",
        "elon",
        "emily",
        "emma",
        "emmanuel",
        "eric",
        "erica",
        "erik",
        "ethan",
        "eugene",
        "evgeny",
        "fahad",
        "faisal",
        "farid",
        "fatima",
        "fernando",
        "frank",
        "fred",
        "gary",
        "gavin",
        "george",
        "gerald",
        "gina",
        "gleb",
        "glenn",
        "gloria",
        "grace",
        "greg",
        "gregory",
        "hamid",
        "hannah",
        "harold",
        "harry",
        "hassan",
        "heather",
        "heinrich",
        "helen",
        "henry",
        "hillary",
        "hossein",
        "howard",
        "hugh",
        "hussein",
        "ibrahim",
        "igor",
        "ilya",
        "imran",
        "irina",
        "isaac",
        "ivan",
        "jack",
        "jacob",
        "jake",
        "james",
        "jamie",
        "jan",
        "jane",
        "janet",
        "jason",
        "jay",
        "jean",
        "jeb",
        "jeff",
        "jeffrey",
        "jennifer",
        "jeremy",
        "jerry",
        "jessica",
        "jill",
        "jim",
        "jimmy",
        "joan",
        "joe",
        "joel",
        "john",
        "johnny",
        "jon",
        "jonathan",
        "jordan",
        "jose",
        "joseph",
        "josh",
        "joshua",
        "juan",
        "judy",
        "julia",
        "julian",
        "julie",
        "justin",
        "kamala",
        "karen",
        "karl",
        "kate",
        "katherine",
        "kathleen",
        "kathy",
        "keith",
        "kelly",
        "ken",
        "kenneth",
        "kevin",
        "khalid",
        "kim",
        "kimberly",
        "kirill",
        "konstantin",
        "kurt",
        "kyle",
        "larry",
        "laura",
        "lauren",
        "lawrence",
        "leila",
        "leon",
        "leonid",
        "linda",
        "lindsey",
        "lisa",
        "liz",
        "lloyd",
        "louis",
        "lucy",
        "luis",
        "luke",
        "lyudmila",
        "magdalena",
        "mahmoud",
        "maria",
        "marco",
        "margaret",
        "maria",
        "marie",
        "marina",
        "mario",
        "mark",
        "marsha",
        "martin",
        "mary",
        "masha",
        "matt",
        "matthew",
        "maxim",
        "maya",
        "megan",
        "melania",
        "melissa",
        "michael",
        "michelle",
        "mike",
        "mikhail",
        "mitch",
        "mohammad",
        "mohammed",
        "mohamed",
        "muhammad",
        "mustafa",
        "nadia",
        "nancy",
        "natalia",
        "natalya",
        "natasha",
        "nathan",
        "neil",
        "nicholas",
        "nick",
        "nicolas",
        "nicole",
        "nikita",
        "nikki",
        "nikolai",
        "nina",
        "noah",
        "oleg",
        "oleksandr",
        "oleksiy",
        "olga",
        "olivia",
        "omar",
        "oscar",
        "pamela",
        "patricia",
        "patrick",
        "paul",
        "paula",
        "pavel",
        "peter",
        "petro",
        "philip",
        "pierre",
        "rachel",
        "rafael",
        "ralph",
        "ramzan",
        "randy",
        "rashid",
        "ray",
        "raymond",
        "rebecca",
        "reza",
        "richard",
        "rick",
        "rob",
        "robert",
        "roberto",
        "robin",
        "roger",
        "roman",
        "ron",
        "ronald",
        "rose",
        "ruslan",
        "russell",
        "ruth",
        "ryan",
        "saeed",
        "salman",
        "sam",
        "samantha",
        "samuel",
        "sandra",
        "sara",
        "sarah",
        "scott",
        "sean",
        "sebastian",
        "serge",
        "sergei",
        "sergey",
        "sergiy",
        "shannon",
        "sharon",
        "shawn",
        "sheila",
        "simon",
        "sophia",
        "stanislav",
        "stephanie",
        "stephen",
        "steve",
        "steven",
        "stuart",
        "susan",
        "svetlana",
        "tamara",
        "tanya",
        "ted",
        "teresa",
        "terry",
        "thomas",
        "tim",
        "timothy",
        "tina",
        "todd",
        "tom",
        "tommy",
        "tony",
        "tracy",
        "tyler",
        "ursula",
        "valentina",
        "valery",
        "vanessa",
        "vasily",
        "veronica",
        "victor",
        "viktor",
        "vincent",
        "virginia",
        "vitaly",
        "vladimir",
        "volodymyr",
        "walter",
        "wang",
        "wayne",
        "wei",
        "william",
        "xi",
        "yan",
        "yana",
        "yasser",
        "yevgeny",
        "yosef",
        "yousef",
        "youssef",
        "yulia",
        "yuri",
        "yury",
        "zachary",
        "zelensky",
        "ziad",
        "ali-reza",
        "jose-maria",
    ]
)

# Capitalised words that introduce a person (titles and roles): "President X", "Director X", "Mr X".
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "professor",
        "president",
        "vice-president",
        "director",
        "minister",
        "secretary",
        "senator",
        "sen",
        "rep",
        "representative",
        "congressman",
        "congresswoman",
        "governor",
        "gov",
        "general",
        "gen",
        "lieutenant",
        "lt",
        "colonel",
        "col",
        "major",
        "maj",
        "captain",
        "capt",
        "sergeant",
        "sgt",
        "admiral",
        "adm",
        "commander",
        "chief",
        "chairman",
        "chairwoman",
        "chair",
        "ambassador",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "deputy",
        "premier",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "sheikh",
        "emir",
        "sultan",
        "ayatollah",
        "imam",
        "pope",
        "bishop",
        "rabbi",
        "father",
        "judge",
        "justice",
        "mayor",
        "lord",
        "lady",
        "sir",
        "dame",
        "dmitry",
    ]
) - {"dmitry"}
