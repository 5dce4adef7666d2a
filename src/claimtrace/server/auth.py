"""Who may call the API: open on loopback, bearer tokens (shared or per user) everywhere else.

:class:`Access` decides per request. With no shared token and no users in the database
every caller is the local analyst (``local``, role ``write``), which is today's loopback
default. Once a shared token is set (``CLAIMTRACE_TOKEN``) or the database has users
(``claimtrace users add``), every ``/api`` request needs ``Authorization: Bearer TOKEN``:
the shared token acts as user ``token`` with role ``write``; a user's token carries that
user's role. ``read`` may call every GET; writes need ``write``. Missing or wrong tokens get
401, a reader who writes gets 403.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import HTTPException, Request

from claimtrace.store.base import Store

__all__ = ["Access", "Principal"]

LOCAL = "local"


@dataclass(frozen=True)
class Principal:
    """The caller of a request: a user name and a role ("read" or "write")."""

    name: str
    role: str

    @property
    def can_write(self) -> bool:
        """Whether this caller may change the database."""
        return self.role == "write"


class Access:
    """The access policy of one server: open, or tokens required."""

    def __init__(self, store: Store, *, token: str | None = None, required: bool = False) -> None:
        self.store = store
        self.token = token or None
        self.always = required or self.token is not None

    @property
    def required(self) -> bool:
        """Whether requests need a token now (users added while the server runs count at once)."""
        return self.always or self.store.has_users()

    def identify(self, request: Request) -> Principal:
        """The caller, or 401 when a token is needed and missing or unknown."""
        if not self.required:
            return Principal(LOCAL, "write")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        given = given.strip()
        if scheme.lower() != "bearer" or not given:
            raise _unauthorized("this server needs an access token: send 'Authorization: Bearer TOKEN'")
        if self.token is not None and hmac.compare_digest(given.encode(), self.token.encode()):
            return Principal("token", "write")
        user = self.store.user_for_token(given)
        if user is None:
            raise _unauthorized("unknown or revoked access token")
        return Principal(str(user["name"]), str(user["role"]))

    def reader(self, request: Request) -> Principal:
        """Dependency for every API route: the caller (kept on ``request.state.principal``).

        Not ``async``: it reads the store, whose lock a request thread may hold, and the event
        loop must never wait for that (every connection would stall behind one slow query).
        """
        principal = self.identify(request)
        request.state.principal = principal
        return principal

    def writer(self, request: Request) -> Principal:
        """Dependency for writes: the caller, who must hold the ``write`` role (else 403)."""
        principal = self.reader(request)
        if not principal.can_write:
            raise HTTPException(status_code=403, detail=f"user {principal.name!r} may read but not write")
        return principal


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status_code=401, detail=message, headers={"WWW-Authenticate": "Bearer"})
