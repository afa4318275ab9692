"""Tables of the 学时 records (in the question bank's database): the rules per year, offline activities and
who attended them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from quiz.db import Base, utcnow
from quiz.people.tables import UnitRow


class RulesRow(Base):
    """The rules in force for one year (``quiz.hours.rules.HoursRules`` as JSON)."""

    __tablename__ = "hours_rules"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class ActivityRow(Base):
    """An offline activity a unit held (讲座, 旁听庭审, 模拟执法, 轮训, 领导学法, 知识竞赛, other)."""

    __tablename__ = "hours_activities"
    __table_args__ = (Index("ix_hours_activities_unit_day", "unit_id", "starts_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey(UnitRow.id, ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16), index=True)  # quiz.hours.models.ActivityKind
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    exam_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a 轮训's 考核验收 exam (no FK: may go)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class AttendanceRow(Base):
    """One officer at one activity, with the 学时 entered for them."""

    __tablename__ = "hours_attendance"

    activity_id: Mapped[int] = mapped_column(ForeignKey("hours_activities.id", ondelete="CASCADE"), primary_key=True)
    officer_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)  # normalised 警号
    hours: Mapped[float] = mapped_column(Float)


class PracticeUserRow(Base):
    """What the practice summaries of one user were computed from: their answers' count, last id, sum of ids
    and latest time, and the parameters (gap cap, first answer's minutes, a 学时's minutes, the daily cap,
    time zone, mastery threshold). A user whose answers or the parameters differ is computed again, or
    continued when only answers after these were added (``quiz.hours.summaries``). ``id_sum`` and ``last_at``
    are empty on rows an older version wrote: such a user is computed again in full once."""

    __tablename__ = "hours_practice_users"

    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer)
    params: Mapped[str] = mapped_column(String(100))
    id_sum: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MasteryProgressRow(Base):
    """Where one officer's first-mastery replay stopped: for each checklist question they answered whose item
    is not mastered yet, its item and whether their latest answer was right (``quiz.hours.mastery``)."""

    __tablename__ = "hours_mastery_progress"

    officer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item: Mapped[str] = mapped_column(String(300))
    correct: Mapped[bool] = mapped_column(Boolean)


class PracticeDayRow(Base):
    """One officer's practice minutes on one day (in the officers' time zone)."""

    __tablename__ = "hours_practice_days"

    officer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    minutes: Mapped[float] = mapped_column(Float)
    answers: Mapped[int] = mapped_column(Integer)


class MasteredRow(Base):
    """When one officer first mastered one checklist item."""

    __tablename__ = "hours_checklist_mastered"

    officer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[str] = mapped_column(String(300), primary_key=True)
    mastered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[date] = mapped_column(Date, index=True)  # mastered_at's day in the officers' time zone


class PracticeMonthRow(Base):
    """One officer's practice 学时 in one month: each day's minutes in 学时, capped and rounded, summed."""

    __tablename__ = "hours_practice_months"

    officer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    hours: Mapped[float] = mapped_column(Float)
