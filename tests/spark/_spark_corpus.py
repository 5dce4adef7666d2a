"""A synthetic news corpus for the Spark tests (invented wording, names and places).

Topics (an event with its own people, body, place and thing) give stories; attributed sentences
give claims that recur across documents (narratives); a share of the documents copies a run of
sentences from an earlier one on its topic, verbatim or with a word changed (reuse).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

_FIRST = [
    "Dana",
    "Milo",
    "Teodor",
    "Ines",
    "Rafa",
    "Oona",
    "Kasimir",
    "Lior",
    "Neve",
    "Bastien",
    "Ilse",
    "Corin",
    "Maelis",
    "Tobin",
    "Yara",
    "Edric",
]
_LAST = [
    "Okafor",
    "Vantrell",
    "Quist",
    "Morandi",
    "Halvorsen",
    "Ebrima",
    "Castellane",
    "Wrenfield",
    "Tannous",
    "Brisk",
    "Olander",
    "Pym",
]
_PLACES = [
    "Varnholt",
    "Ostrelle",
    "Dunmarch",
    "Kelby",
    "Saltreach",
    "Ambergate",
    "Corvane",
    "Hesk",
    "Pellow",
    "Marrowick",
]
_BODIES = [
    "Harbour Authority",
    "Water Board",
    "Transit Council",
    "Grain Cooperative",
    "Health Trust",
    "Port Union",
    "Rail Office",
    "Housing Agency",
    "Forest Service",
    "Energy Regulator",
]
_THINGS = [
    "toll bridge",
    "desalination plant",
    "night bus network",
    "grain silo",
    "clinic wing",
    "ferry terminal",
    "freight line",
    "tenant registry",
    "logging permit",
    "power tariff",
    "flood barrier",
    "school canteen",
    "bicycle lane",
    "fishing quota",
    "airport runway",
]
_VERBS = [
    ("reopen", "reopened"),
    ("expand", "expanded"),
    ("close", "closed"),
    ("inspect", "inspected"),
    ("rebuild", "rebuilt"),
    ("sell", "sold"),
    ("delay", "delayed"),
    ("fund", "funded"),
]
_ROLES = ["chair", "spokeswoman", "director", "treasurer", "chief engineer", "spokesman"]
_OUTLETS = [
    "Varnholt Ledger",
    "The Daily Quay",
    "Northbank Courier",
    "Pellow Post",
    "Tidewater Wire",
    "Marrowick Herald",
    "Corvane Record",
    "Hesk Gazette",
]
_FILLER = [
    "About {n} residents gathered outside the {place} town hall on {day} evening to hear the {adj} plans.",
    "The {thing} has been a subject of {adj} debate for {n} years.",
    "Shops near the {thing} reported {n} fewer customers over the {adj} {day} weekend.",
    "{n} engineers from {place} visited the {adj} site during the last month.",
    "A {adj} public meeting on the {thing} is planned for {day} the {n}th.",
    "Some {n} volunteers handed out {adj} leaflets about the {thing} near the market square.",
    "The weather in {place} stayed {adj}, and the works continued for {n} hours without pause.",
    "{n} councillors asked for a {adj} written report on the costs of the {thing}.",
]
_ADJ = ["quiet", "heated", "long", "brief", "lively", "cautious", "noisy", "careful", "grey", "warm"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _topic(rng: random.Random, k: int) -> dict[str, str]:
    verb, past = rng.choice(_VERBS)
    return {
        "person": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "other": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "role": rng.choice(_ROLES),
        "body": f"{rng.choice(_PLACES)} {rng.choice(_BODIES)}",
        "place": rng.choice(_PLACES),
        "thing": rng.choice(_THINGS),
        "verb": verb,
        "past": past,
        "num": str(rng.randint(3, 95)),
        "count": str(rng.randint(40, 900)),
        "day": _DAYS[k % 7],
        "date": f"2024-{1 + k % 12:02d}-{1 + (k * 7) % 27:02d}",
    }


def _claims(t: dict[str, str]) -> list[str]:
    return [
        "{person}, the {role} of the {body}, said the {thing} would {verb} within {num} days.",
        '"We will {verb} the {thing} before the end of the year," {person} told reporters in {place}.',
        "According to the {body}, {count} households were affected by the decision on the {thing}.",
        "{other} said the {body} had {past} the {thing} without asking the residents of {place}.",
        "The {body} denied that the {thing} had been {past} for political reasons.",
    ]


def build(n_docs: int, *, seed: int = 3, topics: int = 80, copy_rate: float = 0.15) -> list[dict[str, str]]:
    """``n_docs`` records (``id``, ``title``, ``text``, ``published``, ``outlet``)."""
    rng = random.Random(seed)
    tops = [_topic(rng, k) for k in range(topics)]
    by_topic: dict[int, list[list[str]]] = {}
    out: list[dict[str, str]] = []
    for i in range(n_docs):
        k = rng.randrange(topics)
        t = tops[k]
        # the topic's people, body and thing recur; figures, days and roles vary per document
        local = {
            **t,
            "num": str(rng.randint(3, 95)),
            "count": str(rng.randint(40, 900)),
            "role": rng.choice(_ROLES),
            "verb": rng.choice(_VERBS)[0] if rng.random() < 0.3 else t["verb"],
        }
        claims = [c.format(**local) for c in rng.sample(_claims(t), 5)]
        filler = [
            f.format(
                place=t["place"],
                thing=t["thing"],
                day=rng.choice(_DAYS),
                n=rng.randint(2, 400),
                adj=rng.choice(_ADJ),
            )
            for f in _FILLER
        ]
        sents = rng.sample(claims, rng.randint(2, 4)) + rng.sample(filler, rng.randint(2, 4))
        rng.shuffle(sents)
        earlier = by_topic.get(k, [])
        if earlier and rng.random() < copy_rate:
            src = rng.choice(earlier)
            lo = rng.randrange(max(1, len(src) - 2))
            run = src[lo : lo + rng.randint(2, 3)]
            if rng.random() < 0.4:
                words = run[0].split()
                words[rng.randrange(len(words))] = rng.choice(["new", "local", "old", "main"])
                run = [" ".join(words), *run[1:]]
            sents = sents[:2] + run + sents[2:]
        by_topic.setdefault(k, []).append(sents)
        day = int(t["date"][-2:])
        out.append(
            {
                "id": f"syn-{i:05d}",
                "title": f"{t['person']} says {t['thing']} in {t['place']} will {t['verb']}",
                "text": " ".join(sents),
                "published": f"{t['date'][:8]}{min(28, day + rng.randint(0, 2)):02d}",
                "outlet": rng.choice(_OUTLETS),
            }
        )
    return out


def write_jsonl(records: list[dict[str, str]], path: Path) -> Path:
    """Write records as JSONL; returns ``path``."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
