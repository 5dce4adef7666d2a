"""What keeps a local server local: JSON-only writes, strict headers, loopback host names.

Writes accept ``application/json`` only, so a web page elsewhere cannot post a form to the
server (a cross-site JSON post needs a CORS preflight, which this server never grants).
Every response forbids framing and content sniffing; HTML also gets a Content-Security-Policy
that allows scripts, styles and requests to this server only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request, Response

__all__ = ["CSP", "LOOPBACK_HOSTS", "is_loopback", "require_json", "security_headers"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
#: Host names a server bound to a loopback address answers to (DNS-rebinding guard).
LOOPBACK_HOSTS = ["127.0.0.1", "localhost"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or name."""
    return host in ("localhost", "::1", "[::1]") or host.startswith("127.")


async def require_json(request: Request) -> None:
    """A dependency: reject a request body that is not ``application/json`` (415)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise HTTPException(status_code=415, detail="send the body as JSON (Content-Type: application/json)")


async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """HTTP middleware adding the headers above to every response."""
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response
