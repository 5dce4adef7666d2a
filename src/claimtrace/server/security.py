"""What keeps a server safe: JSON-only writes, strict headers, a Host check, a body size limit.

Writes accept ``application/json`` only, so a web page elsewhere cannot post a form to the
server (a cross-site JSON post needs a CORS preflight, which this server never grants).
Every response forbids framing and content sniffing; HTML also gets a Content-Security-Policy
that allows scripts, styles and requests to this server only.

:class:`HostGuard` answers only requests whose ``Host`` names this server (a guard against
DNS rebinding), IPv6 literals included; :func:`allowed_hosts_for` lists those names for a
binding. :class:`BodyLimit` refuses request bodies over a size (413) before they are read
into memory, whether announced by ``Content-Length`` or streamed in chunks. Both are plain
ASGI middleware because they must act before FastAPI reads the request.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import HTTPException, Request

__all__ = [
    "CSP",
    "LOOPBACK_HOSTS",
    "MAX_BODY",
    "BodyLimit",
    "HostGuard",
    "SecurityHeaders",
    "allowed_hosts_for",
    "is_loopback",
    "require_json",
]

#: Largest request body accepted by default (bytes); every write this API takes is far smaller.
MAX_BODY = 64 * 1024

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
#: Host names a server bound to a loopback address answers to (DNS-rebinding guard).
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]
_WILDCARDS = ("", "0.0.0.0", "::", "[::]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or name."""
    return host in ("localhost", "::1", "[::1]") or host.startswith("127.")


def _bare(host: str) -> str:
    """A host name or address without brackets or trailing dot, lower case."""
    return host.strip().strip("[]").rstrip(".").lower()


def allowed_hosts_for(bind: str, extra: Iterable[str] = ()) -> list[str] | None:
    """The ``Host`` names a server bound to ``bind`` answers to; None (any) only if ``extra`` has ``*``.

    Loopback names always; for another address, that address plus this machine's name,
    its fully qualified name and the addresses they resolve to (for ``0.0.0.0``/``::``);
    ``extra`` adds names a proxy or DNS gives the server (``--allowed-host``).
    """
    extra = [_bare(h) for h in extra]
    if "*" in extra:
        return None
    names = [*LOOPBACK_HOSTS, _bare(bind), *extra]
    if not is_loopback(bind):
        host = socket.gethostname()
        names += [host, socket.getfqdn()]
        if _bare(bind) in _WILDCARDS:
            with contextlib.suppress(OSError):
                names += [str(info[4][0]) for info in socket.getaddrinfo(host, None)]
    return [n for n in dict.fromkeys(_bare(n) for n in names) if n and n not in _WILDCARDS]


def host_of(header: str) -> str:
    """The host part of a ``Host`` header: ``[::1]:8765`` -> ``::1``, ``a.example:80`` -> ``a.example``."""
    header = header.strip()
    if header.startswith("["):
        return _bare(header[: header.find("]") + 1] if "]" in header else header)
    return _bare(header.rsplit(":", 1)[0] if header.count(":") == 1 else header)


Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]


async def _json_error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class HostGuard:
    """ASGI middleware: 400 for a request whose Host header is not in ``allowed`` (None: any)."""

    def __init__(self, app: ASGIApp, *, allowed: list[str] | None) -> None:
        self.app = app
        self.allowed = None if allowed is None else {_bare(h) for h in allowed}

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if self.allowed is not None and scope["type"] in ("http", "websocket"):
            header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if host_of(header) not in self.allowed:
                await _json_error(send, 400, "this server does not answer to that Host (see --allowed-host)")
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``max_bytes``, announced or streamed.

    A body is read here first (never more than ``max_bytes`` plus one chunk), then handed on
    whole, so an oversized one is refused before the application sees it.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        message = f"request body too large (the limit is {self.max_bytes} bytes)"
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.strip().isdigit() or int(length) > self.max_bytes):
            await _json_error(send, 413, message)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            msg = await receive()
            if msg["type"] != "http.request":  # the client went away
                return
            chunk = msg.get("body") or b""
            size += len(chunk)
            if size > self.max_bytes:
                await _json_error(send, 413, message)
                return
            chunks.append(chunk)
            if not msg.get("more_body"):
                break
        pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay() -> dict[str, Any]:
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)


async def require_json(request: Request) -> None:
    """A dependency: reject a request body that is not ``application/json`` (415)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise HTTPException(status_code=415, detail="send the body as JSON (Content-Type: application/json)")


class SecurityHeaders:
    """ASGI middleware adding the headers above to every response (plain ASGI: no per-request task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                have = {k.lower() for k, _ in headers}
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                wanted = list(_HEADERS)
                if ctype.startswith(b"text/html"):
                    wanted.append((b"content-security-policy", CSP.encode()))
                headers += [(k, v) for k, v in wanted if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
