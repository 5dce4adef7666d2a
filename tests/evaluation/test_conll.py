"""CoNLL-2003 reading and scoring (on a file written here), ``eval entities``, and dev F1 when present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimtrace.evaluation.conll import (
    ConllDoc,
    evaluate_conll,
    gold_spans,
    predicted_spans,
    read_conll,
    score,
)

DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchdata" / "conll2003" / "eng.testa"

# invented sentences in the CoNLL-2003 layout (token POS chunk NER, IOB1 tags)
_FIXTURE = """-DOCSTART- -X- -X- O

Olga NNP B-NP I-PER
Varnik NNP I-NP I-PER
visited VBD B-VP O
France NNP B-NP I-LOC
on IN B-PP O
Monday NNP B-NP O
. . O O

It PRP B-NP O
met VBD B-VP O
the DT B-NP O
Zenda NNP I-NP I-ORG
Mining NNP I-NP I-ORG
Corporation NNP I-NP I-ORG
. . O O

-DOCSTART- -X- -X- O

German JJ B-NP I-MISC
and CC O O
Italian JJ B-NP I-MISC
envoys NNS I-NP O
met VBD B-VP O
Pavel NNP B-NP I-PER
Droz NNP I-NP I-PER
in IN B-PP O
Berlin NNP B-NP I-LOC
. . O O
"""


@pytest.fixture()
def conll_file(tmp_path: Path) -> Path:
    p = tmp_path / "mini.conll"
    p.write_text(_FIXTURE, encoding="utf-8")
    return p


def test_read_and_join(conll_file: Path) -> None:
    docs = read_conll(conll_file)
    assert [len(d.sentences) for d in docs] == [2, 1]
    text, starts, ends = docs[0].text_and_offsets()
    assert text.split("\n")[0] == "Olga Varnik visited France on Monday ."
    assert [text[a:b] for a, b in zip(starts, ends, strict=True)] == docs[0].tokens
    assert docs[0].spans() == {(0, 2, "PER"), (3, 4, "LOC"), (10, 13, "ORG")}


def test_iob1_b_splits_touching_names() -> None:
    assert gold_spans(["I-PER", "B-PER", "O", "I-LOC", "I-ORG"]) == {
        (0, 1, "PER"),
        (1, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "ORG"),
    }


def test_predicted_spans_map_types_and_tokens() -> None:
    starts, ends = [0, 5, 12], [4, 11, 18]
    got = predicted_spans([(0, 11, "PERSON"), (12, 18, "GPE"), (5, 8, "OTHER")], starts, ends)
    assert got == {(0, 2, "PER"), (2, 3, "LOC"), (1, 2, "MISC")}


def test_score_counts() -> None:
    gold = [{(0, 2, "PER"), (3, 4, "LOC")}]
    pred = [{(0, 2, "PER"), (3, 4, "ORG"), (5, 6, "MISC")}]
    s = score(gold, pred)
    assert s["typed"] == {"p": 0.3333, "r": 0.5, "f1": 0.4}
    assert s["untyped"] == {"p": 0.6667, "r": 1.0, "f1": 0.8}
    assert s["per_type_f1"]["PER"] == 1.0 and s["per_type_f1"]["LOC"] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["O", "I-PER", "B-PER", "I-ORG", "I-LOC", "B-LOC", "I-MISC"]), max_size=30))
def test_gold_spans_partition(tags: list[str]) -> None:
    spans = sorted(gold_spans(tags))
    covered = [k for a, b, _t in spans for k in range(a, b)]
    assert covered == [k for k, t in enumerate(tags) if t != "O"]  # every tagged token once, in order
    assert all(tags[a].endswith(t) for a, _b, t in spans)


def test_evaluate_fixture_end_to_end(conll_file: Path) -> None:
    s = evaluate_conll(conll_file)
    assert s["documents"] == 2 and s["gold"] == 7
    # the fixture is easy: the names, the country and the city are found and typed
    assert s["per_type_f1"]["PER"] == 1.0 and s["per_type_f1"]["LOC"] == 1.0
    assert s["untyped"]["f1"] >= 0.8


def test_cli_prints_one_json_line(conll_file: Path) -> None:
    from claimtrace.cli import app

    res = CliRunner().invoke(app, ["eval", "entities", "--conll", str(conll_file)])
    assert res.exit_code == 0, res.output
    line = res.output.strip().splitlines()[-1]
    assert set(json.loads(line)) >= {"typed", "untyped", "per_type_f1"}
    bad = CliRunner().invoke(app, ["eval", "entities", "--conll", str(conll_file) + ".missing"])
    assert bad.exit_code != 0


def test_document_boundaries() -> None:
    d = ConllDoc([[("A", "O")], [("B", "I-PER")]])
    assert d.text_and_offsets() == ("A\nB", [0, 2], [1, 3])


@pytest.mark.skipif(not DEV.exists(), reason="CoNLL-2003 dev not available")
def test_dev_f1_floor() -> None:
    s = evaluate_conll(DEV)
    assert s["documents"] == 216
    assert s["typed"]["f1"] >= FLOOR_TYPED and s["untyped"]["f1"] >= FLOOR_UNTYPED, s


FLOOR_TYPED = 0.85
FLOOR_UNTYPED = 0.91


def test_training_on_the_fixture_gives_a_loadable_tagger(conll_file: Path, tmp_path: Path) -> None:
    """conll_train end to end on the invented fixture: trains, saves, loads, tags every token."""
    pytest.importorskip("torch")
    from claimtrace.evaluation.conll_train import train
    from claimtrace.nlp import ner

    docs = read_conll(conll_file)
    model = train(docs, epochs=30, seed=0)
    out = tmp_path / "ner.npz"
    model.save(out)
    loaded = ner.load_model(str(out))
    assert loaded is not None
    # the learned parameters round-trip exactly
    for key, value in model.arrays().items():
        assert (loaded.arrays()[key] == value).all(), key
