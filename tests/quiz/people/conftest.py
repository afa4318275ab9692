"""Fixtures of the accounts tests: the real service over a fresh SQLite file or PostgreSQL database, a hand
clock, and roster files written with openpyxl."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from quiz.db import make_engine
from quiz.people.accounts import Accounts
from quiz.people.models import Actor, Role
from quiz.people.settings import AccountSettings

BOOTSTRAP = "城市管理员-初始口令1"
FAST_HASHING = {"hash_time_cost": 1, "hash_memory_kib": 1024}
"""argon2id at its cheapest: the tests sign in hundreds of times (the cost is a setting; the default is 64 MiB)."""
HEADER = ("警号", "姓名", "单位", "职务", "领导班子成员")


@dataclass
class HandClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 8, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture()
def clock() -> HandClock:
    return HandClock()


@pytest.fixture()
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def make_accounts(engine: Engine, clock: HandClock) -> Callable[..., Accounts]:
    """Accounts over the test's database; keyword arguments override the settings or the bootstrap password."""

    def make(bootstrap_password: str = BOOTSTRAP, **settings: float) -> Accounts:
        return Accounts(engine, AccountSettings(**(FAST_HASHING | settings)), clock=clock, bootstrap_password=bootstrap_password)

    return make


@pytest.fixture()
def accounts(make_accounts: Callable[..., Accounts]) -> Accounts:
    return make_accounts()


@pytest.fixture()
def city(accounts: Accounts) -> Actor:
    """The city administrator, signed in with the bootstrap password."""
    return accounts.sign_in("admin", BOOTSTRAP, client="10.0.0.1").actor


@pytest.fixture()
def units(accounts: Accounts) -> list[str]:
    """市局 → 一支队 → 一大队, 二大队; 市局 → 二支队."""
    for name, parent in (("市局", ""), ("一支队", "市局"), ("一大队", "一支队"), ("二大队", "一支队"),
                         ("二支队", "市局")):
        accounts.add_unit(name, parent)
    return ["市局", "一支队", "一大队", "二大队", "二支队"]


def sign_in_as(accounts: Accounts, actor: Actor, login: str, role: Role, unit: str,
               password: str = "第一次的密码ab1") -> Actor:
    """A new account of ``role`` made by ``actor``, signed in with its first password changed."""
    accounts.add_account(actor, login, f"{login}的姓名", role, unit=unit, password=password)
    token = accounts.sign_in(login, password).token
    return accounts.change_password(token, password, password + "新")


def write_roster(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER,
                 title: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path
