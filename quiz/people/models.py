"""Who acts: roles, the units an account may act on (its scope), and the signed-in account (``Actor``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


class AccountError(ValueError):
    """Input the accounts service refuses (an unknown unit, a weak password, a login taken); Chinese message."""


@dataclass(frozen=True)
class UnitInfo:
    name: str
    parent: str
    """The unit above; ``""`` at the top."""
    officers: int
    """Active officer accounts in this unit itself (not the units below)."""


@dataclass(frozen=True)
class AccountInfo:
    id: int
    login: str
    name: str
    role: Role
    unit: str
    title: str
    leader: bool
    active: bool
    has_password: bool
    must_change_password: bool
    locked_until: datetime | None


@dataclass(frozen=True)
class SignIn:
    token: str
    """The session token to hand the browser; only its SHA-256 is stored."""
    actor: Actor


class SignInReason(StrEnum):
    WRONG = "wrong"
    """Unknown login or wrong password (the same message for both)."""
    LOCKED = "locked"
    NO_PASSWORD = "no_password"
    INACTIVE = "inactive"


class SignInError(ValueError):
    """A refused sign-in; ``minutes_left``: how long a locked account stays locked."""

    def __init__(self, reason: SignInReason, message: str, minutes_left: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.minutes_left = minutes_left


class AuditAction(StrEnum):
    """The actions the accounts service records; other services record their own names through
    ``Accounts.record``."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED = "locked"
    SIGN_OUT = "sign_out"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_SET = "password_set"
    UNIT_ADDED = "unit_added"
    ACCOUNT_ADDED = "account_added"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ROSTER_IMPORTED = "roster_imported"
    ROSTER_REFUSED = "roster_refused"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    login: str
    """Who acted (for a failed sign-in: the login typed)."""
    role: Role | None
    """``None``: no account (a failed sign-in with an unknown login)."""
    unit: str
    """The unit the action concerned (the target account's, else the actor's own); ``""``: the city."""
    action: str
    target: str
    detail: str
    client: str
    """Where from: the address (and browser) the route saw, ``cli`` for the command line."""


@dataclass(frozen=True)
class RosterProblem:
    row: int
    """The row number as the spreadsheet shows it (header on row 1 → the first officer on row 2)."""
    reason: str


class RosterImportError(AccountError):
    """A roster refused as a whole: the file's name, and every bad row with its reason."""

    def __init__(self, file: str, problems: list[RosterProblem] | None = None, message: str = "") -> None:
        self.file = file
        self.problems = problems or []
        lines = [f"第 {p.row} 行：{p.reason}" for p in self.problems]
        summary = message or f"{len(self.problems)} 行有问题，整份名单未导入。"
        super().__init__(f"名单 {file} 无法导入：{summary}" + ("\n" + "\n".join(lines) if lines else ""))


@dataclass(frozen=True)
class RosterImport:
    added: int
    updated: int
    unchanged: int
