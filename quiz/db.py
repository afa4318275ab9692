"""Tables of the question bank and of per-user practice (SQLAlchemy 2; SQLite by default, any URL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CursorResult,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Result,
    String,
    Text,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.schema import DefaultClause


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """The rows an UPDATE or DELETE matched: ``Session.execute`` is typed to return a ``Result``, and for
    those statements it is a ``CursorResult``."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"not the result of an UPDATE or DELETE: {type(result).__name__}")
    return result.rowcount


class Base(DeclarativeBase):
    pass


class QuestionRow(Base):
    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(40), unique=True, index=True)
    type: Mapped[str] = mapped_column(String(10), index=True)
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    answer: Mapped[Any] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    difficulty: Mapped[int] = mapped_column(Integer, default=1)
    law: Mapped[str] = mapped_column(String(200), default="", index=True)
    law_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    chapter: Mapped[str] = mapped_column(String(200), default="")
    checklist_item: Mapped[str] = mapped_column(String(300), default="", index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    key_points: Mapped[list[Any]] = mapped_column(JSON, default=list)
    generator: Mapped[str] = mapped_column(String(60), default="")
    source_hashes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    needs_review: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class AttemptRow(Base):
    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"), index=True)
    given: Mapped[Any] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # a user's answers in time order: practice time for 学时 (quiz.hours) reads them so
    __table_args__ = (Index("ix_quiz_attempts_user_time", "user_id", "answered_at"),)


class CardRow(Base):
    """A question in a user's wrong-answer book, with its FSRS card."""

    __tablename__ = "quiz_cards"

    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_questions.id", ondelete="CASCADE"), primary_key=True
    )
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    due: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ChecklistItemRow(Base):
    """An item of a loaded 应知应会 checklist (questions refer to it by ``key``: ``<checklist>#<number>``)."""

    __tablename__ = "quiz_checklist_items"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    checklist: Mapped[str] = mapped_column(String(200), index=True)
    number: Mapped[int] = mapped_column(Integer)
    part: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(10))
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


SQLITE_BUSY_TIMEOUT_S = 30.0
"""Many examinees save answers at once: a write waits this long for the lock instead of failing."""


def database_url(home: Path, configured: str = "") -> str:
    """The configured URL, or a SQLite file ``<home>/quiz.sqlite``."""
    return configured or f"sqlite:///{home / 'quiz.sqlite'}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # timeout: how long a writer waits for SQLite's lock (busy timeout) before "database is locked"
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn: Any, _record: Any) -> None:
            cursor = conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # with WAL, NORMAL syncs at checkpoints, not at every commit: a commit survives a crash or kill of
            # the server (not a power cut) and costs no fsync (exam answers: ~4x more saves per second)
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    else:
        engine = create_engine(url, pool_pre_ping=True)
    create_tables(engine)
    return engine


def create_tables(engine: Engine) -> None:
    """Create the tables this version knows, and add the columns and indexes a newer version gave a table an
    older one created (each such column has a server default, so old rows read as before). Nothing is
    dropped."""
    Base.metadata.create_all(engine)
    inspector = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                if column.server_default is None and not column.nullable:
                    raise RuntimeError(f"{table.name}.{column.name}: a new column needs a server default")
                kind = column.type.compile(dialect=engine.dialect)
                default = column.server_default.arg if isinstance(column.server_default, DefaultClause) else None
                clause = f" DEFAULT '{default}'" if isinstance(default, str) else ""
                conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}{clause}'))
            for index in table.indexes:
                index.create(conn, checkfirst=True)
