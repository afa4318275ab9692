"""The registry: documents, their versions and units, the embedding cache and the answered questions, in one
SQLite file.

It is the source of truth: a unit exists when the registry says so; the vector store only holds vectors.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from kb.memory import AnsweredQuestion
from kb.models import (
    Citation,
    Clause,
    DocStatus,
    DocumentMeta,
    Item,
    Level,
    StoredDocument,
    StoredUnit,
    Unit,
    Validity,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source_key TEXT NOT NULL,
    law_key TEXT NOT NULL,
    title TEXT NOT NULL,
    meta TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    version_date TEXT,
    status TEXT NOT NULL,
    unit_count INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_key);
CREATE INDEX IF NOT EXISTS documents_law ON documents(law_key);
CREATE TABLE IF NOT EXISTS units (
    unit_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL,
    number INTEGER NOT NULL,
    label TEXT NOT NULL,
    body TEXT NOT NULL,
    tokens TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS units_doc ON units(doc_id, ordinal);
CREATE INDEX IF NOT EXISTS units_number ON units(doc_id, number);
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, text_hash)
);
CREATE TABLE IF NOT EXISTS answered_questions (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    citations TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    UNIQUE (question, citations)
);
CREATE TABLE IF NOT EXISTS generations (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    documents INTEGER NOT NULL,
    answered INTEGER NOT NULL
);
INSERT OR IGNORE INTO generations VALUES (1, 0, 0);
CREATE TRIGGER IF NOT EXISTS documents_inserted AFTER INSERT ON documents
    BEGIN UPDATE generations SET documents = documents + 1; END;
CREATE TRIGGER IF NOT EXISTS documents_updated AFTER UPDATE ON documents
    BEGIN UPDATE generations SET documents = documents + 1; END;
CREATE TRIGGER IF NOT EXISTS documents_deleted AFTER DELETE ON documents
    BEGIN UPDATE generations SET documents = documents + 1; END;
CREATE TRIGGER IF NOT EXISTS answered_inserted AFTER INSERT ON answered_questions
    BEGIN UPDATE generations SET answered = answered + 1; END;
CREATE TRIGGER IF NOT EXISTS answered_deleted AFTER DELETE ON answered_questions
    BEGIN UPDATE generations SET answered = answered + 1; END;
"""
"""``generations`` counts the changes of the documents (and so their units) and of the answered questions; the
triggers bump it in the transaction of the change itself, so a process that caches what it read (kb.base) sees
another process's change by reading one row."""


def unit_to_json(unit: Unit) -> str:
    return json.dumps(asdict(unit), ensure_ascii=False)


def unit_from_json(raw: str) -> Unit:
    data = json.loads(raw)
    clauses = tuple(
        Clause(number=c["number"], text=c["text"],
               items=tuple(Item(number=i["number"], text=i["text"], subitems=tuple(i["subitems"]))
                           for i in c["items"]))
        for c in data.pop("clauses")
    )
    return Unit(**{**data, "heading_path": tuple(data["heading_path"]), "clauses": clauses})


def meta_to_json(meta: DocumentMeta) -> str:
    data = asdict(meta)
    data["version_date"] = meta.version_date.isoformat() if meta.version_date else None
    return json.dumps(data, ensure_ascii=False)


def meta_from_json(raw: str) -> DocumentMeta:
    data = json.loads(raw)
    return DocumentMeta(
        **{
            **data,
            "level": Level(data["level"]),
            "validity": Validity(data["validity"]),
            "version_date": date.fromisoformat(data["version_date"]) if data["version_date"] else None,
            "history": tuple(data["history"]),
        }
    )


class Registry:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA)
        self._lock = threading.RLock()

    def close(self) -> None:
        self._conn.close()

    def generations(self) -> tuple[int, int]:
        """How many times the documents and the answered questions have changed, by any process."""
        row = self._rows("SELECT documents, answered FROM generations")[0]
        return row[0], row[1]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cur = self._conn.execute(sql, args)
            cur.row_factory = sqlite3.Row
            return cur.fetchall()

    # documents -------------------------------------------------------------------------------------
    @staticmethod
    def _document(row: sqlite3.Row) -> StoredDocument:
        return StoredDocument(
            doc_id=row["doc_id"],
            law_key=row["law_key"],
            meta=meta_from_json(row["meta"]),
            content_hash=row["content_hash"],
            status=DocStatus(row["status"]),
            unit_count=row["unit_count"],
            ingested_at=row["ingested_at"],
        )

    def documents(self, include_superseded: bool = True) -> list[StoredDocument]:
        sql = "SELECT * FROM documents"
        if not include_superseded:
            sql += " WHERE status = 'active'"
        return [self._document(r) for r in self._rows(sql + " ORDER BY title, version_date DESC")]

    def document(self, doc_id: str) -> StoredDocument | None:
        rows = self._rows("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        return self._document(rows[0]) if rows else None

    def documents_by_source(self, source_key: str) -> list[StoredDocument]:
        return [self._document(r) for r in self._rows("SELECT * FROM documents WHERE source_key = ?", (source_key,))]

    def documents_by_law(self, law_key: str) -> list[StoredDocument]:
        return [self._document(r) for r in self._rows("SELECT * FROM documents WHERE law_key = ?", (law_key,))]

    def insert_document(
        self, conn: sqlite3.Connection, doc_id: str, source_key: str, law_key: str, meta: DocumentMeta,
        content_hash: str, units: Sequence[tuple[str, Unit, str]],
    ) -> None:
        conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
            (doc_id, source_key, law_key, meta.title, meta_to_json(meta), content_hash,
             meta.version_date.isoformat() if meta.version_date else None, DocStatus.ACTIVE.value, len(units),
             datetime.now(UTC).isoformat(timespec="seconds")),
        )
        conn.executemany(
            "INSERT INTO units VALUES (?,?,?,?,?,?,?,?)",
            [(uid, doc_id, u.ordinal, u.kind, u.number, u.label, unit_to_json(u), tokens) for uid, u, tokens in units],
        )

    @staticmethod
    def delete_document(conn: sqlite3.Connection, doc_id: str) -> None:
        conn.execute("DELETE FROM units WHERE doc_id = ?", (doc_id,))
        conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    @staticmethod
    def set_status(conn: sqlite3.Connection, doc_id: str, status: DocStatus) -> None:
        conn.execute("UPDATE documents SET status = ? WHERE doc_id = ?", (status.value, doc_id))

    # units -----------------------------------------------------------------------------------------
    def units(self, doc_id: str) -> list[StoredUnit]:
        rows = self._rows("SELECT unit_id, doc_id, body FROM units WHERE doc_id = ? ORDER BY ordinal", (doc_id,))
        return [StoredUnit(r["unit_id"], r["doc_id"], unit_from_json(r["body"])) for r in rows]

    def unit(self, unit_id: str) -> StoredUnit | None:
        rows = self._rows("SELECT unit_id, doc_id, body FROM units WHERE unit_id = ?", (unit_id,))
        return StoredUnit(rows[0]["unit_id"], rows[0]["doc_id"], unit_from_json(rows[0]["body"])) if rows else None

    def units_by_ids(self, unit_ids: Sequence[str]) -> dict[str, StoredUnit]:
        out: dict[str, StoredUnit] = {}
        for start in range(0, len(unit_ids), 500):
            part = list(unit_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for r in self._rows(f"SELECT unit_id, doc_id, body FROM units WHERE unit_id IN ({marks})", part):
                out[r["unit_id"]] = StoredUnit(r["unit_id"], r["doc_id"], unit_from_json(r["body"]))
        return out

    def units_by_number(self, doc_id: str, number: int) -> list[StoredUnit]:
        rows = self._rows(
            "SELECT unit_id, doc_id, body FROM units WHERE doc_id = ? AND number = ? AND kind = 'article' "
            "ORDER BY ordinal", (doc_id, number))
        return [StoredUnit(r["unit_id"], r["doc_id"], unit_from_json(r["body"])) for r in rows]

    def active_unit_tokens(self) -> list[tuple[str, str, str]]:
        """(unit_id, doc_id, tokens) of every unit of an active document."""
        rows = self._rows(
            "SELECT u.unit_id, u.doc_id, u.tokens FROM units u JOIN documents d ON d.doc_id = u.doc_id "
            "WHERE d.status = 'active' ORDER BY u.doc_id, u.ordinal")
        return [(r["unit_id"], r["doc_id"], r["tokens"]) for r in rows]

    def all_unit_ids(self) -> list[tuple[str, str]]:
        return [(r["unit_id"], r["doc_id"]) for r in self._rows("SELECT unit_id, doc_id FROM units")]

    # embedding cache -------------------------------------------------------------------------------
    def cached_vectors(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), 500):
            part = list(hashes[start : start + 500])
            marks = ",".join("?" * len(part))
            for r in self._rows(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})", [model, *part]
            ):
                out[r["text_hash"]] = np.frombuffer(r["vector"], dtype=np.float32)
        return out

    def cache_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?,?,?)",
                [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()],
            )

    # answered questions ----------------------------------------------------------------------------
    def add_answered(self, entries: Sequence[AnsweredQuestion]) -> int:
        """Store answered questions; one already stored with the same citations is skipped. Returns how many
        were new."""
        rows = [(e.question, json.dumps([[c.law, c.article, c.article_suffix] for c in e.citations],
                                        ensure_ascii=False), e.source) for e in entries]
        with self.transaction() as conn:
            # rowcount: the rows the statement itself inserted (total_changes would count the triggers' too)
            return conn.executemany(
                "INSERT OR IGNORE INTO answered_questions (question, citations, source) VALUES (?,?,?)", rows
            ).rowcount

    def answered(self) -> list[AnsweredQuestion]:
        return [
            AnsweredQuestion(
                r["question"],
                tuple(Citation(law=law, article=article, article_suffix=suffix)
                      for law, article, suffix in json.loads(r["citations"])),
                r["source"],
            )
            for r in self._rows("SELECT question, citations, source FROM answered_questions ORDER BY id")
        ]

    def forget_answered(self, source: str | None = None) -> int:
        """Delete the answered questions of one source, or all of them."""
        with self.transaction() as conn:
            if source is None:
                return conn.execute("DELETE FROM answered_questions").rowcount
            return conn.execute("DELETE FROM answered_questions WHERE source = ?", (source,)).rowcount
