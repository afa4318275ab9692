"""A site for the 学时 and 账号 tests: one real database (SQLite or PostgreSQL) holding the question bank,
practice, accounts and 学时, two units with their administrators and officers, and sheets written with
openpyxl."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kb.base import KnowledgeBase
from quiz.bank.store import QuestionBank
from quiz.hours.service import Hours
from quiz.hours.settings import HoursSettings
from quiz.people.accounts import Accounts
from quiz.people.models import Role
from quiz.people.settings import AccountSettings
from quiz.practice.runs import Practice
from tests.app.conftest import ADMIN_PASSWORD, make_services
from xuefa.app.state import Services

EAST, WEST = "东区大队", "西区大队"
FIRST_PASSWORD = "初始-口令-2026"
NEW_PASSWORD = "新的-口令-2026-88"
ACTIVITY_HEADER = ["警号", "姓名", "活动类型", "活动名称", "日期", "学时", "证明材料", "单位"]
OFFICERS = {  # 警号: (姓名, 单位, 职务)
    "100001": ("张三", EAST, "执法队员"),
    "100002": ("李四", EAST, "大队长"),
    "200001": ("王五", WEST, "执法队员"),
}


@dataclass
class HandClock:
    now: datetime = datetime(2026, 7, 1, 4, 0, tzinfo=UTC)  # 2026-07-01 12:00 in China

    def __call__(self) -> datetime:
        return self.now


@dataclass
class HoursSite:
    services: Services
    bank: QuestionBank
    accounts: Accounts
    hours: Hours

    def close(self) -> None:
        self.bank.close()


def make_site(kb: KnowledgeBase, home: Path, database_url: str = "", clock: Any = None) -> HoursSite:
    """The site; ``clock``: the 学时 service's (default: the real one, as the app's)."""
    bank = QuestionBank(database_url or f"sqlite:///{home / 'quiz.sqlite'}")
    accounts = Accounts(bank.engine, AccountSettings(), bootstrap_password=ADMIN_PASSWORD)
    hours = (Hours(bank.engine, HoursSettings(), record=accounts.record) if clock is None
             else Hours(bank.engine, HoursSettings(), record=accounts.record, clock=clock))
    services = make_services(kb, home)
    services.bank, services.practice, services.accounts, services.hours = bank, Practice(bank), accounts, hours
    city = Accounts.system_actor()
    for unit in (EAST, WEST):
        accounts.add_unit(unit)
    for login, unit in (("east", EAST), ("west", WEST)):
        accounts.add_account(city, login, f"{unit}管理员", Role.UNIT_ADMIN, unit=unit, password=FIRST_PASSWORD)
    for login, (name, unit, title) in OFFICERS.items():
        accounts.add_account(city, login, name, Role.OFFICER, unit=unit, title=title, leader=title == "大队长",
                             password=FIRST_PASSWORD)
    return HoursSite(services, bank, accounts, hours)


def signed_in(accounts: Accounts, login: str, password: str = FIRST_PASSWORD) -> str:
    """A session token of ``login``, its first password changed to ``NEW_PASSWORD``."""
    token = accounts.sign_in(login, password).token
    actor = accounts.actor(token)
    if actor is not None and actor.must_change_password:
        accounts.change_password(token, password, NEW_PASSWORD)
    return token


def write_sheet(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path
