"""Difficulty from evidence: each question's facility and discrimination, measured on how officers answered
it (``quiz.exam.evidence`` measures them), written back into the bank.

With at least ``min_answers`` answers a question's difficulty follows its facility (share right) by fixed
bands — 80% or more right: 1 (易); 50% up to 80%: 2 (中); under 50%: 3 (难) — and a question whose
discrimination (upper minus lower 27%) is negative is flagged for review: the officers who do best overall
get it wrong more often than those who do worst, which points at a wrong key or a misleading stem. Fewer
answers change nothing. A flag of this kind is lifted when the evidence no longer shows it; a flag of
another kind (an article changed) is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from quiz.bank.store import QuestionBank
from quiz.db import QuestionRow
from quiz.models import ReviewStatus

EASY_FROM = 0.80
"""Facility from which a question is difficulty 1."""
MEDIUM_FROM = 0.50
"""Facility from which (up to EASY_FROM) a question is difficulty 2; below it, 3."""
ID_BATCH = 500
"""Questions read per query (SQLite limits the parameters of one statement)."""
NEGATIVE_DISCRIMINATION = "作答区分度为负"
"""The start of the review reason this module writes (and may lift)."""


@dataclass(frozen=True)
class QuestionEvidence:
    question_id: int
    answers: int
    correct: int
    discrimination: float | None  # None with fewer than two answers

    @property
    def facility(self) -> float:
        return self.correct / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class DifficultyChange:
    question_id: int
    before: int
    after: int
    evidence: QuestionEvidence


@dataclass(frozen=True)
class ReviewFlag:
    question_id: int
    reason: str
    evidence: QuestionEvidence


@dataclass(frozen=True)
class Calibration:
    """What one recalibration found and did."""

    min_answers: int
    evidence: tuple[QuestionEvidence, ...]  # every bank question answered at least once
    changed: tuple[DifficultyChange, ...]
    flagged: tuple[ReviewFlag, ...]  # newly flagged for negative discrimination
    cleared: tuple[int, ...]  # flags of negative discrimination lifted

    @property
    def calibrated(self) -> int:
        """Questions with enough answers to have their difficulty set."""
        return sum(1 for e in self.evidence if e.answers >= self.min_answers)


def difficulty_from_facility(facility: float) -> int:
    if facility >= EASY_FROM:
        return 1
    return 2 if facility >= MEDIUM_FROM else 3


def negative_discrimination_reason(evidence: QuestionEvidence) -> str:
    return (f"{NEGATIVE_DISCRIMINATION}（{evidence.discrimination:+.2f}，{evidence.answers} 人次作答，"
            f"答对率 {evidence.facility:.0%}）：总成绩高者答错多于总成绩低者，请复核题干与答案")


def apply_evidence(bank: QuestionBank, evidence: Sequence[QuestionEvidence], min_answers: int) -> Calibration:
    """Set the difficulty of, and flag or unflag, the bank's questions with at least ``min_answers``
    answers (rejected questions are left alone)."""
    if min_answers < 2:
        raise ValueError("min_answers must be at least 2 (discrimination compares two groups)")
    enough = {e.question_id: e for e in evidence if e.answers >= min_answers}
    ids = sorted(enough)
    changed: list[DifficultyChange] = []
    flagged: list[ReviewFlag] = []
    cleared: list[int] = []
    with bank.session() as s, s.begin():
        for start in range(0, len(ids), ID_BATCH):
            rows = s.scalars(select(QuestionRow).where(QuestionRow.id.in_(ids[start : start + ID_BATCH]),
                                                       QuestionRow.status != ReviewStatus.REJECTED.value)
                             .order_by(QuestionRow.id))
            for row in rows:
                found = enough[row.id]
                level = difficulty_from_facility(found.facility)
                if level != row.difficulty:
                    changed.append(DifficultyChange(row.id, row.difficulty, level, found))
                    row.difficulty = level
                ours = row.needs_review.startswith(NEGATIVE_DISCRIMINATION)
                if found.discrimination is not None and found.discrimination < 0:
                    reason = negative_discrimination_reason(found)
                    if not row.needs_review:
                        flagged.append(ReviewFlag(row.id, reason, found))
                    if not row.needs_review or ours:
                        row.needs_review = reason
                elif ours:
                    row.needs_review = ""
                    cleared.append(row.id)
    return Calibration(min_answers, tuple(sorted(evidence, key=lambda e: e.question_id)), tuple(changed),
                       tuple(flagged), tuple(cleared))
