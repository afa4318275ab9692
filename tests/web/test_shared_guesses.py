"""The wrong-code limiter in the database (``SharedGuessLimiter``) with a hand-moved clock: two limiters on one
database stand for two processes (SQLite and PostgreSQL); its pruning on the sweep's schedule."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select

from quiz.bank.store import QuestionBank
from quiz.exam.service import ExamService
from quiz.settings import QuizSettings
from xuefa.web.exam_routes import upkeep
from xuefa.web.shared_guesses import PRUNE_LOCK_KEY, PruneSchedule, SharedGuessLimiter


class HandClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_failures_on_one_process_refuse_on_the_other_until_they_leave_the_window(database_url: str) -> None:
    clock = HandClock()
    engine_a, engine_b = create_engine(database_url), create_engine(database_url)
    try:
        a = SharedGuessLimiter(engine_a, limit=3, window_s=60, clock=clock)
        b = SharedGuessLimiter(engine_b, limit=3, window_s=60, clock=clock)
        for _ in range(2):
            a.failed("10.0.0.7")
            clock.now += 10
        assert b.retry_after("10.0.0.7") == 0.0, "two failures of three allowed"
        b.failed("10.0.0.7")
        assert a.retry_after("10.0.0.7") == 40.0, "the oldest of the last three leaves the window in 40 s"
        assert a.retry_after("10.0.0.8") == 0.0, "another address is not refused"
        clock.now += 40
        assert b.retry_after("10.0.0.7") == 0.0
        clock.now += 60
        assert a.prune() == 3 and a.count() == 0
    finally:
        engine_a.dispose()
        engine_b.dispose()


def test_the_sweeps_loop_prunes_once_a_window(database_url: str) -> None:
    clock, ticks = HandClock(), HandClock()
    bank = QuestionBank(database_url)
    try:
        limiter = SharedGuessLimiter(bank.engine, limit=3, window_s=60, clock=clock)
        prunes = PruneSchedule(limiter, every_s=60, clock=ticks)
        exams = ExamService(bank, QuizSettings())
        limiter.failed("10.0.0.7")
        clock.now += 61
        limiter.failed("10.0.0.9")
        upkeep(exams, prunes)  # the first round prunes: the older failure had left the window
        assert limiter.count() == 1
        clock.now += 61
        ticks.now += 59
        upkeep(exams, prunes)
        assert limiter.count() == 1, "not due again before a window of the schedule's clock"
        ticks.now += 1
        upkeep(exams, prunes)
        assert limiter.count() == 0
        assert prunes.tick() is None
    finally:
        bank.close()


def test_one_process_prunes_at_a_time(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one process")
    clock = HandClock()
    engine_a, engine_b = create_engine(database_url), create_engine(database_url)
    try:
        a = SharedGuessLimiter(engine_a, limit=3, window_s=60, clock=clock)
        b = SharedGuessLimiter(engine_b, limit=3, window_s=60, clock=clock)
        a.failed("10.0.0.7")
        clock.now += 61
        with engine_a.begin() as pruning:  # another process is pruning
            assert pruning.scalar(select(func.pg_try_advisory_xact_lock(PRUNE_LOCK_KEY)))
            assert b.prune() == 0 and b.count() == 1
        assert b.prune() == 1 and b.count() == 0
    finally:
        engine_a.dispose()
        engine_b.dispose()
