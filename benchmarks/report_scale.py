"""HTML report size, build time and first paint in headless Chromium, on large synthetic exports.

The exports are synthetic (fictional names, generated sentences; CONTRACT.md shape): documents
of about 2,000 characters with two claims and four entity mentions each, one story per ~8
documents, one narrative per ~25 documents (largest narratives hold thousands), reuse links
between neighbours. They measure the page, not the analysis. Usage:

    .venv/bin/python benchmarks/report_scale.py --sizes 10000,100000 [--full-at 2000] [--keep DIR]

First paint is Chromium's ``first-contentful-paint`` of the page opened from disk (Playwright
with Debian's /usr/bin/chromium, flags of tests/conftest.py); ``load`` is the load event.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from claimtrace.report.html import render_html

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
WORDS = [
    "council",
    "budget",
    "harbour",
    "ferry",
    "strike",
    "orchard",
    "frost",
    "bridge",
    "tunnel",
    "railway",
    "clinic",
    "vaccine",
    "drone",
    "border",
    "treaty",
    "election",
    "ballot",
    "tariff",
    "grain",
    "mill",
    "factory",
    "river",
    "flood",
    "storm",
    "wildfire",
    "reservoir",
    "pipeline",
    "contract",
    "audit",
    "inquiry",
    "minister",
    "senator",
    "mayor",
    "union",
    "court",
    "ruling",
]
NAMES = [
    f"{a}{b}" for a in ("Kel", "Mar", "Pel", "Dun", "Ash", "Tor", "Vel", "Quen") for b in ("by", "ow", "am")
]
STANCES = ["ATTRIBUTES", "AMPLIFIES", "CONTESTS", "DEBUNKS", ""]


def synthetic_export(n_docs: int, *, seed: int = 0) -> dict[str, Any]:
    """A CONTRACT.md-shaped export of ``n_docs`` fictional documents."""
    rng = random.Random(seed)
    docs, claims, mentions = [], [], {name: [] for name in NAMES}
    for i in range(n_docs):
        who = rng.choice(NAMES)
        parts, spans = [], []
        pos = 0
        for k in range(14):
            sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 22))).capitalize()
            if k in (2, 7):
                sentence = f"{who} said the {sentence.lower()}"
                spans.append((pos, pos + len(sentence), pos + len(who) + 10))
            parts.append(sentence + ". ")
            pos += len(sentence) + 2
        text = "".join(parts)
        doc_id = f"doc{i:06d}"
        day = 1 + (i * 730) // max(n_docs, 1)
        published = time.strftime("%Y-%m-%d", time.gmtime(1_700_000_000 + day * 86400))
        docs.append(
            {
                "id": doc_id,
                "source": f"https://news{i % 300}.example/{doc_id}",
                "title": f"{who} on the {rng.choice(WORDS)} {rng.choice(WORDS)}",
                "published": published,
                "author": None,
                "outlet": f"Outlet {i % 300}",
                "credits": [],
                "language": "en",
                "text": text,
            }
        )
        for s, e, cs in spans:
            claims.append(
                {
                    "id": f"{doc_id}:{s}-{e}",
                    "doc": doc_id,
                    "start": s,
                    "end": e,
                    "content": text[cs:e],
                    "content_span": [cs, e],
                    "kind": "indirect",
                    "speaker": {"text": who, "span": [s, s + len(who)], "entity": who},
                    "cue": "said",
                    "cue_span": [s + len(who) + 1, s + len(who) + 5],
                    "hedges": [],
                    "quantities": [],
                }
            )
            mentions[who].append({"doc": doc_id, "start": s, "end": s + len(who), "text": who})
    entities = [
        {"id": n, "name": n, "type": "PERSON", "aliases": [], "mentions": m} for n, m in mentions.items()
    ]
    stories = [
        {
            "id": f"story{k}",
            "label": docs[k * 8]["title"],
            "documents": [d["id"] for d in docs[k * 8 : k * 8 + 8]],
            "first_seen": docs[k * 8]["published"],
            "last_seen": docs[min(k * 8 + 7, n_docs - 1)]["published"],
        }
        for k in range(n_docs // 8)
    ]
    narratives = []
    n_nars = max(n_docs // 25, 1)
    for k in range(n_nars):
        size = max(2, int(n_docs * 0.05 / (k + 1)))  # Zipf-like: a few large, many small
        members = sorted(rng.sample(range(n_docs), min(size, n_docs)))
        ids = [docs[j]["id"] for j in members]
        narratives.append(
            {
                "id": f"nar{k}",
                "label": f"{rng.choice(NAMES)} says the {rng.choice(WORDS)} {rng.choice(WORDS)}",
                "documents": ids,
                "claims": [
                    f"{d}:{claims[2 * j]['start']}-{claims[2 * j]['end']}"
                    for d, j in zip(ids, members, strict=True)
                ],
                "timeline": [
                    {"date": docs[j]["published"], "doc": docs[j]["id"], "outlet": docs[j]["outlet"]}
                    for j in members
                ],
                "stances": [{"doc": d, "stance": rng.choice(STANCES), "evidence": []} for d in ids],
                "mutations": [],
                "first_seen": docs[members[0]]["published"],
                "last_seen": docs[members[-1]]["published"],
            }
        )
    reuse = [
        {
            "a": {"doc": docs[i]["id"], "start": 0, "end": 80},
            "b": {"doc": docs[i + 1]["id"], "start": 0, "end": 80},
            "kind": "near",
            "score": 0.8,
            "source": docs[i]["id"],
        }
        for i in range(0, n_docs - 1, 10)
    ]
    return {
        "version": "1",
        "documents": docs,
        "entities": entities,
        "claims": claims,
        "reuse": reuse,
        "stories": stories,
        "narratives": narratives,
    }


def first_paint(path: Path) -> dict[str, float]:
    """First contentful paint and load event (ms) of ``path`` in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=600_000)
        wall = (time.perf_counter() - t0) * 1000
        fcp = page.evaluate(
            "performance.getEntriesByType('paint').filter(e => e.name === 'first-contentful-paint')"
            ".map(e => e.startTime)[0] || -1"
        )
        load = page.evaluate(
            "(() => { const n = performance.getEntriesByType('navigation')[0];"
            " return n ? n.loadEventEnd : -1; })()"
        )
        browser.close()
    return {"fcp_ms": float(fcp), "load_ms": float(load), "goto_wall_ms": wall}


def measure(n_docs: int, out_dir: Path, *, full: bool = False) -> None:
    t0 = time.perf_counter()
    export = synthetic_export(n_docs)
    t1 = time.perf_counter()
    title = f"Synthetic corpus, {n_docs:,} documents"
    # ``full`` only when asked, so the script also runs on checkouts whose render_html lacks it
    page = render_html(export, title=title, full=True) if full else render_html(export, title=title)
    t2 = time.perf_counter()
    path = out_dir / f"report-{n_docs}{'-full' if full else ''}.html"
    path.write_text(page, encoding="utf-8")
    size = path.stat().st_size
    paint = first_paint(path) if Path(CHROMIUM).exists() else {}
    shown = ", ".join(f"{k} {v:,.0f}" for k, v in paint.items()) or "chromium absent"
    print(
        f"{n_docs:>7,} docs{' --full' if full else ''}: {size / 1e6:6.2f} MB, export built {t1 - t0:5.1f} s, "
        f"render {t2 - t1:5.1f} s; {shown}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated document counts")
    ap.add_argument("--full-at", type=int, default=0, help="also render this size with --full")
    ap.add_argument("--keep", default=None, help="keep the pages in this folder")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep or tmp)
        out.mkdir(parents=True, exist_ok=True)
        for n in (int(x) for x in args.sizes.split(",") if x):
            measure(n, out)
        if args.full_at:
            measure(args.full_at, out, full=True)


if __name__ == "__main__":
    sys.exit(main())
