"""Language identification: a cheap script and function-word pass first, lingua when unsure.

:func:`detect_language` looks at a bounded prefix of the text (``sample`` characters). Most
news text is settled without any model:

* **script**: Han without kana/hangul is ``zh``; Cyrillic with letters only Ukrainian has
  (``і ї є ґ``) and none only Russian has (``ы э``) is ``uk``, the reverse ``ru``; Arabic
  script with Persian-only letters (``پ چ ژ گ ک ی``) and no Arabic-only ones is ``fa``, the
  reverse ``ar``;
* **function words** (Latin and Cyrillic script): each such language of
  :data:`NEWS_LANGUAGES` has a short list of very frequent words that the others do not use
  (``the``, ``which``; ``dans``, ``pour``; ``und``, ``nicht``; ``и``, ``что``; ``і``, ``що``...).
  When one language has at least :data:`MIN_HITS` of them and :data:`MIN_RATIO` times as
  many as the runner-up, it wins.

Everything else (mixed scripts, short or name-heavy text, languages outside the set) goes to
lingua, restricted to :data:`NEWS_LANGUAGES` in low-accuracy mode and built lazily once per
process. Without lingua installed those cases get ``None``.
"""

from __future__ import annotations

import re
import threading
from typing import Any

__all__ = ["MIN_HITS", "MIN_RATIO", "NEWS_LANGUAGES", "detect_language", "quick_language"]

#: the languages lingua is restricted to (ISO 639-1); covers most news in the wild
NEWS_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "pl", "tr", "ar", "fa", "zh")

#: the fewest function-word hits that settle a Latin-script language without lingua
MIN_HITS = 4
#: how many times the runner-up's hits the winner needs
MIN_RATIO = 3

# Frequent words of one language that the other Latin-script languages here do not use
# (shared ones such as "de", "la", "in", "que", "il", "die"/"was" are deliberately left out).
_FUNCTION_WORDS: dict[str, str] = {
    "en": "the of and for with are were said has have this from by which would not but they their "
    "been its who than there after about when had could should",
    "fr": "et est une dans pour qui sur au aux pas sont avec cette été ont être leur leurs ces "
    "selon comme aussi elle nous vous ils après avait sa",
    "de": "der und den das ist nicht mit sich auf dem für von zu ein eine im wird auch werden hat "
    "sind wie nach bei aus einer einem noch nur über oder dass",
    "es": "el los las y más pero fue muy también según hasta sus ya han cuando porque ese esto sin año",
    "it": "di che è della delle dei degli per sono gli nel nella anche alla questo questa più "
    "stato essere loro ancora dopo",
    "pt": "o os não em uma um ao é foi com seu pelo pela mas também já isso ele ela são foram",
    "nl": "het een op niet zijn met voor ook bij door werd naar wordt zich maar nog heeft deze dit",
    "pl": "się że nie jest jak ale przez dla jego są już oraz który która które tym jej było może tylko po",
    "tr": "ve bir bu için ile olarak olan çok daha gibi ama sonra kadar ancak değil göre yeni ise",
    "ru": "и что это как его она они был была были или также только после если уже от их он",
    "uk": "і й та що це як його вона вони був була були або також тільки після якщо вже від їх він",
}
_WORD_LANG: dict[str, str] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _w in _words.split():
        if _w in _WORD_LANG and _WORD_LANG[_w] != _lang:
            raise ValueError(f"function word {_w!r} listed for two languages")
        _WORD_LANG[_w] = _lang

_WORD = re.compile(r"[^\W\d_]+")
_WORD_CHARS = re.compile(r"[^\W\d_]")
_UK_ONLY = frozenset("іїєґІЇЄҐ")
_RU_ONLY = frozenset("ыэЫЭ")
_FA_ONLY = frozenset("\u067e\u0686\u0698\u06af\u06a9\u06cc")  # پ چ ژ گ ک ی
_AR_ONLY = frozenset("\u0629\u064a\u0649\u0643")  # ة ي ى ك


_OTHER_SCRIPT = re.compile(r"[\u0370-\u1fff\u3040-\u9fff\uac00-\ud7af]")


def _script_language(snippet: str) -> str | None:
    """``zh``/``uk``/``ru``/``fa``/``ar`` from the letters alone, else None (Latin, mixed, unsure)."""
    if snippet.isascii():
        return None
    other = _OTHER_SCRIPT.findall(snippet)
    if len(other) < 10:
        return None  # Latin script (perhaps with a few foreign words)
    letters = len(_WORD_CHARS.findall(snippet))
    half = letters // 2
    cyr = arab = han = kana = 0
    for ch in other:
        o = ord(ch)
        if o <= 0x04FF:
            cyr += o >= 0x0400
        elif 0x0600 <= o <= 0x06FF:
            arab += 1
        elif 0x4E00 <= o <= 0x9FFF:
            han += 1
        elif 0x3040 <= o <= 0x30FF or o >= 0xAC00:
            kana += 1
    if han > half and not kana:
        return "zh"
    if cyr > half:
        uk = sum(1 for ch in other if ch in _UK_ONLY)
        ru = sum(1 for ch in other if ch in _RU_ONLY)
        if uk >= 2 and not ru:
            return "uk"
        if ru >= 2 and not uk:
            return "ru"
    if arab > half:
        fa = sum(1 for ch in other if ch in _FA_ONLY)
        ar = sum(1 for ch in other if ch in _AR_ONLY)
        if fa >= 2 and not ar:
            return "fa"
        if ar >= 2 and not fa:
            return "ar"
    return None


def quick_language(snippet: str) -> str | None:
    """The language when the script or function words settle it, else None (ask lingua)."""
    lang = _script_language(snippet)
    if lang is not None:
        return lang
    counts: dict[str, int] = {}
    for word in _WORD.findall(snippet.lower()):
        found = _WORD_LANG.get(word)
        if found is not None:
            counts[found] = counts.get(found, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.values(), reverse=True)
    best = max(counts, key=lambda k: counts[k])
    runner_up = ranked[1] if len(ranked) > 1 else 0
    if counts[best] >= MIN_HITS and counts[best] >= MIN_RATIO * runner_up:
        return best
    return None


_detector: Any = None
_detector_failed = False
_lock = threading.Lock()


def _get_detector() -> Any:
    global _detector, _detector_failed
    if _detector is not None or _detector_failed:
        return _detector
    with _lock:
        if _detector is None and not _detector_failed:
            try:
                from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
            except ImportError:
                _detector_failed = True
                return None
            langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in NEWS_LANGUAGES]
            _detector = LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
    return _detector


def detect_language(text: str, *, sample: int = 400, quick: bool = True) -> str | None:
    """ISO 639-1 code of ``text``'s language (one of :data:`NEWS_LANGUAGES`), or None.

    Only the first ``sample`` characters are looked at. ``quick=False`` always asks lingua.
    """
    snippet = text[:sample].strip()
    if len(snippet) < 20:
        return None
    if quick:
        lang = quick_language(snippet)
        if lang is not None:
            return lang
    detector = _get_detector()
    if detector is None:
        return None
    found = detector.detect_language_of(snippet)
    if found is None:
        return None
    return str(found.iso_code_639_1.name.lower())
