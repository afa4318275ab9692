"""Difficulty from answer evidence, on SQLite and PostgreSQL: hand-made practice and exam answers whose
facility and discrimination are worked out below by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.models import Citation
from quiz.bank.evidence import (
    NEGATIVE_DISCRIMINATION,
    QuestionEvidence,
    apply_evidence,
    difficulty_from_facility,
)
from quiz.bank.store import QuestionBank
from quiz.db import AttemptRow, QuestionRow
from quiz.exam.evidence import calibrate, exam_responses, measure, practice_responses
from quiz.exam.tables import AnswerRow, ExamQuestionRow, ExamRow, SittingRow
from quiz.models import Question
from xuefa.cli import cli

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

# Practice first answers (✓ right, ✗ wrong); standing = share right over the officer's first answers:
#        q1 q2 q3 q4   standing
#   u1   ✓  ✓  ✗  ✓    3/4
#   u2   ✓  ✓  ✗  -    2/3
#   u3   ✓  ✗  ✗  -    1/3   (a later second answer to q2, right, does not count)
#   u4   ✓  ✗  ✓  ✗    2/4
#   u5   ✗  ✗  ✓  ✗    1/4
# Five responders: the upper and lower 27% are one each (u1 and u5).
#   q1: 4/5 = 0.8 → difficulty 1; discrimination 1 − 0 = +1
#   q2: 2/5 = 0.4 → difficulty 3; +1
#   q3: 2/5 = 0.4 → difficulty 3; 0 − 1 = −1 → flagged
#   q4: 1/3, +1 (u1 − u5), but 3 answers: under min_answers 4 → unchanged
PRACTICE = {
    "u1": "✓✓✗✓",
    "u2": "✓✓✗-",
    "u3": "✓✗✗-",
    "u4": "✓✗✓✗",
    "u5": "✗✗✓✗",
}


def question(n: int, difficulty: int = 2) -> Question:
    return Question(type="judge", stem=f"第{n}题：题干{n}。", answer=True, explanation="",
                    sources=(Citation(law="中华人民共和国道路运输条例", article=n),), difficulty=difficulty)


@pytest.fixture()
def bank(database_url: str) -> QuestionBank:
    b = QuestionBank(database_url)
    yield b
    b.close()


def add_practice(bank: QuestionBank, ids: list[int]) -> None:
    with bank.session() as s, s.begin():
        minute = 0
        for user, marks in PRACTICE.items():
            for qid, mark in zip(ids, marks, strict=True):
                if mark != "-":
                    minute += 1
                    s.add(AttemptRow(user_id=user, question_id=qid, given=mark == "✓", correct=mark == "✓",
                                     answered_at=T0 + timedelta(minutes=minute)))
        s.add(AttemptRow(user_id="u3", question_id=ids[1], given=True, correct=True,
                         answered_at=T0 + timedelta(days=1)))


def evidence_of(bank: QuestionBank) -> dict[int, tuple[int, int, float | None]]:
    with bank.session() as s:
        return {e.question_id: (e.answers, e.correct, e.discrimination) for e in measure(practice_responses(s))}


def test_practice_first_answers_give_facility_and_discrimination(bank: QuestionBank) -> None:
    ids = bank.add([question(n) for n in range(1, 5)])
    add_practice(bank, ids)
    q1, q2, q3, q4 = ids
    assert evidence_of(bank) == {q1: (5, 4, 1.0), q2: (5, 2, 1.0), q3: (5, 2, -1.0), q4: (3, 1, 1.0)}

    result = calibrate(bank, min_answers=4)
    assert [(c.question_id, c.before, c.after) for c in result.changed] == [(q1, 2, 1), (q2, 2, 3), (q3, 2, 3)]
    assert [f.question_id for f in result.flagged] == [q3]
    assert result.calibrated == 3
    flagged = bank.get(q3)
    assert flagged is not None and flagged.needs_review.startswith(NEGATIVE_DISCRIMINATION)
    assert "-1.00" in flagged.needs_review and "5 人次" in flagged.needs_review
    assert [(q.id, q.difficulty, q.needs_review) for q in bank.list() if q.id != q3] == [
        (q1, 1, ""), (q2, 3, ""), (q4, 2, "")]

    again = calibrate(bank, min_answers=4)
    assert again.changed == () and again.flagged == () and again.cleared == ()


def test_fewer_answers_than_the_minimum_change_nothing(bank: QuestionBank) -> None:
    ids = bank.add([question(n) for n in range(1, 5)])
    add_practice(bank, ids)
    result = calibrate(bank, min_answers=6)
    assert result.changed == () and result.flagged == () and result.calibrated == 0
    assert [q.difficulty for q in bank.list()] == [2, 2, 2, 2]


def test_a_flag_of_ours_is_lifted_and_another_kept(bank: QuestionBank) -> None:
    ids = bank.add([question(1), question(2), question(3)])
    with bank.session() as s, s.begin():
        first = s.get(QuestionRow, ids[0])
        third = s.get(QuestionRow, ids[2])
        assert first is not None and third is not None
        first.needs_review = f"{NEGATIVE_DISCRIMINATION}（-0.50）：旧的"
        third.needs_review = "article text changed"
    evidence = [QuestionEvidence(ids[0], 40, 30, 0.2), QuestionEvidence(ids[1], 40, 30, None),
                QuestionEvidence(ids[2], 40, 10, -0.3)]
    result = apply_evidence(bank, evidence, 30)
    assert result.cleared == (ids[0],)
    assert result.flagged == ()  # the third already awaits review for another reason
    assert [(q.difficulty, q.needs_review) for q in bank.list()] == [
        (2, ""), (2, ""), (3, "article text changed")]


@pytest.mark.parametrize(("facility", "level"), [(1.0, 1), (0.8, 1), (0.79, 2), (0.5, 2), (0.49, 3), (0.0, 3)])
def test_bands(facility: float, level: int) -> None:
    assert difficulty_from_facility(facility) == level


# Exam: one paper A of qa, qb and a question not from the bank, 1 point each (full score 3).
#   sitting  score  qa   qb         standing
#   s1       2      ✓    ✓          2/3   (and the third wrong)
#   s2       3      ✓    ✓          1     (and the third right)
#   s3       1      ✗    ✓          1/3
#   s4       0      -    ✗          0     (qa unanswered: wrong)
#   s5       (not submitted: ignored)
# Four takers: the groups are one each (s2 upper, s4 lower).
#   qa: 2/4 = 0.5 → difficulty 2; discrimination 1 − 0 = +1
#   qb: 3/4 = 0.75 → difficulty 2; +1
def add_exam(bank: QuestionBank, qa: int, qb: int) -> None:
    with bank.session() as s, s.begin():
        exam = ExamRow(code="ABC123", title="测试考试", blueprint={}, duration_min=60, secret="x")
        s.add(exam)
        s.flush()
        eqs = [ExamQuestionRow(exam_id=exam.id, variant="A", position=i, question_id=bank_id, type="judge",
                               points=1.0, snapshot={}) for i, bank_id in enumerate((qa, qb, None), start=1)]
        s.add_all(eqs)
        s.flush()
        sheet = {"s1": (2.0, {0: True, 1: True, 2: False}), "s2": (3.0, {0: True, 1: True, 2: True}),
                 "s3": (1.0, {0: False, 1: True}), "s4": (0.0, {1: False}), "s5": (None, {0: True})}
        for officer, (score, marks) in sheet.items():
            sitting = SittingRow(exam_id=exam.id, officer_id=officer, name=officer, variant="A", layout=[],
                                 started_at=T0, ends_at=T0 + timedelta(hours=1),
                                 submitted_at=T0 + timedelta(minutes=50) if score is not None else None,
                                 score=score)
            s.add(sitting)
            s.flush()
            for position, right in marks.items():
                s.add(AnswerRow(sitting_id=sitting.id, exam_question_id=eqs[position].id, given=right,
                                saved_at=T0, earned=float(right), correct=right))


def test_exam_answers_count_unanswered_as_wrong(bank: QuestionBank) -> None:
    qa, qb = bank.add([question(11, difficulty=3), question(12, difficulty=2)])
    add_exam(bank, qa, qb)
    with bank.session() as s:
        found = {e.question_id: (e.answers, e.correct, e.discrimination) for e in measure(exam_responses(s))}
    assert found == {qa: (4, 2, 1.0), qb: (4, 3, 1.0)}
    result = calibrate(bank, min_answers=4)
    assert [(c.question_id, c.before, c.after) for c in result.changed] == [(qa, 3, 2)]
    assert result.flagged == ()


def test_practice_and_exam_answers_add_up(bank: QuestionBank) -> None:
    ids = bank.add([question(n) for n in range(1, 5)])
    add_practice(bank, ids)
    add_exam(bank, ids[0], ids[1])
    result = calibrate(bank, min_answers=9)
    # q1: 5 practice (4 right) + 4 exam (2 right) = 6/9 → 2; q2: 5 (2) + 4 (3) = 5/9 → 2
    assert {e.question_id: (e.answers, e.correct) for e in result.evidence if e.answers >= 9} == {
        ids[0]: (9, 6), ids[1]: (9, 5)}
    assert result.changed == ()


def test_cli_calibrate(tmp_path: Path, database_url: str) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(f"quiz:\n  database_url: '{database_url}'\n  calibration_min_answers: 4\n", encoding="utf-8")
    store = QuestionBank(database_url)
    ids = store.add([question(n) for n in range(1, 5)])
    add_practice(store, ids)
    store.close()
    base = ["--home", str(tmp_path / "home"), "--config", str(config), "bank", "calibrate"]
    out = CliRunner().invoke(cli, [*base, "--json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["min_answers"] == 4
    assert [c["id"] for c in report["changed"]] == ids[:3]
    assert [f["id"] for f in report["flagged"]] == [ids[2]]
    out = CliRunner().invoke(cli, [*base, "--min-answers", "6"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "difficulty changed for 0" in out.output and "0 questions newly flagged" in out.output
