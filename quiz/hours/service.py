"""The 学时 service: the rules per year, activities entered or imported, reports and exports, each checked
against the actor's role and units.

Contests: no team members are stored, so a contest taken part in is an activity of kind 知识竞赛 with its
attendees (``record_contest``, or a sheet row). A 轮训's 考核验收: with ``rotation_needs_pass`` (the default)
an attendee who failed or missed the exam keeps the record but earns 0 学时 for the 轮训 (the exam sat still
earns ``exam_hours``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ingest.settings import FileLimits
from quiz.db import ChecklistItemRow, create_tables, utcnow
from quiz.exam.exports import CjkFont
from quiz.hours import credits, exports, reports, summaries
from quiz.hours.activities import ActivityError, StoredKey, check_draft, check_sheet
from quiz.hours.directory import Directory
from quiz.hours.models import (
    ActivityDraft,
    ActivityKind,
    CityReport,
    Entry,
    NextSteps,
    OfficerYear,
    Source,
    UnitReport,
    Upcoming,
)
from quiz.hours.plan import Plan, draft_plan
from quiz.hours.rules import HoursRules
from quiz.hours.settings import HoursSettings
from quiz.hours.tables import ActivityRow, AttendanceRow, RulesRow
from quiz.people.models import AccessDenied, Actor, Role
from quiz.people.tables import UnitRow
from quiz.sheets import SheetError, read_sheet
from quiz.text import normalize_id

Record = Callable[[Actor, str, str, str], None]
"""The admins' audit: (actor, action, target, detail)."""


def no_record(actor: Actor, action: str, target: str, detail: str) -> None:
    return None


class Hours:
    def __init__(self, engine: Engine, settings: HoursSettings, pass_share: float = 0.6,
                 mastered_accuracy: float = 0.8, record: Record = no_record,
                 clock: Callable[[], datetime] = utcnow) -> None:
        create_tables(engine)
        self.engine = engine
        self.settings = settings
        self.pass_share = pass_share
        self.mastered_accuracy = mastered_accuracy
        self.record = record
        self.clock = clock
        self._session = sessionmaker(engine, expire_on_commit=False)

    def recording(self, record: Record) -> Hours:
        """This service with its audit written through ``record`` (the app's, naming the browser's address)."""
        twin = copy.copy(self)
        twin.record = record
        return twin

    def session(self) -> Session:
        return self._session()

    def today(self, rules: HoursRules | None = None) -> date:
        offset = (rules or self.settings).utc_offset_hours
        return (self.clock() + timedelta(hours=offset)).date()

    # rules ------------------------------------------------------------------------------------------------

    def rules(self, year: int) -> HoursRules:
        """The rules in force for ``year``; the first read stores the settings' defaults as that year's rules."""
        with self.session() as s:
            row = s.get(RulesRow, year)
            if row is not None:
                return HoursRules.model_validate(row.rules)
            rules = HoursRules.seeded(self.settings)
            try:
                s.add(RulesRow(year=year, rules=rules.model_dump(), updated_by=""))
                s.commit()
            except IntegrityError:  # another process stored them first
                s.rollback()
                stored = s.get(RulesRow, year)
                assert stored is not None
                return HoursRules.model_validate(stored.rules)
            return rules

    def set_rules(self, actor: Actor, year: int, rules: HoursRules) -> None:
        if actor.role is not Role.CITY_ADMIN:
            raise AccessDenied("只有市级管理员（法规处）可以修改学时规则。")
        before = self.rules(year)
        with self.session() as s, s.begin():
            row = s.get(RulesRow, year)
            assert row is not None
            row.rules, row.updated_by, row.updated_at = rules.model_dump(), actor.login, self.clock()
        changed = {k: (v, getattr(rules, k)) for k, v in before.model_dump().items() if getattr(rules, k) != v}
        self.record(actor, "hours.set_rules", f"{year} 年学时规则",
                    "；".join(f"{k}: {old} → {new}" for k, (old, new) in changed.items()) or "无变化")

    # activities -------------------------------------------------------------------------------------------

    def add_activity(self, actor: Actor, draft: ActivityDraft) -> int:
        """Store an activity with the same 学时 for each attendee; ``ActivityError`` names what is wrong."""
        rules = self.rules(draft.starts_on.year)
        with self.session() as s:
            checked = check_draft(draft, actor, Directory.load(s), rules)
            stored = self._stored(s, [checked])
            again = [a for a in checked.attendees
                     if (a, checked.kind.value, checked.title, checked.starts_on) in stored]
            if again:
                raise ActivityError(f"警号 {'、'.join(again)} 的这条活动记录已经录入过")
            activity_id = self._store(s, actor, checked, dict.fromkeys(checked.attendees, checked.hours))
            s.commit()
        self.record(actor, "hours.add_activity", f"{checked.unit} {checked.kind}：{checked.title}",
                    f"{checked.starts_on} 学时 {checked.hours:g}，{len(checked.attendees)} 人")
        return activity_id

    def record_contest(self, actor: Actor, unit: str, title: str, day: date, officer_ids: tuple[str, ...],
                       hours: float | None = None) -> int:
        """A 知识竞赛 taken part in: an activity of that kind (``contest_hours`` each unless given)."""
        rules = self.rules(day.year)
        return self.add_activity(actor, ActivityDraft(unit, ActivityKind.CONTEST, title, day,
                                                      rules.contest_hours if hours is None else hours, officer_ids))

    def import_activities(self, actor: Actor, path: Path, limits: FileLimits | None = None) -> tuple[int, int]:
        """Import an activity sheet; returns (activities, attendances). ``ActivityImportError`` lists every bad
        row and nothing is written; ``SheetError``: a file that is not a readable sheet."""
        if not actor.admin:
            raise AccessDenied("只有管理员可以导入活动记录。")
        try:
            rows = read_sheet(path, limits=limits)
        except SheetError as exc:
            raise SheetError(f"{path.name}：{exc}") from exc
        with self.session() as s:
            directory = Directory.load(s)
            stored = self._stored(s, None)
            activities = check_sheet(rows, path.name, actor, directory, self.rules, stored)
            for draft, hours in activities:
                self._store(s, actor, draft, hours)
            s.commit()
        attendances = sum(len(h) for _, h in activities)
        self.record(actor, "hours.import_activities", path.name, f"{len(activities)} 项活动，{attendances} 人次")
        return len(activities), attendances

    def _stored(self, s: Session, drafts: list[ActivityDraft] | None) -> set[StoredKey]:
        stmt = select(AttendanceRow.officer_id, ActivityRow.kind, ActivityRow.title, ActivityRow.starts_on).join(
            ActivityRow, ActivityRow.id == AttendanceRow.activity_id)
        if drafts is not None:
            stmt = stmt.where(ActivityRow.title.in_([d.title for d in drafts]))
        return {(o, k, t, d) for o, k, t, d in s.execute(stmt).tuples()}

    def _store(self, s: Session, actor: Actor, draft: ActivityDraft, hours: dict[str, float]) -> int:
        unit_id = s.scalar(select(UnitRow.id).where(UnitRow.name == draft.unit))
        assert unit_id is not None
        row = ActivityRow(unit_id=unit_id, kind=draft.kind.value, title=draft.title, starts_on=draft.starts_on,
                          ends_on=draft.ends_on or draft.starts_on, evidence=draft.evidence, exam_id=draft.exam_id,
                          created_at=self.clock(), created_by=actor.login)
        s.add(row)
        s.flush()
        s.add_all(AttendanceRow(activity_id=row.id, officer_id=o, hours=h) for o, h in hours.items())
        return row.id

    def set_rotation_exam(self, actor: Actor, activity_id: int, exam_id: int | None) -> None:
        """Follow a 轮训 by its 考核验收 exam: the exam's pass list joins the records."""
        with self.session() as s, s.begin():
            row = s.get(ActivityRow, activity_id)
            unit = s.get(UnitRow, row.unit_id) if row is not None else None
            if row is None or unit is None:
                raise ActivityError(f"没有编号为 {activity_id} 的活动")
            if not actor.may(unit.name):
                raise AccessDenied("这项活动不在您的管理范围内。")
            if row.kind != ActivityKind.ROTATION:
                raise ActivityError("只有轮训可以设置考核验收考试")
            row.exam_id = exam_id
        self.record(actor, "hours.rotation_exam", f"{unit.name} 轮训：{row.title}", f"考核验收考试 {exam_id}")

    # reports ----------------------------------------------------------------------------------------------

    def _entries(self, s: Session, officers: list[str] | None, year: int, rules: HoursRules,
                 by_day: bool = False) -> list[Entry]:
        """Every entry of the officers (``None``: all) in the year, from every source; practice and the
        checklist one entry a month unless ``by_day``."""
        summaries.refresh(s, officers, rules, self.mastered_accuracy)
        if by_day:
            practice = credits.practice_entries(summaries.practice_days(s, officers, year), rules)
            checklist = credits.checklist_entries(summaries.first_mastered(s, officers), year, rules)
        else:
            practice = summaries.practice_by_month(s, officers, year, rules)
            checklist = summaries.mastered_by_month(s, officers, year, rules)
        return [*practice, *credits.exam_entries(s, officers, year, rules), *checklist,
                *credits.activity_entries(s, officers, year, rules, self.pass_share)]

    def refresh(self, year: int) -> int:
        """Bring every officer's practice summaries up to date with ``year``'s rules (the reports do it for
        the officers they read; run at night, it leaves them nothing to do); returns how many were computed."""
        rules = self.rules(year)
        with self.session() as s:
            return summaries.refresh(s, None, rules, self.mastered_accuracy).total

    def officer_year(self, officer_id: str, year: int) -> OfficerYear:
        """One officer's year against the target, and what counts next."""
        officer_id = normalize_id(officer_id)
        rules = self.rules(year)
        today = self.today(rules)
        with self.session() as s:
            directory = Directory.load(s)
            officer = directory.officers.get(officer_id)
            if officer is None:
                raise ActivityError(f"警号 {officer_id} 没有账号")
            entries = self._entries(s, [officer_id], year, rules, by_day=True)
            mastered = summaries.first_mastered(s, [officer_id]).get(officer_id, {})
            items = s.scalar(select(func.count()).select_from(ChecklistItemRow)) or 0
            upcoming = [Upcoming(ActivityKind(k), t, d, float(h or 0.0)) for k, t, d, h in s.execute(
                select(ActivityRow.kind, ActivityRow.title, ActivityRow.starts_on, func.max(AttendanceRow.hours))
                .outerjoin(AttendanceRow, AttendanceRow.activity_id == ActivityRow.id)
                .where(ActivityRow.unit_id == directory.unit_ids.get(officer.unit, -1),
                       ActivityRow.starts_on >= today)
                .group_by(ActivityRow.id, ActivityRow.kind, ActivityRow.title, ActivityRow.starts_on)
                .order_by(ActivityRow.starts_on).limit(5)).tuples()]
        total = sum(e.hours for e in entries)
        practised_today = sum(e.hours for e in entries if e.source is Source.PRACTICE and e.day == today)
        next_steps = NextSteps(
            round(max(0.0, rules.yearly_target - total), 2),
            round(max(0.0, rules.practice_daily_cap - practised_today), 2) if year == today.year else 0.0,
            max(0, int(items) - len(mastered)), rules.checklist_item_hours, rules.exam_hours, tuple(upcoming))
        return reports.officer_year(officer, year, rules, entries, next_steps)

    def _check_unit(self, actor: Actor, directory: Directory, unit: str) -> None:
        if not actor.may(unit):
            raise AccessDenied("您无权查看这个单位的学时。")
        if unit not in directory.unit_ids:
            raise ActivityError(f"单位“{unit}”不存在")

    def unit_report(self, actor: Actor, unit: str, year: int) -> UnitReport:
        """Every officer of the unit and the units below it; the unit's yearly activities and leaders' study."""
        rules = self.rules(year)
        with self.session() as s:
            directory = Directory.load(s)
            self._check_unit(actor, directory, unit)
            officers = directory.members(directory.subtree(unit))
            entries = self._entries(s, [o.officer_id for o in officers], year, rules)
            held = self._held(s, [directory.unit_ids[unit]], year).get(directory.unit_ids[unit], [])
        return reports.unit_report(unit, year, rules, officers, entries, held, self.today(rules))

    def _held(self, s: Session, unit_ids: list[int] | None,
              year: int) -> dict[int, list[tuple[ActivityKind, date]]]:
        stmt = select(ActivityRow.unit_id, ActivityRow.kind, ActivityRow.starts_on).where(
            ActivityRow.starts_on >= date(year, 1, 1), ActivityRow.starts_on < date(year + 1, 1, 1))
        if unit_ids is not None:
            stmt = stmt.where(ActivityRow.unit_id.in_(unit_ids))
        out: dict[int, list[tuple[ActivityKind, date]]] = {}
        for unit_id, kind, day in s.execute(stmt).tuples():
            out.setdefault(unit_id, []).append((ActivityKind(kind), day))
        return out

    def unit_reports(self, actor: Actor, year: int) -> list[UnitReport]:
        """Each unit the actor may see, over its own officers (not those of the units below it)."""
        rules = self.rules(year)
        today = self.today(rules)
        with self.session() as s:
            directory = Directory.load(s)
            units = [u for u in directory.unit_names() if actor.may(u)]
            if not units:
                raise AccessDenied("您无权查看单位的学时。")
            everything = actor.scope.all_units
            officers = directory.members(units)
            entries = self._entries(s, None if everything else [o.officer_id for o in officers], year, rules)
            held = self._held(s, None if everything else [directory.unit_ids[u] for u in units], year)
        by_officer: dict[str, list[Entry]] = {}
        for e in entries:
            by_officer.setdefault(e.officer_id, []).append(e)
        out = []
        for unit in units:
            members = [o for o in officers if o.unit == unit]
            mine = [e for o in members for e in by_officer.get(o.officer_id, [])]
            out.append(reports.unit_report(unit, year, rules, members, mine,
                                           held.get(directory.unit_ids[unit], []), today))
        return out

    def city_report(self, actor: Actor, year: int) -> CityReport:
        """Units side by side; the city administrator's only."""
        if actor.role is not Role.CITY_ADMIN:
            raise AccessDenied("只有市级管理员（法规处）可以查看全市学时。")
        rules = self.rules(year)
        lines = [reports.city_line(r) for r in self.unit_reports(actor, year)]
        return CityReport(year, rules.yearly_target, reports.expected_by_now(rules.yearly_target, year,
                                                                              self.today(rules)), tuple(lines))

    # files ------------------------------------------------------------------------------------------------

    def records_xlsx(self, actor: Actor, year: int, unit: str | None = None) -> bytes:
        """The year's records: the unit (and the units below it), or every unit the actor may see."""
        reports_ = [self.unit_report(actor, unit, year)] if unit else self.unit_reports(actor, year)
        self.record(actor, "hours.export_xlsx", unit or "全部单位", f"{year} 年")
        return exports.records_xlsx(reports_)

    def unit_pdf(self, actor: Actor, year: int, unit: str, font: CjkFont) -> bytes:
        report = self.unit_report(actor, unit, year)
        self.record(actor, "hours.export_pdf", unit, f"{year} 年")
        return exports.unit_pdf(report, font)

    def plan(self, actor: Actor, year: int, unit: str | None = None) -> Plan:
        """The yearly plan drafted from the year's rules; a unit administrator's for a unit of theirs."""
        if not actor.admin:
            raise AccessDenied("只有管理员可以起草年度学法培训计划。")
        name = unit or actor.unit
        if name:
            with self.session() as s:
                self._check_unit(actor, Directory.load(s), name)
        return draft_plan(year, name, self.rules(year))

    def plan_docx(self, actor: Actor, year: int, unit: str | None = None) -> bytes:
        plan = self.plan(actor, year, unit)
        self.record(actor, "hours.export_plan", plan.unit or "全市", f"{year} 年")
        return exports.plan_docx(plan)
