"""The OpenAPI document lists every status code an operation can answer, with the error shape.

FastAPI documents 200 and 422 only. Every route here can also answer 400 (wrong Host),
401/403 (tokens and roles), 404 (unknown id or path) and 503 (a missing extra); routes that
take a body add 413 (too large) and 415 (not JSON); search and matching add 409 (nothing
analysed yet). :func:`document_errors` adds those to the generated document once.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

__all__ = ["ERRORS", "document_errors"]

#: Status code -> what it means, for every error this API answers.
ERRORS: dict[int, str] = {
    400: "Bad request (a Host name this server does not answer to, or a request it cannot use)",
    401: "An access token is needed, or the one sent is unknown",
    403: "The token's user may read but not write",
    404: "No such item or path",
    409: "Nothing analysed yet: run 'claimtrace analyze' first",
    413: "The request body is larger than the server accepts",
    415: "The body is not JSON (send Content-Type: application/json)",
    422: "A parameter or the body is not valid (the input is not repeated back)",
    503: "A feature needs an optional extra that is not installed",
}
_ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"error": {"type": "string"}, "detail": {"type": "array", "items": {"type": "object"}}},
    "required": ["error"],
}


def _codes(path: str, op: dict[str, Any]) -> list[int]:
    codes = [400, 401, 403, 404, 422, 503]
    if "requestBody" in op:
        codes += [413, 415]
    if path in ("/api/search", "/api/match"):
        codes.append(409)
    return sorted(codes)


def document_errors(app: FastAPI, *, ratings: list[str] | None = None) -> None:
    """Make ``app.openapi()`` list every error status per operation, and the bearer scheme.

    ``ratings``: the server's rating vocabulary, listed as the ``enum`` of a rating's value
    (the server also accepts them in any case and spacing).
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        components = doc.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas["Error"] = _ERROR_SCHEMA
        rating = schemas.get("RatingIn", {}).get("properties", {}).get("rating")
        if ratings and rating is not None:
            rating["enum"] = list(ratings)
        components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, ops in doc.get("paths", {}).items():
            for op in ops.values():
                responses = op.setdefault("responses", {})
                for code in _codes(path, op):
                    responses[str(code)] = {"description": ERRORS[code], "content": ref}
                if path.startswith("/api"):
                    op["security"] = [{"bearer": []}, {}]  # a token, or none on an open server
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
