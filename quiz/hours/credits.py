"""What each source earns: the 学时 entries of a set of officers in one year, read in bulk from the tables of
practice, exams, the checklist and the offline activities.

The practice days are computed here, the first masteries in ``quiz.hours.mastery``; both are kept by
``quiz.hours.summaries``.

- Practice (``quiz_attempts`` of ``badge:<警号>``): in the officers' time zone, the answers of a day are
  ordered; the first counts ``practice_first_minutes``, each later one the minutes since the one before, at most
  ``practice_gap_cap_minutes`` (a longer gap counts the cap: the officer was reading). A day's minutes /
  ``minutes_per_hour``, at most ``practice_daily_cap``. Computed in SQL with the window function LAG (SQLite
  and PostgreSQL).
- Exams: each sitting submitted in the year earns ``exam_hours``.
- Checklist: an item earns ``checklist_item_hours`` once, on the day it was first mastered (the answers
  replayed in order: of its questions answered, the share whose latest answer was right reached
  ``mastered_accuracy``).
- Activities: the 学时 entered for each attendee. A 轮训 with a 考核验收 exam: each attendee passed, failed
  or was absent (no submitted sitting); with ``rotation_needs_pass`` only those who passed keep the hours
  (the others' entry shows 0 and their standing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, Float, and_, case, cast, func, literal, or_, select, text
from sqlalchemy.orm import Session

from quiz.db import AttemptRow, as_utc
from quiz.exam.tables import ExamQuestionRow, ExamRow, SittingRow
from quiz.hours.models import ActivityKind, Entry, Exam, Source
from quiz.hours.rules import HoursRules
from quiz.hours.tables import ActivityRow, AttendanceRow

BADGE = "badge:"
"""Practice data of an officer is stored under ``badge:<警号>``."""

Officers = Collection[str] | None
"""The officers (normalised 警号) to read; ``None``: every officer."""


@dataclass(frozen=True)
class PracticeDay:
    officer_id: str
    day: date
    minutes: float
    answers: int


def year_bounds(year: int, utc_offset_hours: int) -> tuple[datetime, datetime]:
    """The year in the officers' time zone, as UTC instants [start, end)."""
    shift = timedelta(hours=utc_offset_hours)
    return (datetime(year, 1, 1, tzinfo=UTC) - shift, datetime(year + 1, 1, 1, tzinfo=UTC) - shift)


def local_day(instant: datetime, utc_offset_hours: int) -> date:
    return (as_utc(instant) + timedelta(hours=utc_offset_hours)).date()


def user_filter(officers: Officers) -> ColumnElement[bool]:
    if officers is None:
        return and_(AttemptRow.user_id >= BADGE, AttemptRow.user_id < BADGE[:-1] + ";")
    return AttemptRow.user_id.in_([BADGE + o for o in officers])


Gap = Callable[[ColumnElement[Any], ColumnElement[Any]], ColumnElement[Any]]


def _day_and_gap(dialect: str, offset: int) -> tuple[ColumnElement[Any], Gap]:
    """The local day of an answer, and a function of (answer, previous) → minutes between them."""
    at = AttemptRow.answered_at
    if dialect == "sqlite":
        return (func.date(at, f"{offset:+d} hours"),
                lambda a, b: (func.julianday(a) - func.julianday(b)) * 1440.0)
    return (cast(func.timezone("UTC", at) + text(f"interval '{offset} hours'"), Date),
            lambda a, b: func.extract("epoch", a - b) / 60.0)


def day_start(day: date, utc_offset_hours: int) -> datetime:
    """The first instant of a day in the officers' time zone, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=utc_offset_hours)


def practice_days(session: Session, officers: Officers, year: int | None, rules: HoursRules,
                  since: Mapping[str, date] | None = None) -> list[PracticeDay]:
    """Each officer's practice minutes per day of the year (``None``: of every year; days without answers
    left out). ``since``: only these officers, each from that day on."""
    if since is not None:
        if not since:
            return []
        officers = None
    if officers is not None and not officers:
        return []
    period: list[ColumnElement[bool]] = []
    if year is not None:
        start, end = year_bounds(year, rules.utc_offset_hours)
        period = [AttemptRow.answered_at >= start, AttemptRow.answered_at < end]
    who = user_filter(officers) if since is None else or_(*(
        and_(AttemptRow.user_id == BADGE + o, AttemptRow.answered_at >= day_start(d, rules.utc_offset_hours))
        for o, d in since.items()))
    dialect = session.get_bind().dialect.name
    day, gap_of = _day_and_gap(dialect, rules.utc_offset_hours)
    prev = func.lag(AttemptRow.answered_at).over(partition_by=(AttemptRow.user_id, day),
                                                  order_by=(AttemptRow.answered_at, AttemptRow.id))
    ordered = (select(AttemptRow.user_id.label("user_id"), day.label("day"),
                      AttemptRow.answered_at.label("at"), prev.label("prev"))
               .where(who, *period)
               .subquery())
    gap = gap_of(ordered.c.at, ordered.c.prev)
    cap = literal(rules.practice_gap_cap_minutes, Float)
    minutes = case((ordered.c.prev.is_(None), literal(rules.practice_first_minutes, Float)),
                   (gap > cap, cap), else_=gap)
    stmt = select(ordered.c.user_id, ordered.c.day, func.sum(minutes), func.count()).group_by(
        ordered.c.user_id, ordered.c.day)
    out = []
    for user, day_value, total, answers in session.execute(stmt).tuples():
        the_day = day_value if isinstance(day_value, date) else date.fromisoformat(str(day_value))
        out.append(PracticeDay(user[len(BADGE):], the_day, round(float(total or 0.0), 3), int(answers)))
    return out


def practice_hours(minutes: float, rules: HoursRules) -> float:
    return round(min(minutes / rules.minutes_per_hour, rules.practice_daily_cap), 2)


def practice_entries(days: list[PracticeDay], rules: HoursRules) -> list[Entry]:
    if rules.practice_daily_cap <= 0:
        return []
    return [Entry(d.officer_id, d.day, Source.PRACTICE, f"在线练习 {d.answers} 题 {d.minutes:.0f} 分钟",
                  practice_hours(d.minutes, rules)) for d in days]


def exam_entries(session: Session, officers: Officers, year: int, rules: HoursRules) -> list[Entry]:
    """Each exam sitting submitted in the year."""
    if rules.exam_hours <= 0 or (officers is not None and not officers):
        return []
    start, end = year_bounds(year, rules.utc_offset_hours)
    stmt = (select(SittingRow.officer_id, SittingRow.submitted_at, ExamRow.title)
            .join(ExamRow, ExamRow.id == SittingRow.exam_id)
            .where(SittingRow.submitted_at.is_not(None), SittingRow.submitted_at >= start,
                   SittingRow.submitted_at < end))
    if officers is not None:
        stmt = stmt.where(SittingRow.officer_id.in_(list(officers)))
    return [Entry(officer, local_day(at, rules.utc_offset_hours), Source.EXAM, f"考试：{title}", rules.exam_hours)
            for officer, at, title in session.execute(stmt).tuples() if at is not None]


def checklist_entries(mastered: dict[str, dict[str, datetime]], year: int, rules: HoursRules) -> list[Entry]:
    if rules.checklist_item_hours <= 0:
        return []
    out = []
    for officer, items in mastered.items():
        for item, at in items.items():
            day = local_day(at, rules.utc_offset_hours)
            if day.year == year:
                out.append(Entry(officer, day, Source.CHECKLIST, f"掌握应知应会：{item}", rules.checklist_item_hours))
    return out


def exam_standing(session: Session, exam_ids: Collection[int], pass_share: float) -> dict[int, dict[str, bool]]:
    """exam → officer → passed, for the officers with a submitted sitting (the others were absent); the pass
    mark as the exam report computes it: ``pass_share`` of the full score of the officer's paper."""
    if not exam_ids:
        return {}
    totals: dict[tuple[int, str], float] = {
        (exam, variant): float(points or 0.0)
        for exam, variant, points in session.execute(
            select(ExamQuestionRow.exam_id, ExamQuestionRow.variant, func.sum(ExamQuestionRow.points))
            .where(ExamQuestionRow.exam_id.in_(list(exam_ids)))
            .group_by(ExamQuestionRow.exam_id, ExamQuestionRow.variant)).tuples()
    }
    out: dict[int, dict[str, bool]] = defaultdict(dict)
    stmt = select(SittingRow.exam_id, SittingRow.officer_id, SittingRow.variant, SittingRow.score).where(
        SittingRow.exam_id.in_(list(exam_ids)), SittingRow.submitted_at.is_not(None))
    for exam, officer, variant, score in session.execute(stmt).tuples():
        out[exam][officer] = score is not None and score >= totals.get((exam, variant), 0.0) * pass_share
    return dict(out)


def activity_entries(session: Session, officers: Officers, year: int, rules: HoursRules,
                     pass_share: float) -> list[Entry]:
    stmt = (select(AttendanceRow.officer_id, AttendanceRow.hours, ActivityRow.kind, ActivityRow.title,
                   ActivityRow.starts_on, ActivityRow.exam_id)
            .join(ActivityRow, ActivityRow.id == AttendanceRow.activity_id)
            .where(ActivityRow.starts_on >= date(year, 1, 1), ActivityRow.starts_on < date(year + 1, 1, 1)))
    if officers is not None:
        if not officers:
            return []
        stmt = stmt.where(AttendanceRow.officer_id.in_(list(officers)))
    rows = session.execute(stmt).tuples().all()
    standing = exam_standing(session, {r[5] for r in rows if r[5] is not None and r[2] == ActivityKind.ROTATION},
                             pass_share)
    out = []
    for officer, hours, kind, title, day, exam_id in rows:
        exam = None
        if exam_id is not None and kind == ActivityKind.ROTATION:
            passed = standing.get(exam_id, {}).get(officer)
            exam = Exam.ABSENT if passed is None else Exam.PASSED if passed else Exam.FAILED
            if rules.rotation_needs_pass and exam is not Exam.PASSED:
                hours = 0.0
        out.append(Entry(officer, day, Source.ACTIVITY, f"{kind}：{title}", float(hours), exam,
                         ActivityKind(kind)))
    return out
