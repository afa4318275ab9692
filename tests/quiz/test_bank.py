"""Question bank round trips on SQLite and PostgreSQL, XLSX, CSV; re-ingested articles flag their questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.bank.exchange import COLUMNS, ExchangeError, export_questions, import_questions, read_rows
from quiz.bank.store import ARTICLE_CHANGED, ARTICLE_GONE, QuestionBank, QuestionFilter
from quiz.generation.checks import check_question
from quiz.generation.generate import generate
from quiz.models import Question, ReviewStatus
from quiz.settings import QuizSettings
from quiz.source import ArticleIndex, StaticSource, citation_label
from tests.quiz.laws import replace_article


@pytest.fixture()
def questions(real_index: ArticleIndex) -> list[Question]:
    return generate(real_index, 24, seed=21)


@pytest.fixture()
def bank(database_url: str) -> QuestionBank:
    b = QuestionBank(database_url)
    yield b
    b.close()


def essentials(q: Question) -> tuple:
    return (q.type, q.stem, q.options, q.answer, q.explanation,
            [(c.law, citation_label(c)) for c in q.sources], q.difficulty)


def test_sqlite_file_by_default_and_any_url(tmp_path: Path) -> None:
    bank = QuestionBank.open(tmp_path, QuizSettings())
    assert bank.url == f"sqlite:///{tmp_path / 'quiz.sqlite'}"
    bank.close()
    assert (tmp_path / "quiz.sqlite").is_file()
    other = QuestionBank.open(tmp_path, QuizSettings(database_url=f"sqlite:///{tmp_path / 'other.db'}"))
    assert other.url.endswith("other.db")
    other.close()


def test_save_reload_and_no_duplicates(bank: QuestionBank, questions: list[Question]) -> None:
    ids = bank.add(questions)
    assert len(set(ids)) == len(questions)
    assert bank.add(questions[:3]) == ids[:3]  # same type and stem: not stored twice
    assert bank.count() == len(questions)
    again = QuestionBank(bank.url)  # a new connection to the same database
    for q, stored in zip(questions, again.list(), strict=True):
        assert essentials(stored) == essentials(q)
        assert stored.source_hashes == q.source_hashes and stored.evidence == q.evidence
        assert stored.status is ReviewStatus.DRAFT
    again.close()


def test_filter_and_review(bank: QuestionBank, questions: list[Question]) -> None:
    bank.add(questions)
    judge = bank.list(QuestionFilter(types=("judge",)))
    assert judge and all(q.type == "judge" for q in judge)
    penalty = bank.list(QuestionFilter(laws=("行政处罚法",)))
    assert penalty and all(q.law == "中华人民共和国行政处罚法" for q in penalty)
    ids = [q.id for q in judge]
    assert bank.set_status(ids, ReviewStatus.APPROVED) == len(ids)
    assert bank.count(QuestionFilter(statuses=(ReviewStatus.APPROVED,))) == len(ids)
    bank.set_status(ids[:1], ReviewStatus.REJECTED)
    assert bank.get(ids[0]).status is ReviewStatus.REJECTED
    edited = bank.get(ids[1])
    edited.explanation += "（已审）"
    bank.update(edited)
    assert bank.get(ids[1]).explanation.endswith("（已审）")
    assert sum(n for _, n in bank.laws()) == len(questions)


def test_mark_changed_after_reingest(bank: QuestionBank, real_docs, real_index) -> None:
    qs = generate(real_index, 12, laws=["行政处罚法"], seed=8)
    ids = bank.add(qs)
    bank.set_status(ids, ReviewStatus.APPROVED)
    assert bank.mark_changed(real_index) == []
    target = qs[0].sources[0]
    label = citation_label(target)
    penalty = next(d for d in real_docs if d.meta.title == target.law)
    new_version = replace_article(penalty, label, "本条已修改。")
    others = [d for d in real_docs if d is not penalty]
    flagged = bank.mark_changed(StaticSource([new_version, *others]))
    assert flagged == [ids[0]]
    q = bank.get(ids[0])
    assert q.needs_review == ARTICLE_CHANGED and q.status is ReviewStatus.DRAFT
    assert bank.get(ids[1]).status is ReviewStatus.APPROVED
    assert bank.count(QuestionFilter(needs_review=True)) == 1
    assert bank.mark_changed(StaticSource([new_version, *others])) == []  # already flagged
    gone = bank.mark_changed(StaticSource(others))
    assert set(gone) == set(ids) and bank.get(ids[1]).needs_review == ARTICLE_GONE


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_exchange_round_trip(tmp_path: Path, questions: list[Question], real_index, suffix: str) -> None:
    path = tmp_path / f"题库{suffix}"
    assert export_questions(questions, path) == len(questions)
    rows = read_rows(path)
    assert tuple(c.lstrip("\ufeff") for c in rows[0]) == COLUMNS
    assert rows[1][0].endswith("题") and rows[1][-1] in ("易", "中", "难")
    back = import_questions(path, real_index)
    assert [essentials(q) for q in back] == [essentials(q) for q in questions]
    for q in back:
        assert q.source_hashes and check_question(q, real_index) == []


def test_import_reports_the_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("题型,题干,选项A,选项B,答案\n单选题,题目,甲,乙,C\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match="row 2"):
        import_questions(path)
