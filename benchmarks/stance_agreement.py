"""Does the narratives stage's cheap stance reading agree with the whole-document one?

usage: python benchmarks/stance_agreement.py WORKDIR [--n 10000] [--sample 200]

``WORKDIR`` as for ``narratives_stage.py``. The narrative stage is fitted with the stance
decisions recorded (not taken); of the decisions the body model is consulted for (full documents
the rules leave at ATTRIBUTES or CONTESTS) a random sample (seed 0) is decided three ways: the
pipeline's (claim sentences with the stage's MiniLM vectors), the claim sentences and their
neighbours encoded, and the previous reading (the whole document encoded). Prints one JSON line:
agreement between the readings, label counts, seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    import narratives_stage

    import claimtrace.crossdoc.narratives as nm
    import claimtrace.crossdoc.stance as st
    from claimtrace.crossdoc.stance_model import is_headline, stance_toward

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=200)
    args = ap.parse_args()
    asks: list[st.StanceRequest] = []

    def record(batch: list[st.StanceRequest]) -> list[dict[str, str]]:
        asks.extend(batch)
        return [{"stance": "ATTRIBUTES"} for _ in batch]

    nm.decide_stances = record  # type: ignore[assignment]
    sys.argv = [sys.argv[0], str(args.workdir), "--n", str(args.n)]
    narratives_stage.main()
    need = []
    for a in asks:
        if a.doc.text.strip() and not is_headline(a.doc.text):
            rules = st.rule_stance(a.doc, a.analysis, a.claims, actor_keys=a.actor_keys)
            if rules["stance"] in ("ATTRIBUTES", "CONTESTS"):
                need.append((a, rules))
    sample = random.Random(0).sample(need, min(args.sample, len(need)))
    out: dict[str, list[str]] = {}
    secs: dict[str, float] = {}
    readings = {
        "reused": lambda: st.decide_stances([a for a, _ in sample]),
        "excerpt": lambda: st.decide_stances(
            [replace(a, claim_vector=None, claim_vectors=None) for a, _ in sample]
        ),
        "whole": lambda: [st._combine(a, r, stance_toward(a.claim_text, a.doc.text)) for a, r in sample],
    }
    for name, run in readings.items():
        t = time.perf_counter()
        out[name] = [x["stance"] for x in run()]
        secs[name] = round(time.perf_counter() - t, 1)

    def agree(x: str, y: str) -> float:
        return round(sum(a == b for a, b in zip(out[x], out[y], strict=True)) / max(1, len(sample)), 3)

    print(
        json.dumps(
            {
                "decisions": len(asks),
                "model_consulted": len(need),
                "sample": len(sample),
                "reused_vs_whole": agree("reused", "whole"),
                "excerpt_vs_whole": agree("excerpt", "whole"),
                "labels": {k: Counter(v) for k, v in out.items()},
                "seconds": secs,
            }
        )
    )


if __name__ == "__main__":
    main()
