"""Boilerplate across the corpus: repeated site furniture, lone furniture lines, copied news kept.

Every outlet, person and place here is invented.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.crossdoc.boilerplate import (
    LAYER,
    BoilerplateIndex,
    fold,
    headline_like,
    inside_boilerplate,
    is_furniture,
    masked_text,
    passages,
)
from claimtrace.crossdoc.reuse import ReuseDetector, ReuseDoc
from claimtrace.crossdoc.story_state import StoryDoc
from claimtrace.model import Document, Span
from claimtrace.pipeline import BOILERPLATE_STATE_KEY, mark_boilerplate
from claimtrace.store import open_store

FOOTER = "Keep reading the Valmor Courier for more from the harbour district and beyond."
SHARE = "Share this article with your friends and family."
COPIED = (
    "The harbour authority of Port Lira confirmed on Tuesday that the northern pier will close for "
    "eleven weeks of repairs, and that ferries to Estmark will leave from the southern quay instead."
)
TOPICS = [
    "The town council of Brenvik voted to rebuild the old library with money from a regional fund.",
    "A storm knocked out power to four villages in the Ostra valley, and crews worked through the night.",
    "The Valmor football club signed a young goalkeeper from a second-division side in Norland.",
    "Farmers near Kessel reported an early harvest of apples after an unusually warm spring season.",
    "A new tram line between the station and the university opened to passengers on Monday morning.",
    "Teachers in the Lune district agreed a pay deal after three months of talks with the regional board.",
    "The museum of Tarsk unveiled a restored medieval tapestry that had been kept in storage for decades.",
    "Health officials in Orvana opened two new clinics to shorten waiting times for routine check-ups.",
]

EXTRA = [
    "Residents of the old quarter said the change had been a long time coming.",
    "Critics on the opposition benches called the decision rushed and badly explained.",
    "Local shopkeepers expect more visitors once the summer timetable begins in June.",
    "An inquiry into the costs is due to report to the assembly before the winter recess.",
    "Volunteers from three neighbouring parishes helped with the clearing work on Sunday.",
    "The regional newspaper first reported the plans in a short notice last autumn.",
    "Officials promised a public meeting where questions from families would be answered.",
    "Weather forecasters warned of strong winds along the coast later in the week.",
]


def _doc(i: int, body: str, *, outlet: str | None, footer: str | None = FOOTER) -> Document:
    lines = [body, EXTRA[i % len(EXTRA)]]
    if footer:
        lines.append(footer)
    return Document(text="\n\n".join(lines), source=f"fixture://{outlet}/{i}", id=f"d{i}", outlet=outlet)


def _courier(n: int) -> list[Document]:
    return [_doc(i, TOPICS[i], outlet="Valmor Courier") for i in range(n)]


def _spans(index: BoilerplateIndex, doc: Document) -> list[str]:
    return [doc.text[s:e] for s, e, _ in index.check(doc)]


def test_footer_repeated_across_an_outlet_is_boilerplate() -> None:
    docs = _courier(6)
    index = BoilerplateIndex().fit(docs)
    for doc in docs:
        assert _spans(index, doc) == [FOOTER]
    reasons = {why for d in docs for _, _, why in index.check(d)}
    assert reasons == {"outlet"}
    # three copies make it the outlet's furniture (outlet_min_docs), not yet the corpus's (4)
    index = BoilerplateIndex().fit(docs[:3])
    assert _spans(index, docs[0]) == [FOOTER]
    assert _spans(index, _doc(7, TOPICS[7], outlet="Orvana Post")) == []


def test_corpus_wide_share_line_is_boilerplate() -> None:
    docs = [_doc(i, TOPICS[i], outlet=f"Outlet {i}", footer=SHARE) for i in range(5)]
    index = BoilerplateIndex().fit(docs)
    assert all(_spans(index, d) == [SHARE] for d in docs)
    # a share prompt is furniture even in one document (lexicon), but a real sentence is not
    assert is_furniture(SHARE)
    assert is_furniture("Subscribe to our newsletter and get the news straight to your inbox.")
    assert not is_furniture("Share prices fell by four percent on Monday, the exchange said.")
    assert not is_furniture("The minister said she would share the report with parliament on Friday.")


def test_copied_paragraph_between_two_outlets_is_not_boilerplate() -> None:
    a = Document(text=f"{TOPICS[0]}\n\n{COPIED}", source="x://a", id="a", outlet="Valmor Courier")
    b = Document(text=f"{COPIED}\n\n{TOPICS[1]}", source="x://b", id="b", outlet="Orvana Post")
    docs = [a, b, *_courier(6)[2:]]
    index = BoilerplateIndex().fit(docs)
    assert index.check(a) == [] or _spans(index, a) == []
    assert _spans(index, b) == []
    for d in docs:
        d.layers[LAYER] = [Span(s, e, LAYER) for s, e, _ in index.check(d)]
    reuse = [ReuseDoc.from_document(d) for d in docs]
    links = ReuseDetector(use_embeddings=False).fit(reuse).links()
    pairs = {(x.a_doc, x.b_doc) for x in links}
    assert pairs == {("a", "b")}, "the copied paragraph is reuse; the shared footer is not"


def test_story_copied_by_many_outlets_is_not_boilerplate() -> None:
    story = f"{COPIED}\n\n{TOPICS[3]}\n\n{TOPICS[4]}"
    docs = [Document(text=story + f"\n\nFiled by desk {i}.", source=f"x://{i}", id=f"s{i}") for i in range(6)]
    index = BoilerplateIndex().fit(docs)
    assert all(index.check(d) == [] for d in docs)
    assert index.copied > 0


def test_unmasked_footer_links_every_article_masked_one_none() -> None:
    docs = _courier(6)
    before = ReuseDetector(use_embeddings=False).fit([ReuseDoc.from_document(d) for d in docs]).links()
    assert len(before) == 15  # every pair of the six articles shares the footer
    index = BoilerplateIndex().fit(docs)
    for d in docs:
        d.layers[LAYER] = [Span(s, e, LAYER) for s, e, _ in index.check(d)]
    after = ReuseDetector(use_embeddings=False).fit([ReuseDoc.from_document(d) for d in docs]).links()
    assert after == []
    story = StoryDoc.from_document(docs[0])
    assert FOOTER not in story.text and TOPICS[0] in story.text


def test_stream_footer_becomes_known_and_older_documents_follow(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "stream.db"))
    docs = _courier(5)
    stored: list[Document] = []
    for n, doc in enumerate(docs, start=1):
        store.add_documents([doc])
        stored = list(store.iter_documents())
        summary = mark_boilerplate(store, stored)
        spans = store.load_boilerplate()
        if n < 3:  # outlet_min_docs: the footer is not known yet
            assert spans == {} and summary["passages"] == 0
        else:  # from the third copy on, every copy (older ones included) is set aside
            assert sorted(spans) == [d.id for d in docs[:n]]
            assert summary == {"documents": n, "passages": n, "chars": n * len(FOOTER)}
    assert all(d.layers[LAYER] and masked_text(d).strip() != d.text.strip() for d in stored)
    # a new document is checked against what is known, without the corpus
    known = BoilerplateIndex.from_state(store.get_state(BOILERPLATE_STATE_KEY))
    new = _doc(6, TOPICS[6], outlet="Valmor Courier")
    assert _spans(known, new) == [FOOTER]
    assert _spans(known, _doc(7, TOPICS[7], outlet="Valmor Courier", footer=None)) == []
    store.close()


def test_heading_like_line_shared_by_unrelated_articles_is_boilerplate() -> None:
    link = "Why The Harbour Tolls Will Rise Again Next Year"
    a = Document(text=f"{TOPICS[0]}\n\n{link}\n\n{TOPICS[1]}", source="x://a", id="a")
    b = Document(text=f"{TOPICS[2]}\n\n{link}\n\n{TOPICS[3]}", source="x://b", id="b")
    index = BoilerplateIndex().fit([a, b])
    assert _spans(index, a) == [link] and _spans(index, b) == [link]
    assert headline_like(link) and headline_like("READ THIS BEFORE THE VOTE!")
    assert not headline_like("The minister said the tolls would rise again next year.")


def test_inside_boilerplate_and_masking_keep_offsets() -> None:
    doc = _courier(1)[0]
    start = doc.text.index(FOOTER)
    doc.layers[LAYER] = [Span(start, start + len(FOOTER), LAYER)]
    masked = masked_text(doc)
    assert len(masked) == len(doc.text) and FOOTER not in masked
    assert masked[:start] == doc.text[:start]
    assert inside_boilerplate(doc, start + 5, start + 30)
    assert not inside_boilerplate(doc, 0, 20)


def test_state_round_trip() -> None:
    index = BoilerplateIndex(outlet_min_docs=4).fit(_courier(6))
    again = BoilerplateIndex.from_state(index.to_state())
    assert again.get_params() == index.get_params() and again.known == index.known


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
def test_passages_and_fold_on_any_text(text: str) -> None:
    for s, e in passages(text):
        piece = text[s:e]
        assert piece and piece == piece.strip() and "\n" not in piece
    assert fold(text) == fold(text.upper()) or not text.isascii()
    doc = Document(text=text, source="x://h")
    spans = BoilerplateIndex().fit([doc, Document(text=text, source="x://h2")]).check(doc)
    assert all(0 <= s < e <= len(text) for s, e, _ in spans)


def test_claims_in_boilerplate_never_join_narratives() -> None:
    from _narrative_fixtures import base_docs, entities

    from claimtrace.crossdoc.narratives import build_narratives, hashing_encoder

    params = {"entities": entities(), "encoder": hashing_encoder, "threshold": 0.3, "link_threshold": 0.2}
    before = build_narratives(base_docs(), **params)  # type: ignore[arg-type]
    mercenaries = [n for n in before if {"d1", "d2", "d3"} <= set(n.documents)]
    assert mercenaries, "the fixture's recurring claim forms a narrative"
    claim_ids = set(mercenaries[0].claims)
    inputs = base_docs()
    for inp in inputs:  # set aside the sentences of that recurring claim as if they were furniture
        for c in inp.analysis.claims:
            if c.id in claim_ids:
                inp.doc.layers.setdefault(LAYER, []).append(Span(c.start, c.end, LAYER))
    after = build_narratives(inputs, **params)  # type: ignore[arg-type]
    assert not {c for n in after for c in n.claims} & claim_ids


def test_an_outlet_repeating_a_statement_is_recycling_a_claim_not_furniture() -> None:
    quote = "Minister Orla Venn said the harbour tolls would rise again next year, whatever the council says."
    docs = [_doc(i, f"{TOPICS[i]}\n\n{quote}", outlet="Valmor Courier", footer=None) for i in range(6)]
    index = BoilerplateIndex().fit(docs)
    assert all(index.check(d) == [] for d in docs)
    # a tweet's signature line is not a heading
    assert not headline_like("— Pell Dunmore (@pelldunmore) March 3, 2024")
