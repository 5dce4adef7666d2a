"""ECB+ cross-document linking scorer: loading, named-mention filter, B-cubed on a written fixture."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from claimtrace.evaluation import ecbplus_coref
from claimtrace.evaluation.ecbplus_coref import evaluate_linking, load_split, named
from claimtrace.model import Mention
from claimtrace.nlp.names import name_key

COREF = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchdata" / "ecbplus_coref"

# doc -> sentences (tokens); gold: (doc, sentence, token ids, chain, type)
SENTENCES = {
    "1_1ecb": ["Mira Talvik opened the Keswick plant on Friday ."],
    "1_2ecb": ["Talvik said the plant would close .", "She left Keswick ."],
    "2_1ecb": ["Ruben Osk met Talvik ."],
}
DOCS = {doc: [s.split(" ") for s in sents] for doc, sents in SENTENCES.items()}
GOLD = [
    ("1_1ecb", 0, [0, 1], "HUM1", "HUM"),
    ("1_1ecb", 0, [4], "LOC1", "LOC"),
    ("1_1ecb", 0, [7], "TIM1", "TIM"),
    ("1_2ecb", 0, [0], "HUM1", "HUM"),
    ("1_2ecb", 1, [0], "HUM1", "HUM"),
    ("1_2ecb", 1, [2], "LOC1", "LOC"),
    ("2_1ecb", 0, [0, 1], "HUM2", "HUM"),
    ("2_1ecb", 0, [3], "HUM3", "HUM"),  # another Talvik: a wrong link costs precision
]


def _write(d: Path) -> None:
    lines = []
    for doc, sents in DOCS.items():
        for sid, toks in enumerate(sents):
            lines += [f"{doc}\t{sid}\t{i}\t{t}\t-" for i, t in enumerate(toks)]
    (d / "ECB_Dev_corpus.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold = [
        {
            "doc_id": doc,
            "sent_id": sid,
            "tokens_number": toks,
            "tokens_str": " ".join(DOCS[doc][sid][i] for i in toks),
            "coref_chain": chain,
            "mention_type": typ,
        }
        for doc, sid, toks, chain, typ in GOLD
    ]
    (d / "ECB_Dev_Entity_gold_mentions.json").write_text(json.dumps(gold), encoding="utf-8")


def _capitalised_runs(text: str, _sentences: object) -> tuple[list[Mention], list[tuple[str, str]]]:
    """A stand-in recogniser: every run of capitalised words (not "She") is a PERSON mention."""
    out = []
    for m in re.finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", text):
        if m.group() != "She":
            out.append(Mention(m.start(), m.end(), m.group(), "PERSON", name_key(m.group()), m.group()))
    return out, []


def test_load_split_spans_and_types(tmp_path: Path) -> None:
    _write(tmp_path)
    texts, gold = load_split(tmp_path, "dev")
    assert texts["1_2ecb"] == "Talvik said the plant would close .\nShe left Keswick ."
    assert len(gold) == 7  # the time mention is left out
    spans = {(g.doc, texts[g.doc][g.start : g.end]) for g in gold}
    assert ("1_1ecb", "Mira Talvik") in spans and ("1_2ecb", "Keswick") in spans


def test_named_filter() -> None:
    assert named(["Mira", "Talvik"]) and named(["Academy", "of", "Arts"])
    assert not named(["She"]) and not named(["the", "host"]) and not named(["Talvik", "organizers"])


def test_scores_on_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path)
    monkeypatch.setattr(ecbplus_coref, "find_mentions", _capitalised_runs)
    r = evaluate_linking(tmp_path, "dev")
    assert r["gold_named"] == 6 and r["found"] == 6  # "She" is not named
    # the linker joins both bare "Talvik" to Mira Talvik: one gold Talvik is another person
    assert r["corpus"]["recall"] == pytest.approx(1.0)
    assert r["corpus"]["precision"] < 1.0
    assert r["keys_only"]["recall"] < r["corpus"]["recall"]
    assert r["within_topic"]["precision"] > r["corpus"]["precision"]


@pytest.mark.skipif(not COREF.is_dir(), reason="ECB+ coreference data not present")
def test_real_dev_split_runs() -> None:
    r = evaluate_linking(COREF, "dev", limit=40)
    assert r["docs"] == 40 and 0 < r["found"] <= r["gold_named"]
    assert 0.0 <= r["corpus"]["f1"] <= 1.0


def test_cli_prints_one_json_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from claimtrace.cli import app

    _write(tmp_path)
    monkeypatch.setattr(ecbplus_coref, "find_mentions", _capitalised_runs)
    res = CliRunner().invoke(app, ["eval", "linking", "--ecbplus-coref", str(tmp_path)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.strip().splitlines()[-1])
    assert out["split"] == "dev" and out["found"] == 6
    bad = CliRunner().invoke(app, ["eval", "linking", "--ecbplus-coref", str(tmp_path / "none")])
    assert bad.exit_code != 0
