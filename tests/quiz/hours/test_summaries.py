"""Practice summaries continued with an officer's new answers equal those computed from scratch, row for row
(SQLite and PostgreSQL); any other change computes the officer again in full."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from quiz.db import AttemptRow, as_utc
from quiz.hours import summaries
from quiz.hours.models import Source
from quiz.hours.service import Hours
from quiz.hours.summaries import Refreshed
from quiz.hours.tables import (
    MasteredRow,
    MasteryProgressRow,
    PracticeDayRow,
    PracticeMonthRow,
    PracticeUserRow,
)
from tests.quiz.hours.conftest import Records, china

TABLES = (PracticeDayRow, PracticeMonthRow, MasteredRow, MasteryProgressRow, PracticeUserRow)


def minutes(start: str, *offsets: float) -> list[datetime]:
    """Answers at ``start`` (China time) plus each offset in minutes."""
    return [china(start) + timedelta(minutes=m) for m in offsets]


def rows(s: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every summary row, in a stable order, times as UTC."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in TABLES:
        columns = list(table.__table__.columns)
        values = [tuple(as_utc(v) if isinstance(v, datetime) else v for v in row)
                  for row in s.execute(select(*columns)).tuples()]
        out[table.__tablename__] = sorted(values, key=repr)
    return out


def refresh(hours: Hours, full_scan: int = summaries.FULL_SCAN) -> Refreshed:
    with hours.session() as s:
        return summaries.refresh(s, None, hours.rules(2026), hours.mastered_accuracy, full_scan)


def from_scratch(hours: Hours, full_scan: int) -> dict[str, list[tuple[Any, ...]]]:
    with hours.session() as s:
        for table in TABLES:
            s.execute(delete(table))
        s.commit()
    assert refresh(hours, full_scan).continued == 0
    with hours.session() as s:
        return rows(s)


def assert_continued_equals_from_scratch(hours: Hours, officers: int = 1) -> dict[str, list[tuple[Any, ...]]]:
    assert refresh(hours) == Refreshed(officers, 0)
    with hours.session() as s:
        continued = rows(s)
    assert continued == from_scratch(hours, summaries.FULL_SCAN)
    assert continued == from_scratch(hours, 0)  # the one pass over every answer
    return continued


def practised(hours: Hours, records: Records) -> None:
    """A001's history, summarised: March days, the last one 2026-03-31 at 23:50 (China)."""
    records.answers("A001", minutes("2026-03-02 09:00", 0, 1, 3, 13))
    records.answers("A001", minutes("2026-03-31 23:40", 0, 2, 10))
    records.answers("B001", minutes("2026-03-31 10:00", 0, 1))
    assert refresh(hours).recomputed == 2


def practice_hours(hours: Hours) -> dict[date, float]:
    return {e.day: e.hours for e in hours.officer_year("A001", 2026).entries if e.source is Source.PRACTICE}


NewAnswers = Callable[[Records], None]

SCENARIOS: dict[str, NewAnswers] = {
    "the same day as the last summarised answer": lambda r: r.answers("A001", minutes("2026-03-31 23:51", 0, 1)),
    "a new day": lambda r: r.answers("A001", minutes("2026-03-31 23:59", 2, 3)),  # 1 April, after midnight
    "the same day and the next, in the next month": lambda r: r.answers("A001", minutes("2026-03-31 23:58", 0, 4, 5)),
    "a later month": lambda r: r.answers("A001", minutes("2026-06-10 08:00", 0, 1)),
}


@pytest.mark.parametrize("new_answers", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_new_answers_continue_the_summaries_as_a_computation_from_scratch(
        hours: Hours, records: Records, new_answers: NewAnswers) -> None:
    practised(hours, records)
    new_answers(records)
    assert_continued_equals_from_scratch(hours)


def test_the_days_and_months_continued_hold_the_right_hours(hours: Hours, records: Records) -> None:
    practised(hours, records)
    # 31 March: 1 + 2 + 3 (cap of 8) = 6 min so far; +1 (23:51) +3 capped (23:58): 10 min; 1 April: 1 + 1 + 1
    records.answers("A001", minutes("2026-03-31 23:51", 0, 7, 10, 11, 12))
    assert_continued_equals_from_scratch(hours)
    by_day = practice_hours(hours)
    assert by_day[date(2026, 3, 31)] == round(10 / 45, 2) and by_day[date(2026, 4, 1)] == round(3 / 45, 2)
    with hours.session() as s:
        months = dict(((y, m), h) for o, y, m, h in s.execute(select(
            PracticeMonthRow.officer_id, PracticeMonthRow.year, PracticeMonthRow.month, PracticeMonthRow.hours))
            .tuples() if o == "A001")
    assert months == {(2026, 3): round(round(7 / 45, 2) + round(10 / 45, 2), 2), (2026, 4): round(3 / 45, 2)}


def test_new_answers_across_the_daily_cap(hours: Hours, records: Records) -> None:
    records.answers("A001", minutes("2026-05-04 08:00", *range(80)))  # 80 min: 1.78 学时
    assert refresh(hours).recomputed == 1
    assert practice_hours(hours)[date(2026, 5, 4)] == round(80 / 45, 2)
    records.answers("A001", minutes("2026-05-04 09:20", *range(20)))  # 100 min: capped at 2
    assert_continued_equals_from_scratch(hours)
    assert practice_hours(hours)[date(2026, 5, 4)] == 2.0


def test_an_item_mastered_only_with_the_new_answers(hours: Hours, records: Records) -> None:
    records.checklist_item("清单#1")
    records.checklist_item("清单#2")
    q1, q2, q3 = records.question("清单#1"), records.question("清单#1"), records.question("清单#2")
    records.answers("A001", minutes("2026-03-02 09:00", 0), q1, correct=False)
    records.answers("A001", minutes("2026-03-02 09:01", 0), q2, correct=True)  # 清单#1: 1 of 2
    records.answers("A001", minutes("2026-03-02 09:02", 0), q3, correct=True)  # 清单#2 mastered
    assert refresh(hours).recomputed == 1
    with hours.session() as s:
        assert [m[1] for m in rows(s)["hours_checklist_mastered"]] == ["清单#2"]
        assert len(rows(s)["hours_mastery_progress"]) == 2  # q1 and q2, where 清单#1 stands
    records.answers("A001", minutes("2026-03-03 10:00", 0), q3, correct=False)  # mastered already: stays
    records.answers("A001", minutes("2026-03-03 10:01", 0), q1, correct=True)  # 清单#1: 2 of 2
    continued = assert_continued_equals_from_scratch(hours)
    assert [(m[1], m[2]) for m in continued["hours_checklist_mastered"]] == [
        ("清单#1", china("2026-03-03 10:01")), ("清单#2", china("2026-03-02 09:02"))]
    assert continued["hours_mastery_progress"] == []
    assert hours.officer_year("A001", 2026).next.checklist_not_mastered == 0


def test_several_officers_continued_at_once(hours: Hours, records: Records) -> None:
    practised(hours, records)
    records.answers("A001", minutes("2026-04-02 09:00", 0, 1))
    records.answers("B001", minutes("2026-03-31 10:05", 0, 1))
    assert_continued_equals_from_scratch(hours, officers=2)


def test_an_answer_dated_before_the_last_summarised_one_recomputes_in_full(hours: Hours,
                                                                         records: Records) -> None:
    practised(hours, records)
    records.answers("A001", minutes("2026-03-31 23:45", 0))  # stored later, answered earlier (a synced answer)
    assert refresh(hours) == Refreshed(0, 1)
    with hours.session() as s:
        recomputed = rows(s)
    assert recomputed == from_scratch(hours, summaries.FULL_SCAN)
    assert practice_hours(hours)[date(2026, 3, 31)] == round((1 + 2 + 3 + 3) / 45, 2)


def test_a_deleted_answer_and_an_adopted_one_recompute_in_full(hours: Hours, records: Records) -> None:
    practised(hours, records)
    question = records.question()
    with Session(hours.engine) as s:
        s.add(AttemptRow(user_id="anon:x", question_id=question, given=True, correct=True,
                         answered_at=china("2026-03-02 09:02")))
        s.commit()
    records.answers("A001", minutes("2026-04-02 09:00", 0, 1))  # and new answers besides
    with Session(hours.engine) as s:  # adopted: an older id, an older time
        for row in s.scalars(select(AttemptRow).where(AttemptRow.user_id == "anon:x")):
            row.user_id = "badge:A001"
        s.commit()
    assert refresh(hours) == Refreshed(0, 1)
    assert practice_hours(hours)[date(2026, 3, 2)] == round(7 / 45, 2)  # 1 + 1 + 1 (adopted, 09:02) + 1 + 3
    records.answers("A001", minutes("2026-04-03 09:00", 0))
    with Session(hours.engine) as s:
        first = s.scalars(select(AttemptRow).where(AttemptRow.user_id == "badge:A001")
                          .order_by(AttemptRow.id)).first()
        assert first is not None
        s.delete(first)
        s.commit()
    assert refresh(hours) == Refreshed(0, 1)
    with hours.session() as s:
        recomputed = rows(s)
    assert recomputed == from_scratch(hours, summaries.FULL_SCAN)
