"""Word classes from MiniLM's static embeddings, and the tagger's network stage."""

from __future__ import annotations

import numpy as np
import pytest

from claimtrace.nlp import tagger, wordvec


def test_word_classes_table_is_numbers_only() -> None:
    assert wordvec.data_file().exists(), "data/word_classes.npz is missing"
    with np.load(wordvec.data_file()) as z:
        assert all(z[k].dtype.kind in "iuf" for k in z.files)  # hashes, vectors, classes: no text


def test_words_get_classes_and_vectors() -> None:
    table = wordvec.word_classes()
    assert table is not None
    fine, coarse = wordvec.classes("said")
    assert 1 <= fine <= wordvec.FINE and 1 <= coarse <= wordvec.COARSE
    assert wordvec.classes("Said") == (fine, coarse)  # lower-cased, as the model was
    assert wordvec.classes("proposes") != (0, 0)  # a word unseen in training still has a class
    assert wordvec.classes("unretweetable") != (0, 0)  # several pieces: nearest centroid
    assert table.vector("said").shape == (wordvec.DIMS,)
    assert np.abs(table.vector("said")).sum() > 0
    assert table.pieces("") == [] and not table.vector("").any()


def _naive(net: tagger.Net, x: np.ndarray, base: np.ndarray) -> np.ndarray:
    h = np.maximum(x @ net.w_in + net.b_in, 0)
    n, width = h.shape
    for d, w, b in net.convs:
        new = np.zeros_like(h)
        for t in range(n):
            parts = [
                h[t - d] if t - d >= 0 else np.zeros(width),
                h[t],
                h[t + d] if t + d < n else np.zeros(width),
            ]
            new[t] = np.maximum(np.concatenate(parts) @ w + b, 0)
        h = h + new
    out: np.ndarray = base * net.temp + h @ net.w_out + net.b_out
    return out


@pytest.mark.parametrize("n", [1, 3, 40, 700])
def test_network_forward_matches_a_plain_loop(n: int) -> None:
    rng = np.random.default_rng(n)
    width, d_in = 8, 5
    net = tagger.Net(
        rng.normal(size=(d_in, width)).astype(np.float32),
        rng.normal(size=width).astype(np.float32),
        [
            (
                d,
                rng.normal(size=(3 * width, width)).astype(np.float32) * 0.3,
                rng.normal(size=width).astype(np.float32),
            )
            for d in (1, 2, 4)
        ],
        rng.normal(size=(width, 4)).astype(np.float32),
        rng.normal(size=4).astype(np.float32),
        0.5,
    )
    x = rng.normal(size=(n, d_in)).astype(np.float32)
    base = rng.normal(size=(n, 4)).astype(np.float32)
    assert np.allclose(net.forward(x, base), _naive(net, x, base), atol=1e-3, rtol=1e-4)


def test_model_with_network_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    w = rng.normal(size=(tagger.DIM, 4)).astype(np.float32)
    b = np.zeros(4, dtype=np.float32)
    width = 4
    net = tagger.Net(
        np.ones((tagger.N_DENSE, width), dtype=np.float32) * 0.01,
        np.zeros(width, dtype=np.float32),
        [(1, np.zeros((3 * width, width), dtype=np.float32), np.zeros(width, dtype=np.float32))],
        np.zeros((width, 4), dtype=np.float32),
        np.array([0, 0, 0, 1], dtype=np.float32),
        0.25,
    )
    path = tmp_path / "m.npz"
    tagger.save_model(tagger.Model(w, b, w, b, net=net), path)
    with np.load(path) as z:
        assert "w2" not in z.files and "n_w_in" in z.files
    m = tagger.load_model(str(path))
    assert m is not None and m.net is not None and m.net.temp == 0.25
    text = "The mayor said the bridge was closed."
    tok, lab = tagger.tag(text, [(0, len(text))], m)
    assert len(lab) == len(tok.words)
    feats = tagger.stage1_features(tok)
    assert np.allclose(m.scores(feats, 1), tagger.Model(m.w1, b, m.w1, b, m.s1, m.s1).scores(feats, 1))


@pytest.mark.parametrize("n", [1, 2, 3, 10, 101])
def test_pair_decoding_matches_a_plain_loop(n: int) -> None:
    rng = np.random.default_rng(n)
    scores = rng.normal(size=(n, 4)).astype(np.float32)
    trans = rng.normal(size=(4, 4)).astype(np.float32)
    net = tagger.Net(np.zeros((1, 1)), np.zeros(1), [], np.zeros((1, 4)), np.zeros(4), 1.0, trans)
    want = scores.argmax(axis=1)
    for _ in range(2):
        for parity in (0, 1):
            new = want.copy()
            for i in range(parity, n, 2):
                s = scores[i].copy()
                if i > 0:
                    s += trans[want[i - 1]]
                if i < n - 1:
                    s += trans[:, want[i + 1]]
                new[i] = s.argmax()
            want = new
    assert np.array_equal(net.decode(scores), want)
