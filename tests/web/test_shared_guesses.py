"""The wrong-code limiter in the database (``SharedGuessLimiter``) with a hand-moved clock: two limiters on one
database stand for two processes (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import create_engine

from xuefa.web.shared_guesses import SharedGuessLimiter


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
