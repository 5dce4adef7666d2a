"""``claimtrace serve``: the HTTP API and dashboard over one database (needs the ``server`` extra).

On a loopback address (the default) the server is open to the local analyst, as before.
On any other address it needs access tokens: the shared ``CLAIMTRACE_TOKEN`` (read from the
environment, so it never shows in a process list) or per-user tokens made with
``claimtrace users add``; without either it refuses to start. The Host check holds on every
binding (``--allowed-host`` adds names a proxy or DNS gives the server), request bodies are
capped (``--max-body``) and ratings come from a fixed vocabulary (``--ratings``).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from claimtrace.cli.common import DEFAULT, DbOption, err, user_errors
from claimtrace.errors import E080, ClaimtraceError, require

__all__ = ["register", "serve_command"]


@user_errors
def serve_command(
    db: DbOption = DEFAULT,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (other than loopback, tokens are required).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="Another Host name clients use to reach the server (repeatable; '*' turns the check off).",
        ),
    ] = None,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1024, help="Largest request body accepted, in bytes.")
    ] = 64 * 1024,
    ratings: Annotated[
        str | None,
        typer.Option(
            "--ratings",
            envvar="CLAIMTRACE_RATINGS",
            help="The ratings analysts may give, comma-separated (default: the ClaimReview scale, "
            "False ... True).",
        ),
    ] = None,
) -> None:
    """Serve the JSON API (/api) and the dashboard (/) for a database."""
    require("fastapi", "server", "the HTTP API")
    uvicorn = require("uvicorn", "server", "the HTTP server")
    # one encoder thread per request: concurrent requests are the parallelism (docs/benchmarks.md)
    os.environ.setdefault("CLAIMTRACE_THREADS", "1")
    from claimtrace.server.app import create_app
    from claimtrace.server.security import allowed_hosts_for, is_loopback
    from claimtrace.store import open_store

    token = os.environ.get("CLAIMTRACE_TOKEN") or None
    loopback = is_loopback(host.strip("[]"))
    if not loopback and token is None:
        with open_store(db, create=False) as store:
            if not store.has_users():
                raise ClaimtraceError(E080, host=host, db=db)
    from claimtrace.ratings import vocabulary

    app = create_app(
        db,
        allowed_hosts=allowed_hosts_for(host.strip("[]"), allowed_host or []),
        token=token,
        require_token=not loopback,
        max_body=max_body,
        ratings=vocabulary(ratings),
    )
    if app.state.access.required:
        err("claimtrace: every API request needs 'Authorization: Bearer TOKEN'")
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    err(f"claimtrace: serving {db} at http://{shown}:{port}/ (API at /api; Ctrl-C to stop)")
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning")  # type: ignore[attr-defined]


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``claimtrace`` app."""
    app.command("serve")(serve_command)
