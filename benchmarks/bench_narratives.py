"""Time the narrative stage on synthetic fictional claims.

usage: .venv/bin/python benchmarks/bench_narratives.py [N_DOCS] [--real] [--strict] [--cache FILE.npz]
Each document carries two claims drawn from 3,000 templated narratives ("Country 3 trains 40
militants at Base 5 for attacks on Land 7") over invented actors, places and targets.
Without --real the model-free hashing encoder is used; --real embeds with the local MiniLM.
Encoding is timed on its own, then the builder is fitted with the vectors passed in (as the
pipeline does with its cache). Quality: pairwise precision/recall of "same narrative" against
"drawn from the same template tuple" (templated text is the hard case for chaining: every
claim is close to every other in embedding space).
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


def _truth(inputs: list[NarrativeInput]) -> dict[str, tuple[str, ...]]:
    """Claim id -> the template tuple it was drawn from (actor, verb, who, place, target)."""
    out = {}
    for inp in inputs:
        for c in inp.analysis.claims:
            w = inp.doc.text[c.content_start : c.content_end].split()
            out[c.id or f"{inp.doc.id}:{c.start}-{c.end}"] = (w[0] + w[1], w[2], w[4], w[6] + w[7], w[-1])
    return out


def _pair_pr(nars: list, truth: dict[str, tuple[str, ...]]) -> tuple[float, float]:
    """Pairwise precision/recall of "same narrative" against "same template tuple"."""
    from collections import Counter

    got = {c: n.id for n in nars for c in n.claims}
    same_pred = sum(v * (v - 1) // 2 for v in Counter(got.values()).values())
    same_true = sum(v * (v - 1) // 2 for v in Counter(truth.values()).values())
    both = sum(v * (v - 1) // 2 for v in Counter((got[c], truth[c]) for c in got).values())
    return (both / same_pred if same_pred else 1.0), (both / same_true if same_true else 1.0)


def main() -> None:
    n_docs = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10_000
    real = "--real" in sys.argv
    inputs, ents = synth(n_docs)
    n_claims = sum(len(i.analysis.claims) for i in inputs)
    strict = "--strict" in sys.argv
    encoder = None if real else hashing_encoder
    if real:
        from claimtrace.embeddings import encode

        encoder = encode
    # encode first (timed on its own), then cluster with the vectors passed in
    t = time.perf_counter()
    cache = None
    if "--cache" in sys.argv:  # a ClaimVectorCache file: a second run shows the cached path
        from claimtrace.crossdoc.claimvecs import ClaimVectorCache

        cache = ClaimVectorCache(sys.argv[sys.argv.index("--cache") + 1])
    probe = NarrativeBuilder(encoder=encoder, now="T", cache=cache)
    probe.entities_ = {e.key: e for e in ents}
    probe.inputs_ = inputs
    rows = [r for r in probe._rows() if r.eligible]
    vecs = probe._embed(rows)
    t_enc = time.perf_counter() - t
    if cache is not None:
        cache.save()
    t = time.perf_counter()
    b = NarrativeBuilder(
        encoder=encoder,
        now="T",
        require_shared_entity=strict,
        vectors={r.id: vecs[i] for i, r in enumerate(rows)},
    )
    b.fit(inputs, entities=ents)
    dt = time.perf_counter() - t
    nars = b.narratives()
    p, r = _pair_pr(nars, _truth(inputs))
    print(
        f"docs {n_docs} claims {n_claims} embedded {len(rows)} ({probe.encoded_} encoded) in {t_enc:.1f}s "
        f"({len(rows) / max(t_enc, 1e-9):.0f}/s, encoder {'minilm' if real else 'hashing'}); "
        f"fit without encoding {dt:.1f}s ({n_claims / dt:.0f} claims/s); narratives {len(nars)} "
        f"largest {max((len(n.claims) for n in nars), default=0)} claims; "
        f"pairwise P {p:.3f} R {r:.3f} vs the template tuples"
    )
    print("fit stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in b.timings_.items()))


if __name__ == "__main__":
    main()
