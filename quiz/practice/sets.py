"""The practice use cases below the UI: a new practice set kept in the bank, and a 应知应会 checklist imported
into the bank (its questions) and into the search's memory (its 问答 items).

The 练习 tab only binds its widgets to these and renders what they return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from kb.memory import AnsweredQuestion
from quiz.bank.store import QuestionBank
from quiz.checklist.items import Checklist, answered_questions
from quiz.checklist.questions import ChecklistQuestions, checklist_questions
from quiz.checklist.store import ChecklistStore
from quiz.generation.generate import generate
from quiz.models import Question
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
class ChecklistImport:
    """What importing a checklist did."""

    checklist: Checklist
    made: ChecklistQuestions
    added: int
    """Questions new to the bank."""
    remembered: int
    """Answered questions new to the search's memory."""


def import_checklist(kb: KnowledgeSource, bank: QuestionBank, checklist: Checklist, seed: int) -> ChecklistImport:
    """Keep the checklist (its items), add the questions made from it to the bank, and remember its 问答 items."""
    made = checklist_questions(kb, checklist.items, seed=seed)
    before = bank.count()
    ChecklistStore(bank).save(checklist)
    bank.add(made.questions)
    added = bank.count() - before
    remembered = kb.remember(answered_questions(checklist))
    return ChecklistImport(checklist, made, added, remembered)
