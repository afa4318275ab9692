"""Contests owned by units (issue 13): the owner stored, read back after a restart, and the listing filtered
by an account's scope; an older database without the column opened; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from quiz.bank.store import QuestionBank
from quiz.contest.clock import ManualClock
from quiz.contest.model import RoundKind, RoundSpec
from quiz.contest.service import ContestNotFound, ContestService
from quiz.people.models import Scope
from quiz.settings import QuizSettings

EAST = Scope(frozenset({"东区大队", "东区一中队"}))


@pytest.fixture()
def bank(database_url: str) -> Iterator[QuestionBank]:
    b = QuestionBank(database_url)
    yield b
    b.close()


def service(bank: QuestionBank) -> ContestService:
    return ContestService(bank, QuizSettings(seed=7), ManualClock())


def test_a_contest_carries_its_unit_and_a_scope_lists_only_its_units(bank: QuestionBank) -> None:
    contests = service(bank)
    city = contests.create("全市竞赛", ["甲", "乙"], [RoundSpec(RoundKind.BUZZ)])
    east = contests.create_standard("东区竞赛", ["甲", "乙"], 1, 1, 0, unit="东区一中队")
    west = contests.create("西区竞赛", ["甲", "乙"], unit="西区大队")
    again = service(bank)  # a restarted server reads the owners back
    assert {s.code: s.unit for s in again.contests()} == {city.code: "", east.code: "东区一中队", west.code: "西区大队"}
    assert {s.code for s in again.contests(Scope.everything())} == {city.code, east.code, west.code}
    assert [s.code for s in again.contests(EAST)] == [east.code]
    assert again.owner(west.code.lower()) == "西区大队" and again.owner(city.code) == ""
    with pytest.raises(ContestNotFound):
        again.owner("NOPE99")


def test_an_older_database_without_the_unit_column_opens_and_its_contests_are_the_citys(bank: QuestionBank) -> None:
    old = service(bank).create("旧竞赛", ["甲", "乙"])
    with bank.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_contest_contests_unit"))
        conn.execute(text("ALTER TABLE contest_contests DROP COLUMN unit"))
    reopened = service(bank)
    assert [(s.code, s.unit) for s in reopened.contests()] == [(old.code, "")]
    assert reopened.contests(EAST) == []
