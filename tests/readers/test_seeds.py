"""The five real seed articles read as seeds-gold.json's ``documents`` section expects.

Checks mirror ../shared/eval/score_seeds.py (fold quotes and no-break spaces, compare
case-insensitively). Skipped when the shared folder is absent.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from claimtrace.readers import ReadOptions, iter_documents

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "eval" / "seeds-gold.json"

pytestmark = pytest.mark.skipif(not GOLD.exists() or not SEEDS.is_dir(), reason="../shared not available")

_QUOTES = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-"}
)


def fold(value: Any) -> str | None:
    if value is None:
        return None
    s = unicodedata.normalize("NFKC", str(value)).replace("\u00a0", " ").translate(_QUOTES)
    return re.sub(r"\s+", " ", s).strip().lower()


def ok_value(want: Any, got: Any) -> bool:
    if isinstance(want, dict) and "any_of" in want:
        return any(ok_value(w, got) for w in want["any_of"])
    if want is None:
        return got in (None, "")
    return fold(want) == fold(got)


@pytest.fixture(scope="module")
def docs() -> dict[str, Any]:
    out = {}
    for item in iter_documents([str(SEEDS)], ReadOptions()):
        assert not hasattr(item, "reason"), str(item)
        out[Path(item.source).name] = item
    return out


def _gold() -> dict[str, Any]:
    if not GOLD.exists():
        return {}
    return dict(json.loads(GOLD.read_text(encoding="utf-8"))["documents"])


@pytest.mark.parametrize("name", sorted(_gold()) or ["none"])
def test_seed_document(name: str, docs: dict[str, Any]) -> None:
    gold = _gold()[name]
    doc = docs[name]
    for key in ("title", "published", "author", "subtitle"):
        if key in gold:
            want = gold[key]
            if key == "subtitle":  # the gold gives the subtitle's beginning
                assert fold(doc.subtitle or "").startswith(fold(want)), (key, doc.subtitle)
            else:
                assert ok_value(want, getattr(doc, key)), (key, want, getattr(doc, key))
    text = fold(doc.text)
    assert text.startswith(fold(gold["body_starts_with"])), text[:80]
    for bad in gold.get("body_not_contains", []):
        assert fold(bad) not in text, bad
    for credit in gold.get("credits", []):
        assert fold(credit) in [fold(c) for c in doc.credits], (credit, doc.credits)
    if "caption" in gold:
        assert any(fold(gold["caption"]) in fold(c) for c in doc.captions), doc.captions
    assert doc.language == "en"
    assert Path(doc.source).is_absolute() and ".." not in Path(doc.source).parts
