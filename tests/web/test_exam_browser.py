"""The examinee's exam page in a real browser (Debian chromium via Playwright) against the real server:
on a phone (375×812) an officer logs in, answers every question type, reloads mid-exam, loses the network
for a while, submits after the unanswered-questions check and reads the result once it is released; on a
desktop another one is refused on a second device, is logged out by the organiser's unlock and logs in
again without losing an answer, and runs out of time.

The organiser's actions go through ``ExamService`` directly. Every page checks that no request left
127.0.0.1, no JavaScript dialog fired and no script error happened; screenshots go to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.app.browser import Visit, recording
from tests.web.exam_site import PEOPLE, XSS, Site, fill_bank, open_exam, running_site

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WAIT_MS = 15_000
TYPE_ORDER = ("single", "single", "multi", "judge", "blank", "short")
"""The paper's order: types in sections (单选, 多选, 判断, 填空, 简答), shuffled only within a section."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    home = tmp_path_factory.mktemp("exam-browser")
    bank = fill_bank(f"sqlite:///{home / 'quiz.sqlite'}")
    with running_site(bank) as s:
        yield s
    bank.close()



@contextmanager
def exam_page(browser: Any, url: str, size: str) -> Iterator[tuple[Visit, Any]]:
    """The page at ``size``; yields the visit and its browser context (to cut the network)."""
    with recording(browser, url, size) as (v, context):
        yield v, context
    assert not v.script_errors, f"script errors: {v.script_errors}"


def token_of(v: Visit) -> str:
    return str(v.page.evaluate("JSON.parse(localStorage.getItem('xf-exam-session')).token"))


def saved(v: Visit) -> None:
    v.page.locator("#xe-save", has_text="已保存").wait_for(timeout=WAIT_MS)


def at(v: Visit, number: int, total: int = 6) -> None:
    v.page.locator(".xe-q-no", has_text=f"第 {number} / {total} 题").wait_for(timeout=WAIT_MS)


def login(v: Visit, code: str, person: tuple[str, str, str], name: str | None = None) -> None:
    page = v.page
    page.locator("#xe-login").wait_for(timeout=WAIT_MS)
    page.fill("#xe-code", code)
    page.fill("#xe-officer", person[0])
    page.fill("#xe-name", name or person[1])
    v.tap(page.locator("#xe-login-btn"))


def answer(v: Visit, qtype: str) -> Any:
    """Answer the question on screen through its widget; returns what the server should store."""
    page = v.page
    options = page.locator("#xe-question .xe-opt")
    if qtype == "single":
        v.tap(options.nth(1))
        return options.nth(1).locator(".xe-key").inner_text()
    if qtype == "multi":
        v.tap(options.nth(0))
        v.tap(options.nth(2))
        return "".join(sorted(options.nth(i).locator(".xe-key").inner_text() for i in (0, 2)))
    if qtype == "judge":
        v.tap(page.locator("#xe-question .xe-opt", has_text="错误"))
        return False
    text = "三十日" if qtype == "blank" else "行政强制的设定和实施应当适当；非强制手段可以达到目的的，不得实施行政强制。"
    page.locator("#xe-question .xe-text").fill(text)
    return text


def check_layout(v: Visit) -> None:
    v.no_horizontal_scroll()
    small = v.page.evaluate(
        """() => [...document.querySelectorAll('button, .xe-opt, input[type=text], textarea')]
            .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
            .filter(el => el.getBoundingClientRect().height < 44)
            .map(el => (el.id || el.className) + ':' + Math.round(el.getBoundingClientRect().height))"""
    )
    assert small == [], f"tap targets under 44 px: {small}"
    font = v.page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 16


def test_an_officer_takes_the_exam_on_a_phone(browser: Any, site: Site, tmp_path: Path) -> None:
    exams = site.exams
    exam_id = open_exam(exams, tmp_path, title="2026年度执法人员法律知识考试（手机）")
    code = exams.get_exam(exam_id).code
    person = PEOPLE[0]
    with exam_page(browser, f"{site.url}/exam?code={code}", "phone") as (v, context):
        page = v.page
        page.locator("#xe-login").wait_for(timeout=WAIT_MS)
        assert page.locator("#xe-code").input_value() == code, "the code comes from the link"
        check_layout(v)
        v.shot("30-exam-login")
        login(v, code, person, name="张冠李戴")
        error = page.locator("#xe-error")
        error.wait_for(timeout=WAIT_MS)
        assert "警号（编号）与姓名不符" in error.inner_text(), "the server's message is shown as given"
        login(v, code, person)
        at(v, 1)
        assert page.locator("#xe-error").is_hidden()
        assert person[1] in page.locator("#xe-who").inner_text()
        assert "2026年度执法人员法律知识考试（手机）" in page.locator("#xe-title").inner_text()
        minutes, seconds = page.locator("#xe-clock").inner_text().split(":")
        assert 29 * 60 <= int(minutes) * 60 + int(seconds) <= 30 * 60, "the server's 30 minutes, counting down"
        token = token_of(v)
        paper = exams.paper_for(token)
        assert [q.type for q in paper.questions] == list(TYPE_ORDER)
        check_layout(v)
        v.shot("31-exam-question")

        expected: dict[str, Any] = {}
        for i in range(3):  # 单选, 单选, 多选
            q = paper.questions[i]
            assert page.locator("#xe-question .xe-tag").inner_text() == q.type_name
            expected[q.id] = answer(v, q.type)
            saved(v)
            if i < 2:
                v.tap(page.locator("#xe-next"))
                at(v, i + 2)
        assert exams.paper_for(token).answers == expected
        assert page.locator("#xe-count").inner_text() == "已答 3 / 6"
        assert page.locator("#xe-grid .xe-cell-done").count() == 3

        page.reload()  # mid-exam: the same question, the same answers
        at(v, 3)
        assert page.locator("#xe-count").inner_text() == "已答 3 / 6"
        assert page.locator("#xe-question input:checked").count() == 2, "the 多选 keeps both options"
        assert token_of(v) == token

        v.tap(page.locator("#xe-next"))
        at(v, 4)
        expected[paper.questions[3].id] = answer(v, "judge")
        saved(v)
        v.tap(page.locator("#xe-next"))
        at(v, 5)

        context.set_offline(True)  # the 填空 is typed while the network is gone
        expected[paper.questions[4].id] = answer(v, "blank")
        page.locator("#xe-save", has_text="未保存，重试中").wait_for(timeout=WAIT_MS)
        queued = page.evaluate(f"localStorage.getItem('xf-exam-queue:{code}:{person[0]}')")
        assert "三十日" in queued, "the unsaved answer waits in local storage"
        assert paper.questions[4].id not in exams.paper_for(token).answers
        v.shot("32-exam-offline")
        context.set_offline(False)
        saved(v)
        assert exams.paper_for(token).answers == expected

        v.tap(page.locator("#xe-submit"))  # the 简答 is still unanswered
        dialog = page.locator("#xe-confirm")
        dialog.wait_for(timeout=WAIT_MS)
        assert "还有 1 道题未作答" in dialog.inner_text()
        check_layout(v)
        v.shot("33-exam-confirm")
        v.tap(dialog.locator(".xe-cell", has_text="6"))
        at(v, 6)
        assert dialog.is_hidden()
        stem = page.locator("#xe-question .xe-stem").inner_text()
        assert XSS in stem, "HTML in a question is shown as text"
        expected[paper.questions[5].id] = answer(v, "short")
        saved(v)
        assert page.locator("#xe-next").inner_text() == "检查并交卷"
        v.tap(page.locator("#xe-next"))
        dialog.wait_for(timeout=WAIT_MS)
        assert "全部 6 道题均已作答" in dialog.inner_text()
        v.tap(page.locator("#xe-confirm-ok"))

        page.locator("#xe-done-title", has_text="已交卷").wait_for(timeout=WAIT_MS)
        page.locator("#xe-result-note", has_text="成绩尚未公布").wait_for(timeout=WAIT_MS)
        assert exams.paper_for(token).submitted and exams.paper_for(token).answers == expected
        check_layout(v)
        v.shot("34-exam-submitted")

        exams.release_results(exam_id)  # the organiser
        v.tap(page.locator("#xe-refresh"))
        score = page.locator("#xe-score")
        score.wait_for(timeout=WAIT_MS)
        result = exams.result_for(token)
        assert f"{result.score:g}" in score.inner_text() and f"/ {result.total:g} 分" in score.inner_text()
        cards = page.locator(".xe-review")
        assert cards.count() == 6
        judge = cards.nth(3).inner_text()
        assert "你的答案\n错误" in judge or "你的答案 错误" in " ".join(judge.split())
        assert all(q.source for q in result.questions)
        first = result.questions[0]
        assert first.explanation in cards.nth(0).inner_text()
        assert f"《{first.source[0].law}》{first.source[0].article}" in cards.nth(0).inner_text()
        assert XSS in cards.nth(5).inner_text()
        check_layout(v)
        v.shot("35-exam-result", full_page=True)

        page.reload()  # the result stays
        score.wait_for(timeout=WAIT_MS)
        assert page.locator("#xe-done-title").inner_text() == "已交卷"
        v.tap(page.locator("#xe-logout"))  # the phone is free for the next officer
        page.locator("#xe-login").wait_for(timeout=WAIT_MS)
        assert page.evaluate("localStorage.getItem('xf-exam-session')") is None


def test_a_second_device_an_unlock_and_the_end_of_time_on_a_desktop(browser: Any, site: Site, tmp_path: Path) -> None:
    exams = site.exams
    exam_id = open_exam(exams, tmp_path, title="2026年度执法人员法律知识考试（电脑）")
    code = exams.get_exam(exam_id).code
    person = PEOPLE[1]
    with exam_page(browser, f"{site.url}/exam", "desktop") as (v, _):
        page = v.page
        login(v, code, person)
        at(v, 1)
        first_token = token_of(v)
        paper = exams.paper_for(first_token)
        answer(v, paper.questions[0].type)
        saved(v)
        v.no_horizontal_scroll()
        v.shot("36-exam-desktop")

        with exam_page(browser, f"{site.url}/exam?code={code}", "phone") as (other, _):
            login(other, code, person)
            other.page.locator("#xe-error").wait_for(timeout=WAIT_MS)
            assert "已在另一台设备上登录" in other.page.locator("#xe-error").inner_text()
            assert other.page.locator("#xe-login").is_visible()

        exams.unlock_examinee(exam_id, person[0])  # the organiser frees the device: the old token stops
        v.tap(page.locator("#xe-next"))
        at(v, 2)
        second = answer(v, paper.questions[1].type)
        page.locator("#xe-login").wait_for(timeout=WAIT_MS)
        assert "监考老师解除" in page.locator("#xe-error").inner_text()
        assert page.locator("#xe-officer").input_value() == person[0]
        page.fill("#xe-name", person[1])
        v.tap(page.locator("#xe-login-btn"))
        at(v, 2)
        saved(v)
        token = token_of(v)
        assert token != first_token
        assert exams.paper_for(token).answers[paper.questions[1].id] == second, \
            "the answer given while logged out was kept on the device and saved after logging in again"

        site.clock.advance(minutes=31)  # the server's clock passes the end: this change is refused
        v.tap(page.locator("#xe-question .xe-opt").nth(0))
        page.locator("#xe-done-title", has_text="时间到，已自动交卷").wait_for(timeout=WAIT_MS)
        assert page.locator("#xe-exam").is_hidden()
        stored = exams.paper_for(token)
        assert stored.submitted and stored.answers[paper.questions[1].id] == second
        page.locator("#xe-result-note", has_text="成绩尚未公布").wait_for(timeout=WAIT_MS)
        v.shot("37-exam-time-up")


def test_the_countdown_reaches_zero_on_a_phone(browser: Any, site: Site, tmp_path: Path) -> None:
    exams = site.exams
    ends = site.clock.now + timedelta(seconds=8)  # the exam closes 8 s (of the server clock) after login
    exam_id = open_exam(exams, tmp_path, title="2026年度执法人员法律知识考试（限时）", ends_at=ends)
    code = exams.get_exam(exam_id).code
    with exam_page(browser, f"{site.url}/exam?code={code}", "phone") as (v, _):
        page = v.page
        login(v, code, PEOPLE[2])
        at(v, 1)
        assert page.locator("#xe-clock").inner_text() <= "00:08", "the sitting ends with the exam, not in 30 min"
        page.locator("#xe-done-title", has_text="时间到，已自动交卷").wait_for(timeout=WAIT_MS)
        assert page.locator("#xe-exam").is_hidden() and page.locator("#xe-clock-box").is_hidden()
        v.shot("38-exam-countdown-zero")
