"""Loaded 应知应会 checklists in the question bank's database, so that mastery can be shown item by item.

Loading a checklist again (same title) replaces its items in one transaction; questions already made
from it stay in the bank and keep referring to their items by key (``<checklist>#<number>``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from kb.citations import citation_from_json, citation_to_json
from kb.models import Citation
from quiz.bank.store import QuestionBank
from quiz.checklist.items import Checklist, ChecklistItem, checklist_kind
from quiz.db import ChecklistItemRow, rowcount


class ChecklistStore:
    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank

    def save(self, checklist: Checklist) -> int:
        """Store (or replace) the checklist's items; returns how many."""
        with self.bank.session() as s, s.begin():
            s.execute(delete(ChecklistItemRow).where(ChecklistItemRow.checklist == checklist.title))
            for item in checklist.items:
                s.add(ChecklistItemRow(
                    key=item.key, checklist=checklist.title, number=item.number, part=_text(item.part)[:200],
                    kind=item.kind, question=_text(item.question), answer=_text(item.answer),
                    citations=[_citation_json(c) for c in item.citations],
                ))
        return len(checklist.items)

    def titles(self) -> list[str]:
        """Loaded checklists, by title."""
        stmt = select(ChecklistItemRow.checklist).distinct().order_by(ChecklistItemRow.checklist)
        with self.bank.session() as s:
            return list(s.scalars(stmt))

    def items(self, titles: Sequence[str] = ()) -> list[ChecklistItem]:
        """The items of the given checklists (default: all), by checklist and number."""
        stmt = select(ChecklistItemRow).order_by(ChecklistItemRow.checklist, ChecklistItemRow.number)
        if titles:
            stmt = stmt.where(ChecklistItemRow.checklist.in_(list(titles)))
        with self.bank.session() as s:
            return [_item(row) for row in s.scalars(stmt)]

    def remove(self, title: str) -> int:
        with self.bank.session() as s, s.begin():
            return rowcount(s.execute(delete(ChecklistItemRow).where(ChecklistItemRow.checklist == title)))


def _text(value: str) -> str:
    return value.replace("\x00", "")  # PostgreSQL refuses NUL characters in text


def _citation_json(c: Citation) -> dict[str, str | None]:
    return citation_to_json(c)


def _item(row: ChecklistItemRow) -> ChecklistItem:
    return ChecklistItem(
        number=row.number,
        part=row.part,
        kind=checklist_kind(row.kind),
        question=row.question,
        answer=row.answer,
        citations=tuple(citation_from_json(c) for c in row.citations or ()),
        checklist=row.checklist,
    )
