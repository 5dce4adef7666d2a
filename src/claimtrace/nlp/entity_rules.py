"""Word lists behind the entity rules of :mod:`claimtrace.nlp.entities` (plain English facts)."""

from __future__ import annotations

__all__ = [
    "COMMON_CAP",
    "COMMON_WORDS",
    "CONNECTORS",
    "ETHNIC",
    "GROUP_NOUNS",
    "LOC_HEADS",
    "METONYM_BLOCK",
    "PERSON_DESCRIPTORS",
    "ROLE_NOUNS",
    "TITLE_PARTS",
]


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# Lower-case words allowed inside a multi-word name ("Council of Europe", "Hizb ut-Tahrir").
CONNECTORS = _words(
    "of the for and de du da del der den van von la le al el bin ibn ut wal y e on in to at an"
)
# Capitalised words that are never names by themselves (days, months, pronouns, sentence glue).
COMMON_CAP = _words(
    """i i'm i've i'd i'll monday tuesday wednesday thursday friday saturday sunday january february
    march april
    may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    the a an this that these those it its he she they we you his her their our my your him them us
    me mr mrs ms
    dr but and or so yet if when while after before since because although though however meanwhile moreover
    furthermore according also still even just only then there here where what who why how which whose today
    yesterday tomorrow tonight last next earlier later now previously subsequently additionally instead
    in on at for with by from to of as into about under over between during without within among through
    against toward towards upon despite unlike like not no yes all some many most several both each every any
    one two three four five six seven eight nine ten first second third fourth fifth new old other such more
    less please read watch click subscribe photo video image credit source sources update updated
    editor's note
    ok okay oh well thus hence indeed perhaps maybe certainly clearly overall finally"""
)
# Titles and role words stripped from the front of a name ("Russian President Vladimir Putin").
TITLE_PARTS = _words(
    """mr mrs ms miss dr prof professor president vice vice-president director minister secretary
    senator sen rep
    representative congressman congresswoman governor gov general gen lieutenant lt colonel col
    major maj captain
    capt sergeant sgt admiral adm commander chief chairman chairwoman chair ambassador spokesman spokeswoman
    spokesperson deputy premier chancellor king queen prince princess sheikh emir sultan ayatollah imam pope
    bishop rabbi judge justice mayor lord lady sir dame prime foreign defense defence interior finance acting
    former senior executive attorney press head leader official officials envoy special presidential
    foreign-minister"""
)
# Last words that make a name a place.
LOC_HEADS = _words(
    """governorate province region oblast district county city river sea ocean mountains mountain
    valley island
    islands airport street square strait gulf lake desert peninsula canal bay coast highway road avenue park
    basin plateau heights crossing camp"""
)
# Words before a capital city that keep it a place (otherwise "Moscow said" stands for Russia).
METONYM_BLOCK = _words(
    "in near at outside around across into throughout within downtown central greater visit visited"
)
# Nouns after a strict alias that show it names a group ("IS fighters").
GROUP_NOUNS = _words(
    """group groups fighters fighter militants militant members member terrorists terrorist supporters
    supporter
    jihadists jihadist cell cells leader leaders commander commanders affiliate affiliates attack
    attacks operatives
    operative recruits detainees prisoners families propaganda caliphate flag remnants bomber bombers emir
    militias insurgents loyalists sympathizers sympathisers gunmen followers brides camp camps stronghold
    strongholds territory claimed claims"""
)
# Person descriptors resolved to the latest person ("the Russian official", "the SVR spokesman").
PERSON_DESCRIPTORS = (
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "minister",
    "diplomat",
    "ambassador",
    "president",
    "director",
    "envoy",
    "senator",
    "lawmaker",
)

# Peoples, faiths and political groups: capitalised but not named entities by themselves.
ETHNIC = _words(
    """kurd kurds kurdish arab arabs arabic turkmen uyghur uyghurs uighur uighurs pashtun pashtuns
    alawite alawites
    sunni sunnis shia shias shiite shiites shi'ite druze christian christians muslim muslims jew jews jewish
    yazidi yazidis circassian circassians chechens tatar tatars baloch hazara hazaras berber berbers hispanic
    hispanics latino latinos latina latinas asians africans europeans western westerners islamist islamists
    islamic soviet soviets catholic catholics orthodox protestant protestants evangelical
    evangelicals democrat
    democrats republican republicans liberal liberals conservative conservatives jihadi jihadis
    salafi salafist
    salafists wahhabi anglo black white native natives indigenous"""
)


def _load_common_words() -> frozenset[str]:
    """Common lower-case English words (``data/common_words.txt``)."""
    from importlib import resources

    text = resources.files("claimtrace").joinpath("data/common_words.txt").read_text("utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


COMMON_WORDS = _load_common_words()

# Lower-case role nouns right before a name in apposition ("its press officer, Ivo Lenk").
ROLE_NOUNS = _words(
    """officer spokesman spokeswoman spokesperson minister director head chief leader president
    ambassador envoy official commander secretary chairman chairwoman analyst expert professor lawyer
    attorney correspondent journalist reporter editor author researcher colleague wife husband son
    daughter brother sister mother father aide adviser advisor deputy governor mayor senator lawmaker
    general colonel"""
)
