"""Practice summaries kept beside the answers, so that a city report need not walk millions of answers.

For each officer (``badge:<警号>``) the days' practice minutes (``PracticeDayRow``), the months' practice
学时 (``PracticeMonthRow``) and the checklist items' first mastery (``MasteredRow``) are stored with what they were computed from (``PracticeUserRow``: the
count and last id of the officer's answers, and the parameters). ``refresh`` compares that with the answers
now stored (one pass over the user index, counting) and computes again the officers whose answers changed —
new answers, answers adopted from an anonymous id, answers deleted — or whose parameters changed (a rule of
practice time, the time zone, the mastery threshold). Two processes refreshing at once: the loser's
transaction is rolled back and the winner's rows stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    cast,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quiz.db import AttemptRow, as_utc
from quiz.hours import credits
from quiz.hours.credits import BADGE, Officers, PracticeDay
from quiz.hours.models import Entry, Source
from quiz.hours.rules import HoursRules
from quiz.hours.tables import MasteredRow, PracticeDayRow, PracticeMonthRow, PracticeUserRow

CHUNK = 200
FULL_SCAN = 500
"""More officers to compute than this: one pass over every officer's answers."""
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Params:
    gap_cap_minutes: float
    first_minutes: float
    minutes_per_hour: float
    daily_cap: float
    utc_offset_hours: int
    mastered_accuracy: float

    @classmethod
    def of(cls, rules: HoursRules, mastered_accuracy: float) -> Params:
        return cls(rules.practice_gap_cap_minutes, rules.practice_first_minutes, rules.minutes_per_hour,
                   rules.practice_daily_cap, rules.utc_offset_hours, mastered_accuracy)

    def key(self) -> str:
        return "|".join(f"{v:g}" for v in (self.gap_cap_minutes, self.first_minutes, self.minutes_per_hour,
                                            self.daily_cap, self.utc_offset_hours, self.mastered_accuracy))


def _stale(s: Session, officers: Officers, params: Params) -> tuple[list[str], list[str], dict[str, tuple[int, int]]]:
    """(users to compute, users whose answers are all gone, each user's answers now as (count, last id))."""
    current_stmt = select(AttemptRow.user_id, func.count(), func.max(AttemptRow.id)).group_by(AttemptRow.user_id)
    stored_stmt = select(PracticeUserRow.user_id, PracticeUserRow.answers, PracticeUserRow.last_id,
                         PracticeUserRow.params)
    if officers is None:
        current_stmt = current_stmt.where(AttemptRow.user_id >= BADGE, AttemptRow.user_id < BADGE[:-1] + ";")
    else:
        users = [BADGE + o for o in officers]
        current_stmt = current_stmt.where(AttemptRow.user_id.in_(users))
        stored_stmt = stored_stmt.where(PracticeUserRow.user_id.in_(users))
    current = {u: (int(n), int(last)) for u, n, last in s.execute(current_stmt).tuples()}
    stored = {u: (n, last, p) for u, n, last, p in s.execute(stored_stmt).tuples()}
    key = params.key()
    changed = [u for u, (n, last) in current.items() if stored.get(u) != (n, last, key)]
    gone = [u for u in stored if u not in current]
    return changed, gone, current


def refresh(s: Session, officers: Officers, rules: HoursRules, mastered_accuracy: float,
            full_scan: int = FULL_SCAN) -> int:
    """Bring the summaries of ``officers`` (``None``: all) up to date; returns how many were computed. More
    than ``full_scan`` to compute: one pass over every officer's answers."""
    if officers is not None and not officers:
        return 0
    params = Params.of(rules, mastered_accuracy)
    changed, gone, current = _stale(s, officers, params)
    s.rollback()
    todo = changed + gone
    days_of: dict[str, list[PracticeDay]] | None = None
    mastered_of: dict[str, dict[str, datetime]] | None = None
    if len(todo) > full_scan:  # one pass over every answer beats many lookups by user
        days_of = {}
        for d in credits.practice_days(s, None, None, rules):
            days_of.setdefault(d.officer_id, []).append(d)
        mastered_of = credits.first_mastered(s, None, FAR_FUTURE, mastered_accuracy)
    for i in range(0, len(todo), CHUNK):
        users = todo[i:i + CHUNK]
        ids = [u[len(BADGE):] for u in users]
        if days_of is None or mastered_of is None:
            days = credits.practice_days(s, ids, None, rules)
            mastered = credits.first_mastered(s, ids, FAR_FUTURE, mastered_accuracy)
        else:
            days = [d for o in ids for d in days_of.get(o, [])]
            mastered = {o: mastered_of[o] for o in ids if o in mastered_of}
        try:
            s.execute(delete(PracticeDayRow).where(PracticeDayRow.officer_id.in_(ids)))
            s.execute(delete(PracticeMonthRow).where(PracticeMonthRow.officer_id.in_(ids)))
            s.execute(delete(MasteredRow).where(MasteredRow.officer_id.in_(ids)))
            s.execute(delete(PracticeUserRow).where(PracticeUserRow.user_id.in_(users)))
            rows: list[tuple[Any, list[dict[str, Any]]]] = [
                (PracticeDayRow, [{"officer_id": d.officer_id, "day": d.day, "minutes": d.minutes,
                                   "answers": d.answers} for d in days]),
                (PracticeMonthRow, months(days, rules)),
                (MasteredRow, [{"officer_id": o, "item": item, "mastered_at": at,
                                "day": credits.local_day(at, rules.utc_offset_hours)}
                               for o, items in mastered.items() for item, at in items.items()]),
                (PracticeUserRow, [{"user_id": u, "answers": current[u][0], "last_id": current[u][1],
                                    "params": params.key()} for u in users if u in current]),
            ]
            for table, values in rows:
                if values:
                    s.execute(insert(table), values)
            s.commit()
        except IntegrityError:  # another process computed them at the same time
            s.rollback()
    return len(todo)


def practice_days(s: Session, officers: Officers, year: int) -> list[PracticeDay]:
    stmt = select(PracticeDayRow.officer_id, PracticeDayRow.day, PracticeDayRow.minutes,
                  PracticeDayRow.answers).where(PracticeDayRow.day >= date(year, 1, 1),
                                                PracticeDayRow.day < date(year + 1, 1, 1))
    if officers is not None:
        stmt = stmt.where(PracticeDayRow.officer_id.in_(list(officers)))
    return [PracticeDay(o, d, m, n) for o, d, m, n in s.execute(stmt).tuples()]


def first_mastered(s: Session, officers: Officers) -> dict[str, dict[str, datetime]]:
    out: dict[str, dict[str, datetime]] = {}
    stmt = select(MasteredRow.officer_id, MasteredRow.item, MasteredRow.mastered_at)
    if officers is not None:
        stmt = stmt.where(MasteredRow.officer_id.in_(list(officers)))
    for officer, item, at in s.execute(stmt).tuples():
        out.setdefault(officer, {})[item] = as_utc(at)
    return out


def months(days: list[PracticeDay], rules: HoursRules) -> list[dict[str, Any]]:
    """The rows of ``PracticeMonthRow`` for these days."""
    totals: dict[tuple[str, int, int], float] = {}
    for d in days:
        key = (d.officer_id, d.day.year, d.day.month)
        totals[key] = totals.get(key, 0.0) + credits.practice_hours(d.minutes, rules)
    return [{"officer_id": o, "year": y, "month": m, "hours": round(h, 2)} for (o, y, m), h in totals.items()]


def practice_by_month(s: Session, officers: Officers, year: int, rules: HoursRules) -> list[Entry]:
    """Each officer's practice 学时 of each month (each day's capped and rounded as in ``practice_entries``),
    one entry a month dated its first day: what the unit and city reports need, without a row a day."""
    if rules.practice_daily_cap <= 0:
        return []
    stmt = select(PracticeMonthRow.officer_id, PracticeMonthRow.month, PracticeMonthRow.hours).where(
        PracticeMonthRow.year == year)
    if officers is not None:
        stmt = stmt.where(PracticeMonthRow.officer_id.in_(list(officers)))
    return [Entry(o, date(year, m, 1), Source.PRACTICE, "在线练习（本月合计）", h)
            for o, m, h in s.execute(stmt).tuples()]


def _month(column: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "sqlite":
        return cast(func.strftime("%m", column), Integer)
    return cast(func.extract("month", column), Integer)


def mastered_by_month(s: Session, officers: Officers, year: int, rules: HoursRules) -> list[Entry]:
    """Each officer's checklist items first mastered in each month, one entry a month."""
    if rules.checklist_item_hours <= 0:
        return []
    month = _month(MasteredRow.day, s.get_bind().dialect.name)
    stmt = (select(MasteredRow.officer_id, month, func.count())
            .where(MasteredRow.day >= date(year, 1, 1), MasteredRow.day < date(year + 1, 1, 1))
            .group_by(MasteredRow.officer_id, month))
    if officers is not None:
        stmt = stmt.where(MasteredRow.officer_id.in_(list(officers)))
    return [Entry(o, date(year, int(m), 1), Source.CHECKLIST, f"掌握应知应会 {n} 项",
                  round(n * rules.checklist_item_hours, 2)) for o, m, n in s.execute(stmt).tuples()]
