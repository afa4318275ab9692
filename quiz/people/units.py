"""The tree of units as read from ``people_units``: names, parents, the units below a unit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.people.models import AccountError
from quiz.people.tables import UnitRow
from quiz.text import normalize_name

MAX_UNIT_NAME = 200


def unit_name(value: str) -> str:
    """A unit's name as stored and compared: NFKC, no spaces."""
    return normalize_name(value)


def checked_unit_name(value: str) -> str:
    name = unit_name(value)
    if not name:
        raise AccountError("单位名称不能为空。")
    if len(name) > MAX_UNIT_NAME:
        raise AccountError(f"单位名称不能超过 {MAX_UNIT_NAME} 个字。")
    return name


@dataclass(frozen=True)
class UnitTree:
    ids: dict[str, int]
    """Unit name → row id."""
    parents: dict[str, str]
    """Unit name → the name of the unit above (``""`` at the top)."""

    @classmethod
    def load(cls, session: Session) -> UnitTree:
        rows = session.execute(select(UnitRow.id, UnitRow.name, UnitRow.parent_id)).all()
        names = {row.id: row.name for row in rows}
        return cls(ids={row.name: row.id for row in rows},
                   parents={row.name: names.get(row.parent_id, "") if row.parent_id else "" for row in rows})

    def __contains__(self, name: object) -> bool:
        return name in self.ids

    def name_of(self, unit_id: int | None) -> str:
        if unit_id is None:
            return ""
        for name, found in self.ids.items():
            if found == unit_id:
                return name
        return ""

    def names_by_id(self) -> dict[int, str]:
        return {unit_id: name for name, unit_id in self.ids.items()}

    def subtree(self, name: str) -> frozenset[str]:
        """``name`` and every unit below it (empty for an unknown unit)."""
        if name not in self.ids:
            return frozenset()
        children: dict[str, list[str]] = {}
        for child, parent in self.parents.items():
            children.setdefault(parent, []).append(child)
        found, todo = {name}, [name]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return frozenset(found)

    def ordered(self) -> list[str]:
        """Every unit, each after the unit above it; siblings by name."""
        children: dict[str, list[str]] = {}
        for child, parent in self.parents.items():
            children.setdefault(parent, []).append(child)
        result: list[str] = []
        todo = sorted(children.get("", []), reverse=True)
        while todo:
            name = todo.pop()
            result.append(name)
            todo.extend(sorted(children.get(name, []), reverse=True))
        return result
