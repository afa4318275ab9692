"""The first-mastery replay of the 应知应会 checklist items, resumable.

An officer's answers to checklist questions are replayed in order (time, then id): of an item's questions
answered, the share whose latest answer was right; the first answer at which it reaches the threshold
masters the item, once. Once an item is mastered its questions no longer matter, so where a replay stopped
is the latest answer to each question of the items not yet mastered (``Progress``): a replay resumed from
it and fed later answers masters the same items at the same answers as one fed every answer from the start.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.db import AttemptRow, QuestionRow, as_utc
from quiz.hours.credits import BADGE, Officers, user_filter
from quiz.models import ReviewStatus


@dataclass(frozen=True)
class Progress:
    """The latest answer of one officer to one question of an item not mastered yet."""

    question_id: int
    item: str
    correct: bool


@dataclass
class Replay:
    threshold: float
    known: frozenset[str] = frozenset()
    """Items mastered before this replay was resumed."""
    mastered: dict[str, datetime] = field(default_factory=dict)
    """Items first mastered by the answers fed to this replay, and when."""
    latest: dict[int, Progress] = field(default_factory=dict)
    tally: dict[str, tuple[int, int]] = field(default_factory=dict)
    """item → (its questions answered, of those the ones whose latest answer was right)."""

    @classmethod
    def resumed(cls, threshold: float, known: Collection[str], progress: Iterable[Progress]) -> Replay:
        replay = cls(threshold, frozenset(known))
        for p in progress:
            answered, right = replay.tally.get(p.item, (0, 0))
            replay.tally[p.item] = (answered + 1, right + int(p.correct))
            replay.latest[p.question_id] = p
        return replay

    def feed(self, question_id: int, item: str, correct: bool, at: datetime) -> None:
        if item in self.known or item in self.mastered:
            return
        before = self.latest.get(question_id)
        answered, right = self.tally.get(item, (0, 0))
        if before is None:
            answered += 1
        right += int(correct) - int(before is not None and before.correct)
        self.tally[item] = (answered, right)
        self.latest[question_id] = Progress(question_id, item, correct)
        if answered and right / answered >= self.threshold:
            self.mastered[item] = at

    def progress(self) -> list[Progress]:
        """Where the replay stands now (the questions of items still not mastered)."""
        return [p for p in self.latest.values() if p.item not in self.known and p.item not in self.mastered]


def counts(status: str | None, item: str) -> bool:
    """Whether an answer to a question of this status and checklist item is replayed."""
    return item != "" and status != ReviewStatus.REJECTED.value


def replay(session: Session, officers: Officers, last_ids: Mapping[str, int],
           threshold: float) -> dict[str, Replay]:
    """Each officer's replay (``None``: every officer) of their answers up to the id ``last_ids[user]`` (the
    answers their summaries' cursor counts; a user missing there: none)."""
    if officers is not None and not officers:
        return {}
    stmt = (select(AttemptRow.user_id, AttemptRow.id, AttemptRow.question_id, AttemptRow.correct,
                   AttemptRow.answered_at, QuestionRow.checklist_item)
            .join(QuestionRow, QuestionRow.id == AttemptRow.question_id)
            .where(user_filter(officers), QuestionRow.checklist_item != "",
                   QuestionRow.status != ReviewStatus.REJECTED.value)
            .order_by(AttemptRow.user_id, AttemptRow.answered_at, AttemptRow.id))
    out: dict[str, Replay] = {}
    current_user, current, last_id = "", Replay(threshold), -1
    for user, answer_id, question, correct, at, item in session.execute(stmt).tuples():
        if user != current_user:
            current_user, last_id = user, last_ids.get(user, -1)
            current = out.setdefault(user[len(BADGE):], Replay(threshold))
        if answer_id <= last_id:
            current.feed(question, item, bool(correct), as_utc(at))
    return out

