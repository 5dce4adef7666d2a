"""Provenance: groups of reused passages, origin document, origin speaker, credits and chains."""

from __future__ import annotations

from claimtrace.crossdoc.provenance import assign_sources, group_passages, provenance_chains
from claimtrace.crossdoc.reuse import ReuseDoc
from claimtrace.model import Claim, ReuseLink

TEXT = "x" * 400


def doc(
    doc_id: str,
    published: str | None = None,
    *,
    claims: list[Claim] | None = None,
    credits: tuple[str, ...] = (),
) -> ReuseDoc:
    return ReuseDoc(id=doc_id, text=TEXT, published=published, claims=claims or [], credits=credits)


def link(
    a: str,
    a_span: tuple[int, int],
    b: str,
    b_span: tuple[int, int],
    *,
    kind: str = "near",
    score: float = 0.8,
) -> ReuseLink:
    return ReuseLink(a, a_span[0], a_span[1], b, b_span[0], b_span[1], kind, score)  # type: ignore[arg-type]


def claim(start: int, end: int, key: str | None) -> Claim:
    return Claim(
        start=start,
        end=end,
        content_start=start + 5,
        content_end=end - 5,
        kind="direct",
        speaker_text="someone",
        speaker_key=key,
    )


def test_groups_join_links_and_overlapping_passages() -> None:
    links = [
        link("a", (0, 100), "b", (10, 110)),
        link("b", (50, 150), "c", (0, 100)),  # overlaps b's first passage: same group
        link("d", (0, 50), "e", (0, 50)),
    ]
    groups = group_passages(links)
    assert len(groups) == 2
    assert {p[0] for p in groups[0]} == {"a", "b", "c"}
    assert {p[0] for p in groups[1]} == {"d", "e"}


def test_earliest_dated_document_is_origin_and_group_ids_are_shared() -> None:
    docs = [doc("late", "2024-03-05"), doc("early", "2024-03-01"), doc("mid", "2024-03-02")]
    links = [
        link("late", (0, 100), "early", (0, 100)),
        link("mid", (0, 100), "late", (0, 100)),
    ]
    out = assign_sources(links, docs)
    assert [x.source for x in out] == ["early", "early"]
    assert out[0].group and out[0].group == out[1].group
    # input links untouched
    assert links[0].source is None


def test_undated_document_is_never_origin_next_to_a_dated_one() -> None:
    docs = [doc("undated"), doc("dated", "2022-05-18")]
    (out,) = assign_sources([link("undated", (0, 200), "dated", (0, 150))], docs)
    assert out.source == "dated"
    chains = provenance_chains([out], docs)
    assert chains[0]["documents"] == ["dated", "undated"]
    assert chains[0]["chain"][0]["published"] is None


def test_same_date_prefers_attributed_then_longer_passage() -> None:
    docs = [
        doc("short", "2024-01-01"),
        doc("long", "2024-01-01"),
        doc("quoted", "2024-01-01", claims=[claim(0, 120, "gaz:city-council")]),
    ]
    plain = [link("short", (0, 50), "long", (0, 200))]
    assert assign_sources(plain, docs)[0].source == "long"
    both = [*plain, link("quoted", (0, 120), "long", (0, 200))]
    assert {x.source for x in assign_sources(both, docs)} == {"quoted"}


def test_no_dates_at_all_uses_longest_passage_then_order() -> None:
    docs = [doc("first"), doc("second")]
    (out,) = assign_sources([link("first", (0, 100), "second", (0, 100))], docs)
    assert out.source == "first"


def test_chains_name_speaker_credits_and_hops() -> None:
    docs = [
        doc(
            "wire", "2024-06-01", claims=[claim(0, 120, "gaz:ministry-of-water")], credits=("Fictional Wire",)
        ),
        doc("copy1", "2024-06-02"),
        doc("copy2", "2024-06-04", claims=[claim(0, 90, "name:someone else")]),
    ]
    links = [
        link("copy1", (0, 100), "wire", (0, 120), kind="verbatim", score=1.0),
        link("copy2", (0, 90), "copy1", (0, 100), kind="paraphrase", score=0.83),
    ]
    (chain,) = provenance_chains(assign_sources(links, docs), docs)
    assert chain["origin"] == "wire" and chain["origin_published"] == "2024-06-01"
    assert chain["origin_speaker"] == "gaz:ministry-of-water"
    assert chain["speakers"] == {"gaz:ministry-of-water": 1, "name:someone else": 1}
    assert chain["credits"] == ["Fictional Wire"]
    assert chain["documents"] == ["wire", "copy1", "copy2"]
    hops = {h["doc"]: h for h in chain["chain"]}
    assert hops["copy1"]["from"] == "wire" and hops["copy1"]["kind"] == "verbatim"
    assert hops["copy2"]["from"] == "copy1" and hops["copy2"]["kind"] == "paraphrase"
    assert hops["copy2"]["score"] == 0.83


def test_speaker_from_other_document_when_origin_has_none() -> None:
    docs = [doc("a", "2024-01-01"), doc("b", "2024-01-03", claims=[claim(10, 90, "gaz:harbour-authority")])]
    (chain,) = provenance_chains([link("a", (0, 100), "b", (0, 100))], docs)
    assert chain["origin"] == "a" and chain["origin_speaker"] == "gaz:harbour-authority"


def test_claim_outside_passage_is_not_the_speaker() -> None:
    docs = [doc("a", "2024-01-01", claims=[claim(200, 300, "gaz:elsewhere")]), doc("b", "2024-01-02")]
    (chain,) = provenance_chains([link("a", (0, 100), "b", (0, 100))], docs)
    assert chain["origin_speaker"] is None
