"""The yearly training plan (年度学法培训计划), drafted from the year's rules, for filing with the 法规处 by
the end of January."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from quiz.hours.models import ActivityKind
from quiz.hours.rules import HoursRules

LECTURE_HOURS = 2.0
HALF_DAY_HOURS = 4.0


@dataclass(frozen=True)
class PlanItem:
    activity: str
    when: str
    hours: float
    who: str
    note: str = ""


@dataclass(frozen=True)
class Plan:
    year: int
    unit: str
    target: float
    file_by: date
    counting: tuple[str, ...]
    """How each source counts, one sentence each."""
    items: tuple[PlanItem, ...]


def _month(year: int, month: int) -> str:
    return f"{year}年{month}月"


def draft_plan(year: int, unit: str, rules: HoursRules) -> Plan:
    """The four yearly activities, the leaders' quarterly study, the 轮训 with its 考核验收, and how the
    online sources count."""
    per_practice_day = rules.practice_daily_cap
    counting = (
        f"每名执法人员全年学法不少于 {rules.yearly_target:g} 学时（{rules.minutes_per_hour:g} 分钟为 1 学时）。",
        f"在线练习：按答题的有效时长计（相邻两题间隔至多计 {rules.practice_gap_cap_minutes:g} 分钟），"
        f"每天至多 {per_practice_day:g} 学时。",
        f"参加考试：每场交卷的考试计 {rules.exam_hours:g} 学时。",
        f"应知应会：每掌握一项计 {rules.checklist_item_hours:g} 学时（每项只计一次）。",
        f"知识竞赛：参赛人员每次计 {rules.contest_hours:g} 学时。",
        f"线下活动（法治讲座、旁听庭审、模拟执法、轮训等）：按登记的学时计，每天至多 {rules.activity_max_hours:g} 学时；"
        f"轮训每天 {rules.rotation_day_hours:g} 学时"
        + ("，考核验收不合格或缺考者不计轮训学时。" if rules.rotation_needs_pass else "。"),
    )
    rotation_hours = rules.rotation_days * rules.rotation_day_hours
    start = date(year, 4, 13)
    rotation_when = f"{start:%Y-%m-%d} 至 {start + timedelta(days=max(rules.rotation_days, 1) - 1):%Y-%m-%d}"
    items = [
        PlanItem(ActivityKind.LECTURE.value, _month(year, 3), LECTURE_HOURS, "全体执法人员", "邀请法律专家或法律顾问授课"),
        PlanItem(ActivityKind.TRIAL.value, _month(year, 5), HALF_DAY_HOURS, "全体执法人员（可分批）",
                 "旁听行政诉讼案件庭审"),
        PlanItem(ActivityKind.SIMULATION.value, _month(year, 9), HALF_DAY_HOURS, "一线执法人员", "典型执法场景模拟演练"),
        PlanItem(ActivityKind.CONTEST.value, _month(year, 11), rules.contest_hours, "各科室、中队选派代表队"),
    ]
    if rules.rotation_days:
        items.append(PlanItem(ActivityKind.ROTATION.value, rotation_when, rotation_hours, "全体执法人员（分批）",
                              f"{rules.rotation_days} 天，每天 {rules.rotation_day_hours:g} 学时"))
        items.append(PlanItem("轮训考核验收", "轮训结束后一周内", rules.exam_hours, "参加轮训的执法人员",
                              "考核验收考试，合格名单计入学时"))
    for quarter, month in ((1, 3), (2, 6), (3, 9), (4, 12)):
        items.append(PlanItem(f"{ActivityKind.LEADERS.value}（第{quarter}季度）", _month(year, month), LECTURE_HOURS,
                              "领导班子成员", "领导班子成员每季度集中学法"))
    items.append(PlanItem("在线练习与应知应会", f"{year}年全年", rules.yearly_target, "全体执法人员",
                          "日常在线练习补足全年学时"))
    return Plan(year, unit, rules.yearly_target, date(year, 1, 31), counting, tuple(items))
