"""The per-document pipeline."""

from __future__ import annotations

from claimtrace.model import DocAnalysis, Document, Quantity
from claimtrace.nlp import pipeline
from claimtrace.nlp.pipeline import STAGE_VERSIONS, analyze_document, analyze_documents

TEXT = (
    "The Velm River Authority said on Friday that 120 houses were flooded.\n\n"
    "“We expect the water to fall within two days,” the authority’s director said."
)


def test_analyze_document_shapes_and_ids() -> None:
    doc = Document(text=TEXT, source="fixture.txt")
    da = analyze_document(doc)
    assert isinstance(da, DocAnalysis) and da.doc_id == doc.id
    assert da.sentences and all(0 <= s < e <= len(TEXT) for s, e in da.sentences)
    assert da.versions == STAGE_VERSIONS and "attribution" in da.versions and "sentences" in da.versions
    kinds = sorted(c.kind for c in da.claims)
    assert kinds == ["direct", "indirect"]
    for c in da.claims:
        assert c.id == f"{doc.id}:{c.start}-{c.end}"
        assert c.start <= c.content_start < c.content_end <= c.end
    assert DocAnalysis.from_dict(da.to_dict()) == da


def test_quantities_attached_inside_content(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    i = TEXT.index("120")

    def fake(text: str, sentences=None):  # type: ignore[no-untyped-def]
        return [Quantity(i, i + 3, "120", 120.0, about="houses")]

    monkeypatch.setattr(pipeline, "find_quantities", fake)
    da = analyze_document(Document(text=TEXT, source="f.txt"))
    (ind,) = [c for c in da.claims if c.kind == "indirect"]
    assert [q.value for q in ind.quantities] == [120.0]
    (dr,) = [c for c in da.claims if c.kind == "direct"]
    assert dr.quantities == []


def test_analyze_documents_workers_keep_order() -> None:
    docs = [Document(text=TEXT.replace("120", str(n)), source=f"d{n}.txt") for n in range(6)]
    seen: list[int] = []
    one = [d.doc_id for d in analyze_documents(docs, workers=1, progress=seen.append)]
    two = [d.doc_id for d in analyze_documents(docs, workers=2, chunksize=2)]
    assert one == two == [d.id for d in docs]
    assert seen == list(range(1, 7))
