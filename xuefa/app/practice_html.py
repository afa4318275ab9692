"""HTML of the 练习 tab: the question, the instant feedback (its sources tappable), mastery per law and
per 应知应会 checklist item, the identity line and the checklist import report.

Every piece of text from the law, the bank, a checklist or the officer goes through ``esc``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from kb.citations import law_key
from kb.models import Citation
from quiz.checklist.questions import ChecklistQuestions
from quiz.grading import Given, Grade
from quiz.models import LETTERS, QUESTION_TYPE_NAMES, Question
from quiz.practice.runs import ItemMastery, Mastery
from quiz.source import citation_label
from xuefa.app.identity import Identity

OPEN_TYPES = ("short", "case")
TEXT_TYPES = ("blank", *OPEN_TYPES)
JUDGE_CHOICES = [("正确", "对"), ("错误", "错")]
ITEM_STATES = {"mastered": "已掌握", "learning": "未掌握", "new": "未练习", "no-questions": "暂无题目"}
SNIPPET = 60


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass
class PracticeRun:
    """One session's run of questions and where it is (the officer's id is in the browser, not here)."""

    questions: list[Question] = field(default_factory=list)
    index: int = 0
    answered: bool = False
    right: int = 0
    note: str = ""

    def start(self, questions: Sequence[Question], note: str = "") -> None:
        self.questions, self.index, self.answered, self.right, self.note = list(questions), 0, False, 0, note

    @property
    def current(self) -> Question | None:
        return self.questions[self.index] if 0 <= self.index < len(self.questions) else None

    @property
    def finished(self) -> bool:
        return bool(self.questions) and self.index >= len(self.questions)


def citation_text(citation: Citation) -> str:
    """《中华人民共和国行政强制法》第十三条."""
    return f"《{citation.law}》{citation_label(citation)}"


def key_text(q: Question) -> str:
    """The key as a reader sees it: ``A. 人民法院``, ``正确``, the blank's text, the reference answer."""
    if q.type in ("single", "multi"):
        return "；".join(f"{k}. {q.options.get(k, '')}" for k in q.keys)
    if q.type == "judge":
        return "正确" if q.answer is True else "错误"
    return str(q.answer)


def given_text(q: Question, given: Given) -> str:
    if q.type == "judge":
        return {"对": "正确", "错": "错误", "True": "正确", "False": "错误"}.get(str(given), str(given) or "（未作答）")
    if isinstance(given, list | tuple):
        return "".join(sorted(given)) or "（未作答）"
    return str(given).strip() or "（未作答）"


def given_answer(q: Question, choice: str | None, picks: Sequence[str] | None, text: str | None) -> Given:
    """What the officer gave, from the widget that fits the question type."""
    if q.type == "multi":
        return [str(p) for p in picks or ()]
    if q.type in ("single", "judge"):
        return str(choice or "")
    limit = 2000 if q.type in OPEN_TYPES else 200
    return (text or "").strip()[:limit]


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
        return ('<div class="xf-pq xf-pq-empty"><p class="xf-hint">选择法律（可再选章节）、题型和题数，点“开始练习”。'
                '答错的题会进入错题本，按遗忘规律安排复习。</p></div>')
    note = f'<p class="xf-hint">{esc(run.note)}</p>' if run.note else ""
    where = " · ".join(esc(x) for x in (law_key(q.law) if q.law else "", q.chapter) if x)
    return (
        f'<div class="xf-pq">{note}<p class="xf-pq-meta">第 {run.index + 1} / {len(run.questions)} 题 · '
        f'{esc(QUESTION_TYPE_NAMES.get(q.type, q.type))}{" · " + where if where else ""}</p>'
        f'<p class="xf-pq-stem">{esc(q.stem)}</p></div>'
    )


def source_card(citation: Citation, unit_id: str | None) -> str:
    """The source as a button that opens the article dialog (plain text if the article is gone)."""
    label = esc(citation_text(citation))
    if not unit_id:
        return f'<p class="xf-psource-gone">{label}（知识库中已没有这一条）</p>'
    return (f'<button type="button" class="xf-card xf-psource-card" data-action="open" data-unit="{esc(unit_id)}">'
            f'<span class="xf-card-title">{label}</span><span class="xf-card-text">点按查看条文全文</span></button>')


def feedback_html(q: Question, result: Grade, unit_ids: Sequence[str | None] | None = None) -> str:
    """The verdict, key, given answer, explanation and the sources; with ``unit_ids`` (one per source,
    None when the article is no longer in the knowledge base) the sources are tappable cards."""
    verdict = ('<p class="xf-verdict xf-right">✓ 回答正确</p>' if result.correct
               else '<p class="xf-verdict xf-wrong">✗ 回答错误（已加入错题本）</p>')
    if unit_ids is None:
        sources = f'<p class="xf-psource"><b>出处：</b>{esc("、".join(citation_text(c) for c in q.sources))}</p>'
    else:
        cards = "".join(source_card(c, u) for c, u in zip(q.sources, unit_ids, strict=False))
        sources = f'<div class="xf-psource xf-cites"><p><b>出处：</b></p>{cards}</div>'
    points = ""
    if q.type in OPEN_TYPES and q.key_points:
        missed = set(result.missed_points)
        items = "".join(
            f'<li class="{"xf-missed" if p in missed else "xf-hit"}">{"✗" if p in missed else "✓"} {esc(p)}</li>'
            for p in q.key_points
        )
        points = (f'<div class="xf-points"><p><b>得分要点</b>（答到 {len(q.key_points) - len(missed)} / '
                  f'{len(q.key_points)}）：</p><ul>{items}</ul></div>')
    return (
        f'<div class="xf-pfeedback {"xf-right" if result.correct else "xf-wrong"}">{verdict}'
        f'<p><b>正确答案：</b>{esc(key_text(q))}</p>'
        f'<p><b>你的答案：</b>{esc(given_text(q, result.given))}</p>{points}'
        f'<p class="xf-pexplain"><b>解析：</b>{esc(q.explanation)}</p>{sources}</div>'
    )


def _bar(pct: int) -> str:
    return f'<div class="xf-bar" role="img" aria-label="正确率 {pct}%"><span style="width:{pct}%"></span></div>'


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
            f'<li class="{state}"><div class="xf-bar-label">{esc(m.key)}</div>{_bar(pct)}'
            f'<div class="xf-bar-num">已答 {m.answered}/{m.total} 题 · 正确率 {pct}%'
            f'{" · 已掌握" if m.mastered else ""}</div></li>'
        )
    return f'<div class="xf-mastery"><p class="xf-section-title">各法掌握情况</p><ul>{"".join(out)}</ul></div>'


def _item_text(m: ItemMastery) -> str:
    text = (m.item.question or m.item.answer).replace("\n", "")
    return text if len(text) <= SNIPPET else text[:SNIPPET] + "…"


def checklist_html(rows: Sequence[ItemMastery]) -> str:
    """Mastery per 应知应会 item, one block per loaded checklist (items folded under their count)."""
    if not rows:
        return ('<div class="xf-mastery xf-clm"><p class="xf-section-title">应知应会掌握情况</p>'
                '<p class="xf-hint">管理员导入应知应会清单后，这里按清单逐项显示掌握情况。</p></div>')
    by_list: dict[str, list[ItemMastery]] = {}
    for m in rows:
        by_list.setdefault(m.item.checklist, []).append(m)
    blocks = []
    for title, items in by_list.items():
        mastered = sum(m.state == "mastered" for m in items)
        pct = round(100 * mastered / len(items))
        lis = []
        part = None
        for m in items:
            if m.item.part != part:
                part = m.item.part
                if part:
                    lis.append(f'<li class="xf-clm-part">{esc(part)}</li>')
            if m.answered:
                detail = f'<span class="xf-clm-num">已答 {m.answered}/{m.total} 题 · 正确率 {round(100 * m.accuracy)}%</span>'
            else:
                detail = f'<span class="xf-clm-num">{m.total} 道题</span>' if m.total else ""
            lis.append(
                f'<li class="xf-clm-item xf-clm-{m.state}" data-key="{esc(m.item.key)}">'
                f'<span class="xf-clm-state">{ITEM_STATES[m.state]}</span>'
                f'<span class="xf-clm-text">{m.item.number}. {esc(_item_text(m))}</span>{detail}</li>'
            )
        blocks.append(
            f'<details class="xf-clm-list"><summary><span class="xf-bar-label">{esc(title)}</span>{_bar(pct)}'
            f'<span class="xf-bar-num">已掌握 {mastered} / {len(items)} 项（点按展开）</span></summary>'
            f'<ul>{"".join(lis)}</ul></details>'
        )
    return (f'<div class="xf-mastery xf-clm"><p class="xf-section-title">应知应会掌握情况</p>'
            f'{"".join(blocks)}</div>')


LOADING_IDENTITY = '<div class="xf-who xf-who-loading"><p class="xf-hint">正在读取练习身份…</p></div>'
"""Until the tab is opened: the identity is in the browser, the server learns it on the first event."""


def identity_html(who: Identity) -> str:
    if who.anonymous:
        return ('<div class="xf-who"><p><b>练习身份：</b>本机匿名</p><p class="xf-hint">填写警号后，错题本和掌握情况'
                '随警号保存，换手机也能接着练；本机此前的练习记录会一并转入。</p></div>')
    name = f" · {esc(who.name)}" if who.name else ""
    return (f'<div class="xf-who"><p><b>练习身份：</b>警号 {esc(who.badge)}{name}</p>'
            '<p class="xf-hint">错题本和掌握情况按这个警号保存。</p></div>')


def _items_line(label: str, items: Sequence[object]) -> str:
    numbers = "、".join(str(getattr(i, "number", "")) for i in items[:30])
    more = " 等" if len(items) > 30 else ""
    return f"<li>{esc(label)} {len(items)} 项：第 {esc(numbers)}{more} 项</li>"


def import_report_html(title: str, items: int, result: ChecklistQuestions, added: int, remembered: int = 0) -> str:
    lines = [f"<li>共 {items} 项，{result.covered} 项已出题，新增题目 {added} 道（共 {len(result.questions)} 道）。</li>"]
    if remembered:
        lines.append(f"<li>{remembered} 道问答已记入检索：问到相近的问题时，优先给出其依据条文。</li>")
    if result.missing_article:
        lines.append(_items_line("引用的条文不在知识库中（请先导入相应法规）", result.missing_article))
    if result.without_question:
        lines.append(_items_line("未能出题", result.without_question))
    return (f'<div class="xf-ingest"><p class="xf-result-head">已导入《{esc(title)}》</p>'
            f'<ul>{"".join(lines)}</ul></div>')


def error_html(message: str) -> str:
    return f'<p class="xf-error">{esc(message)}</p>'
