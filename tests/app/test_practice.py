"""The 练习 tab: its pure helpers, and a 5-question run in a real browser at phone size (375×812)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kb.base import KnowledgeBase
from kb.models import Citation
from quiz.bank import QuestionBank
from quiz.db import CardRow
from quiz.grading import grade
from quiz.models import Question
from quiz.practice import Mastery, Practice
from tests.app.browser import visit
from tests.app.conftest import make_services
from xuefa.app.practice_tab import (
    PracticeRun,
    citation_text,
    feedback_html,
    given_answer,
    key_text,
    mastery_html,
    option_choices,
    question_html,
)

LAW = "中华人民共和国行政强制法"
XSS = "<img src=x onerror=alert(1)>"


def bare(text: str) -> str:
    """Text without whitespace (HTML collapses the spaces of a （  ） slot)."""
    return "".join(text.split())


def single(stem: str = "行政机关申请（  ）强制执行，不缴纳申请费。") -> Question:
    return Question(
        type="single", stem=stem, answer="C",
        options={"A": "审计机关", "B": "人民检察院", "C": "人民法院", "D": "监察机关"},
        explanation="依据《中华人民共和国行政强制法》第六十条：“行政机关申请人民法院强制执行，不缴纳申请费。”",
        sources=(Citation(law=LAW, article=60),), law=LAW, id=7,
    )


def test_helpers_render_the_key_the_citation_and_escape_text() -> None:
    q = single(stem=f"{XSS}（  ）")
    assert citation_text(q.sources[0]) == "《中华人民共和国行政强制法》第六十条"
    assert key_text(q) == "C. 人民法院"
    assert option_choices(q)[0] == ("A. 审计机关", "A")
    assert given_answer(q, "B", None, None) == "B"

    run = PracticeRun()
    run.start([q])
    shown = question_html(run)
    assert XSS not in shown and "&lt;img" in shown and "第 1 / 1 题" in shown

    result = grade(q, "B")
    feedback = feedback_html(q, result)
    assert "回答错误" in feedback and "C. 人民法院" in feedback and "《中华人民共和国行政强制法》第六十条" in feedback

    judge = Question(type="judge", stem="s", answer=False, explanation="e", sources=q.sources)
    assert key_text(judge) == "错误" and [v for _, v in option_choices(judge)] == ["对", "错"]
    assert grade(judge, given_answer(judge, "错", None, None)).correct
    multi = Question(type="multi", stem="s", answer="AB", options={"A": "a", "B": "b", "C": "c"}, explanation="e",
                     sources=q.sources)
    assert grade(multi, given_answer(multi, None, ["B", "A"], None)).correct
    blank = Question(type="blank", stem="s", answer="三十日", explanation="e", sources=q.sources)
    assert grade(blank, given_answer(blank, None, None, " 30日 ")).correct

    bars = mastery_html([Mastery(f"{XSS}法", 4, 3, 10), Mastery("未答法", 0, 0, 5)])
    assert XSS not in bars and "正确率 75%" in bars and "未答法" not in bars
    assert "还没有练习记录" in mastery_html([])


def test_run_state_moves_through_the_questions() -> None:
    run = PracticeRun()
    assert run.current is None and not run.finished
    user = run.ensure_user()
    assert user and run.ensure_user() == user, "one id per session"
    run.start([single(), single("另一题（  ）")])
    run.index = 2
    assert run.current is None and run.finished and "本轮完成" in question_html(run)


def _wrong_answer(v: Any, q: Question) -> None:
    """Give a wrong answer to ``q`` through the widget of its type."""
    page = v.page
    if q.type == "blank":
        page.locator("#xf-p-blank textarea, #xf-p-blank input").first.fill("完全无关的答案")
    elif q.type == "judge":
        wrong = "错误" if q.answer is True else "正确"
        v.tap(page.locator("#xf-p-choice label", has_text=wrong))
    elif q.type == "single":
        letter = next(k for k in q.options if k not in q.keys)
        v.tap(page.locator("#xf-p-choice label", has_text=f"{letter}. {q.options[letter]}"))
    else:  # multi: one option alone (a key of one letter would be a 单选)
        letter = next(k for k in q.options if k not in q.keys)
        v.tap(page.locator("#xf-p-picks label", has_text=f"{letter}. {q.options[letter]}"))


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_practice_run_on_a_phone_with_feedback_and_the_wrong_answer_book(
    browser: Any, serve_app: Any, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    bank = QuestionBank.open(tmp_path / "quiz")
    practice = Practice(bank)
    services = make_services(app_kb, tmp_path)
    services.practice = practice
    url = serve_app(services)
    with visit(browser, url, "phone") as v:
        page = v.page
        v.tap(page.get_by_role("tab", name="练习"))
        v.tap(page.locator("#xf-p-start"))
        page.locator("#xf-p-question .xf-pq-stem").wait_for(timeout=30_000)
        assert "第 1 / 5 题" in page.locator("#xf-p-question").inner_text()
        assert bank.count() >= 5, "the run's questions are stored in the bank"

        stem = page.locator("#xf-p-question .xf-pq-stem").inner_text().strip()
        q = next(q for q in bank.list() if bare(q.stem) == bare(stem))
        _wrong_answer(v, q)
        v.tap(page.locator("#xf-p-submit"))
        feedback = page.locator("#xf-p-feedback .xf-pfeedback.xf-wrong")
        feedback.wait_for(timeout=30_000)
        text = feedback.inner_text()
        assert "回答错误" in text and key_text(q) in text
        assert citation_text(q.sources[0]) in text and "依据《" in text
        assert "已答 1/" in page.locator("#xf-p-mastery").inner_text()
        if q.type != "blank":
            assert page.locator("#xf-p-choice input:checked, #xf-p-picks input:checked").count() == 1, \
                "the given answer stays on screen"
        v.no_horizontal_scroll()
        heights = page.evaluate(
            """() => [...document.querySelectorAll('.xf-choices label, #xf-tab-practice button, [role=tab]')]
                .filter(el => el.getBoundingClientRect().height > 0)
                .map(el => Math.round(el.getBoundingClientRect().height))"""
        )
        assert heights and min(heights) >= 44, heights
        v.shot("16-practice", full_page=True)

        with bank.session() as s:
            cards = list(s.scalars(select(CardRow)))
        assert [c.question_id for c in cards] == [q.id], "the missed question is in the wrong-answer book"
        assert [e.question.id for e in practice.wrong_book(cards[0].user_id)] == [q.id]

        v.tap(page.locator("#xf-p-next"))
        page.locator("#xf-p-question", has_text="第 2 / 5 题").wait_for()
        v.tap(page.locator("#xf-p-wrong"))
        page.locator("#xf-p-question", has_text="错题本").wait_for()
        assert bare(page.locator("#xf-p-question .xf-pq-stem").inner_text()) == bare(stem)
        assert "第 1 / 1 题" in page.locator("#xf-p-question").inner_text()
