"""The storage protocol every backend implements (SQLite, PostgreSQL).

Stages and interfaces talk to a :class:`Store` only; :func:`claimtrace.store.open_store`
picks the backend from a path or URL. Every write runs in one transaction, so a crash
never leaves half a batch behind.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, Literal

from claimtrace.model import DocAnalysis, Document, Entity, Narrative, ReuseLink, Story

OverrideScope = Literal["entity", "narrative"]
DocOrder = Literal["ingest", "source"]


class Store(ABC):
    """A claimtrace database: documents, analyses and everything derived from them."""

    #: the path or URL the store was opened from (for messages)
    url: str = ""

    # -- documents ---------------------------------------------------------------------------
    @abstractmethod
    def add_documents(self, docs: Iterable[Document]) -> tuple[int, int]:
        """Add documents in one transaction; return ``(added, skipped)``.

        A document whose id is already stored is skipped. A new document whose text equals
        a stored one (from another source) is added and linked to it by an ``exact`` reuse row.
        """

    @abstractmethod
    def get_document(self, doc_id: str) -> Document | None:
        """The document with this id, or None."""

    @abstractmethod
    def iter_documents(
        self, ids: Iterable[str] | None = None, *, order: DocOrder = "ingest"
    ) -> Iterator[Document]:
        """Stored documents (those in ``ids`` if given), in ingest order or by (source, id)."""

    @abstractmethod
    def count_documents(self) -> int:
        """How many documents are stored."""

    @abstractmethod
    def metadata_gaps(self) -> tuple[int, int, int]:
        """``(documents, without a date, without an outlet)`` over the stored documents."""

    @abstractmethod
    def document_ids(self) -> list[str]:
        """Every document id, in ingest order."""

    # -- per-document analyses ------------------------------------------------------------------
    @abstractmethod
    def save_analyses(self, analyses: list[DocAnalysis]) -> None:
        """Store (replace) the analyses of these documents and their flattened rows."""

    @abstractmethod
    def load_analyses(self, ids: Iterable[str] | None = None) -> Iterator[DocAnalysis]:
        """Stored analyses (those of ``ids`` if given), ordered by document id."""

    @abstractmethod
    def analysis_versions(self) -> dict[str, dict[str, str]]:
        """Document id -> the stage versions its stored analysis was made with."""

    # -- entities and overrides -------------------------------------------------------------------
    @abstractmethod
    def replace_entities(self, entities: list[Entity]) -> None:
        """Replace every corpus-level entity (and its mentions)."""

    @abstractmethod
    def load_entities(self) -> list[Entity]:
        """Every entity, ordered by id."""

    @abstractmethod
    def add_override(
        self, scope: OverrideScope, action: str, payload: dict[str, Any], reason: str | None
    ) -> int:
        """Record an analyst override (``scope`` "entity" or "narrative"); return its id."""

    @abstractmethod
    def list_overrides(self, scope: OverrideScope) -> list[dict[str, Any]]:
        """Overrides of ``scope`` in the order made.

        Each is a dict with id, scope, action, payload, reason, created_at.
        """

    # -- reuse, stories, narratives ------------------------------------------------------------------
    @abstractmethod
    def replace_reuse(self, links: list[ReuseLink]) -> None:
        """Replace the reuse links found by the cross-document stage (exact duplicates from ingest stay)."""

    @abstractmethod
    def load_reuse(self) -> list[ReuseLink]:
        """Every reuse link, ingest-time exact duplicates included."""

    @abstractmethod
    def save_boilerplate(self, spans: dict[str, list[tuple[int, int, str]]]) -> None:
        """Replace the boilerplate spans ``(start, end, reason)`` of these documents (empty: none)."""

    @abstractmethod
    def load_boilerplate(self) -> dict[str, list[tuple[int, int, str]]]:
        """Document id -> its boilerplate spans ``(start, end, reason)``, in text order."""

    @abstractmethod
    def replace_stories(self, stories: list[Story]) -> None:
        """Replace every story."""

    @abstractmethod
    def load_stories(self) -> list[Story]:
        """Every story, ordered by id."""

    @abstractmethod
    def save_narratives(self, narratives: list[Narrative], *, replace: bool = True) -> None:
        """Store narratives: the full set when ``replace`` (others are dropped), else upsert these."""

    @abstractmethod
    def load_narratives(self) -> list[Narrative]:
        """Every narrative, ordered by id."""

    @abstractmethod
    def add_narrative_event(self, kind: str, payload: dict[str, Any]) -> int:
        """Log a narrative event (create / merge / split ...); return its id."""

    @abstractmethod
    def list_narrative_events(self) -> list[dict[str, Any]]:
        """Narrative events in order: dicts with id, kind, payload, created_at."""

    @abstractmethod
    def set_rating(
        self, narrative_id: str, rating: str, note: str | None, *, author: str | None = None
    ) -> None:
        """Record an analyst's verdict on a narrative (history is kept; the latest counts)."""

    @abstractmethod
    def load_ratings(self) -> dict[str, dict[str, Any]]:
        """Narrative id -> its latest rating: dict with rating, note, author, created_at.

        Resolved through merge and dissolve events (``store/lineage.py``): a narrative without a
        rating of its own carries the latest rating of the ids merged into it (``inherited_from``);
        a rating whose id leads to no narrative stays under its id with ``orphan`` and ``ended_by``.
        """

    @abstractmethod
    def resolve_narrative(self, narrative_id: str) -> tuple[str | None, list[dict[str, Any]]]:
        """The narrative id ``narrative_id`` leads to now (itself when it exists; None when it
        dissolved or is unknown) and the merge / dissolve events followed, oldest first."""

    @abstractmethod
    def add_reference_claims(self, claims: list[dict[str, Any]]) -> int:
        """Store imported fact-checks (identical dicts are stored once); return how many were new."""

    @abstractmethod
    def load_reference_claims(self) -> list[dict[str, Any]]:
        """Imported fact-checks in import order, as given."""

    @abstractmethod
    def upsert_reference_claims(self, claims: list[dict[str, Any]]) -> tuple[int, int]:
        """Store fact-checks by their ``id`` (a changed one is updated in place); return (new, updated)."""

    # -- search and state --------------------------------------------------------------------
    @abstractmethod
    def search_text(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search: dicts with doc_id, title, snippet, score (higher is better), best first."""

    @abstractmethod
    def get_state(self, key: str) -> Any:
        """A learned cross-document state value (JSON), or None."""

    @abstractmethod
    def set_state(self, key: str, value: Any) -> None:
        """Store a learned cross-document state value (JSON-serialisable)."""

    # -- users and audit (store/access.py) -------------------------------------------------------
    @abstractmethod
    def add_user(self, name: str, role: str) -> str:
        """Create a user with role "read" or "write"; return its token (only its digest is stored)."""

    @abstractmethod
    def reset_token(self, name: str) -> str:
        """Give a user a new token and return it (the old one stops working)."""

    @abstractmethod
    def remove_user(self, name: str) -> bool:
        """Delete a user; False when there was none."""

    @abstractmethod
    def list_users(self) -> list[dict[str, Any]]:
        """Every user: dicts with name, role, created_at (never the token)."""

    @abstractmethod
    def has_users(self) -> bool:
        """Whether any user exists."""

    @abstractmethod
    def user_for_token(self, token: str) -> dict[str, Any] | None:
        """The user (name, role) a token belongs to, or None."""

    @abstractmethod
    def add_audit(
        self,
        actor: str,
        action: str,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
        *,
        remote: str | None = None,
    ) -> None:
        """Record a write: who (``actor``), what (``action``, ``detail``), on what (``target``)."""

    @abstractmethod
    def list_audit(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """The latest audit rows, newest first."""

    # -- lifecycle ---------------------------------------------------------------------------
    @abstractmethod
    def applied_migrations(self) -> list[tuple[int, str]]:
        """The recorded migrations ``(id, name)``, in order."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
