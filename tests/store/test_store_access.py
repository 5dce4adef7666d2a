"""Users (token digests and roles) and the audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from claimtrace.store.access import token_digest
from claimtrace.store.base import Store


def test_users_and_tokens(store: Store) -> None:
    assert not store.has_users()
    token = store.add_user("ana", "write")
    reader = store.add_user("ben", "read")
    assert store.has_users() and token != reader and token.startswith("ct_")
    assert store.user_for_token(token) == {"name": "ana", "role": "write"}
    assert store.user_for_token(reader) == {"name": "ben", "role": "read"}
    assert store.user_for_token("ct_guess") is None
    assert [u["name"] for u in store.list_users()] == ["ana", "ben"]
    assert all("token" not in k for u in store.list_users() for k in u)
    stored = [r[0] for r in store._execute("SELECT token_hash FROM users")]  # type: ignore[attr-defined]
    assert token not in stored and token_digest(token) in stored  # only the digest is kept
    with pytest.raises(KeyError):
        store.add_user("ana", "read")
    with pytest.raises(ValueError):
        store.add_user("cy", "admin")
    fresh = store.reset_token("ana")
    assert store.user_for_token(token) is None and store.user_for_token(fresh)["name"] == "ana"  # type: ignore[index]
    assert store.remove_user("ben") and not store.remove_user("ben")
    assert store.user_for_token(reader) is None


def test_audit_log(store: Store) -> None:
    store.add_audit("ana", "rate", "n-1", {"rating": "False"}, remote="10.0.0.5")
    store.add_audit("cli:root", "users.add", "ben", {"role": "read"})
    rows = store.list_audit()
    assert [r["action"] for r in rows] == ["users.add", "rate"]  # newest first
    assert rows[1]["actor"] == "ana" and rows[1]["detail"] == {"rating": "False"}
    assert rows[1]["remote"] == "10.0.0.5" and rows[1]["at"]
    assert len(store.list_audit(limit=1)) == 1
