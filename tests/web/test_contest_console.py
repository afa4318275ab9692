"""The 竞赛 tab (host console) in a real browser, and its pure helpers."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.base import KnowledgeBase
from kb.settings import KBSettings
from quiz.bank.store import QuestionBank
from quiz.contest.model import ContestError, QuestionPick, standard_rounds
from quiz.contest.service import ContestService
from quiz.generation.generate import generate
from quiz.settings import QuizSettings
from quiz.source import StaticSource
from tests.app.browser import visit
from tests.app.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, make_services
from tests.quiz.laws import laws_db, load_law
from xuefa.app.contest_tab import parse_stakes, team_lines

XSS = "<img src=x onerror=alert(1)>"
UPDATE_MS = 15_000


def test_team_lines_stakes_and_standard_rounds() -> None:
    assert team_lines("一队\n 二队 ，三队、四队\n\n") == ["一队", "二队", "三队", "四队"]
    assert parse_stakes("30, 10，20 20") == (10, 20, 30)
    with pytest.raises(ContestError, match="“十”不是正整数"):
        parse_stakes("10 十")
    rounds = standard_rounds(2, 0, 1, QuestionPick(), 10, 30, 10, (10, 20, 30))
    assert [(r.title, r.questions, r.answer_seconds) for r in rounds] == [("必答题", 2, 30), ("风险题", 1, 60)]



@pytest.fixture(scope="module")
def console() -> Iterator[tuple[str, ContestService]]:
    from tests.app.conftest import free_port
    from xuefa.app.ui import build_app, serve
    from xuefa.web.routes import build_routers

    home = Path(tempfile.mkdtemp(prefix="xf-contest-console-"))
    db = laws_db()
    source = StaticSource([load_law(t, db) for t in ("中华人民共和国行政强制法", "中华人民共和国公路法")])
    bank = QuestionBank(f"sqlite:///{home / 'quiz.sqlite'}")
    bank.add(generate(source, 40, types=["single", "judge"], seed=2))
    contests = ContestService(bank, QuizSettings(seed=9))
    kb = KnowledgeBase.open(home / "kb", KBSettings())
    services = make_services(kb, home)
    services.contests = contests
    server = serve(build_app(services), host="127.0.0.1", port=free_port(), block=False, quiet=True,
                   routers=build_routers(services))
    assert server is not None
    yield server.url, contests
    server.close()
    kb.close()
    bank.close()


def field(page: Any, elem_id: str) -> Any:
    """The text field of a Gradio Textbox (a textarea, or an input)."""
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def status(page: Any) -> str:
    return str(page.locator("#xc-status").inner_text())


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_host_runs_a_contest_from_the_console(browser: Any, console: tuple[str, ContestService]) -> None:
    url, contests = console
    with visit(browser, url, "desktop") as v:
        page = v.page
        v.tap(page.get_by_role("tab", name="竞赛"))
        page.locator("#xc-login-account textarea").fill(ADMIN_LOGIN)
        page.locator("#xc-password input").fill("wrong")
        v.tap(page.locator("#xc-login-btn"))
        page.locator("#xc-login", has_text="密码不正确").wait_for(timeout=UPDATE_MS)
        page.locator("#xc-login-account textarea").fill(ADMIN_LOGIN)
        page.locator("#xc-password input").fill(ADMIN_PASSWORD)
        v.tap(page.locator("#xc-login-btn"))
        page.locator("#xc-console").wait_for(timeout=UPDATE_MS)

        v.tap(page.locator("#xc-new").get_by_text("新建竞赛"))
        field(page, "xc-name").fill(f"{XSS}知识竞赛")
        page.locator("#xc-teams textarea").fill("路政一队\n运政二队")
        v.tap(page.locator("#xc-types label", has_text="多选"))  # only 单选 and 判断 left
        page.locator("#xc-n-required input").fill("1")
        page.locator("#xc-n-buzz input").fill("1")
        page.locator("#xc-n-risk input").fill("0")
        v.tap(page.locator("#xc-create"))
        page.locator("#xc-status", has_text="知识竞赛").wait_for(timeout=UPDATE_MS)
        assert XSS in status(page), "the name shows as text"
        assert XSS in page.locator(".toast-body", has_text="已创建竞赛").first.inner_text(), "in the toast too"
        code = contests.contests()[0].code
        contest = contests.get(code)
        links = page.locator("#xc-links").inner_text()
        assert f"/contest/screen/{code}" in links and all(t.code in links for t in contest.teams)
        assert [r.title for r in contest.rounds] == ["必答题", "抢答题"]
        assert contest.rounds[0].pick.types == ("single", "judge")

        v.tap(page.locator("#xc-start-round"))
        page.locator("#xc-status", has_text="下一题由路政一队必答").wait_for(timeout=UPDATE_MS)
        v.tap(page.locator("#xc-draw"))
        page.locator("#xc-status .xc-stem").wait_for(timeout=UPDATE_MS)
        host = contests.host(code)
        assert host.key is not None and host.screen.question is not None
        q = host.screen.question
        assert "大屏尚未显示答案" in status(page) and "答案：" in status(page), "the host sees the key"
        if q.type == "judge":
            v.tap(page.locator("#xc-choice label", has_text="正确" if host.key.answer is True else "错误"))
        else:
            v.tap(page.locator("#xc-choice label", has_text=f"{host.key.keys[0]}. "))
        v.tap(page.locator("#xc-judge"))
        page.locator("#xc-status .xc-attempts", has_text="正确 +10 分").wait_for(timeout=UPDATE_MS)
        v.tap(page.locator("#xc-wrong"))  # the host overrides
        page.locator("#xc-status .xc-attempts", has_text="主持人改判").wait_for(timeout=UPDATE_MS)
        v.tap(page.locator("#xc-reveal"))
        page.locator("#xc-status", has_text="大屏已显示答案").wait_for(timeout=UPDATE_MS)
        v.tap(page.locator("#xc-open-buzz"))
        page.get_by_text("不能开放抢答").first.wait_for(timeout=UPDATE_MS)  # a refusal is a warning

        page.locator("#xc-adjust-team input").click()
        page.get_by_role("option", name="运政二队").click()
        page.locator("#xc-adjust-delta input").fill("5")
        field(page, "xc-adjust-reason").fill("风采展示")
        v.tap(page.locator("#xc-adjust"))
        page.locator("#xc-status .xc-log", has_text="分数调整记录（1）").wait_for(timeout=UPDATE_MS)
        v.shot("28-contest-console", full_page=True)

        # the buzz round: a phone's press shows on the console by itself (timer)
        v.tap(page.locator("#xc-draw"))
        # 运政二队 is on the console already (the score adjustment): wait for its turn to answer instead
        page.locator('#xc-status .xc-status[data-phase="answering"]').wait_for(timeout=UPDATE_MS)
        assert contests.host(code).screen.team_name == "运政二队"
        contests.judge(code, "")
        contests.reveal(code)
        page.locator("#xc-round input").click()
        page.get_by_role("option", name="第 2 轮 · 抢答题（0/1）").click()
        v.tap(page.locator("#xc-start-round"))
        v.tap(page.locator("#xc-draw"))
        page.locator('#xc-status .xc-status[data-phase="shown"]').wait_for(timeout=UPDATE_MS)
        v.tap(page.locator("#xc-open-buzz"))
        page.locator('#xc-status .xc-status[data-phase="buzzing"]').wait_for(timeout=UPDATE_MS)
        assert contests.buzz(contest.teams[1].code).outcome == "won"
        page.locator("#xc-status", has_text="抢到：运政二队").wait_for(timeout=UPDATE_MS)
        v.shot("29-contest-console-buzzed", full_page=True)
        host = contests.host(code)
        assert host.key is not None and host.screen.question is not None
        right_label = ("正确" if host.key.answer is True else "错误") if host.screen.question.type == "judge" \
            else f"{host.key.keys[0]}. "
        v.tap(page.locator("#xc-choice label", has_text=right_label))  # the answer widget is there already
        v.tap(page.locator("#xc-judge"))
        page.locator("#xc-status .xc-attempts", has_text="运政二队").wait_for(timeout=UPDATE_MS)
        assert [s.score for s in contests.screen(code).scores] == [15, 0]

        v.tap(page.locator("#xc-export-xlsx"))
        link = page.locator("#xc-export-file a").first
        link.wait_for(timeout=UPDATE_MS)
        response = page.request.get(link.get_attribute("href"))
        assert response.ok and response.body()[:2] == b"PK", "an XLSX (zip) file downloads"


def test_the_server_builds_contests_on_the_practice_bank(tmp_path: Path) -> None:
    from xuefa.app.startup import build_services
    from xuefa.settings import Settings

    kb = KnowledgeBase.open(tmp_path / "kb", KBSettings())
    services = build_services(Settings(home=tmp_path, admin_password=ADMIN_PASSWORD), kb)
    assert services.contests is not None and services.practice is not None
    assert services.contests.bank is services.practice.bank, "one question bank for practice and contests"
    assert services.contests.contests() == []
    kb.close()
