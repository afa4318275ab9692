"""Practice: answer questions, keep a wrong-answer book (错题本) on an FSRS schedule, track mastery.

A missed question enters the user's wrong-answer book as an FSRS card reviewed ``Again``; each later
answer to it reviews the card (``Good`` when right, ``Again`` when wrong), and the scheduler (py-fsrs)
sets when it is due next. All state lives in the database, keyed by user id.

Mastery of a law or a checklist item: of its questions the user has answered, the share answered right
the last time; it counts as mastered at ``mastered_accuracy`` (settings, default 0.8) or more with at
least one answer. ``checklist_mastery`` lays the items of loaded checklists beside it, so that items
without questions or answers show too.

An officer who practised under an anonymous id and then gives their 警号 keeps that work: ``adopt``
moves the anonymous id's answers and wrong-answer book to the officer's id.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from fsrs import Card, Rating, Scheduler, State
from fsrs.card import CardDict
from sqlalchemy import select, update

from quiz.bank.store import QuestionBank, QuestionFilter, to_question
from quiz.checklist.items import ChecklistItem
from quiz.db import AttemptRow, CardRow, QuestionRow, as_utc, rowcount, utcnow
from quiz.grading import Given, Grade, grade
from quiz.models import Question, QuestionType, ReviewStatus
from quiz.settings import QuizSettings

MASTERED_ACCURACY = 0.8


@dataclass(frozen=True)
class WrongEntry:
    question: Question
    due: datetime
    lapses: int
    state: str


@dataclass(frozen=True)
class Mastery:
    key: str  # a law title or a checklist item key
    answered: int
    right: int
    total: int  # questions in the bank for the key (not rejected)
    threshold: float = MASTERED_ACCURACY

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0

    @property
    def mastered(self) -> bool:
        return self.answered > 0 and self.accuracy >= self.threshold


ItemState = Literal["mastered", "learning", "new", "no-questions"]


@dataclass(frozen=True)
class ItemMastery:
    """A checklist item and how the user stands on it."""

    item: ChecklistItem
    answered: int
    right: int
    total: int
    mastered: bool

    @property
    def state(self) -> ItemState:
        if self.mastered:
            return "mastered"
        if self.answered:
            return "learning"
        return "new" if self.total else "no-questions"

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0


def checklist_mastery(items: Iterable[ChecklistItem], mastery: Iterable[Mastery]) -> list[ItemMastery]:
    """Each item with the user's mastery of it (zeros for items without questions or answers)."""
    by_key = {m.key: m for m in mastery}
    out = []
    for item in items:
        m = by_key.get(item.key)
        out.append(ItemMastery(item, m.answered, m.right, m.total, m.mastered) if m else ItemMastery(item, 0, 0, 0, False))
    return out


class Practice:
    def __init__(
        self, bank: QuestionBank, scheduler: Scheduler | None = None, mastered_accuracy: float = MASTERED_ACCURACY
    ) -> None:
        self.bank = bank
        self.scheduler = scheduler or Scheduler()
        self.mastered_accuracy = mastered_accuracy

    @classmethod
    def from_settings(cls, bank: QuestionBank, settings: QuizSettings) -> Practice:
        return cls(bank, Scheduler(desired_retention=settings.desired_retention), settings.mastered_accuracy)

    def submit(self, user_id: str, question_id: int, given: Given, now: datetime | None = None) -> Grade:
        """Grade an answer, record it, and update the wrong-answer book."""
        now = as_utc(now or utcnow())
        with self.bank.session() as s, s.begin():
            row = s.get(QuestionRow, question_id)
            if row is None:
                raise KeyError(f"no question {question_id}")
            result = grade(to_question(row), given)
            s.add(AttemptRow(user_id=user_id, question_id=question_id, given=result.given,
                             correct=result.correct, answered_at=now))
            entry = s.get(CardRow, (user_id, question_id))
            if entry is None and result.correct:
                return result
            # the column holds what Card.to_dict wrote (below)
            card = Card(card_id=question_id) if entry is None else Card.from_dict(cast(CardDict, entry.card))
            card, _ = self.scheduler.review_card(card, Rating.Good if result.correct else Rating.Again, now)
            if entry is None:
                entry = CardRow(user_id=user_id, question_id=question_id, card={}, due=now, lapses=0, added_at=now)
                s.add(entry)
            entry.card = dict(card.to_dict())
            entry.due = card.due
            entry.lapses = (entry.lapses or 0) + (0 if result.correct else 1)
        return result

    def wrong_book(self, user_id: str) -> list[WrongEntry]:
        """The user's missed questions, soonest due first."""
        stmt = (
            select(CardRow, QuestionRow)
            .join(QuestionRow, QuestionRow.id == CardRow.question_id)
            .where(CardRow.user_id == user_id)
            .order_by(CardRow.due)
        )
        with self.bank.session() as s:
            return [
                WrongEntry(to_question(q), as_utc(c.due), c.lapses, State(c.card["state"]).name)
                for c, q in s.execute(stmt).tuples()
            ]

    def due(self, user_id: str, now: datetime | None = None, limit: int | None = None) -> list[Question]:
        """Wrong-book questions whose review is due."""
        now = as_utc(now or utcnow())
        due = [e.question for e in self.wrong_book(user_id) if e.due <= now]
        return due[:limit] if limit is not None else due

    def remove(self, user_id: str, question_id: int) -> bool:
        """Take a question out of the wrong-answer book."""
        with self.bank.session() as s, s.begin():
            entry = s.get(CardRow, (user_id, question_id))
            if entry is None:
                return False
            s.delete(entry)
            return True

    def session_questions(
        self,
        user_id: str,
        count: int,
        laws: Sequence[str] = (),
        types: Sequence[QuestionType] = (),
        chapters: Sequence[str] = (),
        approved_only: bool = False,
        seed: int | None = None,
        now: datetime | None = None,
        checklist_only: bool = False,
    ) -> list[Question]:
        """A practice set: due wrong-book questions of the selection first, then unanswered, then the rest.

        ``checklist_only``: only questions made from 应知应会 checklist items."""
        statuses = (ReviewStatus.APPROVED,) if approved_only else (ReviewStatus.APPROVED, ReviewStatus.DRAFT)
        pool = self.bank.list(QuestionFilter(laws=tuple(laws), types=tuple(types), chapters=tuple(chapters),
                                             statuses=statuses))
        if checklist_only:
            pool = [q for q in pool if q.checklist_item]
        by_id = {q.id: q for q in pool}
        due = [q for q in self.due(user_id, now) if q.id in by_id]
        answered = self._latest(user_id)
        rng = random.Random(seed)
        fresh = [q for q in pool if q.id not in answered]
        due_ids = {q.id for q in due}
        seen = [q for q in pool if q.id in answered and q.id not in due_ids]
        rng.shuffle(fresh)
        rng.shuffle(seen)
        return [*due, *fresh, *seen][:count]

    def _latest(self, user_id: str) -> dict[int, bool]:
        """question id → whether the user's latest answer to it was right."""
        stmt = select(AttemptRow.question_id, AttemptRow.correct).where(AttemptRow.user_id == user_id).order_by(
            AttemptRow.answered_at, AttemptRow.id
        )
        with self.bank.session() as s:
            return {qid: ok for qid, ok in s.execute(stmt).tuples()}

    def _mastery(self, user_id: str, column: str) -> list[Mastery]:
        latest = self._latest(user_id)
        key_col = getattr(QuestionRow, column)
        stmt = select(QuestionRow.id, key_col).where(
            QuestionRow.status != ReviewStatus.REJECTED.value, key_col != ""
        )
        totals: dict[str, list[int]] = {}
        with self.bank.session() as s:
            for qid, key in s.execute(stmt).tuples():
                totals.setdefault(key, []).append(qid)
        out = []
        for key, ids in sorted(totals.items()):
            answered = [latest[i] for i in ids if i in latest]
            out.append(Mastery(key, len(answered), sum(answered), len(ids), self.mastered_accuracy))
        return out

    def mastery_by_law(self, user_id: str) -> list[Mastery]:
        return self._mastery(user_id, "law")

    def mastery_by_checklist_item(self, user_id: str) -> list[Mastery]:
        return self._mastery(user_id, "checklist_item")

    def has_history(self, user_id: str) -> bool:
        with self.bank.session() as s:
            return s.scalar(select(AttemptRow.id).where(AttemptRow.user_id == user_id).limit(1)) is not None

    def adopt(self, from_user: str, to_user: str) -> int:
        """Move ``from_user``'s answers and wrong-answer book to ``to_user`` (a card both have stays
        ``to_user``'s); returns how many answers moved."""
        if not from_user or from_user == to_user:
            return 0
        with self.bank.session() as s, s.begin():
            moved = rowcount(s.execute(
                update(AttemptRow).where(AttemptRow.user_id == from_user).values(user_id=to_user)
            ))
            theirs = {c.question_id for c in s.scalars(select(CardRow).where(CardRow.user_id == to_user))}
            for card in s.scalars(select(CardRow).where(CardRow.user_id == from_user)).all():
                if card.question_id in theirs:
                    s.delete(card)
                else:
                    s.add(CardRow(user_id=to_user, question_id=card.question_id, card=card.card, due=card.due,
                                  lapses=card.lapses, added_at=card.added_at))
                    s.delete(card)
        return int(moved or 0)
