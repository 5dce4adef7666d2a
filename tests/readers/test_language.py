"""Language identification: the quick script/function-word pass and the lingua fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.readers.language import _WORD_LANG, NEWS_LANGUAGES, detect_language, quick_language

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "readers"

SENTENCES = {
    "en": "The harbour board said on Monday that the quay would reopen in June, and that the work had "
    "been delayed by storms which hit the coast after the vote.",
    "fr": "Le conseil municipal a voté pour la nouvelle piste cyclable, qui sera ouverte au public dans "
    "trois mois selon la mairie, avec une aide de la région.",
    "de": "Der Stadtrat hat am Montag beschlossen, dass die neue Brücke über den Fluss nicht vor dem "
    "Sommer fertig wird, weil die Arbeiten auch im Winter ruhen.",
    "es": "El ayuntamiento aprobó el lunes el nuevo plan de transporte, que según los vecinos llega "
    "tarde y es muy caro para las familias de la ciudad.",
    "it": "Il consiglio comunale ha approvato il piano per la nuova biblioteca, che sarà aperta anche "
    "alla domenica, secondo il sindaco della città.",
    "pt": "A câmara municipal aprovou o novo plano de transportes, que não agrada aos moradores, e as "
    "obras começam em maio com um custo de dois milhões.",
    "nl": "De gemeenteraad heeft het nieuwe plan voor de haven goedgekeurd, maar de bewoners zijn er "
    "niet blij mee omdat het werk ook in de zomer doorgaat.",
    "pl": "Rada miasta zatwierdziła w poniedziałek plan budowy nowego mostu, ale mieszkańcy mówią, że "
    "jest on zbyt drogi i nie rozwiąże problemu korków.",
    "tr": "Belediye meclisi yeni köprü için planı onayladı, ancak mahalle sakinleri projenin çok pahalı "
    "olduğunu ve trafik sorununu çözmeyeceğini söyledi.",
    "ru": "Городской совет в понедельник утвердил план строительства нового моста, однако жители "
    "считают, что он слишком дорогой и не решит проблему пробок. Работы начнутся только после "
    "выборов, если их одобрит область.",
    "ar": "قال المتحدث باسم الحكومة إن المدينة ستفتح الجسر الجديد في الصيف المقبل بعد انتهاء الأعمال.",
    "fa": "سخنگوی دولت گفت که پل جدید در تابستان آینده باز می\u200cشود و کار ساخت آن پیش از موعد تمام شد.",
    "zh": "市政府星期一表示，新桥将于明年夏天开放，工程比原计划提前完成。",
    "uk": "Міська рада в понеділок затвердила план будівництва нового мосту, але мешканці кажуть, що "
    "він занадто дорогий і не вирішить проблему заторів.",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_detects_each_language(lang: str) -> None:
    assert detect_language(SENTENCES[lang]) == lang


@pytest.mark.parametrize("lang", ["en", "fr", "de", "es", "it", "nl", "ru", "uk", "ar", "fa", "zh"])
def test_quick_pass_settles_clear_text(lang: str) -> None:
    assert quick_language(SENTENCES[lang]) == lang


def test_quick_pass_defers_when_unsure() -> None:
    assert quick_language("Mira Castell, Jon Hadley, Talvex Systems, Kessa, Dalmar") is None
    assert quick_language("") is None


def test_function_words_are_exclusive() -> None:
    # every function word belongs to exactly one language (checked at import too)
    assert all(lang in NEWS_LANGUAGES for lang in _WORD_LANG.values())


def test_quick_agrees_with_lingua_on_fixtures() -> None:
    pytest.importorskip("lingua")
    for path in sorted(FIX.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert detect_language(text) == detect_language(text, quick=False), path.name


def test_short_text_has_no_language() -> None:
    assert detect_language("Too short.") is None


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_any_text(raw: str) -> None:
    got = detect_language(raw)
    assert got is None or got in NEWS_LANGUAGES
