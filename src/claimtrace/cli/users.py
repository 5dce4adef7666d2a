"""``claimtrace users``: who may use ``claimtrace serve``, with which role, and what they changed.

Each user gets a random token, printed once (the database keeps only its SHA-256 digest).
Once a database has a user, its server asks every API request for a token
(``Authorization: Bearer TOKEN``); ``read`` users may browse and search, ``write`` users
may also rate narratives. Changes to users and every write through the server are kept in
the audit log (``claimtrace users audit``).
"""

from __future__ import annotations

import getpass
import json
from typing import Annotated, Any

import typer

from claimtrace.cli.common import DEFAULT, DbOption, user_errors
from claimtrace.errors import E081, E082, ClaimtraceError

__all__ = ["actor", "register", "users_app"]

users_app = typer.Typer(
    name="users",
    help="Users of the HTTP server: add (prints a token), list, token (a new one), remove, audit.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="User name (letters, digits, . _ - @).")]


def _open(db: str) -> Any:
    from claimtrace.store import open_store

    return open_store(db, create=False)


def actor() -> str:
    """Who runs this command, for the audit log: ``cli:<login name>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _check_name(name: str) -> str:
    ok = name and len(name) <= 64 and all(ch.isalnum() or ch in "._-@" for ch in name)
    if not ok:
        raise typer.BadParameter("use 1-64 letters, digits or . _ - @")
    return name


@users_app.command("add")
@user_errors
def add_cmd(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ - @).", callback=_check_name)],
    role: Annotated[str, typer.Option("--role", help="read (browse, search) or write (also rate).")] = "read",
    db: DbOption = DEFAULT,
) -> None:
    """Add a user and print its token (shown only this once)."""
    from claimtrace.store.access import ROLES

    if role not in ROLES:
        raise typer.BadParameter(f"choose one of: {', '.join(ROLES)}", param_hint="--role")
    with _open(db) as store:
        try:
            token = store.add_user(name, role)
        except KeyError:
            raise ClaimtraceError(E081, name=name) from None
        store.add_audit(actor(), "users.add", name, {"role": role})
    typer.echo(token)


@users_app.command("token")
@user_errors
def token_cmd(name: NameArg, db: DbOption = DEFAULT) -> None:
    """Give a user a new token and print it (the old one stops working)."""
    with _open(db) as store:
        try:
            token = store.reset_token(name)
        except KeyError:
            raise ClaimtraceError(E082, name=name) from None
        store.add_audit(actor(), "users.token", name, {})
    typer.echo(token)


@users_app.command("remove")
@user_errors
def remove_cmd(name: NameArg, db: DbOption = DEFAULT) -> None:
    """Remove a user (its token stops working at once)."""
    with _open(db) as store:
        if not store.remove_user(name):
            raise ClaimtraceError(E082, name=name)
        store.add_audit(actor(), "users.remove", name, {})
    typer.echo(f"removed {name}")


@users_app.command("list")
@user_errors
def list_cmd(db: DbOption = DEFAULT) -> None:
    """List users: name, role, when added."""
    with _open(db) as store:
        for user in store.list_users():
            typer.echo(f"{user['name']}\t{user['role']}\t{user['created_at']}")


@users_app.command("audit")
@user_errors
def audit_cmd(
    db: DbOption = DEFAULT,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many entries, newest first.")] = 50,
) -> None:
    """The audit log: when, who, what, on which item, and from where."""
    with _open(db) as store:
        for row in store.list_audit(limit=limit):
            detail = json.dumps(row["detail"], ensure_ascii=False) if row["detail"] else ""
            where = f"\tfrom {row['remote']}" if row["remote"] else ""
            target = row["target"] or ""
            typer.echo(f"{row['at']}\t{row['actor']}\t{row['action']}\t{target}\t{detail}{where}")


def register(app: typer.Typer) -> None:
    """Add the ``users`` group to the main app."""
    app.add_typer(users_app, name="users")
