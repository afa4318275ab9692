"""The 账号 page (administrators, desktop): the units and accounts of the administrator's scope, the roster
import (every bad row with its reason, nothing stored), adding a unit or an account, resetting a password,
deactivating an account, and the admins' audit (who, what, when, from where). Everything goes through
``services.accounts`` with the signed-in actor, which checks the role and the unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from quiz.people.accounts import Accounts
from quiz.people.models import AccessDenied, AccountError, Actor, Role, RosterImportError
from xuefa.app.accounts_html import accounts_html, audit_html, units_html
from xuefa.app.admin_tab import wire_login
from xuefa.app.dialogs import Login, html_block, layout_login, login_views
from xuefa.app.gate import EXPIRED, Admin, Gate, client_of
from xuefa.app.hours_html import error_html, ok_html, problems_html
from xuefa.services import Services

PRIVATE: dict[str, Any] = {"api_visibility": "private"}
ALL_UNITS = "（全部）"
AUDIT_SHOWN = 200
ROSTER_TYPES = [".xlsx", ".csv"]
ROSTER_HINT = ('<p class="xf-hint">名单（.xlsx/.csv）列：警号（或执法证号）、姓名、单位，可选职务、领导班子成员（是/否；'
               "不填时按职务判断）。已有的警号按名单更新；任何一行有问题，整份名单不导入。导入的人员没有密码，"
               "请为需要登录的人员重置密码（首次登录须修改）。</p>")


@dataclass
class AccountsTab:
    login: Login
    panel: gr.Column
    units: gr.HTML
    unit_name: gr.Textbox
    unit_parent: gr.Dropdown
    add_unit: gr.Button
    roster: gr.File
    create_units: gr.Checkbox
    load: gr.Button
    roster_report: gr.HTML
    filter: gr.Dropdown
    listing: gr.HTML
    login_box: gr.Textbox
    name: gr.Textbox
    role: gr.Dropdown
    unit: gr.Dropdown
    title: gr.Textbox
    leader: gr.Checkbox
    password: gr.Textbox
    add: gr.Button
    target: gr.Textbox
    new_password: gr.Textbox
    reset: gr.Button
    deactivate: gr.Button
    message: gr.HTML
    audit: gr.HTML
    refresh_audit: gr.Button
    logout: gr.Button


def role_choices(actor: Actor) -> list[tuple[str, str]]:
    roles = [Role.OFFICER, Role.UNIT_ADMIN] + ([Role.CITY_ADMIN] if actor.role is Role.CITY_ADMIN else [])
    return [(r.label, r.value) for r in roles]


def layout_units() -> tuple[gr.HTML, gr.Textbox, gr.Dropdown, gr.Button]:
    with gr.Accordion("单位", open=True, elem_id="xf-acc-units"):
        units = html_block(elem_id="xf-acc-unit-list")
        with gr.Row(equal_height=True):
            name = gr.Textbox(label="新单位名称", max_length=200, elem_id="xf-acc-unit-name", scale=2)
            parent = gr.Dropdown([], label="上级单位", elem_id="xf-acc-unit-parent", scale=2)
            add = gr.Button("添加单位", elem_id="xf-acc-add-unit", scale=1, min_width=100)
    return units, name, parent, add


def layout_account_form() -> tuple[Any, ...]:
    with gr.Accordion("添加账号", open=False, elem_id="xf-acc-new"):
        with gr.Row():
            login = gr.Textbox(label="账号（执法人员填警号）", max_length=64, elem_id="xf-acc-login")
            name = gr.Textbox(label="姓名", max_length=100, elem_id="xf-acc-name")
            role = gr.Dropdown([], label="角色", elem_id="xf-acc-role")
        with gr.Row():
            unit = gr.Dropdown([], label="单位", elem_id="xf-acc-unit")
            title = gr.Textbox(label="职务（可选）", max_length=100, elem_id="xf-acc-title")
            leader = gr.Checkbox(label="领导班子成员", elem_id="xf-acc-leader")
        password = gr.Textbox(label="初始密码（可选；首次登录须修改）", type="password", max_length=200,
                              elem_id="xf-acc-password")
        add = gr.Button("添加账号", variant="primary", elem_id="xf-acc-add")
    return login, name, role, unit, title, leader, password, add


def layout(gate: Gate) -> AccountsTab:
    login = layout_login('<h2 class="xf-section-title">账号管理 · 管理员登录</h2>', "xf-acc-login-panel",
                         "xf-acc-login-password", "xf-acc-login-btn")
    with gr.Column(visible=False, elem_classes=["xf-panel", "xf-wide"], elem_id="xf-accounts") as panel:
        units, unit_name, unit_parent, add_unit = layout_units()
        with gr.Accordion("导入人员名单", open=True, elem_id="xf-acc-roster"):
            html_block(ROSTER_HINT)
            roster = gr.File(label="选择名单", file_types=ROSTER_TYPES, type="filepath", elem_id="xf-acc-roster-file")
            create_units = gr.Checkbox(label="名单中的新单位自动创建（在本单位之下）", elem_id="xf-acc-create-units")
            load = gr.Button("导入名单", variant="primary", elem_id="xf-acc-load")
            roster_report = html_block(elem_id="xf-acc-roster-report")
        filter_ = gr.Dropdown([], label="按单位查看账号", elem_id="xf-acc-filter")
        listing = html_block(elem_id="xf-acc-list")
        login_box, name, role, unit, title, leader, password, add = layout_account_form()
        with gr.Accordion("重置密码 / 停用账号", open=False, elem_id="xf-acc-manage"):
            with gr.Row(equal_height=True):
                target = gr.Textbox(label="账号", max_length=64, elem_id="xf-acc-target")
                new_password = gr.Textbox(label="新密码（对方首次登录须修改）", type="password", max_length=200,
                                          elem_id="xf-acc-new-password")
            with gr.Row():
                reset = gr.Button("重置密码", elem_id="xf-acc-reset")
                deactivate = gr.Button("停用账号", variant="stop", elem_id="xf-acc-deactivate")
        message = html_block(elem_id="xf-acc-message")
        with gr.Accordion("操作记录", open=False, elem_id="xf-acc-audit"):
            refresh_audit = gr.Button("刷新", size="sm", elem_id="xf-acc-audit-refresh")
            audit = html_block(elem_id="xf-acc-audit-list")
        logout = gr.Button("退出登录", variant="secondary", size="sm", elem_id="xf-acc-logout")
    return AccountsTab(login, panel, units, unit_name, unit_parent, add_unit, roster, create_units, load, roster_report, filter_,
                       listing, login_box, name, role, unit, title, leader, password, add, target, new_password,
                       reset, deactivate, message, audit, refresh_audit, logout)


# what the panel shows ------------------------------------------------------------------------------------------


def listing_of(accounts: Accounts, actor: Actor, unit: str | None) -> str:
    wanted = None if not unit or unit == ALL_UNITS else unit
    return accounts_html(accounts.accounts(actor, wanted), accounts.clock())


def panel_views(accounts: Accounts, actor: Actor, unit: str | None = None) -> tuple[Any, ...]:
    """The units, the unit choices of the forms, the accounts and the audit."""
    units = accounts.units(actor.scope)
    names = [u.name for u in units]
    parents: list[str | tuple[str, str]] = list(names) if not actor.scope.all_units else [("（顶级单位）", ""), *names]
    top = "" if actor.scope.all_units else (names[0] if names else None)
    chosen = unit if unit in names else ALL_UNITS
    return (units_html(units), gr.update(choices=parents, value=top),
            gr.update(choices=[ALL_UNITS, *names], value=chosen), listing_of(accounts, actor, chosen),
            gr.update(choices=role_choices(actor), value=Role.OFFICER.value),
            gr.update(choices=names, value=actor.unit if actor.unit in names else (names[0] if names else None)),
            audit_html(accounts.audit(actor, AUDIT_SHOWN)))


def panel_outputs(tab: AccountsTab) -> list[Any]:
    return [tab.units, tab.unit_parent, tab.filter, tab.listing, tab.role, tab.unit, tab.audit]


# wiring -----------------------------------------------------------------------------------------------------


def wire_session(tab: AccountsTab, accounts: Accounts, gate: Gate, page: gr.Tab) -> None:
    def accounts_session(token: str) -> tuple[Any, ...]:
        actor = gate.actor(token)
        views = login_views(actor is not None, gate.must_change(token))
        if actor is None:
            return *views, gr.update(visible=False), *[gr.skip()] * len(panel_outputs(tab))
        return *views, gr.update(visible=True), *panel_views(accounts, actor)

    outputs = [*tab.login.views, tab.panel, *panel_outputs(tab)]
    wire_login(gate, tab.login)
    gate.session.change(accounts_session, [gate.session], outputs, **PRIVATE)
    page.select(accounts_session, [gate.session], outputs, show_progress="hidden", **PRIVATE)
    tab.logout.click(gate.sign_out, [gate.session], [gate.session], **PRIVATE)


def wire_changes(tab: AccountsTab, accounts: Accounts, gate: Gate) -> None:
    """Adding a unit or an account, resetting a password, deactivating: each says what it did or why not."""

    def done(admin: Admin, text: str, unit: str | None = None) -> tuple[Any, ...]:
        return ok_html(text), *panel_views(accounts, admin.actor, unit)

    def refused(exc: Exception) -> tuple[Any, ...]:
        return error_html(str(exc)), *[gr.skip()] * len(panel_outputs(tab))

    def add_unit(admin: Admin, name: str, parent: str | None) -> tuple[Any, ...]:
        try:
            accounts.add_unit(name or "", parent or "", actor=admin.actor, client=admin.client)
        except (AccountError, AccessDenied) as exc:
            return refused(exc)
        return done(admin, f"已添加单位“{(name or '').strip()}”。")

    def add_account(admin: Admin, login: str, name: str, role: str | None, unit: str | None, title: str, leader: bool,
            password: str) -> tuple[Any, ...]:
        try:
            made = accounts.add_account(admin.actor, login or "", name or "", Role(role or Role.OFFICER.value),
                                        unit or "", title or "", bool(leader), password or "", client=admin.client)
        except (AccountError, AccessDenied) as exc:
            return refused(exc)
        return done(admin, f"已添加{made.role.label}账号 {made.login}（{made.name}）。", made.unit)

    def reset_password(admin: Admin, login: str, password: str) -> tuple[Any, ...]:
        try:
            accounts.set_password(admin.actor, login or "", password or "", client=admin.client)
        except (AccountError, AccessDenied) as exc:
            return refused(exc)
        return done(admin, f"已重置 {(login or '').strip()} 的密码，对方首次登录须修改。")

    def deactivate_account(admin: Admin, login: str) -> tuple[Any, ...]:
        try:
            accounts.deactivate(admin.actor, login or "", client=admin.client)
        except (AccountError, AccessDenied) as exc:
            return refused(exc)
        return done(admin, f"已停用账号 {(login or '').strip()}；其记录保留。")

    outputs = [tab.message, *panel_outputs(tab)]
    gate.on(tab.add_unit.click, add_unit, [tab.unit_name, tab.unit_parent], outputs, **PRIVATE)
    gate.on(tab.add.click, add_account, [tab.login_box, tab.name, tab.role, tab.unit, tab.title, tab.leader, tab.password],
            outputs, **PRIVATE)
    gate.on(tab.reset.click, reset_password, [tab.target, tab.new_password], outputs, **PRIVATE)
    gate.on(tab.deactivate.click, deactivate_account, [tab.target], outputs, **PRIVATE)

    def list_accounts(admin: Admin, unit: str | None) -> str:
        return listing_of(accounts, admin.actor, unit)

    def show_audit(admin: Admin) -> str:
        return audit_html(accounts.audit(admin.actor, AUDIT_SHOWN))

    gate.on(tab.filter.input, list_accounts, [tab.filter], [tab.listing], **PRIVATE)
    gate.on(tab.refresh_audit.click, show_audit, [], [tab.audit], **PRIVATE)


def wire_roster(tab: AccountsTab, accounts: Accounts, gate: Gate, limits: Any) -> None:
    """A roster: every bad row with its reason and nothing stored, or how many were added and updated."""

    def import_roster_sheet(request: gr.Request, token: str, path: str | None, create_units: bool,
                  progress: gr.Progress = gr.Progress()) -> Iterator[tuple[Any, ...]]:  # noqa: B008
        skips = [gr.skip()] * len(panel_outputs(tab))
        actor = gate.actor(token)
        if actor is None:
            gr.Warning(EXPIRED)
            yield gr.skip(), gr.skip(), *skips, ""
            return
        if not path:
            yield error_html("请先选择名单文件。"), gr.skip(), *skips, gr.skip()
            return
        name = Path(path).name
        progress(0.1, desc=f"读取并检查 {name}")
        yield ok_html(f"正在导入 {name} …"), gr.skip(), *skips, gr.skip()
        try:
            result = accounts.import_roster(actor, Path(path), limits, bool(create_units), client=client_of(request))
        except RosterImportError as exc:
            problems = [(p.row, p.reason) for p in exc.problems]
            head = f"整份名单未导入（{len(problems)} 行有问题），请改正后重新选择文件" if problems else str(exc)
            yield problems_html(exc.file, problems, head), gr.update(value=None), *skips, gr.skip()
            return
        except (AccountError, AccessDenied) as exc:
            yield error_html(str(exc)), gr.skip(), *skips, gr.skip()
            return
        progress(0.9, desc="刷新账号列表")
        text = f"{name}：新增 {result.added} 人，更新 {result.updated} 人，未变 {result.unchanged} 人。"
        yield ok_html(text), gr.update(value=None), *panel_views(accounts, actor), gr.skip()

    tab.load.click(import_roster_sheet, [gate.session, tab.roster, tab.create_units],
                   [tab.roster_report, tab.roster, *panel_outputs(tab), gate.session],
                   concurrency_limit=2, concurrency_id="roster", show_progress_on=[tab.roster_report], **PRIVATE)


def build_accounts_tab(services: Services, accounts: Accounts, gate: Gate, page: gr.Tab) -> AccountsTab:
    tab = layout(gate)
    wire_session(tab, accounts, gate, page)
    wire_changes(tab, accounts, gate)
    wire_roster(tab, accounts, gate, services.ingest.limits)
    return tab
