"""Grading, the FSRS wrong-answer book and mastery, per user, in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Scheduler

from quiz.bank.store import QuestionBank
from quiz.generation.generate import generate
from quiz.grading import grade, letters
from quiz.models import Question
from quiz.practice.runs import Practice
from tests.quiz.answers import wrong_answer

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture()
def practice(database_url: str, real_index) -> Practice:
    bank = QuestionBank(database_url)
    bank.add(generate(real_index, 16, seed=13))
    yield Practice(bank, Scheduler(enable_fuzzing=False))
    bank.close()


def first(practice: Practice, kind: str) -> Question:
    return next(q for q in practice.bank.list() if q.type == kind)


def test_grading_rules(practice: Practice) -> None:
    single, multi = first(practice, "single"), first(practice, "multi")
    judge, blank = first(practice, "judge"), first(practice, "blank")
    assert grade(single, str(single.answer).lower()).correct
    assert grade(multi, list(reversed(str(multi.answer)))).correct
    assert not grade(multi, str(multi.answer)[0]).correct  # part of the keys is wrong
    assert grade(judge, "对" if judge.answer else "错").correct
    assert grade(blank, f" {blank.answer} ").correct
    assert letters("a, c") == "AC"
    assert not grade(single, wrong_answer(single)).correct


def test_blank_amounts_compare_by_value() -> None:
    q = Question(type="blank", stem="告知后____内提出", answer="五日", explanation="", sources=())
    assert grade(q, "5日").correct and not grade(q, "7日").correct


def test_missed_question_is_scheduled_by_fsrs(practice: Practice) -> None:
    q = first(practice, "single")
    result = practice.submit("officer-1", q.id, wrong_answer(q), now=NOW)
    assert not result.correct and result.explanation and result.sources
    (entry,) = practice.wrong_book("officer-1")
    assert entry.question.id == q.id and entry.lapses == 1 and entry.state == "Learning"
    assert NOW < entry.due <= NOW + timedelta(hours=1)  # Again: back within the learning step
    assert practice.due("officer-1", now=NOW) == []
    assert [x.id for x in practice.due("officer-1", now=entry.due)] == [q.id]
    assert practice.wrong_book("officer-2") == []  # per user

    later = entry.due + timedelta(minutes=1)
    practice.submit("officer-1", q.id, q.answer, now=later)
    practice.submit("officer-1", q.id, q.answer, now=later + timedelta(minutes=15))
    (entry,) = practice.wrong_book("officer-1")
    assert entry.state == "Review" and entry.due >= later + timedelta(days=1)  # graduated: days away
    assert practice.remove("officer-1", q.id) and practice.wrong_book("officer-1") == []


def test_right_answers_do_not_enter_the_book(practice: Practice) -> None:
    q = first(practice, "judge")
    assert practice.submit("u", q.id, q.answer, now=NOW).correct
    assert practice.wrong_book("u") == []


def test_mastery_per_law_and_session_order(practice: Practice) -> None:
    qs = practice.bank.list()
    law = qs[0].law
    of_law = [q for q in qs if q.law == law]
    for q in of_law:
        practice.submit("u", q.id, q.answer, now=NOW)
    missed = next(q for q in qs if q.law != law)
    practice.submit("u", missed.id, wrong_answer(missed), now=NOW)
    mastery = {m.key: m for m in practice.mastery_by_law("u")}
    assert mastery[law].answered == len(of_law) and mastery[law].mastered
    assert mastery[missed.law].right == 0 and not mastery[missed.law].mastered
    assert sum(m.total for m in mastery.values()) == len(qs)
    session = practice.session_questions("u", 5, now=NOW + timedelta(hours=2), seed=1)
    assert session[0].id == missed.id  # due wrong-book questions come first
    assert all(q.id not in {x.id for x in of_law} for q in session[1:])  # then unanswered ones


def test_mastery_per_checklist_item(database_url: str, real_index) -> None:
    from quiz.checklist.items import parse_markdown

    checklist = parse_markdown(
        "# 清单\n\n## 一、程序\n\n1. 执法人员不得少于两人，法律另有规定的除外。（《中华人民共和国行政处罚法》第四十二条）\n"
    )
    bank = QuestionBank(database_url)
    bank.add(generate(real_index, 4, laws=["行政处罚法"], seed=2, checklist=checklist.items))
    practice = Practice(bank)
    q = next(q for q in bank.list() if q.checklist_item == "清单#1")
    practice.submit("u", q.id, q.answer, now=NOW)
    (m,) = practice.mastery_by_checklist_item("u")
    assert (m.key, m.answered, m.right, m.mastered) == ("清单#1", 1, 1, True)
    bank.close()
