"""Practice summaries kept beside the answers, so that a city report need not walk millions of answers.

For each officer (``badge:<警号>``) the days' practice minutes (``PracticeDayRow``), the months' practice
学时 (``PracticeMonthRow``), the checklist items' first mastery (``MasteredRow``) and where that replay
stopped (``MasteryProgressRow``) are stored with what they were computed from (``PracticeUserRow``, the
cursor: the count, last id, sum of ids and latest time of the officer's answers, and the parameters).
``refresh`` compares the cursor with the answers now stored (one pass over the user index, counting).

- Only new answers, all after the cursor (ids above its last, times from its latest on): the common case,
  an officer who practised. The summaries are continued: the days from the first new answer's day on and
  the months from that day's month on are computed again, the replay is resumed with the new answers.
  Checked by count and sum of ids: the answers after the cursor must make up the whole difference.
- Anything else — answers adopted from an anonymous id, answers deleted, new answers dated before the
  cursor's latest, a rule of practice time, the time zone or the mastery threshold changed — computes the
  officer again from their whole history.

Two processes refreshing at once: the loser's transaction is rolled back and the winner's rows stand. The
days may count answers stored after the cursor was read (they are new to the next refresh, which computes
their days again); the replay counts exactly the cursor's answers, so it is never fed one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quiz.db import AttemptRow, QuestionRow, as_utc
from quiz.hours import credits, mastery
from quiz.hours.credits import BADGE, Officers, PracticeDay
from quiz.hours.mastery import Progress, Replay
from quiz.hours.models import Entry, Source
from quiz.hours.rules import HoursRules
from quiz.hours.tables import (
    MasteredRow,
    MasteryProgressRow,
    PracticeDayRow,
    PracticeMonthRow,
    PracticeUserRow,
)

CHUNK = 200
FULL_SCAN = 500
"""More officers to compute than this: one pass over every officer's answers."""


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


@dataclass(frozen=True)
class Cursor:
    """A user's answers as the summaries count them: how many, the last id, the sum of the ids, the latest
    time (``None``: a row of an older version, which knew only the first two)."""

    answers: int
    last_id: int
    id_sum: int | None
    last_at: datetime | None


@dataclass(frozen=True)
class Refreshed:
    continued: int
    """Officers whose only change was new answers after their cursor: their summaries continued."""
    recomputed: int
    """Officers computed again from their whole history (answers adopted or deleted, parameters changed,
    new answers dated before the cursor's latest, or never computed)."""

    @property
    def total(self) -> int:
        return self.continued + self.recomputed


@dataclass(frozen=True)
class Stale:
    current: dict[str, Cursor]
    """The users that changed, as their answers are now."""
    stored: dict[str, Cursor]
    continuable: list[str]
    """Same parameters, more answers and a later last id: continued if the answers after the cursor explain
    the whole difference (``_continue`` checks)."""
    recompute: list[str]
    """Users to compute in full, with those whose answers are all gone."""


def _stale(s: Session, officers: Officers, params: Params) -> Stale:
    # count, last id and sum of ids from the user index alone; the latest time only for the users that changed
    # (taking it in this pass reads the wider time index: 0.46 → 1.0 s on SQLite for 3.8 million answers)
    current_stmt = select(AttemptRow.user_id, func.count(), func.max(AttemptRow.id),
                          func.sum(AttemptRow.id)).group_by(AttemptRow.user_id)
    stored_stmt = select(PracticeUserRow.user_id, PracticeUserRow.answers, PracticeUserRow.last_id,
                         PracticeUserRow.id_sum, PracticeUserRow.last_at, PracticeUserRow.params)
    if officers is None:
        current_stmt = current_stmt.where(AttemptRow.user_id >= BADGE, AttemptRow.user_id < BADGE[:-1] + ";")
    else:
        users = [BADGE + o for o in officers]
        current_stmt = current_stmt.where(AttemptRow.user_id.in_(users))
        stored_stmt = stored_stmt.where(PracticeUserRow.user_id.in_(users))
    counted = {u: (int(n), int(last), int(total)) for u, n, last, total in s.execute(current_stmt).tuples()}
    key = params.key()
    stored: dict[str, Cursor] = {}
    continuable: list[str] = []
    recompute: list[str] = []
    for u, n, last, total, at, p in s.execute(stored_stmt).tuples():
        was = stored[u] = Cursor(n, last, total, None if at is None else as_utc(at))
        now = counted.get(u)
        if now is None or p != key or was.id_sum is None or was.last_at is None:
            recompute.append(u)
        elif now != (was.answers, was.last_id, was.id_sum):
            grew = now[0] > was.answers and now[1] > was.last_id
            (continuable if grew else recompute).append(u)
    recompute.extend(u for u in counted if u not in stored)
    changed = [u for u in continuable + recompute if u in counted]
    latest = _latest(s, changed)
    current = {u: Cursor(*counted[u], latest.get(u)) for u in changed}
    return Stale(current, stored, continuable, recompute)


def _latest(s: Session, users: list[str]) -> dict[str, datetime]:
    """Each user's latest answer time (an answer stored since the count may make it later than the cursor's
    answers: then the next refresh finds new answers it cannot explain and computes that user in full)."""
    out: dict[str, datetime] = {}
    for i in range(0, len(users), CHUNK):
        stmt = (select(AttemptRow.user_id, func.max(AttemptRow.answered_at))
                .where(AttemptRow.user_id.in_(users[i:i + CHUNK])).group_by(AttemptRow.user_id))
        out.update((u, as_utc(at)) for u, at in s.execute(stmt).tuples())
    return out


def refresh(s: Session, officers: Officers, rules: HoursRules, mastered_accuracy: float,
            full_scan: int = FULL_SCAN) -> Refreshed:
    """Bring the summaries of ``officers`` (``None``: all) up to date. An officer whose only change is new
    answers after the cursor is continued: the days from the first new answer's on computed again, the
    months from that day's, the first-mastery replay resumed; any other change computes them in full (more
    than ``full_scan`` to compute: one pass over every officer's answers). Either way the rows equal those
    of a computation from scratch."""
    if officers is not None and not officers:
        return Refreshed(0, 0)
    params = Params.of(rules, mastered_accuracy)
    stale = _stale(s, officers, params)
    s.rollback()
    recompute = list(stale.recompute)
    continued = 0
    for i in range(0, len(stale.continuable), CHUNK):
        users = stale.continuable[i:i + CHUNK]
        failed = _continue(s, users, stale, params, rules)
        recompute.extend(failed)
        continued += len(users) - len(failed)
    _recompute(s, recompute, stale.current, params, rules, full_scan)
    return Refreshed(continued, len(recompute))


def _recompute(s: Session, todo: list[str], current: dict[str, Cursor], params: Params, rules: HoursRules,
               full_scan: int) -> None:
    days_of: dict[str, list[PracticeDay]] | None = None
    replays_of: dict[str, Replay] | None = None
    last_ids = {u: c.last_id for u, c in current.items()}
    if len(todo) > full_scan:  # one pass over every answer beats many lookups by user
        days_of = {}
        for d in credits.practice_days(s, None, None, rules):
            days_of.setdefault(d.officer_id, []).append(d)
        replays_of = mastery.replay(s, None, last_ids, params.mastered_accuracy)
    for i in range(0, len(todo), CHUNK):
        users = todo[i:i + CHUNK]
        ids = [u[len(BADGE):] for u in users]
        if days_of is None or replays_of is None:
            days = credits.practice_days(s, ids, None, rules)
            replays = mastery.replay(s, ids, last_ids, params.mastered_accuracy)
        else:
            days = [d for o in ids for d in days_of.get(o, [])]
            replays = {o: replays_of[o] for o in ids if o in replays_of}
        try:
            s.execute(delete(PracticeDayRow).where(PracticeDayRow.officer_id.in_(ids)))
            s.execute(delete(PracticeMonthRow).where(PracticeMonthRow.officer_id.in_(ids)))
            s.execute(delete(MasteredRow).where(MasteredRow.officer_id.in_(ids)))
            s.execute(delete(MasteryProgressRow).where(MasteryProgressRow.officer_id.in_(ids)))
            s.execute(delete(PracticeUserRow).where(PracticeUserRow.user_id.in_(users)))
            _insert(s, days, months(days, rules), replays, rules,
                    {u: current[u] for u in users if u in current}, params)
            s.commit()
        except IntegrityError:  # another process computed them at the same time
            s.rollback()


def _continue(s: Session, users: list[str], stale: Stale, params: Params, rules: HoursRules) -> list[str]:
    """Continue these users' summaries with their answers after the cursor; returns those that cannot be
    (the answers after the cursor do not explain the change: some were adopted, deleted or dated before the
    cursor's latest answer)."""
    new_answers = or_(*(and_(AttemptRow.user_id == u, AttemptRow.answered_at >= stale.stored[u].last_at,
                             AttemptRow.id > stale.stored[u].last_id, AttemptRow.id <= stale.current[u].last_id)
                        for u in users))
    stmt = (select(AttemptRow.user_id, AttemptRow.id, AttemptRow.question_id, AttemptRow.correct,
                   AttemptRow.answered_at, QuestionRow.checklist_item, QuestionRow.status)
            .outerjoin(QuestionRow, QuestionRow.id == AttemptRow.question_id)
            .where(new_answers)
            .order_by(AttemptRow.user_id, AttemptRow.answered_at, AttemptRow.id))
    rows_of: dict[str, list[tuple[int, int, bool, datetime, str | None, str | None]]] = {}
    for user, answer_id, question, correct, at, item, status in s.execute(stmt).tuples():
        rows_of.setdefault(user, []).append((answer_id, question, bool(correct), as_utc(at), item, status))
    failed, since, cursors = [], {}, {}
    for u in users:
        rows, was, now = rows_of.get(u, []), stale.stored[u], stale.current[u]
        assert was.id_sum is not None and now.id_sum is not None
        explained = was.answers + len(rows) == now.answers and was.id_sum + sum(r[0] for r in rows) == now.id_sum
        if not rows or not explained:
            failed.append(u)
            continue
        since[u[len(BADGE):]] = credits.local_day(rows[0][3], rules.utc_offset_hours)
        cursors[u] = now
    if not since:
        s.rollback()
        return failed
    ids = list(since)
    known: dict[str, set[str]] = {}
    for officer, item in s.execute(select(MasteredRow.officer_id, MasteredRow.item)
                                   .where(MasteredRow.officer_id.in_(ids))).tuples():
        known.setdefault(officer, set()).add(item)
    progress: dict[str, list[Progress]] = {}
    for officer, question, item, correct in s.execute(
            select(MasteryProgressRow.officer_id, MasteryProgressRow.question_id, MasteryProgressRow.item,
                   MasteryProgressRow.correct).where(MasteryProgressRow.officer_id.in_(ids))).tuples():
        progress.setdefault(officer, []).append(Progress(question, item, bool(correct)))
    replays: dict[str, Replay] = {}
    for u in cursors:
        officer = u[len(BADGE):]
        replay = replays[officer] = Replay.resumed(params.mastered_accuracy, known.get(officer, set()),
                                                   progress.get(officer, []))
        for _, question, correct, at, checklist_item, question_status in rows_of[u]:
            if checklist_item and mastery.counts(question_status, checklist_item):
                replay.feed(question, checklist_item, correct, at)
    days = credits.practice_days(s, None, None, rules, since=since)
    try:
        s.execute(delete(PracticeDayRow).where(or_(*(
            and_(PracticeDayRow.officer_id == o, PracticeDayRow.day >= d) for o, d in since.items()))))
        s.execute(delete(MasteryProgressRow).where(MasteryProgressRow.officer_id.in_(ids)))
        s.execute(delete(PracticeUserRow).where(PracticeUserRow.user_id.in_(list(cursors))))
        s.execute(insert(PracticeDayRow), [{"officer_id": d.officer_id, "day": d.day, "minutes": d.minutes,
                                            "answers": d.answers} for d in days])
        first_month = {o: d.replace(day=1) for o, d in since.items()}
        month_days = [PracticeDay(o, d, m, n) for o, d, m, n in s.execute(
            select(PracticeDayRow.officer_id, PracticeDayRow.day, PracticeDayRow.minutes, PracticeDayRow.answers)
            .where(or_(*(and_(PracticeDayRow.officer_id == o, PracticeDayRow.day >= d)
                         for o, d in first_month.items())))).tuples()]
        s.execute(delete(PracticeMonthRow).where(or_(*(
            and_(PracticeMonthRow.officer_id == o,
                 or_(PracticeMonthRow.year > d.year, and_(PracticeMonthRow.year == d.year,
                                                          PracticeMonthRow.month >= d.month)))
            for o, d in first_month.items()))))
        _insert(s, [], months(month_days, rules), replays, rules, cursors, params)
        s.commit()
    except IntegrityError:  # another process continued them at the same time
        s.rollback()
    return failed


def _insert(s: Session, days: list[PracticeDay], month_rows: list[dict[str, Any]], replays: dict[str, Replay],
            rules: HoursRules, cursors: dict[str, Cursor], params: Params) -> None:
    """Insert the rows computed (the old ones of these officers already deleted; a replay's masteries are
    those it found, its progress where it stopped)."""
    rows: list[tuple[Any, list[dict[str, Any]]]] = [
        (PracticeDayRow, [{"officer_id": d.officer_id, "day": d.day, "minutes": d.minutes,
                           "answers": d.answers} for d in days]),
        (PracticeMonthRow, month_rows),
        (MasteredRow, [{"officer_id": o, "item": item, "mastered_at": at,
                        "day": credits.local_day(at, rules.utc_offset_hours)}
                       for o, r in replays.items() for item, at in r.mastered.items()]),
        (MasteryProgressRow, [{"officer_id": o, "question_id": p.question_id, "item": p.item,
                               "correct": p.correct} for o, r in replays.items() for p in r.progress()]),
        (PracticeUserRow, [{"user_id": u, "answers": c.answers, "last_id": c.last_id, "id_sum": c.id_sum,
                            "last_at": c.last_at, "params": params.key()} for u, c in cursors.items()]),
    ]
    for table, values in rows:
        if values:
            s.execute(insert(table), values)


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
    for d in sorted(days, key=lambda d: (d.officer_id, d.day)):  # one order of addition, however read
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
