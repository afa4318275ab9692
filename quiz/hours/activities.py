"""Offline activities a unit enters or imports from a sheet, checked before anything is stored.

A sheet (XLSX or CSV) holds one row per attendee: 警号, 姓名 (optional, checked against the account),
活动类型, 活动名称, 日期 (a day, or 起~止 for a 轮训), 学时, 证明材料 (optional), 单位 (optional: the
officer's own unit). Rows of the same unit, kind, name and days make one activity. Every row is checked and
every refusal listed; one bad row refuses the whole sheet and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from quiz.hours.directory import Directory
from quiz.hours.models import ActivityDraft, ActivityKind
from quiz.hours.rules import HoursRules
from quiz.people.models import Actor
from quiz.text import normalize_id, normalize_name

COLUMNS = {"警号": "officer", "姓名": "name", "活动类型": "kind", "活动名称": "title", "日期": "day",
           "学时": "hours", "证明材料": "evidence", "单位": "unit"}
REQUIRED = ("警号", "活动类型", "活动名称", "日期", "学时")
DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0?0:00(?::00)?)?\s*$")
RANGE_RE = re.compile(r"\s*(?:~|～|至|—)\s*")

StoredKey = tuple[str, str, str, date]
"""(警号, kind, title, first day): one officer's attendance of one activity."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str


class ActivityError(ValueError):
    """An activity that cannot be stored; the message says why, in Chinese."""


class ActivityImportError(ValueError):
    """A sheet refused: the file and every bad row with its reason."""

    def __init__(self, file_name: str, problems: Sequence[RowProblem]) -> None:
        self.file_name = file_name
        self.problems = tuple(problems)
        lines = "；".join(f"第 {p.row} 行：{p.reason}" if p.row else p.reason for p in self.problems)
        super().__init__(f"{file_name}：未导入任何记录（{len(self.problems)} 处问题）：{lines}")


def parse_day(text: str) -> date | None:
    match = DATE_RE.match(text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_days(text: str) -> tuple[date, date] | None:
    """``2026-03-15`` or ``2026-03-02~2026-03-06`` → (first, last); ``None``: not a day or range."""
    parts = RANGE_RE.split(text.strip(), maxsplit=1)
    first = parse_day(parts[0])
    last = parse_day(parts[1]) if len(parts) == 2 else first
    if first is None or last is None or last < first:
        return None
    return first, last


def hours_limit(kind: ActivityKind, first: date, last: date, rules: HoursRules) -> float:
    """The most 学时 one attendee may be credited: ``activity_max_hours`` a day (a 轮训: its days)."""
    return rules.activity_max_hours * ((last - first).days + 1)


def check_hours(value: float, kind: ActivityKind, first: date, last: date, rules: HoursRules) -> str:
    """A reason to refuse the 学时, or ``""``."""
    if value != value or value in (float("inf"), float("-inf")):
        return "学时不是有效数字"
    if value <= 0:
        return f"学时 {value:g} 应大于 0"
    limit = hours_limit(kind, first, last, rules)
    if value > limit:
        days = (last - first).days + 1
        return f"学时 {value:g} 超过规则允许的上限 {limit:g}（{days} 天，每天至多 {rules.activity_max_hours:g}）"
    return ""


def check_draft(draft: ActivityDraft, actor: Actor, directory: Directory, rules: HoursRules) -> ActivityDraft:
    """The draft with its attendees normalised, or ``ActivityError`` naming every reason."""
    reasons = []
    if draft.unit not in directory.unit_ids:
        reasons.append(f"单位“{draft.unit}”不存在")
    elif not actor.may(draft.unit):
        reasons.append(f"单位“{draft.unit}”不在您的管理范围内")
    if not draft.title.strip():
        reasons.append("缺少活动名称")
    last = draft.ends_on or draft.starts_on
    if last < draft.starts_on:
        reasons.append("结束日期早于开始日期")
    elif problem := check_hours(draft.hours, draft.kind, draft.starts_on, last, rules):
        reasons.append(problem)
    attendees = [normalize_id(a) for a in draft.attendees]
    if not attendees:
        reasons.append("没有参加人员")
    unknown = [a for a in attendees if a not in directory.officers]
    if unknown:
        reasons.append(f"警号 {'、'.join(unknown)} 没有账号")
    twice = sorted({a for a in attendees if attendees.count(a) > 1})
    if twice:
        reasons.append(f"警号 {'、'.join(twice)} 重复")
    if reasons:
        raise ActivityError("；".join(reasons))
    return ActivityDraft(draft.unit, draft.kind, draft.title.strip(), draft.starts_on, draft.hours,
                         tuple(attendees), last, draft.evidence.strip(), draft.exam_id)


@dataclass
class _Group:
    unit: str
    kind: ActivityKind
    title: str
    first: date
    last: date
    evidence: list[str]
    hours: dict[str, float]


def check_sheet(rows: Sequence[Sequence[str]], file_name: str, actor: Actor, directory: Directory,
                rules_of: Callable[[int], HoursRules], stored: set[StoredKey]) -> list[tuple[ActivityDraft, dict[str, float]]]:
    """The activities of a sheet with each attendee's 学时, or ``ActivityImportError`` listing every bad row."""
    header_at = next((i for i, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
    if header_at is None:
        raise ActivityImportError(file_name, [RowProblem(0, "文件是空的")])
    header = [cell.strip() for cell in rows[header_at]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ActivityImportError(file_name, [RowProblem(header_at + 1, f"表头缺少列：{'、'.join(missing)}")])
    where = {COLUMNS[name]: header.index(name) for name in COLUMNS if name in header}

    problems: list[RowProblem] = []
    seen: dict[StoredKey, int] = {}
    groups: dict[tuple[str, ActivityKind, str, date, date], _Group] = {}
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        number = index + 1

        def cell(field: str, row: Sequence[str] = row) -> str:
            at = where.get(field)
            return row[at].strip() if at is not None and at < len(row) else ""

        if not any(c.strip() for c in row):
            continue
        reasons = []
        officer_id = normalize_id(cell("officer"))
        officer = directory.officers.get(officer_id)
        if not officer_id:
            reasons.append("缺少警号")
        elif officer is None:
            reasons.append(f"警号 {officer_id} 没有账号")
        elif cell("name") and normalize_name(cell("name")) != normalize_name(officer.name):
            reasons.append(f"姓名“{cell('name')}”与警号 {officer_id} 的账号（{officer.name}）不符")
        kind = ActivityKind.parse(cell("kind"))
        if kind is None:
            shown = cell("kind") or "（空）"
            reasons.append(f"活动类型“{shown}”未知（可用：{'、'.join(k.value for k in ActivityKind)}）")
        title = cell("title")
        if not title:
            reasons.append("缺少活动名称")
        days = parse_days(cell("day"))
        if days is None:
            reasons.append(f"日期“{cell('day') or '（空）'}”无法识别（应为 2026-03-15，轮训可写 2026-03-02~2026-03-06）")
        try:
            hours: float | None = float(cell("hours"))
        except ValueError:
            hours = None
            reasons.append(f"学时“{cell('hours') or '（空）'}”不是数字")
        if hours is not None and kind is not None and days is not None and (
                problem := check_hours(hours, kind, days[0], days[1], rules_of(days[0].year))):
            reasons.append(problem)
        unit = cell("unit") or (officer.unit if officer is not None else "")
        if cell("unit") and unit not in directory.unit_ids:
            reasons.append(f"单位“{unit}”不存在")
        elif unit and not actor.may(unit):
            reasons.append(f"单位“{unit}”不在您的管理范围内")
        elif officer is not None and not unit:
            reasons.append(f"警号 {officer_id} 的账号没有单位，请填写单位")
        if officer_id and kind is not None and title and days is not None:
            key = (officer_id, kind.value, title, days[0])
            if key in seen:
                reasons.append(f"与第 {seen[key]} 行重复")
            elif key in stored:
                reasons.append("这条记录已经导入过（同一警号、活动类型、活动名称和日期）")
            seen.setdefault(key, number)
        if reasons:
            problems.append(RowProblem(number, "；".join(reasons)))
            continue
        assert kind is not None and days is not None and hours is not None
        group = groups.setdefault((unit, kind, title, days[0], days[1]),
                                  _Group(unit, kind, title, days[0], days[1], [], {}))
        group.hours[officer_id] = hours
        if cell("evidence") and cell("evidence") not in group.evidence:
            group.evidence.append(cell("evidence"))
    if problems:
        raise ActivityImportError(file_name, problems)
    if not groups:
        raise ActivityImportError(file_name, [RowProblem(0, "文件中没有记录")])
    return [(ActivityDraft(g.unit, g.kind, g.title, g.first, max(g.hours.values()), tuple(g.hours), g.last,
                           "；".join(g.evidence)), g.hours) for g in groups.values()]
