"""The 考试 tab: the organiser's console behind an administrator's sign-in (a unit administrator sees and
manages only its units' exams; the city administrator all of them).

Create an exam from a blueprint (a table of type × law/chapter × difficulty × count with points per type,
or YAML/JSON text), see what the bank lacks, assemble papers (one or A/B), import the roster, open and
close, unlock an examinee's device, release results, see the report (tables and charts), download the
paper, key and 解析 as DOCX/PDF and the results as XLSX, and read the audit log. Examinees use the plain
page at ``/exam``.

The handlers are plain functions of the ``ExamService`` and the form values (tested without a browser);
each resolves the session's account itself (``xuefa.app.gate``), checks the exam's unit against it
(``quiz.people.access.require``) and records what it did in the admins' audit.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import gradio as gr
import pandas as pd

from quiz.exam.blueprint import DEFAULT_POINTS, Blueprint, parse_blueprint
from quiz.exam.document import KIND_NAMES, PaperKind
from quiz.exam.models import AuditAction, BlueprintError, ExamError, ExamInfo
from quiz.exam.report import ExamReport
from quiz.exam.service import ExamService, Format
from quiz.models import QUESTION_TYPE_NAMES
from quiz.people.access import owner_for, require
from quiz.people.models import Scope
from xuefa.app import dialogs
from xuefa.app.admin_tab import wire_login
from xuefa.app.dialogs import Login, html_block, login_views
from xuefa.app.gate import Admin, AdminAction, Gate
from xuefa.services import Services

CHINA_TZ = timezone(timedelta(hours=8))
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M", "%Y年%m月%d日 %H:%M")
BLUEPRINT_COLUMNS = ["题型", "法律（可空）", "章节（可空）", "难度（1-3，可空）", "题数"]
DEFAULT_ROWS = [["单选", "", "", "", 10], ["多选", "", "", "", 5], ["判断", "", "", "", 10]]
POINT_TYPES = ("single", "multi", "judge", "blank", "short", "case")
PAPER_KINDS: dict[str, PaperKind] = {name: kind for kind, name in KIND_NAMES.items()}
"""试卷/参考答案/答案与解析 → the paper kind (the results are 成绩)."""
EXAMINEE_COLUMNS = ["排名", "警号", "姓名", "单位", "试卷", "状态", "得分", "满分", "合格", "交卷时间"]
UNIT_COLUMNS = ["单位", "应考", "交卷", "平均分", "最高分", "最低分", "合格率%"]
LAW_COLUMNS = ["法规", "题数", "作答人次", "正确率%", "得分率%"]
QUESTION_COLUMNS = ["试卷", "题号", "题型", "法规", "题干", "分值", "作答人数", "正确率%", "区分度"]
AUDIT_COLUMNS = ["时间", "警号", "动作", "说明", "来源"]
ACTION_NAMES: dict[str, str] = {
    AuditAction.CREATE: "创建考试",
    AuditAction.ASSEMBLE: "组卷",
    AuditAction.ASSEMBLE_REFUSED: "组卷失败",
    AuditAction.ROSTER: "导入名单",
    AuditAction.ROSTER_REFUSED: "名单被拒",
    AuditAction.OPEN: "开放考试",
    AuditAction.CLOSE: "结束考试",
    AuditAction.UNLOCK: "解锁考生",
    AuditAction.RELEASE: "公布成绩",
    AuditAction.UNRELEASE: "撤回公布",
    AuditAction.LOGIN: "登录",
    AuditAction.RELOGIN: "同设备重新登录",
    AuditAction.START: "开始答题",
    AuditAction.SUBMIT: "交卷",
    AuditAction.LOGIN_UNKNOWN_CODE: "拒绝：考试码错误",
    AuditAction.LOGIN_NOT_LISTED: "拒绝：不在名单",
    AuditAction.LOGIN_WRONG_NAME: "拒绝：姓名不符",
    AuditAction.LOGIN_NOT_OPEN: "拒绝：未开放",
    AuditAction.LOGIN_EARLY: "拒绝：未到时间",
    AuditAction.LOGIN_LATE: "拒绝：已截止",
    AuditAction.SECOND_LOGIN: "拒绝：重复登录",
    AuditAction.BAD_TOKEN: "拒绝：无效令牌",
    AuditAction.REVOKED_TOKEN: "拒绝：令牌已解除",
    AuditAction.SAVE_AFTER_SUBMIT: "拒绝：交卷后作答",
    AuditAction.SAVE_AFTER_TIME: "拒绝：超时作答",
    AuditAction.FOREIGN_QUESTION: "拒绝：非本人试题",
    AuditAction.KEY_BEFORE_SUBMIT: "拒绝：交卷前查答案",
}
"""The audit log's action codes as the organiser reads them."""
DISABLED_NOTE = ("考试管理需要管理员账号：服务器没有开启账号。"
                 "请在设置文件中填写 `admin_password`（或设置环境变量 `XUEFA_ADMIN_PASSWORD`）后重新启动，"
                 "再用账号 `admin` 和这个密码登录。")
BLUEPRINT_HINT = """duration_min: 90
points: {单选: 1, 多选: 2, 判断: 1}
items:
  - {type: 单选, law: 行政处罚法, difficulty: 2, count: 10}
  - {type: 多选, law: 行政强制法, count: 5}
  - {type: 判断, chapter: 第五章, count: 10}"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def parse_time(text: str | None) -> datetime | None:
    """``2026-05-01 09:00`` (Beijing time) → an aware datetime; empty → None."""
    value = (text or "").strip()
    if not value:
        return None
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=CHINA_TZ)
        except ValueError:
            continue
    raise ExamError(f"时间“{value}”看不懂，请写成 2026-05-01 09:00 的样子（北京时间）。")


def china_time(value: datetime | None) -> str:
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def _records(table: Any) -> list[list[Any]]:
    if table is None:
        return []
    if isinstance(table, pd.DataFrame):
        return table.fillna("").values.tolist()
    if isinstance(table, dict) and "data" in table:
        return list(table["data"])
    return [list(r) for r in table]


def blueprint_from_form(rows: Any, points: Sequence[float | None], duration: float | None, allow_drafts: bool,
                        partial: bool, text: str = "") -> Blueprint:
    """The YAML/JSON text if given, else the table and the points per type."""
    if (text or "").strip():
        return parse_blueprint(text)
    items = []
    for n, row in enumerate(_records(rows), start=1):
        cells = [("" if c is None else str(c)).strip() for c in (list(row) + [""] * 5)[:5]]
        if not any(cells):
            continue
        qtype, law, chapter, level, count = cells
        if level in ("不限", "全部", "-"):
            level = ""
        try:
            number = float(count) if count else 0.0
        except ValueError as e:
            raise BlueprintError(f"蓝图第 {n} 行的题数“{count}”不是数字。") from e
        items.append({"type": qtype, "law": law, "chapter": chapter, "difficulty": level or None,
                      "count": int(number) if number.is_integer() else number})
    used = {QUESTION_TYPE_NAMES[t]: p for t, p in zip(POINT_TYPES, points, strict=False) if p}
    return parse_blueprint({"items": items, "points": used, "duration_min": int(duration or 0),
                            "allow_drafts": allow_drafts, "multi_partial_credit": partial})


def exam_choices(exams: ExamService, scope: Scope | None = None) -> list[tuple[str, int]]:
    """The exams ``scope`` covers (None: all), as the chooser lists them."""
    return [(f"{e.title}（{e.unit or '市级'} · 考试码 {e.code} · {e.status_name}）", e.id)
            for e in exams.list_exams(scope)]


def exam_summary(info: ExamInfo) -> str:
    papers = "、".join(f"{v} 卷" for v in info.variants) or "尚未组卷"
    window = ""
    if info.starts_at or info.ends_at:
        window = f"<li>考试时段：{esc(china_time(info.starts_at) or '不限')} 至 {esc(china_time(info.ends_at) or '不限')}</li>"
    return (
        f'<div class="xf-exam-info"><p class="xf-result-head">{esc(info.title)}</p><ul>'
        f"<li>所属单位：{esc(info.unit or '市级（全市）')}</li>"
        f'<li>考试码：<b class="xf-exam-code">{esc(info.code)}</b>（考生在 <code>/exam</code> 页面输入）</li>'
        f"<li>状态：{esc(info.status_name)}{' · 成绩已公布' if info.results_released else ''}</li>"
        f"<li>试卷：{esc(papers)}；每卷 {info.question_count} 题，满分 {info.total_points:g} 分，"
        f"时长 {info.duration_min} 分钟</li>{window}"
        f"<li>名单 {info.roster} 人 · 已登录 {info.started} 人 · 已交卷 {info.submitted} 人</li></ul></div>"
    )


def shortfall_html(messages: Sequence[str], ok_text: str = "") -> str:
    if not messages:
        return f'<p class="xf-ok">{esc(ok_text)}</p>' if ok_text else ""
    lines = "".join(f"<li>{esc(m)}</li>" for m in messages)
    return f'<div class="xf-error"><p>题库不足以按蓝图组卷：</p><ul>{lines}</ul></div>'


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def report_frames(report: ExamReport) -> dict[str, pd.DataFrame]:
    """The report as tables (and chart data) for the tab."""
    examinees = pd.DataFrame(
        [[e.rank, e.officer_id, e.name, e.unit, e.variant, e.state, e.score, e.total,
          None if e.passed is None else ("合格" if e.passed else "不合格"), china_time(e.submitted_at)]
         for e in report.examinees],
        columns=EXAMINEE_COLUMNS,
    )
    units = pd.DataFrame(
        [[u.unit, u.roster, u.submitted, None if u.mean is None else round(u.mean, 1), u.highest, u.lowest,
          _pct(u.pass_rate)] for u in report.units],
        columns=UNIT_COLUMNS,
    )
    laws = pd.DataFrame(
        [[x.law, x.questions, x.answers, _pct(x.facility), _pct(x.score_rate)] for x in report.laws],
        columns=LAW_COLUMNS,
    )
    questions = pd.DataFrame(
        [[q.variant, q.number, q.type_name, q.law, q.stem[:60], q.points, q.takers, _pct(q.facility),
          None if q.discrimination is None else round(q.discrimination, 2)] for q in report.questions],
        columns=QUESTION_COLUMNS,
    )
    distribution = pd.DataFrame([[b.label, b.count] for b in report.distribution], columns=["分数段", "人数"])
    weakest = pd.DataFrame([[x.law, _pct(x.score_rate)] for x in report.weakest_laws], columns=["法规", "得分率%"])
    return {"examinees": examinees, "units": units, "laws": laws, "questions": questions,
            "distribution": distribution, "weakest": weakest}


def report_summary(report: ExamReport) -> str:
    if not report.submitted:
        return '<p class="xf-hint">还没有考生交卷。</p>'
    mean = f"{report.mean:.1f}" if report.mean is not None else "-"
    rate = f"{report.pass_rate * 100:.1f}%" if report.pass_rate is not None else "-"
    return (f'<p class="xf-result-head">交卷 {report.submitted} / {report.exam.roster} 人 · 平均分 {mean} · '
            f"最高 {report.highest:g} · 最低 {report.lowest:g} · 合格线 {report.pass_mark:g} 分 · 合格率 {rate}</p>")


def audit_frame(exams: ExamService, exam_id: int | None, unbound: bool = True) -> pd.DataFrame:
    """``unbound``: with the entries tied to no exam (the city administrator's view only)."""
    return pd.DataFrame(
        [[china_time(a.at), a.officer_id, ACTION_NAMES.get(a.action, a.action), a.message, a.client]
         for a in exams.audit(exam_id, unbound=unbound)],
        columns=AUDIT_COLUMNS,
    )


def export_file(exams: ExamService, exam_id: int, kind: str, fmt: str, variant: str = "A",
                out_dir: Path | None = None) -> Path:
    """Write an export to a file and return its path: ``kind`` 试卷/参考答案/答案与解析 (fmt docx|pdf) or
    成绩 (xlsx)."""
    folder = out_dir or Path(tempfile.mkdtemp(prefix="xuefa-exam-"))
    paper = None if kind == "成绩" else PAPER_KINDS[kind]
    return exams.export_file(exam_id, folder, paper, cast(Format, fmt), variant)


# the tab: layout (one function a panel) -------------------------------------------------------------------


@dataclass
class ExamConsole:
    """What the handlers need of the console's components."""

    exam: gr.Dropdown


@dataclass
class NewExam:
    """The blueprint form (a table and points per type, or YAML/JSON text) and the exam's name and times."""

    title: gr.Textbox
    unit: gr.Textbox
    duration: gr.Number
    starts: gr.Textbox
    ends: gr.Textbox
    rows: gr.Dataframe
    points: list[gr.Number]
    allow_drafts: gr.Checkbox
    partial: gr.Checkbox
    variants: gr.Radio
    text: gr.Code
    check: gr.Button
    create: gr.Button
    shortfalls: gr.HTML

    @property
    def form(self) -> list[Any]:
        """The inputs of ``blueprint_from_form`` (``form_blueprint``'s order)."""
        return [self.rows, self.duration, self.allow_drafts, self.partial, self.text, *self.points]


@dataclass
class Manage:
    exam: gr.Dropdown
    refresh: gr.Button
    info: gr.HTML
    assemble: gr.Button
    open: gr.Button
    close: gr.Button
    roster: gr.File
    import_roster: gr.Button
    unlock_id: gr.Textbox
    unlock: gr.Button
    release: gr.Button
    unrelease: gr.Button


@dataclass
class Report:
    button: gr.Button
    summary: gr.HTML
    distribution: gr.BarPlot
    weakest: gr.BarPlot
    examinees: gr.Dataframe
    units: gr.Dataframe
    laws: gr.Dataframe
    questions: gr.Dataframe

    @property
    def outputs(self) -> list[Any]:
        return [self.summary, self.distribution, self.weakest, self.examinees, self.units, self.laws, self.questions]


@dataclass
class Export:
    kind: gr.Radio
    fmt: gr.Radio
    variant: gr.Radio
    paper: gr.Button
    results: gr.Button
    download: gr.File


@dataclass
class Layout:
    login: Login
    console: gr.Column
    status: gr.HTML
    new: NewExam
    manage: Manage
    report: Report
    export: Export
    audit_button: gr.Button
    audit: gr.Dataframe
    logout: gr.Button


def layout_login() -> Login:
    return dialogs.layout_login('<h2 class="xf-section-title">考试管理 · 管理员登录</h2>', "xf-exam-login",
                                "xf-exam-password", "xf-exam-login-btn")


def layout_new() -> NewExam:
    with gr.Accordion("新建考试", open=True, elem_id="xf-exam-new"):
        title = gr.Textbox(label="考试名称", placeholder="2026年度交通运输行政执法人员法律知识考试", max_length=200,
                           elem_id="xf-exam-title")
        unit = gr.Textbox(label="所属单位（市级管理员可选任一单位，空为市级；单位管理员为本单位或下级单位）", max_length=200,
                          elem_id="xf-exam-unit")
        with gr.Row():
            duration = gr.Number(90, label="考试时长（分钟）", precision=0, minimum=1, maximum=600)
            starts = gr.Textbox(label="开始时间（北京时间，可空）", placeholder="2026-05-01 09:00")
            ends = gr.Textbox(label="截止时间（可空）", placeholder="2026-05-01 11:00")
        rows = gr.Dataframe(value=DEFAULT_ROWS, headers=BLUEPRINT_COLUMNS, column_count=5, interactive=True,
                            label="蓝图：题型 × 法律（或章节）× 难度 × 题数（可增删行）", elem_id="xf-exam-rows")
        with gr.Row():
            points = [gr.Number(DEFAULT_POINTS[t], label=f"{QUESTION_TYPE_NAMES[t]}每题分值", minimum=0)
                      for t in POINT_TYPES]
        with gr.Row():
            allow_drafts = gr.Checkbox(False, label="允许使用未审核（草稿）题目")
            partial = gr.Checkbox(False, label="多选题少选按比例得分（错选不得分）")
            variants = gr.Radio([("一套试卷", 1), ("A/B 两套（不重题）", 2)], value=1, label="试卷套数")
        with gr.Accordion("或用 YAML/JSON 编写蓝图（填写后以此为准）", open=False):
            gr.Markdown("例如：\n```yaml\n" + BLUEPRINT_HINT + "\n```")
            text = gr.Code(value="", language="yaml", label="蓝图（YAML/JSON）", lines=8)
        with gr.Row():
            check = gr.Button("检查题库是否够用", elem_id="xf-exam-check")
            create = gr.Button("创建考试", variant="primary", elem_id="xf-exam-create")
        shortfalls = html_block(elem_id="xf-exam-shortfalls")
    return NewExam(title, unit, duration, starts, ends, rows, points, allow_drafts, partial, variants, text, check, create,
                   shortfalls)


def layout_manage() -> Manage:
    with gr.Accordion("组卷、名单与开考", open=True, elem_id="xf-exam-manage"):
        with gr.Row():
            exam = gr.Dropdown([], label="选择考试", elem_id="xf-exam-pick", scale=4)
            refresh = gr.Button("刷新", size="sm", scale=1)
        info = html_block(elem_id="xf-exam-info")
        with gr.Row():
            assemble = gr.Button("按蓝图组卷（按上方“试卷套数”）", elem_id="xf-exam-assemble")
            open_btn = gr.Button("开放考试", variant="primary", elem_id="xf-exam-open")
            close_btn = gr.Button("结束考试（未交卷者统一交卷）", variant="stop", elem_id="xf-exam-close")
        roster = gr.File(label="考生名单（XLSX/CSV：警号或执法证号/编号、姓名、单位）", file_types=[".xlsx", ".csv"],
                         elem_id="xf-exam-roster")
        import_btn = gr.Button("导入名单", elem_id="xf-exam-import")
        with gr.Row():
            unlock_id = gr.Textbox(label="解锁考生（警号）：换设备时使用", max_length=64, scale=3)
            unlock = gr.Button("解锁", scale=1, elem_id="xf-exam-unlock")
        with gr.Row():
            release = gr.Button("公布成绩", variant="primary", elem_id="xf-exam-release")
            unrelease = gr.Button("撤回公布", elem_id="xf-exam-unrelease")
    return Manage(exam, refresh, info, assemble, open_btn, close_btn, roster, import_btn, unlock_id, unlock, release,
                  unrelease)


def layout_report() -> Report:
    with gr.Accordion("成绩与分析", open=False, elem_id="xf-exam-report"):
        button = gr.Button("刷新成绩与分析", elem_id="xf-exam-report-btn")
        summary = html_block()
        with gr.Row():
            dist_plot = gr.BarPlot(x="分数段", y="人数", title="分数分布", y_lim=[0, None], height=260)
            weak_plot = gr.BarPlot(x="法规", y="得分率%", title="最薄弱的法规", y_lim=[0, 100], height=260,
                                   x_label_angle=-20)
        examinees = gr.Dataframe(headers=EXAMINEE_COLUMNS, label="考生成绩", interactive=False, wrap=True)
        units = gr.Dataframe(headers=UNIT_COLUMNS, label="单位统计", interactive=False)
        laws = gr.Dataframe(headers=LAW_COLUMNS, label="各法规正确率", interactive=False, wrap=True)
        questions = gr.Dataframe(headers=QUESTION_COLUMNS, label="试题分析（正确率、区分度 = 高分组正确率 − 低分组正确率，各 27%）",
                                 interactive=False, wrap=True)
    return Report(button, summary, dist_plot, weak_plot, examinees, units, laws, questions)


def layout_export() -> Export:
    with gr.Accordion("导出", open=False, elem_id="xf-exam-export"):
        with gr.Row():
            kind = gr.Radio(list(PAPER_KINDS), value="试卷", label="内容")
            fmt = gr.Radio([("Word（DOCX）", "docx"), ("PDF", "pdf")], value="docx", label="格式")
            variant = gr.Radio(["A", "B"], value="A", label="试卷")
        with gr.Row():
            paper = gr.Button("导出试卷文件", elem_id="xf-exam-export-paper")
            results = gr.Button("导出成绩（XLSX）", elem_id="xf-exam-export-results")
        download = gr.File(label="下载", interactive=False, elem_id="xf-exam-download")
    return Export(kind, fmt, variant, paper, results, download)


def layout() -> Layout:
    login = layout_login()
    with gr.Column(visible=False, elem_id="xf-exam-console") as console:
        status = html_block(elem_id="xf-exam-status")
        new = layout_new()
        manage = layout_manage()
        report = layout_report()
        export = layout_export()
        with gr.Accordion("审计日志", open=False, elem_id="xf-exam-audit"):
            audit_button = gr.Button("刷新日志")
            audit = gr.Dataframe(headers=AUDIT_COLUMNS, label="登录、交卷、拒绝的请求与管理操作（最新在前）", interactive=False,
                                 wrap=True)
        logout = gr.Button("退出登录", variant="secondary", size="sm")
    return Layout(login, console, status, new, manage, report, export, audit_button, audit, logout)


# the tab: wiring (each handler resolves the session's account itself: ``Gate.on``) -------------------------


PRIVATE: dict[str, Any] = {"api_visibility": "private"}
ACTIONS: dict[str, AdminAction] = {
    "assemble": AdminAction.EXAM_ASSEMBLE, "roster": AdminAction.EXAM_ROSTER, "open": AdminAction.EXAM_OPEN,
    "close": AdminAction.EXAM_CLOSE, "unlock": AdminAction.EXAM_UNLOCK, "release": AdminAction.EXAM_RELEASE,
    "unrelease": AdminAction.EXAM_UNRELEASE,
}
"""The organiser's actions (``run_action``) as the admins' audit records them."""


def note(text: str, error: bool = False) -> str:
    return f'<p class="{"xf-error" if error else "xf-ok"}">{esc(text)}</p>'


def picked(exam_id: Any) -> int:
    if exam_id in (None, ""):
        raise ExamError("请先选择一场考试。")
    return int(exam_id)


def owned(exams: ExamService, admin: Admin, exam_id: Any) -> int:
    """The chosen exam's id, if the administrator may act on it (AccessDenied otherwise)."""
    eid = picked(exam_id)
    require(admin.actor, exams.owner(eid))
    return eid


def form_blueprint(rows_v: Any, duration_v: Any, allow_v: bool, partial_v: bool, text_v: str, *points_v: Any
                   ) -> Blueprint:
    return blueprint_from_form(rows_v, points_v, duration_v, allow_v, partial_v, text_v)


def wire_session(ui: Layout, exams: ExamService, gate: Gate) -> None:
    def on_session(token: str) -> tuple[Any, ...]:
        actor = gate.actor(token)
        views = login_views(actor is not None, gate.must_change(token))
        if actor is None:
            return *views, gr.update(visible=False), gr.skip(), gr.skip()
        choices = exam_choices(exams, actor.scope)
        newest = choices[0][1] if choices else None
        return *views, gr.update(visible=True), gr.update(choices=choices, value=newest), actor.unit

    wire_login(gate, ui.login)
    gate.session.change(on_session, [gate.session], [*ui.login.views, ui.console, ui.manage.exam, ui.new.unit],
                        **PRIVATE)
    ui.logout.click(gate.sign_out, [gate.session], [gate.session], **PRIVATE)


def wire_new(ui: Layout, exams: ExamService, gate: Gate) -> None:
    """Checking a blueprint against the bank, and creating the exam (owned by the creator's unit, or the unit
    the city administrator picks)."""
    new = ui.new

    def do_check(admin: Admin, variants_v: int, *values: Any) -> str:
        try:
            bp = form_blueprint(*values)
            found = exams.check_blueprint(bp, int(variants_v or 1))
        except ExamError as e:
            return note(str(e), error=True)
        return shortfall_html([s.message for s in found],
                              f"题库够用：共 {bp.question_count} 题，满分 {bp.total_points:g} 分。")

    gate.on(new.check.click, do_check, [new.variants, *new.form], [new.shortfalls], **PRIVATE)

    def do_create(admin: Admin, title_v: str, starts_v: str, ends_v: str, variants_v: int, unit_v: str,
                  *values: Any) -> tuple[Any, ...]:
        owner = owner_for(admin.actor, unit_v or "")
        try:
            bp = form_blueprint(*values)
            info_v = exams.create_exam(title_v or "", bp, parse_time(starts_v), parse_time(ends_v), unit=owner)
        except ExamError as e:
            return note(str(e), error=True), gr.skip(), gr.skip(), gr.skip()
        gate.record(admin, AdminAction.EXAM_CREATE, f"考试 {info_v.id}（{info_v.code}）", info_v.title, unit=owner)
        found = exams.check_blueprint(bp, int(variants_v or 1))
        return (note(f"已创建“{info_v.title}”，考试码 {info_v.code}。下一步：组卷、导入名单、开放考试。"),
                gr.update(choices=exam_choices(exams, admin.actor.scope), value=info_v.id), exam_summary(info_v),
                shortfall_html([s.message for s in found]))

    gate.on(new.create.click, do_create, [new.title, new.starts, new.ends, new.variants, new.unit, *new.form],
            [ui.status, ui.manage.exam, ui.manage.info, new.shortfalls], **PRIVATE)


def wire_manage(ui: Layout, exams: ExamService, gate: Gate) -> None:
    """The chosen exam's summary, and the organiser's actions on it (``run_action``)."""
    m = ui.manage

    def show(admin: Admin, exam_id: Any) -> str:
        if exam_id in (None, ""):
            return ""
        try:
            return exam_summary(exams.get_exam(owned(exams, admin, exam_id)))
        except ExamError as e:
            return note(str(e), error=True)

    def reload(admin: Admin, exam_id: Any) -> tuple[Any, str]:
        return gr.update(choices=exam_choices(exams, admin.actor.scope)), show(admin, exam_id)

    gate.on(m.exam.change, show, [m.exam], [m.info], **PRIVATE)
    gate.on(m.refresh.click, reload, [m.exam], [m.exam, m.info], **PRIVATE)

    def act(admin: Admin, exam_id: Any, action: str, arg: Any = None) -> tuple[str, str, Any]:
        """Run one organiser action; the status line, the refreshed summary and the exam list."""
        try:
            eid = owned(exams, admin, exam_id)
            message = run_action(exams, eid, action, arg)
        except ExamError as e:
            return note(str(e), error=True), gr.skip(), gr.skip()
        gate.record(admin, ACTIONS[action], f"考试 {eid}", message, unit=exams.owner(eid))
        return note(message), exam_summary(exams.get_exam(eid)), gr.update(choices=exam_choices(exams, admin.actor.scope))

    def bind(button: gr.Button, action: str, *extra: Any) -> None:
        def run(admin: Admin, exam_id: Any, arg: Any = None) -> tuple[str, str, Any]:
            return act(admin, exam_id, action, arg)

        run.__name__ = f"do_{action}"
        gate.on(button.click, run, [m.exam, *extra], [ui.status, m.info, m.exam], **PRIVATE)

    bind(m.assemble, "assemble", ui.new.variants)
    bind(m.import_roster, "roster", m.roster)
    bind(m.open, "open")
    bind(m.close, "close")
    bind(m.unlock, "unlock", m.unlock_id)
    bind(m.release, "release")
    bind(m.unrelease, "unrelease")


def wire_results(ui: Layout, exams: ExamService, gate: Gate) -> None:
    """The report, the exports and the audit log of the chosen exam."""

    def do_report(admin: Admin, exam_id: Any) -> tuple[Any, ...]:
        try:
            eid = owned(exams, admin, exam_id)
            report = exams.report(eid)
        except ExamError as e:
            return (note(str(e), error=True), *[gr.skip()] * 6)
        gate.record(admin, AdminAction.EXAM_REPORT, f"考试 {eid}", unit=exams.owner(eid))
        frames = report_frames(report)
        dist = frames["distribution"]
        return (report_summary(report), gr.BarPlot(value=dist, sort=list(dist["分数段"])),
                gr.BarPlot(value=frames["weakest"]), frames["examinees"], frames["units"], frames["laws"],
                frames["questions"])

    gate.on(ui.report.button.click, do_report, [ui.manage.exam], ui.report.outputs, **PRIVATE)

    def do_export(admin: Admin, exam_id: Any, kind_v: str, fmt_v: str, variant_v: str) -> tuple[Any, Any]:
        try:
            eid = owned(exams, admin, exam_id)
            path = export_file(exams, eid, kind_v, fmt_v, variant_v)
        except ExamError as e:
            return note(str(e), error=True), None
        gate.record(admin, AdminAction.EXAM_EXPORT, f"考试 {eid}", f"{kind_v} {fmt_v} {variant_v}".strip(),
                    unit=exams.owner(eid))
        return note(f"已生成{kind_v}。"), str(path)

    def do_export_results(admin: Admin, exam_id: Any) -> tuple[Any, Any]:
        return do_export(admin, exam_id, "成绩", "xlsx", "A")

    x = ui.export
    gate.on(x.paper.click, do_export, [ui.manage.exam, x.kind, x.fmt, x.variant], [ui.status, x.download], **PRIVATE)
    gate.on(x.results.click, do_export_results, [ui.manage.exam], [ui.status, x.download], **PRIVATE)

    def do_audit(admin: Admin, exam_id: Any) -> pd.DataFrame:
        eid = owned(exams, admin, exam_id) if exam_id not in (None, "") else None
        if eid is None:
            require(admin.actor, "")  # every exam's log: the city administrator's
        gate.record(admin, AdminAction.EXAM_AUDIT, f"考试 {eid}" if eid else "全部考试",
                    unit=exams.owner(eid) if eid else "")
        return audit_frame(exams, eid, unbound=admin.actor.scope.all_units)

    gate.on(ui.audit_button.click, do_audit, [ui.manage.exam], [ui.audit], **PRIVATE)


def build_exam_tab(services: Services, exams: ExamService, gate: Gate | None) -> ExamConsole | None:
    """``gate``: the session's sign-in shared by the tabs; None: accounts are off (a note says how to turn
    them on)."""
    if gate is None:
        gr.Markdown(DISABLED_NOTE, elem_id="xf-exam-disabled", elem_classes=["xf-panel"])
        return None
    ui = layout()
    wire_session(ui, exams, gate)
    wire_new(ui, exams, gate)
    wire_manage(ui, exams, gate)
    wire_results(ui, exams, gate)
    return ExamConsole(ui.manage.exam)


def run_action(exams: ExamService, exam_id: int, action: str, arg: Any = None) -> str:
    """One organiser action by name; returns what to tell the organiser (raises ExamError)."""
    if action == "assemble":
        papers = exams.assemble(exam_id, variants=int(arg or 1))
        names = "、".join(f"{p.variant} 卷" for p in papers)
        return f"组卷完成：{names}，每卷 {papers[0].question_count} 题，满分 {papers[0].total_points:g} 分。"
    if action == "roster":
        if not arg:
            raise ExamError("请先选择名单文件（XLSX 或 CSV）。")
        path = Path(arg if isinstance(arg, str) else getattr(arg, "name", str(arg)))
        r = exams.import_roster(exam_id, path)
        return f"已导入名单 {r.file}：{r.imported} 人（按“{r.id_column}”列识别考生），{r.units} 个单位。"
    if action == "open":
        info = exams.open_exam(exam_id)
        return f"考试已开放：考生打开 /exam，输入考试码 {info.code}、警号和姓名即可开始答题。"
    if action == "close":
        info = exams.close_exam(exam_id)
        return f"考试已结束：{info.submitted} 人交卷。"
    if action == "unlock":
        who = str(arg or "").strip()
        if not who:
            raise ExamError("请填写要解锁的考生警号。")
        exams.unlock_examinee(exam_id, who)
        return f"已解锁 {who}：原设备的登录失效，考生可在新设备上重新登录继续答题（答案和剩余时间保留）。"
    if action == "release":
        exams.release_results(exam_id, True)
        return "成绩已公布：考生交卷后可在考试页面查看自己的成绩和解析。"
    if action == "unrelease":
        exams.release_results(exam_id, False)
        return "已撤回成绩公布。"
    raise ExamError(f"未知操作 {action}")

