"""What every command shares: the ``--db`` option, error handling, stderr output."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from claimtrace.api import DEFAULT_DB
from claimtrace.errors import ClaimtraceError, explain_os_error

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="CLAIMTRACE_DB",
        help="Database: a path, sqlite:///x.db or postgresql://... (env CLAIMTRACE_DB).",
        show_default=True,
    ),
]
DEFAULT = DEFAULT_DB


def err(message: str) -> None:
    """Print one line to stderr."""
    typer.echo(message, err=True)


def user_errors(func: F) -> F:
    """Turn a :class:`ClaimtraceError`, a full disk or a refused permission into one line and exit 1."""
    import sqlite3

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ClaimtraceError as exc:
            err(f"error: {exc}")
            raise typer.Exit(1) from exc
        except (OSError, sqlite3.OperationalError) as exc:
            known = explain_os_error(exc, db=kwargs.get("db"))
            if known is None:
                raise
            err(f"error: {known}")
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]
