"""The HTTP API and dashboard: :func:`create_app` builds a FastAPI app over one database.

The JSON API lives under ``/api`` (``GET /api`` lists it); the dashboard at ``/`` is one
static page whose script reads that API, so every screen has its JSON twin. Nothing is
loaded from the network: the Swagger/ReDoc pages (which pull from a CDN) are off, and
``/openapi.json`` stays for tools; it lists every status code an operation can answer.

Every ``/api`` route goes through :class:`~claimtrace.server.auth.Access` (open, or bearer
tokens); writes need the ``write`` role and are recorded in the audit log. No GET changes
anything. Errors are ``{"error": "one line"}`` and never repeat the request's input.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimtrace import __version__
from claimtrace.errors import E070, ClaimtraceError, MissingExtra
from claimtrace.ratings import vocabulary
from claimtrace.server.auth import Access
from claimtrace.server.catalog import CACHE_S, Catalog, display_db
from claimtrace.server.openapi import document_errors
from claimtrace.server.routes_corpus import corpus_router
from claimtrace.server.routes_narratives import narratives_router
from claimtrace.server.routes_search import EncodeFn, search_router
from claimtrace.server.security import MAX_BODY, BodyLimit, HostGuard, SecurityHeaders
from claimtrace.store import open_store

__all__ = ["STATIC", "create_app"]

#: The dashboard's files (package data).
STATIC = Path(str(resources.files("claimtrace.server") / "static"))


def _validation_message(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path"))
        parts.append(f"{loc or 'request'}: {e.get('msg', 'invalid')}")
    return "bad request: " + "; ".join(parts)


def _install_error_handlers(app: FastAPI) -> None:
    """Every error answers ``{"error": "one line"}`` (validation errors add ``detail``)."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"not found: {request.url.path} (see /api for the endpoints)"
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # where and why only: the input itself (which may be megabytes) is never sent back
        errors = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"error": _validation_message(errors), "detail": errors}, status_code=422)

    @app.exception_handler(ClaimtraceError)
    async def user_error(request: Request, exc: ClaimtraceError) -> JSONResponse:
        status = 503 if isinstance(exc, MissingExtra) else 409 if exc.template == E070 else 400
        return JSONResponse({"error": str(exc)}, status_code=status)


def _endpoints(app: FastAPI) -> list[dict[str, Any]]:
    """``{"path", "method", "summary"}`` for every API operation, from the OpenAPI schema."""
    out = []
    for path, ops in app.openapi().get("paths", {}).items():
        for method, op in ops.items():
            text = (op.get("description") or op.get("summary") or "").strip().splitlines()
            out.append({"path": path, "method": method.upper(), "summary": text[0] if text else ""})
    return out


def create_app(
    db: str,
    *,
    cache_s: float = CACHE_S,
    allowed_hosts: list[str] | None = None,
    encode: EncodeFn | None = None,
    token: str | None = None,
    require_token: bool = False,
    max_body: int = MAX_BODY,
    ratings: list[str] | None = None,
) -> FastAPI:
    """The claimtrace API and dashboard over the database at ``db`` (a path or URL; it must exist).

    ``cache_s``: seconds derived views are reused between requests (0: read the store on
    every request). ``allowed_hosts``: Host header values to answer (a guard against DNS
    rebinding; see :func:`~claimtrace.server.security.allowed_hosts_for`); None answers any.
    ``encode`` replaces the MiniLM sentence encoder used by search and matching (for tests).
    ``token``: a shared bearer token (role write); tokens are also required when
    ``require_token`` or when the database has users. ``max_body``: the largest request body
    in bytes. ``ratings``: the verdicts analysts may give (default: :func:`claimtrace.ratings.vocabulary`).
    """
    store = open_store(db, create=False)
    verdicts = vocabulary(ratings)
    catalog = Catalog(store, db, cache_s=cache_s)
    access = Access(store, token=token, required=require_token)
    reader = [Depends(access.reader)]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="claimtrace",
        version=__version__,
        summary="Documents, claims, entities, reuse, stories and narratives of one claimtrace database.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.catalog = catalog
    app.state.access = access
    app.add_middleware(SecurityHeaders)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit, max_bytes=max_body)  # type: ignore[arg-type]
    app.add_middleware(HostGuard, allowed=allowed_hosts)  # type: ignore[arg-type]  # outermost
    _install_error_handlers(app)
    app.include_router(corpus_router(catalog), dependencies=reader)
    app.include_router(
        narratives_router(catalog, access=access, ratings=verdicts),
        dependencies=reader,
    )
    app.include_router(search_router(catalog, encode=encode), dependencies=reader)

    @app.get("/api", tags=["meta"], dependencies=reader)
    def api_index() -> dict[str, Any]:
        """The endpoints of this API."""
        return {
            "name": "claimtrace",
            "version": __version__,
            "db": display_db(db),
            "endpoints": _endpoints(app),
        }

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def dashboard() -> FileResponse:
        """The dashboard page (its script reads the API)."""
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    document_errors(app, ratings=verdicts)
    return app
