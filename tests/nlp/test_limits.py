"""Resource bounds: sentences and documents never grow past their caps, and nothing is lost."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from claimtrace.limits import MAX_SENTENCE_CHARS, cap_document, split_long
from claimtrace.model import Document, Span
from claimtrace.nlp.sentences import split_sentences


@given(st.text(alphabet=st.sampled_from("ab \n.x"), max_size=400), st.integers(min_value=3, max_value=40))
def test_split_long_bounds_and_covers(text: str, limit: int) -> None:
    pieces = split_long(text, 0, len(text), limit=limit)
    assert all(0 < b - a <= limit for a, b in pieces)
    assert all(p[1] <= q[0] for p, q in itertools.pairwise(pieces))
    kept = "".join(text[a:b] for a, b in pieces)
    assert kept.replace(" ", "").replace("\n", "") == text.strip().replace(" ", "").replace("\n", "")


def test_no_sentence_is_longer_than_the_cap() -> None:
    line = " ".join(f"word{i}" for i in range(5_000))  # 40,000 characters, no punctuation
    glued = "x" * 7_000  # no space at all
    text = f"A short one. Then {line}\n{glued}\nThe end."
    spans = split_sentences(text)
    assert max(b - a for a, b in spans) <= MAX_SENTENCE_CHARS
    assert (
        text[spans[0][0] : spans[0][1]] == "A short one." and text[spans[-1][0] : spans[-1][1]] == "The end."
    )
    pieces = [text[a:b] for a, b in spans]
    words = [w for p in pieces if not p.startswith("x") for w in p.split()]
    assert words == [w for w in text.split() if not w.startswith("x")]  # cut at spaces: words survive
    assert "".join(p for p in pieces if p.startswith("x")) == glued  # no space at all: cut, not lost


def test_cap_document_notes_the_cut() -> None:
    doc = Document(text="alpha beta " * 100, source="s", layers={"x": [Span(0, 5), Span(900, 1000)]})
    capped = cap_document(doc, limit=100)
    assert len(capped.text) <= 100 and capped.text.endswith(("alpha", "beta"))
    assert capped.id == doc.id and capped.meta["truncated"] == {
        "chars": 1100,
        "kept": len(capped.text),
        "limit": 100,
    }
    assert [s.start for s in capped.layers["x"]] == [0]
    assert cap_document(capped, limit=100) is capped


@given(st.lists(st.integers(min_value=1, max_value=256), max_size=300), st.sampled_from([1, 16, 64]))
def test_encoder_batches_are_bounded(lengths: list[int], batch_size: int) -> None:
    from claimtrace.embeddings import plan_batches

    lengths.sort()
    budget = 64 * 64
    batches = plan_batches(lengths, batch_size=batch_size, budget=budget)
    assert [i for a, b in batches for i in range(a, b)] == list(range(len(lengths)))  # each text once
    for a, b in batches:
        longest = max(lengths[a:b])
        assert b - a <= batch_size
        assert b - a == 1 or (b - a) * longest * max(longest, 64) <= budget * 64
