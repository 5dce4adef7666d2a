"""Reuse detection on fictional articles: copies with edits, deletions, reorderings and paraphrases."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import pytest

from claimtrace.crossdoc.reuse import ReuseDetector, ReuseDoc, find_reuse

ORIGINAL = [
    "Mayor Elena Vostrikova of Rivertown announced on Monday that the city will close the old Harbor Bridge.",
    "The bridge, built in 1931, carries about 14,000 vehicles every day across the Silver River.",
    "Engineers from the Rivertown Transport Office found deep cracks in two steel supports last month.",
    "Vostrikova said the repairs would cost at least 38 million crowns and take nearly two years to finish.",
    "Residents of the northern districts will have to use the ferry service or the ring road meanwhile.",
    "The opposition councillor Tomas Brink accused the mayor of ignoring inspectors' warnings since 2019.",
    "A public hearing on the closure is planned for the first week of March at the city hall.",
]

UNRELATED = [
    "The Lakeside Orchestra opened its winter season with a programme of forgotten northern composers.",
    "Conductor Ilse Marrow chose three symphonies that had not been performed in the region for decades.",
    "Tickets for the remaining concerts sold out within hours of going on sale, the orchestra said.",
    "Critics praised the brass section but found the acoustics of the renovated hall uneven.",
]


def make_doc(doc_id: str, sentences: Sequence[str], *, published: str | None = None) -> ReuseDoc:
    text, spans, pos = "", [], 0
    for s in sentences:
        spans.append((pos, pos + len(s)))
        text += s + " "
        pos = len(text)
    return ReuseDoc(id=doc_id, text=text.rstrip(), sentences=spans, published=published)


def span(doc: ReuseDoc, start: int, end: int) -> str:
    return doc.text[start:end]


@pytest.fixture()
def corpus() -> list[ReuseDoc]:
    edited = [
        ORIGINAL[0],
        ORIGINAL[1],
        # near copy: words changed and inserted
        "Engineers from the city's Transport Office discovered deep cracks in two old steel supports in May.",
        ORIGINAL[3],
        # ORIGINAL[4] deleted
        "The weather in the region is expected to stay cold until the end of the month.",
        ORIGINAL[6],  # moved before ORIGINAL[5]
        ORIGINAL[5],
    ]
    return [
        make_doc("orig", ORIGINAL, published="2024-02-01"),
        make_doc("copy", edited, published="2024-02-02"),
        make_doc("other", UNRELATED, published="2024-02-01"),
    ]


def lexical(**kw: object) -> ReuseDetector:
    return ReuseDetector(use_embeddings=False, **kw)  # type: ignore[arg-type]


def test_copy_with_edits_is_one_near_passage_plus_reordered_ones(corpus: list[ReuseDoc]) -> None:
    links = lexical().fit(corpus).links()
    docs = {d.id: d for d in corpus}
    assert links and all({link.a_doc, link.b_doc} == {"orig", "copy"} for link in links)
    main = max(links, key=lambda link: link.a_end - link.a_start)
    a_text = span(docs[main.a_doc], main.a_start, main.a_end)
    b_text = span(docs[main.b_doc], main.b_start, main.b_end)
    assert a_text.startswith("Mayor Elena Vostrikova") and "38 million crowns" in a_text
    assert "discovered deep cracks" in b_text and "38 million crowns" in b_text
    assert main.kind == "near"  # verbatim sentences plus one edited sentence
    assert 0.5 < main.score <= 1.0
    # the reordered sentences are found as separate passages
    others = [link for link in links if link is not main]
    texts = [span(docs[link.a_doc], link.a_start, link.a_end) for link in others]
    assert any("Tomas Brink" in t for t in texts) and any("public hearing" in t for t in texts)
    assert all(link.kind == "verbatim" and link.score == 1.0 for link in others)
    # the deleted sentence and the inserted one are not in any passage
    for link in links:
        assert "ferry service" not in span(docs[link.a_doc], link.a_start, link.a_end)
        assert "weather" not in span(docs[link.b_doc], link.b_start, link.b_end)


def test_spans_are_sentence_aligned_offsets(corpus: list[ReuseDoc]) -> None:
    for link in find_reuse(corpus, use_embeddings=False):
        for doc_id, s, e in ((link.a_doc, link.a_start, link.a_end), (link.b_doc, link.b_start, link.b_end)):
            doc = next(d for d in corpus if d.id == doc_id)
            assert (s, e) != (0, 0) and 0 <= s < e <= len(doc.text)
            assert any(st == s for st, _ in doc.sentences) and any(en == e for _, en in doc.sentences)


def test_verbatim_whole_copy() -> None:
    a = make_doc("a", ORIGINAL)
    b = make_doc("b", ["Breaking news from the coast.", *ORIGINAL[:4]])
    (link,) = find_reuse([a, b], use_embeddings=False)
    assert link.kind == "verbatim" and link.score == 1.0
    assert span(a, link.a_start, link.a_end) == " ".join(ORIGINAL[:4])
    assert span(b, link.b_start, link.b_end) == " ".join(ORIGINAL[:4])


def test_unrelated_documents_give_nothing() -> None:
    assert find_reuse([make_doc("a", ORIGINAL), make_doc("b", UNRELATED)], use_embeddings=False) == []


def test_incremental_fit_equals_batch_fit(corpus: list[ReuseDoc]) -> None:
    batch = lexical().fit(corpus).links()
    inc = lexical().fit(corpus[:1]).fit(corpus[1:]).links()
    key = lambda link: (link.a_doc, link.a_start, link.b_doc, link.b_start, link.kind)  # noqa: E731
    assert sorted(map(key, batch)) == sorted(map(key, inc))


def _random_sentence(rng: random.Random, vocab: list[str]) -> str:
    return " ".join(rng.choice(vocab) for _ in range(rng.randint(10, 22))).capitalize() + "."


def test_candidates_are_far_fewer_than_all_pairs() -> None:
    rng = random.Random(11)
    vocab = [f"w{k}" for k in range(3000)]
    docs = [make_doc(f"d{k}", [_random_sentence(rng, vocab) for _ in range(8)]) for k in range(300)]
    # plant 20 copies of two sentences each
    for k in range(20):
        src = docs[k]
        sents = [src.text[s:e] for s, e in src.sentences]
        docs.append(
            make_doc(
                f"c{k}", [_random_sentence(rng, vocab), sents[2], sents[3], _random_sentence(rng, vocab)]
            )
        )
    det = lexical().fit(docs)
    n = det.stats["signed_sentences"]
    assert det.stats["candidate_pairs"] < 0.001 * n * (n - 1) / 2
    found = {(link.a_doc, link.b_doc) for link in det.links()}
    assert all((f"d{k}", f"c{k}") in found for k in range(20))
    assert len(found) == 20


class StubEncoder:
    """Bag-of-words vectors, except that texts in ``same`` share one vector (a 'paraphrase')."""

    def __init__(self, same: Sequence[str]) -> None:
        self.same = set(same)
        self.calls: list[str] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.extend(texts)
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, t in enumerate(texts):
            if t in self.same:
                out[row, 0] = 1.0
                continue
            for w in t.lower().split():
                out[row, 1 + hash(w) % 63] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_paraphrase_next_to_copied_sentences_is_found_and_few_sentences_are_embedded() -> None:
    para = "Repairing the structure will take close to two years and cost no less than 38 million crowns."
    a = make_doc("a", ORIGINAL)
    b = make_doc(
        "b", [*ORIGINAL[:3], para, "An unrelated remark about the ferry timetable and its many delays."]
    )
    enc = StubEncoder([ORIGINAL[3], para])
    det = ReuseDetector(encoder=enc, use_scorer=False)
    links = det.fit([a, b, make_doc("o", UNRELATED)]).links()
    assert len(links) == 1
    (link,) = links
    assert "38 million crowns" in span(a, link.a_start, link.a_end)
    assert para in span(b, link.b_start, link.b_end)
    assert link.kind == "near"  # verbatim sentences and a paraphrase in one passage
    assert det.stats["paraphrase_pairs"] >= 1
    # only sentences next to the aligned ones were embedded, never the unrelated document
    assert not any(t in enc.calls for t in UNRELATED)
    assert len(enc.calls) <= 6


def test_paraphrase_alone_is_kind_paraphrase() -> None:
    s1 = "The council approved a plan to plant twelve thousand trees along the river banks next spring."
    s2 = "From next spring, twelve thousand young oaks and birches will line both banks of the river."
    a = make_doc("a", [s1, *UNRELATED[:2]])
    b = make_doc("b", ["A different lead sentence about local sports results today.", s2])
    # word overlap is low (Jaccard 0.27): with more bands the pair is a lexical candidate for sure
    det = ReuseDetector(encoder=StubEncoder([s1, s2]), use_scorer=False, bands=12, rows=1)
    links = det.fit([a, b]).links()
    assert det.stats["lexical_paraphrase_candidates"] == 1
    assert [
        (link.kind, span(a, link.a_start, link.a_end), span(b, link.b_start, link.b_end)) for link in links
    ] == [("paraphrase", s1, s2)]


def test_short_sentences_are_not_matched() -> None:
    a = make_doc("a", ["He said no.", *UNRELATED[:2]])
    b = make_doc("b", ["He said no.", "Completely different words are written here for the test today."])
    assert find_reuse([a, b], use_embeddings=False) == []


def test_from_document_takes_sentences_claims_and_metadata() -> None:
    from claimtrace.model import Claim, DocAnalysis, Document

    doc = Document(text=" ".join(ORIGINAL), source="x.txt", published="2024-01-02", credits=["Wire"])
    claim = Claim(start=0, end=10, content_start=0, content_end=10, kind="direct", speaker_key="gaz:x")
    analysis = DocAnalysis(doc_id=doc.id, sentences=[(0, len(ORIGINAL[0]))], claims=[claim])
    rd = ReuseDoc.from_document(doc, analysis)
    assert (rd.id, rd.published, list(rd.credits)) == (doc.id, "2024-01-02", ["Wire"])
    assert rd.sentences == [(0, len(ORIGINAL[0]))] and list(rd.claims) == [claim]
    assert ReuseDoc.from_document(doc).sentences == []
