"""PolNeAR reading and scoring on a self-made brat fixture (and dev when ../shared exists)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimtrace.evaluation import polnear

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
TEXT = "“The bridge is closed,” the engineer said. Officials said that 40 trucks were stuck.\n"
ANN = """T1\tContent 1 21\tThe bridge is closed
T2\tSource 24 36\tthe engineer
T3\tCue 37 41\tsaid
T4\tAttribution 37 41\tsaid
E1\tAttribution:T4 Source:T2 Cue:T3 Content:T1
T5\tSource 43 52\tOfficials
T6\tCue 53 57\tsaid
T7\tContent 58 83\tthat 40 trucks were stuck
E2\tAttribution:T6 Source:T5 Cue:T6 Content:T7
"""


def _fixture(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "art1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "art1_aaaa.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "attributions" / "art1_bbbb.ann").write_text(
        "", encoding="utf-8"
    )  # second annotator: ignored
    return tmp_path


def test_parse_and_first_annotator(tmp_path: Path) -> None:
    arts = list(polnear.load_polnear(_fixture(tmp_path)))
    assert len(arts) == 1 and len(arts[0].relations) == 2
    r = arts[0].relations[1]
    assert TEXT[r.source[0][0] : r.source[0][1]] == "Officials"


def test_perfect_prediction_scores_one(tmp_path: Path) -> None:
    res = polnear.evaluate_polnear(_fixture(tmp_path))
    assert res["articles"] == 1 and res["gold_relations"] == 2 and res["predicted_relations"] == 2
    for kind in ("source", "cue", "content"):
        assert res["overlap"][kind]["f1"] == 1.0
        assert res["exact"][kind]["f1"] == 1.0
    assert res["overlap"]["content_direct"]["f1"] == 1.0
    assert "content" in polnear.format_report(res)


def test_token_overlap_counts() -> None:
    gold = [polnear.GoldRelation(source=[(0, 3)], cue=[(4, 8)], content=[(9, 23)])]
    text = "Ann said the car is red."
    # predicted content covers "the car" only: 2 of 4 gold tokens, all predicted tokens right
    counts = polnear._new_counts()
    polnear.score_article(text, gold, [([(0, 3)], [(4, 8)], [(9, 16)], False)], counts)
    assert counts["content"]["ov"] == 2 and counts["content"]["gold"] == 4 and counts["content"]["pred"] == 2


def test_learn_lexicon_has_no_text(tmp_path: Path) -> None:
    lex = polnear.learn_cue_lexicon(_fixture(tmp_path), min_cue=1)
    assert lex["words"]["said"] == [2, 2]
    assert set(lex) == {"about", "articles", "words"}


def test_gold_labels_and_training_on_a_fixture(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from claimtrace.evaluation.polnear_train import gold_labels, train_tagger
    from claimtrace.nlp import tagger
    from claimtrace.nlp.sentences import split_sentences

    d = _fixture(tmp_path)
    (d / "text" / "art2.txt").write_text(TEXT, encoding="utf-8")
    (d / "attributions" / "art2_aaaa.ann").write_text(ANN, encoding="utf-8")
    art = next(iter(polnear.load_polnear(d)))
    tok = tagger.tokenize(art.text, split_sentences(art.text))
    labels = {w: tagger.LABELS[int(y)] for w, y in zip(tok.words, gold_labels(art, tok), strict=True)}
    assert labels["engineer"] == "SRC" and labels["said"] == "CUE" and labels["trucks"] == "CON"
    assert labels["Officials"] == "SRC" and labels["“"] == "O"
    out = tmp_path / "model.npz"
    summary = train_tagger(d, out=out, epochs=2, short=2)
    assert summary["articles"] == 2 and out.exists()
    model = tagger.load_model(str(out))
    assert model is not None and model.w1.shape == (tagger.DIM, len(tagger.LABELS))
    assert model.scores(tagger.stage1_features(tok), 1).shape == (len(tok.words), len(tagger.LABELS))
    with np.load(out) as z:
        linear = {"w1", "s1", "b1"}  # the network replaces the linear stage 2
        assert linear <= set(z.files) and all(f in linear or f.startswith("n_") for f in z.files)
        assert all(z[f].dtype.kind in "iuf" for f in z.files)  # weights only, no text


@pytest.mark.slow
def test_dev_figures() -> None:
    dev = SHARED / "benchdata" / "polnear" / "dev"
    if not dev.exists():
        pytest.skip("PolNeAR dev absent")
    res = polnear.evaluate_polnear(dev, limit=40)
    assert res["overlap"]["content"]["f1"] > 0.7
    assert res["overlap"]["source"]["f1"] > 0.55
    assert res["overlap"]["cue"]["f1"] > 0.5


def test_agreement_scores_annotators_against_the_first(tmp_path: Path) -> None:
    d = _fixture(tmp_path)
    # the second annotator agrees on the first relation and misses the second
    (d / "attributions" / "art1_bbbb.ann").write_text(ANN.split("T5")[0], encoding="utf-8")
    res = polnear.evaluate_agreement(d)
    assert res["articles"] == 1 and res["pairs"] == 1
    human = res["annotators"]
    assert human["overlap"]["source"]["p"] == 1.0
    assert human["overlap"]["source"]["r"] == 0.6667  # 2 of 3 gold source tokens
    assert human["exact"]["cue"]["p"] == 1.0 and human["exact"]["cue"]["r"] == 0.5
    assert set(res["system"]["overlap"]) >= {"source", "cue", "content"}
    assert "annotators overlap F1" in polnear.format_agreement(res)


def test_agreement_skips_single_annotator_articles(tmp_path: Path) -> None:
    d = _fixture(tmp_path)
    (d / "attributions" / "art1_bbbb.ann").unlink()
    res = polnear.evaluate_agreement(d)
    assert res["articles"] == 0 and res["pairs"] == 0
    assert res["annotators"]["overlap"]["cue"]["f1"] == 0.0


def test_cue_head_skips_function_words() -> None:
    words = ["Mr", "Vale", "is", "expected", "to", "announce", "it", "in", "a", "statement"]
    assert polnear.cue_head(frozenset({2, 3, 4}), words) == 3  # "is expected to" -> expected
    assert polnear.cue_head(frozenset({7, 8}), words) == 7  # only function words: the first
    assert polnear.cue_head(frozenset(), words) is None


def test_cue_head_scores_a_shorter_cue_as_found() -> None:
    text = "Ann said in an interview that the car is red. Bob is expected to win."
    gold = [
        polnear.GoldRelation(source=[(0, 3)], cue=[(4, 24)], content=[(25, 44)]),
        polnear.GoldRelation(source=[(46, 49)], cue=[(50, 64)], content=[(65, 68)]),
    ]
    # the first cue found as "said" only; the second cue found as "is" only (head missed)
    pred = [([(0, 3)], [(4, 8)], [(25, 44)], False), ([(46, 49)], [(50, 52)], [(65, 68)], False)]
    counts = polnear._new_counts()
    polnear.score_article(text, gold, pred, counts)
    res = polnear._summary(counts)
    assert res["exact"]["cue"]["f1"] == 0.0
    assert res["cue_head"]["r"] == 0.5  # "said" found, "expected" not
    assert res["cue_head"]["p"] == 1.0  # both predicted heads ("said", "is") lie inside gold cues


def test_short_pieces_clip_the_gold_to_the_excerpt() -> None:
    from claimtrace.evaluation.polnear_train import short_pieces

    text = "Intro line here.\n\n" + TEXT
    shift = len("Intro line here.\n\n")
    rels = polnear.parse_ann(ANN)
    for r in rels:
        for role in ("source", "cue", "content"):
            setattr(r, role, [(a + shift, b + shift) for a, b in getattr(r, role)])
    art = polnear.GoldArticle("a", text, rels)
    pieces = short_pieces(art, 8, np.random.default_rng(0))
    assert pieces and all(p.text in text for p in pieces)
    for p in pieces:
        for r in p.relations:
            for a, b in r.source + r.cue + r.content:
                assert 0 <= a < b <= len(p.text)
        if "engineer" in p.text:  # the excerpt holding the article's body keeps both relations
            cues = sorted(p.text[a:b] for r in p.relations for a, b in r.cue)
            assert cues == ["said", "said"]
        else:
            assert p.relations == []
