"""The app in a real browser (Debian chromium via Playwright) at phone (375×812) and desktop (1280×800) size.

Every visit also checks that no request left 127.0.0.1 and that no JavaScript dialog fired. Screenshots
go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from chat.models import Answer, AnswerEvent, Final, Turn
from kb.base import KnowledgeBase
from quiz.bank.store import QuestionBank
from quiz.contest.service import ContestService
from quiz.exam.service import ExamService
from quiz.practice.runs import Practice
from quiz.settings import QuizSettings
from tests.app.browser import SIZES, visit
from tests.app.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, HTML_LAW_TITLE, HTML_TEXT, make_services
from xuefa.answered import FEEDBACK_SOURCE
from xuefa.app.state import Services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

QUESTION = "扣押车辆最长能扣多少天？"
XSS = "<img src=x onerror=alert(1)>"


def doc_id(kb: KnowledgeBase, title: str) -> str:
    return next(d.doc_id for d in kb.documents() if d.meta.title == title)


@pytest.mark.parametrize("size", list(SIZES))
def test_ask_then_tap_a_citation_to_read_the_article(browser: Any, app_url: str, size: str) -> None:
    with visit(browser, app_url, size) as v:
        v.shot("01-start", full_page=True)
        font = v.page.evaluate("parseFloat(getComputedStyle(document.querySelector('.xf-welcome')).fontSize)")
        assert font >= 16
        answer = v.ask(QUESTION)
        text = answer.inner_text()
        assert "第二十五条" in text
        assert "仅供学习参考" in text
        assert "2011-06-30" in text, "the version date of the cited law is shown"
        v.no_horizontal_scroll()
        assert v.small_tap_targets() == []
        v.shot("02-answer", full_page=True)

        v.tap(answer.locator(".xf-card", has_text="第二十五条").first)
        dialog = v.page.locator("#xf-modal")
        dialog.locator(".xf-article").wait_for()
        article = dialog.inner_text()
        assert "《中华人民共和国行政强制法》" in article
        assert "查封、扣押的期限不得超过三十日" in article
        assert "第三章" in article, "the 章/节 path is shown"
        assert "法律" in article and "2011-06-30" in article
        assert dialog.locator(".xf-cited").count() == 1, "the cited 款 is marked"
        v.no_horizontal_scroll()
        v.shot("03-article")

        v.tap(v.page.locator("#xf-modal-close"))
        dialog.wait_for(state="hidden")
        inline = answer.locator(".xf-inline-cite").first
        v.tap(inline)
        dialog.locator(".xf-article").wait_for()


def test_stays_light_on_a_phone_in_dark_mode(browser: Any, app_url: str) -> None:
    with visit(browser, app_url, "phone", color_scheme="dark") as v:
        v.page.locator(".xf-welcome").wait_for()
        v.page.wait_for_timeout(300)
        assert v.page.evaluate("document.body.classList.contains('dark')") is False
        background = v.page.evaluate("getComputedStyle(document.querySelector('#xf-question textarea')).backgroundColor")
        assert background == "rgb(255, 255, 255)"


def test_example_question_back_button_and_new_conversation(browser: Any, app_url: str) -> None:
    with visit(browser, app_url, "phone") as v:
        v.tap(v.page.locator("#xf-examples button", has_text=QUESTION))
        answer = v.page.locator(".xf-answer:not(.xf-pending)")
        answer.wait_for(timeout=60_000)
        assert not v.page.locator("#xf-examples").is_visible(), "examples make way for the conversation"
        v.tap(answer.locator(".xf-card").first)
        v.page.locator("#xf-modal .xf-article").wait_for()
        v.page.go_back()
        v.page.locator("#xf-modal").wait_for(state="hidden")
        assert v.page.locator(".xf-answer:not(.xf-pending)").count() == 1, "the conversation is still there"
        v.tap(v.page.locator("#xf-reset"))
        v.page.locator(".xf-welcome").wait_for()
        assert v.page.locator(".xf-turn").count() == 0
        v.page.locator("#xf-examples").wait_for()


class NoBasisAnswers:
    """Answers every question with "no basis" and the knowledge base's nearest articles (what the engine
    does for out-of-scope questions), to see that answer in the browser."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[AnswerEvent]:
        nearest = tuple(h.citation() for h in self.kb.search(question, k=3).hits)
        yield Final(Answer(question=question, text="知识库中没有找到能回答这个问题的依据。", grounded=False,
                           status="no_basis", possibly_related=nearest))


def test_a_no_basis_answer_says_so_and_offers_possibly_related_articles(
    browser: Any, serve_app: Any, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    url = serve_app(make_services(app_kb, tmp_path, answers=NoBasisAnswers(app_kb)))
    with visit(browser, url, "phone") as v:
        answer = v.ask("车辆扣押期限")
        assert "未找到明确依据" in answer.locator(".xf-banner").inner_text()
        assert "可能相关的条文" in answer.inner_text() and "仅供学习参考" in answer.inner_text()
        cards = answer.locator(".xf-possible .xf-card")
        assert cards.count() == 3
        v.shot("15-no-basis", full_page=True)
        v.tap(cards.first)
        v.page.locator("#xf-modal .xf-article").wait_for()


def test_follow_up_uses_this_sessions_conversation_only(browser: Any, app_url: str) -> None:
    with visit(browser, app_url, "phone") as v:
        v.ask("货车超限了，车主拒绝卸载，能扣车吗？")
        follow = v.ask("那罚款多少？")
        assert "结合上文" in follow.inner_text()
        assert "公路法" in follow.inner_text()
        v.shot("04-follow-up", full_page=True)
        with visit(browser, app_url, "phone") as other:
            alone = other.ask("那罚款多少？")
            assert "结合上文" not in alone.inner_text(), "another session does not see this conversation"


def test_html_in_a_question_is_shown_as_text(browser: Any, app_url: str) -> None:
    with visit(browser, app_url, "phone") as v:
        v.ask(XSS)
        bubble = v.page.locator(".xf-bubble").first
        assert bubble.inner_text().strip() == XSS
        assert v.page.locator("#xf-conv img").count() == 0
        v.page.wait_for_timeout(300)
        v.shot("05-html-question")
    assert not any(u.rstrip("/").endswith("/x") for u in v.requests)


def test_empty_and_very_long_questions(browser: Any, app_url: str) -> None:
    with visit(browser, app_url, "phone") as v:
        v.page.locator("#xf-question textarea").fill("   ")
        v.tap(v.page.locator("#xf-send"))
        v.page.get_by_text("请先输入问题").first.wait_for()
        assert v.page.locator(".xf-turn").count() == 0, "a blank question is not sent"
        answer = v.ask("扣押车辆最长能扣多少天？" + "请详细说明。" * 1700)
        assert "问题过长" in answer.inner_text()
        assert "字）" in v.page.locator(".xf-bubble").first.inner_text(), "the bubble shows a shortened question"
        v.no_horizontal_scroll()


def test_html_in_a_document_is_shown_as_text(browser: Any, app_url: str, app_kb: KnowledgeBase) -> None:
    url = f"{app_url}?law={doc_id(app_kb, HTML_LAW_TITLE)}&article={quote('第一条')}"
    with visit(browser, url, "phone") as v:
        view = v.page.locator("#xf-modal .xf-article")
        view.wait_for()
        assert HTML_TEXT in view.inner_text()
        assert "<b>总则</b>" in view.inner_text()
        assert view.locator("img, script, b").count() == 0
        assert v.page.locator("#xf-browse-view img, #xf-browse-view script").count() == 0
        v.shot("12-html-document")


@pytest.mark.parametrize("size", list(SIZES))
def test_permalink_opens_the_article(browser: Any, app_url: str, app_kb: KnowledgeBase, size: str) -> None:
    law = doc_id(app_kb, "中华人民共和国公路法")
    url = f"{app_url}?law={law}&article={quote('第七十六条')}"
    with visit(browser, url, size) as v:
        dialog = v.page.locator("#xf-modal .xf-article")
        dialog.wait_for()
        text = dialog.inner_text()
        assert "第七十六条" in text and "《中华人民共和国公路法》" in text
        assert "车辆超限使用汽车渡船" in text
        href = dialog.locator("a.xf-permalink").get_attribute("href")
        assert href is not None and f"law={law}" in href
        v.no_horizontal_scroll()
        v.shot("06-permalink")
        v.tap(v.page.locator("#xf-modal-close"))
        v.page.locator("#xf-modal").wait_for(state="hidden")
        assert v.page.locator("#xf-tab-browse-button").get_attribute("aria-selected") == "true"
        assert "第七十六条" in v.page.locator("#xf-browse-view .xf-article").inner_text()
        assert v.page.locator("#xf-browse-article input").input_value().startswith("第七十六条")
        v.tap(v.page.locator("#xf-next"))
        v.page.locator("#xf-browse-view .xf-article-label", has_text="第七十七条").wait_for()


def test_a_permalink_from_the_article_dialog_round_trips(browser: Any, app_url: str) -> None:
    with visit(browser, app_url, "desktop") as v:
        answer = v.ask(QUESTION)
        v.tap(answer.locator(".xf-card", has_text="第二十五条").first)
        href = v.page.locator("#xf-modal a.xf-permalink").get_attribute("href")
        assert href and href.startswith("?law=")
        v.page.goto(app_url + href)
        v.page.locator("#xf-modal .xf-article-label", has_text="第二十五条").wait_for()
        v.page.locator("#xf-browse-view .xf-article-label", has_text="第二十五条").wait_for(state="attached")


def pick(v: Any, dropdown: str, option: str) -> None:
    v.tap(v.page.locator(f"{dropdown} input"))
    v.tap(v.page.locator(f"li[role=option][aria-label^='{option}']").first)


@pytest.mark.parametrize("size", list(SIZES))
def test_search_and_browse_laws(browser: Any, app_url: str, size: str) -> None:
    with visit(browser, app_url, size) as v:
        v.tap(v.page.locator("#xf-tab-browse-button"))
        v.page.locator("#xf-search-query textarea").fill("超限运输 卸载")
        pick(v, "#xf-law-filter", "中华人民共和国公路法")
        v.tap(v.page.locator("#xf-search"))
        cards = v.page.locator("#xf-results .xf-card")
        cards.first.wait_for()
        titles = cards.all_inner_texts()
        assert titles and all("公路法" in t for t in titles)
        v.no_horizontal_scroll()
        v.shot("07-search", full_page=True)
        v.tap(cards.first)
        v.page.locator("#xf-modal .xf-article").wait_for()
        v.tap(v.page.locator("#xf-modal-close"))
        v.page.locator("#xf-modal").wait_for(state="hidden")

        pick(v, "#xf-browse-law", "中华人民共和国行政强制法")
        v.page.locator("#xf-browse-view .xf-article-label", has_text="第一条").wait_for()
        pick(v, "#xf-browse-chapter", "第三章")
        v.page.locator("#xf-browse-view .xf-article-path", has_text="第三章").wait_for()
        pick(v, "#xf-browse-article", "第二十五条")
        view = v.page.locator("#xf-browse-view")
        view.locator(".xf-article-label", has_text="第二十五条").wait_for()
        assert "查封、扣押的期限不得超过三十日" in view.inner_text()
        assert v.small_tap_targets() == []
        v.shot("08-browse", full_page=True)


def test_feedback_is_stored_with_question_answer_and_comment(browser: Any, app_url: str, services: Services) -> None:
    before = len(services.feedback.rows())
    with visit(browser, app_url, "phone") as v:
        answer = v.ask(QUESTION)
        v.tap(answer.locator(".xf-vote[data-vote=down]"))
        v.page.locator("#xf-feedback-comment textarea").wait_for()
        assert len(services.feedback.rows()) == before + 1, "the vote is stored at once"
        v.page.locator("#xf-feedback-comment textarea").fill("引用的条文不全，<b>缺少</b>第二十七条")
        v.shot("09-feedback")
        v.tap(v.page.locator("#xf-feedback-send"))
        v.page.locator("#xf-feedback").wait_for(state="hidden")
        v.page.locator(".xf-vote[data-vote=down][aria-pressed=true]").wait_for()
    rows = services.feedback.rows()
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row.vote, row.question) == ("down", QUESTION)
    assert "第二十五条" in row.answer and row.citations
    assert row.comment == "引用的条文不全，<b>缺少</b>第二十七条"


def test_admin_uploads_with_per_file_results(
    browser: Any, app_url: str, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    good = tmp_path / "某市道路运输测试管理办法.md"
    good.write_text(
        "# 某市道路运输测试管理办法\n\n（2023年5月1日某市人民政府令第1号公布）\n\n## 第一章 总则\n\n"
        "第一条 为了规范道路运输测试活动，制定本办法。\n\n第二条 本办法适用于本市的道路运输测试活动。\n",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 garbage")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    docs_before = len(app_kb.documents())
    with visit(browser, app_url, "phone") as v:
        v.tap(v.page.locator("#xf-tab-admin-button"))
        v.page.locator("#xf-login-account textarea").fill(ADMIN_LOGIN)
        v.page.locator("#xf-password input").fill("wrong")
        v.tap(v.page.locator("#xf-login-btn"))
        v.page.locator(".xf-error", has_text="密码不正确").wait_for()
        assert not v.page.locator("#xf-admin").is_visible()
        v.page.locator("#xf-login-account textarea").fill(ADMIN_LOGIN)
        v.page.locator("#xf-password input").fill(ADMIN_PASSWORD)
        v.tap(v.page.locator("#xf-login-btn"))
        v.page.locator("#xf-admin").wait_for()
        v.page.locator("#xf-upload input[type=file]").set_input_files([str(good), str(broken), str(empty)])
        v.page.wait_for_timeout(1500)
        v.tap(v.page.locator("#xf-ingest"))
        report = v.page.locator("#xf-ingest-report")
        report.locator(".xf-result-head", has_text="已处理 3 个文件").wait_for(timeout=60_000)
        text = report.inner_text()
        assert "成功 1 个，失败 2 个" in text
        assert re.search(r"某市道路运输测试管理办法.*已新增", text, re.S)
        assert "broken.pdf" in text and "empty.txt" in text
        v.no_horizontal_scroll()
        v.shot("10-admin", full_page=True)
    assert len(app_kb.documents()) == docs_before + 1
    assert app_kb.lookup("某市道路运输测试管理办法第二条") is not None


def test_admin_login_is_required_for_upload_panel(browser: Any, app_url: str) -> None:
    with visit(browser, app_url, "desktop") as v:
        v.tap(v.page.locator("#xf-tab-admin-button"))
        v.page.locator("#xf-password").wait_for()
        assert v.page.locator("#xf-admin").count() == 0 or not v.page.locator("#xf-admin").is_visible()
        v.shot("11-admin-login")


def test_an_admin_confirms_a_thumbs_up_answer_into_the_search_memory(
    browser: Any, app_url: str, app_kb: KnowledgeBase, services: Services
) -> None:
    try:
        with visit(browser, app_url, "phone") as v:
            answer = v.ask(QUESTION)
            v.tap(answer.locator(".xf-vote[data-vote=up]"))
            v.tap(v.page.locator("#xf-feedback-close"))  # (no comment)
            v.page.locator(".xf-vote[data-vote=up][aria-pressed=true]").wait_for()
            row = services.feedback.rows()[-1]
            assert row.vote == "up" and row.cited and row.review == ""
            assert all(e.source != FEEDBACK_SOURCE for e in app_kb.memory().entries), "a vote alone is not remembered"

            v.tap(v.page.locator("#xf-tab-admin-button"))
            v.page.locator("#xf-login-account textarea").fill(ADMIN_LOGIN)
            v.page.locator("#xf-password input").fill(ADMIN_PASSWORD)
            v.tap(v.page.locator("#xf-login-btn"))
            review = v.page.locator("#xf-review")
            review.get_by_text("待审核的点赞回答").wait_for()
            v.tap(v.page.locator("#xf-review-remember"))
            v.page.locator("#xf-review-report .xf-error", has_text="请先勾选").wait_for()
            item = review.locator("label", has_text=QUESTION).first
            assert "《中华人民共和国行政强制法》第二十五条" in item.inner_text()
            v.tap(item)
            v.page.locator("#xf-review-report .xf-error").wait_for(state="detached")  # the stale message goes
            v.shot("12-admin-review", full_page=True)
            v.tap(v.page.locator("#xf-review-remember"))
            v.page.locator("#xf-review-report", has_text="已记入检索 1 条问答").wait_for()
            review.locator("label", has_text=QUESTION).first.wait_for(state="detached")
            v.no_horizontal_scroll()
        assert services.feedback.rows()[-1].review == "remembered"
        remembered = [e for e in app_kb.memory().entries if e.source == FEEDBACK_SOURCE]
        assert [e.question for e in remembered] == [QUESTION]
        shares = {h.unit.label: h.memory_share for h in app_kb.search(QUESTION, k=5).hits}
        assert shares.get("第二十五条"), "the search now remembers it"
    finally:
        app_kb.forget(FEEDBACK_SOURCE)  # (other tests share this knowledge base)


def test_one_admin_login_opens_every_tab_and_one_logout_closes_them(
    browser: Any, serve_app: Any, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    services = make_services(app_kb, tmp_path)
    bank = QuestionBank.open(tmp_path / "quiz")
    services.practice, services.exams = Practice(bank), ExamService(bank, QuizSettings())
    services.contests = ContestService(bank, QuizSettings())
    with visit(browser, serve_app(services), "desktop") as v:  # (a phone keeps 竞赛 and 管理 in the ⋯ menu)
        page = v.page
        v.tap(page.locator("#xf-tab-admin-button"))
        page.locator("#xf-login-account textarea").fill(ADMIN_LOGIN)
        page.locator("#xf-password input").fill(ADMIN_PASSWORD)
        v.tap(page.locator("#xf-login-btn"))
        page.locator("#xf-admin").wait_for()
        v.tap(page.locator("#xf-tab-practice-button"))
        v.tap(page.locator("#xf-p-admin").get_by_text("导入应知应会清单（管理员）"))
        page.locator("#xf-p-clload").wait_for()
        assert not page.locator("#xf-p-admin-pw").is_visible(), "no second password"
        v.tap(page.locator("#xf-tab-exam-button"))
        page.locator("#xf-exam-console").wait_for()
        assert not page.locator("#xf-exam-login").is_visible()
        v.tap(page.locator("#xf-tab-contest-button"))
        page.locator("#xc-console").wait_for()
        v.tap(page.locator("#xc-logout"))
        page.locator("#xc-login").wait_for()
        v.tap(page.locator("#xf-tab-admin-button"))
        page.locator("#xf-login").wait_for()
        assert not page.locator("#xf-admin").is_visible(), "the logout closed every tab"
