"""A small fictional corpus in a SQLite store for the API and dashboard tests (helpers).

Outlets, people, places and events are invented. One narrative (a plant accused of poisoning
a lake) runs over four documents: its figure mutates (300 -> 3,000 tonnes), one outlet copies
another verbatim, and a fact-checker debunks it. A fifth document is unrelated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.model import Claim, DocAnalysis, Document, Entity, Mention, Narrative, ReuseLink, Story
from claimtrace.store import open_store

COPIED = "the Morvel chemical plant had poisoned Lake Tervan with 300 tonnes of waste"
ARTICLES: list[dict[str, Any]] = [
    {
        "key": "wire",
        "outlet": "Tervan Daily Wire",
        "published": "2024-05-02",
        "title": "Minister blames Morvel plant for Lake Tervan pollution",
        "text": f"Minister Oda Raskin said that {COPIED}. The plant's owners rejected the accusation.",
        "speaker": "Minister Oda Raskin",
        "content": COPIED,
        "kind": "indirect",
        "cue": "said",
    },
    {
        "key": "herald",
        "outlet": "Brask Herald",
        "published": "2024-05-03",
        "title": "Lake Tervan: minister accuses chemical plant",
        "text": f"Minister Oda Raskin said that {COPIED}, the Tervan Daily Wire reported. "
        "Fishing was halted.",
        "speaker": "Minister Oda Raskin",
        "content": COPIED,
        "kind": "indirect",
        "cue": "said",
    },
    {
        "key": "observer",
        "outlet": "Northgate Observer",
        "published": "2024-05-10",
        "title": "Activists: 3,000 tonnes of waste in Lake Tervan",
        "text": "According to activists, the Morvel plant dumped 3,000 tonnes of waste into Lake Tervan. "
        "Officials could not confirm the figure.",
        "speaker": "activists",
        "content": "the Morvel plant dumped 3,000 tonnes of waste into Lake Tervan",
        "kind": "according_to",
        "cue": "According to",
    },
    {
        "key": "check",
        "outlet": "Civic Factcheck",
        "published": "2024-05-20",
        "title": "No, the Morvel plant did not poison Lake Tervan",
        "text": "Claims that the Morvel plant poisoned Lake Tervan are false, inspector Lina Forsk said. "
        "Water tests found no industrial waste.",
        "speaker": "inspector Lina Forsk",
        "content": "Claims that the Morvel plant poisoned Lake Tervan are false",
        "kind": "indirect",
        "cue": "said",
    },
    {
        "key": "tram",
        "outlet": "Valley Courier",
        "published": "2024-06-01",
        "title": "Ostrava Bay tram line to open in July",
        "text": "Mayor Pell Dunmore said the new tram line in Ostrava Bay would open in July. "
        "Tickets will cost two crowns.",
        "speaker": "Mayor Pell Dunmore",
        "content": "the new tram line in Ostrava Bay would open in July",
        "kind": "indirect",
        "cue": "said",
    },
]
HOSTILE = {
    "key": "hostile",
    "outlet": "<b>Evil</b> Outlet",
    "published": "2024-06-02",
    "title": '<img src=x onerror="window.__pwned=1">Tervan update',
    "text": 'Mayor Pell Dunmore said <script>window.__pwned=1</script> the lake is "clean". '
    '<img src=x onerror="window.__pwned=1"> Nothing else happened.',
    "speaker": "Mayor Pell Dunmore",
    "content": '<script>window.__pwned=1</script> the lake is "clean"',
    "kind": "indirect",
    "cue": "said",
}
# entity id -> (name, type, names as written)
ENTITIES = {
    "e-raskin": ("Oda Raskin", "PERSON", ["Oda Raskin"]),
    "e-forsk": ("Lina Forsk", "PERSON", ["Lina Forsk"]),
    "e-dunmore": ("Pell Dunmore", "PERSON", ["Pell Dunmore"]),
    "e-morvel": ("Morvel", "ORG", ["Morvel"]),
    "e-tervan": ("Lake Tervan", "LOC", ["Lake Tervan"]),
}


def fake_encode(texts: Sequence[str]) -> np.ndarray:
    """A deterministic bag-of-words encoder (hashed into 384 dimensions), instead of MiniLM."""
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"\w+", text.lower()):
            out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 384] += 1.0
        norm = float(np.linalg.norm(out[i]))
        out[i] = out[i] / norm if norm else out[i]
        if not norm:
            out[i, 0] = 1.0
    return out


def build(db: Path, *, hostile: bool = False) -> dict[str, Any]:
    """Store the articles with hand-made analyses, entities, reuse, stories and narratives."""
    articles = [*ARTICLES, HOSTILE] if hostile else ARTICLES
    docs: dict[str, Document] = {}
    analyses, claim_ids = [], {}
    mentions: dict[str, list[dict[str, Any]]] = {eid: [] for eid in ENTITIES}
    for a in articles:
        doc = Document(
            text=a["text"],
            source=f"fixture/{a['key']}.txt",
            title=a["title"],
            outlet=a["outlet"],
            published=a["published"],
            language="en",
        )
        docs[a["key"]] = doc
        text = doc.text
        cs = text.index(a["content"])
        ce = cs + len(a["content"])
        end = text.index(".", ce) + 1
        ss = text.index(a["speaker"])
        ms: list[Mention] = []
        for eid, (name, etype, forms) in ENTITIES.items():
            for form in forms:
                for m in re.finditer(re.escape(form), text):
                    ms.append(Mention(m.start(), m.end(), form, etype, f"name:{name.lower()}", name))  # type: ignore[arg-type]
                    mentions[eid].append({"doc": doc.id, "start": m.start(), "end": m.end(), "text": form})
        speaker_key = next((m.key for m in ms if ss <= m.start < ss + len(a["speaker"])), None)
        claim = Claim(
            start=0,
            end=end,
            content_start=cs,
            content_end=ce,
            kind=a["kind"],
            speaker_text=a["speaker"],
            speaker_start=ss,
            speaker_end=ss + len(a["speaker"]),
            speaker_key=speaker_key,
            cue=a["cue"],
            id=f"{doc.id}:0-{end}",
        )
        claim_ids[a["key"]] = claim.id
        analyses.append(
            DocAnalysis(
                doc_id=doc.id, sentences=[(0, end), (end + 1, len(text))], mentions=ms, claims=[claim]
            )
        )
    entities = [
        Entity(id=eid, key=f"name:{name.lower()}", name=name, type=etype, aliases=[], mentions=mentions[eid])  # type: ignore[arg-type]
        for eid, (name, etype, _) in ENTITIES.items()
    ]
    d = {k: v.id for k, v in docs.items()}
    wire, herald = docs["wire"].text, docs["herald"].text
    reuse = [
        ReuseLink(
            a_doc=d["wire"],
            a_start=wire.index(COPIED),
            a_end=wire.index(COPIED) + len(COPIED),
            b_doc=d["herald"],
            b_start=herald.index(COPIED),
            b_end=herald.index(COPIED) + len(COPIED),
            kind="verbatim",
            score=0.98,
            source=d["wire"],
            group="g1",
        )
    ]
    lake = ["wire", "herald", "observer", "check"]
    stories = [
        Story(
            id="s-lake",
            label="Lake Tervan pollution",
            documents=[d[k] for k in lake],
            first_seen="2024-05-02",
            last_seen="2024-05-20",
        ),
        Story(
            id="s-tram",
            label="Ostrava Bay tram",
            documents=[d["tram"]],
            first_seen="2024-06-01",
            last_seen="2024-06-01",
        ),
    ]
    by_key = {a["key"]: a for a in articles}

    def evidence(key: str) -> list[dict[str, Any]]:
        text = docs[key].text
        cue = by_key[key]["cue"]
        return [{"start": text.index(cue), "end": text.index(cue) + len(cue), "text": cue}]

    narratives = [
        Narrative(
            id="n-lake",
            label="Morvel plant poisoned Lake Tervan",
            claims=[claim_ids[k] for k in lake],
            documents=[d[k] for k in lake],
            first_seen="2024-05-02",
            last_seen="2024-05-20",
            timeline=[
                {"date": by_key[k]["published"], "doc": d[k], "outlet": by_key[k]["outlet"]} for k in lake
            ],
            mutations=[
                {
                    "slot": "quantity",
                    "value": 3000.0,
                    "text": "about 3,000",
                    "doc": d["observer"],
                    "date": "2024-05-10",
                    "previous": 300.0,
                },
                {
                    "slot": "actor",
                    "value": "activists",
                    "doc": d["observer"],
                    "date": "2024-05-10",
                    "previous": "Oda Raskin",
                },
            ],
            carried_by=[
                {"outlet": by_key["wire"]["outlet"], "doc": d["wire"], "date": by_key["wire"]["published"]},
                {
                    "speaker": "Oda Raskin",
                    "entity": None,
                    "doc": d["wire"],
                    "date": by_key["wire"]["published"],
                },
            ],
            stances=[
                {"doc": d["wire"], "stance": "AMPLIFIES", "evidence": evidence("wire")},
                {"doc": d["herald"], "stance": "ATTRIBUTES", "evidence": evidence("herald")},
                {"doc": d["observer"], "stance": "ATTRIBUTES", "evidence": evidence("observer")},
                {"doc": d["check"], "stance": "DEBUNKS", "evidence": evidence("check")},
            ],
            entities=["e-morvel", "e-tervan", "e-raskin"],
        ),
        Narrative(
            id="n-tram",
            label="Tram line opens in July",
            claims=[claim_ids["tram"]],
            documents=[d["tram"]],
            first_seen="2024-06-01",
            last_seen="2024-06-01",
            timeline=[{"date": "2024-06-01", "doc": d["tram"], "outlet": "Valley Courier"}],
            stances=[{"doc": d["tram"], "stance": "AMPLIFIES", "evidence": []}],
        ),
    ]
    with open_store(str(db)) as store:
        store.add_documents(list(docs.values()))
        store.save_analyses(analyses)
        store.replace_entities(entities)
        store.replace_reuse(reuse)
        store.replace_stories(stories)
        store.save_narratives(narratives)
        try:  # the vector indexes, as 'claimtrace analyze' leaves them (the API only reads them)
            from claimtrace.search.sync import sync_index
        except ImportError:
            pass
        else:
            sync_index(store, str(db), encode=fake_encode)
    return {"db": str(db), "docs": d, "claims": claim_ids}
