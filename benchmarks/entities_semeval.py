"""Entity noise on real articles: the SemEval-2025 task 10 EN raw documents through ``find_mentions``.

usage: python benchmarks/entities_semeval.py [--root DIR]  (default: the shared train_dec2024_release_EN)

Prints one JSON line: documents, mentions, distinct keys, the mentions whose text is one of the
noise cases of issue 11 ("It", "I'm", "We're", "Declares That", "Sun"), single-word mentions
that are pronouns or function words, the share of mentions and of distinct keys typed OTHER,
and countries typed other than GPE.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from claimtrace.nlp.entities import find_mentions
from claimtrace.nlp.entity_rules import COMMON_CAP
from claimtrace.nlp.gazetteer import default_gazetteer
from claimtrace.nlp.sentences import split_sentences

DEFAULT = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "benchdata"
    / "semeval2025_task10"
    / "train_dec2024_release_EN"
)
NOISE = ("It", "I'm", "I’m", "We're", "We’re", "Declares That", "Sun")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=DEFAULT)
    args = ap.parse_args()
    paths = sorted((args.root / "raw-documents").glob("*.txt"))
    if not paths:
        raise SystemExit(f"no documents under {args.root}/raw-documents")
    gaz = default_gazetteer()
    countries = {e.key for e in gaz.entries.values() if e.kind == "country"}
    noise: Counter[str] = Counter()
    function_words: Counter[str] = Counter()
    types: Counter[str] = Counter()
    key_types: dict[str, Counter[str]] = {}
    country_not_gpe = 0
    n = 0
    for p in paths:
        text = p.read_text(encoding="utf-8")
        ms, _aliases = find_mentions(text, split_sentences(text))
        for m in ms:
            n += 1
            types[m.type] += 1
            key_types.setdefault(m.key, Counter())[m.type] += 1
            if m.text in NOISE:
                noise[m.text] += 1
            if " " not in m.text and m.text.lower() in COMMON_CAP and not m.text.isupper():
                function_words[m.text] += 1
            if m.key in countries and m.type != "GPE":
                country_not_gpe += 1
    key_other = sum(1 for c in key_types.values() if c.most_common(1)[0][0] == "OTHER")
    print(
        json.dumps(
            {
                "documents": len(paths),
                "mentions": n,
                "keys": len(key_types),
                "noise": dict(noise),
                "function_words": dict(function_words.most_common(10)),
                "types": dict(types),
                "other_mention_share": round(types["OTHER"] / n, 3) if n else 0.0,
                "other_key_share": round(key_other / len(key_types), 3) if key_types else 0.0,
                "countries_not_gpe": country_not_gpe,
            }
        )
    )


if __name__ == "__main__":
    main()
