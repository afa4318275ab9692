"""Fixtures of the 学时 tests: a real database (SQLite or PostgreSQL) with units and officer accounts
inserted straight into the people tables, and helpers that write practice answers, exam sittings and
checklist questions the way their own services store them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from quiz.db import AttemptRow, ChecklistItemRow, QuestionRow, make_engine
from quiz.exam.tables import ExamQuestionRow, ExamRow, SittingRow
from quiz.hours.service import Hours
from quiz.hours.settings import HoursSettings
from quiz.people.models import Actor, Role, Scope
from quiz.people.tables import AccountRow, UnitRow

NOW = datetime(2026, 7, 1, 4, 0, tzinfo=UTC)  # 2026-07-01 12:00 in China
CHINA = timedelta(hours=8)

UNITS = {"市交通运输局": None, "一支队": "市交通运输局", "一大队": "一支队", "二支队": "市交通运输局"}
OFFICERS = {  # 警号: (姓名, 单位, 职务, 领导班子成员)
    "A001": ("张三", "一支队", "支队长", True),
    "A002": ("李四", "一大队", "队员", False),
    "B001": ("王五", "二支队", "队员", False),
}

CITY = Actor(1, "city", "法规处", Role.CITY_ADMIN, "", Scope.everything())
ADMIN_ONE = Actor(2, "admin1", "一支队管理员", Role.UNIT_ADMIN, "一支队", Scope(frozenset({"一支队", "一大队"})))
ADMIN_TWO = Actor(3, "admin2", "二支队管理员", Role.UNIT_ADMIN, "二支队", Scope(frozenset({"二支队"})))
OFFICER = Actor(4, "A002", "李四", Role.OFFICER, "一大队", Scope(frozenset()))


def china(text: str) -> datetime:
    """``2026-03-02 09:00`` in China as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC) - CHINA


def insert_people(engine: Engine) -> None:
    """The units of ``UNITS`` and the officer accounts of ``OFFICERS``."""
    with Session(engine) as s:
        ids: dict[str, int] = {}
        for name, parent in UNITS.items():
            row = UnitRow(name=name, parent_id=ids[parent] if parent else None)
            s.add(row)
            s.flush()
            ids[name] = row.id
        for login, (name, unit, title, leader) in OFFICERS.items():
            s.add(AccountRow(login=login, name=name, role=Role.OFFICER.value, unit_id=ids[unit], title=title,
                             leader=leader))
        s.commit()


@dataclass
class Records:
    """Writes what the other services store: answers, checklist questions, exams and their sittings."""

    engine: Engine
    numbers: Iterator[int]

    def question(self, checklist_item: str = "") -> int:
        n = next(self.numbers)
        with Session(self.engine) as s:
            row = QuestionRow(fingerprint=f"q{n}", type="judge", stem=f"题{n}", answer=True,
                              checklist_item=checklist_item, status="approved")
            s.add(row)
            s.commit()
            return row.id

    def checklist_item(self, key: str) -> None:
        with Session(self.engine) as s:
            s.add(ChecklistItemRow(key=key, checklist="清单", number=int(key.split("#")[1]), kind="know",
                                   answer="答案"))
            s.commit()

    def answers(self, officer: str, times: list[datetime], question: int | None = None,
                correct: bool = True) -> None:
        qid = question if question is not None else self.question()
        with Session(self.engine) as s:
            s.add_all(AttemptRow(user_id=f"badge:{officer}", question_id=qid, given=True, correct=correct,
                                 answered_at=t) for t in times)
            s.commit()

    def exam(self, title: str, points: float = 100.0) -> int:
        n = next(self.numbers)
        with Session(self.engine) as s:
            row = ExamRow(code=f"{n:06d}", title=title, status="closed", blueprint={}, duration_min=60,
                          secret="s" * 32)
            s.add(row)
            s.flush()
            s.add(ExamQuestionRow(exam_id=row.id, variant="A", position=1, type="judge", points=points,
                                  snapshot={}))
            s.commit()
            return row.id

    def sitting(self, exam_id: int, officer: str, submitted: datetime | None, score: float | None) -> None:
        with Session(self.engine) as s:
            s.add(SittingRow(exam_id=exam_id, officer_id=officer, name=OFFICERS[officer][0], variant="A",
                             layout=[], started_at=submitted or NOW, ends_at=(submitted or NOW) + timedelta(hours=1),
                             submitted_at=submitted, score=score))
            s.commit()


@pytest.fixture()
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    insert_people(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def records(engine: Engine) -> Records:
    return Records(engine, count(1))


@dataclass
class Audit:
    lines: list[tuple[str, str, str, str]]

    def __call__(self, actor: Actor, action: str, target: str, detail: str) -> None:
        self.lines.append((actor.login, action, target, detail))


@pytest.fixture()
def audit() -> Audit:
    return Audit([])


@pytest.fixture()
def hours(engine: Engine, audit: Audit) -> Hours:
    return Hours(engine, HoursSettings(), pass_share=0.6, mastered_accuracy=0.8, record=audit, clock=lambda: NOW)
