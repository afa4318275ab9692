"""The contest state machine on its own: rounds, turns, stakes, judging, buzz order with a manual clock."""

from __future__ import annotations

import pytest

from quiz.contest.clock import ManualClock
from quiz.contest.machine import Contest, validate_round, validate_teams
from quiz.contest.model import (
    BuzzOutcome,
    ContestError,
    IllegalTransition,
    Phase,
    RoundKind,
    RoundSpec,
    Team,
)
from quiz.contest.views import host_view, screen_view
from tests.quiz.contest.questions import blank, judge, multi, numbered, short, single

TEAMS = [Team(0, "第一队", "100001"), Team(1, "第二队", "100002"), Team(2, "第三队", "100003")]


def contest(*rounds: RoundSpec, clock: ManualClock | None = None) -> Contest:
    return Contest("ABC234", "测试竞赛", TEAMS, rounds, clock or ManualClock())


def test_required_round_goes_to_each_team_in_turn_and_scores() -> None:
    clock = ManualClock()
    c = contest(RoundSpec(RoundKind.REQUIRED, questions=2, points=10, answer_seconds=30), clock=clock)
    c.start_round(0)
    assert c.turn() == 0 and screen_view(c).team_name == "第一队", "the idle screen names the team up next"
    qs = numbered(6)
    teams = []
    answers = ["C", "A", "C", "C", "A", "A"]
    for i, q in enumerate(qs):
        asked = c.show(q)
        teams.append(asked.team)
        assert c.phase == Phase.ANSWERING and c.answering == asked.team
        assert c.deadline == pytest.approx(clock.wall() + 30)
        attempt = c.judge(answers[i])
        assert attempt.auto is attempt.correct is (answers[i] == "C")
        assert c.phase == Phase.JUDGED and c.deadline is None
        c.reveal()
        assert c.phase == Phase.REVEALED
        clock.advance(5)
    assert teams == [0, 1, 2, 0, 1, 2]
    assert c.round_done(0)
    with pytest.raises(ContestError, match="已经出完"):
        c.show(single(99, qid=99))
    scores = {s.name: s.score for s in c.scores()}
    assert scores == {"第一队": 20, "第二队": 0, "第三队": 10}
    c.finish()
    assert c.finished
    with pytest.raises(IllegalTransition, match="竞赛已结束"):
        c.start_round(0)


def test_risk_stakes_are_won_or_lost_and_must_be_offered() -> None:
    c = contest(RoundSpec(RoundKind.RISK, questions=1, stakes=(10, 20, 30)))
    c.start_round(0)
    with pytest.raises(ContestError, match="须先选择分值"):
        c.show(single(1, qid=1))
    with pytest.raises(ContestError, match="不在本轮可选的档位"):
        c.show(single(1, qid=1), stake=25)
    assert c.phase == Phase.IDLE and not c.asked, "a refused show changes nothing"
    c.show(single(1, qid=1), stake=30)
    assert screen_view(c).stake == 30
    c.judge("C")  # right: +30
    c.reveal()
    c.show(judge(2, qid=2), stake=20)
    c.judge("错")  # wrong: −20
    c.reveal()
    c.show(multi(3, qid=3), stake=10)
    c.judge(["C", "A", "B"])  # right: +10
    scores = {s.team: s.score for s in c.scores()}
    assert scores == {0: 30, 1: -20, 2: 10}
    assert [s.rank for s in c.scores()] == [1, 2, 3]


def test_stake_is_not_taken_outside_a_risk_round() -> None:
    c = contest(RoundSpec(RoundKind.REQUIRED))
    c.start_round(0)
    with pytest.raises(ContestError, match="不选分值"):
        c.show(single(1, qid=1), stake=10)


def test_no_question_twice_in_a_contest_even_across_rounds() -> None:
    c = contest(RoundSpec(RoundKind.REQUIRED, questions=1), RoundSpec(RoundKind.BUZZ, questions=3))
    c.start_round(0)
    c.show(single(1, qid=1))
    c.judge("C")
    c.reveal()
    c.start_round(1)
    with pytest.raises(ContestError, match="本场已经出过"):
        c.show(single(1, qid=1))
    with pytest.raises(ContestError, match="没有编号"):
        c.show(single(2))


def test_host_judges_open_questions_and_overrides_with_the_points_following() -> None:
    c = contest(RoundSpec(RoundKind.REQUIRED, questions=1, points=10, penalty=5))
    c.start_round(0)
    c.show(short(1, qid=1))
    with pytest.raises(ContestError, match="由主持人判定"):
        c.judge("合法、适当")
    attempt = c.judge("合法、适当，教育与强制相结合", correct=True)
    assert attempt.auto is None and attempt.correct and attempt.points == 10 and not attempt.overridden
    c.override(False)
    assert attempt.points == -5 and not attempt.overridden, "no automatic judgement to differ from"
    c.reveal()
    c.show(blank(2, qid=2))
    attempt = c.judge(" 30日 ")  # 30日 = 三十日: right automatically
    assert attempt.auto is True and attempt.correct
    c.override(False)  # after the reveal too
    assert attempt.correct is False and attempt.overridden and attempt.points == -5
    c.reveal()
    c.show(single(3, qid=3))
    attempt = c.judge("B", correct=True)  # the host rules an automatically wrong answer right
    assert attempt.auto is False and attempt.correct and attempt.overridden and attempt.points == 10
    assert {s.team: s.score for s in c.scores()} == {0: -5, 1: -5, 2: 10}


def test_illegal_transitions_name_the_phase() -> None:
    c = contest(RoundSpec(RoundKind.BUZZ, questions=2))
    with pytest.raises(ContestError, match="请先开始一轮"):
        c.show(single(1, qid=1))
    with pytest.raises(IllegalTransition, match="当前等待出题，不能判定"):
        c.judge("A")
    with pytest.raises(IllegalTransition, match="当前等待出题，不能揭晓答案"):
        c.reveal()
    c.start_round(0)
    c.show(single(1, qid=1))
    assert c.phase == Phase.SHOWN
    with pytest.raises(IllegalTransition, match="读题中"):
        c.judge("C")
    with pytest.raises(IllegalTransition, match="不能出题"):
        c.show(single(2, qid=2))
    with pytest.raises(IllegalTransition, match="不能结束竞赛"):
        c.finish()
    c.open_buzz()
    with pytest.raises(IllegalTransition, match="不能开放抢答"):
        c.open_buzz()
    version = c.version
    with pytest.raises(IllegalTransition):
        c.override(True)
    assert c.version == version, "a refused action changes nothing"


def test_buzz_order_early_late_double_and_closed_with_a_manual_clock() -> None:
    clock = ManualClock()
    c = contest(RoundSpec(RoundKind.BUZZ, questions=3, points=10, penalty=10, buzz_seconds=10, answer_seconds=20),
                clock=clock)
    assert c.buzz(0).outcome == BuzzOutcome.CLOSED, "no question on"
    c.start_round(0)
    c.show(single(1, qid=1))
    assert c.buzz(1).outcome == BuzzOutcome.EARLY, "before the host opens buzzing"
    c.open_buzz()
    assert c.deadline == pytest.approx(clock.wall() + 10)
    clock.advance(0.25)
    first = c.buzz(2)
    assert first.outcome == BuzzOutcome.WON and first.winner == 2
    assert c.phase == Phase.ANSWERING and c.answering == 2
    assert c.deadline == pytest.approx(clock.wall() + 20), "the answer countdown starts at the win"
    clock.advance(0.04)
    late = c.buzz(0)
    assert late.outcome == BuzzOutcome.LATE and late.winner == 2 and late.behind_ms == 40
    assert c.buzz(2).outcome == BuzzOutcome.DOUBLE
    assert c.buzz(0).outcome == BuzzOutcome.DOUBLE, "a late team pressing again is a double press"
    presses = screen_view(c).presses
    assert [(p.team_name, p.outcome, p.behind_ms) for p in presses] == [("第三队", "won", 0), ("第一队", "late", 40)]
    assert presses[0].after_open_ms == 250

    c.judge("A")  # wrong: −10; buzzing may open again for the others
    assert c.buzz(1).outcome == BuzzOutcome.LATE, "after the winner, before the host re-opens"
    c.open_buzz()
    assert c.buzz(2).outcome == BuzzOutcome.ANSWERED, "the team that answered wrong cannot buzz again"
    assert c.buzz(1).outcome == BuzzOutcome.WON
    c.judge("C")
    with pytest.raises(IllegalTransition, match="已答对"):
        c.open_buzz()
    c.reveal()
    assert c.buzz(0).outcome == BuzzOutcome.CLOSED
    assert {s.team: s.score for s in c.scores()} == {0: 0, 1: 10, 2: -10}

    c.show(single(2, qid=2))
    c.open_buzz()
    clock.advance(10.5)
    assert c.buzz_closed()
    assert c.buzz(0).outcome == BuzzOutcome.LATE, "after the window's deadline"
    assert c.phase == Phase.BUZZING and not c.current.presses  # type: ignore[union-attr]
    c.reveal()  # nobody buzzed in time
    assert c.current is not None and c.current.revealed and not c.current.attempts


def test_adjustments_are_logged_with_a_reason() -> None:
    clock = ManualClock()
    c = contest(clock=clock)
    with pytest.raises(ContestError, match="原因"):
        c.adjust(0, 5, "  ")
    with pytest.raises(ContestError, match="不能为 0"):
        c.adjust(0, 0, "x")
    with pytest.raises(ContestError, match="没有第 4 支队伍"):
        c.adjust(3, 5, "x")
    c.adjust(1, 5, "答题规范加分")
    clock.advance(3)
    c.adjust(1, -2, "违规提示")
    assert [(j.delta, j.reason) for j in c.adjustments] == [(5, "答题规范加分"), (-2, "违规提示")]
    assert c.adjustments[1].at - c.adjustments[0].at == 3
    s = next(s for s in c.scores() if s.team == 1)
    assert s.score == 3 and s.adjusted == 3 and s.rank == 1
    assert [x.rank for x in c.scores()] == [1, 2, 2], "ties share a rank"


def test_a_voided_question_scores_nothing_and_is_replaced_but_never_drawn_again() -> None:
    c = contest(RoundSpec(RoundKind.REQUIRED, questions=1))
    c.start_round(0)
    c.show(single(1, qid=1))
    c.judge("C")
    with pytest.raises(ContestError, match="原因"):
        c.void("")
    c.void("题目有误")
    assert c.phase == Phase.IDLE and c.turn() == 0, "the same team gets another question"
    assert c.scores()[0].score == 0
    with pytest.raises(ContestError, match="出过"):
        c.show(single(1, qid=1))


def test_the_screen_never_shows_the_key_before_the_reveal_but_the_host_does() -> None:
    c = contest(RoundSpec(RoundKind.REQUIRED, questions=1))
    c.start_round(0)
    q = single(1, qid=1)
    c.show(q)
    view = screen_view(c)
    assert view.question is not None and view.question.stem == q.stem and view.key is None
    assert [o.letter for o in view.question.options] == ["A", "B", "C", "D"]
    assert host_view(c).key is not None and host_view(c).key.keys == ("C",)  # type: ignore[union-attr]
    c.judge("C")
    assert screen_view(c).key is None and screen_view(c).attempts[0].correct
    c.reveal()
    key = screen_view(c).key
    assert key is not None and key.keys == ("C",) and key.sources == ("《中华人民共和国行政强制法》第六十条",)
    assert "第六十条" in key.explanation


def test_teams_and_rounds_are_checked() -> None:
    with pytest.raises(ContestError, match="至少需要两支队伍"):
        validate_teams(["一队", "  "])
    with pytest.raises(ContestError, match="队名重复"):
        validate_teams(["一队", "一队"])
    assert validate_teams([" 一队 ", "", "二队"]) == ["一队", "二队"]
    with pytest.raises(ContestError, match="答题时间"):
        validate_round(RoundSpec(RoundKind.REQUIRED, answer_seconds=1))
    with pytest.raises(ContestError, match="风险题须有分值档位"):
        validate_round(RoundSpec(RoundKind.RISK, stakes=()))
