"""Story clustering scored on headline streams (``claimtrace eval stories --headlines FILE``).

A headline file is a CSV or JSONL with one headline per row and its gold story. The column
layout is recognised from the header:

* Emergent (``url-versions-*.csv``): ``articleHeadline``, gold ``claimId`` (one rumoured claim
  is a proxy for one story), id ``articleId``;
* UCI News Aggregator (``newsCorpora.csv`` with a header row): ``TITLE``, gold ``STORY``, id ``ID``,
  publication time ``TIMESTAMP`` (milliseconds since 1970);
* otherwise ``headline``/``title``/``text`` with gold ``story``/``label``, optional ``id`` and
  ``published``/``date`` (YYYY-MM-DD...).

The headlines are clustered in file order with the default
:class:`claimtrace.crossdoc.stories.StoryClusterer` (headline as the document text), and scored
with B-cubed and ARI (:func:`claimtrace.evaluation.ecbplus.score_clustering`).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimtrace.crossdoc.stories import StoryClusterer, StoryDoc
from claimtrace.evaluation.ecbplus import score_clustering

_TEXT = ("articleHeadline", "TITLE", "headline", "title", "text")
_GOLD = ("claimId", "STORY", "story", "label")
_ID = ("articleId", "ID", "id")
_DATE = ("TIMESTAMP", "published", "date")


def _pick(row: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return str(value)
    return None


def _date(value: str | None) -> str | None:
    if not value:
        return None
    if value.isdigit():  # UCI: milliseconds since the epoch
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC).strftime("%Y-%m-%d")
    return value[:10]


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    if path.suffix.lower() in (".jsonl", ".json"):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
        return
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, dialect="excel-tab" if path.suffix.lower() == ".tsv" else "excel")


def load_headlines(path: str | Path) -> tuple[list[StoryDoc], list[str]]:
    """The headlines of ``path`` as story documents, and their gold stories (same order)."""
    docs: list[StoryDoc] = []
    gold: list[str] = []
    for n, row in enumerate(_rows(Path(path))):
        text, story = _pick(row, _TEXT), _pick(row, _GOLD)
        if text is None or story is None:
            continue  # a row without a headline or a gold story is not scored
        doc_id = _pick(row, _ID) or f"row{n}"
        docs.append(StoryDoc(id=doc_id, text=text, published=_date(_pick(row, _DATE))))
        gold.append(story)
    if not docs:
        raise ValueError(
            f"{path}: no row with a headline and a story (columns: one of {', '.join(_TEXT)} "
            f"and one of {', '.join(_GOLD)})"
        )
    return docs, gold


def evaluate_headlines(path: str | Path, *, clusterer: StoryClusterer | None = None) -> dict[str, Any]:
    """Cluster the headlines of ``path`` into stories and score them against the gold stories."""
    docs, gold = load_headlines(path)
    model = clusterer if clusterer is not None else StoryClusterer()
    start = time.perf_counter()
    model.fit(docs)
    seconds = time.perf_counter() - start
    pred = [model.story_of(d.id) or "" for d in docs]
    result = score_clustering(pred, gold)
    result.update({"dataset": Path(path).name, "split": "headlines", "seconds": seconds})
    return result
