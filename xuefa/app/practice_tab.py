"""The 练习 tab: generate a run of questions over chosen laws, chapters and types; answer them one at a time
with instant feedback whose source opens the full article; a wrong-answer book (错题本) on the FSRS schedule
of ``quiz.practice.runs.Practice``; mastery per law and per 应知应会 checklist item; an admin loads checklists.

Per session: the run in ``gr.State``. Per officer: the identity (警号/姓名, or an anonymous id) in
``gr.BrowserState``, so the wrong-answer book and mastery follow the officer across reloads; everything
else is in the question bank's database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from kb.citations import law_key
from kb.models import Citation
from quiz.checklist.items import ChecklistError
from quiz.generation.generate import UnknownChapter
from quiz.models import QUESTION_TYPE_NAMES
from quiz.people.access import require
from quiz.practice.runs import Practice
from quiz.practice.sets import import_checklist_file, new_practice_set, progress, review_set, take_over
from quiz.source import citation_label
from xuefa.app import library
from xuefa.app.dialogs import ArticleDialog, click_data, html_block
from xuefa.app.gate import Admin, AdminAction, Gate
from xuefa.app.identity import STORAGE_KEY, STORAGE_SECRET, Identity, IdentityError, ensure, officer
from xuefa.app.practice_html import (
    LOADING_IDENTITY,
    TEXT_TYPES,
    PracticeRun,
    checklist_html,
    error_html,
    feedback_html,
    given_answer,
    identity_html,
    import_report_html,
    mastery_html,
    option_choices,
    question_html,
)
from xuefa.services import Services

log = logging.getLogger(__name__)

TYPES = ("single", "multi", "judge", "blank")
TYPE_CHOICES = [(QUESTION_TYPE_NAMES[t], t) for t in TYPES]
MIN_COUNT, MAX_COUNT, DEFAULT_COUNT = 5, 20, 5
WRONG_BOOK_RUN = 20
"""At most this many wrong-answer-book questions in one 错题本 run."""
CHAPTER_SEP = "\t"
"""Between the law title and the chapter in a chapter choice's value (neither holds a tab)."""
CHECKLIST_FILE_TYPES = [".md", ".txt", ".csv", ".docx", ".xlsx"]
NO_IDENTITY: dict[str, str] = Identity().as_value()
WARNING: dict[str, Any] = {"title": "注意", "duration": 6}
INFO: dict[str, Any] = {"title": "提示", "duration": 6}


# knowledge-base lookups for the form and the feedback ----------------------------------------------


def law_titles(services: Services) -> list[str]:
    return sorted(d.meta.title for d in services.kb.documents())


def chapter_choices(services: Services, titles: list[str]) -> list[tuple[str, str]]:
    """(label, value) of the chapters of the chosen laws that hold articles, in document order."""
    docs = {d.meta.title: d for d in services.kb.documents()}
    out: list[tuple[str, str]] = []
    for title in titles:
        doc = docs.get(title)
        if doc is None:
            continue
        heads = dict.fromkeys(
            library.chapter_of(u) for u in services.kb.units(doc.doc_id) if u.unit.kind == "article"
        )
        for head in heads:
            if head:
                label = f"{law_key(title)} · {head}" if len(titles) > 1 else head
                out.append((label, f"{title}{CHAPTER_SEP}{head}"))
    return out


def chapter_pairs(values: list[str] | None, titles: list[str]) -> list[tuple[str, str]]:
    """Chosen chapter values → (law, chapter) pairs of the chosen laws."""
    out = []
    for value in values or ():
        title, _, chapter = str(value).partition(CHAPTER_SEP)
        if title in titles and chapter:
            out.append((title, chapter))
    return out


def source_unit(services: Services, citation: Citation) -> str | None:
    """The knowledge-base unit a question's source names: its stored unit, else the article by number."""
    if citation.unit_id and library.unit_hit(services.kb, citation.unit_id) is not None:
        return citation.unit_id
    if citation.article is None:
        return None
    hit = library.find_article(services.kb, citation.law, citation_label(citation))
    return hit.unit_id if hit is not None else None


# the tab: layout (one function a panel) ---------------------------------------------------------------


@dataclass
class PracticeTab:
    laws: gr.Dropdown
    identity: gr.BrowserState
    who: gr.HTML
    badge: gr.Textbox
    name: gr.Textbox
    mastery: gr.HTML
    checklist: gr.HTML
    services: Services
    practice: Practice

    def refresh_on(self, tab: gr.Tab) -> None:
        """Opening the tab refreshes the law list and shows the officer's identity and mastery."""

        def on_select(value: Any, typed_badge: str, typed_name: str) -> tuple[Any, ...]:
            who, new = ensure(Identity.from_value(value))
            return (
                who.as_value() if new else gr.skip(),
                identity_html(who),
                # the form shows the stored 警号/姓名, never over what the officer is typing, and an anonymous
                # identity has nothing to show (a late refresh writing "" lost a just-typed 警号 in CI runs)
                gr.skip() if typed_badge or not who.badge else who.badge,
                gr.skip() if typed_name or not who.name else who.name,
                gr.update(choices=law_titles(self.services)),
                *progress_views(self.practice, who),
            )

        tab.select(on_select, [self.identity, self.badge, self.name],
                   [self.identity, self.who, self.badge, self.name, self.laws, self.mastery, self.checklist],
                   api_visibility="private", show_progress="hidden")


@dataclass
class Who:
    """The officer's identity: shown, and the form to give or change it."""

    html: gr.HTML
    box: gr.Accordion
    badge: gr.Textbox
    name: gr.Textbox
    save: gr.Button
    forget: gr.Button


@dataclass
class Setup:
    """What to practise, and the buttons that start a run."""

    laws: gr.Dropdown
    chapters: gr.Dropdown
    types: gr.CheckboxGroup
    count: gr.Slider
    start: gr.Button
    wrong: gr.Button
    drill: gr.Button


@dataclass
class Run:
    """The question of the run, the answer widgets and the feedback."""

    question: gr.HTML
    choice: gr.Radio
    picks: gr.CheckboxGroup
    blank: gr.Textbox
    submit: gr.Button
    next: gr.Button
    feedback: gr.HTML


@dataclass
class ChecklistAdmin:
    upload: gr.File
    load: gr.Button
    report: gr.HTML


@dataclass
class Layout:
    identity: gr.BrowserState
    run_state: gr.State
    who: Who
    setup: Setup
    run: Run
    mastery: gr.HTML
    checklist: gr.HTML

    @property
    def outputs(self) -> list[Any]:
        """What ``run_view`` fills, in order."""
        r = self.run
        return [self.identity, self.run_state, r.question, r.choice, r.picks, r.blank, r.submit, r.next, r.feedback,
                self.mastery, self.checklist]

    @property
    def id_outputs(self) -> list[Any]:
        w = self.who
        return [self.identity, w.html, w.badge, w.name, w.box, self.mastery, self.checklist]


def layout_who() -> Who:
    with gr.Column(elem_classes=["xf-panel", "xf-practice-who"]):
        html = html_block(LOADING_IDENTITY, elem_id="xf-p-who")
        with gr.Accordion("填写或更换警号", open=False, elem_id="xf-p-id") as box:
            badge = gr.Textbox(label="警号", max_length=40, elem_id="xf-p-badge")
            name = gr.Textbox(label="姓名（可选）", max_length=40, elem_id="xf-p-name")
            with gr.Row(elem_classes=["xf-p-actions"]):
                save = gr.Button("保存", variant="primary", elem_id="xf-p-save-id", min_width=120)
                forget = gr.Button("改为匿名", variant="secondary", elem_id="xf-p-forget-id", min_width=120)
    return Who(html, box, badge, name, save, forget)


def layout_setup(services: Services) -> Setup:
    with gr.Column(elem_classes=["xf-panel", "xf-practice-setup"]):
        laws = gr.Dropdown(law_titles(services), value=[], multiselect=True, label="法律（不选为全部）",
                           elem_id="xf-p-laws")
        chapters = gr.Dropdown([], value=[], multiselect=True, label="章节（先选法律；不选为全部章节）",
                               elem_id="xf-p-chapters", interactive=True)
        types = gr.CheckboxGroup(TYPE_CHOICES, value=list(TYPES), label="题型", elem_id="xf-p-types",
                                 elem_classes=["xf-choices"])
        count = gr.Slider(MIN_COUNT, MAX_COUNT, value=DEFAULT_COUNT, step=1, label="题数", elem_id="xf-p-count")
        with gr.Row(elem_classes=["xf-p-actions"]):
            start = gr.Button("开始练习", variant="primary", elem_id="xf-p-start", min_width=120)
            wrong = gr.Button("错题本", variant="secondary", elem_id="xf-p-wrong", min_width=120)
            drill = gr.Button("应知应会练习", variant="secondary", elem_id="xf-p-checklist", min_width=120)
    return Setup(laws, chapters, types, count, start, wrong, drill)


def layout_run(clickable: bool) -> Run:
    with gr.Column(elem_classes=["xf-panel", "xf-practice-run"]):
        question = html_block(question_html(PracticeRun()), elem_id="xf-p-question")
        choice = gr.Radio([], label="选择答案", visible=False, elem_id="xf-p-choice", elem_classes=["xf-choices"])
        picks = gr.CheckboxGroup([], label="选择答案（多选）", visible=False, elem_id="xf-p-picks",
                                 elem_classes=["xf-choices"])
        blank = gr.Textbox(label="填写答案", visible=False, max_lines=8, elem_id="xf-p-blank")
        with gr.Row(elem_classes=["xf-p-actions"]):
            submit = gr.Button("提交", variant="primary", visible=False, elem_id="xf-p-submit", min_width=120)
            nxt = gr.Button("下一题", variant="secondary", visible=False, elem_id="xf-p-next", min_width=120)
        feedback = html_block("", clickable=clickable, elem_id="xf-p-feedback")
    return Run(question, choice, picks, blank, submit, nxt, feedback)


def layout(services: Services, clickable: bool) -> Layout:
    identity = gr.BrowserState(dict(NO_IDENTITY), storage_key=STORAGE_KEY, secret=STORAGE_SECRET)
    run_state = gr.State(PracticeRun())
    who = layout_who()
    setup = layout_setup(services)
    run = layout_run(clickable)
    mastery = html_block(mastery_html([]), elem_id="xf-p-mastery")
    checklist_view = html_block(checklist_html([]), elem_id="xf-p-clm")
    return Layout(identity, run_state, who, setup, run, mastery, checklist_view)


def layout_checklist_admin() -> ChecklistAdmin:
    with gr.Accordion("导入应知应会清单（管理员）", open=False, elem_id="xf-p-admin"):
        html_block('<p class="xf-hint">支持 Markdown/TXT、Word（.docx）、CSV、Excel（.xlsx）格式的清单；'
                   "每项需注明依据条款。导入后按清单逐项出题，官兵的掌握情况逐项统计。"
                   "同名清单再次导入会替换原有条目。清单全市通用，由市级管理员导入："
                   "请先在「管理」或「学时」页登录。</p>")
        upload = gr.File(label="选择清单文件", file_types=CHECKLIST_FILE_TYPES, type="filepath", elem_id="xf-p-clfile")
        load = gr.Button("导入清单并出题", variant="primary", elem_id="xf-p-clload")
        report = html_block(elem_id="xf-p-clreport")
    return ChecklistAdmin(upload, load, report)


# the tab: rendering ----------------------------------------------------------------------------------------


def progress_views(practice: Practice, who: Identity) -> tuple[str, str]:
    """Mastery per law and per checklist item of the officer (HTML)."""
    done = progress(practice, who.user)
    return mastery_html(done.laws), checklist_html(done.items)


def run_view(practice: Practice, run: PracticeRun, who: Identity, stored: bool,
             feedback_value: str = "") -> tuple[Any, ...]:
    """Every output of ``Layout.outputs`` for the run as it stands."""
    q = run.current
    asking = q is not None and not run.answered
    kind = q.type if q is not None else ""
    choices = option_choices(q) if q is not None and kind in ("single", "judge", "multi") else []
    if run.answered:  # keep the officer's answer on screen, locked
        widgets = tuple(gr.update(interactive=False) for _ in range(3))
    else:
        widgets = (
            gr.update(choices=choices if kind in ("single", "judge") else [], value=None,
                      visible=kind in ("single", "judge"), interactive=True),
            gr.update(choices=choices if kind == "multi" else [], value=[], visible=kind == "multi",
                      interactive=True),
            gr.update(value="", visible=kind in TEXT_TYPES, interactive=True,
                      lines=4 if kind in ("short", "case") else 1),
        )
    return (
        who.as_value() if stored else gr.skip(),
        run,
        question_html(run),
        *widgets,
        gr.update(visible=asking),
        gr.update(visible=q is not None and run.answered),
        feedback_value,
        *progress_views(practice, who),
    )


# the tab: wiring -------------------------------------------------------------------------------------------


COMMON: dict[str, Any] = {"api_visibility": "private", "show_progress": "minimal"}


def size_of(n: float | None) -> int:
    return max(MIN_COUNT, min(MAX_COUNT, int(n or DEFAULT_COUNT)))


def wire_setup(ui: Layout, services: Services, practice: Practice) -> None:
    """The law and chapter choices, and the three ways to start a run."""
    skip_all = (gr.skip(),) * len(ui.outputs)
    s = ui.setup

    def on_laws(chosen: list[str] | None, current: list[str] | None) -> Any:
        titles = [t for t in chosen or () if t]
        options = chapter_choices(services, titles)
        valid = {value for _, value in options}
        return gr.update(choices=options, value=[v for v in current or () if v in valid])

    s.laws.change(on_laws, [s.laws, s.chapters], [s.chapters], api_visibility="private", show_progress="hidden")

    def on_start(value: Any, run: PracticeRun, chosen_laws: list[str], chosen_chapters: list[str],
                 chosen_types: list[str], n: float) -> tuple[Any, ...]:
        who, new = ensure(Identity.from_value(value))
        kinds = [t for t in chosen_types or () if t in TYPES] or list(TYPES)
        known = set(law_titles(services))
        titles = [t for t in chosen_laws or () if t in known]
        pairs = chapter_pairs(chosen_chapters, titles)
        size = size_of(n)
        try:
            questions = new_practice_set(services.kb, practice.bank, size, laws=titles, types=kinds, chapters=pairs)
        except UnknownChapter:
            log.warning("practice: chapters %r no longer in the knowledge base", pairs)
            gr.Warning("所选章节已不在知识库中，请重新选择章节。", **WARNING)
            return skip_all
        except Exception:
            log.exception("generating practice questions failed")
            questions = []
        if not questions:
            gr.Warning("所选范围中没有可出的题，请换一部法律、章节或题型。", **WARNING)
            return skip_all
        note = "" if len(questions) == size else f"所选范围只出了 {len(questions)} 题。"
        run.start(questions, note)
        return run_view(practice, run, who, new)

    def on_wrong_book(value: Any, run: PracticeRun) -> tuple[Any, ...]:
        who, new = ensure(Identity.from_value(value))
        found = review_set(practice, who.user, WRONG_BOOK_RUN)
        if not found.questions:
            gr.Info("错题本是空的：答错的题会自动加入。", **INFO)
            return (who.as_value() if new else gr.skip(), *skip_all[1:])
        n = len(found.questions)
        run.start(found.questions, f"错题本：{n} 道到期复习的题。" if found.due
                  else f"错题本中暂无到期的题，先复习最近到期的 {n} 题。")
        return run_view(practice, run, who, new)

    def on_drill(value: Any, run: PracticeRun, n: float) -> tuple[Any, ...]:
        who, new = ensure(Identity.from_value(value))
        questions = practice.session_questions(who.user, size_of(n), checklist_only=True)
        if not questions:
            gr.Info("题库中还没有应知应会清单的题：请管理员先导入清单。", **INFO)
            return (who.as_value() if new else gr.skip(), *skip_all[1:])
        run.start(questions, f"应知应会练习：{len(questions)} 题（到期复习和未练过的清单题优先）。")
        return run_view(practice, run, who, new)

    state = [ui.identity, ui.run_state]
    s.start.click(on_start, [*state, s.laws, s.chapters, s.types, s.count], ui.outputs, **COMMON)
    s.wrong.click(on_wrong_book, state, ui.outputs, **COMMON)
    s.drill.click(on_drill, [*state, s.count], ui.outputs, **COMMON)


def wire_answers(ui: Layout, services: Services, practice: Practice, article: ArticleDialog | None) -> None:
    """Submitting an answer, the next question, and the feedback's article links."""
    skip_all = (gr.skip(),) * len(ui.outputs)
    r = ui.run

    def on_submit(value: Any, run: PracticeRun, c: str | None, p: list[str] | None, t: str | None) -> tuple[Any, ...]:
        q = run.current
        if q is None or run.answered or q.id is None:
            return skip_all
        given = given_answer(q, c, p, t)
        if given in ("", []):
            gr.Warning("请先作答。", **WARNING)
            return skip_all
        who, new = ensure(Identity.from_value(value))
        result = practice.submit(who.user, q.id, given)
        run.answered = True
        run.right += int(result.correct)
        units = [source_unit(services, c) for c in q.sources] if article is not None else None
        return run_view(practice, run, who, new, feedback_html(q, result, units))

    def on_next(value: Any, run: PracticeRun) -> tuple[Any, ...]:
        if run.current is None or not run.answered:
            return skip_all
        run.index += 1
        run.answered = False
        return run_view(practice, run, Identity.from_value(value), False)

    answer = [ui.identity, ui.run_state, r.choice, r.picks, r.blank]
    r.submit.click(on_submit, answer, ui.outputs, **COMMON)
    r.blank.submit(on_submit, answer, ui.outputs, **COMMON)
    r.next.click(on_next, [ui.identity, ui.run_state], ui.outputs, **COMMON)
    if article is not None:
        def on_feedback_click(evt: gr.EventData) -> tuple[Any, Any]:
            data = click_data(evt)
            if data.get("action") != "open" or not data.get("unit"):
                return gr.skip(), gr.skip()
            return ArticleDialog.show(services, data["unit"][:200])

        r.feedback.click(on_feedback_click, None, article.outputs, api_visibility="private", show_progress="hidden")


def wire_identity(ui: Layout, practice: Practice) -> None:
    """Saving the 警号/姓名 (taking over this browser's anonymous history), or going anonymous."""

    def on_save_id(value: Any, given_badge: str, given_name: str) -> tuple[Any, ...]:
        before = Identity.from_value(value)
        try:
            now = officer(given_badge or "", given_name or "")
        except IdentityError as exc:
            log.warning("practice: identity refused: %s", exc)
            gr.Warning(str(exc), **WARNING)
            return (gr.skip(),) * len(ui.id_outputs)
        moved = take_over(practice, before.user, now.user) if before.anonymous else None
        if moved is not None:
            gr.Info(f"已把本机此前的 {moved} 条练习记录转入警号 {now.badge}。", **INFO)
        return (now.as_value(), identity_html(now), now.badge, now.name, gr.update(open=False),
                *progress_views(practice, now))

    def on_forget_id() -> tuple[Any, ...]:
        who, _ = ensure(Identity())
        return (who.as_value(), identity_html(who), "", "", gr.update(open=False), *progress_views(practice, who))

    ui.who.save.click(on_save_id, [ui.identity, ui.who.badge, ui.who.name], ui.id_outputs, **COMMON)
    ui.who.forget.click(on_forget_id, None, ui.id_outputs, **COMMON)


def signed_in_identity(name: str, login: str) -> Identity | None:
    """The practice identity of an officer's account (``Accounts.practice_user``: ``badge:<警号>``); ``None``
    for a login the 警号 form refuses (its practice then stays as it was)."""
    for given_name in (name, ""):
        try:
            return officer(login, given_name)
        except IdentityError:
            continue
    return None


def wire_sign_in(ui: Layout, practice: Practice, gate: Gate) -> None:
    """An officer signing in (the 学时 tab): practice is kept under the account's 警号 from then on, and this
    browser's anonymous practice moves there, as when a 警号 is typed. Administrators' sign-ins change nothing."""
    skips = (gr.skip(),) * len(ui.id_outputs)

    def practice_sign_in(value: Any, token: str) -> tuple[Any, ...]:
        actor = gate.accounts.actor(token) if token else None
        if actor is None or actor.admin or actor.must_change_password:
            return skips
        now = signed_in_identity(actor.name, actor.login)
        if now is None:
            log.warning("practice: the account's login is no 警号 the practice keeps; practice stays as it was")
            return skips
        before = Identity.from_value(value)
        moved = take_over(practice, before.user, now.user) if before.anonymous else None
        if moved is not None:
            gr.Info(f"已把本机此前的 {moved} 条练习记录转入警号 {now.badge}。", **INFO)
        return (now.as_value(), identity_html(now), now.badge, now.name, gr.update(open=False),
                *progress_views(practice, now))

    gate.session.change(practice_sign_in, [ui.identity, gate.session], ui.id_outputs, **COMMON)


def wire_checklist_admin(ui: Layout, admin: ChecklistAdmin, services: Services, practice: Practice,
                         gate: Gate) -> None:
    """Loading a checklist: the city administrator's, behind the session's sign-in; recorded in the audit."""

    def on_load_checklist(who_acts: Admin, path: str | None, value: Any) -> tuple[Any, ...]:
        skip = gr.skip()
        require(who_acts.actor, "")  # one checklist for the whole city
        if not path:
            return error_html("请先选择清单文件。"), skip, skip
        try:
            done = import_checklist_file(services.kb, practice.bank, Path(path),
                                         limits=services.ingest.limits)
        except ChecklistError as exc:
            log.warning("checklist upload refused: %s", exc)
            return error_html(str(exc)), gr.update(value=None), skip
        loaded = done.checklist
        gate.record(who_acts, AdminAction.CHECKLIST_LOAD, loaded.title,
                    f"{len(loaded.items)} 项，新增 {done.added} 题", unit="")
        log.info("checklist %r loaded: %d items, %d questions (%d new), %d answered questions remembered",
                 loaded.title, len(loaded.items), len(done.made.questions), done.added, done.remembered)
        who = Identity.from_value(value)
        report_html = import_report_html(loaded.title, len(loaded.items), done.made, done.added, done.remembered)
        return report_html, gr.update(value=None), progress_views(practice, who)[1]

    gate.on(admin.load.click, on_load_checklist, [admin.upload, ui.identity], [admin.report, admin.upload, ui.checklist],
            concurrency_limit=1, concurrency_id="checklist", **COMMON)


def build_practice_tab(services: Services, practice: Practice, article: ArticleDialog | None = None, *,
                       gate: Gate | None = None) -> PracticeTab:
    """``gate``: the session's sign-in (an officer signing in practises as that 警号; the city administrator
    loads checklists); ``None`` without accounts: no sign-in, no checklist loader."""
    ui = layout(services, clickable=article is not None)
    wire_setup(ui, services, practice)
    wire_answers(ui, services, practice, article)
    wire_identity(ui, practice)
    if gate is not None:
        wire_sign_in(ui, practice, gate)
    if gate is not None:
        wire_checklist_admin(ui, layout_checklist_admin(), services, practice, gate)
    return PracticeTab(ui.setup.laws, ui.identity, ui.who.html, ui.who.badge, ui.who.name, ui.mastery, ui.checklist,
                       services, practice)
