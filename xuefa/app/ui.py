"""The Gradio app: ``build_app(services)`` assembles the tabs; ``serve`` launches it locally, offline.

Offline: analytics off, no share link, the theme on system fonts, no CDN script; Gradio's footer
(API page, settings) and run history are off too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import gradio as gr
from fastapi import APIRouter

from xuefa.app import browse_tab, library
from xuefa.app.accounts_tab import build_accounts_tab
from xuefa.app.admin_tab import build_admin_tab
from xuefa.app.browse_tab import build_browse_tab
from xuefa.app.chat_tab import build_chat_tab
from xuefa.app.contest_tab import build_contest_tab
from xuefa.app.dialogs import ArticleDialog, build_article_dialog, build_feedback_dialog, html_block
from xuefa.app.exam_tab import build_exam_tab
from xuefa.app.gate import Gate
from xuefa.app.hours_tab import build_hours_tab
from xuefa.app.practice_tab import build_practice_tab
from xuefa.app.theme import CSS_PATH, app_js, build_theme
from xuefa.services import Services
from xuefa.web.server import RunningServer, build_server, run_server

TITLE = "学法通 · 交通运输行政执法学法问答"
CONCURRENCY = 16
"""Events served at once (answers are generators run in threads: one slow answer holds one slot)."""

HEADER = (
    '<header class="xf-header"><div class="xf-brand">学法通</div>'
    '<div class="xf-tagline">交通运输行政执法 · 学法问答</div></header>'
)
FOOTER = '<footer class="xf-footer">本系统回答仅供学习参考，不构成正式法律意见；执法办案请以现行有效的法律文本为准。</footer>'


def admin_gate(services: Services) -> Gate | None:
    """The session's sign-in (its State holds the token), shared by the admin panels; None without accounts."""
    return Gate(services.accounts, gr.State("")) if services.accounts is not None else None


def build_app(services: Services) -> gr.Blocks:
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        html_block(HEADER, elem_id="xf-top")
        article = build_article_dialog()
        feedback = build_feedback_dialog(services)
        gate = admin_gate(services)  # one sign-in opens every tab's admin panel, one logout closes them
        with gr.Tabs(selected="chat", elem_id="xf-tabs") as tabs:
            with gr.Tab("问答", id="chat", elem_id="xf-tab-chat"):
                build_chat_tab(services, article, feedback)
            with gr.Tab("法规", id="browse", elem_id="xf-tab-browse"):
                browse = build_browse_tab(services, article)
            if services.practice is not None:
                with gr.Tab("练习", id="practice", elem_id="xf-tab-practice") as practice_tab:
                    practice = build_practice_tab(services, services.practice, article, gate=gate)
                practice.refresh_on(practice_tab)
            if services.hours is not None and gate is not None:
                with gr.Tab("学时", id="hours", elem_id="xf-tab-hours") as hours_tab:
                    build_hours_tab(services, services.hours, gate, hours_tab)
            if services.exams is not None:
                with gr.Tab("考试", id="exam", elem_id="xf-tab-exam"):
                    build_exam_tab(services, services.exams, gate)
            if services.contests is not None:
                with gr.Tab("竞赛", id="contest", elem_id="xf-tab-contest"):
                    build_contest_tab(services, services.contests, gate)
            if services.accounts is not None and gate is not None:
                with gr.Tab("账号", id="accounts", elem_id="xf-tab-accounts") as accounts_tab:
                    build_accounts_tab(services, services.accounts, gate, accounts_tab)
            with gr.Tab("管理", id="admin", elem_id="xf-tab-admin"):
                ingested = build_admin_tab(services, gate)
        html_block(FOOTER)

        def on_load(request: gr.Request) -> tuple[Any, ...]:
            """Fresh law lists; a permalink ``?law=…&article=…`` opens its article (browser tab and dialog)."""
            filters = browse_tab.refresh_filters(services)
            params = dict(request.query_params) if request is not None else {}
            law, art = params.get("law", ""), params.get("article", "")
            if not (law and art):
                shown = browse_tab.show_first(services)
                return gr.skip(), *filters[:2], *shown, gr.skip(), gr.skip()
            hit = library.find_article(services.kb, law[:200], art[:50])
            if hit is None:
                gr.Warning("链接指向的条文在知识库中不存在。")
                return gr.Tabs(selected="browse"), *filters[:2], *browse_tab.show_first(services), gr.skip(), gr.skip()
            shown = browse_tab.show_unit(services, hit.unit_id)
            return gr.Tabs(selected="browse"), *filters[:2], *shown, *ArticleDialog.show(services, hit.unit_id)

        demo.load(
            on_load,
            None,
            [tabs, browse.law_filter, browse.level_filter, *browse.outputs, *article.outputs],
            api_visibility="private",
            show_progress="hidden",
        )
        if ingested is not None:
            ingested.then(
                lambda: browse_tab.refresh_filters(services),
                None,
                [browse.law_filter, browse.level_filter, browse.law],
                api_visibility="private",
            )
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def launch_options() -> dict[str, Any]:
    """What mounting the Blocks needs besides host and port: look, offline and privacy settings."""
    return {
        "theme": build_theme(),
        "css_paths": [CSS_PATH],
        "js": app_js(),
        "footer_links": [],
        "run_history": False,
        "enable_monitoring": False,
        "mcp_server": False,
        "ssr_mode": False,
        "pwa": False,
        "show_error": False,
        "max_file_size": "60mb",
    }


def serve(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, block: bool = True, quiet: bool = False,
          routers: Sequence[APIRouter] = ()) -> RunningServer | None:
    """Serve ``demo`` (at ``/``) and ``routers`` on host:port; ``block=False`` returns the running server."""
    app = build_server(demo, routers, launch_options())
    return run_server(app, host, port, block=block, quiet=quiet)
