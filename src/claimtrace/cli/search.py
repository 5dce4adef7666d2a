"""``claimtrace search`` and ``claimtrace match``: find documents and claims; match a new claim.

Both bring the vector indexes beside the database up to date first (only new claims and
documents are embedded). Rich tables for people, ``--json`` for programs.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from claimtrace.cli.common import DEFAULT, DbOption, err, user_errors

__all__ = ["match_command", "register", "search_command"]

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _progress(namespace: str, done: int, total: int) -> None:
    if total >= 200 and sys.stderr.isatty():
        print(f"\rembedding {namespace}: {done}/{total}", end="\n" if done >= total else "", file=sys.stderr)


def _short(text: str | None, width: int) -> str:
    """One line of at most ``width`` characters, escaped for rich markup."""
    from rich.markup import escape

    text = " ".join((text or "").split())
    return escape(text if len(text) <= width else text[: width - 1] + "…")


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=1))


@user_errors
def search_command(
    query: Annotated[str, typer.Argument(help="Words or a sentence to look for.")],
    db: DbOption = DEFAULT,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many hits.")] = 20,
    kind: Annotated[str, typer.Option("--kind", help="all, claims or documents.")] = "all",
    as_json: JsonOption = False,
) -> None:
    """Search documents and claims by words (FTS5) and meaning (vectors), fused by rank."""
    from claimtrace.search.search import search
    from claimtrace.search.sync import sync_index
    from claimtrace.store import open_store

    if kind not in ("all", "claims", "documents"):
        raise typer.BadParameter("choose one of: all, claims, documents", param_hint="--kind")
    with open_store(db, create=False) as store:
        stats = sync_index(store, db, progress=_progress)
        if kind == "all" and stats["claims"]["total"] == 0:
            err("note: no analysed claims, showing documents only; run 'claimtrace analyze' first")
        hits = search(store, db, query, limit=limit, kind=kind, sync=False)  # type: ignore[arg-type]
    if as_json:
        _print_json(hits)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(hits)} hits for {query!r}", show_lines=False)
    for col in ("#", "kind", "score"):
        table.add_column(col, no_wrap=True)
    table.add_column("text", ratio=5, overflow="fold")
    table.add_column("outlet", ratio=1, overflow="fold")
    table.add_column("date", no_wrap=True)
    table.add_column("narrative / doc", ratio=1, overflow="fold")
    for n, h in enumerate(hits, 1):
        where = (h.get("narrative") or {}).get("label") if h["kind"] == "claim" else None
        table.add_row(
            str(n),
            h["kind"],
            f"{h['score']:.4f}",
            _short(h.get("text"), 90)
            if h["kind"] == "claim"
            else _short(" — ".join(x for x in (h.get("title"), h.get("snippet")) if x), 120),
            _short(h.get("outlet"), 40),
            h.get("published") or "",
            _short(where, 40) if where else h["doc"],
        )
    Console().print(table)


def _match_table(title: str, matches: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title=title, show_lines=True)
    table.add_column("score", no_wrap=True)
    table.add_column("known claim", ratio=3, overflow="fold")
    table.add_column("where, narrative, fact-checks, evidence", ratio=2, overflow="fold")
    for m in matches:
        c = m["claim"]
        ev = m["evidence"]
        lines = [
            _short(" ".join(x for x in (c.get("speaker"), c.get("outlet"), c.get("published")) if x), 120)
        ]
        if m["narrative"]:
            lines.append(f"narrative: {_short(m['narrative']['label'], 60)}")
        for f in m["fact_checks"]:
            who = f.get("publisher") or f.get("author") or "analyst"
            check = f"fact-check: {f.get('rating')} ({who})" + (f" {f['url']}" if f.get("url") else "")
            lines.append(_short(check, 200))
        shared = ev["shared_names"] + ev["shared_numbers"]
        if shared:
            lines.append(_short("shared: " + ", ".join(shared), 200))
        if ev["numbers_only_in_match"] or ev["numbers_only_in_query"]:
            known, new = ev["numbers_only_in_match"], ev["numbers_only_in_query"]
            lines.append(
                _short(f"numbers differ: known {', '.join(known) or '-'}; new {', '.join(new) or '-'}", 200)
            )
        table.add_row(f"{m['score']:.3f}", _short(c["text"], 200), "\n".join(x for x in lines if x))
    return table


def _archive_table(title: str, hits: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title=f"fact-checks for {title}", show_lines=True)
    table.add_column("score", no_wrap=True)
    table.add_column("fact-checked claim", ratio=3, overflow="fold")
    table.add_column("rating, source, evidence", ratio=2, overflow="fold")
    for h in hits:
        f, ev = h["fact_check"], h["evidence"]
        who = f.get("publisher") or f.get("author") or "archive"
        lines = [
            _short(f"{f.get('rating') or 'no rating'} ({who})", 120),
            _short(" ".join(x for x in (f.get("date"), f.get("url")) if x), 200),
            f"cosine {h['cosine']:.3f}, bm25 {h['bm25']:.3f}",
        ]
        shared = ev["shared_names"] + ev["shared_numbers"]
        if shared:
            lines.append(_short("shared: " + ", ".join(shared), 200))
        text = " — ".join(x for x in (f.get("title"), f.get("text")) if x)
        table.add_row(f"{h['score']:.3f}", _short(text, 240), "\n".join(x for x in lines if x))
    return table


@user_errors
def match_command(
    claim: Annotated[str | None, typer.Argument(help="The claim to match (or use --file).")] = None,
    db: DbOption = DEFAULT,
    k: Annotated[int, typer.Option("--k", min=1, help="Nearest known claims per claim.")] = 5,
    file: Annotated[
        str | None, typer.Option("--file", help="Match every claim of this new article instead.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Known claims and imported fact-checks nearest to a new claim, with scores and evidence.

    Known claims come with their narrative and fact-checks; the archive's fact-checks
    (``claimtrace factchecks import``) are ranked directly too. ``--json`` prints
    ``{"claim", "matches", "fact_checks"}`` (a list of them with --file).
    """
    from claimtrace.search.match import Matcher, match_file
    from claimtrace.search.sync import sync_index
    from claimtrace.store import open_store

    if (claim is None) == (file is None):
        err("error: give a claim text or --file PATH (one of them)")
        raise typer.Exit(2)
    with open_store(db, create=False) as store:
        sync_index(store, db, progress=_progress)
        if file is not None:
            items = match_file(store, db, file, k=k, sync=False)
        else:
            assert claim is not None
            matcher = Matcher(store, db, sync=False)
            vectors = matcher.encode([claim])  # once, for both rankings
            items = [
                {
                    "claim": claim,
                    "matches": matcher.match_many([claim], k=k, vectors=vectors)[0],
                    "fact_checks": matcher.match_factchecks([claim], k=k, vectors=vectors)[0],
                }
            ]
    if as_json:
        _print_json(items if file is not None else items[0])
        return
    from rich.console import Console

    console = Console()
    if file is not None and not items:
        err(f"{file}: no claims or sentences to match")
    for item in items:
        if item["matches"]:
            console.print(_match_table(_short(item["claim"], 100), item["matches"]))
        if item["fact_checks"]:
            console.print(_archive_table(_short(item["claim"], 100), item["fact_checks"]))
        if not item["matches"] and not item["fact_checks"]:
            err("no known claim or fact-check to compare with")


def register(app: typer.Typer) -> None:
    """Add ``search`` and ``match`` to the ``claimtrace`` app."""
    app.command("search")(search_command)
    app.command("match")(match_command)
