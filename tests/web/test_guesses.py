"""Refusing an address that guesses codes: the limiter with a hand-moved clock, then the contest's and the
exam's routes through FastAPI (real SQLite bank)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz.bank.store import QuestionBank
from quiz.contest.clock import ManualClock
from quiz.contest.service import ContestService
from quiz.exam.service import ExamService
from quiz.settings import QuizSettings
from tests.quiz.contest.questions import judge, single
from tests.quiz.exam.conftest import HAND_BLUEPRINT, PEOPLE, Clock, hand_questions, open_exam
from xuefa.web.contest_routes import build_contest_router
from xuefa.web.exam_routes import build_exam_router
from xuefa.web.guesses import GuessLimiter

WINDOW_S = 60.0
STRICT = QuizSettings(seed=3, wrong_code_limit=3, wrong_code_window_s=WINDOW_S, exam_sweep_interval_s=3600)


class HandClock:
    """The limiter's clock, moved by the test: a slow machine must not let failures leave the window."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def hand_limiter(clock: HandClock) -> GuessLimiter:
    return GuessLimiter(STRICT.wrong_code_limit, STRICT.wrong_code_window_s, clock=clock)


def test_an_address_is_refused_after_its_limit_until_the_oldest_failure_leaves_the_window() -> None:
    now = [100.0]
    limiter = GuessLimiter(limit=3, window_s=60, clock=lambda: now[0], max_clients=2)
    for _ in range(2):
        limiter.failed("10.0.0.1")
        now[0] += 10
    assert limiter.retry_after("10.0.0.1") == 0.0, "two failures of three allowed"
    limiter.failed("10.0.0.1")  # failures at 100, 110, 120
    assert limiter.retry_after("10.0.0.1") == pytest.approx(40.0), "until 100 + 60"
    assert limiter.retry_after("10.0.0.2") == 0.0, "other addresses are not touched"
    now[0] = 160.0
    assert limiter.retry_after("10.0.0.1") == 0.0, "the oldest failure has left the window"
    limiter.failed("10.0.0.1")
    assert limiter.retry_after("10.0.0.1") == pytest.approx(10.0), "110, 120, 160: until 110 + 60"
    limiter.failed("10.0.0.2")
    limiter.failed("10.0.0.3")  # a third address: the longest quiet one is forgotten
    assert limiter.retry_after("10.0.0.1") == 0.0


def test_the_contest_refuses_an_address_guessing_team_codes(tmp_path: Path) -> None:
    bank = QuestionBank(f"sqlite:///{tmp_path / 'quiz.sqlite'}")
    bank.add([single(1), judge(2)])
    contests = ContestService(bank, STRICT, ManualClock())
    team_code = contests.create("竞赛", ["红队", "蓝队"], []).teams[0].code
    app = FastAPI()
    clock = HandClock()
    app.include_router(build_contest_router(contests, hand_limiter(clock)))
    with TestClient(app) as client:
        assert client.get(f"/api/contest/team/{team_code}").status_code == 200, "right codes never count"
        assert client.get("/api/contest/team/000001").status_code == 404
        assert client.post("/api/contest/buzz", json={"team_code": "000002"}).status_code == 404
        assert client.get(f"/api/contest/team/{team_code}").status_code == 200
        assert client.get("/api/contest/team/000003").status_code == 404
        blocked = client.get(f"/api/contest/team/{team_code}")
        assert blocked.status_code == 429, "after three wrong codes even the right one is refused"
        assert "尝试次数过多" in blocked.json()["error"] and int(blocked.headers["Retry-After"]) >= 1
        assert client.post("/api/contest/buzz", json={"team_code": team_code}).status_code == 429
        clock.now += WINDOW_S + 0.1
        assert client.get(f"/api/contest/team/{team_code}").status_code == 200, "the window has passed"
    bank.close()


def test_the_exam_login_refuses_an_address_guessing_codes_or_names(tmp_path: Path) -> None:
    bank = QuestionBank(f"sqlite:///{tmp_path / 'quiz.sqlite'}")
    bank.add(hand_questions())
    exams = ExamService(bank, STRICT, Clock())
    code = exams.get_exam(open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])).code
    app = FastAPI()
    clock = HandClock()
    app.include_router(build_exam_router(exams, hand_limiter(clock)))

    def login(exam_code: str, person: tuple[str, str, str], device: str = "") -> int:
        body = {"code": exam_code, "officer_id": person[0], "name": person[1], "device": device}
        return client.post("/api/exam/login", json=body).status_code

    with TestClient(app) as client:
        assert login(code, PEOPLE[0], "d-1") == 200
        assert login(code, PEOPLE[0], "d-2") == 409, "a second device is no guess"
        assert login("999999", PEOPLE[1]) == 404
        assert login(code, ("X-1", "甲", "")) == 403, "not on the roster"
        assert login(code, (PEOPLE[1][0], "乙某", "")) == 403, "the name does not match"
        assert login(code, PEOPLE[1]) == 429, "three wrong guesses: refused, right or wrong"
        clock.now += WINDOW_S + 0.1
        assert login(code, PEOPLE[1]) == 200
    bank.close()
