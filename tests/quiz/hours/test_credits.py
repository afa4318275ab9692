"""What each source earns, with exact hours on small hand-made data (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from quiz.db import AttemptRow
from quiz.hours.models import ActivityDraft, ActivityKind, Exam, Source
from quiz.hours.service import Hours
from tests.quiz.hours.conftest import ADMIN_ONE, CITY, Records, china


def test_a_day_of_practice_counts_its_gaps_each_capped(hours: Hours, records: Records) -> None:
    # first 1 min; gaps 1, 2, 10 (→ 3), 1: 8 minutes = 8/45 学时
    times = [china(f"2026-03-02 {t}") for t in ("09:00", "09:01", "09:03", "09:13", "09:14")]
    records.answers("A001", times)
    year = hours.officer_year("A001", 2026)
    assert year.by_source[Source.PRACTICE] == round(8 / 45, 2) == 0.18
    (entry,) = year.entries
    assert entry.day == date(2026, 3, 2) and entry.source is Source.PRACTICE
    assert year.by_month[2] == 0.18 and year.total == 0.18


def test_practice_is_capped_per_day_and_days_follow_china_time(hours: Hours, records: Records) -> None:
    start = china("2026-03-03 08:00")
    records.answers("A002", [start + timedelta(minutes=i) for i in range(200)])  # 200 minutes → cap 2
    records.answers("A002", [china("2026-03-04 23:59"), china("2026-03-05 00:01")])  # two days, 1 min each
    year = hours.officer_year("A002", 2026)
    by_day = {e.day: e.hours for e in year.entries}
    assert by_day == {date(2026, 3, 3): 2.0, date(2026, 3, 4): round(1 / 45, 2), date(2026, 3, 5): round(1 / 45, 2)}
    assert year.total == 2.04


def test_practice_left_today_is_what_the_cap_leaves(hours: Hours, records: Records) -> None:
    today = china("2026-07-01 10:00")
    records.answers("A001", [today + timedelta(minutes=i) for i in range(45)])  # 1 + 44 = 45 min → 1 学时
    assert hours.officer_year("A001", 2026).next.practice_left_today == 1.0


def test_an_exam_sat_counts_and_one_not_submitted_does_not(hours: Hours, records: Records) -> None:
    exam = records.exam("2026年度执法资格考试")
    records.sitting(exam, "A001", china("2026-05-10 10:00"), 70.0)
    records.sitting(exam, "A002", None, None)
    assert hours.officer_year("A001", 2026).by_source[Source.EXAM] == 2.0
    assert hours.officer_year("A002", 2026).by_source[Source.EXAM] == 0.0


def test_a_checklist_item_counts_once_when_first_mastered(hours: Hours, records: Records) -> None:
    records.checklist_item("清单#1")
    records.checklist_item("清单#2")
    q1, q2 = records.question("清单#1"), records.question("清单#1")
    records.answers("A001", [china("2026-02-01 09:00")], q1, correct=False)
    records.answers("A001", [china("2026-02-03 09:00")], q1, correct=True)  # 1/1 right: mastered
    records.answers("A001", [china("2026-02-04 09:00")], q2, correct=False)  # 1/2: no longer, no second credit
    records.answers("A001", [china("2026-02-05 09:00")], q2, correct=True)  # mastered again: still once
    year = hours.officer_year("A001", 2026)
    (entry,) = [e for e in year.entries if e.source is Source.CHECKLIST]
    assert entry.day == date(2026, 2, 3) and entry.hours == 0.5
    assert year.next.checklist_not_mastered == 1


@pytest.mark.parametrize("kind", list(ActivityKind))
def test_each_activity_kind_credits_its_attendees(hours: Hours, kind: ActivityKind) -> None:
    hours.add_activity(ADMIN_ONE, ActivityDraft("一支队", kind, f"{kind}活动", date(2026, 4, 8), 3.0, ("a001", "A002")))
    for officer in ("A001", "A002"):
        year = hours.officer_year(officer, 2026)
        assert year.by_source[Source.ACTIVITY] == 3.0
        assert year.entries[0].kind is kind and year.by_month[3] == 3.0


def test_a_rotation_credits_those_who_passed_its_exam(hours: Hours, records: Records) -> None:
    exam = records.exam("轮训考核验收", points=50.0)  # pass mark 30
    records.sitting(exam, "A001", china("2026-04-20 10:00"), 30.0)
    records.sitting(exam, "A002", china("2026-04-20 10:00"), 29.5)
    activity = hours.add_activity(CITY, ActivityDraft("市交通运输局", ActivityKind.ROTATION, "春季轮训",
                                                      date(2026, 4, 13), 30.0, ("A001", "A002", "B001"),
                                                      ends_on=date(2026, 4, 17)))
    hours.set_rotation_exam(CITY, activity, exam)
    standing = {}
    for officer in ("A001", "A002", "B001"):
        (rotation,) = [e for e in hours.officer_year(officer, 2026).entries if e.kind is ActivityKind.ROTATION]
        standing[officer] = (rotation.exam, rotation.hours)
    assert standing == {"A001": (Exam.PASSED, 30.0), "A002": (Exam.FAILED, 0.0), "B001": (Exam.ABSENT, 0.0)}
    # the exam sat still counts as an exam
    assert hours.officer_year("A002", 2026).by_source[Source.EXAM] == 2.0


def test_the_rules_decide_what_counts(hours: Hours, records: Records) -> None:
    exam = records.exam("考试")
    records.sitting(exam, "A001", china("2026-05-10 10:00"), 90.0)
    rules = hours.rules(2026).model_copy(update={"exam_hours": 3.5, "practice_daily_cap": 0.0})
    hours.set_rules(CITY, 2026, rules)
    records.answers("A001", [china("2026-03-02 09:00"), china("2026-03-02 09:02")])
    year = hours.officer_year("A001", 2026)
    assert year.by_source[Source.EXAM] == 3.5 and year.by_source[Source.PRACTICE] == 0.0
    assert hours.rules(2027).exam_hours == 2.0  # another year keeps the defaults


def test_the_practice_summaries_follow_new_adopted_and_recounted_answers(hours: Hours, records: Records,
                                                                         database_url: str) -> None:
    from quiz.bank.store import QuestionBank
    from quiz.practice.runs import Practice
    from quiz.settings import QuizSettings

    records.answers("A001", [china("2026-03-02 09:00"), china("2026-03-02 09:02")])  # 1 + 2 = 3 min
    assert hours.officer_year("A001", 2026).total == round(3 / 45, 2)
    records.answers("A001", [china("2026-03-09 09:00")])  # a new day after the summaries were made
    assert hours.officer_year("A001", 2026).total == 0.09  # 0.07 + 0.02

    question = records.question()
    with Session(hours.engine) as s:
        s.add(AttemptRow(user_id="anon:abc", question_id=question, given=True, correct=True,
                         answered_at=china("2026-03-02 09:03")))
        s.commit()
    bank = QuestionBank(database_url)
    try:
        assert Practice.from_settings(bank, QuizSettings()).adopt("anon:abc", "badge:A001") == 1
    finally:
        bank.close()
    day = {e.day: e.hours for e in hours.officer_year("A001", 2026).entries}
    assert day[date(2026, 3, 2)] == round(4 / 45, 2)  # the adopted answer joins its day

    hours.set_rules(CITY, 2026, hours.rules(2026).model_copy(update={"practice_first_minutes": 0.0}))
    day = {e.day: e.hours for e in hours.officer_year("A001", 2026).entries}
    assert day == {date(2026, 3, 2): round(3 / 45, 2), date(2026, 3, 9): 0.0}


def test_one_pass_over_every_answer_makes_the_same_summaries(hours: Hours, records: Records) -> None:
    from quiz.hours import summaries

    records.checklist_item("清单#1")
    for officer, day in (("A001", "2026-03-02"), ("A002", "2026-03-03"), ("B001", "2026-12-31")):
        records.answers(officer, [china(f"{day} 23:{m:02d}") for m in (50, 52, 57)], records.question("清单#1"))
    rules = hours.rules(2026)
    with hours.session() as s:
        assert summaries.refresh(s, ["A001"], rules, 0.8).total == 1
        assert summaries.refresh(s, None, rules, 0.8, full_scan=0).total == 2  # A001's stand
        by_pass = (summaries.practice_days(s, None, 2026), summaries.first_mastered(s, None))
        assert summaries.refresh(s, None, rules, 0.8, full_scan=0).total == 0
        changed = rules.model_copy(update={"practice_first_minutes": 2.0})
        assert summaries.refresh(s, None, changed, 0.8, full_scan=0) == summaries.Refreshed(0, 3)
        assert {d.minutes for d in summaries.practice_days(s, None, 2026)} == {7.0}
    key = lambda d: d.officer_id  # noqa: E731
    assert sorted(by_pass[0], key=key) == [
        credits_day("A001", date(2026, 3, 2)), credits_day("A002", date(2026, 3, 3)),
        credits_day("B001", date(2026, 12, 31))]
    assert set(by_pass[1]) == {"A001", "A002", "B001"}


def credits_day(officer: str, day: date) -> object:
    from quiz.hours.credits import PracticeDay

    return PracticeDay(officer, day, 1 + 2 + 3, 3)


def test_what_counts_next_names_the_units_activities_coming_up(hours: Hours) -> None:
    hours.add_activity(CITY, ActivityDraft("一支队", ActivityKind.TRIAL, "旁听庭审", date(2026, 9, 3), 4.0, ("A001",)))
    hours.add_activity(CITY, ActivityDraft("一支队", ActivityKind.LECTURE, "上半年讲座", date(2026, 3, 3), 2.0,
                                           ("A001",)))
    steps = hours.officer_year("A001", 2026).next
    assert [(u.kind, u.day, u.hours) for u in steps.upcoming] == [(ActivityKind.TRIAL, date(2026, 9, 3), 4.0)]
    assert steps.hours_to_go == 54.0 and steps.exam_hours == 2.0
