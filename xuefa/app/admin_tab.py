"""The 管理 tab: behind the admin password, upload law files and see per-file results with progress, and
review the answers officers voted 👍 (confirmed ones are remembered by the search, kb.memory).

Whether a session is logged in is one ``gr.State`` for all tabs (kept on the server: a browser cannot set
it): a login in any tab (管理, 练习's checklist loader, 考试, 竞赛) opens the admin panels of all of them, and a
logout closes them all. Every handler checks the flag itself, not only the visibility of its panel.
"""

from __future__ import annotations

import hmac
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
from xuefa.answered import review_feedback
from xuefa.app import render
from xuefa.app.dialogs import html_block, layout_login
from xuefa.app.uploads import UploadResult, ingest_uploads
from xuefa.services import Services

FAILED_LOGIN_DELAY_S = 1.0
DISABLED_NOTE = (
    "管理功能未开启：服务器没有设置管理员密码。"
    "请在设置文件中填写 `admin_password`（或设置环境变量 `XUEFA_ADMIN_PASSWORD`）后重新启动。"
)


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


def check_password(services: Services, given: str) -> bool:
    expected = services.admin_password
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def wire_login(services: Services, authed: gr.State, password: gr.Textbox, enter: gr.Button,
               message: gr.HTML) -> None:
    """A tab's login form: the right password sets the session's admin flag (each tab shows its panel on that
    flag's change); a wrong one waits a second and says so."""

    def do_login(given: str) -> tuple[Any, str, str]:
        if check_password(services, given or ""):
            return True, "", ""
        time.sleep(FAILED_LOGIN_DELAY_S)
        return gr.skip(), "", '<p class="xf-error">密码不正确。</p>'

    for event in (enter.click, password.submit):
        event(do_login, [password], [authed, password, message], api_visibility="private")


@dataclass
class AdminLayout:
    login: gr.Column
    password: gr.Textbox
    enter: gr.Button
    message: gr.HTML
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
    form = layout_login('<h2 class="xf-section-title">管理员登录</h2>', "xf-login", "xf-password", "xf-login-btn")
    login, password, enter, message = form.column, form.password, form.enter, form.message
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
    return AdminLayout(login, password, enter, message, panel, files, start, report, pending, keep, drop, reviewed,
                       listing, logout)


PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def wire_session(ui: AdminLayout, services: Services, authed: gr.State) -> None:
    def on_admin(ok: bool) -> tuple[Any, ...]:
        if not ok:
            return gr.update(visible=True), gr.update(visible=False), gr.skip(), gr.skip()
        return gr.update(visible=False), gr.update(visible=True), documents_html(services), review_choices(services)

    wire_login(services, authed, ui.password, ui.enter, ui.message)
    authed.change(on_admin, [authed], [ui.login, ui.panel, ui.listing, ui.pending], **PRIVATE)
    ui.logout.click(lambda: False, outputs=[authed], **PRIVATE)


def wire_review(ui: AdminLayout, services: Services, authed: gr.State) -> None:
    """The liked answers: remembered for the search, or dismissed."""

    def do_review(selected: list[str] | None, ok: bool, remember: bool) -> tuple[Any, str]:
        if not ok:
            raise gr.Error("请先登录。")
        if not selected:
            return gr.skip(), '<p class="xf-error">请先勾选要审核的回答。</p>'
        n = review_feedback(services.kb, services.feedback, [int(i) for i in selected], remember)
        done = (f"已记入检索 {n} 条问答：以后相近的问题会先找到所引条款。" if remember
                else f"已忽略 {n} 条，不记入检索。")
        return review_choices(services), f'<p class="xf-result-head">{render.esc(done)}</p>'

    ui.pending.input(lambda: "", outputs=[ui.reviewed], **PRIVATE)  # (an earlier message no longer applies)
    ui.keep.click(lambda s, ok: do_review(s, ok, True), [ui.pending, authed], [ui.pending, ui.reviewed], **PRIVATE)
    ui.drop.click(lambda s, ok: do_review(s, ok, False), [ui.pending, authed], [ui.pending, ui.reviewed], **PRIVATE)


def wire_ingest(ui: AdminLayout, services: Services, authed: gr.State) -> Dependency:
    """Importing law files, with a report as each one is done; returns the event."""

    def do_ingest(
        paths: list[str] | None, ok: bool, progress: gr.Progress = gr.Progress()  # noqa: B008
    ) -> Iterator[tuple[Any, Any, Any]]:
        if not ok:
            raise gr.Error("请先登录。")
        if not paths:
            yield render.not_found_html("请先选择要导入的文件。"), gr.skip(), gr.skip()
            return
        uploads = services.uploads_dir or Path(services.kb.home).parent / "uploads"
        sources = [Path(p) for p in paths]
        done: list[UploadResult] = []
        names = [s.name for s in sources]
        yield render.ingest_html(done, names), gr.skip(), gr.skip()

        def on_progress(fraction: float, what: str) -> None:
            progress(fraction, desc=what)

        for result in ingest_uploads(services.kb, sources, services.ingest, uploads, on_progress):
            done.append(result)
            yield render.ingest_html(done, names[len(done):]), gr.skip(), gr.skip()
        yield render.ingest_html(done), documents_html(services), gr.update(value=None)

    return ui.start.click(
        do_ingest, [ui.files, authed], [ui.report, ui.listing, ui.files],
        concurrency_limit=1, concurrency_id="ingest", show_progress_on=[ui.report], **PRIVATE,
    )


def build_admin_tab(services: Services, authed: gr.State) -> Dependency | None:
    """The tab's content; returns the ingest event (law lists refresh after it), None if admin is off.
    ``authed``: the session's admin flag, shared by the tabs."""
    if not services.admin_enabled:
        gr.Markdown(DISABLED_NOTE, elem_id="xf-admin-disabled", elem_classes=["xf-panel"])
        return None
    ui = layout(services)
    wire_session(ui, services, authed)
    wire_review(ui, services, authed)
    return wire_ingest(ui, services, authed)
