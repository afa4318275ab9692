"""The 学时 tab. An officer signs in (the app's one sign-in: the session's token in ``Gate.session``) and
sees the year against the target, by source and month, what counts next and the entries — laid out for a
phone. An administrator sees a unit's report (its units only), imports an activity sheet, downloads the
records (XLSX), the unit's one-page PDF and the yearly plan (DOCX); the city administrator also sees the
units side by side and edits the rules. Every handler resolves the token itself and the services check the
role and the unit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from quiz.exam.exports import find_cjk_font
from quiz.exam.models import FontMissing
from quiz.hours.activities import ActivityError, ActivityImportError
from quiz.hours.rules import RulesError
from quiz.hours.service import Hours
from quiz.people.models import AccessDenied, Actor, Role
from quiz.sheets import SheetError
from xuefa.app.admin_tab import wire_login
from xuefa.app.dialogs import Login, html_block, layout_login, login_views
from xuefa.app.gate import EXPIRED, Admin, Gate, client_of
from xuefa.app.hours_html import (
    city_report_html,
    error_html,
    officer_year_html,
    ok_html,
    problems_html,
    unit_report_html,
)
from xuefa.app.rules_form import layout_rules, rules_from_form, rules_values
from xuefa.services import Services

PRIVATE: dict[str, Any] = {"api_visibility": "private"}
YEARS_SHOWN = 3
SHEET_TYPES = [".xlsx", ".csv"]
LOGIN_HEAD = ('<h2 class="xf-section-title">登录查看学时</h2><p class="xf-hint">执法人员用警号和密码登录，查看本人'
              "年度学时；管理员登录后查看本单位学时、导入活动记录。不登录也可以照常在“练习”页练习。</p>")
SHEET_HINT = ('<p class="xf-hint">活动记录表（.xlsx/.csv）每行一名参加人员，列：警号、姓名（可选）、活动类型'
              "（法治讲座、旁听庭审、模拟执法、轮训、领导学法、知识竞赛、其他）、活动名称、日期（轮训可写 "
              "2026-03-02~2026-03-06）、学时、证明材料（可选）、单位（可选）。任何一行有问题，整表不导入。</p>")


def year_choices(hours: Hours) -> list[int]:
    this_year = hours.today().year
    return [this_year - i for i in range(YEARS_SHOWN)]


def session_actor(services: Services, token: str | None) -> Actor | None:
    """The session's account, of any role, once its first password is changed."""
    accounts = services.accounts
    actor = accounts.actor(token) if accounts is not None and token else None
    return None if actor is None or actor.must_change_password else actor


def must_change(services: Services, token: str | None) -> bool:
    accounts = services.accounts
    actor = accounts.actor(token) if accounts is not None and token else None
    return actor is not None and actor.must_change_password


def acting(hours: Hours, gate: Gate, admin: Admin) -> Hours:
    """The 学时 service whose audit entries name where the administrator acts from."""
    return hours.recording(lambda actor, action, target, detail: gate.accounts.record(
        actor, action, target, detail, admin.client))


def export_path(name: str, data: bytes) -> str:
    """The file a download hands the browser (a folder of its own, the name shown to the user)."""
    path = Path(tempfile.mkdtemp(prefix="xuefa-hours-")) / name
    path.write_bytes(data)
    return str(path)


# layout ---------------------------------------------------------------------------------------------------


@dataclass
class OfficerView:
    column: gr.Column
    year: gr.Dropdown
    refresh: gr.Button
    report: gr.HTML
    logout: gr.Button


@dataclass
class AdminView:
    column: gr.Column
    unit: gr.Dropdown
    year: gr.Dropdown
    show: gr.Button
    report: gr.HTML
    sheet: gr.File
    load: gr.Button
    loaded: gr.HTML
    xlsx: gr.Button
    pdf: gr.Button
    docx: gr.Button
    download: gr.File
    city: gr.Column
    city_report: gr.HTML
    rules: list[Any]
    save_rules: gr.Button
    rules_note: gr.HTML
    logout: gr.Button


@dataclass
class HoursTab:
    login: Login
    officer: OfficerView
    admin: AdminView


def layout_officer(years: list[int]) -> OfficerView:
    with gr.Column(visible=False, elem_classes=["xf-panel"], elem_id="xf-hours-me") as column:
        with gr.Row(elem_classes=["xf-p-actions"]):
            year = gr.Dropdown(years, value=years[0], label="年度", elem_id="xf-hours-year", min_width=120)
            refresh = gr.Button("刷新", variant="secondary", elem_id="xf-hours-refresh", min_width=100)
        report = html_block(elem_id="xf-hours-mine")
        logout = gr.Button("退出登录", variant="secondary", size="sm", elem_id="xf-hours-logout")
    return OfficerView(column, year, refresh, report, logout)


def layout_city() -> tuple[gr.Column, gr.HTML, list[Any], gr.Button, gr.HTML]:
    """The city administrator's part: the units side by side, and the rules."""
    with gr.Column(visible=False, elem_id="xf-hours-city-panel") as city:
        city_report = html_block(elem_id="xf-hours-city-view")
        with gr.Accordion("学时规则（市级管理员）", open=False, elem_id="xf-hours-rules"):
            html_block('<p class="xf-hint">修改的是所选年度的规则，保存后各报表立即按新规则计算。</p>')
            with gr.Row(elem_classes=["xf-rules"]):
                rules = layout_rules()
            save_rules = gr.Button("保存规则", variant="primary", elem_id="xf-hours-save-rules")
            rules_note = html_block(elem_id="xf-hours-rules-note")
    return city, city_report, rules, save_rules, rules_note


def layout_admin(years: list[int]) -> AdminView:
    with gr.Column(visible=False, elem_classes=["xf-panel", "xf-wide"], elem_id="xf-hours-admin") as column:
        city, city_report, rules, save_rules, rules_note = layout_city()
        with gr.Row(equal_height=True):
            unit = gr.Dropdown([], label="单位", elem_id="xf-hours-unit", scale=3)
            year = gr.Dropdown(years, value=years[0], label="年度", elem_id="xf-hours-admin-year", scale=1)
            show = gr.Button("查看", variant="primary", elem_id="xf-hours-show", scale=1, min_width=100)
        report = html_block(elem_id="xf-hours-report")
        with gr.Accordion("导入线下活动记录", open=True, elem_id="xf-hours-import"):
            html_block(SHEET_HINT)
            sheet = gr.File(label="选择活动记录表", file_types=SHEET_TYPES, type="filepath", elem_id="xf-hours-sheet")
            load = gr.Button("导入", variant="primary", elem_id="xf-hours-load")
            loaded = html_block(elem_id="xf-hours-loaded")
        with gr.Row():
            xlsx = gr.Button("导出学时记录（XLSX）", elem_id="xf-hours-xlsx")
            pdf = gr.Button("单位学时汇总（PDF）", elem_id="xf-hours-pdf")
            docx = gr.Button("年度培训计划（DOCX）", elem_id="xf-hours-docx")
        download = gr.File(label="下载", visible=False, interactive=False, elem_id="xf-hours-download")
        logout = gr.Button("退出登录", variant="secondary", size="sm", elem_id="xf-hours-admin-logout")
    return AdminView(column, unit, year, show, report, sheet, load, loaded, xlsx, pdf, docx, download, city,
                     city_report, rules, save_rules, rules_note, logout)


def layout(hours: Hours) -> HoursTab:
    login = layout_login(LOGIN_HEAD, "xf-hours-login", "xf-hours-password", "xf-hours-login-btn")
    years = year_choices(hours)
    return HoursTab(login, layout_officer(years), layout_admin(years))


# the views of a session ---------------------------------------------------------------------------------------


def officer_view(hours: Hours, actor: Actor, year: int | None) -> str:
    try:
        return officer_year_html(hours.officer_year(actor.login, int(year or hours.today().year)))
    except ActivityError as exc:
        return error_html(str(exc))


def unit_view(hours: Hours, actor: Actor, unit: str | None, year: int | None) -> str:
    """The unit's report, or the refusal (another unit's report) as the page shows it."""
    if not unit:
        return error_html("请先选择单位。")
    try:
        return unit_report_html(hours.unit_report(actor, unit, int(year or hours.today().year)))
    except AccessDenied as exc:
        gr.Warning(str(exc))
        return error_html(str(exc))
    except ActivityError as exc:
        return error_html(str(exc))


def city_view(hours: Hours, actor: Actor, year: int | None) -> Any:
    if actor.role is not Role.CITY_ADMIN:
        return gr.skip()
    return city_report_html(hours.city_report(actor, int(year or hours.today().year)))


def admin_units(services: Services, actor: Actor) -> list[str]:
    assert services.accounts is not None
    return [u.name for u in services.accounts.units(actor.scope)]


def session_views(services: Services, hours: Hours, tab: HoursTab, token: str) -> tuple[Any, ...]:
    """Everything the tab shows for the session: the login, the officer's year, or the admin's panels."""
    actor = session_actor(services, token)
    views = login_views(actor is not None, must_change(services, token))
    officer = actor is not None and not actor.admin
    admin = actor is not None and actor.admin
    city = admin and actor is not None and actor.role is Role.CITY_ADMIN
    mine = officer_view(hours, actor, None) if officer and actor is not None else gr.skip()
    cleared = ("", gr.update(value=None, visible=False), "", gr.update(value=None))  # the last account's messages
    if not admin or actor is None:
        return (*views, gr.update(visible=officer), mine, gr.update(visible=False), gr.skip(), gr.skip(),
                gr.update(visible=False), gr.skip(), *[gr.skip()] * len(tab.admin.rules), *cleared)
    units = admin_units(services, actor)
    first = actor.unit if actor.unit in units else (units[0] if units else None)
    report = unit_view(hours, actor, first, None) if first else error_html("还没有单位：请先在“账号”页添加单位。")
    rules = rules_values(hours.rules(hours.today().year)) if city else [gr.skip()] * len(tab.admin.rules)
    return (*views, gr.update(visible=False), mine, gr.update(visible=True), gr.update(choices=units, value=first),
            report, gr.update(visible=city), city_view(hours, actor, None) if city else gr.skip(), *rules, *cleared)


def session_outputs(tab: HoursTab) -> list[Any]:
    a = tab.admin
    return [*tab.login.views, tab.officer.column, tab.officer.report, a.column, a.unit, a.report, a.city,
            a.city_report, *a.rules, a.loaded, a.download, a.rules_note, a.sheet]


# wiring ---------------------------------------------------------------------------------------------------------


def wire_session(tab: HoursTab, services: Services, hours: Hours, gate: Gate, hours_tab: gr.Tab) -> None:
    """The tab follows the session (signing in anywhere, out, a changed first password) and its opening."""

    def hours_session(token: str) -> tuple[Any, ...]:
        return session_views(services, hours, tab, token)

    wire_login(gate, tab.login, officers=True)
    gate.session.change(hours_session, [gate.session], session_outputs(tab), **PRIVATE)
    hours_tab.select(hours_session, [gate.session], session_outputs(tab), show_progress="hidden", **PRIVATE)
    for logout in (tab.officer.logout, tab.admin.logout):
        logout.click(gate.sign_out, [gate.session], [gate.session], **PRIVATE)


def wire_officer(tab: HoursTab, services: Services, hours: Hours, gate: Gate) -> None:
    def refresh_my_hours(token: str, year: int | None) -> tuple[Any, Any]:
        actor = session_actor(services, token)
        if actor is None or actor.admin:
            gr.Warning(EXPIRED)
            return gr.skip(), ""
        return officer_view(hours, actor, year), gr.skip()

    for event in (tab.officer.refresh.click, tab.officer.year.change):
        event(refresh_my_hours, [gate.session, tab.officer.year], [tab.officer.report, gate.session], **PRIVATE)


def wire_reports(tab: HoursTab, hours: Hours, gate: Gate) -> None:
    """A unit's report on demand; a new year shows that year's city report and rules as well."""
    a = tab.admin

    def show_unit_hours(admin: Admin, unit: str | None, year: int | None) -> tuple[Any, ...]:
        rules = (rules_values(hours.rules(int(year or hours.today().year))) if admin.actor.role is Role.CITY_ADMIN
                 else [gr.skip()] * len(a.rules))
        return unit_view(hours, admin.actor, unit, year), city_view(hours, admin.actor, year), *rules

    outputs = [a.report, a.city_report, *a.rules]
    gate.on(a.show.click, show_unit_hours, [a.unit, a.year], outputs, **PRIVATE)
    gate.on(a.year.input, show_unit_hours, [a.unit, a.year], outputs, **PRIVATE)
    gate.on(a.unit.input, show_unit_hours, [a.unit, a.year], outputs, **PRIVATE)

    def save_hours_rules(admin: Admin, year: int | None, *values: Any) -> tuple[Any, Any]:
        try:
            rules = rules_from_form(list(values))
        except RulesError as exc:
            return error_html(str(exc)), gr.skip()
        chosen = int(year or hours.today().year)
        acting(hours, gate, admin).set_rules(admin.actor, chosen, rules)
        return ok_html(f"{chosen} 年学时规则已保存。"), city_view(hours, admin.actor, chosen)

    gate.on(a.save_rules.click, save_hours_rules, [a.year, *a.rules], [a.rules_note, a.city_report], **PRIVATE)


def wire_import(tab: HoursTab, services: Services, hours: Hours, gate: Gate) -> None:
    """An activity sheet: every refused row with its reason and nothing stored, or what was stored."""
    a = tab.admin

    def import_activity_sheet(request: gr.Request, token: str, path: str | None, unit: str | None, year: int | None,
                  progress: gr.Progress = gr.Progress()) -> Iterator[tuple[Any, ...]]:  # noqa: B008
        actor = gate.actor(token)
        if actor is None:
            gr.Warning(EXPIRED)
            yield gr.skip(), gr.skip(), gr.skip(), ""
            return
        if not path:
            yield error_html("请先选择活动记录表。"), gr.skip(), gr.skip(), gr.skip()
            return
        name = Path(path).name
        progress(0.1, desc=f"读取并检查 {name}")
        yield ok_html(f"正在导入 {name} …"), gr.skip(), gr.skip(), gr.skip()
        try:
            service = acting(hours, gate, Admin(actor, client_of(request)))
            activities, attendances = service.import_activities(actor, Path(path), services.ingest.limits)
        except ActivityImportError as exc:
            problems = [(p.row, p.reason) for p in exc.problems]
            head = f"未导入任何记录（{len(problems)} 处问题），请改正后重新选择文件"
            yield problems_html(exc.file_name, problems, head), gr.skip(), gr.update(value=None), gr.skip()
            return
        except (SheetError, AccessDenied) as exc:
            yield error_html(str(exc)), gr.skip(), gr.skip(), gr.skip()
            return
        progress(0.8, desc="刷新报表")
        done = ok_html(f"{name}：已导入 {activities} 项活动，{attendances} 人次。")
        yield done, unit_view(hours, actor, unit, year), gr.update(value=None), gr.skip()

    a.load.click(import_activity_sheet, [gate.session, a.sheet, a.unit, a.year], [a.loaded, a.report, a.sheet, gate.session],
                 concurrency_limit=2, concurrency_id="hours-import", show_progress_on=[a.loaded], **PRIVATE)


def wire_exports(tab: HoursTab, services: Services, hours: Hours, gate: Gate) -> None:
    """The downloads: the records (XLSX), the unit's one-page PDF, the yearly plan (DOCX)."""
    a = tab.admin

    def make(kind: str, request: gr.Request, token: str, unit: str | None, year: int | None,
             progress: gr.Progress) -> tuple[Any, Any, Any]:
        actor = gate.actor(token)
        if actor is None:
            gr.Warning(EXPIRED)
            return gr.skip(), gr.skip(), ""
        chosen, name = int(year or hours.today().year), unit or ""
        service = acting(hours, gate, Admin(actor, client_of(request)))
        progress(0.2, desc="正在生成文件")
        try:
            if kind == "xlsx":
                path = export_path(f"学时记录-{name or '全部'}-{chosen}.xlsx", service.records_xlsx(actor, chosen, name or None))
            elif kind == "pdf":
                path = export_path(f"学时汇总-{name}-{chosen}.pdf",
                                   service.unit_pdf(actor, chosen, name, find_cjk_font(services.pdf_font)))
            else:
                path = export_path(f"年度学法培训计划-{name or '全市'}-{chosen}.docx", service.plan_docx(actor, chosen, name or None))
        except (AccessDenied, ActivityError, FontMissing) as exc:
            gr.Warning(str(exc))
            return gr.skip(), error_html(str(exc)), gr.skip()
        return gr.update(value=path, visible=True), ok_html(f"已生成 {Path(path).name}。"), gr.skip()

    def export_hours_xlsx(request: gr.Request, token: str, unit: str | None, year: int | None,
                    progress: gr.Progress = gr.Progress()) -> tuple[Any, Any, Any]:  # noqa: B008
        return make("xlsx", request, token, unit, year, progress)

    def export_unit_pdf(request: gr.Request, token: str, unit: str | None, year: int | None,
                   progress: gr.Progress = gr.Progress()) -> tuple[Any, Any, Any]:  # noqa: B008
        return make("pdf", request, token, unit, year, progress)

    def export_plan_docx(request: gr.Request, token: str, unit: str | None, year: int | None,
                    progress: gr.Progress = gr.Progress()) -> tuple[Any, Any, Any]:  # noqa: B008
        return make("docx", request, token, unit, year, progress)

    for button, fn in ((a.xlsx, export_hours_xlsx), (a.pdf, export_unit_pdf), (a.docx, export_plan_docx)):
        button.click(fn, [gate.session, a.unit, a.year], [a.download, a.loaded, gate.session],
                     concurrency_limit=2, concurrency_id="hours-export", **PRIVATE)


def build_hours_tab(services: Services, hours: Hours, gate: Gate, hours_tab: gr.Tab) -> HoursTab:
    """The tab's content inside ``hours_tab`` (opening it refreshes what the session sees)."""
    tab = layout(hours)
    wire_session(tab, services, hours, gate, hours_tab)
    wire_officer(tab, services, hours, gate)
    wire_reports(tab, hours, gate)
    wire_import(tab, services, hours, gate)
    wire_exports(tab, services, hours, gate)
    return tab

