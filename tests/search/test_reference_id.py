"""One definition of a fact-check's id: the importers' and the index's agree."""

from __future__ import annotations

from claimtrace.exports.importers import reference_claim, reference_key
from claimtrace.search.sync import reference_id


def test_record_without_id_gets_the_importers_id() -> None:
    made = reference_claim(
        "  The Velmora ferry is free on Sundays ",
        rating="False",
        url="https://check.example/ferry",
        publisher="Fictional Desk",
        date=None,
        source="test",
    )
    bare = {k: v for k, v in made.items() if k != "id"}
    assert reference_id(bare) == made["id"]
    assert reference_id(made) == made["id"]


def test_publisher_and_url_tell_records_apart() -> None:
    a = reference_key("The ferry is free", "https://a.example", "Desk A")
    assert a != reference_key("The ferry is free", "https://a.example", "Desk B")
    assert a != reference_key("The ferry is free", "https://b.example", "Desk A")
    assert a == reference_key("the FERRY is free ", "https://a.example", "Desk A")
    assert reference_id({"id": "own-7", "text": "x"}) == "own-7"
