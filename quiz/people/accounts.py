"""The accounts service: units, accounts and roles, sign-in with sessions and lockout, the roster import,
the admins' audit. One instance per database; every method opens its own transaction.

Logins are compared in one form: an officer's is the 警号 as ``quiz.text.normalize_id`` gives it (upper
case), an administrator's the same in lower case (``admin``); a login typed either way finds the account.

The bootstrap administrator: with ``bootstrap_password`` set, the login ``admin`` is the city administrator
whose password is that setting and nothing else (its row stores no hash; a changed setting works at once and
the old one no longer does). Its password is changed by changing the setting, not here.
"""

from __future__ import annotations

import hmac
import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ingest.settings import FileLimits
from quiz.db import as_utc, create_tables, utcnow
from quiz.people.audit import add_entry, read_entries
from quiz.people.models import (
    AccessDenied,
    AccountError,
    AccountInfo,
    Actor,
    AuditAction,
    AuditEntry,
    Role,
    RosterImport,
    RosterImportError,
    RosterProblem,
    Scope,
    SignIn,
    SignInError,
    SignInReason,
    UnitInfo,
)
from quiz.people.passwords import Passwords, check_new_password, new_token, token_hash
from quiz.people.roster import MAX_LOGIN, MAX_NAME, MAX_TITLE, RosterEntry, login_usable, read_roster
from quiz.people.settings import AccountSettings
from quiz.people.tables import AccountRow, SessionRow, UnitRow
from quiz.people.units import UnitTree, checked_unit_name, unit_name
from quiz.text import normalize_id, normalize_name

log = logging.getLogger(__name__)

BOOTSTRAP_LOGIN = "admin"
SYSTEM_LOGIN = "cli"
PRACTICE_PREFIX = "badge:"
ADMIN_PRACTICE_PREFIX = "account:"
MAX_TOKEN = 200

WRONG_PASSWORD = "账号或密码不正确。"
NOT_ADMIN = "只有管理员可以管理单位和账号。"
NOT_YOURS = "无权操作：这一项不属于您管理的单位。"
CITY_ONLY = "只有市级管理员可以设置或管理市级管理员账号。"
CHANGE_FIRST = "请先修改初始密码。"


def login_forms(value: str) -> tuple[str, str]:
    """The two stored forms a typed login may have: an officer's (upper case) and an administrator's."""
    officer_form = normalize_id(value)
    return officer_form, officer_form.lower()


def stored_login(value: str, role: Role) -> str:
    officer_form, admin_form = login_forms(value)
    return officer_form if role is Role.OFFICER else admin_form


class Accounts:
    def __init__(self, engine: Engine, settings: AccountSettings, clock: Callable[[], datetime] = utcnow,
                 bootstrap_password: str = "") -> None:
        create_tables(engine)
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.bootstrap_password = bootstrap_password
        self.passwords = Passwords(PasswordHasher(time_cost=settings.hash_time_cost,
                                                  memory_cost=settings.hash_memory_kib))
        self._session = sessionmaker(engine, expire_on_commit=False)

    # -- who acts --------------------------------------------------------------------------------------------

    @staticmethod
    def system_actor() -> Actor:
        """The command line on the server: trusted as the city administrator, audited as ``cli``."""
        return Actor(account_id=0, login=SYSTEM_LOGIN, name="命令行", role=Role.CITY_ADMIN, unit="",
                     scope=Scope.everything())

    @staticmethod
    def practice_user(actor: Actor) -> str:
        """The id practice records are kept under: ``badge:<警号>`` for an officer (where the records made
        before signing in with that 警号 already are), ``account:<login>`` for an administrator."""
        prefix = PRACTICE_PREFIX if actor.role is Role.OFFICER else ADMIN_PRACTICE_PREFIX
        return prefix + actor.login

    # -- units -----------------------------------------------------------------------------------------------

    def add_unit(self, name: str, parent: str = "", *, actor: Actor | None = None, client: str = "") -> None:
        """Add a unit below ``parent`` (``""``: at the top); nothing happens if it exists below that parent.
        With ``actor``: checked (a unit administrator adds below its own units only) and audited."""
        name, parent = checked_unit_name(name), unit_name(parent)
        if actor is not None:
            _require_admin(actor)
            if not actor.scope.covers(parent):
                raise AccessDenied(NOT_YOURS)
        with self._session.begin() as s:
            tree = UnitTree.load(s)
            if name in tree:
                if tree.parents[name] != parent:
                    above = tree.parents[name] or "无（顶级单位）"
                    raise AccountError(f"单位“{name}”已存在，上级单位是“{above}”。")
                return
            if parent and parent not in tree:
                raise AccountError(f"上级单位“{parent}”不存在，请先添加它。")
            s.add(UnitRow(name=name, parent_id=tree.ids[parent] if parent else None, created_at=self.clock()))
            if actor is not None:
                self._audit(s, actor, AuditAction.UNIT_ADDED, target=name, unit=parent,
                            detail=f"上级单位：{parent or '无'}", client=client)

    def units(self, scope: Scope | None = None) -> list[UnitInfo]:
        """The units (of ``scope``; ``None``: all), each after the unit above it, with their officers."""
        with self._session() as s:
            tree = UnitTree.load(s)
            counts = dict(s.execute(
                select(AccountRow.unit_id, func.count()).where(AccountRow.role == Role.OFFICER.value,
                                                               AccountRow.active.is_(True))
                .group_by(AccountRow.unit_id)).tuples().all())
        return [UnitInfo(name, tree.parents[name], counts.get(tree.ids[name], 0))
                for name in tree.ordered() if scope is None or scope.covers(name)]

    def scope_of(self, unit: str) -> Scope:
        """The unit and every unit below it; AccountError for an unknown unit."""
        with self._session() as s:
            found = UnitTree.load(s).subtree(unit_name(unit))
        if not found:
            raise AccountError(f"没有名为“{unit_name(unit)}”的单位。")
        return Scope(found)

    # -- accounts --------------------------------------------------------------------------------------------

    def add_account(self, actor: Actor, login: str, name: str, role: Role, unit: str = "", title: str = "",
                    leader: bool = False, password: str = "", *, client: str = "") -> AccountInfo:
        """A new account; with ``password`` it must be changed at the first sign-in, without one the account
        cannot sign in until an administrator sets one."""
        role = Role(role)
        login = stored_login(login, role)
        name = normalize_name(name)
        unit = "" if role is Role.CITY_ADMIN else unit_name(unit)
        title = title.strip()
        _check_login(login)
        if login.lower() in self._reserved_logins():
            raise AccountError(f"账号“{login}”是系统保留的账号名。")
        if not name or len(name) > MAX_NAME:
            raise AccountError(f"姓名不能为空，也不能超过 {MAX_NAME} 个字。")
        if len(title) > MAX_TITLE:
            raise AccountError(f"职务不能超过 {MAX_TITLE} 个字。")
        if role is not Role.CITY_ADMIN and not unit:
            raise AccountError(f"{role.label}账号需要填写所属单位。")
        _require_manager(actor, role, unit)
        if password:
            check_new_password(password, login, self.settings.min_password_length)
        password_hash = self.passwords.hash(password) if password else ""
        with self._session.begin() as s:
            tree = UnitTree.load(s)
            if unit and unit not in tree:
                raise AccountError(f"单位“{unit}”不存在，请先添加它。")
            if _find(s, login) is not None:
                raise AccountError(f"账号“{login}”已存在。")
            row = AccountRow(login=login, name=name, role=role.value, unit_id=tree.ids[unit] if unit else None,
                             title=title, leader=leader, password_hash=password_hash,
                             must_change_password=True, failed_logins=0, active=True, created_at=self.clock())
            s.add(row)
            s.flush()
            self._audit(s, actor, AuditAction.ACCOUNT_ADDED, target=login, unit=unit,
                        detail=f"{role.label} {name}" + ("（已设初始密码）" if password else ""), client=client)
            return _info(row, tree)

    def accounts(self, actor: Actor, unit: str | None = None, role: Role | None = None) -> list[AccountInfo]:
        """The accounts the actor may see: ``unit`` and the units below it (``None``: every unit of the
        actor's scope; the city administrators too for the city administrator), of ``role`` if given."""
        _require_admin(actor)
        with self._session() as s:
            tree = UnitTree.load(s)
            query = select(AccountRow)
            if unit is not None:
                name = unit_name(unit)
                if name and not actor.scope.covers(name):
                    raise AccessDenied(NOT_YOURS)
                if name and name not in tree:
                    raise AccountError(f"没有名为“{name}”的单位。")
                wanted = tree.subtree(name) if name else frozenset()
                query = query.where(AccountRow.unit_id.in_([tree.ids[u] for u in wanted]) if name
                                    else AccountRow.unit_id.is_(None))
            elif actor.scope.units is not None:
                query = query.where(AccountRow.unit_id.in_([tree.ids[u] for u in actor.scope.units if u in tree]))
            if role is not None:
                query = query.where(AccountRow.role == Role(role).value)
            rows = list(s.scalars(query))
        order = {name: i for i, name in enumerate(tree.ordered())}
        names = tree.names_by_id()
        rows.sort(key=lambda r: (order.get(names.get(r.unit_id or -1, ""), -1), r.role, r.login))
        return [_info(row, tree) for row in rows]

    def officer(self, officer_id: str) -> AccountInfo | None:
        """The account whose login is this 警号 (normalised), of any role; ``None`` if there is none."""
        with self._session() as s:
            row = _find(s, officer_id)
            return _info(row, UnitTree.load(s)) if row is not None else None

    def import_roster(self, actor: Actor, path: Path, limits: FileLimits | None = None,
                      create_units: bool = False, *, client: str = "") -> RosterImport:
        """Officers from a roster file, inserted or updated by 警号 in one transaction; a file with any bad
        row is refused whole (RosterImportError naming each row and why) and nothing is written.

        Imported officers get no password (they cannot sign in until an administrator sets one); an officer
        on the roster whose account was deactivated is active again. ``create_units``: a unit the database
        lacks is made, below the actor's unit for a unit administrator, at the top for the city."""
        _require_admin(actor)
        try:
            return self._import_roster(actor, path, limits, create_units, client)
        except RosterImportError as e:
            with self._session.begin() as s:
                self._audit(s, actor, AuditAction.ROSTER_REFUSED, target=path.name, detail=str(e), client=client)
            raise

    def _import_roster(self, actor: Actor, path: Path, limits: FileLimits | None, create_units: bool,
                       client: str) -> RosterImport:
        sheet = read_roster(path, limits)
        with self._session.begin() as s:
            tree = UnitTree.load(s)
            logins = {form for e in sheet.entries for form in login_forms(e.officer_id)}
            existing = {normalize_id(row.login): row
                        for row in s.scalars(select(AccountRow).where(AccountRow.login.in_(logins)))}
            names = tree.names_by_id()
            problems = sorted(sheet.problems + [
                problem for entry in sheet.entries
                if (problem := _scope_problem(actor, entry, tree, existing.get(entry.officer_id), names,
                                              create_units, sheet.id_header)) is not None],
                key=lambda p: p.row)
            if problems:
                raise RosterImportError(path.name, problems)
            parent_of_new = tree.ids.get(actor.unit) if actor.role is Role.UNIT_ADMIN else None
            for new_unit in sorted({e.unit for e in sheet.entries} - set(tree.ids)):
                row = UnitRow(name=new_unit, parent_id=parent_of_new, created_at=self.clock())
                s.add(row)
                s.flush()
                tree.ids[new_unit] = row.id
            added = updated = unchanged = 0
            for entry in sheet.entries:
                account = existing.get(entry.officer_id)
                unit_id = tree.ids[entry.unit]
                if account is None:
                    s.add(AccountRow(login=entry.officer_id, name=entry.name, role=Role.OFFICER.value,
                                     unit_id=unit_id, title=entry.title, leader=entry.leader, password_hash="",
                                     must_change_password=True, failed_logins=0, active=True,
                                     created_at=self.clock()))
                    added += 1
                elif (account.name, account.unit_id, account.title, account.leader, account.active) == (
                        entry.name, unit_id, entry.title, entry.leader, True):
                    unchanged += 1
                else:
                    account.name, account.unit_id, account.title = entry.name, unit_id, entry.title
                    account.leader, account.active = entry.leader, True
                    updated += 1
            result = RosterImport(added, updated, unchanged)
            self._audit(s, actor, AuditAction.ROSTER_IMPORTED, target=path.name,
                        detail=f"新增 {added} 人，更新 {updated} 人，未变 {unchanged} 人", client=client)
        return result

    def set_password(self, actor: Actor, login: str, password: str, *, client: str = "") -> None:
        """An administrator sets an account's password: it must be changed at the next sign-in; the account's
        sessions end and a lock is lifted."""
        with self._session.begin() as s:
            row, unit = self._managed(s, actor, login)
            if self._is_bootstrap(row.login):
                raise AccountError("admin 的密码由设置 admin_password 决定，请修改该设置。")
            check_new_password(password, row.login, self.settings.min_password_length)
            row.password_hash = self.passwords.hash(password)
            row.must_change_password = True
            row.failed_logins = 0
            row.locked_until = None
            s.execute(delete(SessionRow).where(SessionRow.account_id == row.id))
            self._audit(s, actor, AuditAction.PASSWORD_SET, target=row.login, unit=unit, client=client)

    def deactivate(self, actor: Actor, login: str, *, client: str = "") -> None:
        """The account can no longer sign in, and its sessions end; its records stay."""
        with self._session.begin() as s:
            row, unit = self._managed(s, actor, login)
            if row.id == actor.account_id:
                raise AccountError("不能停用自己的账号。")
            if self._is_bootstrap(row.login):
                raise AccountError("admin 由设置 admin_password 启用；要停用它，请清空该设置。")
            row.active = False
            s.execute(delete(SessionRow).where(SessionRow.account_id == row.id))
            self._audit(s, actor, AuditAction.ACCOUNT_DEACTIVATED, target=row.login, unit=unit, client=client)

    # -- signing in ------------------------------------------------------------------------------------------

    def sign_in(self, login: str, password: str, client: str = "") -> SignIn:
        """A new session, or SignInError: an unknown login and a wrong password read the same and take the
        same time; ``lockout_failures`` wrong passwords in a row lock the account for ``lockout_minutes``."""
        now = as_utc(self.clock())
        with self._session() as s:
            outcome = self._sign_in(s, login, password, client, now)
            s.commit()
        if isinstance(outcome, SignInError):
            raise outcome
        return outcome

    def actor(self, token: str) -> Actor | None:
        """The signed-in account of a session token; ``None`` for an unknown, expired or ended session, an
        account since deactivated, or anything that is not a token."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
            return None
        now = as_utc(self.clock())
        try:
            with self._session() as s:
                found = s.execute(select(SessionRow, AccountRow).join(AccountRow,
                                                                      AccountRow.id == SessionRow.account_id)
                                  .where(SessionRow.token_hash == token_hash(token))).first()
                if found is None:
                    return None
                session_row, row = found.tuple()
                if as_utc(session_row.expires_at) <= now or not row.active or self._bootstrap_gone(row):
                    return None
                return _actor(row, UnitTree.load(s))
        except SQLAlchemyError:
            log.exception("reading a session failed")
            return None

    def sign_out(self, token: str) -> None:
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
            return
        with self._session.begin() as s:
            found = s.execute(select(SessionRow, AccountRow).join(AccountRow,
                                                                  AccountRow.id == SessionRow.account_id)
                              .where(SessionRow.token_hash == token_hash(token))).first()
            if found is None:
                return
            session_row, row = found.tuple()
            if Role(row.role).admin:
                tree = UnitTree.load(s)
                add_entry(s, as_utc(self.clock()), row.login, Role(row.role), tree.name_of(row.unit_id),
                          AuditAction.SIGN_OUT, client=session_row.client)
            s.delete(session_row)

    def change_password(self, token: str, old: str, new: str) -> Actor:
        """The signed-in account changes its own password (this clears ``must_change_password``); its other
        sessions end. AccountError: not signed in, a wrong old password (it counts towards the lockout), a
        new password the rules refuse."""
        now = as_utc(self.clock())
        with self._session() as s:
            found = s.execute(select(SessionRow, AccountRow).join(AccountRow,
                                                                  AccountRow.id == SessionRow.account_id)
                              .where(SessionRow.token_hash == token_hash(token))).first()
            if found is None or as_utc(found[0].expires_at) <= now or not found[1].active:
                raise AccountError("登录已过期，请重新登录。")
            session_row, row = found.tuple()
            if self._is_bootstrap(row.login):
                raise AccountError("admin 的密码由设置 admin_password 决定，请修改该设置。")
            tree = UnitTree.load(s)
            unit = tree.name_of(row.unit_id)
            verified = self.passwords.verify(row.password_hash, old)
            if not verified.ok:
                row.failed_logins += 1
                add_entry(s, now, row.login, Role(row.role), unit, AuditAction.SIGN_IN_FAILED,
                          target=row.login, detail="修改密码时原密码不正确", client=session_row.client)
                if row.failed_logins >= self.settings.lockout_failures:
                    self._lock(s, row, unit, now, session_row.client)
                s.commit()
                raise AccountError("原密码不正确。")
            if new == old:
                raise AccountError("新密码不能与原密码相同。")
            check_new_password(new, row.login, self.settings.min_password_length)
            row.password_hash = self.passwords.hash(new)
            row.must_change_password = False
            row.failed_logins = 0
            s.execute(delete(SessionRow).where(SessionRow.account_id == row.id,
                                               SessionRow.token_hash != session_row.token_hash))
            add_entry(s, now, row.login, Role(row.role), unit, AuditAction.PASSWORD_CHANGED, target=row.login,
                      client=session_row.client)
            actor = _actor(row, tree)
            s.commit()
        return actor

    # -- the admins' audit ------------------------------------------------------------------------------------

    def record(self, actor: Actor, action: str, target: str = "", detail: str = "", client: str = "", *,
               unit: str | None = None) -> None:
        """Write one audit entry for an action another service carried out; ``unit``: the unit the action
        concerned (default: the actor's own)."""
        with self._session.begin() as s:
            self._audit(s, actor, action, target=target, detail=detail, client=client, unit=unit)

    def audit(self, actor: Actor, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
        """The newest entries about the units of the actor's scope (all of them for the city)."""
        _require_admin(actor)
        with self._session() as s:
            return read_entries(s, actor.scope, limit, action)

    # -- inside --------------------------------------------------------------------------------------------

    def _reserved_logins(self) -> set[str]:
        return {SYSTEM_LOGIN} | ({BOOTSTRAP_LOGIN} if self.bootstrap_password else set())

    def _bootstrap_gone(self, row: AccountRow) -> bool:
        """The bootstrap account after its setting was emptied: its sessions end too."""
        return not self.bootstrap_password and row.login == BOOTSTRAP_LOGIN and not row.password_hash

    def _is_bootstrap(self, login: str) -> bool:
        return bool(self.bootstrap_password) and login == BOOTSTRAP_LOGIN

    def _audit(self, s: Session, actor: Actor, action: str, target: str = "", detail: str = "",
               client: str = "", unit: str | None = None) -> None:
        add_entry(s, as_utc(self.clock()), actor.login, actor.role, actor.unit if unit is None else unit,
                  action, target=target, detail=detail, client=client)

    def _managed(self, s: Session, actor: Actor, login: str) -> tuple[AccountRow, str]:
        """The account ``login`` and its unit, if the actor may manage it."""
        _require_admin(actor)
        row = _find(s, login)
        if row is None:
            raise AccountError(f"没有账号“{normalize_id(login)}”。")
        unit = UnitTree.load(s).name_of(row.unit_id)
        _require_manager(actor, Role(row.role), unit)
        return row, unit

    def _sign_in(self, s: Session, login: str, password: str, client: str,
                 now: datetime) -> SignIn | SignInError:
        typed = normalize_id(login)[:MAX_LOGIN]
        row = self._bootstrap_row(s, now) if self._is_bootstrap(typed.lower()) else _find(s, login)
        if row is None:
            self.passwords.verify("", password)
            add_entry(s, now, typed, None, "", AuditAction.SIGN_IN_FAILED, target=typed, detail="账号不存在",
                      client=client)
            return SignInError(SignInReason.WRONG, WRONG_PASSWORD)
        tree = UnitTree.load(s)
        role, unit = Role(row.role), tree.name_of(row.unit_id)
        if row.locked_until is not None and as_utc(row.locked_until) > now:
            minutes = max(1, math.ceil((as_utc(row.locked_until) - now).total_seconds() / 60))
            add_entry(s, now, row.login, role, unit, AuditAction.SIGN_IN_FAILED, target=row.login,
                      detail="账号已锁定", client=client)
            return _locked_error(minutes)
        if self._is_bootstrap(row.login):
            right = hmac.compare_digest(password.encode("utf-8"), self.bootstrap_password.encode("utf-8"))
        elif not row.password_hash:
            self.passwords.verify("", password)
            return SignInError(SignInReason.NO_PASSWORD, "账号尚未设置密码，请联系单位管理员设置初始密码。")
        else:
            verified = self.passwords.verify(row.password_hash, password)
            right = verified.ok
            if verified.new_hash:
                row.password_hash = verified.new_hash
        if not right:
            row.failed_logins += 1
            add_entry(s, now, row.login, role, unit, AuditAction.SIGN_IN_FAILED, target=row.login,
                      detail=f"密码错误（连续第 {row.failed_logins} 次）", client=client)
            if row.failed_logins >= self.settings.lockout_failures:
                return self._lock(s, row, unit, now, client)
            return SignInError(SignInReason.WRONG, WRONG_PASSWORD)
        if not row.active:
            return SignInError(SignInReason.INACTIVE, "账号已停用，请联系管理员。")
        row.failed_logins = 0
        row.locked_until = None
        token = new_token()
        s.execute(delete(SessionRow).where(SessionRow.expires_at <= now))
        s.add(SessionRow(token_hash=token_hash(token), account_id=row.id, issued_at=now,
                         expires_at=now + timedelta(hours=self.settings.session_hours), client=client[:300]))
        if role.admin:
            add_entry(s, now, row.login, role, unit, AuditAction.SIGN_IN, target=row.login, client=client)
        return SignIn(token, _actor(row, tree))

    def _lock(self, s: Session, row: AccountRow, unit: str, now: datetime, client: str) -> SignInError:
        minutes = self.settings.lockout_minutes
        row.locked_until = now + timedelta(minutes=minutes)
        add_entry(s, now, row.login, Role(row.role), unit, AuditAction.LOCKED, target=row.login,
                  detail=f"连续 {row.failed_logins} 次密码错误，锁定 {minutes:g} 分钟", client=client)
        row.failed_logins = 0
        s.execute(delete(SessionRow).where(SessionRow.account_id == row.id))
        return _locked_error(math.ceil(minutes))

    def _bootstrap_row(self, s: Session, now: datetime) -> AccountRow:
        """The ``admin`` row, made on first use and kept the city administrator the setting says it is."""
        row = _find(s, BOOTSTRAP_LOGIN)
        if row is None:
            row = AccountRow(login=BOOTSTRAP_LOGIN, name="市级管理员", role=Role.CITY_ADMIN.value, unit_id=None,
                             title="", leader=False, password_hash="", must_change_password=False,
                             failed_logins=0, active=True, created_at=now)
            s.add(row)
            s.flush()
        else:
            row.role, row.unit_id, row.active = Role.CITY_ADMIN.value, None, True
            row.password_hash, row.must_change_password = "", False
        return row


def _locked_error(minutes: int) -> SignInError:
    return SignInError(SignInReason.LOCKED, f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试。", minutes)


def _check_login(login: str) -> None:
    if not login:
        raise AccountError("账号不能为空。")
    if len(login) > MAX_LOGIN:
        raise AccountError(f"账号不能超过 {MAX_LOGIN} 个字符。")
    if not login_usable(login):
        raise AccountError("账号只能含有文字、数字、字母和“-”“_”“.”等符号。")


def _require_admin(actor: Actor) -> None:
    if not actor.admin:
        raise AccessDenied(NOT_ADMIN)
    if actor.must_change_password:
        raise AccessDenied(CHANGE_FIRST)


def _require_manager(actor: Actor, role: Role, unit: str) -> None:
    """May ``actor`` create or change an account of ``role`` in ``unit``?"""
    _require_admin(actor)
    if role is Role.CITY_ADMIN and actor.role is not Role.CITY_ADMIN:
        raise AccessDenied(CITY_ONLY)
    if not actor.scope.covers(unit):
        raise AccessDenied(NOT_YOURS)


def _find(s: Session, login: str) -> AccountRow | None:
    return s.scalars(select(AccountRow).where(AccountRow.login.in_(set(login_forms(login)))).limit(1)).first()


def _scope(role: Role, unit: str, tree: UnitTree) -> Scope:
    if role is Role.CITY_ADMIN:
        return Scope.everything()
    if role is Role.UNIT_ADMIN:
        return Scope(tree.subtree(unit))
    return Scope(frozenset({unit}) if unit else frozenset())


def _actor(row: AccountRow, tree: UnitTree) -> Actor:
    role = Role(row.role)
    unit = "" if role is Role.CITY_ADMIN else tree.name_of(row.unit_id)
    return Actor(account_id=row.id, login=row.login, name=row.name, role=role, unit=unit,
                 scope=_scope(role, unit, tree), must_change_password=row.must_change_password, leader=row.leader)


def _info(row: AccountRow, tree: UnitTree) -> AccountInfo:
    return AccountInfo(id=row.id, login=row.login, name=row.name, role=Role(row.role),
                       unit=tree.name_of(row.unit_id), title=row.title, leader=row.leader, active=row.active,
                       has_password=bool(row.password_hash), must_change_password=row.must_change_password,
                       locked_until=as_utc(row.locked_until) if row.locked_until else None)


def _scope_problem(actor: Actor, entry: RosterEntry, tree: UnitTree, account: AccountRow | None,
                   names: dict[int, str], create_units: bool, id_header: str) -> RosterProblem | None:
    """What the database says against one well-formed roster row, if anything."""
    if entry.unit not in tree and not create_units:
        return RosterProblem(entry.row, f"单位“{entry.unit}”不存在（请先添加该单位，或选择自动创建单位）")
    if entry.unit in tree and not actor.scope.covers(entry.unit):
        return RosterProblem(entry.row, f"单位“{entry.unit}”不在您管理的范围内")
    if account is None:
        return None
    if Role(account.role) is not Role.OFFICER:
        return RosterProblem(entry.row, f"{id_header} {entry.officer_id} 已是管理员账号，不能作为执法人员导入")
    current = names.get(account.unit_id or -1, "")
    if not actor.scope.covers(current):
        return RosterProblem(entry.row, f"{id_header} {entry.officer_id} 已是其他单位的人员，"
                                        "请由市级管理员调整其单位")
    return None
