"""Speaker resolution on invented sentences: pronouns, descriptors and reporting chains."""

from __future__ import annotations

from claimtrace.model import Claim, Mention
from claimtrace.nlp.attribution import find_claims
from claimtrace.nlp.pipeline import split_sentences


def _m(text: str, surface: str, typ: str, key: str, nth: int = 0) -> Mention:
    i = -1
    for _ in range(nth + 1):
        i = text.index(surface, i + 1)
    return Mention(i, i + len(surface), surface, typ, key, surface)  # type: ignore[arg-type]


def _by_cue(text: str, mentions: list[Mention]) -> dict[str, Claim]:
    claims = find_claims(text, split_sentences(text), mentions)
    return {c.cue: c for c in claims if c.cue and c.kind != "unattributed"}


def test_she_is_the_last_person_even_when_the_recogniser_left_her_untyped() -> None:
    text = (
        "Lena Marsh, who chairs the dockers' union, spoke at the gates of the Velmont port on Tuesday. "
        "She said the operator had offered a raise of only two percent."
    )
    mentions = [
        _m(text, "Lena Marsh", "OTHER", "name:lena marsh"),
        _m(text, "Velmont", "GPE", "name:velmont"),
    ]
    c = _by_cue(text, mentions)["said"]
    assert c.speaker_text == "She" and c.speaker_key == "name:lena marsh"


def test_he_prefers_the_person_who_spoke_last() -> None:
    text = (
        "Ivo Dral told reporters that the budget was balanced. Mara Velkov, his rival, stayed silent. "
        "He added that taxes would not rise."
    )
    mentions = [
        _m(text, "Ivo Dral", "PERSON", "name:ivo dral"),
        _m(text, "Mara Velkov", "PERSON", "name:mara velkov"),
    ]
    assert _by_cue(text, mentions)["added"].speaker_key == "name:ivo dral"


def test_it_and_the_agency_are_the_organisation_named_before() -> None:
    text = (
        "The Velmont Port Authority rejected the union's figures on Wednesday. "
        "It said the offer was worth five percent over two years. "
        "The authority also said that talks would resume on Friday."
    )
    mentions = [_m(text, "Velmont Port Authority", "ORG", "name:vpa")]
    claims = _by_cue(text, mentions)
    assert claims["said"].speaker_text == "It" and claims["said"].speaker_key == "name:vpa"
    assert claims["also said"].speaker_key == "name:vpa"


def test_descriptor_with_a_name_of_its_own_is_not_another_organisation() -> None:
    text = (
        "The Velmont Port Authority said on Monday that the docks would reopen. "
        "The Ministry of Roads and Canals said the bridge was unsafe. "
        "The ministry added that repairs would take a year."
    )
    mentions = [_m(text, "Velmont Port Authority", "ORG", "name:vpa")]
    claims = [c for c in find_claims(text, split_sentences(text), mentions) if c.speaker_text]
    assert [c.speaker_key for c in claims if "Authority" in (c.speaker_text or "")] == ["name:vpa"]
    # no recogniser found the ministry: its claims stay unresolved rather than go to the authority
    ministry = [c for c in claims if "inistry" in (c.speaker_text or "")]
    assert len(ministry) == 2 and all(c.speaker_key is None for c in ministry)


def test_indefinite_spokesman_speaks_for_the_organisation_not_the_last_person() -> None:
    text = (
        "Tomas Reyn, the harbour master, said on Monday that the channel was clear. "
        "The Ostland Shipping Ministry has ordered an inquiry. "
        "A ministry spokesman said that the inquiry would report in May."
    )
    mentions = [
        _m(text, "Tomas Reyn", "PERSON", "name:tomas reyn"),
        _m(text, "Ostland Shipping Ministry", "ORG", "name:osm"),
    ]
    claims = find_claims(text, split_sentences(text), mentions)
    (c,) = [c for c in claims if c.speaker_text and c.speaker_text.startswith("A ministry")]
    assert c.speaker_key == "name:osm"


def test_chain_after_indirect_content_keeps_the_agency_in_via() -> None:
    text = (
        "The Velmont Port Authority said it was ready to mediate between the union and the operator, "
        "Nordpress reported."
    )
    mentions = [
        _m(text, "Velmont Port Authority", "ORG", "name:vpa"),
        _m(text, "Nordpress", "ORG", "name:np"),
    ]
    c = _by_cue(text, mentions)["said"]
    assert c.speaker_key == "name:vpa" and c.via == "Nordpress"
    assert "Nordpress" not in text[c.content_start : c.content_end]


def test_headline_cues_build_claims() -> None:
    for headline, cue, content in [
        ("Mara Velkov: Harbor Tax Will Double Next Year", ":", "Harbor Tax Will Double Next Year"),
        ("Greta Holm ― “We will win this seat”", "―", "We will win this seat"),
    ]:
        text = f"{headline}\n\nThe candidates spoke in Tarnby on Monday evening."
        claims = [c for c in find_claims(text, split_sentences(text), []) if c.cue == cue]
        assert len(claims) == 1, headline
        assert claims[0].speaker_text == headline.split(cue)[0].strip()
        assert text[claims[0].content_start : claims[0].content_end] == content
