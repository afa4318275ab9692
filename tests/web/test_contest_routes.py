"""The contest's JSON routes and pages through FastAPI (real SQLite bank, the service's manual clock)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient

from quiz.bank.store import QuestionBank
from quiz.contest.clock import ManualClock
from quiz.contest.machine import Contest
from quiz.contest.model import RoundKind, RoundSpec
from quiz.contest.service import ContestService
from quiz.settings import QuizSettings
from tests.quiz.contest.questions import judge, single
from xuefa.web.contest_routes import build_contest_router
from xuefa.web.server import STATIC_DIR, STATIC_PATH

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture()
def contests(tmp_path: Path) -> Iterator[ContestService]:
    bank = QuestionBank(f"sqlite:///{tmp_path / 'quiz.sqlite'}")
    q = single(1)
    q.explanation = "解析：法院强制执行，此处是只在揭晓后出现的说明文字。"
    bank.add([q, judge(2)])
    yield ContestService(bank, QuizSettings(seed=3), ManualClock())
    bank.close()


@pytest.fixture()
def client(contests: ContestService) -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(build_contest_router(contests))
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR))
    with TestClient(app) as c:
        yield c


def buzz_contest(contests: ContestService) -> Contest:
    c = contests.create(f"{XSS}竞赛", ["红队", "蓝队"], [RoundSpec(RoundKind.BUZZ, questions=2, buzz_seconds=10,
                                                                     answer_seconds=20)])
    contests.start_round(c.code, 0)
    return c


def test_pages_are_served_without_outside_resources(client: TestClient, contests: ContestService) -> None:
    c = buzz_contest(contests)
    page = client.get(f"/contest/screen/{c.code.lower()}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for html in (page.text, client.get("/contest/buzz").text):
        assert "http://" not in html and "https://" not in html and "//cdn" not in html
        for asset in ("contest-common.js",):
            assert f"/static-xf/{asset}" in html
    for asset in ("contest-common.js", "contest-screen.js", "contest-screen.css", "contest-buzz.js", "contest-buzz.css"):
        body = client.get(f"/static-xf/{asset}")
        assert body.status_code == 200 and "https://" not in body.text and "http://" not in body.text
        assert ".innerHTML" not in body.text, "text goes in through textContent only"
    missing = client.get("/contest/screen/NOPE99")
    assert missing.status_code == 404 and "没有编号为 NOPE99 的竞赛" in missing.text


def test_state_hides_the_key_and_the_team_codes_until_the_reveal(client: TestClient, contests: ContestService) -> None:
    c = buzz_contest(contests)
    asked = contests.draw(c.code)
    state = client.get(f"/api/contest/{c.code}/state").json()
    text = json.dumps(state, ensure_ascii=False)
    assert state["phase"] == "shown" and state["question"]["stem"] == asked.question.stem
    assert state["key"] is None and asked.question.explanation not in text
    assert all(t.code not in text for t in c.teams), "a team's code lets a phone buzz as that team"
    assert state["server_now"] == pytest.approx(contests.clock.wall())
    assert state["name"] == f"{XSS}竞赛", "data as is: the page puts it in as text"
    contests.open_buzz(c.code)
    contests.buzz(c.teams[0].code)
    contests.judge(c.code, "A" if asked.question.type == "single" else "错")
    assert client.get(f"/api/contest/{c.code}/state").json()["key"] is None
    contests.reveal(c.code)
    state = client.get(f"/api/contest/{c.code}/state").json()
    assert state["key"]["explanation"] == asked.question.explanation and state["key"]["sources"]
    assert client.get("/api/contest/NOPE99/state").status_code == 404


def test_buzz_replies_say_who_won_and_why_a_press_was_ignored(client: TestClient, contests: ContestService) -> None:
    c = buzz_contest(contests)
    red, blue = (t.code for t in c.teams)
    joined = client.get(f"/api/contest/team/{blue}").json()
    assert joined == {"contest": c.code, "contest_name": f"{XSS}竞赛", "team": 1, "team_name": "蓝队"}
    assert client.get("/api/contest/team/000000").status_code == 404

    def press(code: str) -> dict[str, object]:
        response = client.post("/api/contest/buzz", json={"team_code": code})
        assert response.status_code == 200, response.text
        return response.json()

    closed = press(red)
    assert closed["outcome"] == "closed" and "没有抢答题" in str(closed["message"])
    contests.draw(c.code)
    early = press(red)
    assert early["outcome"] == "early" and "还没有开放抢答" in str(early["message"])
    contests.open_buzz(c.code)
    clock = contests.clock
    assert isinstance(clock, ManualClock)
    clock.advance(0.2)
    won = press(blue)
    assert won["outcome"] == "won" and won["message"] == "抢到了！请蓝队作答。"
    clock.advance(0.15)
    late = press(red)
    assert late["outcome"] == "late" and late["winner_name"] == "蓝队" and late["message"] == "慢了 0.15 秒：蓝队已抢到。"
    double = press(blue)
    assert double["outcome"] == "double" and "已经按过了" in str(double["message"])

    bad = client.post("/api/contest/buzz", content=b"not json", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and "team_code" in bad.json()["error"]
    unknown = client.post("/api/contest/buzz", json={"team_code": "12"})
    assert unknown.status_code == 404 and "队伍码 12 不存在" in unknown.json()["error"]


def test_a_waiting_state_request_returns_on_the_next_change(client: TestClient, contests: ContestService) -> None:
    c = buzz_contest(contests)
    version = client.get(f"/api/contest/{c.code}/state").json()["version"]
    timer = threading.Timer(0.3, contests.draw, args=(c.code,))
    timer.start()
    state = client.get(f"/api/contest/{c.code}/state", params={"since": version, "wait": 10}).json()
    timer.join()
    assert state["version"] > version and state["phase"] == "shown"
    same = client.get(f"/api/contest/{c.code}/state", params={"since": state["version"], "wait": 0}).json()
    assert same["version"] == state["version"], "no change: the same state after the wait"
    stale = client.get(f"/api/contest/{c.code}/state", params={"since": state["version"] + 50, "wait": 10}).json()
    assert stale["version"] == state["version"], "a version the server does not have (a restart) answers at once"
