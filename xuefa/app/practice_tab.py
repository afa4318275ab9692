"""The 练习 tab: generate a run of questions over chosen laws and types, answer them one at a time with
instant feedback (key, explanation, source article), a wrong-answer book (错题本) on the FSRS schedule of
``quiz.practice.Practice``, and mastery per law as HTML bars.

Each browser session keeps a ``PracticeRun`` in ``gr.State``; its user id is a random id made on the
session's first action (no login), so attempts and the wrong-answer book are per session.
"""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from kb.models import Citation
from quiz.generate import generate
from quiz.grading import Given, Grade
from quiz.models import LETTERS, QUESTION_TYPE_NAMES, Question
from quiz.practice import Mastery, Practice
from quiz.source import citation_label
from xuefa.app.dialogs import html_block
from xuefa.app.state import Services

log = logging.getLogger(__name__)

TYPES = ("single", "multi", "judge", "blank")
TYPE_CHOICES = [(QUESTION_TYPE_NAMES[t], t) for t in TYPES]
JUDGE_CHOICES = [("正确", "对"), ("错误", "错")]
MIN_COUNT, MAX_COUNT, DEFAULT_COUNT = 5, 20, 5
WRONG_BOOK_RUN = 20
"""At most this many wrong-answer-book questions in one 错题本 run."""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass
class PracticeRun:
    """One session's practice: its user id, the current run of questions and where it is."""

    user_id: str = ""
    questions: list[Question] = field(default_factory=list)
    index: int = 0
    answered: bool = False
    right: int = 0
    note: str = ""

    def ensure_user(self) -> str:
        if not self.user_id:
            self.user_id = uuid.uuid4().hex
        return self.user_id

    def start(self, questions: Sequence[Question], note: str = "") -> None:
        self.questions, self.index, self.answered, self.right, self.note = list(questions), 0, False, 0, note

    @property
    def current(self) -> Question | None:
        return self.questions[self.index] if 0 <= self.index < len(self.questions) else None

    @property
    def finished(self) -> bool:
        return bool(self.questions) and self.index >= len(self.questions)


# pure helpers ----------------------------------------------------------------------------------------


def citation_text(citation: Citation) -> str:
    """《中华人民共和国行政强制法》第十三条."""
    return f"《{citation.law}》{citation_label(citation)}"


def key_text(q: Question) -> str:
    """The key as a reader sees it: ``A. 人民法院``, ``正确``, the blank's text."""
    if q.type in ("single", "multi"):
        return "；".join(f"{k}. {q.options.get(k, '')}" for k in q.keys)
    if q.type == "judge":
        return "正确" if q.answer is True else "错误"
    return str(q.answer)


def given_text(q: Question, given: Given) -> str:
    if q.type == "judge":
        return {"对": "正确", "错": "错误"}.get(str(given), str(given) or "（未作答）")
    if isinstance(given, list | tuple):
        return "".join(sorted(given)) or "（未作答）"
    return str(given).strip() or "（未作答）"


def given_answer(q: Question, choice: str | None, picks: Sequence[str] | None, text: str | None) -> Given:
    """What the officer gave, from the widget that fits the question type."""
    if q.type == "multi":
        return [str(p) for p in picks or ()]
    if q.type in ("single", "judge"):
        return str(choice or "")
    return (text or "").strip()[:200]


def option_choices(q: Question) -> list[tuple[str, str]]:
    if q.type == "judge":
        return JUDGE_CHOICES
    return [(f"{k}. {q.options[k]}", k) for k in LETTERS if k in q.options]


def question_html(run: PracticeRun) -> str:
    q = run.current
    if q is None:
        if run.finished:
            total = len(run.questions)
            return (f'<div class="xf-pq xf-pq-done"><p class="xf-pq-title">本轮完成：答对 {run.right} / {total} 题。</p>'
                    '<p class="xf-hint">可以重新出题，或点“错题本”复习答错的题。</p></div>')
        return ('<div class="xf-pq xf-pq-empty"><p class="xf-hint">选择法律、题型和题数，点“开始练习”。'
                '答错的题会进入错题本，按遗忘规律安排复习。</p></div>')
    note = f'<p class="xf-hint">{esc(run.note)}</p>' if run.note else ""
    law = f' · {esc(q.law)}' if q.law else ""
    return (
        f'<div class="xf-pq">{note}<p class="xf-pq-meta">第 {run.index + 1} / {len(run.questions)} 题 · '
        f'{esc(QUESTION_TYPE_NAMES.get(q.type, q.type))}{law}</p>'
        f'<p class="xf-pq-stem">{esc(q.stem)}</p></div>'
    )


def feedback_html(q: Question, result: Grade) -> str:
    verdict = ('<p class="xf-verdict xf-right">✓ 回答正确</p>' if result.correct
               else '<p class="xf-verdict xf-wrong">✗ 回答错误（已加入错题本）</p>')
    sources = "、".join(citation_text(c) for c in q.sources)
    return (
        f'<div class="xf-pfeedback {"xf-right" if result.correct else "xf-wrong"}">{verdict}'
        f'<p><b>正确答案：</b>{esc(key_text(q))}</p>'
        f'<p><b>你的答案：</b>{esc(given_text(q, result.given))}</p>'
        f'<p class="xf-pexplain"><b>解析：</b>{esc(q.explanation)}</p>'
        f'<p class="xf-psource"><b>出处：</b>{esc(sources)}</p></div>'
    )


def mastery_html(items: Sequence[Mastery]) -> str:
    """Progress per law as HTML bars (share answered right the last time)."""
    rows = [m for m in items if m.answered]
    if not rows:
        return '<div class="xf-mastery"><p class="xf-hint">还没有练习记录。答题后这里显示各部法律的掌握情况。</p></div>'
    out = []
    for m in rows:
        pct = round(100 * m.accuracy)
        state = "xf-mastered" if m.mastered else ""
        out.append(
            f'<li class="{state}"><div class="xf-bar-label">{esc(m.key)}</div>'
            f'<div class="xf-bar" role="img" aria-label="正确率 {pct}%"><span style="width:{pct}%"></span></div>'
            f'<div class="xf-bar-num">已答 {m.answered}/{m.total} 题 · 正确率 {pct}%'
            f'{" · 已掌握" if m.mastered else ""}</div></li>'
        )
    return f'<div class="xf-mastery"><p class="xf-section-title">各法掌握情况</p><ul>{"".join(out)}</ul></div>'


# the tab ---------------------------------------------------------------------------------------------


@dataclass
class PracticeTab:
    laws: gr.Dropdown

    def refresh(self, services: Services) -> Any:
        return gr.update(choices=law_titles(services))


def law_titles(services: Services) -> list[str]:
    return sorted(d.meta.title for d in services.kb.documents())


def build_practice_tab(services: Services, practice: Practice) -> PracticeTab:
    run_state = gr.State(PracticeRun())
    with gr.Column(elem_classes=["xf-panel", "xf-practice-setup"]):
        laws = gr.Dropdown(law_titles(services), value=[], multiselect=True, label="法律（不选为全部）",
                           elem_id="xf-p-laws")
        types = gr.CheckboxGroup(TYPE_CHOICES, value=list(TYPES), label="题型", elem_id="xf-p-types",
                                 elem_classes=["xf-choices"])
        count = gr.Slider(MIN_COUNT, MAX_COUNT, value=DEFAULT_COUNT, step=1, label="题数", elem_id="xf-p-count")
        with gr.Row(elem_classes=["xf-p-actions"]):
            start = gr.Button("开始练习", variant="primary", elem_id="xf-p-start", min_width=120)
            wrong = gr.Button("错题本", variant="secondary", elem_id="xf-p-wrong", min_width=120)
    with gr.Column(elem_classes=["xf-panel", "xf-practice-run"]):
        question = html_block(question_html(PracticeRun()), elem_id="xf-p-question")
        choice = gr.Radio([], label="选择答案", visible=False, elem_id="xf-p-choice", elem_classes=["xf-choices"])
        picks = gr.CheckboxGroup([], label="选择答案（多选）", visible=False, elem_id="xf-p-picks",
                                 elem_classes=["xf-choices"])
        blank = gr.Textbox(label="填写答案", visible=False, max_lines=2, elem_id="xf-p-blank")
        with gr.Row(elem_classes=["xf-p-actions"]):
            submit = gr.Button("提交", variant="primary", visible=False, elem_id="xf-p-submit", min_width=120)
            nxt = gr.Button("下一题", variant="secondary", visible=False, elem_id="xf-p-next", min_width=120)
        feedback = html_block("", elem_id="xf-p-feedback")
    mastery = html_block(mastery_html([]), elem_id="xf-p-mastery")

    def view(run: PracticeRun, feedback_value: str = "") -> tuple[Any, ...]:
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
                gr.update(value="", visible=kind == "blank", interactive=True),
            )
        return (
            run,
            question_html(run),
            *widgets,
            gr.update(visible=asking),
            gr.update(visible=q is not None and run.answered),
            feedback_value,
            mastery_html(practice.mastery_by_law(run.user_id)) if run.user_id else gr.skip(),
        )

    outputs = [run_state, question, choice, picks, blank, submit, nxt, feedback, mastery]
    common: dict[str, Any] = {"api_visibility": "private", "show_progress": "minimal"}

    def on_start(run: PracticeRun, chosen_laws: list[str], chosen_types: list[str], n: float) -> tuple[Any, ...]:
        run.ensure_user()
        kinds = [t for t in chosen_types or () if t in TYPES] or list(TYPES)
        known = set(law_titles(services))
        titles = [t for t in chosen_laws or () if t in known]
        size = max(MIN_COUNT, min(MAX_COUNT, int(n or DEFAULT_COUNT)))
        try:
            questions = generate(services.kb, size, laws=titles, types=kinds)
        except Exception:
            log.exception("generating practice questions failed")
            questions = []
        if not questions:
            gr.Warning("所选法律中没有可出的题，请换一部法律或题型。")
            return (gr.skip(),) * len(outputs)
        practice.bank.add(questions)
        note = "" if len(questions) == size else f"所选范围只出了 {len(questions)} 题。"
        run.start(questions, note)
        return view(run)

    def on_wrong_book(run: PracticeRun) -> tuple[Any, ...]:
        user = run.ensure_user()
        due = practice.due(user, limit=WRONG_BOOK_RUN)
        note = f"错题本：{len(due)} 道到期复习的题。"
        if not due:
            due = [e.question for e in practice.wrong_book(user)][:WRONG_BOOK_RUN]
            note = f"错题本中暂无到期的题，先复习最近到期的 {len(due)} 题。"
        if not due:
            gr.Info("错题本是空的：答错的题会自动加入。")
            return (gr.skip(),) * len(outputs)
        run.start(due, note)
        return view(run)

    def on_submit(run: PracticeRun, c: str | None, p: list[str] | None, t: str | None) -> tuple[Any, ...]:
        q = run.current
        if q is None or run.answered or q.id is None:
            return (gr.skip(),) * len(outputs)
        given = given_answer(q, c, p, t)
        if given in ("", []):
            gr.Warning("请先作答。")
            return (gr.skip(),) * len(outputs)
        result = practice.submit(run.ensure_user(), q.id, given)
        run.answered = True
        run.right += int(result.correct)
        return view(run, feedback_html(q, result))

    def on_next(run: PracticeRun) -> tuple[Any, ...]:
        if run.current is None or not run.answered:
            return (gr.skip(),) * len(outputs)
        run.index += 1
        run.answered = False
        return view(run)

    start.click(on_start, [run_state, laws, types, count], outputs, **common)
    wrong.click(on_wrong_book, [run_state], outputs, **common)
    submit.click(on_submit, [run_state, choice, picks, blank], outputs, **common)
    blank.submit(on_submit, [run_state, choice, picks, blank], outputs, **common)
    nxt.click(on_next, [run_state], outputs, **common)
    return PracticeTab(laws)
