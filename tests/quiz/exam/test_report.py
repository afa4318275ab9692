"""The exam report on a hand-computed example (seven examinees, five questions), on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.exam.report import discrimination
from quiz.exam.service import ExamService
from tests.quiz.exam.conftest import HAND_BLUEPRINT, open_exam

SEVEN = [(f"20{i:04d}", f"考生{i}", "甲支队" if i <= 3 else "乙支队") for i in range(1, 8)]
SHORT_FULL = "限制公民人身自由，查封场所设施或者财物，扣押财物，冻结存款汇款。"
# which questions each examinee gets right (single, multi, judge, blank, short); scores 20 10 6 5 4 1 0
RIGHT = [
    "SMJBQ",
    "SMJB",
    "SJB",
    "SB",
    "JB",
    "J",
    "",
]


def answer(q_type: str, text_of: dict[str, str], right: bool) -> object:
    """A right or a wrong answer in the examinee's display letters."""
    if q_type == "single":
        return text_of["二百元"] if right else text_of["一百元"]
    if q_type == "multi":
        return "".join(sorted(text_of[t] for t in ("警告", "罚款", "没收违法所得"))) if right else text_of["警告"]
    if q_type == "judge":
        return right
    if q_type == "blank":
        return "15天" if right else "三十日"
    return SHORT_FULL if right else "不知道"


def test_report_matches_the_hand_computation(hand_exams: ExamService, tmp_path: Path) -> None:
    exams = hand_exams
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=SEVEN)
    code = exams.get_exam(exam_id).code
    letters = {"single": "S", "multi": "M", "judge": "J", "blank": "B", "short": "Q"}
    for person, right in zip(SEVEN, RIGHT, strict=True):
        token = exams.login(code, person[0], person[1]).token
        for q in exams.paper_for(token).questions:
            if person == SEVEN[-1]:
                break  # the last one answers nothing
            text_of = {o.text: o.key for o in q.options}
            exams.save_answer(token, q.id, answer(q.type, text_of, letters[q.type] in right))
        exams.submit(token)
    report = exams.report(exam_id)
    assert [e.score for e in report.examinees] == [20, 10, 6, 5, 4, 1, 0]
    assert [e.rank for e in report.examinees] == [1, 2, 3, 4, 5, 6, 7]
    assert report.pass_mark == 12 and report.pass_rate == pytest.approx(1 / 7)
    assert report.mean == pytest.approx(46 / 7) and (report.highest, report.lowest) == (20, 0)
    stats = {q.type: q for q in report.questions}
    # facility = right / 7; discrimination: top 2 (20, 10) minus bottom 2 (1, 0) (27% of 7 = 1.89 → 2)
    expected = {"single": (4, 1.0), "multi": (2, 1.0), "judge": (5, 0.5), "blank": (5, 1.0), "short": (1, 0.5)}
    for qtype, (right, disc) in expected.items():
        assert stats[qtype].correct == right and stats[qtype].facility == pytest.approx(right / 7), qtype
        assert stats[qtype].discrimination == pytest.approx(disc), qtype
    laws = {x.law: x for x in report.laws}
    punish, force = laws["中华人民共和国行政处罚法"], laws["中华人民共和国行政强制法"]
    assert (punish.questions, punish.answers) == (4, 28)
    assert punish.facility == pytest.approx(16 / 28) and punish.score_rate == pytest.approx(36 / 70)
    assert force.score_rate == pytest.approx(10 / 70)
    assert [x.law for x in report.weakest_laws] == ["中华人民共和国行政强制法", "中华人民共和国行政处罚法"]
    counts = [b.count for b in report.distribution]
    assert counts == [2, 0, 2, 1, 0, 1, 0, 0, 0, 1] and report.distribution[-1].label == "18–20"
    units = {u.unit: u for u in report.units}
    assert (units["甲支队"].submitted, units["甲支队"].mean) == (3, 12)
    assert units["乙支队"].mean == pytest.approx(10 / 4) and units["乙支队"].pass_rate == 0


def test_discrimination_groups() -> None:
    assert discrimination([(1.0, True)]) is None
    assert discrimination([(0.9, True), (0.1, False)]) == 1.0
    # ten examinees: groups of three (27% of 10 = 2.7 → 3)
    rows = [(s / 10, s >= 5) for s in range(10)]
    assert discrimination(rows) == 1.0
    rows = [(s / 10, s % 2 == 0) for s in range(10)]  # upper 9 8 7 → 1/3 right; lower 2 1 0 → 2/3
    assert discrimination(rows) == pytest.approx(1 / 3 - 2 / 3)
