"""The contest in a real browser (Debian chromium via Playwright): the big screen through a round at
1920×1080 and 1280×720, and two phones as two teams' buzzers (the first press wins).

The host's actions go through ``ContestService`` directly (the console has its own test); the bank holds
questions generated from real laws. Every page checks that no request left 127.0.0.1 and no JavaScript
dialog fired; screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kb.base import KnowledgeBase
from kb.settings import KBSettings
from quiz.bank.store import QuestionBank
from quiz.contest.model import QuestionPick, RoundKind, RoundSpec
from quiz.contest.service import ContestService
from quiz.generation.generate import generate
from quiz.settings import QuizSettings
from quiz.source import StaticSource
from tests.app.browser import Visit, recording
from tests.app.conftest import free_port, make_services
from tests.quiz.laws import laws_db, load_law

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LAWS = ("中华人民共和国行政强制法", "中华人民共和国公路法")
XSS = "<img src=x onerror=alert(1)>"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SCREENS = {"1920": {"width": 1920, "height": 1080}, "1280": {"width": 1280, "height": 720}}
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                         "device_scale_factor": 2}
UPDATE_MS = 5_000
"""How long a page may take to show a change (it normally takes well under a second)."""


@dataclass
class Site:
    url: str
    contests: ContestService
    bank: QuestionBank


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    from xuefa.app.ui import serve
    from xuefa.web.contest_routes import build_contest_router

    home = Path(tempfile.mkdtemp(prefix="xf-contest-browser-"))
    db = laws_db()
    source = StaticSource([load_law(title, db) for title in LAWS])
    bank = QuestionBank(f"sqlite:///{home / 'quiz.sqlite'}")
    bank.add(generate(source, 60, types=["single", "multi", "judge", "blank"], seed=11))
    contests = ContestService(bank, QuizSettings(seed=5))
    kb = KnowledgeBase.open(home / "kb", KBSettings())
    services = make_services(kb, home)
    services.contests = contests
    import gradio as gr

    with gr.Blocks() as demo:  # the contest pages do not need the app's tabs
        gr.Markdown("xuefa")
    server = serve(demo, host="127.0.0.1", port=free_port(), block=False, quiet=True,
                   routers=[build_contest_router(contests)])
    assert server is not None
    yield Site(server.url.rstrip("/"), contests, bank)
    server.close()
    kb.close()
    bank.close()



@contextmanager
def open_page(browser: Any, url: str, size: str, **options: Any) -> Iterator[Visit]:
    """``url`` in a context of ``options``; ``size`` ends its screenshots' file names."""
    with recording(browser, url, size, **options) as (v, _):
        yield v


def wait_phase(tab: Visit, phase: str) -> None:
    tab.page.locator(f'#xs-app[data-phase="{phase}"]').wait_for(timeout=UPDATE_MS)


def contrast(page: Any, selector: str) -> float:
    """WCAG contrast ratio of an element's text colour against the page background."""
    return float(page.evaluate(
        """(sel) => {
            const lum = (c) => { const [r, g, b] = c.match(/\\d+/g).slice(0, 3).map(Number).map((v) => {
                v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            const fg = lum(getComputedStyle(document.querySelector(sel)).color);
            const bg = lum(getComputedStyle(document.body).backgroundColor);
            return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        }""",
        selector,
    ))


def layout_fits(page: Any) -> None:
    width, height, inner_w, inner_h = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]")
    assert width <= inner_w and height <= inner_h, "the screen scrolls"
    over = page.evaluate("(() => { const s = document.getElementById('xs-stage'); "
                         "return s.scrollHeight - s.clientHeight; })()")
    assert over <= 1, f"the question overflows the stage by {over}px"


@pytest.mark.parametrize("size", list(SCREENS))
def test_big_screen_through_a_round(browser: Any, site: Site, size: str) -> None:
    contests = site.contests
    c = contests.create(f"路政知识竞赛 {size}", ["第一代表队", f"{XSS}队", "第三代表队"], [
        RoundSpec(RoundKind.REQUIRED, questions=1, answer_seconds=30, pick=QuestionPick(types=("single",))),
    ])
    height = SCREENS[size]["height"]
    with open_page(browser, f"{site.url}/contest/screen/{c.code}", size, viewport=SCREENS[size]) as tab:
        page = tab.page
        wait_phase(tab, "idle")
        assert "竞赛即将开始" in page.locator("#xs-idle").inner_text()
        join = page.locator("#xs-join").inner_text()
        assert "/contest/buzz" in join and "队伍码" in join
        assert all(t.code not in page.content() for t in c.teams), "team codes never reach the screen"

        contests.start_round(c.code, 0)
        page.locator("#xs-idle-sub", has_text="第一代表队 必答").wait_for(timeout=UPDATE_MS)
        asked = contests.draw(c.code)
        q = asked.question
        wait_phase(tab, "answering")
        stem = page.locator("#xs-stem")
        assert "".join(stem.inner_text().split()) == "".join(q.stem.split())
        assert page.locator("#xs-options .xs-option").count() == len(q.options)
        assert "第一代表队" in page.locator("#xs-banner").inner_text()
        clock = page.locator("#xs-seconds")
        first = int(clock.inner_text())
        assert 25 <= first <= 30
        page.wait_for_timeout(1_200)
        assert int(clock.inner_text()) < first, "the countdown runs"
        html = page.content()
        assert q.explanation not in html and page.locator("#xs-reveal").is_hidden(), "no key before the reveal"
        assert not page.locator(".xs-option.xs-right").count()
        stem_px = page.evaluate("parseFloat(getComputedStyle(document.getElementById('xs-stem')).fontSize)")
        option_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.xs-option')).fontSize)")
        seconds_px = page.evaluate("parseFloat(getComputedStyle(document.getElementById('xs-seconds')).fontSize)")
        assert stem_px >= 0.045 * height and option_px >= 0.035 * height and seconds_px >= 0.1 * height, (
            stem_px, option_px, seconds_px)
        assert contrast(page, "#xs-stem") >= 12 and contrast(page, ".xs-score .xs-team") >= 12
        layout_fits(page)
        tab.shot("20-contest-screen-question")

        contests.judge(c.code, q.answer)
        wait_phase(tab, "judged")
        banner = page.locator("#xs-banner").inner_text()
        assert "正确" in banner and "+10" in banner
        assert page.locator("#xs-reveal").is_hidden()
        contests.reveal(c.code)
        wait_phase(tab, "revealed")
        reveal = page.locator("#xs-reveal")
        key_letters = "".join(sorted(str(q.answer)))
        assert page.locator(".xs-option.xs-right .xs-letter").all_inner_texts() == list(key_letters)
        text = reveal.inner_text()
        assert f"《{q.sources[0].law}》" in text and "第" in text and "条" in text
        assert "依据" in page.locator("#xs-explain").inner_text()
        scores = page.locator("#xs-scores .xs-score").all_inner_texts()
        assert "第一代表队" in scores[0] and "10" in scores[0], scores
        assert any(XSS in s for s in scores), "a team name with markup shows as text"
        layout_fits(page)
        tab.shot("21-contest-screen-reveal")

        contests.adjust(c.code, 2, 15, "风采展示")
        page.locator("#xs-scores .xs-score").first.filter(has_text="第三代表队").wait_for(timeout=UPDATE_MS)
        contests.finish(c.code)
        wait_phase(tab, "finished")
        assert "第一名：第三代表队" in page.locator("#xs-idle").inner_text()
        tab.shot("22-contest-screen-finished")


def test_two_phones_buzz_and_the_first_wins(browser: Any, site: Site) -> None:
    contests = site.contests
    c = contests.create("抢答测试", ["红队", "蓝队"], [RoundSpec(RoundKind.BUZZ, questions=3, buzz_seconds=20,
                                                               answer_seconds=30)])
    red, blue = c.teams
    with (
        open_page(browser, f"{site.url}/contest/screen/{c.code}", "1280", viewport=SCREENS["1280"]) as screen,
        open_page(browser, f"{site.url}/contest/buzz", "buzzer", **PHONE) as phone_red,
        open_page(browser, f"{site.url}/contest/buzz?team={blue.code}", "buzzer", **PHONE) as phone_blue,
    ):
        # red types its code; blue came with its link
        phone_red.page.locator("#xb-code").fill("12")
        phone_red.page.locator("#xb-join-btn").tap()
        assert "6 位数字" in phone_red.page.locator("#xb-join-error").inner_text()
        phone_red.page.locator("#xb-code").fill("000000")
        phone_red.page.locator("#xb-join-btn").tap()
        phone_red.page.locator("#xb-join-error", has_text="不存在").wait_for(timeout=UPDATE_MS)
        phone_red.page.locator("#xb-code").fill(red.code)
        phone_red.page.locator("#xb-join-btn").tap()
        for phone, team in ((phone_red, red), (phone_blue, blue)):
            phone.page.locator("#xb-team", has_text=team.name).wait_for(timeout=UPDATE_MS)
            height = phone.page.evaluate("document.getElementById('xb-button').getBoundingClientRect().height")
            assert height >= 200, "a big button"

        contests.start_round(c.code, 0)
        contests.draw(c.code)
        for phone in (phone_red, phone_blue):
            phone.page.locator("#xb-status", has_text="请听题").wait_for(timeout=UPDATE_MS)
        phone_red.page.locator("#xb-button").tap()
        phone_red.page.locator("#xb-result", has_text="还没有开放抢答").wait_for(timeout=UPDATE_MS)
        phone_red.shot("23-contest-buzz-early")

        contests.open_buzz(c.code)
        for phone in (phone_red, phone_blue):
            phone.page.locator('#xb-pad[data-state="open"]').wait_for(timeout=UPDATE_MS)
        wait_phase(screen, "buzzing")
        assert "开始抢答" in screen.page.locator("#xs-banner").inner_text()
        phone_blue.shot("24-contest-buzz-open")

        phone_blue.page.locator("#xb-button").tap()
        phone_blue.page.locator("#xb-result", has_text="抢到了").wait_for(timeout=UPDATE_MS)
        phone_red.page.locator("#xb-button").tap()
        phone_red.page.locator("#xb-result", has_text="蓝队已抢到").wait_for(timeout=UPDATE_MS)
        assert "慢了" in phone_red.page.locator("#xb-result").inner_text()
        phone_blue.page.locator("#xb-button").tap()
        phone_blue.page.locator("#xb-result", has_text="已经按过了").wait_for(timeout=UPDATE_MS)
        phone_red.page.locator('#xb-pad[data-state="lost"]').wait_for(timeout=UPDATE_MS)
        phone_blue.page.locator('#xb-pad[data-state="won"]').wait_for(timeout=UPDATE_MS)
        wait_phase(screen, "answering")
        assert "蓝队 抢到" in screen.page.locator("#xs-banner").inner_text()
        assert "领先 红队" in screen.page.locator("#xs-banner").inner_text()
        view = contests.screen(c.code)
        assert [(p.team_name, p.outcome) for p in view.presses] == [("蓝队", "won"), ("红队", "late")]
        phone_blue.shot("25-contest-buzz-won")
        phone_red.shot("26-contest-buzz-late")
        screen.shot("27-contest-screen-buzzed")

        contests.judge(c.code, "")  # no answer: wrong
        contests.reveal(c.code)
        contests.draw(c.code)
        contests.open_buzz(c.code)
        for phone in (phone_red, phone_blue):
            phone.page.locator('#xb-pad[data-state="open"]').wait_for(timeout=UPDATE_MS)
        # both press at (nearly) the same moment: the server's order of arrival decides, and both phones agree
        phone_red.page.locator("#xb-button").dispatch_event("pointerdown")
        phone_blue.page.locator("#xb-button").dispatch_event("pointerdown")
        for phone in (phone_red, phone_blue):
            phone.page.locator("#xb-result:not(:empty)").wait_for(timeout=UPDATE_MS)
        winner = contests.screen(c.code).presses[0].team_name
        loser_phone, winner_phone = (phone_red, phone_blue) if winner == "蓝队" else (phone_blue, phone_red)
        assert "抢到了" in winner_phone.page.locator("#xb-result").inner_text()
        assert f"{winner}已抢到" in loser_phone.page.locator("#xb-result").inner_text()


def test_sixteen_teams_fit_on_the_scoreboard_beside_the_countdown(browser: Any, site: Site) -> None:
    contests = site.contests
    c = contests.create("十六队同场", [f"第{i}代表队" for i in range(1, 17)], [RoundSpec(RoundKind.REQUIRED)])
    contests.start_round(c.code, 0)
    contests.draw(c.code)
    with open_page(browser, f"{site.url}/contest/screen/{c.code}", "1280", viewport=SCREENS["1280"]) as tab:
        wait_phase(tab, "answering")
        tab.page.locator("#xs-clock").wait_for()
        tab.page.wait_for_timeout(300)
        last, box = tab.page.evaluate("""[document.querySelector('#xs-scores .xs-score:last-child')
            .getBoundingClientRect().bottom, document.getElementById('xs-scores').getBoundingClientRect().bottom]""")
        assert last <= box + 1, "every team is on the scoreboard"
        assert tab.page.locator("#xs-scores .xs-score").count() == 16
        font = tab.page.evaluate("parseFloat(getComputedStyle(document.querySelector('.xs-score')).fontSize)")
        assert font >= 11, font
        layout_fits(tab.page)
        tab.shot("30-contest-screen-16-teams")
