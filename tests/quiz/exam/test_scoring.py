"""Grading rules of the exam (pure), blueprint parsing and the per-examinee layout."""

from __future__ import annotations

from dataclasses import replace

import pytest

from quiz.exam.blueprint import BlueprintItem, allocate, parse_blueprint
from quiz.exam.layout import BadAnswer, Slot, make_layout
from quiz.exam.models import BlueprintError
from quiz.exam.scoring import score
from tests.quiz.exam.conftest import hand_questions

Q = {q.type: q for q in hand_questions()}


@pytest.mark.parametrize(("given", "partial", "earned", "correct"), [
    ("ACD", False, 4, True),
    ("DCA", False, 4, True),
    ("AC", False, 0, False),
    ("AC", True, 2.67, False),
    ("A", True, 1.33, False),
    ("ABC", True, 0, False),
    ("ABCD", True, 0, False),
    (None, True, 0, False),
])
def test_multi(given: str | None, partial: bool, earned: float, correct: bool) -> None:
    result = score(Q["multi"], given, 4, partial)
    assert (result.earned, result.correct) == (earned, correct)


@pytest.mark.parametrize(("given", "earned"), [
    ("十五日", 3), ("15日", 3), ("15天", 3), (" 十五 日。", 3), ("半个月", 3), ("十日", 0), ("", 0), (None, 0),
])
def test_blank_key_variants(given: str | None, earned: float) -> None:
    assert score(Q["blank"], given, 3).earned == earned


def test_single_judge_short() -> None:
    assert score(Q["single"], "B", 2).earned == 2 and score(Q["single"], "C", 2).earned == 0
    assert score(Q["judge"], True, 1).earned == 1 and score(Q["judge"], False, 1).earned == 0
    half = score(Q["short"], "限制公民人身自由，扣押财物", 10)
    assert half.earned == 5 and not half.correct
    assert score(Q["short"], "限制公民人身自由，查封场所设施或者财物，扣押财物", 10).correct


def test_blueprint_parsing_and_errors() -> None:
    bp = parse_blueprint("duration_min: 90\npoints: {单选: 1.5, 多选题: 2}\nitems:\n"
                         "  - {type: 单选, law: 行政处罚法, difficulty: 2, count: 10}\n  - {type: multi, count: 5}\n")
    assert bp.items[0] == BlueprintItem("single", 10, "行政处罚法", "", 2)
    assert bp.items[0].label == "单选 × 行政处罚法 × 难度2" and bp.items[1].label == "多选 × 全部法律"
    assert bp.total_points == 25 and bp.question_count == 15
    assert parse_blueprint(bp.to_json()) == bp
    for text, message in [
        ("[1, 2]", "对象"),
        ("items: []", "没有 items"),
        ("items: [{type: 论述, count: 1}]", "未知题型"),
        ("items: [{type: 单选, count: 0}]", "count"),
        ("items: [{type: 单选, count: 2.5}]", "整数"),
        ("items: [{type: 单选, count: 1, difficulty: 5}]", "难度"),
        ("duration_min: 0\nitems: [{type: 单选, count: 1}]", "考试时长"),
        ("points: {单选: 多}\nitems: [{type: 单选, count: 1}]", "不是数字"),
        ("items: [{type: 单选, count: 1}", "YAML"),
    ]:
        with pytest.raises(BlueprintError) as e:
            parse_blueprint(text)
        assert message in str(e.value), text


def test_overlapping_lines_share_the_bank() -> None:
    """单选 × 行政处罚法 (2) beside 单选 × 全部法律 (2): four questions, two of them 行政处罚法, suffice."""
    qs = [q for q in hand_questions() if q.type == "single"]
    pool = [replace(qs[0], id=i, law="中华人民共和国行政处罚法" if i < 2 else "其他") for i in range(4)]
    items = [BlueprintItem("single", 2), BlueprintItem("single", 2, "行政处罚法")]
    pools = [pool, [q for q in pool if q.law != "其他"]]
    allocation = allocate(items, pools)
    assert not allocation.shortfalls
    assert {q.id for q in allocation.picks[1]} == {0, 1} and {q.id for q in allocation.picks[0]} == {2, 3}


def test_layout_translates_letters() -> None:
    paper = [(1, "single", {"A": "甲", "B": "乙", "C": "丙", "D": "以上都对"}), (2, "single", {"A": "x", "B": "y"}),
             (3, "judge", {}), (4, "multi", {"A": "1", "B": "2", "C": "3"})]
    slots = make_layout("secret", "officer", paper)
    assert [s.type for s in slots] == ["single", "single", "judge", "multi"]
    assert make_layout("secret", "officer", paper) == slots
    first = next(s for s in slots if s.eq == 1)
    assert first.options[-1] == "D", "以上都对 stays last"
    shown = "ABCD"[first.options.index("B")]
    assert first.to_paper(shown.lower()) == "B" and first.to_display("B") == shown
    multi = next(s for s in slots if s.eq == 4)
    assert multi.to_display(multi.to_paper("CA")) == "AC"
    assert multi.to_paper(["A", "B"]) == "".join(sorted(multi.options[:2]))
    for bad in ("D", "AZ", 5, ["A", 1]):
        with pytest.raises(BadAnswer):
            multi.to_paper(bad)
    judge = Slot("q", 3, "judge", ())
    assert judge.to_paper("对") is True and judge.to_paper(False) is False
    with pytest.raises(BadAnswer):
        judge.to_paper("maybe")
    with pytest.raises(BadAnswer):
        Slot("q", 5, "blank", ()).to_paper("字" * 501)
