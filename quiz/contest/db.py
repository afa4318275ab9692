"""Tables of the contests, on the question bank's database (``quiz.db.Base``).

A contest's whole state is one JSON document (``quiz.contest.codec``) in its row, written in one
transaction with its version on every change; the buzzer codes of its teams have their own table, so
that a code is unique across contests and a phone finds its team with one lookup.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quiz.db import Base, utcnow


class ContestRow(Base):
    __tablename__ = "contest_contests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    phase: Mapped[str] = mapped_column(String(16), default="idle")
    version: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    unit: Mapped[str] = mapped_column(String(200), default="", server_default="", index=True)
    """The unit that owns the contest (its administrators host it); ``""``: the city's."""


class ContestTeamRow(Base):
    __tablename__ = "contest_teams"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest_contests.id", ondelete="CASCADE"), index=True)
    team: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
