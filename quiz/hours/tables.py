"""Tables of the 学时 records (in the question bank's database): the rules per year, offline activities and
who attended them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quiz.db import Base, utcnow


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
    unit_id: Mapped[int] = mapped_column(ForeignKey("people_units.id", ondelete="RESTRICT"))
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
