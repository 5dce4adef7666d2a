"""Slot extraction, mutation logs of the claim's details and who carries it (fictional fixtures)."""

from __future__ import annotations

from _narrative_fixtures import base_docs, entities, extra_doc, make

from claimtrace.crossdoc.mutations import Carrier, SlotOccurrence, carried_by, mutation_log, time_key
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


def test_slots_actor_target_place_quantity_no_speaker() -> None:
    d1, _d2, d3, d4 = base_docs()
    s1 = _slots(d1)
    assert _vals(s1, "actor") == ["Country Y"] and s1.action == "train"
    assert _vals(s1, "target") == ["Norland"]  # "for transfer to Norland"
    assert _vals(s1, "place") == ["Base Z"] and _vals(s1, "quantity") == [40.0]
    assert _vals(s1, "speaker") == []  # who says it is no detail of the claim
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
    qty = [
        (m["value"], m["text"], m["previous"], m["date"]) for m in base.mutations if m["slot"] == "quantity"
    ]
    assert qty == [
        (40.0, "40", None, "2023-01-10"),
        (200.0, "up to 200", 40.0, "2023-02-05"),
        (120.0, "about 120", 200.0, "2023-03-01"),
    ]
    tgt = [(m["value"], m["previous"]) for m in base.mutations if m["slot"] == "target"]
    assert tgt == [("Norland", None), ("Estmark", "Norland"), ("Valdoria", "Norland")]
    # the speaker who repeats the claim is not a mutation; the actor is logged once
    assert {m["slot"] for m in base.mutations} <= {"quantity", "target", "actor", "place", "time"}
    assert [m["value"] for m in base.mutations if m["slot"] == "actor"] == ["Country Y"]
    for m in base.mutations:
        assert set(m) - {"text"} == {"slot", "value", "doc", "date", "previous"}
        assert ("text" in m) == (m["slot"] == "quantity")


def test_narrative_carried_by_outlets_and_speakers() -> None:
    b = NarrativeBuilder(now="T").fit([*base_docs(), extra_doc()], entities=entities())
    base = next(n for n in b.narratives() if "d3" in n.documents)
    outlets = [(c["outlet"], c["doc"]) for c in base.carried_by if "outlet" in c]
    assert outlets[:3] == [("Daily Alpha", "d1"), ("Beta Times", "d2"), ("Gamma Wire", "d3")]
    speakers = [(c["speaker"], c["doc"], c["entity"]) for c in base.carried_by if "speaker" in c]
    assert speakers[0] == ("Agency X", "d1", "Eagency-x")
    dates = [c["date"] for c in base.carried_by]
    assert dates == sorted(dates)


def test_carried_by_leaves_deniers_out_and_keeps_one_entry_per_document() -> None:
    got = carried_by(
        [
            Carrier("b", "2023-02-01", 1, 0, "Beta", "Minister Venn", "E1"),
            Carrier("a", "2023-01-01", 0, 5, "Alpha", "Agency X", "E2"),
            Carrier("a", "2023-01-01", 0, 9, "Alpha", "Agency X", "E2"),
            Carrier("c", "2023-03-01", 2, 0, "Gamma", "Country Y", "E3", denies=True),
        ]
    )
    assert got == [
        {"outlet": "Alpha", "doc": "a", "date": "2023-01-01"},
        {"speaker": "Agency X", "entity": "E2", "doc": "a", "date": "2023-01-01"},
        {"outlet": "Beta", "doc": "b", "date": "2023-02-01"},
        {"speaker": "Minister Venn", "entity": "E1", "doc": "b", "date": "2023-02-01"},
        {"outlet": "Gamma", "doc": "c", "date": "2023-03-01"},
    ]


def test_quantity_text_kept_and_approximations_of_one_figure_merge() -> None:
    def q(value, text, *, high=None):
        return SlotValue("quantity", value, f"{value:g}|{'' if high is None else f'{high:g}'}", 0, 0, text)

    log = mutation_log(
        [
            SlotOccurrence("a", "2023-01-01", 0, 0, (q(40.0, "around 40"),)),
            SlotOccurrence("b", "2023-01-02", 1, 0, (q(40.0, "40"), q(200.0, "up to 200", high=200.0))),
            SlotOccurrence("c", "2023-01-03", 2, 0, (q(120.0, "about 120"),)),
        ]
    )
    assert [(e["text"], e["previous"]) for e in log] == [
        ("around 40", None),
        ("up to 200", 40.0),
        ("about 120", 200.0),
    ]
