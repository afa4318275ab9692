"""``PaperCache``: an exam's assembled papers, read and parsed once per process instead of at every login,
paper, result and submit.

Why a cached paper stays right: the service fills the cache only for an exam that has a sitting, or in the
login that starts one (it forgets the exam's papers if that login fails), and assembling again is refused
once an exam has a sitting (sittings are never deleted). Besides, a paper is read again when a sitting names
a question the cached copy lacks (PostgreSQL never reuses a row's id), and forgotten when this process
assembles the exam again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.exam.tables import ExamQuestionRow
from quiz.models import Question

PAPERS_KEPT = 64
"""Papers (exam, variant) remembered per process; the least recently used is forgotten first."""


@dataclass(frozen=True)
class AssembledQuestion:
    """One question of an assembled paper: its row id (``Slot.eq``), printed position, type, points and the
    question as snapshotted."""

    id: int
    position: int
    type: str
    points: float
    question: Question


@dataclass(frozen=True)
class AssembledPaper:
    items: tuple[AssembledQuestion, ...]
    """In printed order."""

    def by_id(self) -> dict[int, AssembledQuestion]:
        return {q.id: q for q in self.items}


class PaperCache:
    def __init__(self, kept: int = PAPERS_KEPT) -> None:
        self._kept = kept
        self._papers: OrderedDict[tuple[int, str], AssembledPaper] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, s: Session, exam_id: int, variant: str, needs: Collection[int] = ()) -> AssembledPaper:
        """The paper of ``exam_id``'s ``variant``; read through ``s`` unless cached with every id of ``needs``."""
        key = (exam_id, variant)
        with self._lock:
            paper = self._papers.get(key)
            if paper is not None:
                self._papers.move_to_end(key)
        if paper is not None and (not needs or set(needs) <= {q.id for q in paper.items}):
            return paper
        rows = s.execute(select(ExamQuestionRow.id, ExamQuestionRow.position, ExamQuestionRow.type,
                                ExamQuestionRow.points, ExamQuestionRow.snapshot)
                         .where(ExamQuestionRow.exam_id == exam_id, ExamQuestionRow.variant == variant)
                         .order_by(ExamQuestionRow.position)).all()
        paper = AssembledPaper(tuple(AssembledQuestion(r.id, r.position, r.type, r.points, Question.from_json(r.snapshot))
                            for r in rows))
        if paper.items:
            with self._lock:
                self._papers[key] = paper
                while len(self._papers) > self._kept:
                    self._papers.popitem(last=False)
        return paper

    def forget(self, exam_id: int) -> None:
        with self._lock:
            for key in [k for k in self._papers if k[0] == exam_id]:
                del self._papers[key]
