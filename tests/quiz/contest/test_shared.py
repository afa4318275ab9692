"""Two ContestService objects on one PostgreSQL database stand for two server processes: each action reads
and writes the row under its lock, and the other hears of it through LISTEN/NOTIFY (quiz.contest.changes)."""

from __future__ import annotations

import threading

import pytest

from quiz.bank.store import QuestionBank
from quiz.contest.clock import ManualClock
from quiz.contest.model import BuzzOutcome, RoundKind, RoundSpec
from quiz.contest.service import ContestService
from quiz.settings import QuizSettings
from tests.quiz.contest.questions import single


def test_the_other_process_hears_every_change_and_judges_from_the_database(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("one process serves a SQLite database")
    bank_a, bank_b = QuestionBank(database_url), QuestionBank(database_url)
    bank_a.add([single(n) for n in range(3)])
    clock = ManualClock()
    a, b = ContestService(bank_a, QuizSettings(seed=1), clock), ContestService(bank_b, QuizSettings(seed=1), clock)
    heard: list[str] = []
    changed = threading.Event()

    def hear(code: str) -> None:
        heard.append(code)
        changed.set()

    b.subscribe(hear)
    b.follow_other_processes()
    try:
        contest = a.create("两个进程", ["甲", "乙"], [RoundSpec(RoundKind.BUZZ, questions=1)])
        assert b.screen(contest.code).version == contest.version
        a.start_round(contest.code, 0)
        a.draw(contest.code)
        changed.clear()
        a.open_buzz(contest.code)
        assert changed.wait(20), "b heard a's change"
        assert heard[-1] == contest.code
        assert b.screen(contest.code).phase == "buzzing"
        clock.advance(0.25)
        won = b.buzz(contest.teams[1].code)  # through b, from the state a wrote
        late = a.buzz(contest.teams[0].code)
        assert (won.outcome, late.outcome, late.winner) == (BuzzOutcome.WON.value, BuzzOutcome.LATE.value, 1)
        presses = a.get(contest.code).current.presses  # type: ignore[union-attr]
        assert [(p.team, p.outcome) for p in presses] == [(1, BuzzOutcome.WON), (0, BuzzOutcome.LATE)]
        assert presses[0].after_open_ms == 250, "the window's opening is stored for the process that judges"
    finally:
        b.close()
        bank_a.close()
        bank_b.close()
