"""Reports of 学时 as data: one officer's year, a unit's officers, units side by side.

On track: an officer holds at least target × (months of the year completed) / 12 (the current month not
yet counted). A unit's yearly activities (讲座, 知识竞赛, 旁听庭审, 模拟执法) are those the unit held itself;
one not held is 未到期 while the year runs and 未完成 after it. A leader's quarter is done with a 领导学法
record in it, missing once the quarter is over, not due before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from quiz.hours.models import (
    YEARLY_KINDS,
    ActivityKind,
    CityUnitLine,
    Due,
    Entry,
    HoursBin,
    LeaderStudy,
    NextSteps,
    Officer,
    OfficerLine,
    OfficerYear,
    Source,
    UnitReport,
    YearlyActivity,
)
from quiz.hours.rules import HoursRules

BIN_COUNT = 6


def months_elapsed(year: int, today: date) -> int:
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def expected_by_now(target: float, year: int, today: date) -> float:
    return round(target * months_elapsed(year, today) / 12, 2)


def by_source(entries: Iterable[Entry]) -> dict[Source, float]:
    totals = dict.fromkeys(Source, 0.0)
    for e in entries:
        totals[e.source] += e.hours
    return {s: round(h, 2) for s, h in totals.items()}


def by_month(entries: Iterable[Entry]) -> tuple[float, ...]:
    months = [0.0] * 12
    for e in entries:
        months[e.day.month - 1] += e.hours
    return tuple(round(m, 2) for m in months)


def cumulative(months: Sequence[float]) -> tuple[float, ...]:
    out, running = [], 0.0
    for m in months:
        running += m
        out.append(round(running, 2))
    return tuple(out)


def officer_year(officer: Officer, year: int, rules: HoursRules, entries: Sequence[Entry],
                 next_steps: NextSteps) -> OfficerYear:
    ordered = tuple(sorted(entries, key=lambda e: (e.day, e.source.value, e.title)))
    return OfficerYear(officer, year, rules.yearly_target, round(sum(e.hours for e in entries), 2),
                       by_source(entries), by_month(entries), ordered, next_steps)


def distribution(totals: Sequence[float], target: float) -> tuple[HoursBin, ...]:
    step = target / BIN_COUNT
    bins = []
    for i in range(BIN_COUNT):
        low, high = step * i, step * (i + 1)
        bins.append(HoursBin(f"{low:g}–{high:g}", low, high, sum(low <= t < high for t in totals)))
    bins.append(HoursBin(f"≥{target:g}", target, None, sum(t >= target for t in totals)))
    return tuple(bins)


def yearly_activities(held: Iterable[tuple[ActivityKind, date]], year: int, today: date) -> tuple[YearlyActivity, ...]:
    dates: dict[ActivityKind, list[date]] = defaultdict(list)
    for kind, day in held:
        dates[kind].append(day)
    year_over = date(year, 12, 31) < today
    return tuple(
        YearlyActivity(kind, Due.DONE if dates[kind] else Due.MISSING if year_over else Due.UPCOMING,
                       tuple(sorted(dates[kind])))
        for kind in YEARLY_KINDS
    )


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_state(done: bool, year: int, quarter: int, today: date) -> Due:
    if done:
        return Due.DONE
    ends = date(year + 1, 1, 1) if quarter == 4 else date(year, quarter * 3 + 1, 1)
    return Due.MISSING if today >= ends else Due.UPCOMING


def leaders_study(leaders: Iterable[Officer], entries_of: dict[str, list[Entry]], year: int,
                  today: date) -> tuple[LeaderStudy, ...]:
    out = []
    for leader in leaders:
        quarters = {quarter_of(e.day) for e in entries_of.get(leader.officer_id, [])
                    if e.kind is ActivityKind.LEADERS}
        out.append(LeaderStudy(leader, tuple(quarter_state(q in quarters, year, q, today) for q in range(1, 5))))
    return tuple(out)


def unit_report(unit: str, year: int, rules: HoursRules, officers: Sequence[Officer], entries: Iterable[Entry],
                held: Iterable[tuple[ActivityKind, date]], today: date) -> UnitReport:
    entries_of: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        entries_of[e.officer_id].append(e)
    expected = expected_by_now(rules.yearly_target, year, today)
    lines = []
    for officer in officers:
        mine = entries_of.get(officer.officer_id, [])
        total = round(sum(e.hours for e in mine), 2)
        lines.append(OfficerLine(officer, total, by_source(mine), cumulative(by_month(mine)),
                                 total >= expected - 1e-9))
    lines.sort(key=lambda line: (line.on_track, line.total, line.officer.officer_id))
    return UnitReport(
        unit, year, rules.yearly_target, expected, tuple(lines),
        distribution([line.total for line in lines], rules.yearly_target),
        yearly_activities(held, year, today),
        leaders_study([o for o in officers if o.leader], entries_of, year, today),
    )


def city_line(report: UnitReport) -> CityUnitLine:
    n = len(report.officers)
    return CityUnitLine(
        report.unit, n, round(report.mean, 2), report.at_target / n if n else 0.0,
        report.on_track / n if n else 0.0,
        tuple(a.kind for a in report.yearly_activities if a.state is not Due.DONE),
        sum(q is Due.MISSING for leader in report.leaders for q in leader.quarters),
    )
