"""The 法规 tab: search the articles (with law and level filters) and browse law → chapter → article.

Each article shown has a permalink ``?law=<doc_id>&article=<label>``; ``on_load`` opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from kb.models import Level, SearchFilters
from xuefa.app import library, render
from xuefa.app.dialogs import ArticleDialog, as_int, click_data, html_block
from xuefa.services import Services

ALL = "__all__"
SEARCH_RESULTS = 10
OPTION_TEXT_CHARS = 22


@dataclass
class BrowseTab:
    law: gr.Dropdown
    chapter: gr.Dropdown
    article: gr.Dropdown
    view: gr.HTML
    current: gr.State
    law_filter: gr.Dropdown
    level_filter: gr.Dropdown

    @property
    def outputs(self) -> list[Any]:
        """What ``show_unit`` / ``refresh`` fill, in order."""
        return [self.law, self.chapter, self.article, self.view, self.current]


def law_choices(services: Services) -> list[tuple[str, str]]:
    return [(d.meta.title, d.doc_id) for d in library.laws(services.kb)]


def level_choices(services: Services) -> list[tuple[str, str]]:
    present = {d.meta.level for d in services.kb.documents()}
    return [("全部层级", ALL)] + [(level.value, level.value) for level in Level if level in present]


def chapter_choices(services: Services, doc_id: str) -> list[tuple[str, str]]:
    names = [c for c in library.chapters(services.kb, doc_id) if c]
    return [("全部章节", ALL)] + [(c, c) for c in names]


def article_choices(services: Services, doc_id: str, chapter: str | None) -> list[tuple[str, str]]:
    out = []
    for stored in library.articles(services.kb, doc_id, None if chapter in (None, ALL) else chapter):
        text = render.snippet(stored.unit.text, OPTION_TEXT_CHARS)
        out.append((f"{stored.unit.label} {text}".strip(), stored.unit_id))
    return out


def show_unit(services: Services, unit_id: str | None, chapter: str | None = None) -> tuple[Any, ...]:
    """Updates of (law, chapter, article, view, current) showing one article with its law and chapter."""
    located = library.locate(services.kb, unit_id) if unit_id else None
    if located is None:
        return (gr.update(), gr.update(), gr.update(),
                render.not_found_html("没有找到这一条。请从上面选择法规和条文。"), None)
    hit = located.hit
    doc_id = hit.document.doc_id
    if chapter is None:
        chapter = hit.unit.heading_path[0] if hit.unit.heading_path else ALL
    return (
        gr.update(choices=law_choices(services) + _extra_version(services, doc_id), value=doc_id),
        gr.update(choices=chapter_choices(services, doc_id), value=chapter or ALL),
        gr.update(choices=article_choices(services, doc_id, chapter), value=unit_id),
        render.article_html(hit),
        unit_id,
    )


def show_first(services: Services) -> tuple[Any, ...]:
    """Like ``show_unit`` for the first article of the first law (the browser's starting point)."""
    docs = library.laws(services.kb)
    units = library.articles(services.kb, docs[0].doc_id) if docs else []
    if not units:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
    return show_unit(services, units[0].unit_id, ALL)


def _extra_version(services: Services, doc_id: str) -> list[tuple[str, str]]:
    """A superseded version opened by permalink is not among the active laws: list it too."""
    doc = services.kb.document(doc_id)
    if doc is None or not library.is_superseded(doc):
        return []
    return [(f"{doc.meta.title}（{render.version_text(doc.meta.version_date)}，已被取代）", doc_id)]


@dataclass
class Search:
    query: gr.Textbox
    button: gr.Button
    law_filter: gr.Dropdown
    level_filter: gr.Dropdown
    results: gr.HTML


@dataclass
class Browser:
    law: gr.Dropdown
    chapter: gr.Dropdown
    article: gr.Dropdown
    view: gr.HTML
    prev: gr.Button
    next: gr.Button


def layout_search(services: Services) -> Search:
    with gr.Column(elem_classes=["xf-panel"]):
        html_block('<h2 class="xf-section-title">搜索条文</h2>')
        with gr.Row(equal_height=True, elem_id="xf-search-row"):
            query = gr.Textbox(
                show_label=False, placeholder="关键词，如：超限 卸载",
                scale=5, min_width=180, elem_id="xf-search-query",
            )
            button = gr.Button("搜索", variant="primary", scale=1, min_width=76, elem_id="xf-search")
        with gr.Row():
            law_filter = gr.Dropdown(
                choices=[("全部法规", ALL), *law_choices(services)], value=ALL, label="法规范围",
                min_width=200, elem_id="xf-law-filter",
            )
            level_filter = gr.Dropdown(
                choices=level_choices(services), value=ALL, label="效力层级", min_width=160,
                elem_id="xf-level-filter",
            )
        results = html_block(elem_id="xf-results", clickable=True)
    return Search(query, button, law_filter, level_filter, results)


def layout_browser(services: Services) -> Browser:
    with gr.Column(elem_classes=["xf-panel"]):
        html_block('<h2 class="xf-section-title">按目录浏览</h2>')
        law = gr.Dropdown(choices=law_choices(services), value=None, label="法规", elem_id="xf-browse-law")
        chapter = gr.Dropdown(choices=[], value=None, label="章节", elem_id="xf-browse-chapter")
        art = gr.Dropdown(choices=[], value=None, label="条文", elem_id="xf-browse-article")
        view = html_block(render.not_found_html("请选择法规，再选择章节和条文。"), elem_id="xf-browse-view")
        with gr.Row(elem_classes=["xf-pager"]):
            prev = gr.Button("‹ 上一条", variant="secondary", min_width=120, elem_id="xf-prev")
            nxt = gr.Button("下一条 ›", variant="secondary", min_width=120, elem_id="xf-next")
    return Browser(law, chapter, art, view, prev, nxt)


PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def wire_search(ui: Search, services: Services, article: ArticleDialog) -> None:
    def run_search(text: str, law_id: str, level: str) -> str:
        q = (text or "").strip()
        if not q:
            return render.not_found_html("请输入要搜索的关键词。")
        doc = services.kb.document(law_id) if law_id and law_id != ALL else None
        filters = SearchFilters(
            laws=(doc.meta.title,) if doc else (),
            levels=(Level(level),) if level and level != ALL else (),
        )
        return render.search_html(services.kb.search(q[:500], k=SEARCH_RESULTS, filters=filters), q[:100])

    ui.button.click(run_search, [ui.query, ui.law_filter, ui.level_filter], ui.results, **PRIVATE)
    ui.query.submit(run_search, [ui.query, ui.law_filter, ui.level_filter], ui.results, **PRIVATE)

    def open_hit(evt: gr.EventData) -> tuple[Any, Any]:
        data = click_data(evt)
        if data.get("action") != "open":
            return gr.skip(), gr.skip()
        return ArticleDialog.show(services, data.get("unit", ""), as_int(data.get("clause", "")))

    ui.results.click(open_hit, None, article.outputs, show_progress="hidden", **PRIVATE)


def wire_browser(ui: Browser, tab: BrowseTab, services: Services) -> None:
    def pick_law(doc_id: str) -> tuple[Any, ...]:
        if not doc_id:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        units = library.articles(services.kb, doc_id)
        first = units[0].unit_id if units else None
        return show_unit(services, first, ALL)

    def pick_chapter(doc_id: str, name: str) -> tuple[Any, ...]:
        if not doc_id:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        units = library.articles(services.kb, doc_id, None if name == ALL else name)
        return show_unit(services, units[0].unit_id if units else None, name)

    def pick_article(unit_id: str, name: str) -> tuple[Any, ...]:
        return show_unit(services, unit_id, name)

    def step(unit_id: str | None, name: str, forward: bool) -> tuple[Any, ...]:
        located = library.locate(services.kb, unit_id) if unit_id else None
        if located is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        target = located.next if forward else located.previous
        if target is None:
            gr.Info("已经是最后一条。" if forward else "已经是第一条。")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return show_unit(services, target, ALL if name == ALL else None)

    ui.law.input(pick_law, [ui.law], tab.outputs, **PRIVATE)
    ui.chapter.input(pick_chapter, [ui.law, ui.chapter], tab.outputs, **PRIVATE)
    ui.article.input(pick_article, [ui.article, ui.chapter], tab.outputs, **PRIVATE)
    ui.prev.click(lambda u, c: step(u, c, False), [tab.current, ui.chapter], tab.outputs, **PRIVATE)
    ui.next.click(lambda u, c: step(u, c, True), [tab.current, ui.chapter], tab.outputs, **PRIVATE)


def build_browse_tab(services: Services, article: ArticleDialog) -> BrowseTab:
    search = layout_search(services)
    browser = layout_browser(services)
    current = gr.State(None)
    tab = BrowseTab(browser.law, browser.chapter, browser.article, browser.view, current, search.law_filter,
                    search.level_filter)
    wire_search(search, services, article)
    wire_browser(browser, tab, services)
    return tab


def refresh_filters(services: Services) -> tuple[Any, Any, Any]:
    """Fresh choices of the law and level filters and the law list (after an ingest, on page load)."""
    laws = law_choices(services)
    return (
        gr.update(choices=[("全部法规", ALL), *laws]),
        gr.update(choices=level_choices(services)),
        gr.update(choices=laws),
    )
