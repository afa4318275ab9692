"""The city administrator's form of the 学时 rules: one field per rule, read back into ``HoursRules``."""

from __future__ import annotations

from typing import Any

import gradio as gr
from pydantic import ValidationError

from quiz.hours.rules import HoursRules, RulesError

LABELS: dict[str, str] = {
    "yearly_target": "年度目标（学时）",
    "minutes_per_hour": "每学时折合分钟数",
    "practice_gap_cap_minutes": "在线练习：两题间隔至多计（分钟）",
    "practice_first_minutes": "在线练习：每天第一题计（分钟）",
    "practice_daily_cap": "在线练习：每天至多计（学时，0 为不计）",
    "exam_hours": "每场考试计（学时）",
    "checklist_item_hours": "应知应会每掌握一项计（学时）",
    "contest_hours": "知识竞赛每次计（学时）",
    "rotation_day_hours": "轮训每天计（学时）",
    "rotation_days": "年度计划中的轮训天数",
    "rotation_needs_pass": "轮训须考核验收合格才计学时",
    "activity_max_hours": "线下活动每天至多计（学时）",
    "utc_offset_hours": "时区（UTC+小时，北京时间为 8）",
}
"""Every field of ``HoursRules``, in the order the form shows them."""

LIMITS = {"greater_than": "应大于 {gt}", "greater_than_equal": "不能小于 {ge}", "less_than_equal": "不能大于 {le}",
          "less_than": "应小于 {lt}"}


def layout_rules() -> list[Any]:
    """The fields, in ``LABELS`` order (element ids ``xf-rule-<field>``)."""
    fields: list[Any] = []
    for name, label in LABELS.items():
        info = HoursRules.model_fields[name]
        elem_id = f"xf-rule-{name.replace('_', '-')}"
        if info.annotation is bool:
            fields.append(gr.Checkbox(label=label, elem_id=elem_id))
        else:
            fields.append(gr.Number(label=label, precision=0 if info.annotation is int else None, elem_id=elem_id,
                                    min_width=200))
    return fields


def rules_values(rules: HoursRules) -> list[Any]:
    return [getattr(rules, name) for name in LABELS]


def rules_from_form(values: list[Any]) -> HoursRules:
    """The rules the form holds; ``RulesError`` names each field that is wrong, in Chinese."""
    data = dict(zip(LABELS, values, strict=True))
    empty = [LABELS[k] for k, v in data.items() if v is None]
    if empty:
        raise RulesError(f"请填写：{'、'.join(empty)}")
    try:
        return HoursRules.model_validate(data)
    except ValidationError as exc:
        reasons = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            template = LIMITS.get(error["type"])
            why = template.format(**error.get("ctx", {})) if template else "数值无效"
            reasons.append(f"{LABELS.get(field, field)}{why}")
        raise RulesError("学时规则有误：" + "；".join(reasons)) from exc
