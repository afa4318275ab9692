"""The 管理 tab: the city administrator uploads law files and sees per-file results with progress, and reviews
the answers officers voted 👍 (confirmed ones are remembered by the search, kb.memory).

A session signs in with an account (``quiz.people``); its token is one ``gr.State`` for all tabs (kept on the
server: a browser cannot set it): a sign-in in any tab (管理, 考试, 竞赛) opens the admin panels of all of
them, and a logout closes them all. Every handler resolves the token itself (``xuefa.app.gate``), not only
the visibility of its panel; a first sign-in changes its password before anything else.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.events import Dependency

from chat.feedback import FeedbackRow
from chat.render import render_citation
from kb.coverage import CoverageGap, GapKind
from quiz.people.access import NOT_YOURS, require
from xuefa.answered import review_feedback
from xuefa.app import render
from xuefa.app.dialogs import Login, html_block, layout_login, login_views
from xuefa.app.gate import EXPIRED, Admin, AdminAction, Gate, client_of
from xuefa.app.uploads import UploadResult, ingest_uploads
from xuefa.services import Services

FAILED_LOGIN_DELAY_S = 1.0
DISABLED_NOTE = (
    "管理功能未开启：服务器没有开启账号。"
    "请在设置文件中填写 `admin_password`（或设置环境变量 `XUEFA_ADMIN_PASSWORD`）后重新启动，"
    "再用账号 `admin` 和这个密码登录（市级管理员）。"
)
CITY_ONLY = ('<p class="xf-hint">法规文件的导入和点赞回答的审核由市级管理员（法规处）负责；'
             "本单位的考试和竞赛请在“考试”“竞赛”页面管理。</p>")
NOT_ADMIN = "此账号没有管理权限：执法人员请直接使用问答、练习和考试页面。"


def documents_html(services: Services) -> str:
    docs = services.kb.documents()
    if not docs:
        return render.not_found_html("知识库为空。")
    rows = "".join(
        f"<li><span class=\"xf-file\">{render.esc(d.meta.title)}</span>"
        f"<span class=\"xf-outcome\">{render.esc(d.meta.level.value)} · "
        f"{render.esc(render.version_text(d.meta.version_date))} · {d.unit_count} 条</span></li>"
        for d in docs
    )
    listing = f'<div class="xf-ingest"><p class="xf-result-head">知识库现有 {len(docs)} 部法规文件</p><ul>{rows}</ul></div>'
    return gaps_html(services.gaps()) + listing


def gaps_html(gaps: list[CoverageGap]) -> str:
    """The documents enforcement rests on that the knowledge base lacks or holds in an older version."""
    if not gaps:
        return ""

    def line(gap: CoverageGap) -> str:
        current = render.version_text(gap.document.version_date)
        state = (f"知识库为{render.version_text(gap.held_version)}，现行为{current}" if gap.kind is GapKind.OLDER
                 else f"缺少 · 现行为{current}")
        return (f"<li><span class=\"xf-file\">{render.esc(gap.document.title)}</span>"
                f"<span class=\"xf-outcome\">{render.esc(gap.document.level.value)} · {render.esc(state)}</span></li>")

    return (f'<div class="xf-ingest" id="xf-gaps"><p class="xf-result-head">执法常用法规中，知识库缺少或版本较旧的有 '
            f'{len(gaps)} 部（涉及这些领域的问题，回答会提示缺少哪部文件；请导入现行版本）</p>'
            f'<ul>{"".join(line(g) for g in gaps)}</ul></div>')


def review_label(row: FeedbackRow) -> str:
    return f"{row.question} → {'、'.join(render_citation(c) for c in row.cited)}"


def review_choices(services: Services) -> Any:
    """The review list's update: the 👍 answers no admin has reviewed yet."""
    rows = services.feedback.awaiting_review()
    return gr.update(choices=[(review_label(r), str(r.id)) for r in rows], value=[],
                     label=f"待审核的点赞回答（{len(rows)} 条）" if rows else "暂无待审核的点赞回答")


PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def error_html(text: str) -> str:
    return f'<p class="xf-error">{render.esc(text)}</p>'


def wire_login(gate: Gate, form: Login, officers: bool = False) -> None:
    """A tab's sign-in form: a good account and password set the session's token (each tab shows its panel on
    the token's change); a refusal waits a second and says why. A first sign-in must change its password.
    ``officers``: officers may sign in here too (the 学时 tab), not only administrators."""
    accounts = gate.accounts

    def do_login(account: str, password: str, request: gr.Request) -> tuple[Any, str, str]:
        try:
            signed = accounts.sign_in(account or "", password or "", client_of(request))
        except ValueError as exc:  # SignInError: wrong password, locked, no password yet
            time.sleep(FAILED_LOGIN_DELAY_S)
            return gr.skip(), "", error_html(str(exc))
        if not signed.actor.admin and not officers:
            accounts.sign_out(signed.token)
            return gr.skip(), "", error_html(NOT_ADMIN)
        return signed.token, "", ""

    if officers:  # its own name among the app's handlers (tests look handlers up by name)
        do_login.__name__ = "do_login_officers"
    for event in (form.enter.click, form.password.submit):
        event(do_login, [form.account, form.password], [gate.session, form.password, form.message], **PRIVATE)

    def do_change(token: str, old: str, new: str, again: str, request: gr.Request) -> tuple[Any, ...]:
        cleared = ("", "", "")
        if (new or "") != (again or ""):
            return gr.skip(), error_html("两次输入的新密码不一致。"), *cleared
        try:
            actor = accounts.change_password(token or "", old or "", new or "")
            fresh = accounts.sign_in(actor.login, new, client_of(request)).token
        except ValueError as exc:  # a wrong old password, a weak new one
            return gr.skip(), error_html(str(exc)), *cleared
        gate.sign_out(token)
        return fresh, '<p class="xf-ok">密码已修改。</p>', *cleared

    form.save.click(do_change, [gate.session, form.old, form.new, form.again],
                    [gate.session, form.message, form.old, form.new, form.again], **PRIVATE)


@dataclass
class AdminLayout:
    login: Login
    city_only: gr.HTML
    panel: gr.Column
    files: gr.File
    start: gr.Button
    report: gr.HTML
    pending: gr.CheckboxGroup
    keep: gr.Button
    drop: gr.Button
    reviewed: gr.HTML
    listing: gr.HTML
    logout: gr.Button


def layout(services: Services) -> AdminLayout:
    login = layout_login('<h2 class="xf-section-title">管理员登录</h2>', "xf-login", "xf-password", "xf-login-btn")
    city_only = html_block(CITY_ONLY, visible=False, elem_id="xf-admin-city-only")
    with gr.Column(elem_classes=["xf-panel"], visible=False, elem_id="xf-admin") as panel:
        html_block('<h2 class="xf-section-title">导入法规文件</h2>'
                '<p class="xf-hint">支持 PDF（含扫描件）、Word（.docx）、Markdown、TXT、HTML、裁量基准表格（.xlsx）和照片（.jpg/.png），可一次选择多个文件。'
                "同名文件再次上传会替换之前导入的内容；导入失败的文件不会影响知识库。</p>")
        files = gr.File(
            label="选择文件", file_count="multiple", file_types=list(services.ingest.extensions),
            elem_id="xf-upload",
        )
        start = gr.Button("开始导入", variant="primary", elem_id="xf-ingest")
        report = html_block(elem_id="xf-ingest-report")
        html_block('<h2 class="xf-section-title">点赞回答审核</h2>'
                   '<p class="xf-hint">官兵点赞的回答，确认其引用的条款确实回答了问题后“记入检索”：'
                   "以后相近的问题会先找到这些条款。不对的请“不记入”。</p>")
        pending = gr.CheckboxGroup(label="暂无待审核的点赞回答", choices=[], elem_id="xf-review")
        with gr.Row():
            keep = gr.Button("记入检索", variant="primary", elem_id="xf-review-remember")
            drop = gr.Button("不记入", variant="secondary", elem_id="xf-review-dismiss")
        reviewed = html_block(elem_id="xf-review-report")
        html_block('<h2 class="xf-section-title">知识库内容</h2>')
        listing = html_block(documents_html(services))
        logout = gr.Button("退出登录", variant="secondary", size="sm", elem_id="xf-logout")
    return AdminLayout(login, city_only, panel, files, start, report, pending, keep, drop, reviewed,
                       listing, logout)


def wire_session(ui: AdminLayout, services: Services, gate: Gate) -> None:
    """The panel follows the session: the city administrator's panel, a unit administrator's note, or the
    login (with the change-password form while a first password is unchanged)."""

    def on_session(token: str) -> tuple[Any, ...]:
        actor = gate.actor(token)
        views = login_views(actor is not None, gate.must_change(token))
        if actor is None or not actor.scope.all_units:
            return *views, gr.update(visible=actor is not None), gr.update(visible=False), gr.skip(), gr.skip()
        return *views, gr.update(visible=False), gr.update(visible=True), documents_html(services), \
            review_choices(services)

    wire_login(gate, ui.login)
    gate.session.change(on_session, [gate.session], [*ui.login.views, ui.city_only, ui.panel, ui.listing, ui.pending],
                        **PRIVATE)
    ui.logout.click(gate.sign_out, [gate.session], [gate.session], **PRIVATE)


def city_admin(admin: Admin) -> Admin:
    """The knowledge base is the city's: its import and review are the city administrator's."""
    require(admin.actor, "")
    return admin


def wire_review(ui: AdminLayout, services: Services, gate: Gate) -> None:
    """The liked answers: remembered for the search, or dismissed."""

    def do_review(admin: Admin, selected: list[str] | None, remember: bool) -> tuple[Any, str]:
        city_admin(admin)
        if not selected:
            return gr.skip(), error_html("请先勾选要审核的回答。")
        ids = [int(i) for i in selected]
        n = review_feedback(services.kb, services.feedback, ids, remember)
        gate.record(admin, AdminAction.KB_REVIEW, "、".join(selected), "记入检索" if remember else "不记入")
        done = (f"已记入检索 {n} 条问答：以后相近的问题会先找到所引条款。" if remember
                else f"已忽略 {n} 条，不记入检索。")
        return review_choices(services), f'<p class="xf-result-head">{render.esc(done)}</p>'

    def keep(admin: Admin, selected: list[str] | None) -> tuple[Any, str]:
        return do_review(admin, selected, True)

    def drop(admin: Admin, selected: list[str] | None) -> tuple[Any, str]:
        return do_review(admin, selected, False)

    ui.pending.input(lambda: "", outputs=[ui.reviewed], **PRIVATE)  # (an earlier message no longer applies)
    gate.on(ui.keep.click, keep, [ui.pending], [ui.pending, ui.reviewed], **PRIVATE)
    gate.on(ui.drop.click, drop, [ui.pending], [ui.pending, ui.reviewed], **PRIVATE)


def wire_ingest(ui: AdminLayout, services: Services, gate: Gate) -> Dependency:
    """Importing law files, with a report as each one is done; returns the event."""

    def do_ingest(
        request: gr.Request, token: str, paths: list[str] | None, progress: gr.Progress = gr.Progress()  # noqa: B008
    ) -> Iterator[tuple[Any, Any, Any, Any]]:
        actor = gate.actor(token)
        if actor is None or not actor.scope.all_units:
            gr.Warning(EXPIRED if actor is None else NOT_YOURS)
            yield gr.skip(), gr.skip(), gr.skip(), "" if actor is None else gr.skip()
            return
        if not paths:
            yield render.not_found_html("请先选择要导入的文件。"), gr.skip(), gr.skip(), gr.skip()
            return
        uploads = services.uploads_dir or Path(services.kb.home).parent / "uploads"
        sources = [Path(p) for p in paths]
        gate.record(Admin(actor, client_of(request)), AdminAction.KB_INGEST, "、".join(s.name for s in sources))
        done: list[UploadResult] = []
        names = [s.name for s in sources]
        yield render.ingest_html(done, names), gr.skip(), gr.skip(), gr.skip()

        def on_progress(fraction: float, what: str) -> None:
            progress(fraction, desc=what)

        for result in ingest_uploads(services.kb, sources, services.ingest, uploads, on_progress):
            done.append(result)
            yield render.ingest_html(done, names[len(done):]), gr.skip(), gr.skip(), gr.skip()
        yield render.ingest_html(done), documents_html(services), gr.update(value=None), gr.skip()

    return ui.start.click(
        do_ingest, [gate.session, ui.files], [ui.report, ui.listing, ui.files, gate.session],
        concurrency_limit=1, concurrency_id="ingest", show_progress_on=[ui.report], **PRIVATE,
    )


def build_admin_tab(services: Services, gate: Gate | None) -> Dependency | None:
    """The tab's content; returns the ingest event (law lists refresh after it), None if accounts are off.
    ``gate``: the session's sign-in, shared by the tabs."""
    if gate is None:
        gr.Markdown(DISABLED_NOTE, elem_id="xf-admin-disabled", elem_classes=["xf-panel"])
        return None
    ui = layout(services)
    wire_session(ui, services, gate)
    wire_review(ui, services, gate)
    return wire_ingest(ui, services, gate)
