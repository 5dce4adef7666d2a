"""BM25 over the imported fact-check archive, saved beside the vector indexes.

The lexical half of fact-check matching (:meth:`claimtrace.search.match.Matcher.match_factchecks`
fuses it with MiniLM cosine). ``bm25s`` (sparse-matrix BM25, Lucene scoring) with
PyStemmer's English Snowball stemmer and bm25s's English stop words does the work; this
module only decides what is indexed, where it is kept and when it is stale.

The index lives in ``<db>.claimtrace-index/reference-bm25/`` and is built when an archive is
imported (:func:`build_lexical_index`); its ``ids.json`` lists the reference ids it covers in
order, so a reader can tell that it no longer matches the store (:func:`load_lexical_index`
then returns None unless asked to rebuild).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.errors import require

__all__ = [
    "LexicalIndex",
    "build_lexical_index",
    "clean_query",
    "factcheck_text",
    "load_lexical_index",
    "reference_text",
]

DIRNAME = "reference-bm25"
_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|\bwww\.\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def clean_query(text: str) -> str:
    """A query as matching reads it: links (``https://...``, ``pic.twitter.com/...``) and ``#`` dropped."""
    return _SPACE.sub(" ", _URL.sub(" ", text).replace("#", " ")).strip()


def _stemmer() -> Any:
    stemmer: Any = require("Stemmer", "crossdoc", "fact-check matching")
    return stemmer.Stemmer("english")


def _bm25s() -> Any:
    return require("bm25s", "crossdoc", "fact-check matching")


#: bm25s's default token pattern (words of two or more characters)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS: frozenset[str] | None = None


def _stopwords() -> frozenset[str]:
    global _STOPWORDS
    if _STOPWORDS is None:
        from bm25s.stopwords import STOPWORDS_EN

        _STOPWORDS = frozenset(STOPWORDS_EN)
    return _STOPWORDS


class LexicalIndex:
    """BM25 scores of a query against every indexed text (ids in index order)."""

    def __init__(self, ids: list[str], retriever: Any) -> None:
        self.ids = ids
        self._retriever = retriever
        self._stem = _stemmer()

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> LexicalIndex:
        """Index ``texts`` (one per id)."""
        bm25s = _bm25s()
        tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(), show_progress=False)
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        return cls(list(ids), retriever)

    def __len__(self) -> int:
        return len(self.ids)

    def tokens(self, text: str) -> list[str]:
        """A query's terms as the index has them (``bm25s.tokenize``'s rule, without its per-call setup)."""
        words = [w for w in _TOKEN.findall(text.lower()) if w not in _stopwords()]
        return list(self._stem.stemWords(words)) if words else []

    def scores(self, queries: Sequence[str]) -> np.ndarray:
        """BM25 score of each query (rows) against each indexed text (columns)."""
        out = np.zeros((len(queries), len(self.ids)), dtype=np.float32)
        if not self.ids:
            return out
        for row, query in enumerate(queries):
            toks = self.tokens(query)
            if toks:
                out[row] = self._retriever.get_scores(toks)
        return out

    def save(self, path: Path) -> None:
        """Write the index to directory ``path`` (replacing what was there)."""
        tmp = path.with_name(path.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        self._retriever.save(str(tmp))
        (tmp / "ids.json").write_text(json.dumps(self.ids), "utf-8")
        if path.exists():
            shutil.rmtree(path)
        tmp.rename(path)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex | None:
        """The index saved in ``path``, or None when there is none."""
        if not (path / "ids.json").exists():
            return None
        retriever = _bm25s().BM25.load(str(path))
        return cls(json.loads((path / "ids.json").read_text("utf-8")), retriever)


def build_lexical_index(root: Path | None, ids: Sequence[str], texts: Sequence[str]) -> LexicalIndex:
    """Build the BM25 index of the archive and save it under ``root`` (None: memory only)."""
    index = LexicalIndex.build(ids, texts)
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
        index.save(root / DIRNAME)
    return index


def load_lexical_index(root: Path | None, ids: Sequence[str]) -> LexicalIndex | None:
    """The saved index when it covers exactly ``ids`` (in any order), else None."""
    if root is None:
        return None
    index = LexicalIndex.load(root / DIRNAME)
    if index is None or len(index.ids) != len(ids) or set(index.ids) != set(ids):
        return None
    return index


def reference_text(ref: dict[str, Any]) -> str:
    """The claim text of an imported fact-check."""
    for key in ("text", "claim", "claimReviewed"):
        value = ref.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def factcheck_text(ref: dict[str, Any]) -> str:
    """What a fact-check is embedded and indexed by: its title (when it has one) and its claim."""
    text = reference_text(ref)
    title = ref.get("title")
    if isinstance(title, str) and title.strip() and title.strip().lower() not in text.lower():
        return f"{title.strip().rstrip('.')}. {text}" if text else title.strip()
    return text
