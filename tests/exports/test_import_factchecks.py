"""Importing fact-checks: ClaimReview JSON-LD (object, list, @graph, HTML) and CSV with field mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtrace.errors import ClaimtraceError
from claimtrace.exports.importers import import_claimreview, import_factcheck_csv

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example/1",
    "claimReviewed": "The river Ostra was dyed red by a factory",
    "datePublished": "2023-05-02T10:00:00Z",
    "author": {"@type": "Organization", "name": "Checkers Ltd"},
    "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "alternateName": "Mostly false"},
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Ada Vance"},
        "appearance": [{"@type": "CreativeWork", "url": "https://blog.example/post"}],
    },
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("wrap", ["object", "list", "graph"])
def test_claimreview_shapes(tmp_path: Path, wrap: str) -> None:
    data = {
        "object": REVIEW,
        "list": [REVIEW, {"@type": "WebPage"}],
        "graph": {"@context": "https://schema.org", "@graph": [{"@type": "WebSite"}, REVIEW]},
    }[wrap]
    (ref,) = import_claimreview(_write(tmp_path, "r.json", json.dumps(data)))
    assert ref["text"] == REVIEW["claimReviewed"] and ref["rating"] == "Mostly false"
    assert ref["url"] == "https://checks.example/1" and ref["publisher"] == "Checkers Ltd"
    assert ref["date"] == "2023-05-02" and ref["claimant"] == "Ada Vance"
    assert ref["appearances"] == ["https://blog.example/post"] and ref["id"].startswith("ref-")


def test_claimreview_in_html_script(tmp_path: Path) -> None:
    page = (
        "<html><head><script type='application/ld+json'>"
        + json.dumps(REVIEW)
        + "</script><script>var x = 1;</script></head><body>Check</body></html>"
    )
    (ref,) = import_claimreview(_write(tmp_path, "page.html", page))
    assert ref["rating"] == "Mostly false"


def test_claimreview_errors(tmp_path: Path) -> None:
    with pytest.raises(ClaimtraceError, match=r"bad\.json: malformed JSON-LD at line 2: "):
        import_claimreview(_write(tmp_path, "bad.json", '{"@type": "ClaimReview",\n "x": }'))
    with pytest.raises(ClaimtraceError, match="no ClaimReview found"):
        import_claimreview(_write(tmp_path, "none.json", '{"@type": "NewsArticle"}'))
    with pytest.raises(ClaimtraceError, match="no such file"):
        import_claimreview(tmp_path / "missing.json")


def test_csv_default_fields(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "fc.csv",
        "claim,rating,url,publisher,date\n"
        '"Kessa port shipped 200 drones, officials say",False,https://fc.example/a,FactLine,2024-03-14\n'
        ",True,https://fc.example/empty,,\n",
    )
    (ref,) = import_factcheck_csv(p)
    assert ref["text"] == "Kessa port shipped 200 drones, officials say" and ref["rating"] == "False"
    assert ref["publisher"] == "FactLine" and ref["date"] == "2024-03-14" and ref["source"] == str(p)


def test_csv_custom_mapping_and_tsv(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "fc.tsv",
        "Statement\tVerdict\tLink\tChecked\n"
        "Tram costs doubled\tMisleading\thttps://fc.example/t\t2024-04-01 12:00\n",
    )
    (ref,) = import_factcheck_csv(
        p,
        claim_field="Statement",
        rating_field="verdict",
        url_field="Link",
        date_field="Checked",
        publisher="Desk",
    )
    assert (ref["text"], ref["rating"], ref["url"], ref["date"], ref["publisher"]) == (
        "Tram costs doubled",
        "Misleading",
        "https://fc.example/t",
        "2024-04-01",
        "Desk",
    )


def test_csv_errors_are_one_line(tmp_path: Path) -> None:
    p = _write(tmp_path, "fc.csv", "text,verdict\nA,B\n")
    with pytest.raises(ClaimtraceError) as err:
        import_factcheck_csv(p)
    msg = str(err.value)
    assert "\n" not in msg and "no column 'claim'" in msg and "claim_field=" in msg and "text, verdict" in msg
    bad = _write(tmp_path, "bad.csv", 'claim,rating,url\n"unclosed,False,https://x.example\n')
    with pytest.raises(ClaimtraceError, match=r"bad\.csv: malformed CSV at line \d+"):
        import_factcheck_csv(bad)
    wide = _write(tmp_path, "wide.csv", "claim,rating,url\na,b,c,d,e\n")
    with pytest.raises(ClaimtraceError, match=r"wide\.csv: malformed CSV at line 2: 5 fields, header has 3"):
        import_factcheck_csv(wide)
    with pytest.raises(ClaimtraceError, match="empty file"):
        import_factcheck_csv(_write(tmp_path, "empty.csv", "  \n"))
