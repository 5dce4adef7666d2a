"""Who may use a database over HTTP, and what they changed: per-user tokens and the audit log.

A user has a name, a role (``read`` or ``write``) and a token. Only the token's SHA-256
digest is stored, so a copy of the database does not give away access; the token itself is
shown once, when it is made (``claimtrace users add``). Every write through the server (and
every change to the users) adds a row to ``audit_log``: who, when, what, on which target.
Both tables come from migration 5 in :mod:`claimtrace.store.schema`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from claimtrace.store.rows import dump, insert_sql, load, now

__all__ = ["ROLES", "AccessMixin", "new_token", "token_digest"]

#: The roles a user can have; ``write`` may also read.
ROLES = ("read", "write")


def new_token() -> str:
    """A fresh random access token (256 bits, URL-safe)."""
    return "ct_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The stored form of a token: its SHA-256 hex digest."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AccessMixin:
    """Users and the audit log over the SQL hooks of :class:`~claimtrace.store.sql.SQLStore`."""

    if TYPE_CHECKING:

        def _transaction(self) -> AbstractContextManager[None]: ...

        def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def add_user(self, name: str, role: str) -> str:
        """Create user ``name`` with ``role``; return the token (shown once). Raises KeyError if taken."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        token = new_token()
        with self._transaction():
            if self._execute("SELECT 1 FROM users WHERE name = ?", (name,)):
                raise KeyError(name)
            self._execute(
                insert_sql("users", "name, role, token_hash, created_at"),
                (name, role, token_digest(token), now()),
            )
        return token

    def reset_token(self, name: str) -> str:
        """Give user ``name`` a new token (the old one stops working); return it. KeyError if unknown."""
        token = new_token()
        with self._transaction():
            if not self._execute("SELECT 1 FROM users WHERE name = ?", (name,)):
                raise KeyError(name)
            self._execute("UPDATE users SET token_hash = ? WHERE name = ?", (token_digest(token), name))
        return token

    def remove_user(self, name: str) -> bool:
        """Delete user ``name``; False when there was none."""
        with self._transaction():
            found = bool(self._execute("SELECT 1 FROM users WHERE name = ?", (name,)))
            self._execute("DELETE FROM users WHERE name = ?", (name,))
        return found

    def list_users(self) -> list[dict[str, Any]]:
        """Every user (name, role, created_at), by name; tokens are never returned."""
        rows = self._execute("SELECT name, role, created_at FROM users ORDER BY name")
        return [{"name": r[0], "role": r[1], "created_at": r[2]} for r in rows]

    def has_users(self) -> bool:
        """Whether any user exists (the server then asks every request for a token)."""
        return bool(self._execute("SELECT 1 FROM users LIMIT 1"))

    def user_for_token(self, token: str) -> dict[str, Any] | None:
        """The user (name, role) holding ``token``, or None."""
        rows = self._execute("SELECT name, role FROM users WHERE token_hash = ?", (token_digest(token),))
        return {"name": rows[0][0], "role": rows[0][1]} if rows else None

    def add_audit(
        self,
        actor: str,
        action: str,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
        *,
        remote: str | None = None,
    ) -> None:
        """Record that ``actor`` did ``action`` to ``target`` (``detail``: what changed)."""
        with self._transaction():
            self._execute(
                insert_sql("audit_log", "at, actor, action, target, detail, remote"),
                (now(), actor, action, target, dump(detail or {}), remote),
            )

    def list_audit(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """The latest ``limit`` audit rows, newest first."""
        rows = self._execute(
            "SELECT id, at, actor, action, target, detail, remote FROM audit_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        keys = ("id", "at", "actor", "action", "target", "detail", "remote")
        return [dict(zip(keys, (*r[:5], load(r[5]), r[6]), strict=True)) for r in rows]
