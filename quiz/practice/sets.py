"""The practice use cases below the UI: a new practice set kept in the bank, a 错题本 review set, an officer's
progress (mastery per law and per checklist item), taking over an anonymous officer's history, and a 应知应会
checklist imported into the bank (its questions) and into the search's memory (its 问答 items).

The 练习 tab only binds its widgets to these and renders what they return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ingest.settings import FileLimits
from kb.memory import AnsweredQuestion
from quiz.bank.store import QuestionBank
from quiz.checklist.items import Checklist, answered_questions, load_checklist
from quiz.checklist.questions import ChecklistQuestions, checklist_questions
from quiz.checklist.store import ChecklistStore
from quiz.generation.generate import generate
from quiz.models import Question
from quiz.practice.runs import ItemMastery, Mastery, Practice, checklist_mastery
from quiz.source import UnitSource


class KnowledgeSource(UnitSource, Protocol):
    """What the use cases need of the knowledge base: its units, and a memory of answered questions."""

    def remember(self, entries: Sequence[AnsweredQuestion]) -> int: ...


def new_practice_set(kb: UnitSource, bank: QuestionBank, size: int, laws: Sequence[str] = (),
                     types: Sequence[str] = (), chapters: Sequence[tuple[str, str]] = ()) -> list[Question]:
    """Up to ``size`` questions of the laws/chapters and types chosen, stored in the bank (an answer is recorded
    against a stored question); raises what ``quiz.generation.generate.generate`` raises."""
    questions = generate(kb, size, laws=laws, types=types, chapters=chapters)
    if questions:
        bank.add(questions)
    return questions


@dataclass(frozen=True)
class ReviewSet:
    """A 错题本 run."""

    questions: list[Question]
    due: bool
    """True: the questions whose review is due; False: none is due, these are the ones due soonest."""


def review_set(practice: Practice, user_id: str, limit: int) -> ReviewSet:
    """Up to ``limit`` questions of the user's wrong-answer book: those due for review, else the soonest due."""
    due = practice.due(user_id, limit=limit)
    if due:
        return ReviewSet(due, True)
    return ReviewSet([e.question for e in practice.wrong_book(user_id)][:limit], False)


@dataclass(frozen=True)
class Progress:
    """An officer's mastery per law and per 应知应会 checklist item (every item, practised or not)."""

    laws: list[Mastery]
    items: list[ItemMastery]


def progress(practice: Practice, user_id: str) -> Progress:
    """The user's progress; no user (not known yet): nothing practised."""
    items = ChecklistStore(practice.bank).items()
    if not user_id:
        return Progress([], checklist_mastery(items, []))
    return Progress(practice.mastery_by_law(user_id),
                    checklist_mastery(items, practice.mastery_by_checklist_item(user_id)))


def take_over(practice: Practice, from_user: str, to_user: str) -> int | None:
    """``to_user`` takes over ``from_user``'s answers and wrong-answer book (an anonymous officer naming himself);
    how many answers moved, None when ``from_user`` has none."""
    if not from_user or not practice.has_history(from_user):
        return None
    return practice.adopt(from_user, to_user)


@dataclass(frozen=True)
class ChecklistImport:
    """What importing a checklist did."""

    checklist: Checklist
    made: ChecklistQuestions
    added: int
    """Questions new to the bank."""
    remembered: int
    """Answered questions new to the search's memory."""


CHECKLIST_SEED = 0
"""The seed a checklist's questions are made with: loading the same checklist again makes the same questions
(the bank keeps one of each)."""


def import_checklist(kb: KnowledgeSource, bank: QuestionBank, checklist: Checklist,
                     seed: int = CHECKLIST_SEED) -> ChecklistImport:
    """Keep the checklist (its items), add the questions made from it to the bank, and remember its 问答 items."""
    made = checklist_questions(kb, checklist.items, seed=seed)
    before = bank.count()
    ChecklistStore(bank).save(checklist)
    bank.add(made.questions)
    added = bank.count() - before
    remembered = kb.remember(answered_questions(checklist))
    return ChecklistImport(checklist, made, added, remembered)


def import_checklist_file(kb: KnowledgeSource, bank: QuestionBank, path: Path, seed: int = CHECKLIST_SEED,
                          limits: FileLimits | None = None) -> ChecklistImport:
    """``import_checklist`` of a checklist file (Markdown/TXT, DOCX, CSV, XLSX); raises ``ChecklistError``
    for a file that is not one (nothing is kept then)."""
    return import_checklist(kb, bank, load_checklist(path, limits=limits), seed)
