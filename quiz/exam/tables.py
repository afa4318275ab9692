"""The exam's tables (on ``quiz.db.Base``, in the question bank's database).

A paper keeps a snapshot of each question as it was assembled, so later edits in the bank change neither
what examinees see nor how they are graded. An examinee's sitting keeps their layout (question and option
order, opaque question ids) so every reload, device and server restart shows the same paper. Login tokens
are stored as SHA-256 hashes only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from quiz.db import Base, utcnow
from quiz.models import Question


class ExamRow(Base):
    __tablename__ = "exam_exams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    blueprint: Mapped[dict[str, Any]] = mapped_column(JSON)
    duration_min: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    variants: Mapped[int] = mapped_column(Integer, default=0)
    secret: Mapped[str] = mapped_column(String(64))
    results_released: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unit: Mapped[str] = mapped_column(String(200), default="", server_default="", index=True)
    """The unit that owns the exam (its administrators manage it); ``""``: the city's."""


class ExamQuestionRow(Base):
    """One question of one paper (variant), with its snapshot and points."""

    __tablename__ = "exam_questions"
    __table_args__ = (Index("ix_exam_questions_paper", "exam_id", "variant", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam_exams.id", ondelete="CASCADE"))
    variant: Mapped[str] = mapped_column(String(2))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the bank's id (no FK: may go)
    type: Mapped[str] = mapped_column(String(10))
    law: Mapped[str] = mapped_column(String(200), default="")
    points: Mapped[float] = mapped_column(Float)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    @property
    def question(self) -> Question:
        """The question as it was when the paper was assembled (its snapshot, typed)."""
        return Question.from_json(self.snapshot)


class RosterRow(Base):
    __tablename__ = "exam_roster"
    __table_args__ = (UniqueConstraint("exam_id", "officer_id", name="uq_exam_roster_officer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam_exams.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer)


class SittingRow(Base):
    __tablename__ = "exam_sittings"
    __table_args__ = (
        UniqueConstraint("exam_id", "officer_id", name="uq_exam_sitting_officer"),
        Index("ix_exam_sittings_due", "submitted_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam_exams.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(200), default="")
    variant: Mapped[str] = mapped_column(String(2))
    layout: Mapped[list[Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    submitted_by: Mapped[str] = mapped_column(String(20), default="")  # examinee | timer | organiser
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TokenRow(Base):
    """A login of one sitting on one device; revoked by the organiser's unlock."""

    __tablename__ = "exam_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("exam_sittings.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    client: Mapped[str] = mapped_column(String(300), default="")
    device: Mapped[str] = mapped_column(String(100), default="")  # the page's own random id, if it sent one
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AnswerRow(Base):
    __tablename__ = "exam_answers"

    sitting_id: Mapped[int] = mapped_column(ForeignKey("exam_sittings.id", ondelete="CASCADE"), primary_key=True)
    exam_question_id: Mapped[int] = mapped_column(ForeignKey("exam_questions.id", ondelete="CASCADE"),
                                                  primary_key=True)
    given: Mapped[Any] = mapped_column(JSON, nullable=True)  # in the paper's own letters
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    earned: Mapped[float | None] = mapped_column(Float, nullable=True)
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class AuditRow(Base):
    __tablename__ = "exam_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    exam_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    officer_id: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    client: Mapped[str] = mapped_column(String(300), default="")
