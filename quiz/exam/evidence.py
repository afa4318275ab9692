"""How officers answered each bank question, measured for ``quiz.bank.evidence``: practice and exam answers
as responses, and per question its facility and discrimination (the exam report's ``discrimination``).

- Practice: each officer's *first* answer to a question (later ones follow the wrong-answer book and say
  more about memory than about the question). The officer's standing is their share right over all their
  first answers.
- Exams: every question of a submitted sitting's paper that came from the bank, unanswered counting as
  wrong (as in the exam report). The standing is the sitting's score over its paper's full score.

Discrimination ranks a question's responders by standing, practice and exams together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.bank.evidence import Calibration, QuestionEvidence, apply_evidence
from quiz.bank.store import QuestionBank
from quiz.db import AttemptRow, create_tables
from quiz.exam.report import discrimination
from quiz.exam.tables import AnswerRow, ExamQuestionRow, SittingRow


@dataclass(frozen=True)
class Response:
    """One answer to a bank question by one responder (``practice:<user>`` or ``exam:<sitting id>``)."""

    question_id: int
    responder: str
    right: bool
    standing: float  # the responder's share of the full score, 0–1


def practice_responses(session: Session) -> list[Response]:
    firsts: dict[tuple[str, int], bool] = {}
    rows = session.execute(select(AttemptRow.user_id, AttemptRow.question_id, AttemptRow.correct)
                           .order_by(AttemptRow.answered_at, AttemptRow.id))
    for user, question_id, correct in rows:
        firsts.setdefault((user, question_id), bool(correct))
    answered: dict[str, list[bool]] = defaultdict(list)
    for (user, _), right in firsts.items():
        answered[user].append(right)
    standing = {user: sum(rights) / len(rights) for user, rights in answered.items()}
    return [Response(qid, f"practice:{user}", right, standing[user]) for (user, qid), right in firsts.items()]


def exam_responses(session: Session) -> list[Response]:
    paper: dict[tuple[int, str], list[tuple[int, int | None]]] = defaultdict(list)  # (eq id, bank id)
    full: dict[tuple[int, str], float] = defaultdict(float)
    for eq in session.scalars(select(ExamQuestionRow)):
        paper[(eq.exam_id, eq.variant)].append((eq.id, eq.question_id))
        full[(eq.exam_id, eq.variant)] += eq.points
    right = {(sitting_id, eq_id) for sitting_id, eq_id in session.execute(
        select(AnswerRow.sitting_id, AnswerRow.exam_question_id).where(AnswerRow.correct.is_(True)))}
    out: list[Response] = []
    sittings = session.scalars(select(SittingRow).where(SittingRow.submitted_at.is_not(None),
                                                        SittingRow.score.is_not(None)))
    for sitting in sittings:
        key = (sitting.exam_id, sitting.variant)
        if not full[key]:
            continue
        standing = (sitting.score or 0.0) / full[key]
        out.extend(Response(bank_id, f"exam:{sitting.id}", (sitting.id, eq_id) in right, standing)
                   for eq_id, bank_id in paper[key] if bank_id is not None)
    return out


def measure(responses: Sequence[Response]) -> list[QuestionEvidence]:
    by_question: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for r in responses:
        by_question[r.question_id].append((r.standing, r.right))
    return [QuestionEvidence(qid, len(rows), sum(1 for _, ok in rows if ok), discrimination(rows))
            for qid, rows in sorted(by_question.items())]


def calibrate(bank: QuestionBank, min_answers: int) -> Calibration:
    """Measure every bank question on its practice and exam answers and set its difficulty and review flag
    (``quiz.bank.evidence.apply_evidence``)."""
    create_tables(bank.engine)  # a bank whose exams were never opened has no exam tables yet
    with bank.session() as s:
        responses = practice_responses(s) + exam_responses(s)
    return apply_evidence(bank, measure(responses), min_answers)
