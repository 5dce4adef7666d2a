"""``claimtrace narratives``: list and inspect narratives; record analyst corrections and verdicts.

Corrections (move a claim, merge two narratives, split claims out) are stored as overrides and
re-applied after every clustering by the narrative stage, so they survive re-analysis; they take
effect at the next ``claimtrace analyze``. Each override also records the claims the analyst saw,
so it still finds its narratives when clustering has shifted them.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from claimtrace.cli.common import DEFAULT, DbOption, err, user_errors
from claimtrace.errors import E033, ClaimtraceError
from claimtrace.model import Narrative

__all__ = ["narratives_app", "register"]

narratives_app = typer.Typer(
    name="narratives",
    help="Narratives (recurring claims): list, show, correct (move, merge, split), rate, events.",
    no_args_is_help=True,
)

ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept with the correction).")]


NarrativeArg = Annotated[str, typer.Argument(help="Narrative id (see 'claimtrace narratives list').")]


def _open(db: str) -> Any:
    from claimtrace.store import open_store

    return open_store(db, create=False)


def _get(narratives: list[Narrative], nid: str) -> Narrative:
    for n in narratives:
        if n.id == nid:
            return n
    raise ClaimtraceError(E033, nid=nid)


def _later() -> None:
    err("recorded; it takes effect at the next 'claimtrace analyze'")


def _current(store: Any, nid: str) -> Narrative:
    """The narrative ``nid`` is now: itself, or where merges took it (said on stderr); else E033."""
    cur, path = store.resolve_narrative(nid)
    if cur is None:
        raise ClaimtraceError(E033, nid=nid + (f" ({_ended(path[-1])})" if path else ""))
    if cur != nid:
        err(f"{nid} was merged into {cur} ({' -> '.join(str(e.get('at') or '-') for e in path)})")
    return _get(store.load_narratives(), cur)


def _ended(event: dict[str, Any]) -> str:
    """How a chain of ids ended, in words: a dissolve event and where its claims went."""
    where = event.get("claims") or {}
    return (
        f"dissolved {event.get('at') or ''}: {where.get('unclustered', 0)} claim(s) now in no narrative, "
        f"{where.get('removed', 0)} no longer in the corpus"
    )


@narratives_app.command("list")
@user_errors
def list_cmd(
    db: DbOption = DEFAULT,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
    orphans: Annotated[
        bool, typer.Option("--orphans", help="Instead: ratings whose narrative dissolved (and why).")
    ] = False,
) -> None:
    """Narratives, most documents first: id, documents, first/last seen, label."""
    with _open(db) as store:
        if orphans:
            lost = sorted((k, r) for k, r in store.load_ratings().items() if r.get("orphan"))
            for nid, r in lost:
                how = _ended(r["ended_by"]) if r.get("ended_by") else "no event recorded"
                typer.echo(f"{nid}\t{r['rating']}\t{r.get('note') or ''}\t{how}")
            err(f"{len(lost)} orphaned rating(s)")
            return
        nars = sorted(store.load_narratives(), key=lambda n: (-len(n.documents), n.id))
    for n in nars[:limit]:
        typer.echo(f"{n.id}\t{len(n.documents)} docs\t{n.first_seen or '-'}..{n.last_seen or '-'}\t{n.label}")


@narratives_app.command("show")
@user_errors
def show_cmd(
    nid: NarrativeArg,
    db: DbOption = DEFAULT,
) -> None:
    """One narrative: label, timeline, mutation log, stances (and the analyst's rating).

    An id merged away shows the narrative it went to; a dissolved one says so (exit 1).
    """
    with _open(db) as store:
        n = _current(store, nid)
        rating = store.load_ratings().get(n.id)
    typer.echo(f"{n.id}  {n.label}")
    typer.echo(f"claims: {len(n.claims)}  documents: {len(n.documents)}  entities: {', '.join(n.entities)}")
    if rating:
        was = f"  (given to {rating['inherited_from']})" if rating.get("inherited_from") else ""
        typer.echo(f"rating: {rating.get('rating')}  {rating.get('note') or ''}{was}")
    typer.echo("\ntimeline")
    for t in n.timeline:
        typer.echo(f"  {t.get('date') or '(undated)':<12} {t.get('outlet') or '-':<24} {t['doc']}")
    typer.echo("\nmutations")
    typer.echo(f"  {'slot':<9} {'value':<32} {'previous':<24} {'date':<12} doc")
    for m in n.mutations:
        prev = "" if m.get("previous") is None else str(m["previous"])
        typer.echo(
            f"  {m['slot']:<9} {str(m['value'])[:32]:<32} {prev[:24]:<24} "
            f"{m.get('date') or '-':<12} {m['doc']}"
        )
    typer.echo("\nstances")
    for s in n.stances:
        ev = "; ".join(e["text"] for e in s.get("evidence", [])[:3])
        typer.echo(f"  {s['doc']}  {s['stance']:<10} {ev}")


@narratives_app.command("move")
@user_errors
def move_cmd(
    claim_id: Annotated[str, typer.Argument(help="The claim to move (its id in the export).")],
    narrative_id: NarrativeArg,
    reason: ReasonOption,
    db: DbOption = DEFAULT,
) -> None:
    """Move claim CLAIM_ID into narrative NARRATIVE_ID."""
    with _open(db) as store:
        target = _current(store, narrative_id)
        oid = store.add_override(
            "narrative",
            "move",
            {"claim": claim_id, "narrative": target.id, "anchors": list(target.claims)},
            reason,
        )
    typer.echo(f"override {oid}: move {claim_id} -> {narrative_id}")
    _later()


@narratives_app.command("merge")
@user_errors
def merge_cmd(
    a: Annotated[str, typer.Argument(help="The narrative that stays.")],
    b: Annotated[str, typer.Argument(help="The narrative merged into A.")],
    reason: ReasonOption,
    db: DbOption = DEFAULT,
) -> None:
    """Merge narrative B into narrative A (A's id is kept)."""
    with _open(db) as store:
        na, nb = _current(store, a), _current(store, b)
        oid = store.add_override(
            "narrative",
            "merge",
            {"narratives": [na.id, nb.id], "claims": {na.id: na.claims, nb.id: nb.claims}},
            reason,
        )
    typer.echo(f"override {oid}: merge {b} into {a}")
    _later()


@narratives_app.command("split")
@user_errors
def split_cmd(
    nid: NarrativeArg,
    reason: ReasonOption,
    claim: Annotated[list[str], typer.Option("--claim", help="A claim to split out (repeatable).")],
    db: DbOption = DEFAULT,
) -> None:
    """Split the given claims out of narrative ID into a new narrative."""
    from claimtrace.crossdoc.narrative_ids import narrative_id

    with _open(db) as store:
        n = _current(store, nid)
        missing = [c for c in claim if c not in n.claims]
        if missing:
            raise ClaimtraceError(E033, nid=f"{nid} (claims not in it: {', '.join(missing)})")
        new_id = narrative_id("split:" + "|".join(sorted(claim)))
        oid = store.add_override(
            "narrative", "split", {"narrative": n.id, "claims": list(claim), "new_id": new_id}, reason
        )
    typer.echo(f"override {oid}: split {len(claim)} claim(s) out of {nid} into {new_id}")
    _later()


@narratives_app.command("rate")
@user_errors
def rate_cmd(
    nid: NarrativeArg,
    rating: Annotated[
        str, typer.Option("--rating", help="Verdict (False, Mostly false, ... True; CLAIMTRACE_RATINGS).")
    ],
    note: Annotated[str | None, typer.Option("--note", help="Why.")] = None,
    db: DbOption = DEFAULT,
) -> None:
    """Record a verdict on narrative ID (exported as ClaimReview); one of CLAIMTRACE_RATINGS' list."""
    from claimtrace.cli.users import actor
    from claimtrace.ratings import canonical_rating, vocabulary

    allowed = vocabulary()
    verdict = canonical_rating(rating, allowed)
    if verdict is None:
        raise typer.BadParameter(f"choose one of: {', '.join(allowed)}", param_hint="--rating")
    with _open(db) as store:
        nid = _current(store, nid).id
        store.set_rating(nid, verdict, note, author=actor())
        store.add_audit(actor(), "narrative.rate", nid, {"rating": verdict, "note": note})
    typer.echo(f"rated {nid}: {verdict}")


@narratives_app.command("events")
@user_errors
def events_cmd(db: DbOption = DEFAULT) -> None:
    """Narrative events (create / merge / split / dissolved), oldest first."""
    with _open(db) as store:
        events = store.list_narrative_events()
    for e in events:
        p = e.get("payload") or {}
        src = ",".join(p.get("from", []))
        typer.echo(
            f"{e.get('created_at') or p.get('at') or '-'}\t{e['kind']}\t{p.get('narrative', '')}"
            + (f"\tfrom {src}" if src and e["kind"] != "dissolved" else "")
            + (f"\t{_ended(p)}" if e["kind"] == "dissolved" else "")
        )


def register(app: typer.Typer) -> None:
    """Add the ``narratives`` group to the main app."""
    app.add_typer(narratives_app, name="narratives")
