"""Units and officers as the 学时 records need them, read from the people tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.hours.models import Officer
from quiz.people.models import Role
from quiz.people.tables import AccountRow, UnitRow


@dataclass(frozen=True)
class Directory:
    """Every unit (name → id, id → parent) and every active officer account (警号 → officer)."""

    unit_ids: dict[str, int]
    parents: dict[int, int | None]
    officers: dict[str, Officer]

    @classmethod
    def load(cls, session: Session) -> Directory:
        units = session.execute(select(UnitRow.id, UnitRow.name, UnitRow.parent_id)).tuples().all()
        names = {uid: name for uid, name, _ in units}
        officers = {
            login: Officer(login, name, names.get(unit_id, "") if unit_id is not None else "", title, bool(leader))
            for login, name, unit_id, title, leader in session.execute(
                select(AccountRow.login, AccountRow.name, AccountRow.unit_id, AccountRow.title, AccountRow.leader)
                .where(AccountRow.role == Role.OFFICER.value, AccountRow.active.is_(True))
            ).tuples()
        }
        return cls({name: uid for uid, name, _ in units}, {uid: parent for uid, _, parent in units}, officers)

    def unit_names(self) -> list[str]:
        return sorted(self.unit_ids)

    def subtree(self, unit: str) -> set[str]:
        """The unit and every unit below it."""
        names = {uid: name for name, uid in self.unit_ids.items()}
        children: dict[int | None, list[int]] = {}
        for uid, parent in self.parents.items():
            children.setdefault(parent, []).append(uid)
        out, todo = set(), [self.unit_ids[unit]]
        while todo:
            uid = todo.pop()
            if names[uid] in out:
                continue
            out.add(names[uid])
            todo.extend(children.get(uid, []))
        return out

    def members(self, units: Iterable[str]) -> list[Officer]:
        wanted = set(units)
        return sorted((o for o in self.officers.values() if o.unit in wanted), key=lambda o: (o.unit, o.officer_id))
