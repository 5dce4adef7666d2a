"""The example corpus (examples/) through the main job gives what examples/README.md promises.

Runs ``claimtrace run examples/`` (the same command users run) and reads the JSON export.
Expectations the program does not meet yet are marked ``xfail(strict=True)`` with the stage
at fault, so the day one is met the mark has to go.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrace.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# README key -> the document's title (titles are ours and unique in the corpus)
TITLES = {
    "01": "Harlan accuses Brevia of shipping drones to Ostral rebels",
    "02": "Dalmar steps up drone row with Brevia",
    "03": "Brevia's drone pipeline exposed",
    "04": "Brevia rejects Harlan drone accusation",
    "05": "Night trucks seen at Kessa",
    "06": "Minister names Brevian firm in drone claims",
    "07": "Fact check: no evidence of drone shipments through Kessa",
    "08": "Council approves northern tram extension",
    "09a": "Harlan seeks sanctions over alleged drone shipments",
    "09b": "Harbour festival returns after five years",
    "10": "Drone row: what we know",
}
DRONE = ["01", "02", "03", "04", "05", "06", "07", "09a", "10"]
UNRELATED = ["08", "09b"]
OUTLETS = {
    "01": "Coastline Wire",
    "02": "The Meridian Post",
    "03": "Harlan Patriot Herald",
    "04": "The Brevian Observer",
    "05": "Dalmar Evening Star",
    "06": "The Meridian Post",
    "07": "factline.example",
    "08": "Northgate Daily",
    "09a": "Riverside Gazette",
    "09b": "Riverside Gazette",
    "10": "Eastbank Courier",
}
STANCE = {
    "01": "ATTRIBUTES",
    "02": "ATTRIBUTES",
    "03": "AMPLIFIES",
    "04": "CONTESTS",
    "05": "AMPLIFIES",
    "06": "ATTRIBUTES",
    "07": "DEBUNKS",
    "09a": "ATTRIBUTES",
    "10": "ATTRIBUTES",
}

CLUSTERING = "narratives: the claim is split over several clusters (crossdoc narratives clustering)"
NOT_IN_03 = (
    "attribution: in 03 'Up to 200 drones have been smuggled through Kessa, sources ... say, and "
    "the West looks the other way' yields only 'and the West looks the other way'"
)
REPORTED_DENIAL = "stance: a denial reported by the outlet is read as the outlet's own (CONTESTS/DEBUNKS)"


def xfail(key: str, reason: str, *, strict: bool = True) -> Any:
    return pytest.param(key, marks=pytest.mark.xfail(strict=strict, reason=reason))


# 03's opening claim joins the drone narrative by a merge that sits at the link threshold: the
# int8 encoder's vectors move slightly with the batch a text is encoded in and the thread count,
# so the merge happens in some runs and not in others. Not strict until the merge is clear.
AT_THRESHOLD_03 = CLUSTERING + ": 03's merge sits at the link threshold and flips between runs"


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON export after ``claimtrace run examples/ --db ... --report ...``."""
    tmp = tmp_path_factory.mktemp("examples")
    db, out = str(tmp / "example.db"), str(tmp / "out.json")
    runner = CliRunner()
    ran = runner.invoke(app, ["run", str(EXAMPLES), "--db", db, "--report", str(tmp / "report.html")])
    assert ran.exit_code == 0, ran.output
    assert (tmp / "report.html").stat().st_size > 10_000
    exported = runner.invoke(app, ["export", "--db", db, "--format", "json", "--out", out])
    assert exported.exit_code == 0, exported.output
    data: dict[str, Any] = json.loads(Path(out).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def ids(export: dict[str, Any]) -> dict[str, str]:
    """README key -> document id."""
    by_title = {d["title"]: d["id"] for d in export["documents"]}
    assert set(TITLES.values()) <= set(by_title), sorted(by_title)
    assert len(export["documents"]) == len(TITLES)
    return {key: by_title[title] for key, title in TITLES.items()}


def _drone_narratives(export: dict[str, Any], ids: dict[str, str]) -> list[dict[str, Any]]:
    drone = {ids[k] for k in DRONE}
    return [n for n in export["narratives"] if drone & set(n["documents"])]


@pytest.fixture(scope="module")
def narrative(export: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """The drone narrative: of those holding drone documents, the one holding the most."""
    found = _drone_narratives(export, ids)
    assert found, "no narrative holds a drone document"
    return max(found, key=lambda n: len(n["documents"]))


def test_every_document_gets_its_outlet(export: dict[str, Any], ids: dict[str, str]) -> None:
    outlets = {d["id"]: d["outlet"] for d in export["documents"]}
    assert {k: outlets[ids[k]] for k in TITLES} == OUTLETS


@pytest.mark.xfail(strict=True, reason=CLUSTERING)
def test_one_narrative_about_the_drone_claim(export: dict[str, Any], ids: dict[str, str]) -> None:
    assert len(_drone_narratives(export, ids)) == 1


def test_unrelated_stories_stay_out_of_every_narrative(export: dict[str, Any], ids: dict[str, str]) -> None:
    for n in export["narratives"]:
        assert not {ids[k] for k in UNRELATED} & set(n["documents"]), n["label"]


@pytest.mark.parametrize(
    "key",
    [
        xfail(k, CLUSTERING) if k == "02" else xfail(k, AT_THRESHOLD_03, strict=False) if k == "03" else k
        for k in DRONE
    ],
)
def test_the_narrative_holds_the_document(key: str, narrative: dict[str, Any], ids: dict[str, str]) -> None:
    assert ids[key] in narrative["documents"]


def _slot(narrative: dict[str, Any], slot: str) -> list[tuple[str, Any]]:
    """(date, value) of a slot's mutations in order, repeats of the previous value dropped."""
    seen: list[tuple[str, Any]] = []
    for m in sorted((m for m in narrative["mutations"] if m["slot"] == slot), key=lambda m: m["date"]):
        if not seen or seen[-1][1] != m["value"]:
            seen.append((m["date"], m["value"]))
    return seen


def test_quantity_grows_then_falls(narrative: dict[str, Any]) -> None:
    assert [v for _, v in _slot(narrative, "quantity")] == [40.0, 200.0, 120.0]


@pytest.mark.xfail(strict=True, reason=NOT_IN_03 + "; " + CLUSTERING + ": 01's 'Around 40' is in another one")
def test_each_figure_dated_by_its_first_document(narrative: dict[str, Any]) -> None:
    assert [d for d, _ in _slot(narrative, "quantity")] == ["2024-03-04", "2024-03-06", "2024-03-11"]


def test_recipient_stays_ostral_rebels(narrative: dict[str, Any]) -> None:
    assert [v for _, v in _slot(narrative, "target")] == ["Ostral rebels"]


@pytest.mark.xfail(
    strict=True,
    reason="claim forms: 'drones built by ... Talvex Systems had reached' gives no actor, "
    "'Talvex Systems, which it accuses of sending' gives actor Harlan",
)
def test_accused_shifts_to_talvex_systems(narrative: dict[str, Any]) -> None:
    assert [v for _, v in _slot(narrative, "actor")] == ["Brevia", "Talvex Systems"]


STANCE_NOT_YET = {
    "02": CLUSTERING,
    "04": "attribution: 'Relk said Harlan had offered no evidence and called on it ...' is read as an "
    "unattributed sentence, so its 'no evidence' counts as the Observer's own and the stance is DEBUNKS",
    "05": "stance: the Herald's loaded sentence in the Star's own voice scores 1.0 beside the reported "
    "Interior Ministry claim (below the decision score; 'shameless' is no loaded-framing word), so the "
    "body model's ATTRIBUTES stands",
    "10": REPORTED_DENIAL + ": 'Brevia denies', 'has not commented' come out CONTESTS",
}


@pytest.mark.parametrize(
    "key",
    [
        xfail(k, STANCE_NOT_YET[k])
        if k in STANCE_NOT_YET
        else xfail(k, AT_THRESHOLD_03, strict=False)
        if k == "03"
        else k
        for k in DRONE
    ],
)
def test_stance_per_outlet(key: str, narrative: dict[str, Any], ids: dict[str, str]) -> None:
    stances = {s["doc"]: s["stance"] for s in narrative["stances"]}
    assert stances.get(ids[key]) == STANCE[key], OUTLETS[key]


def test_verbatim_reuse_with_its_origin(export: dict[str, Any], ids: dict[str, str]) -> None:
    links = {
        (frozenset((r["a"]["doc"], r["b"]["doc"])), r["source"])
        for r in export["reuse"]
        if r["kind"] == "verbatim"
    }
    assert links == {
        (frozenset((ids["01"], ids["02"])), ids["01"]),
        (frozenset((ids["03"], ids["05"])), ids["03"]),
    }


def test_stories(export: dict[str, Any], ids: dict[str, str]) -> None:
    stories = sorted(sorted(s["documents"]) for s in export["stories"])
    expected = [sorted(ids[k] for k in DRONE), [ids["08"]], [ids["09b"]]]
    assert stories == sorted(expected)
