"""HTML of the 账号 page: units, accounts and the admins' audit as tables, a refused roster row by row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from quiz.people.models import AccountInfo, AuditAction, AuditEntry, UnitInfo
from xuefa.app.hours_html import esc

CHINA = timezone(timedelta(hours=8))
ACTIONS: dict[str, str] = {
    AuditAction.SIGN_IN: "登录", AuditAction.SIGN_IN_FAILED: "登录失败", AuditAction.LOCKED: "账号锁定",
    AuditAction.SIGN_OUT: "退出登录", AuditAction.PASSWORD_CHANGED: "修改密码", AuditAction.PASSWORD_SET: "重置密码",
    AuditAction.UNIT_ADDED: "添加单位", AuditAction.ACCOUNT_ADDED: "添加账号",
    AuditAction.ACCOUNT_DEACTIVATED: "停用账号", AuditAction.ROSTER_IMPORTED: "导入名单",
    AuditAction.ROSTER_REFUSED: "名单被拒",
    "exam_create": "新建考试", "exam_assemble": "组卷", "exam_roster": "导入考生", "exam_open": "开考",
    "exam_close": "结束考试", "exam_unlock": "解锁考生", "exam_release": "公布成绩", "exam_unrelease": "撤回成绩",
    "exam_report": "查看成绩报告", "exam_export": "导出考试文件", "exam_audit": "查看考试日志",
    "contest_create": "新建竞赛", "contest_host": "主持竞赛", "contest_export": "导出竞赛结果",
    "contest_delete": "删除竞赛", "kb_ingest": "导入法规", "kb_review": "审核点赞回答",
    "checklist_load": "导入应知应会清单",
    "hours.set_rules": "修改学时规则", "hours.add_activity": "录入活动", "hours.import_activities": "导入活动记录",
    "hours.rotation_exam": "设置轮训考核", "hours.export_xlsx": "导出学时记录", "hours.export_pdf": "导出学时汇总",
    "hours.export_plan": "导出培训计划",
}
"""What the audit's actions read as; an action not listed shows as stored."""


def units_html(units: Sequence[UnitInfo]) -> str:
    if not units:
        return '<p class="xf-hint">还没有单位。请先添加单位，或导入名单时勾选“自动创建单位”。</p>'
    rows = "".join(f'<tr><td>{esc(u.name)}</td><td>{esc(u.parent or "—")}</td><td class="xf-num">{u.officers}</td></tr>'
                   for u in units)
    return (f'<div class="xf-scroll"><table class="xf-htable" id="xf-acc-units-table"><thead><tr><th>单位</th>'
            f"<th>上级单位</th><th>执法人员</th></tr></thead><tbody>{rows}</tbody></table></div>")


def account_state(account: AccountInfo, now: datetime) -> str:
    if not account.active:
        return "已停用"
    if account.locked_until is not None and account.locked_until > now:
        return f"锁定至 {account.locked_until.astimezone(CHINA):%H:%M}"
    if not account.has_password:
        return "未设密码"
    if account.must_change_password:
        return "待改初始密码"
    return "正常"


def accounts_html(accounts: Sequence[AccountInfo], now: datetime) -> str:
    if not accounts:
        return '<p class="xf-hint">没有账号。</p>'
    rows = "".join(
        f'<tr class="{"xf-inactive" if not a.active else ""}"><td>{esc(a.login)}</td><td>{esc(a.name)}</td>'
        f"<td>{esc(a.role.label)}</td><td>{esc(a.unit or '全市')}</td><td>{esc(a.title)}</td>"
        f"<td>{'是' if a.leader else ''}</td><td>{esc(account_state(a, now))}</td></tr>"
        for a in accounts)
    return (f'<p class="xf-hint">共 {len(accounts)} 个账号。</p><div class="xf-scroll">'
            f'<table class="xf-htable" id="xf-acc-table"><thead><tr><th>账号</th><th>姓名</th><th>角色</th><th>单位</th>'
            f"<th>职务</th><th>领导班子</th><th>状态</th></tr></thead><tbody>{rows}</tbody></table></div>")


def audit_html(entries: Sequence[AuditEntry]) -> str:
    """Who, what, when, from where; newest first."""
    if not entries:
        return '<p class="xf-hint">还没有操作记录。</p>'
    rows = "".join(
        f'<tr><td class="xf-nowrap">{e.at.astimezone(CHINA):%Y-%m-%d %H:%M:%S}</td><td>{esc(e.login)}</td>'
        f"<td>{esc(e.role.label if e.role else '')}</td><td>{esc(e.unit or '全市')}</td>"
        f"<td>{esc(ACTIONS.get(e.action, e.action))}</td><td>{esc(e.target)}</td>"
        f'<td class="xf-detail">{esc(e.detail)}</td><td>{esc(e.client)}</td></tr>'
        for e in entries)
    return (f'<div class="xf-scroll"><table class="xf-htable" id="xf-acc-audit-table"><thead><tr><th>时间</th>'
            f"<th>账号</th><th>角色</th><th>单位</th><th>操作</th><th>对象</th><th>详情</th><th>来源</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")
