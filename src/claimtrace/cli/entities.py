"""``claimtrace entities``: list and inspect corpus entities; record analyst corrections.

Corrections (merge, split, rename) are stored as overrides and applied by the linker in the
order they were made, every time entities are linked; this command re-links at once when the
stored analyses are at hand, otherwise ``claimtrace analyze`` applies them.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from claimtrace.cli.common import DEFAULT, DbOption, err, user_errors
from claimtrace.errors import E032, ClaimtraceError
from claimtrace.model import Entity

__all__ = ["entities_app", "register"]

entities_app = typer.Typer(
    name="entities",
    help="Entities across the corpus: list, show, and correct them (merge, split, rename).",
    no_args_is_help=True,
)

ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept with the correction).")]


def _open(db: str) -> Any:
    from claimtrace.store import open_store

    return open_store(db, create=False)


def _find(entities: list[Entity], ref: str) -> Entity:
    from claimtrace.nlp.linking import resolve_entity

    e = resolve_entity(entities, ref)
    if e is None:
        raise ClaimtraceError(E032, name=ref)
    return e


def _relink(store: Any) -> str:
    """Link entities again from the stored analyses with every override; a line saying what happened."""
    from claimtrace.nlp.linking import apply_overrides, link_entities

    overrides = store.list_overrides("entity")
    analyses = list(store.load_analyses())
    if not analyses:
        return "saved; run 'claimtrace analyze' to apply it"
    entities = link_entities(analyses, overrides=[])
    problems = apply_overrides(entities, overrides)
    store.replace_entities(entities)
    for p in problems:
        err(f"warning: {p}")
    return f"applied: {len(entities)} entities"


@entities_app.command("list")
@user_errors
def list_entities(
    db: DbOption = DEFAULT,
    type_: Annotated[str | None, typer.Option("--type", help="Only PERSON, ORG, GPE, LOC or OTHER.")] = None,
    limit: Annotated[int, typer.Option(min=0, help="Show at most this many (0: all).")] = 50,
) -> None:
    """Entities by number of mentions: id, type, mentions, documents, name."""
    with _open(db) as store:
        ents = store.load_entities()
    if type_:
        ents = [e for e in ents if e.type == type_.upper()]
    ents.sort(key=lambda e: (-len(e.mentions), e.name))
    for e in ents[: limit or None]:
        docs = len({m["doc"] for m in e.mentions})
        typer.echo(f"{e.id}\t{e.type}\t{len(e.mentions)}\t{docs}\t{e.name}")
    typer.echo(f"{min(len(ents), limit or len(ents))} of {len(ents)} entities", err=True)


@entities_app.command("show")
@user_errors
def show(
    name: Annotated[str, typer.Argument(help="Entity id, key, name or alias.")],
    db: DbOption = DEFAULT,
) -> None:
    """One entity: name, type, aliases and where it is mentioned."""
    with _open(db) as store:
        e = _find(store.load_entities(), name)
    typer.echo(f"{e.name}  [{e.type}]  id {e.id}  key {e.key}")
    if e.aliases:
        typer.echo("aliases: " + "; ".join(e.aliases))
    typer.echo(f"{len(e.mentions)} mentions in {len({m['doc'] for m in e.mentions})} documents")
    for m in e.mentions[:50]:
        typer.echo(f"  {m['doc']}\t{m['start']}-{m['end']}\t{m['text']}")


@entities_app.command("merge")
@user_errors
def merge(
    a: Annotated[str, typer.Argument(help="The entity to keep (id, key, name or alias).")],
    b: Annotated[str, typer.Argument(help="The entity merged into A.")],
    reason: ReasonOption = "",
    db: DbOption = DEFAULT,
) -> None:
    """Merge B into A: B's mentions and names become A's."""
    with _open(db) as store:
        ents = store.load_entities()
        ea, eb = _find(ents, a), _find(ents, b)
        oid = store.add_override("entity", "merge", {"a": ea.id, "b": eb.id}, reason or None)
        typer.echo(f"override {oid}: merge {eb.name!r} into {ea.name!r}; " + _relink(store))


@entities_app.command("split")
@user_errors
def split(
    a: Annotated[str, typer.Argument(help="The entity to split.")],
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Surface form to move out (repeatable).")
    ] = None,
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="Document id whose mentions move out.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Name of the new entity.")] = None,
    reason: ReasonOption = "",
    db: DbOption = DEFAULT,
) -> None:
    """Move the mentions with the given surface forms (or in the given documents) into a new entity."""
    if not alias and not doc:
        raise typer.BadParameter("give --alias or --doc")
    with _open(db) as store:
        ea = _find(store.load_entities(), a)
        payload: dict[str, Any] = {"entity": ea.id, "aliases": list(alias or []), "docs": list(doc or [])}
        if name:
            payload["name"] = name
        oid = store.add_override("entity", "split", payload, reason or None)
        typer.echo(
            f"override {oid}: split {', '.join(alias or doc or [])} out of {ea.name!r}; " + _relink(store)
        )


@entities_app.command("rename")
@user_errors
def rename(
    a: Annotated[str, typer.Argument(help="The entity to rename.")],
    new: Annotated[str, typer.Argument(help="Its new canonical name.")],
    reason: ReasonOption = "",
    db: DbOption = DEFAULT,
) -> None:
    """Give an entity a new canonical name (the old one stays an alias)."""
    with _open(db) as store:
        ea = _find(store.load_entities(), a)
        oid = store.add_override("entity", "rename", {"entity": ea.id, "name": new}, reason or None)
        typer.echo(f"override {oid}: rename {ea.name!r} to {new!r}; " + _relink(store))


@entities_app.command("overrides")
@user_errors
def overrides(db: DbOption = DEFAULT) -> None:
    """Every entity correction, oldest first."""
    with _open(db) as store:
        rows = store.list_overrides("entity")
    for o in rows:
        when, reason = o.get("created_at") or "", o.get("reason") or ""
        typer.echo(f"{o['id']}\t{when}\t{o['action']}\t{o.get('payload')}\t{reason}")
    typer.echo(f"{len(rows)} overrides", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``entities`` command group to the main app."""
    app.add_typer(entities_app, name="entities")
