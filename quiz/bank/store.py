"""The question bank: save, list, filter, review and re-check questions in a database.

SQLite file ``<home>/quiz.sqlite`` by default; any SQLAlchemy URL (PostgreSQL) through
``QuizSettings.database_url``. When a law is re-ingested, ``mark_changed(kb)`` compares the article text
hash each question was built on with the knowledge base's current one and flags the question for review.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kb.citations import citation_to_json, law_key
from quiz.db import QuestionRow, database_url, make_engine
from quiz.models import Question, QuestionType, ReviewStatus, citation_from_json, question_type
from quiz.settings import QuizSettings
from quiz.source import ArticleIndex, UnitSource
from quiz.text import normalize

ARTICLE_CHANGED = "article text changed"
ARTICLE_GONE = "article no longer in the knowledge base"
ADD_ATTEMPTS = 3


def fingerprint(question: Question) -> str:
    """Identity of a question in the bank: its type and normalised stem."""
    return hashlib.sha1(f"{question.type}\n{normalize(question.stem)}".encode()).hexdigest()


@dataclass(frozen=True)
class QuestionFilter:
    laws: tuple[str, ...] = ()
    types: tuple[QuestionType, ...] = ()
    statuses: tuple[ReviewStatus, ...] = ()
    chapters: tuple[str, ...] = ()
    checklist_item: str | None = None
    needs_review: bool | None = None
    difficulty: tuple[int, ...] = ()
    ids: tuple[int, ...] = ()


class QuestionBank:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, home: Path, settings: QuizSettings | None = None) -> QuestionBank:
        home.mkdir(parents=True, exist_ok=True)
        return cls(database_url(home, settings.database_url if settings else ""))

    def session(self) -> Session:
        return self._session()

    def close(self) -> None:
        self.engine.dispose()

    # writing -----------------------------------------------------------------------------------------
    def add(self, questions: Iterable[Question]) -> list[int]:
        """Store questions; one already in the bank (same type and stem) keeps its id and is not duplicated.

        Two sessions adding the same new question at once: one insert wins, the other transaction fails on
        the unique fingerprint and is retried, then finds the row."""
        batch = list(questions)
        for attempt in range(1, ADD_ATTEMPTS + 1):
            try:
                ids = self._add(batch)
                break
            except IntegrityError:
                if attempt == ADD_ATTEMPTS:
                    raise
        for q, qid in zip(batch, ids, strict=True):
            q.id = qid
        return ids

    def _add(self, batch: Sequence[Question]) -> list[int]:
        ids: list[int] = []
        with self.session() as s, s.begin():
            for q in batch:
                fp = fingerprint(q)
                row = s.scalar(select(QuestionRow).where(QuestionRow.fingerprint == fp))
                if row is None:
                    row = QuestionRow(fingerprint=fp)
                    _fill(row, q)
                    s.add(row)
                    s.flush()
                ids.append(row.id)
        return ids

    def update(self, question: Question) -> None:
        """Write an edited question back (it must have an id)."""
        if question.id is None:
            raise ValueError("question has no id: add it first")
        with self.session() as s, s.begin():
            row = s.get(QuestionRow, question.id)
            if row is None:
                raise KeyError(question.id)
            _fill(row, question)
            row.fingerprint = fingerprint(question)

    def set_status(self, ids: Sequence[int], status: ReviewStatus, clear_review_flag: bool = True) -> int:
        """Approve or reject questions (clearing their review flag); returns how many changed."""
        with self.session() as s, s.begin():
            rows = s.scalars(select(QuestionRow).where(QuestionRow.id.in_(ids))).all()
            for row in rows:
                row.status = status.value
                if clear_review_flag:
                    row.needs_review = ""
            return len(rows)

    def delete(self, ids: Sequence[int]) -> int:
        with self.session() as s, s.begin():
            rows = s.scalars(select(QuestionRow).where(QuestionRow.id.in_(ids))).all()
            for row in rows:
                s.delete(row)
            return len(rows)

    # reading -----------------------------------------------------------------------------------------
    def get(self, question_id: int) -> Question | None:
        with self.session() as s:
            row = s.get(QuestionRow, question_id)
            return to_question(row) if row is not None else None

    def list(self, where: QuestionFilter | None = None, limit: int | None = None, offset: int = 0) -> list[Question]:
        stmt = _select(where or QuestionFilter()).order_by(QuestionRow.id).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.session() as s:
            return [to_question(r) for r in s.scalars(stmt)]

    def count(self, where: QuestionFilter | None = None) -> int:
        stmt = select(func.count()).select_from(_select(where or QuestionFilter()).subquery())
        with self.session() as s:
            return int(s.scalar(stmt) or 0)

    def laws(self) -> builtins.list[tuple[str, int]]:
        """Laws in the bank with their question counts."""
        stmt = select(QuestionRow.law, func.count()).group_by(QuestionRow.law).order_by(QuestionRow.law)
        with self.session() as s:
            return [(law, int(n)) for law, n in s.execute(stmt)]

    # re-checking against the knowledge base ---------------------------------------------------------
    def mark_changed(self, kb: UnitSource | ArticleIndex) -> builtins.list[int]:
        """Flag questions whose cited articles changed (or vanished) since they were made; approved ones
        go back to draft. Returns the ids newly flagged."""
        index = kb if isinstance(kb, ArticleIndex) else ArticleIndex.from_source(kb)
        current = {a.key: a.text_hash for a in index.articles}
        flagged: list[int] = []
        with self.session() as s, s.begin():
            rows = s.scalars(select(QuestionRow).where(QuestionRow.status != ReviewStatus.REJECTED.value))
            for row in rows:
                reason = _change(row.source_hashes or {}, current)
                if reason and row.needs_review != reason:
                    row.needs_review = reason
                    if row.status == ReviewStatus.APPROVED.value:
                        row.status = ReviewStatus.DRAFT.value
                    flagged.append(row.id)
        return flagged


def _change(hashes: dict[str, str], current: dict[str, str]) -> str:
    for key, value in hashes.items():
        if key not in current:
            return ARTICLE_GONE
        if current[key] != value:
            return ARTICLE_CHANGED
    return ""


def _select(where: QuestionFilter) -> Select[QuestionRow]:
    stmt = select(QuestionRow)
    if where.laws:
        stmt = stmt.where(QuestionRow.law_key.in_([law_key(name) for name in where.laws]))
    if where.types:
        stmt = stmt.where(QuestionRow.type.in_(list(where.types)))
    if where.statuses:
        stmt = stmt.where(QuestionRow.status.in_([s.value for s in where.statuses]))
    if where.chapters:
        stmt = stmt.where(QuestionRow.chapter.in_(list(where.chapters)))
    if where.checklist_item is not None:
        stmt = stmt.where(QuestionRow.checklist_item == where.checklist_item)
    if where.needs_review is not None:
        stmt = stmt.where((QuestionRow.needs_review != "") if where.needs_review else (QuestionRow.needs_review == ""))
    if where.difficulty:
        stmt = stmt.where(QuestionRow.difficulty.in_(list(where.difficulty)))
    if where.ids:
        stmt = stmt.where(QuestionRow.id.in_(list(where.ids)))
    return stmt


def _text(value: str, limit: int | None = None) -> str:
    """Text as a column takes it: PostgreSQL refuses NUL characters and over-long strings (SQLite does not)."""
    value = value.replace("\x00", "")
    return value[:limit] if limit is not None else value


def _fill(row: QuestionRow, q: Question) -> None:
    row.type = q.type
    row.stem = _text(q.stem)
    row.options = dict(q.options)
    row.answer = q.answer
    row.explanation = _text(q.explanation)
    row.sources = [citation_to_json(c, with_unit_id=True) for c in q.sources]
    row.difficulty = q.difficulty
    row.law = q.law or (q.sources[0].law if q.sources else "")
    row.law_key = law_key(row.law) if row.law else ""
    row.chapter = _text(q.chapter, 200)
    row.checklist_item = q.checklist_item
    row.status = q.status.value
    row.evidence = _text(q.evidence)
    row.key_points = list(q.key_points)
    row.generator = _text(q.generator, 60)
    row.source_hashes = dict(q.source_hashes)
    row.needs_review = _text(q.needs_review, 300)


def to_question(row: QuestionRow) -> Question:
    return Question(
        id=row.id,
        type=question_type(row.type),
        stem=row.stem,
        options=dict(row.options or {}),
        answer=row.answer,
        explanation=row.explanation,
        sources=tuple(citation_from_json(c) for c in row.sources or ()),
        difficulty=row.difficulty,
        law=row.law,
        chapter=row.chapter,
        checklist_item=row.checklist_item,
        status=ReviewStatus(row.status),
        evidence=row.evidence,
        key_points=tuple(row.key_points or ()),
        generator=row.generator,
        source_hashes=dict(row.source_hashes or {}),
        needs_review=row.needs_review,
    )
