"""The SQL both backends share: every :class:`~claimtrace.store.base.Store` method but search.

Backends supply a connection, a transaction context, statement execution and full-text
search; SQL here is written once with ``?`` placeholders and ``INSERT ... ON CONFLICT``,
which SQLite (3.35+) and PostgreSQL both understand.
"""

from __future__ import annotations

import hashlib
import json
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from claimtrace.model import DocAnalysis, Document, Entity, Narrative, ReuseLink, Story
from claimtrace.store.access import AccessMixin
from claimtrace.store.base import DocOrder, OverrideScope, Store
from claimtrace.store.lineage import Resolution, resolve, resolve_ratings, successors
from claimtrace.store.rows import (
    DOC_COLS,
    PAGE,
    chunks,
    claim_id,
    document_row,
    dump,
    first_str,
    insert_sql,
    load,
    marks,
    now,
    quantity_rows,
    row_to_document,
    text_hash,
)
from claimtrace.store.schema import MIGRATIONS, MIGRATIONS_TABLE, Dialect

#: An exact duplicate is linked to at most this many earlier copies (keeps boilerplate cheap).
MAX_EXACT_LINKS = 20

_REUSE_COLS = "a_doc, a_start, a_end, b_doc, b_start, b_end, kind, score, source_doc, group_id, made_by"
_OVERRIDE_TABLES = {"entity": "entity_overrides", "narrative": "narrative_overrides"}
_NARRATIVE_COLUMNS = (
    "id",
    "label",
    "claims",
    "documents",
    "first_seen",
    "last_seen",
    "timeline",
    "mutations",
    "stances",
    "entities",
    "carried_by",
)


def _record_digest(item: dict[str, Any]) -> str:
    """The hash that tells a reference claim record apart (its JSON, keys sorted)."""
    return hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()


class SQLStore(AccessMixin, Store):
    """Shared implementation over a DB-API-like connection (see the abstract hooks)."""

    dialect: Dialect
    #: appended to ORDER BY on text columns so both engines sort bytewise
    binary_collation: str = ""

    # -- hooks a backend implements ---------------------------------------------------------------
    @abstractmethod
    def _transaction(self) -> AbstractContextManager[None]:
        """Run the enclosed statements in one transaction (re-entrant)."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (``?`` placeholders); return its rows (empty for non-queries)."""

    @abstractmethod
    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for many parameter rows."""

    @abstractmethod
    def _user_tables(self) -> set[str]:
        """Names of the tables that exist."""

    def _lock_for_migration(self) -> None:
        """Take a lock so two processes do not migrate at once (inside the transaction)."""

    # -- migrations ------------------------------------------------------------------------
    def _migrate(self) -> None:
        from claimtrace.errors import E040, ClaimtraceError

        tables = self._user_tables()
        if tables and "migrations" not in tables:
            raise ClaimtraceError(E040, db=self.url, detail="it has tables but no 'migrations' table")
        with self._transaction():
            self._lock_for_migration()
            self._execute(MIGRATIONS_TABLE)
            done = {row[0] for row in self._execute("SELECT id FROM migrations")}
            for migration in MIGRATIONS:
                if migration.id in done:
                    continue
                for stmt in migration.statements(self.dialect):
                    self._execute(stmt)
                self._execute(
                    insert_sql("migrations", "id, name, applied_at"),
                    (migration.id, migration.name, now()),
                )

    def applied_migrations(self) -> list[tuple[int, str]]:
        return [(int(r[0]), str(r[1])) for r in self._execute("SELECT id, name FROM migrations ORDER BY id")]

    # -- documents -----------------------------------------------------------------------
    def add_documents(self, docs: Iterable[Document]) -> tuple[int, int]:
        added = skipped = 0
        stamp = now()
        with self._transaction():
            for doc in docs:
                digest = text_hash(doc.text)
                inserted = self._execute(
                    insert_sql(
                        "documents",
                        f"{DOC_COLS}, text_hash, text_length, ingested_at",
                        "ON CONFLICT (id) DO NOTHING RETURNING seq",
                    ),
                    (*document_row(doc), digest, len(doc.text), stamp),
                )
                if not inserted:
                    skipped += 1
                    continue
                added += 1
                twins = self._execute(
                    "SELECT id FROM documents WHERE text_hash = ? AND id <> ? ORDER BY seq LIMIT ?",
                    (digest, doc.id, MAX_EXACT_LINKS),
                )
                size, group = len(doc.text), f"exact:{digest[:16]}"
                pairs = [sorted((twin, doc.id)) for (twin,) in twins]  # a < b whatever the ingest order
                self._executemany(
                    insert_sql("reuse", _REUSE_COLS),
                    [(a, 0, size, b, 0, size, "exact", 1.0, None, group, "ingest") for a, b in pairs],
                )
        return added, skipped

    def get_document(self, doc_id: str) -> Document | None:
        rows = self._execute(f"SELECT {DOC_COLS} FROM documents WHERE id = ?", (doc_id,))
        return row_to_document(rows[0]) if rows else None

    def iter_documents(
        self, ids: Iterable[str] | None = None, *, order: DocOrder = "ingest"
    ) -> Iterator[Document]:
        if ids is not None:
            for chunk in chunks(list(ids)):
                rows = self._execute(
                    f"SELECT {DOC_COLS} FROM documents WHERE id IN ({marks(len(chunk))})", chunk
                )
                by_id = {row[0]: row for row in rows}
                yield from (row_to_document(by_id[i]) for i in chunk if i in by_id)
            return
        if order == "source":
            collate = self.binary_collation
            sql = (
                f"SELECT {DOC_COLS} FROM documents {{where}} "
                f"ORDER BY source{collate}, id{collate} LIMIT {PAGE}"
            )
            rows = self._execute(sql.format(where=""))
            while rows:
                yield from map(row_to_document, rows)
                last = rows[-1]
                rows = self._execute(
                    sql.format(where=f"WHERE (source{collate}, id{collate}) > (?, ?)"),
                    (last[1], last[0]),
                )
            return
        seq = 0
        while True:
            rows = self._execute(
                f"SELECT seq, {DOC_COLS} FROM documents WHERE seq > ? ORDER BY seq LIMIT {PAGE}", (seq,)
            )
            if not rows:
                return
            yield from (row_to_document(row[1:]) for row in rows)
            seq = rows[-1][0]

    def count_documents(self) -> int:
        return int(self._execute("SELECT count(*) FROM documents")[0][0])

    def metadata_gaps(self) -> tuple[int, int, int]:
        row = self._execute(
            "SELECT count(*), sum(CASE WHEN published IS NULL OR published = '' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN outlet IS NULL OR outlet = '' THEN 1 ELSE 0 END) FROM documents"
        )[0]
        return int(row[0]), int(row[1] or 0), int(row[2] or 0)

    def document_ids(self) -> list[str]:
        return [r[0] for r in self._execute("SELECT id FROM documents ORDER BY seq")]

    # -- analyses ---------------------------------------------------------------------------
    def save_analyses(self, analyses: list[DocAnalysis]) -> None:
        stamp = now()
        with self._transaction():
            for an in analyses:
                doc = an.doc_id
                for table in ("analyses", "mentions", "claims", "quantities"):
                    self._execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc,))
                self._execute(
                    insert_sql("analyses", "doc_id, data, versions, analyzed_at"),
                    (doc, dump(an.to_dict()), dump(an.versions), stamp),
                )
                found = self._execute("SELECT text FROM documents WHERE id = ?", (doc,))
                text = found[0][0] if found else None
                self._executemany(
                    insert_sql("mentions", "doc_id, char_start, char_end, text, type, entity_key, name"),
                    [(doc, m.start, m.end, m.text, m.type, m.key, m.name) for m in an.mentions],
                )
                self._executemany(
                    insert_sql(
                        "claims",
                        "id, doc_id, kind, char_start, char_end, content_start, content_end, content, "
                        "speaker_text, speaker_key, cue, hedges",
                    ),
                    [
                        (
                            claim_id(doc, c),
                            doc,
                            c.kind,
                            c.start,
                            c.end,
                            c.content_start,
                            c.content_end,
                            text[c.content_start : c.content_end] if text is not None else None,
                            c.speaker_text,
                            c.speaker_key,
                            c.cue,
                            dump(c.hedges),
                        )
                        for c in an.claims
                    ],
                )
                self._executemany(
                    insert_sql(
                        "quantities",
                        "doc_id, claim_id, char_start, char_end, text, value, low, high, approx, about",
                    ),
                    quantity_rows(an),
                )

    def load_analyses(self, ids: Iterable[str] | None = None) -> Iterator[DocAnalysis]:
        if ids is not None:
            for chunk in chunks(sorted(set(ids))):
                rows = self._execute(
                    f"SELECT data FROM analyses WHERE doc_id IN ({marks(len(chunk))}) "
                    f"ORDER BY doc_id{self.binary_collation}",
                    chunk,
                )
                yield from (DocAnalysis.from_dict(load(r[0])) for r in rows)
            return
        last = ""
        while True:
            rows = self._execute(
                f"SELECT doc_id, data FROM analyses WHERE doc_id{self.binary_collation} > ? "
                f"ORDER BY doc_id{self.binary_collation} LIMIT {PAGE}",
                (last,),
            )
            if not rows:
                return
            yield from (DocAnalysis.from_dict(load(r[1])) for r in rows)
            last = rows[-1][0]

    def analysis_versions(self) -> dict[str, dict[str, str]]:
        return {r[0]: load(r[1]) for r in self._execute("SELECT doc_id, versions FROM analyses")}

    # -- entities and overrides ----------------------------------------------------------------
    def replace_entities(self, entities: list[Entity]) -> None:
        with self._transaction():
            self._execute("DELETE FROM entities")
            self._execute("DELETE FROM entity_mentions")
            self._executemany(
                insert_sql("entities", "id, key, name, type, aliases, mention_count"),
                [(e.id, e.key, e.name, e.type, dump(e.aliases), len(e.mentions)) for e in entities],
            )
            self._executemany(
                insert_sql("entity_mentions", "entity_id, doc_id, char_start, char_end, text"),
                [
                    (e.id, m["doc"], m["start"], m["end"], m.get("text", ""))
                    for e in entities
                    for m in e.mentions
                ],
            )

    def load_entities(self) -> list[Entity]:
        col = self.binary_collation
        mentions: dict[str, list[dict[str, Any]]] = {}
        for eid, doc, start, end, text in self._execute(
            f"SELECT entity_id, doc_id, char_start, char_end, text FROM entity_mentions "
            f"ORDER BY entity_id{col}, doc_id{col}, char_start, char_end"
        ):
            mentions.setdefault(eid, []).append({"doc": doc, "start": start, "end": end, "text": text})
        return [
            Entity(
                id=r[0], key=r[1], name=r[2], type=r[3], aliases=load(r[4]), mentions=mentions.get(r[0], [])
            )
            for r in self._execute(f"SELECT id, key, name, type, aliases FROM entities ORDER BY id{col}")
        ]

    def _override_table(self, scope: str) -> str:
        if scope not in _OVERRIDE_TABLES:
            raise ValueError(f"unknown override scope {scope!r} (choose one of: entity, narrative)")
        return _OVERRIDE_TABLES[scope]

    def add_override(
        self, scope: OverrideScope, action: str, payload: dict[str, Any], reason: str | None
    ) -> int:
        table = self._override_table(scope)
        with self._transaction():
            rows = self._execute(
                insert_sql(table, "action, payload, reason, created_at", "RETURNING id"),
                (action, dump(payload), reason, now()),
            )
        return int(rows[0][0])

    def list_overrides(self, scope: OverrideScope) -> list[dict[str, Any]]:
        table = self._override_table(scope)
        rows = self._execute(f"SELECT id, action, payload, reason, created_at FROM {table} ORDER BY id")
        return [
            {
                "id": int(r[0]),
                "scope": scope,
                "action": r[1],
                "payload": load(r[2]),
                "reason": r[3],
                "created_at": r[4],
            }
            for r in rows
        ]

    # -- reuse ----------------------------------------------------------------------------
    def replace_reuse(self, links: list[ReuseLink]) -> None:
        with self._transaction():
            self._execute("DELETE FROM reuse WHERE made_by <> 'ingest'")
            ingest_pairs = {
                frozenset((a, b)): rid
                for rid, a, b in self._execute("SELECT id, a_doc, b_doc FROM reuse WHERE made_by = 'ingest'")
            }
            fresh = []
            for link in links:
                rid = ingest_pairs.get(frozenset((link.a_doc, link.b_doc))) if link.kind == "exact" else None
                if rid is None:
                    fresh.append(link)
                elif link.source is not None:  # the stage judged an origin for an ingest-time duplicate
                    self._execute("UPDATE reuse SET source_doc = ? WHERE id = ?", (link.source, rid))
            self._executemany(
                insert_sql("reuse", _REUSE_COLS),
                [
                    (
                        x.a_doc,
                        x.a_start,
                        x.a_end,
                        x.b_doc,
                        x.b_start,
                        x.b_end,
                        x.kind,
                        float(x.score),
                        x.source,
                        x.group,
                        "crossdoc",
                    )
                    for x in fresh
                ],
            )

    def load_reuse(self) -> list[ReuseLink]:
        rows = self._execute(
            "SELECT a_doc, a_start, a_end, b_doc, b_start, b_end, kind, score, source_doc, group_id "
            "FROM reuse ORDER BY id"
        )
        return [ReuseLink(*r) for r in rows]

    # -- stories --------------------------------------------------------------------------
    def save_boilerplate(self, spans: dict[str, list[tuple[int, int, str]]]) -> None:
        with self._transaction():
            for chunk in chunks(list(spans)):
                self._execute(f"DELETE FROM boilerplate WHERE doc_id IN ({marks(len(chunk))})", chunk)
                self._executemany(
                    insert_sql("boilerplate", "doc_id, char_start, char_end, reason"),
                    [(doc, s, e, why) for doc in chunk for s, e, why in spans[doc]],
                )

    def load_boilerplate(self) -> dict[str, list[tuple[int, int, str]]]:
        out: dict[str, list[tuple[int, int, str]]] = {}
        rows = self._execute(
            "SELECT doc_id, char_start, char_end, reason FROM boilerplate ORDER BY doc_id, char_start"
        )
        for doc, s, e, why in rows:
            out.setdefault(str(doc), []).append((int(s), int(e), str(why)))
        return out

    def replace_stories(self, stories: list[Story]) -> None:
        with self._transaction():
            self._execute("DELETE FROM stories")
            self._execute("DELETE FROM story_documents")
            self._executemany(
                insert_sql("stories", "id, label, first_seen, last_seen, size"),
                [(s.id, s.label, s.first_seen, s.last_seen, len(s.documents)) for s in stories],
            )
            self._executemany(
                insert_sql("story_documents", "story_id, doc_id, position"),
                [(s.id, d, i) for s in stories for i, d in enumerate(s.documents)],
            )

    def load_stories(self) -> list[Story]:
        docs = self._members("story_documents", "story_id", "doc_id")
        col = self.binary_collation
        return [
            Story(id=r[0], label=r[1], documents=docs.get(r[0], []), first_seen=r[2], last_seen=r[3])
            for r in self._execute(f"SELECT id, label, first_seen, last_seen FROM stories ORDER BY id{col}")
        ]

    def _members(self, table: str, owner: str, member: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for o, m in self._execute(f"SELECT {owner}, {member} FROM {table} ORDER BY {owner}, position"):
            out.setdefault(o, []).append(m)
        return out

    # -- narratives -------------------------------------------------------------------------
    def save_narratives(self, narratives: list[Narrative], *, replace: bool = True) -> None:
        stamp = now()
        with self._transaction():
            if replace:
                for table in ("narratives", "narrative_claims", "narrative_documents"):
                    self._execute(f"DELETE FROM {table}")
            else:
                for chunk in chunks([n.id for n in narratives]):
                    for table, col in (
                        ("narratives", "id"),
                        ("narrative_claims", "narrative_id"),
                        ("narrative_documents", "narrative_id"),
                    ):
                        self._execute(f"DELETE FROM {table} WHERE {col} IN ({marks(len(chunk))})", chunk)
            rows = []
            for n in narratives:
                data = n.to_dict()
                extra = {k: v for k, v in data.items() if k not in _NARRATIVE_COLUMNS}
                rows.append(
                    (
                        n.id,
                        n.label,
                        n.first_seen,
                        n.last_seen,
                        len(n.documents),
                        dump(n.timeline),
                        dump(n.mutations),
                        dump(n.stances),
                        dump(n.entities),
                        dump(extra),
                        stamp,
                        dump(n.carried_by),
                    )
                )
            self._executemany(
                insert_sql(
                    "narratives",
                    "id, label, first_seen, last_seen, size, timeline, mutations, stances, "
                    "entities, extra, updated_at, carried_by",
                ),
                rows,
            )
            self._executemany(
                insert_sql("narrative_claims", "narrative_id, claim_id, position"),
                [(n.id, c, i) for n in narratives for i, c in enumerate(n.claims)],
            )
            self._executemany(
                insert_sql("narrative_documents", "narrative_id, doc_id, position"),
                [(n.id, d, i) for n in narratives for i, d in enumerate(n.documents)],
            )

    def load_narratives(self) -> list[Narrative]:
        claims = self._members("narrative_claims", "narrative_id", "claim_id")
        docs = self._members("narrative_documents", "narrative_id", "doc_id")
        out = []
        for r in self._execute(
            "SELECT id, label, first_seen, last_seen, timeline, mutations, stances, entities, extra, "
            f"carried_by FROM narratives ORDER BY id{self.binary_collation}"
        ):
            data = {
                **load(r[8]),
                "id": r[0],
                "label": r[1],
                "first_seen": r[2],
                "last_seen": r[3],
                "timeline": load(r[4]),
                "mutations": load(r[5]),
                "stances": load(r[6]),
                "entities": load(r[7]),
                "carried_by": load(r[9]) or [],  # null in rows saved before migration 6
                "claims": claims.get(r[0], []),
                "documents": docs.get(r[0], []),
            }
            out.append(Narrative.from_dict(data))
        return out

    def add_narrative_event(self, kind: str, payload: dict[str, Any]) -> int:
        with self._transaction():
            rows = self._execute(
                insert_sql("narrative_events", "kind, payload, created_at", "RETURNING id"),
                (kind, dump(payload), now()),
            )
        return int(rows[0][0])

    def list_narrative_events(self) -> list[dict[str, Any]]:
        return [
            {"id": int(r[0]), "kind": r[1], "payload": load(r[2]), "created_at": r[3]}
            for r in self._execute("SELECT id, kind, payload, created_at FROM narrative_events ORDER BY id")
        ]

    def set_rating(
        self, narrative_id: str, rating: str, note: str | None, *, author: str | None = None
    ) -> None:
        with self._transaction():
            self._execute(
                insert_sql("narrative_ratings", "narrative_id, rating, note, author, created_at"),
                (narrative_id, rating, note, author, now()),
            )

    def load_ratings(self) -> dict[str, dict[str, Any]]:
        rows = [
            (r[0], {"rating": r[1], "note": r[2], "author": r[3], "created_at": r[4]})
            for r in self._execute(
                "SELECT narrative_id, rating, note, author, created_at FROM narrative_ratings ORDER BY id"
            )
        ]
        live = self._live_narratives({nid for nid, _ in rows})
        if all(nid in live for nid, _ in rows):  # the event log is read only when needed
            return resolve_ratings(rows, live, None)
        every = {r[0] for r in self._execute("SELECT id FROM narratives")}
        return resolve_ratings(rows, every, self.list_narrative_events())

    def resolve_narrative(self, narrative_id: str) -> Resolution:
        live = self._live_narratives([narrative_id])
        if narrative_id in live:
            return narrative_id, []
        chain = successors(self.list_narrative_events())
        cur, path = resolve(narrative_id, chain, self._live_narratives({c for c, _ in chain.values() if c}))
        return cur, path

    def _live_narratives(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are narratives now."""
        out: set[str] = set()
        for chunk in chunks(sorted(set(ids))):
            out.update(
                r[0]
                for r in self._execute(f"SELECT id FROM narratives WHERE id IN ({marks(len(chunk))})", chunk)
            )
        return out

    # -- reference claims ---------------------------------------------------------------------
    def add_reference_claims(self, claims: list[dict[str, Any]]) -> int:
        stamp = now()
        new = 0
        with self._transaction():
            for item in claims:
                text = dump(item)
                digest = _record_digest(item)
                review = item.get("reviewRating")
                review = review if isinstance(review, dict) else {}
                rows = self._execute(
                    insert_sql(
                        "reference_claims",
                        "digest, claim, rating, claimant, url, published, data, imported_at",
                        "ON CONFLICT (digest) DO NOTHING RETURNING id",
                    ),
                    (
                        digest,
                        first_str(item, "claim", "claimReviewed", "text"),
                        first_str(item, "rating", "verdict") or first_str(review, "alternateName"),
                        first_str(item, "claimant", "author"),
                        first_str(item, "url"),
                        first_str(item, "date", "published", "datePublished"),
                        text,
                        stamp,
                    ),
                )
                new += bool(rows)
        return new

    def load_reference_claims(self) -> list[dict[str, Any]]:
        return [load(r[0]) for r in self._execute("SELECT data FROM reference_claims ORDER BY id")]

    def upsert_reference_claims(self, claims: list[dict[str, Any]]) -> tuple[int, int]:
        cols = "claim, rating, claimant, url, published, publisher, data, digest, imported_at"
        new = updated = 0
        stamp = now()
        with self._transaction():
            for lo in range(0, len(claims), PAGE):
                chunk = claims[lo : lo + PAGE]
                ids = [str(item["id"]) for item in chunk]
                known = dict(
                    self._execute(
                        f"SELECT ref_id, digest FROM reference_claims WHERE ref_id IN ({marks(len(ids))})",
                        ids,
                    )
                )
                for rid, item in zip(ids, chunk, strict=True):
                    digest = _record_digest(item)
                    if known.get(rid) == digest:
                        continue
                    values = (
                        first_str(item, "text", "claim"),
                        first_str(item, "rating"),
                        first_str(item, "claimant"),
                        first_str(item, "url"),
                        first_str(item, "date"),
                        first_str(item, "publisher"),
                        dump(item),
                        digest,
                        stamp,
                    )
                    if rid in known:
                        sets = ", ".join(f"{c.strip()} = ?" for c in cols.split(","))
                        self._execute(f"UPDATE reference_claims SET {sets} WHERE ref_id = ?", (*values, rid))
                        updated += 1
                    else:
                        rows = self._execute(
                            insert_sql(
                                "reference_claims",
                                cols + ", ref_id",
                                "ON CONFLICT (digest) DO NOTHING RETURNING id",
                            ),
                            (*values, rid),
                        )
                        new += bool(rows)
                    known[rid] = digest
        return new, updated

    # -- state ------------------------------------------------------------------------------
    def get_state(self, key: str) -> Any:
        rows = self._execute("SELECT value FROM state WHERE key = ?", (key,))
        return load(rows[0][0]) if rows else None

    def set_state(self, key: str, value: Any) -> None:
        with self._transaction():
            self._execute(
                insert_sql(
                    "state",
                    "key, value, updated_at",
                    "ON CONFLICT (key) DO UPDATE SET "
                    "value = excluded.value, updated_at = excluded.updated_at",
                ),
                (key, dump(value), now()),
            )
