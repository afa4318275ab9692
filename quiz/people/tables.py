"""Tables of units, accounts, sessions and the admins' audit (in the question bank's database)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quiz.db import Base, utcnow


class UnitRow(Base):
    """A unit (支队, 大队, 中队 …); ``parent_id`` the unit above it, ``None`` at the top."""

    __tablename__ = "people_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("people_units.id", ondelete="RESTRICT"), nullable=True,
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AccountRow(Base):
    """An account. ``login``: the 警号 (normalised, ``quiz.text.normalize_id``) for officers, any name for
    administrators. ``password_hash`` empty: the account cannot sign in until a password is set."""

    __tablename__ = "people_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), index=True)  # quiz.people.models.Role
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("people_units.id", ondelete="RESTRICT"), nullable=True,
                                                index=True)
    title: Mapped[str] = mapped_column(String(100), default="")  # 职务
    leader: Mapped[bool] = mapped_column(Boolean, default=False)  # 领导班子成员
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SessionRow(Base):
    """A signed-in session: only the token's SHA-256 is stored."""

    __tablename__ = "people_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("people_accounts.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    client: Mapped[str] = mapped_column(String(300), default="")


class AdminAuditRow(Base):
    """One administrator's action: who, what, on what, when, from where."""

    __tablename__ = "people_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    login: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    client: Mapped[str] = mapped_column(String(300), default="")
