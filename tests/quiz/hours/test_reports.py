"""Unit and city reports, and who may see or change what (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from quiz.hours.models import ActivityDraft, ActivityKind, Due, Source
from quiz.hours.service import Hours
from quiz.people.models import AccessDenied
from tests.quiz.hours.conftest import ADMIN_ONE, ADMIN_TWO, CITY, OFFICER, Audit, Records, china


def lecture(hours: Hours, unit: str, officers: tuple[str, ...], day: date, kind: ActivityKind,
            amount: float = 2.0) -> None:
    hours.add_activity(CITY, ActivityDraft(unit, kind, f"{kind}{day}", day, amount, officers))


def test_a_unit_report_covers_the_units_below_behind_first(hours: Hours, records: Records) -> None:
    # today 2026-07-01: six months done, on track from 30 学时
    lecture(hours, "一支队", ("A001",), date(2026, 3, 1), ActivityKind.ROTATION, 8.0)
    for month in (4, 5, 6, 7):
        lecture(hours, "一支队", ("A001",), date(2026, month, 2), ActivityKind.OTHER, 8.0)
    lecture(hours, "一支队", ("A002",), date(2026, 2, 10), ActivityKind.LECTURE, 2.0)
    report = hours.unit_report(ADMIN_ONE, "一支队", 2026)
    assert report.expected_now == 30.0
    assert [(o.officer.officer_id, o.total, o.on_track) for o in report.officers] == [
        ("A002", 2.0, False), ("A001", 40.0, True)]
    a001 = report.officers[1]
    assert a001.cumulative[:7] == (0.0, 0.0, 8.0, 16.0, 24.0, 32.0, 40.0) and a001.cumulative[11] == 40.0
    assert [b.count for b in report.distribution] == [1, 0, 0, 0, 1, 0, 0]
    done = {a.kind: (a.state, a.dates) for a in report.yearly_activities}
    assert done[ActivityKind.LECTURE] == (Due.DONE, (date(2026, 2, 10),))
    assert done[ActivityKind.TRIAL][0] is Due.UPCOMING  # the year still runs


def test_leaders_study_per_quarter(hours: Hours) -> None:
    lecture(hours, "一支队", ("A001",), date(2026, 2, 20), ActivityKind.LEADERS)
    lecture(hours, "一支队", ("A001",), date(2026, 7, 1), ActivityKind.LEADERS)
    (leader,) = hours.unit_report(CITY, "一支队", 2026).leaders
    assert leader.officer.officer_id == "A001"
    assert leader.quarters == (Due.DONE, Due.MISSING, Due.DONE, Due.UPCOMING)


def test_a_past_year_shows_what_was_missing(hours: Hours) -> None:
    lecture(hours, "二支队", ("B001",), date(2025, 6, 1), ActivityKind.TRIAL)
    report = hours.unit_report(ADMIN_TWO, "二支队", 2025)
    assert {a.kind: a.state for a in report.yearly_activities} == {
        ActivityKind.LECTURE: Due.MISSING, ActivityKind.CONTEST: Due.MISSING, ActivityKind.TRIAL: Due.DONE,
        ActivityKind.SIMULATION: Due.MISSING}
    assert report.expected_now == 60.0 and not report.officers[0].on_track


def test_the_city_report_puts_units_side_by_side(hours: Hours, records: Records) -> None:
    start = china("2026-03-03 08:00")
    records.answers("B001", [start + timedelta(minutes=i) for i in range(46)])  # 46 min → 1.02
    for kind in (ActivityKind.LECTURE, ActivityKind.CONTEST, ActivityKind.TRIAL, ActivityKind.SIMULATION):
        lecture(hours, "二支队", ("B001",), date(2026, 3, 10), kind, 8.0)
    report = hours.city_report(CITY, 2026)
    lines = {u.unit: u for u in report.units}
    assert set(lines) == {"市交通运输局", "一支队", "一大队", "二支队"}
    two = lines["二支队"]
    assert (two.officers, two.mean, two.share_at_target, two.share_on_track) == (1, 33.02, 0.0, 1.0)
    assert two.activities_missing == ()
    assert lines["一大队"].activities_missing == (ActivityKind.LECTURE, ActivityKind.CONTEST, ActivityKind.TRIAL,
                                                ActivityKind.SIMULATION)
    assert lines["一支队"].officers == 1  # its own officers; 一大队's are on their own line


def test_a_unit_admin_is_refused_another_units_report(hours: Hours) -> None:
    with pytest.raises(AccessDenied):
        hours.unit_report(ADMIN_TWO, "一支队", 2026)
    with pytest.raises(AccessDenied):
        hours.records_xlsx(ADMIN_TWO, 2026, "一大队")
    with pytest.raises(AccessDenied):
        hours.plan(ADMIN_TWO, 2026, "一支队")
    with pytest.raises(AccessDenied):
        hours.unit_report(OFFICER, "一大队", 2026)
    assert hours.unit_report(ADMIN_ONE, "一大队", 2026).officers[0].officer.officer_id == "A002"
    assert [r.unit for r in hours.unit_reports(ADMIN_ONE, 2026)] == ["一大队", "一支队"]


def test_the_city_report_is_the_city_admins_only(hours: Hours) -> None:
    with pytest.raises(AccessDenied):
        hours.city_report(ADMIN_ONE, 2026)


def test_only_the_city_admin_changes_the_rules_and_it_is_audited(hours: Hours, audit: Audit) -> None:
    changed = hours.rules(2026).model_copy(update={"yearly_target": 72.0})
    for actor in (ADMIN_ONE, OFFICER):
        with pytest.raises(AccessDenied):
            hours.set_rules(actor, 2026, changed)
    assert hours.rules(2026).yearly_target == 60.0
    hours.set_rules(CITY, 2026, changed)
    assert hours.rules(2026).yearly_target == 72.0
    assert audit.lines == [("city", "hours.set_rules", "2026 年学时规则", "yearly_target: 60.0 → 72.0")]


def test_a_unit_admin_cannot_enter_another_units_activity(hours: Hours, audit: Audit) -> None:
    from quiz.hours.activities import ActivityError

    with pytest.raises(ActivityError, match="不在您的管理范围内"):
        hours.add_activity(ADMIN_TWO, ActivityDraft("一支队", ActivityKind.LECTURE, "讲座", date(2026, 3, 1), 2.0,
                                                    ("A001",)))
    hours.record_contest(ADMIN_ONE, "一支队", "法律知识竞赛", date(2026, 5, 1), ("A001", "A002"))
    assert audit.lines[-1][:2] == ("admin1", "hours.add_activity")
    assert hours.officer_year("A002", 2026).total == 2.0


def test_the_unit_report_adds_practice_and_checklist_as_the_officers_year_does(hours: Hours,
                                                                                records: Records) -> None:
    for day, n in (("2026-03-02", 7), ("2026-03-03", 200), ("2026-04-30", 13)):
        start = china(f"{day} 09:00")
        records.answers("A002", [start + timedelta(minutes=i * 1.5) for i in range(n)])
    records.checklist_item("清单#1")
    records.answers("A002", [china("2026-05-01 09:00")], records.question("清单#1"))
    mine = hours.officer_year("A002", 2026)
    (line,) = [o for o in hours.unit_report(ADMIN_ONE, "一大队", 2026).officers]
    assert line.total == mine.total == round(round(10 / 45, 2) + 2.0 + round(19 / 45, 2) + round(1 / 45, 2) + 0.5, 2)
    assert line.by_source == mine.by_source
    assert line.cumulative[4] == mine.total and mine.by_month[3] == round(19 / 45, 2)


def test_only_an_admin_of_its_unit_follows_a_rotation_by_its_exam(hours: Hours, records: Records,
                                                                  audit: Audit) -> None:
    from quiz.hours.activities import ActivityError

    exam = records.exam("考核验收")
    rotation = hours.add_activity(ADMIN_ONE, ActivityDraft("一大队", ActivityKind.ROTATION, "轮训", date(2026, 4, 1),
                                                           12.0, ("A002",), ends_on=date(2026, 4, 2)))
    lecture_id = hours.add_activity(ADMIN_ONE, ActivityDraft("一大队", ActivityKind.LECTURE, "讲座",
                                                             date(2026, 4, 3), 2.0, ("A002",)))
    with pytest.raises(AccessDenied):
        hours.set_rotation_exam(ADMIN_TWO, rotation, exam)
    with pytest.raises(ActivityError, match="只有轮训"):
        hours.set_rotation_exam(ADMIN_ONE, lecture_id, exam)
    hours.set_rotation_exam(ADMIN_ONE, rotation, exam)
    assert audit.lines[-1] == ("admin1", "hours.rotation_exam", "一大队 轮训：轮训", f"考核验收考试 {exam}")
    assert hours.officer_year("A002", 2026).by_source[Source.ACTIVITY] == 2.0  # absent: the 轮训's 12 withheld
