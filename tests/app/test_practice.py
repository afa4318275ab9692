"""The 练习 tab: its pure helpers, and runs in a real browser at phone size (375×812): a 5-question run with
the wrong-answer book; laws and chapters chosen, the source opening the full article; the officer's
identity across reloads and devices; an admin loading a checklist and the mastery per checklist item."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kb.base import KnowledgeBase
from kb.models import Citation
from quiz.bank.store import QuestionBank
from quiz.checklist.items import load_checklist
from quiz.checklist.questions import ChecklistQuestions
from quiz.checklist.store import ChecklistStore
from quiz.db import AttemptRow, CardRow
from quiz.grading import grade
from quiz.models import Question
from quiz.practice.runs import ItemMastery, Mastery, Practice
from tests.app.browser import choose_file, visit
from tests.app.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, make_services
from xuefa.app import library
from xuefa.app.identity import Identity, IdentityError, anonymous, ensure, officer
from xuefa.app.practice_html import (
    PracticeRun,
    checklist_html,
    citation_text,
    feedback_html,
    given_answer,
    identity_html,
    import_report_html,
    key_text,
    mastery_html,
    option_choices,
    question_html,
)
from xuefa.app.practice_tab import CHAPTER_SEP, chapter_choices, chapter_pairs, source_unit

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
    run.start([single(), single("另一题（  ）")])
    run.index = 2
    assert run.current is None and run.finished and "本轮完成" in question_html(run)


FIXTURE = Path(__file__).resolve().parents[1] / "quiz" / "data" / "应知应会清单-测试.md"


def test_feedback_sources_open_the_article_and_open_answers_show_key_points() -> None:
    q = single()
    shown = feedback_html(q, grade(q, "C"), ["doc-1-00060"])
    assert 'data-action="open" data-unit="doc-1-00060"' in shown and "点按查看条文全文" in shown
    gone = feedback_html(q, grade(q, "C"), [None])
    assert "data-action" not in gone and "知识库中已没有这一条" in gone
    points = ("违法事实确凿", f"{XSS}三千元以下罚款")
    open_q = Question(type="short", stem="简述", answer="；".join(points), explanation="e", sources=q.sources,
                      key_points=points)
    shown = feedback_html(open_q, grade(open_q, "违法事实确凿"), [None])
    assert "答到 1 / 2" in shown and "✗ &lt;img" in shown and XSS not in shown


def test_identity_from_the_browser_and_what_an_officer_types() -> None:
    assert Identity.from_value(None) == Identity() and Identity.from_value("x") == Identity()
    assert Identity.from_value({"user": "anon:../../etc"}) == Identity(), "a forged id is dropped"
    anon = anonymous()
    assert anon.anonymous and Identity.from_value(anon.as_value()) == anon
    assert ensure(anon) == (anon, False) and ensure(Identity())[1] is True
    who = officer(" a-1024 ", "  张  三 ")
    assert (who.user, who.badge, who.name) == ("badge:A-1024", "A-1024", "张 三")
    assert Identity.from_value({**who.as_value(), "user": "badge:someone-else"}) == who, "the id follows the 警号"
    for badge, name, message in [("", "", "请填写警号"), ("<script>", "", "格式不对"), ("1" * 21, "", "格式不对"),
                                 ("1024", "<b>", "姓名不能")]:
        with pytest.raises(IdentityError, match=message):
            officer(badge, name)
    assert "本机匿名" in identity_html(anon)
    assert "警号 A-1024 · 张 三" in identity_html(who)


def test_chapter_choices_belong_to_the_chosen_laws(app_kb: KnowledgeBase, tmp_path: Path) -> None:
    services = make_services(app_kb, tmp_path)
    one = chapter_choices(services, [LAW])
    assert one[0] == ("第一章 总则", f"{LAW}{CHAPTER_SEP}第一章 总则")
    assert len(one) == 7 and all(value.startswith(LAW + CHAPTER_SEP) for _, value in one)
    two = chapter_choices(services, [LAW, "中华人民共和国公路法"])
    assert ("行政强制法 · 第一章 总则", f"{LAW}{CHAPTER_SEP}第一章 总则") in two and len(two) == 7 + 9
    assert chapter_pairs([one[2][1], f"其他法{CHAPTER_SEP}第一章", "乱写"], [LAW]) == [(LAW, one[2][0])]


def test_a_source_finds_its_article_even_when_its_unit_id_is_stale(app_kb: KnowledgeBase, tmp_path: Path) -> None:
    services = make_services(app_kb, tmp_path)
    fresh = source_unit(services, Citation(law="行政强制法", article=25))
    assert fresh is not None and library.unit_hit(app_kb, fresh).unit.label == "第二十五条"
    assert source_unit(services, Citation(law=LAW, article=25, unit_id="gone-00001")) == fresh
    assert source_unit(services, Citation(law=LAW, article=25, unit_id=fresh)) == fresh
    assert source_unit(services, Citation(law=LAW, article=999)) is None


def test_checklist_mastery_and_import_report_escape_text() -> None:
    checklist = load_checklist(FIXTURE)
    first, second, *_ = checklist.items
    hostile = replace(second, question=f"{XSS}？", part=f"<b>{XSS}</b>")
    rows = [ItemMastery(first, 2, 2, 2, True), ItemMastery(hostile, 0, 0, 1, False),
            ItemMastery(checklist.items[6], 0, 0, 0, False)]
    shown = checklist_html(rows)
    assert XSS not in shown and "&lt;img" in shown
    assert "已掌握 1 / 3 项" in shown and "已掌握" in shown and "未练习" in shown and "暂无题目" in shown
    assert "导入应知应会清单后" in checklist_html([])
    report = import_report_html(f"{XSS}清单", 7, ChecklistQuestions(missing_article=[checklist.items[6]]), 3)
    assert XSS not in report and "共 7 项" in report and "不在知识库中" in report and "第 7 项" in report


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


# features of the tab in a real browser at phone size -------------------------------------------------


def practice_services(app_kb: KnowledgeBase, tmp_path: Path) -> tuple[Any, Practice]:
    practice = Practice(QuestionBank.open(tmp_path / "quiz"))
    services = make_services(app_kb, tmp_path)
    services.practice = practice
    return services, practice


def pick(v: Any, dropdown: str, option: str) -> None:
    """Choose an option of a (multiselect) dropdown, then close its list."""
    v.tap(v.page.locator(f"{dropdown} input"))
    v.tap(v.page.locator(f"{dropdown} li[role=option][aria-label^='{option}']").first)
    v.page.keyboard.press("Escape")
    v.page.locator(dropdown, has_text=option).wait_for()


def current_question(v: Any, bank: QuestionBank) -> Question:
    stem = v.page.locator("#xf-p-question .xf-pq-stem").inner_text().strip()
    return next(q for q in bank.list() if bare(q.stem) == bare(stem))


def _right_answer(v: Any, q: Question) -> None:
    page = v.page
    if q.type == "blank":
        page.locator("#xf-p-blank textarea, #xf-p-blank input").first.fill(str(q.answer))
    elif q.type == "judge":
        v.tap(page.locator("#xf-p-choice label", has_text="正确" if q.answer is True else "错误"))
    elif q.type == "single":
        v.tap(page.locator("#xf-p-choice label", has_text=f"{q.keys[0]}. {q.options[q.keys[0]]}"))
    else:
        for letter in q.keys:
            v.tap(page.locator("#xf-p-picks label", has_text=f"{letter}. {q.options[letter]}"))


def answer_current(v: Any, bank: QuestionBank, right: bool) -> Question:
    """Answer the question on screen (right or wrong) and wait for the feedback."""
    q = current_question(v, bank)
    (_right_answer if right else _wrong_answer)(v, q)
    v.tap(v.page.locator("#xf-p-submit"))
    v.page.locator(f"#xf-p-feedback .xf-pfeedback.{'xf-right' if right else 'xf-wrong'}").wait_for(timeout=30_000)
    return q


def small_targets(v: Any) -> list[str]:
    """Visible buttons, choices and folds of the tab lower than 44 px (Gradio's toasts are not the tab's)."""
    return v.page.evaluate(
        """() => [...document.querySelectorAll(
                '#xf-tab-practice button, #xf-tab-practice summary, #xf-tab-practice .xf-choices label')]
            .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
            .filter(el => el.getBoundingClientRect().height < 44)
            .map(el => (el.id || el.className) + ':' + (el.innerText || '').slice(0, 20) + ':'
                       + Math.round(el.getBoundingClientRect().height))"""
    )


def text_box(page: Any, box: str) -> Any:
    return page.locator(f"{box} textarea, {box} input").first


def sign_in_as_admin(v: Any) -> None:
    """The city administrator signs in on the 管理 tab (one sign-in opens every tab's admin side)."""
    v.tap(v.page.locator("#xf-tab-admin-button"))
    v.page.locator("#xf-login-account textarea").fill(ADMIN_LOGIN)
    v.page.locator("#xf-password input").fill(ADMIN_PASSWORD)
    v.tap(v.page.locator("#xf-login-btn"))
    v.page.locator("#xf-admin").wait_for()


def open_practice(v: Any) -> None:
    v.tap(v.page.get_by_role("tab", name="练习"))
    v.page.locator("#xf-p-who .xf-who:not(.xf-who-loading)").wait_for()  # the identity read from the browser


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_choosing_laws_and_chapters_and_opening_the_source_article(
    browser: Any, serve_app: Any, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    services, practice = practice_services(app_kb, tmp_path)
    chapter = "第三章 行政强制措施实施程序"
    with visit(browser, serve_app(services), "phone") as v:
        page = v.page
        open_practice(v)
        pick(v, "#xf-p-laws", LAW)
        v.tap(page.locator("#xf-p-chapters input"))
        option = page.locator(f"#xf-p-chapters li[role=option][aria-label='{chapter}']")
        option.wait_for()
        options = page.locator("#xf-p-chapters li[role=option]").all_inner_texts()
        assert len(options) == 7 and not any("公路" in o for o in options), "only chapters of the chosen law"
        v.tap(option)
        page.keyboard.press("Escape")
        page.locator("#xf-p-chapters", has_text=chapter).wait_for()
        v.tap(page.locator("#xf-p-start"))
        page.locator("#xf-p-question .xf-pq-stem").wait_for(timeout=30_000)
        assert chapter in page.locator("#xf-p-question .xf-pq-meta").inner_text()
        questions = practice.bank.list()
        assert len(questions) == 5 and {(q.law, q.chapter) for q in questions} == {(LAW, chapter)}

        q = answer_current(v, practice.bank, right=False)
        card = page.locator("#xf-p-feedback .xf-psource-card")
        label = citation_text(q.sources[0])
        assert card.count() == 1 and label in card.inner_text()
        v.no_horizontal_scroll()
        v.shot("17-practice-chapters", full_page=True)
        v.tap(card)
        dialog = page.locator("#xf-modal")
        dialog.wait_for()
        article_label = label.split("》")[1]
        dialog.locator(".xf-article-label", has_text=article_label).wait_for()
        assert chapter in dialog.inner_text(), "the full article, with its chapter"
        assert q.evidence.replace("（  ）", "")[:8] in dialog.inner_text().replace("\n", "")
        v.shot("18-practice-article")
        v.tap(page.locator("#xf-modal-close"))
        dialog.wait_for(state="hidden")
        page.locator("#xf-p-next").wait_for()  # the run is where it was


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_the_officers_identity_survives_reloads_and_follows_the_badge(
    browser: Any, serve_app: Any, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    services, practice = practice_services(app_kb, tmp_path)
    url = serve_app(services)
    with visit(browser, url, "phone") as v:
        page = v.page
        open_practice(v)
        assert "本机匿名" in page.locator("#xf-p-who").inner_text()
        v.tap(page.locator("#xf-p-start"))
        page.locator("#xf-p-question .xf-pq-stem").wait_for(timeout=30_000)
        missed = answer_current(v, practice.bank, right=False)
        page.locator("#xf-p-mastery", has_text="已答 1/").wait_for()
        with practice.bank.session() as s:
            (anon,) = {c.user_id for c in s.scalars(select(CardRow))}
        assert anon.startswith("anon:")

        page.reload()
        page.locator("#xf-tabs").wait_for()
        open_practice(v)
        page.locator("#xf-p-mastery", has_text="已答 1/").wait_for()  # the anonymous id is kept in the browser

        v.tap(page.locator("#xf-p-id").get_by_text("填写或更换警号"))
        text_box(page, "#xf-p-badge").fill("<script>")
        v.tap(page.locator("#xf-p-save-id"))
        page.get_by_text("格式不对").first.wait_for()
        assert "本机匿名" in page.locator("#xf-p-who").inner_text()
        text_box(page, "#xf-p-badge").fill("a1024")
        text_box(page, "#xf-p-name").fill("张三")
        v.tap(page.locator("#xf-p-save-id"))
        page.locator("#xf-p-who", has_text="警号 A1024 · 张三").wait_for()
        page.get_by_text("练习记录转入警号 A1024").first.wait_for()
        assert [e.question.id for e in practice.wrong_book("badge:A1024")] == [missed.id]
        assert practice.wrong_book(anon) == [], "the anonymous work moved to the 警号"
        assert small_targets(v) == []
        v.no_horizontal_scroll()
        v.shot("19-practice-identity", full_page=True)

        page.reload()
        page.locator("#xf-tabs").wait_for()
        open_practice(v)
        page.locator("#xf-p-who", has_text="警号 A1024 · 张三").wait_for()
        page.locator("#xf-p-mastery", has_text="已答 1/").wait_for()
        v.tap(page.locator("#xf-p-wrong"))
        page.locator("#xf-p-question", has_text="错题本").wait_for()
        assert bare(page.locator("#xf-p-question .xf-pq-stem").inner_text()) == bare(missed.stem)

    with visit(browser, url, "phone") as other:  # another phone: a new anonymous id until the 警号 is given
        open_practice(other)
        assert "本机匿名" in other.page.locator("#xf-p-who").inner_text()
        assert "还没有练习记录" in other.page.locator("#xf-p-mastery").inner_text()
        other.tap(other.page.locator("#xf-p-id").get_by_text("填写或更换警号"))
        text_box(other.page, "#xf-p-badge").fill("A1024")
        other.page.wait_for_timeout(300)  # (a late write to the field would show here, not as a refusal)
        assert text_box(other.page, "#xf-p-badge").input_value() == "A1024"
        other.tap(other.page.locator("#xf-p-save-id"))
        other.page.locator("#xf-p-who", has_text="警号 A1024").wait_for()
        other.page.locator("#xf-p-mastery", has_text="已答 1/").wait_for()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_an_admin_loads_a_checklist_and_officers_see_mastery_per_item(
    browser: Any, serve_app: Any, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    services, practice = practice_services(app_kb, tmp_path)
    store = ChecklistStore(practice.bank)
    bad = tmp_path / "坏清单.csv"
    bad.write_text("甲,乙\n1,2\n", encoding="utf-8")
    with visit(browser, serve_app(services), "phone") as v:
        page = v.page
        open_practice(v)
        assert "导入应知应会清单后" in page.locator("#xf-p-clm").inner_text()
        v.tap(page.locator("#xf-p-checklist"))
        page.get_by_text("请管理员先导入清单").first.wait_for()

        v.tap(page.locator("#xf-p-admin").get_by_text("导入应知应会清单（管理员）"))
        choose_file(page, "#xf-p-clfile", bad)
        v.tap(page.locator("#xf-p-clload"))
        page.get_by_text("登录已失效").first.wait_for()
        assert page.locator("#xf-p-clreport").inner_text().strip() == "", "nothing read without signing in"
        sign_in_as_admin(v)
        open_practice(v)
        v.tap(page.locator("#xf-p-clload"))  # the file chosen before signing in is still there
        page.locator("#xf-p-clreport .xf-error", has_text="坏清单.csv：第 1 行表头中没有“答案”").wait_for()
        assert store.items() == [] and practice.bank.count() == 0, "nothing stored from a bad file"

        choose_file(page, "#xf-p-clfile", FIXTURE)
        v.tap(page.locator("#xf-p-clload"))
        report = page.locator("#xf-p-clreport")
        report.locator(".xf-result-head", has_text="已导入《测试支队应知应会清单》").wait_for(timeout=60_000)
        text = report.inner_text()
        assert "共 7 项，5 项已出题" in text and "不在知识库中" in text and "第 6、7 项" in text
        assert len(store.items()) == 7
        assert "2 道问答已记入检索" in text  # the search now knows the checklist's questions (kb.memory)
        assert services.accounts is not None
        loaded = services.accounts.audit(services.accounts.system_actor(), action="checklist_load")
        assert [(e.login, e.target) for e in loaded] == [(ADMIN_LOGIN, "测试支队应知应会清单")]
        assert app_kb.forget("清单：测试支队应知应会清单") == 2  # (other tests share this knowledge base)
        page.locator("#xf-p-clm", has_text="已掌握 0 / 7 项").wait_for()

        v.tap(page.locator("#xf-p-checklist"))
        page.locator("#xf-p-question", has_text="应知应会练习").wait_for()
        for n in range(5):
            q = answer_current(v, practice.bank, right=True)
            assert q.checklist_item.startswith("测试支队应知应会清单#")
            if n < 4:
                v.tap(page.locator("#xf-p-next"))
                page.locator("#xf-p-question", has_text=f"第 {n + 2} / ").wait_for()
        with practice.bank.session() as s:
            (user,) = {c for c in s.scalars(select(AttemptRow.user_id))}
        mastered = [m.key for m in practice.mastery_by_checklist_item(user) if m.mastered]
        assert mastered
        view = page.locator("#xf-p-clm")
        view.locator("summary", has_text=f"已掌握 {len(mastered)} / 7 项").wait_for()
        v.tap(view.locator("summary"))
        for key in mastered:
            assert "已掌握" in view.locator(f"li[data-key='{key}']").inner_text()
        assert "暂无题目" in view.locator("li[data-key='测试支队应知应会清单#7']").inner_text()
        v.no_horizontal_scroll()
        v.shot("20-practice-checklist", full_page=True)
