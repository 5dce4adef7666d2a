"""The ``form`` object on exported claims and ``carried_by`` on exported narratives (fictional text)."""

from __future__ import annotations

from pathlib import Path

from claimtrace.exports.contract import build_export
from claimtrace.model import Claim, DocAnalysis, Document, Entity, Mention, Narrative, Quantity
from claimtrace.store import open_store

TEXT = "Bureau Q denied that it shipped about 40 drones to Port Lira in March 2023."


def test_export_claim_form_and_carried_by(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "f.db"))
    doc = Document(text=TEXT, source="/feeds/q.txt", published="2023-04-01", outlet="Iota")
    store.add_documents([doc])
    cs = TEXT.index("it shipped")
    q = Quantity(TEXT.index("about"), TEXT.index(" drones"), "about 40", 40.0, approx=True, about="drones")
    port = TEXT.index("Port Lira")
    claim = Claim(
        start=0,
        end=len(TEXT),
        content_start=cs,
        content_end=len(TEXT) - 1,
        kind="indirect",
        speaker_text="Bureau Q",
        speaker_start=0,
        speaker_end=8,
        speaker_key="gaz:bureau-q",
        cue="denied",
        cue_start=9,
        cue_end=15,
        quantities=[q],
    )
    mentions = [
        Mention(0, 8, "Bureau Q", "ORG", "gaz:bureau-q", "Bureau Q"),
        Mention(port, port + 9, "Port Lira", "GPE", "gaz:port-lira", "Port Lira"),
    ]
    store.save_analyses([DocAnalysis(doc.id, mentions=mentions, quantities=[q], claims=[claim])])
    store.replace_entities([Entity("E-q", "gaz:bureau-q", "Bureau Q", "ORG", [])])
    carried = [{"outlet": "Iota", "doc": doc.id, "date": "2023-04-01"}]
    store.save_narratives(
        [Narrative("n1", "Bureau Q shipped about 40 drones", documents=[doc.id], carried_by=carried)]
    )
    data = build_export(store)
    form = data["claims"][0]["form"]
    # "it" is the denying speaker: the form describes the denied claim, affirmatively
    assert form["actor"] == "Bureau Q" and form["actor_entity"] == "E-q" and form["predicate"] == "ship"
    assert form["denial"] is True and form["negated"] is False
    assert form["target"] == ["Port Lira"] and form["time"] == "March 2023"
    assert form["quantity"][0]["text"] == "about 40" and form["quantity"][0]["approx"] is True
    assert form["statement"] == "Bureau Q shipped about 40 drones to Port Lira in March 2023"
    assert data["narratives"][0]["carried_by"] == carried
