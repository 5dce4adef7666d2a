"""``claimtrace serve``: the HTTP API and dashboard over one database (needs the ``server`` extra)."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrace.cli.common import DEFAULT, DbOption, err, user_errors
from claimtrace.errors import require

__all__ = ["register", "serve_command"]


@user_errors
def serve_command(
    db: DbOption = DEFAULT,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (keep 127.0.0.1 unless you mean it).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
) -> None:
    """Serve the JSON API (/api) and the dashboard (/) for a database."""
    require("fastapi", "server", "the HTTP API")
    uvicorn = require("uvicorn", "server", "the HTTP server")
    from claimtrace.server.app import create_app
    from claimtrace.server.security import LOOPBACK_HOSTS, is_loopback

    loopback = is_loopback(host)
    # a DNS-rebinding guard: on 127.x answer only to loopback host names
    allowed = LOOPBACK_HOSTS if loopback and ":" not in host else None
    app = create_app(db, allowed_hosts=allowed)
    if not loopback:
        err(
            f"warning: listening on {host}: anyone who can reach this address "
            "can read the database and rate narratives"
        )
    shown = f"[{host}]" if ":" in host else host
    err(f"claimtrace: serving {db} at http://{shown}:{port}/ (API at /api; Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")  # type: ignore[attr-defined]


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``claimtrace`` app."""
    app.command("serve")(serve_command)
