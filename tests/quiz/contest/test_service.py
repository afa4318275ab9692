"""ContestService on real databases (a SQLite file and PostgreSQL): drawing from the bank, persistence
across a restart, buzzer codes, concurrent presses, and the XLSX/CSV export opened again."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from quiz.bank.store import QuestionBank
from quiz.contest.clock import ManualClock
from quiz.contest.model import BuzzOutcome, ContestError, Phase, QuestionPick, RoundKind, RoundSpec
from quiz.contest.service import ContestNotFound, ContestService, entered_answer, stake_difficulty
from quiz.generation.generate import generate
from quiz.models import ReviewStatus
from quiz.settings import QuizSettings
from quiz.source import StaticSource
from tests.quiz.contest.questions import FORCE, ROAD, blank, judge, multi, short, single

XSS = "<img src=x onerror=alert(1)>"


def fill(bank: QuestionBank) -> None:
    questions = [single(i, difficulty=1) for i in range(1, 7)]
    questions += [judge(i, difficulty=1) for i in range(1, 5)]
    questions += [multi(i, difficulty=2) for i in range(1, 4)]
    questions += [blank(i, difficulty=2) for i in range(1, 3)]
    questions += [short(i, difficulty=3) for i in range(1, 3)]
    bank.add(questions)


@pytest.fixture()
def bank(database_url: str) -> QuestionBank:
    b = QuestionBank(database_url)
    fill(b)
    yield b  # type: ignore[misc]
    b.close()


def service(bank: QuestionBank, clock: ManualClock | None = None, **settings: object) -> ContestService:
    return ContestService(bank, QuizSettings(seed=7, **settings), clock or ManualClock())  # type: ignore[arg-type]


def test_a_contest_survives_a_restart_mid_question(bank: QuestionBank) -> None:
    clock = ManualClock()
    contests = service(bank, clock)
    c = contests.create("  2026年 路政 知识竞赛 ", ["一队", "二队", "三队"],
                        [RoundSpec(RoundKind.REQUIRED, questions=1), RoundSpec(RoundKind.BUZZ, questions=2)])
    assert c.name == "2026年 路政 知识竞赛" and len(c.code) == 6
    codes = [t.code for t in c.teams]
    assert len(set(codes)) == 3 and all(len(x) == 6 and x.isdigit() for x in codes)
    contests.start_round(c.code, 0)
    for _ in range(3):
        contests.draw(c.code)
        contests.judge(c.code, "C")
        contests.reveal(c.code)
    contests.adjust(c.code, 2, 5, "风采展示加分")
    contests.start_round(c.code, 1)
    contests.draw(c.code)
    contests.open_buzz(c.code)
    clock.advance(0.5)
    assert contests.buzz(codes[1]).outcome == "won"
    version = contests.version(c.code)

    restarted = ManualClock(start=clock.wall())  # a new process: same wall time, a fresh monotonic clock
    again = service(bank, restarted)  # a new server on the same database
    host = again.host(c.code)
    assert host.screen.version == version and host.screen.phase == Phase.ANSWERING.value
    assert host.screen.team_name == "二队" and host.screen.deadline == pytest.approx(clock.wall() + 30)
    assert [a.delta for a in host.adjustments] == [5]
    assert [s.name for s in again.contests()] == ["2026年 路政 知识竞赛"]
    restarted.advance(0.3)
    late = again.buzz(codes[0])
    assert late.outcome == "late" and late.winner_name == "二队" and late.behind_ms == 300
    again.judge(c.code, "C")
    again.reveal(c.code)
    seen = [a.question_id for a in again.get(c.code).asked]
    assert len(seen) == len(set(seen)) == 4
    assert again.team(codes[2]).team_name == "三队"


def test_draws_follow_the_round_and_never_repeat(bank: QuestionBank) -> None:
    contests = service(bank)
    pick = QuestionPick(laws=("行政强制法",), types=("single",))
    c = contests.create("抽题", ["甲", "乙"], [RoundSpec(RoundKind.REQUIRED, questions=3, pick=pick)])
    contests.start_round(c.code, 0)
    drawn = []
    for _ in range(6):
        asked = contests.draw(c.code)
        drawn.append(asked.question)
        contests.judge(c.code, "C")
        contests.reveal(c.code)
    assert all(q.type == "single" and q.law == FORCE for q in drawn)
    assert len({q.id for q in drawn}) == 6, "all six 单选 questions, none twice"

    c2 = contests.create("不够题", ["甲", "乙"], [RoundSpec(RoundKind.REQUIRED, questions=2, pick=QuestionPick(
        types=("judge",), laws=(ROAD,)))])
    contests.start_round(c2.code, 0)
    for _ in range(4):
        contests.draw(c2.code)
        contests.judge(c2.code, "对")
        contests.reveal(c2.code)
    assert contests.get(c2.code).round_done(0)
    contests.add_round(c2.code, RoundSpec(RoundKind.BUZZ, questions=1, pick=QuestionPick(types=("judge",))))
    contests.start_round(c2.code, 1)
    version = contests.version(c2.code)
    with pytest.raises(ContestError, match="题库中没有符合本轮条件且本场未出过的题") as err:
        contests.draw(c2.code)
    assert "判断" in str(err.value) and "本场已出 4 题" in str(err.value)
    assert contests.version(c2.code) == version and contests.get(c2.code).phase == Phase.IDLE


def test_risk_stakes_draw_by_difficulty_and_rejected_questions_stay_out(bank: QuestionBank) -> None:
    contests = service(bank)
    spec = RoundSpec(RoundKind.RISK, questions=1, stakes=(10, 20, 30))
    assert [stake_difficulty(spec, s) for s in (10, 20, 30)] == [1, 2, 3]
    rejected = [q.id for q in bank.list() if q.type == "short"][:1]
    bank.set_status(rejected, ReviewStatus.REJECTED)
    c = contests.create("风险", ["甲", "乙", "丙"], [spec])
    contests.start_round(c.code, 0)
    asked = contests.draw(c.code, stake=30)
    assert asked.question.difficulty == 3 and asked.question.id not in rejected
    contests.judge(c.code, "合法、适当", correct=False)
    contests.reveal(c.code)
    asked = contests.draw(c.code, stake=20)
    assert asked.question.difficulty == 2
    contests.judge(c.code, "", correct=None)  # no answer: wrong
    contests.reveal(c.code)
    asked = contests.draw(c.code, stake=30)  # the one 难 question left is rejected: any difficulty
    assert asked.question.id not in rejected
    assert {s.team: s.score for s in contests.host(c.code).screen.scores}[0] == -30

    approved_only = service(bank, contest_approved_only=True)
    c2 = approved_only.create("只用已审核", ["甲", "乙"], [RoundSpec(RoundKind.REQUIRED)])
    approved_only.start_round(c2.code, 0)
    with pytest.raises(ContestError, match="题库中没有"):
        approved_only.draw(c2.code)


def test_simultaneous_presses_have_exactly_one_winner(bank: QuestionBank) -> None:
    contests = ContestService(bank, QuizSettings(seed=1))  # the system clock
    names = [f"{i}队" for i in range(1, 9)]
    c = contests.create("并发抢答", names, [RoundSpec(RoundKind.BUZZ, questions=1)])
    contests.start_round(c.code, 0)
    contests.draw(c.code)
    contests.open_buzz(c.code)
    start = threading.Barrier(len(names))
    replies: list[str] = []

    def press(code: str) -> None:
        start.wait()
        replies.append(contests.buzz(code).outcome)
        replies.append(contests.buzz(code).outcome)  # a double press

    threads = [threading.Thread(target=press, args=(t.code,)) for t in c.teams]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(replies) == sorted(["won"] + ["late"] * 7 + ["double"] * 8)
    presses = contests.host(c.code).screen.presses
    assert presses[0].outcome == "won" and [p.behind_ms for p in presses] == sorted(p.behind_ms for p in presses)
    assert len(presses) == 8


def test_unknown_codes_and_bad_input_get_clear_messages(bank: QuestionBank) -> None:
    contests = service(bank)
    with pytest.raises(ContestNotFound, match="没有编号为 NOPE42 的竞赛"):
        contests.screen("nope42")
    with pytest.raises(ContestNotFound, match="队伍码 123 不存在"):
        contests.buzz("123")
    with pytest.raises(ContestError, match="请填写竞赛名称"):
        contests.create(" ", ["甲", "乙"])
    with pytest.raises(ContestError, match="至少需要两支队伍"):
        contests.create("x", ["甲"])
    c = contests.create("x", ["甲", "乙"], [RoundSpec(RoundKind.BUZZ)])
    assert contests.buzz(c.teams[0].code).outcome == BuzzOutcome.CLOSED.value
    with pytest.raises(ContestError, match="不支持的导出格式"):
        contests.export(c.code, Path("/tmp/x.pdf"))
    contests.delete(c.code)
    with pytest.raises(ContestNotFound):
        contests.get(c.code)


def test_export_holds_every_question_answer_judgement_and_score(bank: QuestionBank, tmp_path: Path) -> None:
    clock = ManualClock()
    contests = service(bank, clock)
    bank.add([single(100, qid=None)])
    odd = bank.list()[-1]
    odd.stem = f"{XSS} 与 =1+1 开头的公式"
    bank.update(odd)
    c = contests.create("导出", ["甲队", "乙队"], [
        RoundSpec(RoundKind.REQUIRED, questions=1, pick=QuestionPick(types=("single",))),
        RoundSpec(RoundKind.BUZZ, questions=2, penalty=10, pick=QuestionPick(types=("judge",))),
        RoundSpec(RoundKind.RISK, questions=1, stakes=(10, 20), pick=QuestionPick(types=("multi",))),
    ])
    code = c.code
    contests.start_round(code, 0)
    contests.draw(code)
    contests.judge(code, "C")  # 甲 +10
    contests.reveal(code)
    contests.draw(code)
    contests.judge(code, "B", correct=True)  # 乙: host override, +10
    contests.reveal(code)
    contests.start_round(code, 1)
    contests.draw(code)
    contests.open_buzz(code)
    clock.advance(0.3)
    contests.buzz(c.teams[1].code)
    clock.advance(0.02)
    contests.buzz(c.teams[0].code)
    contests.judge(code, "错")  # 乙 −10
    contests.open_buzz(code)
    contests.buzz(c.teams[0].code)
    contests.judge(code, "对")  # 甲 +10
    contests.reveal(code)
    contests.draw(code)
    contests.open_buzz(code)
    contests.reveal(code)  # nobody buzzed
    contests.start_round(code, 2)
    contests.draw(code, stake=20)
    contests.void(code, "题目印刷错误")
    contests.draw(code, stake=20)
    contests.judge(code, ["A", "B", "C"])  # 甲 +20
    contests.reveal(code)
    contests.draw(code, stake=10)
    contests.judge(code, "A")  # 乙 −10
    contests.reveal(code)
    contests.adjust(code, 1, 3, "仲裁更正")
    contests.finish(code)

    xlsx = contests.export(code, tmp_path / "结果.xlsx")
    book = load_workbook(xlsx)
    assert book.sheetnames == ["总分", "答题记录", "分数调整", "抢答记录", "竞赛信息"]
    totals = [[c.value for c in row] for row in book["总分"].iter_rows(min_row=2)]
    assert totals == [[1, "甲队", 40, 3, 0, 0], [2, "乙队", -7, 1, 2, 3]]
    answers = [[c.value for c in row] for row in book["答题记录"].iter_rows(min_row=1)]
    header = answers[0]
    rows = [dict(zip(header, r, strict=True)) for r in answers[1:]]
    assert len(rows) == 8, "2 必答 + 2 answers to one 抢答 + 1 unanswered + 1 voided + 2 风险"
    assert sum(int(r["得分"]) for r in rows) == 40 + -7 - 3
    override = rows[1]
    assert (override["队伍"], override["作答"], override["自动判定"], override["最终判定"], override["主持人改判"]) == (
        "乙队", "B", "错误", "正确", "是")
    assert override["正确答案"] == "C" and "C. 人民法院" in override["选项"] and "第六十条" in override["出处"]
    assert [r["最终判定"] for r in rows[2:5]] == ["错误", "正确", "无人抢答"]
    assert rows[5]["最终判定"] == "作废：题目印刷错误" and rows[5]["风险分值"] == 20
    assert [r["得分"] for r in rows[6:]] == [20, -10]
    adjustments = [[c.value for c in row] for row in book["分数调整"].iter_rows(min_row=2)]
    assert [a[1:] for a in adjustments] == [["乙队", 3, "仲裁更正"]]
    presses = [[c.value for c in row] for row in book["抢答记录"].iter_rows(min_row=2)]
    assert [p[2:4] for p in presses] == [["乙队", "抢到"], ["甲队", "慢于首位"], ["甲队", "抢到"]]
    assert presses[0][4] == 300 and presses[1][5] == 20

    path = contests.export(code, tmp_path / "结果.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    kinds = [r["记录"] for r in table]
    assert kinds == ["答题"] * 8 + ["分数调整"] + ["总分"] * 2
    assert table[8]["说明"] == "仲裁更正" and table[8]["得分"] == "3"
    assert [(r["队伍"], r["得分"]) for r in table[-2:]] == [("甲队", "40"), ("乙队", "-7")]


def test_questions_generated_from_real_laws_make_a_contest(real_source: StaticSource, tmp_path: Path) -> None:
    bank = QuestionBank(f"sqlite:///{tmp_path / 'real.sqlite'}")
    bank.add(generate(real_source, 12, laws=["行政强制法", "公路法"], types=["single", "judge"], seed=3))
    contests = service(bank)
    c = contests.create("真题", ["甲", "乙"], [RoundSpec(RoundKind.REQUIRED, questions=3)])
    contests.start_round(c.code, 0)
    for _ in range(6):
        asked = contests.draw(c.code)
        q = asked.question
        contests.judge(c.code, q.answer if q.type == "single" else ("对" if q.answer else "错"))
        contests.reveal(c.code)
        key = contests.screen(c.code).key
        assert key is not None and key.sources and key.sources[0].startswith("《中华人民共和国")
    assert all(s.score == 30 for s in contests.screen(c.code).scores)
    bank.close()


def test_the_host_use_cases_standard_contest_and_decide(bank: QuestionBank) -> None:
    """What the host console calls: a contest of the usual rounds scored and timed by the settings (a 风险题
    gets twice the answer time), the round to go on with, and one judgement call for 自动判定/判为正确/错误
    (a decision after the judgement overrides it)."""
    assert entered_answer("multi", "A", ["A", "C"], "x") == ["A", "C"]
    assert entered_answer("judge", "对", None, "x") == "对" and entered_answer("single", None, [], "") == ""
    assert entered_answer("blank", "A", ["B"], "  三十日 ") == "三十日" and len(entered_answer("short", None, None,
                                                                                             "长" * 900)) == 500
    clock = ManualClock()
    contests = service(bank, clock, contest_points=20, contest_answer_seconds=40)
    c = contests.create_standard("演练", ["一队", "二队"], 1, 1, 1, QuestionPick(types=("single",)))
    host = contests.host(c.code)
    assert [(r.kind, r.points, r.penalty, r.answer_seconds) for r in host.rounds] == [
        (RoundKind.REQUIRED, 20, 0, 40), (RoundKind.BUZZ, 20, 20, 40), (RoundKind.RISK, 20, 0, 80)]
    assert host.next_round == 0 and not host.screen.question_on and not host.screen.choosing_stake
    with pytest.raises(ContestError):  # nothing on screen to judge
        contests.decide(c.code, "C")
    contests.start_round(c.code, 0)
    contests.draw(c.code)
    screen = contests.screen(c.code)
    assert screen.question_on and screen.phase == Phase.ANSWERING
    assert screen.seconds_left(clock.wall()) == pytest.approx(40) and screen.seconds_left(clock.wall() + 99) == 0
    wrong = contests.decide(c.code, "B", ["A"], "C")  # graded by the question's type: the choice
    assert not wrong.correct and wrong.given == "B"
    assert contests.screen(c.code).seconds_left(clock.wall()) is None
    fixed = contests.decide(c.code, "A", None, None, correct=True)  # after the judgement: an override
    assert fixed.correct and fixed.overridden and contests.screen(c.code).scores[0].score == 20
    contests.reveal(c.code)
    contests.draw(c.code)
    assert contests.decide(c.code, "C").correct
    contests.reveal(c.code)
    host = contests.host(c.code)
    assert host.screen.round_done and host.next_round == 1
    contests.start_round(c.code, 1)
    contests.draw(c.code)
    contests.open_buzz(c.code)
    clock.advance(0.2)
    contests.buzz(c.teams[1].code)
    screen = contests.screen(c.code)
    assert screen.winner is not None and screen.winner.team == 1 and screen.winner.outcome == BuzzOutcome.WON
    contests.decide(c.code, correct=False)
    contests.reveal(c.code)
    contests.start_round(c.code, 2)
    screen = contests.screen(c.code)
    assert screen.choosing_stake and screen.round is not None and screen.round.kind == RoundKind.RISK
