"""Hand-built fictional documents and analyses for the narrative, mutation and stance tests.

Every outlet, agency, person and place here is invented. ``make`` turns a text plus a few
claim specs into a Document and a DocAnalysis the way the per-document stages would.
"""

from __future__ import annotations

import re
from typing import Any

from claimtrace.crossdoc.narratives import NarrativeInput
from claimtrace.model import Claim, DocAnalysis, Document, Entity, Mention, Quantity

# surface form -> (key, type, display name)
GAZ: dict[str, tuple[str, str, str]] = {
    "Agency X": ("gaz:agency-x", "ORG", "Agency X"),
    "Country Y": ("gaz:country-y", "GPE", "Country Y"),
    "Base Z": ("gaz:base-z", "LOC", "Base Z"),
    "Norland": ("gaz:norland", "GPE", "Norland"),
    "Estmark": ("gaz:estmark", "GPE", "Estmark"),
    "Valdoria": ("gaz:valdoria", "GPE", "Valdoria"),
    "Port Lira": ("gaz:port-lira", "GPE", "Port Lira"),
    "Bureau Q": ("gaz:bureau-q", "ORG", "Bureau Q"),
    "Minister Orla Venn": ("name:orla venn", "PERSON", "Orla Venn"),
    "Red Hand": ("gaz:red-hand", "ORG", "Red Hand"),
    "Grainco": ("gaz:grainco", "ORG", "Grainco"),
}
_NUM = re.compile(r"\b(?:about |up to |around )?(\d+)\b")


def entities() -> list[Entity]:
    """Corpus entities for the fixture gazetteer."""
    seen: dict[str, Entity] = {}
    for key, typ, name in GAZ.values():
        seen.setdefault(key, Entity(id="E" + key.split(":")[1][:8], key=key, name=name, type=typ))  # type: ignore[arg-type]
    return list(seen.values())


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"[.!?][\"”]?(?=\s|$)", text):
        out.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        out.append((start, len(text)))
    return out


def make(
    doc_id: str, text: str, claims: list[dict[str, Any]], *, date: str | None, outlet: str
) -> NarrativeInput:
    """One fixture document. Claim spec keys: content, kind, speaker, cue, hedges."""
    doc = Document(text=text, source=f"fixture://{doc_id}", id=doc_id, published=date, outlet=outlet)
    mentions = []
    for surface, (key, typ, name) in GAZ.items():
        for m in re.finditer(re.escape(surface), text):
            mentions.append(Mention(m.start(), m.end(), surface, typ, key, name))  # type: ignore[arg-type]
    mentions.sort(key=lambda m: m.start)
    quantities = [
        Quantity(m.start(), m.end(), m.group(0), float(m.group(1)), about="militants")
        for m in _NUM.finditer(text)
    ]
    sents = _sentences(text)
    out = []
    for spec in claims:
        cs = text.index(spec["content"])
        ce = cs + len(spec["content"])
        s_start, s_end = next((s, e) for s, e in sents if s <= cs < e)
        s_end = max(s_end, next(e for s, e in sents if s < ce <= e))
        speaker = spec.get("speaker")
        sp_start = text.index(speaker, s_start) if speaker and speaker in text[s_start:s_end] else None
        cue = spec.get("cue")
        cue_start = text.index(cue, s_start) if cue else None
        key = GAZ[speaker][0] if speaker in GAZ else None
        c = Claim(
            start=s_start,
            end=s_end,
            content_start=cs,
            content_end=ce,
            kind=spec.get("kind", "indirect"),
            speaker_text=speaker,
            speaker_start=sp_start,
            speaker_end=(sp_start + len(speaker)) if sp_start is not None and speaker else None,
            speaker_key=key,
            cue=cue,
            cue_start=cue_start,
            cue_end=(cue_start + len(cue)) if cue_start is not None and cue else None,
            hedges=list(spec.get("hedges", [])),
            quantities=[q for q in quantities if cs <= q.start and q.end <= ce],
            id=f"{doc_id}:{s_start}-{s_end}",
        )
        out.append(c)
    an = DocAnalysis(doc_id=doc_id, sentences=sents, mentions=mentions, quantities=quantities, claims=out)
    return NarrativeInput(doc, an)


# -- the fictional corpus -----------------------------------------------------------------------


def base_docs() -> list[NarrativeInput]:
    """Three outlets repeat "Agency X says Country Y trains mercenaries at Base Z"; two other stories."""
    d1 = make(
        "d1",
        "Agency X said that Country Y is training 40 mercenaries at Base Z for transfer to Norland. "
        "Separately, Grainco reported that the harvest in Estmark was a record this autumn.",
        [
            {
                "content": "Country Y is training 40 mercenaries at Base Z for transfer to Norland",
                "speaker": "Agency X",
                "cue": "said",
            },
            {
                "content": "the harvest in Estmark was a record this autumn",
                "speaker": "Grainco",
                "cue": "reported",
            },
        ],
        date="2023-01-10",
        outlet="Daily Alpha",
    )
    d2 = make(
        "d2",
        '"Country Y has trained up to 200 mercenaries at Base Z for transfer to Norland," Agency X said. '
        "Minister Orla Venn said the Estmark grain harvest was the largest on record, according to Grainco figures.",  # noqa: E501
        [
            {
                "content": "Country Y has trained up to 200 mercenaries at Base Z for transfer to Norland",
                "kind": "direct",
                "speaker": "Agency X",
                "cue": "said",
            },
            {
                "content": "the Estmark grain harvest was the largest on record",
                "speaker": "Minister Orla Venn",
                "cue": "said",
            },
        ],
        date="2023-02-05",
        outlet="Beta Times",
    )
    d3 = make(
        "d3",
        "According to Agency X, Country Y is training about 120 mercenaries at Base Z for attacks on "
        "military facilities in Estmark and Valdoria. Country Y denied the allegations and has not commented further.",  # noqa: E501
        [
            {
                "content": "Country Y is training about 120 mercenaries at Base Z for attacks on military facilities "  # noqa: E501
                "in Estmark and Valdoria",
                "kind": "according_to",
                "speaker": "Agency X",
                "cue": "According to",
            },
        ],
        date="2023-03-01",
        outlet="Gamma Wire",
    )
    d4 = make(
        "d4",
        "Bureau Q said its officers stopped a bomb attack by Red Hand militants at a power station in Port Lira. "  # noqa: E501
        "Bureau Q said the Red Hand cell had built explosives in a flat in Port Lira.",
        [
            {
                "content": "its officers stopped a bomb attack by Red Hand militants at a power station in Port Lira",  # noqa: E501
                "speaker": "Bureau Q",
                "cue": "said",
            },
            {
                "content": "the Red Hand cell had built explosives in a flat in Port Lira",
                "speaker": "Bureau Q",
                "cue": "said",
            },
        ],
        date="2023-02-20",
        outlet="Delta News",
    )
    return [d1, d2, d3, d4]


def extra_doc() -> NarrativeInput:
    """A later outlet repeating the Base Z narrative in its own voice."""
    return make(
        "d5",
        "The Country Y occupation army keeps training mercenaries at Base Z for attacks on Valdoria, "
        "as Agency X revealed last month.",
        [
            {
                "content": "The Country Y occupation army keeps training mercenaries at Base Z for attacks on Valdoria",  # noqa: E501
                "kind": "indirect",
                "speaker": "Agency X",
                "cue": "revealed",
            },
        ],
        date="2023-04-02",
        outlet="Epsilon Post",
    )
