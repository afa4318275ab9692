"""应知应会 checklists in the bank (SQLite and PostgreSQL): questions per item, mastery per item, an anonymous
officer's work adopted under their 警号, concurrent adds."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fsrs import Scheduler

from quiz.bank.store import QuestionBank, fingerprint
from quiz.checklist.items import Checklist, load_checklist
from quiz.checklist.questions import checklist_questions
from quiz.checklist.store import ChecklistStore
from quiz.generation.checks import check_question
from quiz.generation.generate import generate
from quiz.models import Question
from quiz.practice.runs import Practice, checklist_mastery
from tests.quiz.answers import wrong_answer

FIXTURE = Path(__file__).parent / "data" / "应知应会清单-测试.md"
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture()
def bank(database_url: str) -> QuestionBank:
    b = QuestionBank(database_url)
    yield b
    b.close()


def test_questions_for_each_item(real_index) -> None:
    checklist = load_checklist(FIXTURE)
    made = checklist_questions(real_index, checklist.items, seed=0)
    assert [i.number for i in made.missing_article] == [7], "the 规章 is not in the knowledge base"
    assert made.without_question == []
    assert made.covered == 6
    by_item: dict[str, list[Question]] = {}
    for q in made.questions:
        by_item.setdefault(q.checklist_item, []).append(q)
        assert check_question(q, real_index) == []
    assert set(by_item) == {f"测试支队应知应会清单#{n}" for n in range(1, 7)}
    assert all(1 <= len(qs) <= 2 and len({q.type for q in qs}) == len(qs) for qs in by_item.values())
    assert len({q.stem for q in made.questions}) == len(made.questions)
    again = checklist_questions(real_index, checklist.items, seed=0)
    assert [q.to_json() for q in again.questions] == [q.to_json() for q in made.questions], "same seed, same set"


def test_store_replaces_a_checklist_and_keeps_others(bank: QuestionBank) -> None:
    store = ChecklistStore(bank)
    checklist = load_checklist(FIXTURE)
    assert store.save(checklist) == 7
    items = store.items()
    assert [(i.key, i.kind, i.part) for i in items] == [(i.key, i.kind, i.part) for i in checklist.items]
    assert items[1].question == checklist.items[1].question and items[1].citations == checklist.items[1].citations
    other = Checklist("另一清单", tuple(replace(i, checklist="另一清单") for i in checklist.items[:2]))
    store.save(other)
    shorter = Checklist(checklist.title, checklist.items[:3])
    assert store.save(shorter) == 3
    assert store.titles() == sorted(["另一清单", checklist.title])
    assert [i.number for i in store.items([checklist.title])] == [1, 2, 3]
    assert len(store.items()) == 5
    assert store.remove("另一清单") == 2 and store.titles() == [checklist.title]


def test_mastery_per_item_with_items_that_have_no_questions(bank: QuestionBank, real_index) -> None:
    checklist = load_checklist(FIXTURE)
    ChecklistStore(bank).save(checklist)
    made = checklist_questions(real_index, checklist.items, seed=0)
    bank.add(made.questions)
    bank.add(generate(real_index, 6, laws=["公路法"], seed=1))  # questions outside any checklist
    practice = Practice(bank, Scheduler(enable_fuzzing=False))
    first = [q for q in bank.list() if q.checklist_item == "测试支队应知应会清单#1"]
    third = [q for q in bank.list() if q.checklist_item == "测试支队应知应会清单#3"]
    for q in first:
        practice.submit("u", q.id, q.answer, now=NOW)
    practice.submit("u", third[0].id, wrong_answer(third[0]), now=NOW)

    rows = {m.item.number: m for m in checklist_mastery(ChecklistStore(bank).items(),
                                                        practice.mastery_by_checklist_item("u"))}
    assert rows[1].state == "mastered" and rows[1].answered == rows[1].total == len(first)
    assert rows[3].state == "learning" and rows[3].right == 0
    assert rows[2].state == "new" and rows[2].total >= 1
    assert rows[7].state == "no-questions" and rows[7].total == 0

    session = practice.session_questions("u", 20, checklist_only=True, now=NOW)
    assert session and all(q.checklist_item for q in session)
    assert {q.id for q in session} == {q.id for q in bank.list() if q.checklist_item}


def test_adopting_an_anonymous_officers_work(bank: QuestionBank, real_index) -> None:
    bank.add(generate(real_index, 8, seed=4))
    practice = Practice(bank, Scheduler(enable_fuzzing=False))
    a, b, c = bank.list()[:3]
    practice.submit("anon:1", a.id, wrong_answer(a), now=NOW)
    practice.submit("anon:1", b.id, b.answer, now=NOW)
    practice.submit("anon:1", c.id, wrong_answer(c), now=NOW)
    practice.submit("badge:007", c.id, wrong_answer(c), now=NOW)  # the officer already has c in their book
    assert practice.has_history("anon:1") and not practice.has_history("anon:2")

    assert practice.adopt("anon:1", "badge:007") == 3
    assert not practice.has_history("anon:1") and practice.wrong_book("anon:1") == []
    book = practice.wrong_book("badge:007")
    assert sorted(e.question.id for e in book) == sorted([a.id, c.id])
    assert next(e for e in book if e.question.id == c.id).lapses == 1, "the officer's own card is kept"
    assert sum(m.answered for m in practice.mastery_by_law("badge:007")) == 3
    assert practice.adopt("badge:007", "badge:007") == 0


def test_concurrent_adds_of_the_same_questions(bank: QuestionBank, real_index) -> None:
    questions = generate(real_index, 30, seed=5)
    errors: list[str] = []
    barrier = threading.Barrier(4)

    def add() -> None:
        try:
            barrier.wait()
            bank.add([replace(q, id=None) for q in questions])
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            errors.append(repr(exc)[:200])

    threads = [threading.Thread(target=add) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert bank.count() == 30


def test_text_postgresql_would_refuse_is_cleaned(bank: QuestionBank, real_index) -> None:
    q = generate(real_index, 1, types=["judge"], seed=6)[0]
    q = replace(q, stem=q.stem + "\x00", chapter="章" * 250)
    (qid,) = bank.add([q])
    stored = bank.get(qid)
    assert stored is not None and "\x00" not in stored.stem and len(stored.chapter) == 200


class RememberingIndex:
    """The laws with the knowledge base's memory of answered questions beside it."""

    def __init__(self, index) -> None:  # type: ignore[no-untyped-def]
        self.index = index
        self.remembered: list = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.index, name)

    def remember(self, entries) -> int:  # type: ignore[no-untyped-def]
        new = [e for e in entries if e not in self.remembered]
        self.remembered += new
        return len(new)


def test_the_practice_use_cases_keep_what_they_make(bank: QuestionBank, real_source) -> None:
    from quiz.practice.sets import import_checklist, new_practice_set

    made = new_practice_set(real_source, bank, 5, laws=["中华人民共和国行政处罚法"])
    assert len(made) == 5 and bank.count() == 5
    checklist = load_checklist(FIXTURE)
    source = RememberingIndex(real_source)
    done = import_checklist(source, bank, checklist, seed=0)
    # the bank keeps each question once: a checklist question the practice set already made is not added again
    new = {fingerprint(q) for q in done.made.questions} - {fingerprint(q) for q in made}
    assert done.added == len(new) > 0 and bank.count() == 5 + done.added
    assert done.remembered == len(source.remembered) > 0
    assert ChecklistStore(bank).titles() == [checklist.title]
    again = import_checklist(source, bank, checklist, seed=0)
    assert again.added == 0 and again.remembered == 0


def test_the_review_progress_take_over_and_checklist_file_use_cases(bank: QuestionBank, real_index, real_source,
                                                                    tmp_path: Path) -> None:
    from quiz.checklist.items import ChecklistError
    from quiz.practice.sets import ReviewSet, import_checklist_file, progress, review_set, take_over

    bank.add(generate(real_index, 6, seed=4))
    practice = Practice(bank, Scheduler(enable_fuzzing=False))
    a, b, c = bank.list()[:3]
    assert review_set(practice, "u", 20) == ReviewSet([], False)
    practice.submit("u", a.id, wrong_answer(a), now=datetime(2100, 1, 1, tzinfo=UTC))  # due long after today
    soonest = review_set(practice, "u", 20)
    assert not soonest.due and [q.id for q in soonest.questions] == [a.id]
    practice.submit("u", b.id, wrong_answer(b), now=datetime(2020, 1, 1, tzinfo=UTC))  # due since long ago
    practice.submit("u", c.id, c.answer, now=NOW)
    due = review_set(practice, "u", 20)
    assert due.due and [q.id for q in due.questions] == [b.id]

    assert progress(practice, "u").items == [] and sum(m.answered for m in progress(practice, "u").laws) == 3
    bad = tmp_path / "空清单.md"
    bad.write_text("# 空清单\n\n没有条目。\n", encoding="utf-8")
    with pytest.raises(ChecklistError):
        import_checklist_file(RememberingIndex(real_source), bank, bad, seed=0)
    assert ChecklistStore(bank).titles() == []
    done = import_checklist_file(RememberingIndex(real_source), bank, FIXTURE, seed=0)
    assert done.checklist.title == load_checklist(FIXTURE).title and done.added == len(done.made.questions) > 0
    assert done.remembered > 0
    anonymous = progress(practice, "")
    assert anonymous.laws == [] and len(anonymous.items) == len(done.checklist.items)
    assert {m.state for m in anonymous.items} <= {"new", "no-questions"}

    assert take_over(practice, "anon:9", "badge:007") is None and take_over(practice, "", "badge:007") is None
    assert take_over(practice, "u", "badge:007") == 3
    assert not practice.has_history("u") and sorted(e.question.id for e in practice.wrong_book("badge:007")) == sorted(
        [a.id, b.id])
