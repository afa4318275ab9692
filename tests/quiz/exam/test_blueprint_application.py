"""A blueprint's application share (situation items, ``*.situation*`` generators) and difficulty band:
parsed, kept by the allocation on every parallel paper, and refused with what the bank lacks — through
ExamService on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from kb.models import Citation
from quiz.bank.store import QuestionBank
from quiz.exam.blueprint import BlueprintItem, allocate, parse_blueprint
from quiz.exam.models import BlueprintError, BlueprintShortfall
from quiz.exam.service import ExamService
from quiz.models import Question, QuestionType, ReviewStatus
from quiz.settings import QuizSettings
from tests.quiz.exam.conftest import Clock

LAW = "中华人民共和国道路运输条例"


def made(n: int, qtype: QuestionType = "single", generator: str = "single.statement", difficulty: int = 1) -> Question:
    options = {"A": "一", "B": "二", "C": "三", "D": "四"} if qtype == "single" else {}
    answer: str | bool = "A" if qtype == "single" else True
    return Question(qtype, f"第{n}题（{generator}）：某事如何处理？", answer, "", (Citation(law=LAW, article=n),),
                    options, difficulty, LAW, generator=generator, status=ReviewStatus.APPROVED, id=n)


def test_parse_share_and_band() -> None:
    bp = parse_blueprint("""
application_share: 0.4
difficulty: 2-3
items:
  - {type: 单选, count: 10}
  - {type: 判断, count: 5, application_share: 0, difficulty: 1}
  - {type: 多选, count: 4, difficulty: [1, 2], application_share: 50%}
""")
    single, judge, multi = bp.items
    assert (single.difficulty, single.difficulty_band, single.application_share) == (None, (2, 3), 0.4)
    assert single.application_count == 4 and single.label == "单选 × 全部法律 × 难度2–3"
    assert (judge.difficulty, judge.difficulty_band, judge.application_count) == (1, None, 0)
    assert (multi.difficulty_band, multi.application_count) == ((1, 2), 2)
    again = parse_blueprint(bp.to_json())  # as the exam stores it
    assert (again.items, again.application_share, again.difficulty) == (bp.items, 0.4, (2, 3))
    assert parse_blueprint({"difficulty": [2, 2], "items": [{"type": "单选", "count": 1}]}).items[0].difficulty == 2


@pytest.mark.parametrize(("blueprint", "message"), [
    ({"application_share": 1.5, "items": [{"type": "单选", "count": 1}]}, "application_share 应在 0 到 1 之间"),
    ({"application_share": "多", "items": [{"type": "单选", "count": 1}]}, "application_share 应是 0 到 1 之间的小数"),
    ({"difficulty": [3, 1], "items": [{"type": "单选", "count": 1}]}, "难度区间 [3, 1] 无效"),
    ({"items": [{"type": "单选", "count": 1, "difficulty": [1, 2, 3]}]}, "items 第 1 条的 difficulty 的难度区间应写作"),
    ({"items": [{"type": "单选", "count": 1, "difficulty": 4}]}, "难度应为 1、2 或 3"),
])
def test_bad_share_or_band_is_refused(blueprint: dict[str, object], message: str) -> None:
    with pytest.raises(BlueprintError) as e:
        parse_blueprint(blueprint)
    assert message in str(e.value)


def test_each_parallel_paper_gets_its_share_of_situation_items() -> None:
    pool = [made(n) for n in range(1, 21)] + [made(n, generator="single.situation.bracket") for n in range(21, 27)]
    item = BlueprintItem("single", 5, application_share=0.4)  # 2 of 5 per paper
    allocation = allocate([item], [pool], variants=3, rng=random.Random(1))
    assert allocation.shortfalls == ()
    for v in range(3):
        paper = [q for _, q in allocation.paper([item], v, 3)]
        assert len(paper) == 5 and sum(".situation" in q.generator for q in paper) >= 2
    short = allocate([item], [pool], variants=4).shortfalls
    assert [s.message for s in short] == [
        "单选 × 全部法律 × 情境题（至少 40%）：需要 8 题（4 套试卷各 2 题，不得重复），题库只有 6 题"]


def test_the_band_limits_the_pool() -> None:
    bp = parse_blueprint({"difficulty": [2, 3], "items": [{"type": "单选", "count": 2}]})
    pool = [made(1, difficulty=1), made(2, difficulty=2), made(3, difficulty=3)]
    (item,) = bp.items
    assert [q.id for q in pool if item.matches(q)] == [2, 3]


@pytest.fixture()
def bank(database_url: str) -> Iterator[QuestionBank]:
    b = QuestionBank(database_url)
    b.add([*(made(n, difficulty=1 + n % 3) for n in range(1, 13)),
           *(made(n, generator="single.situation.consequence", difficulty=2) for n in range(13, 16)),
           *(made(n, "judge", "judge.paraphrase") for n in range(16, 22)),
           made(22, "judge", "judge.situation.deadline")])
    yield b
    b.close()


def test_assembly_honours_the_share_and_band(bank: QuestionBank) -> None:
    exams = ExamService(bank, QuizSettings(), Clock())
    blueprint = {"application_share": 0.4, "difficulty": [2, 3],
                 "items": [{"type": "单选", "count": 5}, {"type": "判断", "count": 2, "difficulty": 1}]}
    assert exams.check_blueprint(blueprint) == []
    info = exams.create_exam("应用题考试", blueprint)
    exams.assemble(info.id, seed=5)
    paper = [bank.get(e.question.id or 0) for e in exams.paper_questions(info.id, "A")]  # the snapshot has no generator
    singles = [q for q in paper if q is not None and q.type == "single"]
    judges = [q for q in paper if q is not None and q.type == "judge"]
    assert len(singles) == 5 and sum(".situation" in q.generator for q in singles) >= 2
    assert all(q.difficulty in (2, 3) for q in singles)
    assert len(judges) == 2 and sum(".situation" in q.generator for q in judges) >= 1


def test_assembly_refuses_naming_what_the_bank_lacks(bank: QuestionBank) -> None:
    exams = ExamService(bank, QuizSettings(), Clock())
    blueprint = {"application_share": 0.5, "items": [{"type": "单选", "count": 8}, {"type": "判断", "count": 4}]}
    info = exams.create_exam("缺情境题", blueprint)
    with pytest.raises(BlueprintShortfall) as e:
        exams.assemble(info.id)
    assert "单选 × 全部法律 × 情境题（至少 50%）：需要 4 题，题库只有 3 题" in str(e.value)
    assert "判断 × 全部法律 × 情境题（至少 50%）：需要 2 题，题库只有 1 题" in str(e.value)
    hard = {"difficulty": 3, "items": [{"type": "单选", "count": 5}]}
    assert [s.message for s in exams.check_blueprint(hard)] == ["单选 × 全部法律 × 难度3：需要 5 题，题库只有 4 题"]
