"""Time the narrative stage on synthetic fictional claims.

usage: .venv/bin/python benchmarks/bench_narratives.py [N_DOCS] [--real] [--strict]
Each document carries two claims from ~60 templated narratives over invented actors and places.
Without --real the model-free hashing encoder is used (times clustering, slots, stance,
mutations); --real also embeds with the local MiniLM.
"""

from __future__ import annotations

import random
import sys
import time

from claimtrace.crossdoc.narratives import NarrativeBuilder, NarrativeInput, hashing_encoder
from claimtrace.model import Claim, DocAnalysis, Document, Entity, Mention

VERBS = ["trains", "arms", "funds", "recruits", "shelters", "moves", "equips", "hides", "smuggles", "pays"]
WHO = ["mercenaries", "militants", "fighters", "saboteurs", "agents", "hackers"]


def synth(n_docs: int, seed: int = 7) -> tuple[list[NarrativeInput], list[Entity]]:
    rnd = random.Random(seed)
    actors = [f"Country {i}" for i in range(120)]
    places = [f"Base {i}" for i in range(200)]
    targets = [f"Land {i}" for i in range(80)]
    speakers = [f"Agency {i}" for i in range(60)]
    narratives = [
        (rnd.choice(actors), rnd.choice(VERBS), rnd.choice(WHO), rnd.choice(places), rnd.choice(targets))
        for _ in range(3000)
    ]
    ents: dict[str, Entity] = {}
    inputs = []
    for d in range(n_docs):
        parts, mentions, claims = [], [], []
        pos = 0
        for _ in range(2):
            a, v, w, p, t = rnd.choice(narratives)
            sp = rnd.choice(speakers)
            n = rnd.randint(10, 900)
            content = f"{a} {v} {n} {w} at {p} for attacks on {t}"
            sent = f"{sp} said that {content}. "
            cs = pos + len(sp) + len(" said that ")
            for surface, typ in ((sp, "ORG"), (a, "GPE"), (p, "LOC"), (t, "GPE")):
                i = sent.index(surface)
                key = "gaz:" + surface.lower().replace(" ", "-")
                mentions.append(Mention(pos + i, pos + i + len(surface), surface, typ, key, surface))  # type: ignore[arg-type]
                ents.setdefault(key, Entity(id="E" + key[4:], key=key, name=surface, type=typ))  # type: ignore[arg-type]
            claims.append(
                Claim(
                    pos,
                    pos + len(sent) - 1,
                    cs,
                    cs + len(content),
                    "indirect",
                    speaker_text=sp,
                    speaker_start=pos,
                    speaker_end=pos + len(sp),
                    speaker_key="gaz:" + sp.lower().replace(" ", "-"),
                    cue="said",
                    cue_start=pos + len(sp) + 1,
                    cue_end=pos + len(sp) + 5,
                )
            )
            parts.append(sent)
            pos += len(sent)
        text = "".join(parts)
        doc = Document(
            text=text,
            source=f"synthetic://{d}",
            published=f"2023-{1 + d % 12:02d}-{1 + d % 28:02d}",
            outlet=f"Outlet {d % 50}",
        )
        sents = [(c.start, c.end + 1) for c in claims]
        inputs.append(
            NarrativeInput(doc, DocAnalysis(doc_id=doc.id, sentences=sents, mentions=mentions, claims=claims))
        )
    return inputs, list(ents.values())


def main() -> None:
    n_docs = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10_000
    real = "--real" in sys.argv
    inputs, ents = synth(n_docs)
    n_claims = sum(len(i.analysis.claims) for i in inputs)
    t = time.perf_counter()
    strict = "--strict" in sys.argv
    b = NarrativeBuilder(encoder=None if real else hashing_encoder, now="T", require_shared_entity=strict)
    b.fit(inputs, entities=ents)
    dt = time.perf_counter() - t
    nars = b.narratives()
    print(
        f"docs {n_docs} claims {n_claims} narratives {len(nars)} largest {max(len(n.claims) for n in nars)} "
        f"fit {dt:.1f}s ({n_claims / dt:.0f} claims/s) encoder {'minilm' if real else 'hashing'}"
    )


if __name__ == "__main__":
    main()
