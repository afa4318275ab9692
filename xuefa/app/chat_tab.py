"""The 问答 tab: question box, the conversation with tappable citations, 👍/👎 feedback.

The conversation of each browser session is a ``ChatSession`` in ``gr.State``; answers stream from
``Services.answers`` in a generator, so a slow answer for one officer does not hold up the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from chat.models import Answer, Delta, Final
from xuefa.app import render
from xuefa.app.dialogs import SCROLL_JS, ArticleDialog, FeedbackDialog, as_int, click_data, html_block
from xuefa.app.state import ChatSession, Vote
from xuefa.services import Services

log = logging.getLogger(__name__)

STREAM_INTERVAL_S = 0.12
"""At most this often a streamed draft is re-rendered."""

ERROR_TEXT = "系统出错，未能回答这个问题。请稍后再试；如果一直出错，请联系管理员。"


def _failed(question: str) -> Answer:
    return Answer(question=question, text=ERROR_TEXT, grounded=False, status="invalid")


@dataclass
class ChatLayout:
    session: gr.State
    conversation: gr.HTML
    examples: gr.Row
    example_buttons: list[gr.Button]
    question: gr.Textbox
    send: gr.Button
    reset: gr.Button


def layout() -> ChatLayout:
    session = gr.State(ChatSession())
    conversation = html_block(
        render.conversation_html(ChatSession()), clickable=True, extra_js=SCROLL_JS, elem_id="xf-conv"
    )
    with gr.Row(elem_id="xf-examples", elem_classes=["xf-examples"]) as examples:
        example_buttons = [
            gr.Button(q, variant="secondary", size="md", elem_classes=["xf-example"], min_width=160)
            for q in render.EXAMPLE_QUESTIONS
        ]
    with gr.Row(elem_id="xf-input", equal_height=True):
        question = gr.Textbox(
            show_label=False,
            placeholder="输入执法中遇到的问题…",
            lines=1,
            max_lines=6,
            scale=5,
            min_width=180,
            elem_id="xf-question",
            autofocus=False,
            submit_btn=False,
        )
        send = gr.Button("发送", variant="primary", scale=1, min_width=76, elem_id="xf-send")
    with gr.Row(elem_classes=["xf-tools"]):
        reset = gr.Button("新对话", variant="secondary", size="sm", scale=0, min_width=96, elem_id="xf-reset")
    return ChatLayout(session, conversation, examples, example_buttons, question, send, reset)


def wire_questions(ui: ChatLayout, services: Services) -> None:
    """Asking (typed, sent or an example), the answer streamed into the conversation; a new conversation."""

    def ask(text: str, state: ChatSession) -> Iterator[tuple[Any, ...]]:
        q = (text or "").strip()
        if not q:
            gr.Warning("请先输入问题。")
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        history = state.history()
        exchange = state.start(q)
        yield "", render.conversation_html(state), state, gr.update(visible=False)
        last = time.monotonic()
        try:
            for event in services.answers.stream(q, history):
                if isinstance(event, Delta):
                    exchange.draft += event.text
                    if time.monotonic() - last >= STREAM_INTERVAL_S:
                        last = time.monotonic()
                        yield gr.skip(), render.conversation_html(state), state, gr.skip()
                elif isinstance(event, Final):
                    exchange.answer = event.answer
        except Exception:
            log.exception("answering %r failed", q[:80])
        if exchange.answer is None:
            exchange.answer = _failed(q)
        yield gr.skip(), render.conversation_html(state), state, gr.skip()

    chat_outputs = [ui.question, ui.conversation, ui.session, ui.examples]
    common: dict[str, Any] = {"show_progress": "hidden", "api_visibility": "private", "trigger_mode": "once"}
    ui.send.click(ask, [ui.question, ui.session], chat_outputs, **common)
    ui.question.submit(ask, [ui.question, ui.session], chat_outputs, **common)
    for button in ui.example_buttons:
        button.click(lambda s, q=button.value: q, [ui.session], [ui.question], queue=False,
                     api_visibility="private").then(ask, [ui.question, ui.session], chat_outputs, **common)

    def new_conversation() -> tuple[Any, ...]:
        fresh = ChatSession()
        return fresh, render.conversation_html(fresh), gr.update(visible=True), ""

    ui.reset.click(new_conversation, outputs=[ui.session, ui.conversation, ui.examples, ui.question],
                   api_visibility="private")


def wire_conversation(ui: ChatLayout, services: Services, article: ArticleDialog, feedback: FeedbackDialog) -> None:
    """Taps in the conversation: a citation opens its article, 👍/👎 records the vote and asks why."""

    def on_click(state: ChatSession, evt: gr.EventData, request: gr.Request) -> tuple[Any, ...]:
        data = click_data(evt)
        skip = gr.skip()
        if data.get("action") == "open":
            column, html = ArticleDialog.show(services, data.get("unit", ""), as_int(data.get("clause", "")))
            return column, html, skip, skip, skip, skip
        if data.get("action") == "vote" and data.get("vote") in ("up", "down"):
            exchange = state.get(as_int(data.get("turn", "")) or -1)
            if exchange is None or exchange.answer is None:
                return skip, skip, skip, skip, skip, skip
            vote: Vote = "up" if data["vote"] == "up" else "down"
            if exchange.feedback_id is None:
                exchange.feedback_id = services.feedback.record(
                    exchange.answer, vote, exchange.question, getattr(request, "session_hash", "") or ""
                )
            else:
                services.feedback.change_vote(exchange.feedback_id, vote)
            exchange.vote = vote
            return skip, skip, render.conversation_html(state), state, gr.update(visible=True), exchange.feedback_id
        return skip, skip, skip, skip, skip, skip

    ui.conversation.click(
        on_click,
        [ui.session],
        [*article.outputs, ui.conversation, ui.session, feedback.column, feedback.pending],
        show_progress="hidden",
        api_visibility="private",
    )


def build_chat_tab(services: Services, article: ArticleDialog, feedback: FeedbackDialog) -> None:
    ui = layout()
    wire_questions(ui, services)
    wire_conversation(ui, services, article, feedback)
