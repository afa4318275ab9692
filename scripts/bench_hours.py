"""学时 benchmark: a year of records for 3,000 officers in 30 units, then the reports and the export timed.

    PYTHONPATH=. python scripts/bench_hours.py [--officers 3000] [--units 30] [--practising 0.7]
        [--days 150] [--answers 12] [--database-url postgresql+psycopg://…]
        # with --database-url a scratch database is made on that server and dropped afterwards

Generated (seed 1): 30 units of 100 officers (5 leaders each); 500 questions, one in five tied to one of 100
应知应会 items; ``practising`` of the officers answer ``answers`` questions (gaps of 0.2–6 minutes) on
``days`` random working days of 2026 until 30 December; three exams sat by nine in ten officers; per unit the yearly
activities (each unit misses one kind in four), the leaders' four quarters, a 5-day 轮训 for all followed
by its 考核验收 exam, and two other activities. Goals: a unit report ≤ 1 s, the city report ≤ 3 s, the
XLSX export of every unit ≤ 10 s. Then a tenth of the officers practise on 31 December (today) three times,
and the city report (or the refresh alone) after each is timed.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine, make_url

from quiz.db import AttemptRow, ChecklistItemRow, QuestionRow, make_engine
from quiz.exam.tables import ExamQuestionRow, ExamRow, SittingRow
from quiz.hours import summaries
from quiz.hours.models import ActivityKind
from quiz.hours.service import Hours
from quiz.hours.settings import HoursSettings
from quiz.hours.tables import ActivityRow, AttendanceRow
from quiz.people.models import Actor, Role, Scope
from quiz.people.tables import AccountRow, UnitRow
from scripts.scratch_db import drop_database, scratch_database

YEAR = 2026
CHINA = timedelta(hours=8)
NOW = datetime(YEAR, 12, 31, 4, tzinfo=UTC)
CITY = Actor(0, "bench", "基准", Role.CITY_ADMIN, "", Scope.everything())
BATCH = 50_000


def log(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)


def insert_rows(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for i in range(0, len(rows), BATCH):
            conn.execute(insert(table), rows[i:i + BATCH])


def china(day: date, minutes: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - CHINA + timedelta(minutes=minutes)


def generate(engine: Engine, args: argparse.Namespace, started: float) -> tuple[list[str], int]:
    rng = random.Random(1)
    units = [f"第{i + 1:02d}执法大队" for i in range(args.units)]
    insert_rows(engine, UnitRow.__table__, [{"id": i + 1, "name": u, "created_at": NOW} for i, u in enumerate(units)])
    per_unit = args.officers // args.units
    officers = [f"J{n:06d}" for n in range(per_unit * args.units)]
    insert_rows(engine, AccountRow.__table__, [
        {"login": o, "name": f"警员{n}", "role": Role.OFFICER.value, "unit_id": n // per_unit + 1,
         "title": "队长" if n % per_unit < 5 else "队员", "leader": n % per_unit < 5, "password_hash": "",
         "must_change_password": True, "failed_logins": 0, "active": True, "created_at": NOW}
        for n, o in enumerate(officers)])
    log(f"{len(units)} units, {len(officers)} officers", started)

    insert_rows(engine, ChecklistItemRow.__table__, [
        {"key": f"清单#{i}", "checklist": "清单", "number": i, "part": "", "kind": "know", "question": "",
         "answer": "", "citations": [], "loaded_at": NOW} for i in range(1, 101)])
    insert_rows(engine, QuestionRow.__table__, [
        {"id": q, "fingerprint": f"f{q}", "type": "judge", "stem": f"题{q}", "options": {}, "answer": True,
         "explanation": "", "sources": [], "difficulty": 1, "law": "", "law_key": "", "chapter": "",
         "checklist_item": f"清单#{q % 100 + 1}" if q % 5 == 0 else "", "status": "approved", "evidence": "",
         "key_points": [], "generator": "", "source_hashes": {}, "needs_review": "", "created_at": NOW,
         "updated_at": NOW} for q in range(1, 501)])
    workdays = [d for d in (date(YEAR, 1, 1) + timedelta(days=i) for i in range(364)) if d.weekday() < 5]
    practising = rng.sample(officers, int(len(officers) * args.practising))
    answers = 0
    rows: list[dict[str, Any]] = []
    for k, officer in enumerate(practising):
        for day in rng.sample(workdays, min(args.days, len(workdays))):
            at = rng.uniform(8 * 60, 21 * 60)
            for _ in range(args.answers):
                at += rng.uniform(0.2, 6.0)
                rows.append({"user_id": f"badge:{officer}", "question_id": rng.randint(1, 500), "given": True,
                             "correct": rng.random() < 0.8, "answered_at": china(day, at)})
        if len(rows) >= 400_000 or k == len(practising) - 1:
            insert_rows(engine, AttemptRow.__table__, rows)
            answers += len(rows)
            rows = []
            log(f"practice: {k + 1}/{len(practising)} officers, {answers:,} answers", started)

    for e, day in enumerate((date(YEAR, 3, 20), date(YEAR, 4, 24), date(YEAR, 10, 16)), start=1):
        insert_rows(engine, ExamRow.__table__, [{"id": e, "code": f"{e:06d}", "title": f"考试{e}", "status": "closed",
                                                  "blueprint": {}, "duration_min": 60, "variants": 1, "secret": "s",
                                                  "results_released": True, "created_at": NOW}])
        insert_rows(engine, ExamQuestionRow.__table__, [{"exam_id": e, "variant": "A", "position": 1, "type": "judge",
                                                         "law": "", "points": 100.0, "snapshot": {}}])
        insert_rows(engine, SittingRow.__table__, [
            {"exam_id": e, "officer_id": o, "name": "", "unit": "", "variant": "A", "layout": [],
             "started_at": china(day, 540), "ends_at": china(day, 600), "submitted_at": china(day, 590),
             "submitted_by": "examinee", "score": float(rng.randint(40, 100))}
            for o in officers if rng.random() < 0.9])
    log("3 exams sat", started)

    activities: list[dict[str, Any]] = []
    attendance: list[dict[str, Any]] = []

    def activity(unit: int, kind: ActivityKind, day: date, hours: float, who: list[str], days: int = 1,
                 exam_id: int | None = None) -> None:
        aid = len(activities) + 1
        activities.append({"id": aid, "unit_id": unit, "kind": kind.value, "title": f"{kind.value}{aid}",
                           "starts_on": day, "ends_on": day + timedelta(days=days - 1), "evidence": "签到表",
                           "exam_id": exam_id, "created_at": NOW, "created_by": "bench"})
        attendance.extend({"activity_id": aid, "officer_id": o, "hours": hours} for o in who)

    for u in range(args.units):
        members = officers[u * per_unit:(u + 1) * per_unit]
        skipped = rng.choice([None, None, None, *range(4)])
        for i, kind in enumerate((ActivityKind.LECTURE, ActivityKind.CONTEST, ActivityKind.TRIAL,
                                  ActivityKind.SIMULATION)):
            if i != skipped:
                activity(u + 1, kind, date(YEAR, 3 + 2 * i, 10), 2.0 if i < 2 else 4.0,
                         rng.sample(members, len(members) * 2 // 3))
        for quarter in range(4):
            activity(u + 1, ActivityKind.LEADERS, date(YEAR, 3 * quarter + 2, 15), 2.0, members[:5])
        activity(u + 1, ActivityKind.ROTATION, date(YEAR, 4, 13), 30.0, members, days=5, exam_id=2)
        for _ in range(2):
            activity(u + 1, ActivityKind.OTHER, date(YEAR, rng.randint(1, 12), 5), 3.0,
                     rng.sample(members, len(members) // 2))
    insert_rows(engine, ActivityRow.__table__, activities)
    insert_rows(engine, AttendanceRow.__table__, attendance)
    log(f"{len(activities)} activities, {len(attendance):,} attendances", started)
    return units, answers


def new_answers(engine: Engine, officers: int, answers: int, minute: int) -> None:
    """``officers`` officers practise on 31 December (today; the year's answers end the day before) from
    ``minute``, after the summaries were made."""
    rng = random.Random(minute)
    day = date(YEAR, 12, 31)
    insert_rows(engine, AttemptRow.__table__, [
        {"user_id": f"badge:J{n:06d}", "question_id": rng.randint(1, 500), "given": True, "correct": True,
         "answered_at": china(day, minute + i)} for n in range(officers) for i in range(answers)])


def timed(what: str, call: Any, runs: int = 3) -> Any:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t)
    print(f"{what}: best {min(times):.2f} s, worst {max(times):.2f} s of {runs}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=3000)
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--practising", type=float, default=0.7, help="Share of officers who practise.")
    parser.add_argument("--days", type=int, default=150, help="Days each of them practises.")
    parser.add_argument("--answers", type=int, default=12, help="Answers a practice day.")
    parser.add_argument("--database-url", default="", help="A PostgreSQL server (a scratch database is used).")
    args = parser.parse_args()
    started = time.perf_counter()
    url = scratch_database(args.database_url, "xf_bench_hours") if args.database_url else \
        f"sqlite:///{Path(tempfile.mkdtemp(prefix='xuefa-bench-hours-')) / 'quiz.sqlite'}"
    print(f"database: {make_url(url).get_backend_name()}", flush=True)
    try:
        engine = make_engine(url)
        hours = Hours(engine, HoursSettings(), clock=lambda: NOW)
        units, answers = generate(engine, args, started)
        if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        print(f"generated in {time.perf_counter() - started:.0f} s: {answers:,} practice answers", flush=True)
        timed("first city report (computes every officer's practice summaries)",
              lambda: hours.city_report(CITY, YEAR), runs=1)
        unit = timed(f"unit report ({units[0]})", lambda: hours.unit_report(CITY, units[0], YEAR))
        print(f"  {len(unit.officers)} officers, mean {unit.mean:.1f} 学时, at target {unit.at_target}")
        city = timed("city report", lambda: hours.city_report(CITY, YEAR))
        print(f"  {len(city.units)} units, mean of means "
              f"{sum(u.mean for u in city.units) / len(city.units):.1f} 学时")
        data = timed("XLSX export (every unit)", lambda: hours.records_xlsx(CITY, YEAR), runs=1)
        print(f"  {len(data) / 1e6:.1f} MB")
        timed("officer's year", lambda: hours.officer_year("J000001", YEAR))
        practising = args.officers // 10
        new_answers(engine, practising, args.answers, 540)
        timed(f"city report after {practising} officers answered {args.answers} more on a new day",
              lambda: hours.city_report(CITY, YEAR), runs=1)
        timed("city report again", lambda: hours.city_report(CITY, YEAR), runs=1)
        new_answers(engine, practising, args.answers, 660)
        timed(f"city report after the same {practising} answered {args.answers} more later that day",
              lambda: hours.city_report(CITY, YEAR), runs=1)
        with hours.session() as s:  # what a report's refresh did, seen by one without the report around it
            new_answers(engine, practising, args.answers, 690)
            t = time.perf_counter()
            done = summaries.refresh(s, None, hours.rules(YEAR), hours.mastered_accuracy)
            print(f"refresh alone after {practising} officers' {args.answers} more answers: "
                  f"{time.perf_counter() - t:.2f} s ({done.continued} continued, {done.recomputed} recomputed)")
        engine.dispose()
    finally:
        if args.database_url:
            drop_database(args.database_url, url)


if __name__ == "__main__":
    main()
