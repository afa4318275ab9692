"""Who acts: roles, the units an account may act on (its scope), and the signed-in account (``Actor``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    """An officer: their own practice, exams and 学时."""
    UNIT_ADMIN = "unit_admin"
    """A unit's administrator: their unit and the units below it."""
    CITY_ADMIN = "city_admin"
    """The city administrator (法规处): every unit, the 学时 rules, the accounts of unit administrators."""

    @property
    def label(self) -> str:
        return {"officer": "执法人员", "unit_admin": "单位管理员", "city_admin": "市级管理员"}[self.value]

    @property
    def admin(self) -> bool:
        return self is not Role.OFFICER


@dataclass(frozen=True)
class Scope:
    """The units an account may see and change. ``units is None``: every unit, and what belongs to none
    (city-level exams and contests); otherwise the named units only."""

    units: frozenset[str] | None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @property
    def all_units(self) -> bool:
        return self.units is None

    def covers(self, unit: str) -> bool:
        """May this scope act on something owned by ``unit`` (``""``: the city's own)?"""
        return self.units is None or unit in self.units


@dataclass(frozen=True)
class Actor:
    """A signed-in account as the services see it; built by ``Accounts`` from a session, never by the UI."""

    account_id: int
    login: str
    name: str
    role: Role
    unit: str
    """The account's unit name; ``""`` for the city administrator."""
    scope: Scope
    must_change_password: bool = False
    leader: bool = False
    """领导班子成员: their quarterly study is tracked."""

    @property
    def admin(self) -> bool:
        return self.role.admin

    def may(self, unit: str) -> bool:
        return self.admin and self.scope.covers(unit)


class AccessDenied(PermissionError):
    """An account acted outside its role or its units. The message is Chinese and names no other unit's data."""
