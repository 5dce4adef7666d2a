"""The learned attribution tagger: tokens, hashed features, shipped weights, decoding."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrace.nlp import tagger
from claimtrace.nlp.attribution import find_attributions
from claimtrace.nlp.sentences import split_sentences

TEXT = (
    "Minister Ola Brenn said on Monday that the harbour would reopen.\n\n"
    "“We are ready,” the port director told reporters. Ships waited outside."
)


def _tag(text: str) -> tuple[tagger.Tokens, np.ndarray]:
    return tagger.tag(text, split_sentences(text))


def test_tokens_quotes_and_sentences() -> None:
    tok = tagger.tokenize(TEXT, split_sentences(TEXT))
    assert tok.words[:3] == ["Minister", "Ola", "Brenn"]
    assert all(TEXT[s:e] == w for s, e, w in zip(tok.starts, tok.ends, tok.words, strict=True))
    inside = [w for w, q in zip(tok.words, tok.inq, strict=True) if q]
    assert inside == ["We", "are", "ready", ","]
    said = tok.words.index("said")
    assert tok.cand[said] and not tok.cand[0]
    assert tok.para_start[0] and tok.para_start[tok.words.index("“")]
    assert list(tok.sent) == sorted(tok.sent)


def test_vocabulary_grows_and_resets_without_changing_values(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    words = [f"w{i}" for i in range(500)] + ["said", "w1"]
    want = tagger._Vocab().lookup(words)
    grown = tagger._Vocab().lookup([f"y{i}" for i in range(9000)])  # past the first table size
    assert np.array_equal(grown[-1], tagger._Vocab().lookup(["y8999"])[0])
    small = tagger._Vocab()
    monkeypatch.setattr(tagger, "_CACHE_MAX", 4096)
    small.lookup([f"x{i}" for i in range(4000)])
    got = small.lookup(words)  # resets half-way through this lookup
    assert small.generation == 1 and np.array_equal(got, want)


def test_features_are_deterministic_and_in_range() -> None:
    tok = tagger.tokenize(TEXT, split_sentences(TEXT))
    f1 = tagger.stage1_features(tok)
    again = tagger.stage1_features(tagger.tokenize(TEXT, split_sentences(TEXT)))
    assert f1.shape[0] == len(tok.words) and np.array_equal(f1, again)
    assert f1.min() >= 0 and f1.max() < tagger.DIM
    f2 = tagger.stage2_features(tok, f1, np.zeros(len(tok.words), dtype=np.int64))
    assert f2.shape[1] > f1.shape[1]


def test_shipped_model_tags_roles() -> None:
    assert tagger.load_model() is not None, "data/attribution_tagger.npz is missing"
    tok, lab = _tag(TEXT)
    roles = {w: tagger.LABELS[int(lbl)] for w, lbl in zip(tok.words, lab, strict=True)}
    assert roles["said"] == "CUE" and roles["told"] == "CUE"
    assert roles["Brenn"] == "SRC" and roles["director"] == "SRC"
    assert roles["harbour"] == "CON" and roles["ready"] == "CON"
    assert roles["Ships"] == "O"


def test_save_and_load_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    w = rng.normal(size=(tagger.DIM, 4)).astype(np.float32)
    b = np.arange(4, dtype=np.float32)
    path = tmp_path / "m.npz"
    tagger.save_model(tagger.Model(w, b, w, b), path)
    m = tagger.load_model(str(path))
    assert m is not None and m.w1.dtype == np.int8
    assert np.allclose(m.w1 * m.s1, w, atol=float(np.abs(w).max()) / 127)
    assert np.array_equal(m.b2, b)
    feats = np.array([[0, 5, 9], [3, 3, 3]], dtype=np.int32)
    want = tagger.Model(w, b, w, b).scores(feats, 1)
    assert np.allclose(m.scores(feats, 1), want, atol=0.1)
    one, two = m.both(feats)
    assert np.allclose(one, want, atol=0.1) and np.allclose(two + b, m.scores(feats, 2), atol=0.1)


def test_decoding_groups_runs_around_cues() -> None:
    text = (
        "“The bridge is closed,” Ada Morn, a spokeswoman for the city, said. "
        "“It will reopen in May,” she added."
    )
    atts = find_attributions(text, split_sentences(text), cues="all")
    got = [(text[a.cue[0] : a.cue[1]], a.source and text[a.source[0] : a.source[1]], a.kind) for a in atts]
    assert got == [
        ("said", "Ada Morn, a spokeswoman for the city", "direct"),
        ("added", "she", "direct"),
    ]
    assert [text[s:e] for s, e in atts[1].content] == ["It will reopen in May"]


def test_report_mode_drops_beliefs_keeps_that_clauses() -> None:
    text = "The council hopes for rain. Farmers believe that the dry spell will end soon."
    sents = split_sentences(text)
    every = find_attributions(text, sents, cues="all")
    claims = find_attributions(text, sents)
    assert len(every) >= 2
    assert [text[a.cue[0] : a.cue[1]] for a in claims] == ["believe"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab said“”",.:\n Tom')), max_size=120))
def test_never_crashes_and_spans_are_valid(text: str) -> None:
    for a in find_attributions(text, split_sentences(text), cues="all"):
        for s, e in [a.cue, *a.content, *([a.source] if a.source else [])]:
            assert 0 <= s <= e <= len(text)


def test_participle_and_coordinated_cues_share_the_source() -> None:
    for text, cue in (
        (
            "Mayor Lina Osk praised the new bridge on Monday, saying it would open to traffic in May.",
            "saying",
        ),
        (
            "Senator Piet Varo attacked the plan and then suggested that the vote be delayed until June.",
            "suggested",
        ),
    ):
        atts = find_attributions(text, split_sentences(text), cues="all")
        (later,) = [a for a in atts if cue in text[a.cue[0] : a.cue[1]]]
        first = atts[0]
        assert later is not first and later.source is not None and later.source == first.source
        assert text[later.source[0] : later.source[1]].split()[-1] in {"Osk", "Varo"}


def test_no_source_sharing_across_sentences() -> None:
    text = "Mayor Lina Osk praised the new bridge. “It opens in May,” the notice read."
    atts = find_attributions(text, split_sentences(text), cues="all")
    for a in atts[1:]:
        assert a.source is None or a.source[0] > text.index(".")


def _ref_key(t: int, *vals: int) -> int:
    """The raw template key, written out with Python integers (see ``tagger._Plan``)."""
    x = (t + 1) * 0x9E3779B97F4A7C15 % (1 << 64)
    for v in vals:
        x = (x * 0x94D049BB133111EB + v) % (1 << 64)
    return x


def _ref_bucket(key: int) -> int:
    x = key ^ (key >> 31)
    x = x * 0xBF58476D1CE4E5B9 % (1 << 64)
    x ^= x >> 29
    return x >> (64 - 18)


def test_compiled_templates_match_the_written_out_hash() -> None:
    tok = tagger.tokenize(TEXT, split_sentences(TEXT))
    f1 = tagger.stage1_features(tok)
    hw, shape = [int(v) for v in tok.hw], [int(v) for v in tok.shape]
    for i in (0, 3, len(hw) - 1):
        row = set(f1[i].tolist())
        assert _ref_bucket(_ref_key(0)) in row  # the bias template
        assert _ref_bucket(_ref_key(10, hw[i])) in row  # the word itself
        prev = hw[i - 1] if i > 0 else 0
        assert _ref_bucket(_ref_key(45, prev, hw[i])) in row  # previous word + word
        nxt = shape[i + 1] if i + 1 < len(shape) else 99
        assert _ref_bucket(_ref_key(58, hw[i], nxt)) in row  # word + next shape (99 past the end)


def test_packed_scores_equal_plain_int8_sums() -> None:
    rng = np.random.default_rng(1)
    w1 = rng.integers(-127, 128, size=(tagger.DIM, 4)).astype(np.int8)
    w2 = rng.integers(-127, 128, size=(tagger.DIM, 4)).astype(np.int8)
    b = np.array([0.5, -1.0, 2.0, 0.0], dtype=np.float32)
    m = tagger.Model(w1, b, w2, b, 0.01, 0.02)
    feats = rng.integers(0, tagger.DIM, size=(50, 70)).astype(np.int32)
    want1 = w1.astype(np.int32)[feats].sum(axis=1) * np.float32(0.01) + b
    want2 = w2.astype(np.int32)[feats].sum(axis=1) * np.float32(0.02)
    assert np.allclose(m.scores(feats, 1), want1) and np.allclose(m.scores(feats, 2), want2 + b)
    s1, base2 = m.both(feats)
    assert np.allclose(s1, want1) and np.allclose(base2, want2)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 _-.’'“”\"\u00a0\u2009\u3000\n\té,")), max_size=80))
def test_token_offsets_match_the_token_pattern(text: str) -> None:
    words, starts, ends = tagger._token_spans(text)
    ms = list(tagger._TOK.finditer(text))
    assert words == [m.group() for m in ms]
    assert starts.tolist() == [m.start() for m in ms] and ends.tolist() == [m.end() for m in ms]
