"""The admins' audit: rows written in the caller's transaction, read back within a scope."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.db import as_utc
from quiz.people.models import AuditEntry, Role, Scope
from quiz.people.tables import AdminAuditRow

MAX_LOGIN = 64
MAX_TARGET = 300
MAX_CLIENT = 300
MAX_DETAIL = 4000


def add_entry(session: Session, at: datetime, login: str, role: Role | None, unit: str, action: str,
              target: str = "", detail: str = "", client: str = "") -> None:
    session.add(AdminAuditRow(at=at, login=login[:MAX_LOGIN], role=role.value if role else "", unit=unit[:200],
                              action=str(action)[:60], target=target[:MAX_TARGET], detail=detail[:MAX_DETAIL],
                              client=client[:MAX_CLIENT]))


def read_entries(session: Session, scope: Scope, limit: int, action: str | None) -> list[AuditEntry]:
    """The newest entries first; a scope of named units sees only the entries about those units."""
    query = select(AdminAuditRow).order_by(AdminAuditRow.at.desc(), AdminAuditRow.id.desc()).limit(max(limit, 0))
    if scope.units is not None:
        query = query.where(AdminAuditRow.unit.in_(sorted(scope.units)))
    if action:
        query = query.where(AdminAuditRow.action == action)
    return [AuditEntry(at=as_utc(row.at), login=row.login, role=Role(row.role) if row.role else None,
                       unit=row.unit, action=row.action, target=row.target, detail=row.detail, client=row.client)
            for row in session.scalars(query)]
