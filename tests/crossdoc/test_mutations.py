"""Slot extraction and mutation logs (fictional fixtures)."""

from __future__ import annotations

from _narrative_fixtures import base_docs, entities, extra_doc, make

from claimtrace.crossdoc.mutations import SlotOccurrence, mutation_log, time_key
from claimtrace.crossdoc.narratives import NarrativeBuilder
from claimtrace.crossdoc.slots import SlotValue, extract_slots
from claimtrace.model import Quantity


def _slots(inp, i=0):
    c = inp.analysis.claims[i]
    return extract_slots(
        c,
        text=inp.doc.text,
        mentions=inp.analysis.mentions,
        quantities=inp.analysis.quantities,
        entities={e.key: e for e in entities()},
    )


def _vals(slots, name):
    return [v.value for v in slots.values if v.slot == name]


def test_slots_actor_target_place_quantity_speaker() -> None:
    d1, _d2, d3, d4 = base_docs()
    s1 = _slots(d1)
    assert _vals(s1, "actor") == ["Country Y"] and s1.action == "train"
    assert _vals(s1, "target") == ["Norland"]  # "for transfer to Norland"
    assert _vals(s1, "place") == ["Base Z"] and _vals(s1, "quantity") == [40.0]
    assert _vals(s1, "speaker") == ["Agency X"]
    s3 = _slots(d3)
    assert _vals(s3, "target") == ["Estmark", "Valdoria"]  # "attacks on military facilities in E and V"
    assert _vals(s3, "quantity") == [120.0]
    s4 = _slots(d4)
    assert _vals(s4, "actor") == ["Bureau Q"]  # "its officers" -> the speaker


def test_target_falls_back_to_noun_phrase_and_skips_ages_years() -> None:
    inp = make(
        "t1",
        "Agency X said Country Y sent 30 fighters aged 19 to 24 in 2021 to carry out attacks inside "
        "the territory of the northern republics.",
        [
            {
                "content": "Country Y sent 30 fighters aged 19 to 24 in 2021 to carry out attacks inside the "
                "territory of the northern republics",
                "speaker": "Agency X",
                "cue": "said",
            }
        ],
        date=None,
        outlet="Iota",
    )
    text = inp.doc.text
    # as the quantity stage reports them: a count, an age range, a bare year
    inp.analysis.claims[0].quantities = [
        Quantity(text.index("30"), text.index("30") + 2, "30", 30.0, about="fighters"),
        Quantity(text.index("19"), text.index("24") + 2, "19 to 24", 19.0, low=19.0, high=24.0),
        Quantity(text.index("2021"), text.index("2021") + 4, "2021", 2021.0),
    ]
    s = _slots(inp)
    assert _vals(s, "target") == ["northern republics"]
    assert _vals(s, "quantity") == [30.0]  # not the ages 19/24, not the year 2021


def test_mutation_log_order_and_previous_values() -> None:
    def occ(doc, date, order, *vals):
        return SlotOccurrence(doc, date, order, 0, tuple(SlotValue(s, v, str(v), 0, 0) for s, v in vals))

    log = mutation_log(
        [
            occ("c", "2023-03-01", 2, ("quantity", 120.0), ("target", "Estmark")),
            occ("a", "2023-01-10", 0, ("quantity", 40.0), ("target", "Norland")),
            occ("u", None, 3, ("quantity", 40.0), ("quantity", 7.0)),
            occ("b", "2023-02-05", 1, ("quantity", 200.0), ("quantity", 40.0), ("target", "Norland")),
        ]
    )
    assert [(e["slot"], e["value"], e["doc"], e["previous"]) for e in log] == [
        ("quantity", 40.0, "a", None),
        ("target", "Norland", "a", None),
        ("quantity", 200.0, "b", 40.0),
        ("quantity", 120.0, "c", 40.0),
        ("target", "Estmark", "c", "Norland"),
        ("quantity", 7.0, "u", 120.0),  # undated comes last
    ]
    assert time_key(None, 0) > time_key("2030-01-01", 5)


def test_narrative_mutations_follow_time() -> None:
    b = NarrativeBuilder(now="T").fit([*base_docs(), extra_doc()], entities=entities())
    base = next(n for n in b.narratives() if "d3" in n.documents)
    qty = [(m["value"], m["previous"], m["date"]) for m in base.mutations if m["slot"] == "quantity"]
    assert qty == [(40.0, None, "2023-01-10"), (200.0, 40.0, "2023-02-05"), (120.0, 200.0, "2023-03-01")]
    tgt = [(m["value"], m["previous"]) for m in base.mutations if m["slot"] == "target"]
    assert tgt == [("Norland", None), ("Estmark", "Norland"), ("Valdoria", "Norland")]
    assert all(set(m) == {"slot", "value", "doc", "date", "previous"} for m in base.mutations)
