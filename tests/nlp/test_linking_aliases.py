"""Corpus linking on hand-keyed mentions: the alias cases of issue 11 and the must-not-link cases.

The corpus is invented sentences whose mentions are keyed here the way a recogniser keys them
(``name_key`` of the surface, or a gazetteer key), so these tests exercise the linker alone.
"""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.model import DocAnalysis, Entity, Mention
from claimtrace.nlp.linking import entity_id, link_entities
from claimtrace.nlp.names import given_names_compatible, name_key, norm_token

Mark = tuple[str, str, str] | tuple[str, str, str, str]  # surface, type, key or None, display name


def _doc(doc_id: str, text: str, *marks: Mark) -> DocAnalysis:
    """A document whose ``marks`` (surface, type[, key[, name]]) are found left to right in ``text``."""
    ms = []
    pos = 0
    for mark in marks:
        surface, typ = mark[0], mark[1]
        key = mark[2] if len(mark) > 2 else name_key(surface)
        name = mark[3] if len(mark) > 3 else surface
        start = text.index(surface, pos)
        pos = start + len(surface)
        ms.append(Mention(start=start, end=pos, text=surface, type=typ, key=key, name=name))  # type: ignore[arg-type]
    return DocAnalysis(doc_id=doc_id, mentions=ms)


def _entity_of(ents: list[Entity], doc: str, surface: str) -> Entity:
    """The entity holding the first mention of ``surface`` in ``doc``."""
    for e in ents:
        for m in e.mentions:
            if m["doc"] == doc and m["text"] == surface:
                return e
    raise AssertionError(f"no mention {surface!r} in {doc}")


def test_surname_typed_other_links_to_the_only_full_name() -> None:
    ents = link_entities(
        [
            _doc("a", "Ilse Marrow opened the port.", ("Ilse Marrow", "PERSON")),
            _doc("b", "Marrow said the port was shut.", ("Marrow", "OTHER")),
            _doc("c", "Marrow's office denied it.", ("Marrow's", "OTHER", name_key("Marrow"), "Marrow")),
        ]
    )
    ilse = _entity_of(ents, "a", "Ilse Marrow")
    assert _entity_of(ents, "b", "Marrow") is ilse
    assert _entity_of(ents, "c", "Marrow's") is ilse
    assert ilse.type == "PERSON" and ilse.name == "Ilse Marrow"


def test_transliteration_variants_share_one_entity() -> None:
    forms = ["Kravetskyy", "Kravetskiy", "Kravetskii", "Kravetski", "Kravetsky"]
    docs = [_doc("full", "Bohdan Kravetsky spoke.", ("Bohdan Kravetsky", "PERSON"))]
    docs += [_doc(f"d{i}", f"{f} answered.", (f, "OTHER")) for i, f in enumerate(forms)]
    ents = link_entities(docs)
    target = _entity_of(ents, "full", "Bohdan Kravetsky")
    assert all(_entity_of(ents, f"d{i}", form) is target for i, form in enumerate(forms))
    assert {"Kravetskyy", "Kravetskii"} <= set(target.aliases)


def test_zelensky_spellings_and_given_name_variants_join() -> None:
    ents = link_entities(
        [
            _doc("a", "Volodymyr Zelenskyy met them.", ("Volodymyr Zelenskyy", "PERSON")),
            _doc("b", "Vladimir Zelensky was quoted.", ("Vladimir Zelensky", "PERSON")),
            _doc("c", "Volodymyr Zelenskiy arrived.", ("Volodymyr Zelenskiy", "PERSON")),
            _doc("d", "Zelenskii and Zelensky.", ("Zelenskii", "OTHER"), ("Zelensky", "PERSON")),
        ]
    )
    z = _entity_of(ents, "a", "Volodymyr Zelenskyy")
    assert z.key == "gaz:volodymyr-zelensky" and z.type == "PERSON"
    for doc, surface in [("b", "Vladimir Zelensky"), ("c", "Volodymyr Zelenskiy"), ("d", "Zelenskii")]:
        assert _entity_of(ents, doc, surface) is z


def test_known_person_from_gazetteer_and_vlad_short_form() -> None:
    ents = link_entities(
        [
            _doc("a", "Putin spoke on Friday.", ("Putin", "OTHER")),
            _doc("b", "Vlad Putin, the paper wrote.", ("Vlad Putin", "PERSON")),
            _doc("c", "Vladimir Putin replied.", ("Vladimir Putin", "PERSON")),
        ]
    )
    p = _entity_of(ents, "a", "Putin")
    assert p.key == "gaz:vladimir-putin" and p.id == entity_id("gaz:vladimir-putin")
    assert _entity_of(ents, "b", "Vlad Putin") is p and _entity_of(ents, "c", "Vladimir Putin") is p
    assert p.name == "Vladimir Putin" and p.type == "PERSON"


def _biden_corpus(extra_joe_docs: int) -> list[DocAnalysis]:
    docs = [
        _doc("h", "Hunter Biden sold paintings.", ("Hunter Biden", "PERSON")),
        _doc("x", "Biden signed the bill.", ("Biden", "OTHER")),
    ]
    for i in range(extra_joe_docs):
        docs.append(
            _doc(
                f"j{i}",
                "Joe Biden spoke. Later Biden left.",
                ("Joe Biden", "PERSON"),
                ("Biden", "PERSON", name_key("Joe Biden"), "Joe Biden"),
            )
        )
    return docs


def test_shared_surname_goes_to_the_person_it_is_used_for() -> None:
    ents = link_entities(_biden_corpus(3))
    joe = _entity_of(ents, "j0", "Joe Biden")
    assert _entity_of(ents, "x", "Biden") is joe
    assert _entity_of(ents, "h", "Hunter Biden") is not joe


def test_shared_surname_without_evidence_links_to_neither() -> None:
    ents = link_entities(_biden_corpus(1))  # one document is not enough evidence
    lone = _entity_of(ents, "x", "Biden")
    assert lone is not _entity_of(ents, "j0", "Joe Biden")
    assert lone is not _entity_of(ents, "h", "Hunter Biden")


def test_surname_shared_by_two_people_links_to_neither() -> None:
    ents = link_entities(
        [
            _doc(
                "a",
                "Tomas Keller and Rita Keller sued.",
                ("Tomas Keller", "PERSON"),
                ("Rita Keller", "PERSON"),
            ),
            _doc(
                "b", "Keller lost. Tomas Keller appealed.", ("Keller", "PERSON"), ("Tomas Keller", "PERSON")
            ),
            _doc("c", "Keller won. Rita Keller smiled.", ("Keller", "PERSON"), ("Rita Keller", "PERSON")),
            _doc("d", "Keller spoke.", ("Keller", "PERSON")),
            _doc(
                "e",
                "J. Keller, Jan Keller and Jonas Keller.",
                ("J. Keller", "PERSON"),
                ("Jan Keller", "PERSON"),
                ("Jonas Keller", "PERSON"),
            ),
        ]
    )
    tomas, rita = _entity_of(ents, "a", "Tomas Keller"), _entity_of(ents, "a", "Rita Keller")
    assert tomas is not rita
    assert _entity_of(ents, "d", "Keller") not in (tomas, rita)
    j = _entity_of(ents, "e", "J. Keller")  # an initial that fits two given names
    assert j is not _entity_of(ents, "e", "Jan Keller") and j is not _entity_of(ents, "e", "Jonas Keller")


def test_initial_joins_the_one_name_it_fits() -> None:
    ents = link_entities(
        [
            _doc("a", "Marta Ostrova spoke.", ("Marta Ostrova", "PERSON")),
            _doc("b", "M. Ostrova wrote.", ("M. Ostrova", "PERSON")),
        ]
    )
    assert _entity_of(ents, "a", "Marta Ostrova") is _entity_of(ents, "b", "M. Ostrova")


def test_suffix_leading_initial_and_spelling_of_given_name() -> None:
    ents = link_entities(
        [
            _doc("a", "Arno Pell Jr testified.", ("Arno Pell Jr", "PERSON")),
            _doc("b", "Pell denied it.", ("Pell", "OTHER")),
            _doc("c", "W. Dario Menk and Dario Menk.", ("W. Dario Menk", "PERSON"), ("Dario Menk", "PERSON")),
            _doc("d", "Bettie Orsk and Betty Orsk.", ("Bettie Orsk", "PERSON"), ("Betty Orsk", "PERSON")),
        ]
    )
    assert _entity_of(ents, "b", "Pell") is _entity_of(ents, "a", "Arno Pell Jr")
    assert _entity_of(ents, "c", "W. Dario Menk") is _entity_of(ents, "c", "Dario Menk")
    assert _entity_of(ents, "d", "Bettie Orsk") is _entity_of(ents, "d", "Betty Orsk")


def test_fed_is_not_richmond_fed() -> None:
    ents = link_entities(
        [
            # the recogniser keyed "Fed" to an unknown "Richmond Fed" it typed PERSON
            _doc(
                "a",
                "Richmond Fed data. The Fed held.",
                ("Richmond Fed", "PERSON"),
                ("Fed", "PERSON", "name:richmond fed", "Richmond Fed"),
            ),
            _doc("b", "The Fed raised rates.", ("Fed", "OTHER")),
            _doc("d", "Fed officials met.", ("Fed", "PERSON")),  # mistyped: still the central bank
            _doc(
                "c",
                "Richmond Fed chief spoke.",
                (
                    "Richmond Fed",
                    "ORG",
                    "gaz:federal-reserve-bank-richmond",
                    "Federal Reserve Bank of Richmond",
                ),
            ),
        ]
    )
    fed = _entity_of(ents, "b", "Fed")
    assert fed.key == "gaz:federal-reserve" and fed.type == "ORG"
    assert _entity_of(ents, "a", "Fed") is fed and _entity_of(ents, "d", "Fed") is fed
    richmond = _entity_of(ents, "a", "Richmond Fed")
    assert richmond is not fed and richmond is _entity_of(ents, "c", "Richmond Fed")
    assert richmond.type == "ORG"


def test_types_majority_gazetteer_and_countries() -> None:
    marks = [("Lena Brask", "PERSON"), ("Lena Brask", "PERSON"), ("Lena Brask", "ORG")]
    marks += [("Lena Brask", "OTHER")] * 4
    text = " ".join(["Lena Brask."] * 7)
    ents = link_entities(
        [
            _doc("a", text, *marks),  # type: ignore[arg-type]
            _doc("b", "France and France.", ("France", "OTHER", "gaz:france", "France"), ("France", "OTHER")),
            _doc("c", "Quorvath Ilm said.", ("Quorvath Ilm", "OTHER")),
            _doc("d", "Peter Lund said.", ("Peter Lund", "OTHER")),
        ]
    )
    assert _entity_of(ents, "a", "Lena Brask").type == "PERSON"
    france = _entity_of(ents, "b", "France")
    assert france.type == "GPE" and len(france.mentions) == 2
    assert _entity_of(ents, "c", "Quorvath Ilm").type == "OTHER"
    assert _entity_of(ents, "d", "Peter Lund").type == "PERSON"  # a given name makes a person


def test_unknown_country_used_as_one_is_gpe() -> None:
    ents = link_entities(
        [
            _doc(
                "a",
                "The Varoskia Interior Ministry said Varoskia would reply.",
                ("Varoskia Interior Ministry", "ORG"),
                ("Varoskia", "OTHER"),
            ),
            _doc(
                "b",
                "Lumeria denied it, a Lumerian official said.",
                ("Lumeria", "OTHER"),
                ("Lumerian", "OTHER"),
            ),
            _doc("c", "Talvex Systems and Talvex.", ("Talvex Systems", "OTHER"), ("Talvex", "OTHER")),
        ]
    )
    assert _entity_of(ents, "a", "Varoskia").type == "GPE"
    assert _entity_of(ents, "b", "Lumeria").type == "GPE"
    assert _entity_of(ents, "c", "Talvex").type == "OTHER"


def test_two_gazetteer_people_with_one_given_name_stay_apart() -> None:
    ents = link_entities(
        [
            _doc("a", "Joe Biden and Joseph Biden.", ("Joe Biden", "PERSON"), ("Joseph Biden", "PERSON")),
            _doc("b", "Donald Trump met Donald Tusk.", ("Donald Trump", "PERSON"), ("Donald Tusk", "PERSON")),
        ]
    )
    assert _entity_of(ents, "a", "Joe Biden") is _entity_of(ents, "a", "Joseph Biden")
    assert _entity_of(ents, "b", "Donald Trump") is not _entity_of(ents, "b", "Donald Tusk")


def test_given_name_compatibility() -> None:
    def ok(a: str, b: str) -> bool:
        return given_names_compatible(norm_token(a), norm_token(b))

    assert ok("Volodymyr", "Vladimir") and ok("Vlad", "Vladimir") and ok("Joe", "Joseph")
    assert ok("Mykola", "Nikolai") and ok("Chris", "Christopher") and ok("Katie", "Kathryn")
    assert not ok("Olga", "Anna")
    assert not ok("Eric", "Erica")  # one letter longer is another name
    assert not ok("Jan", "Jonas")


_CONSONANTS = "bcdfgjklmnprstvz"


@given(
    st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=8),
    st.sampled_from(_CONSONANTS),
)
def test_transliterated_endings_fold_to_one_form(stem: str, last: str) -> None:
    base = stem.capitalize() + last
    forms = {norm_token(base + end) for end in ("y", "yy", "iy", "ii", "i")}
    assert len(forms) == 1


_SURFACES = [
    ("Ilse Marrow", "PERSON"),
    ("Marrow", "OTHER"),
    ("Ida Marrow", "PERSON"),
    ("Vlad Putin", "PERSON"),
    ("Putin", "OTHER"),
    ("Fed", "ORG"),
    ("Richmond Fed", "PERSON"),
    ("Kravetskiy", "OTHER"),
    ("Bohdan Kravetskyy", "PERSON"),
    ("B. Kravetsky", "PERSON"),
    ("Lumeria", "OTHER"),
    ("Lumerian", "OTHER"),
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_SURFACES), min_size=1, max_size=5), min_size=1, max_size=6),
    st.randoms(use_true_random=False),
)
def test_linking_keeps_every_mention_once_whatever_the_document_order(
    docs: list[list[tuple[str, str]]], rnd: object
) -> None:
    analyses = []
    for i, marks in enumerate(docs):
        text = " and ".join(s for s, _ in marks) + "."
        analyses.append(_doc(f"d{i}", text, *marks))
    ents = link_entities(analyses)
    seen = [(m["doc"], m["start"]) for e in ents for m in e.mentions]
    assert sorted(seen) == sorted((a.doc_id, m.start) for a in analyses for m in a.mentions)
    shuffled = list(analyses)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = link_entities(shuffled)

    def view(es: list[Entity]) -> set[tuple[str, str, str, tuple[tuple[str, int], ...]]]:
        return {(e.id, e.name, e.type, tuple((m["doc"], m["start"]) for m in e.mentions)) for e in es}

    assert view(ents) == view(again)
