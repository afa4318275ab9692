"""The two overlay dialogs: the full text of an article, and the optional comment after a 👍/👎.

They sit outside the tabs so that citations in the chat and hits in the law search open the same
article dialog. ``app.js`` gives an open dialog a history entry: the phone's back button closes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from xuefa.app import library, render
from xuefa.services import Services

CLICK_JS = """
element.addEventListener('click', (ev) => {
  const el = ev.target.closest('[data-action]');
  if (!el || !element.contains(el)) return;
  ev.preventDefault();
  const d = el.dataset;
  trigger('click', {action: d.action || '', unit: d.unit || '', clause: d.clause || '',
                    turn: d.turn || '', vote: d.vote || ''});
});
element.addEventListener('keydown', (ev) => {
  if ((ev.key === 'Enter' || ev.key === ' ') && ev.target.matches('[data-action]')) {
    ev.preventDefault();
    ev.target.click();
  }
});
"""
"""``js_on_load`` of an HTML block whose ``data-action`` elements should reach Python (one delegated listener)."""

SCROLL_JS = """
let turns = element.querySelectorAll('.xf-turn').length;
watch('value', () => {
  const all = element.querySelectorAll('.xf-turn');
  if (all.length > turns) all[all.length - 1].scrollIntoView({block: 'start', behavior: 'smooth'});
  turns = all.length;
});
"""
"""Added to the conversation's ``js_on_load``: a new question scrolls into view (top of the screen)."""


def html_block(value: str = "", *, clickable: bool = False, extra_js: str = "", **kwargs: Any) -> gr.HTML:
    """An HTML block styled only by ``style.css``; ``clickable``: its ``data-action`` elements reach Python."""
    js = (CLICK_JS if clickable else "") + extra_js
    return gr.HTML(value, js_on_load=js or None, apply_default_css=False, **kwargs)


@dataclass
class Login:
    """An admin sign-in panel: account and password, and the form a first sign-in changes its password in."""

    column: gr.Column
    fields: gr.Column
    account: gr.Textbox
    password: gr.Textbox
    enter: gr.Button
    message: gr.HTML
    change: gr.Column
    old: gr.Textbox
    new: gr.Textbox
    again: gr.Textbox
    save: gr.Button

    @property
    def views(self) -> list[Any]:
        """What ``login_views`` updates."""
        return [self.column, self.fields, self.change]


def login_views(signed_in: bool, must_change: bool) -> tuple[Any, Any, Any]:
    """The login panel, its sign-in fields and its change-password form, for a session that is signed in as a
    ready administrator, or must still change its password, or neither."""
    if signed_in:
        return gr.update(visible=False), gr.skip(), gr.skip()
    return gr.update(visible=True), gr.update(visible=not must_change), gr.update(visible=must_change)


def layout_login(heading_html: str, column_id: str, password_id: str, button_id: str) -> Login:
    """The panel; its account box is ``<column_id>-account``, the change form ``<column_id>-change`` (fields
    ``-old``, ``-new``, ``-again``, button ``-save``)."""
    with gr.Column(elem_classes=["xf-panel"], elem_id=column_id) as column:
        html_block(heading_html)
        with gr.Column(elem_id=f"{column_id}-fields") as fields:
            account = gr.Textbox(label="账号", max_length=64, elem_id=f"{column_id}-account",
                                 placeholder="警号或管理员账号")
            password = gr.Textbox(label="密码", type="password", elem_id=password_id, max_length=200)
            enter = gr.Button("登录", variant="primary", elem_id=button_id)
        with gr.Column(visible=False, elem_id=f"{column_id}-change") as change:
            html_block('<p class="xf-hint">首次登录请先修改初始密码，修改后才能继续使用。</p>')
            old = gr.Textbox(label="原密码", type="password", max_length=200, elem_id=f"{column_id}-old")
            new = gr.Textbox(label="新密码", type="password", max_length=200, elem_id=f"{column_id}-new")
            again = gr.Textbox(label="再次输入新密码", type="password", max_length=200, elem_id=f"{column_id}-again")
            save = gr.Button("修改密码", variant="primary", elem_id=f"{column_id}-save")
        message = html_block()
    return Login(column, fields, account, password, enter, message, change, old, new, again, save)


def click_data(evt: gr.EventData) -> dict[str, str]:
    data = evt._data if isinstance(getattr(evt, "_data", None), dict) else {}
    return {k: str(v) for k, v in data.items() if isinstance(v, str | int)}


def as_int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@dataclass
class ArticleDialog:
    column: gr.Column
    article: gr.HTML

    @property
    def outputs(self) -> list[Any]:
        return [self.column, self.article]

    @staticmethod
    def show(services: Services, unit_id: str, clause: int | None = None) -> tuple[Any, Any]:
        hit = library.unit_hit(services.kb, unit_id) if unit_id else None
        if hit is None:
            return gr.update(visible=True), render.not_found_html("知识库中已没有这一条（可能已被管理员删除）。")
        return gr.update(visible=True), render.article_html(hit, clause)


def build_article_dialog() -> ArticleDialog:
    with (
        gr.Column(visible=False, elem_id="xf-modal", elem_classes=["xf-dialog"]) as column,
        gr.Column(elem_classes=["xf-sheet"]),
    ):
        with gr.Row(elem_classes=["xf-sheet-head"], equal_height=True):
            html_block('<h2 class="xf-sheet-title">条文全文</h2>')
            close = gr.Button("关闭", elem_id="xf-modal-close", variant="secondary", scale=0, min_width=88)
        article = html_block(elem_id="xf-modal-article")
    close.click(lambda: gr.update(visible=False), outputs=column, queue=False, api_visibility="private")
    return ArticleDialog(column, article)


@dataclass
class FeedbackDialog:
    column: gr.Column
    comment: gr.Textbox
    pending: gr.State


def build_feedback_dialog(services: Services) -> FeedbackDialog:
    with (
        gr.Column(visible=False, elem_id="xf-feedback", elem_classes=["xf-dialog", "xf-dialog-small"]) as column,
        gr.Column(elem_classes=["xf-sheet"]),
    ):
        with gr.Row(elem_classes=["xf-sheet-head"], equal_height=True):
            html_block('<h2 class="xf-sheet-title">谢谢您的反馈</h2>')
            close = gr.Button("关闭", elem_id="xf-feedback-close", variant="secondary", scale=0, min_width=88)
        comment = gr.Textbox(
            label="补充说明（可选）",
            placeholder="例如：引用的条文不对、遗漏了哪一条、回答看不懂……",
            lines=3,
            max_lines=8,
            max_length=2000,
            elem_id="xf-feedback-comment",
        )
        send = gr.Button("提交说明", variant="primary", elem_id="xf-feedback-send")
    pending = gr.State(None)

    def submit(text: str, feedback_id: int | None) -> tuple[Any, Any, Any]:
        if feedback_id is not None and text.strip():
            services.feedback.comment(feedback_id, text)
            gr.Info("说明已保存，谢谢！")
        return gr.update(visible=False), gr.update(value=""), None

    send.click(submit, [comment, pending], [column, comment, pending], api_visibility="private")
    close.click(lambda: (gr.update(visible=False), gr.update(value="")), outputs=[column, comment],
                queue=False, api_visibility="private")
    return FeedbackDialog(column, comment, pending)
