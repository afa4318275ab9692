"""The examinee paths' shortcuts (issue 14): the papers parsed once per process (``quiz.exam.papers``), the
service's own pool without a ping at checkout, the sweep's lock and due sittings in one statement."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from quiz.bank.store import QuestionBank
from quiz.db import as_utc
from quiz.exam.papers import PaperCache
from quiz.exam.service import SWEEP_LOCK_KEY, ExamService
from quiz.exam.tables import ExamQuestionRow, SittingRow
from quiz.settings import QuizSettings
from tests.quiz.exam.conftest import HAND_BLUEPRINT, PEOPLE, Clock, open_exam
from tests.quiz.exam.test_service import BLUEPRINT, login


def statements_on(bank: QuestionBank) -> list[str]:
    """Every SQL statement run on the bank's engine from now on."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(bank.engine, "before_cursor_execute", record)
    return seen


def test_a_paper_is_read_once_and_again_when_a_sitting_names_a_question_it_lacks(
        bank: QuestionBank, clock: Clock, tmp_path: Path) -> None:
    organiser = ExamService(bank, QuizSettings(), clock)
    exam_id = open_exam(organiser, tmp_path, BLUEPRINT)
    printed = [(e.number, e.question.stem) for e in organiser.paper_questions(exam_id)]
    cache = PaperCache()
    seen = statements_on(bank)
    with bank.session() as s:
        first = cache.get(s, exam_id, "A")
        assert [(q.position, q.question.stem) for q in first.items] == printed
        reads = len(seen)
        assert reads == 1
        assert cache.get(s, exam_id, "A", [q.id for q in first.items]) is first
        assert len(seen) == reads, "served from the cache"
    if bank.engine.dialect.name != "postgresql":
        return  # SQLite may give the rows of a paper assembled again the same ids (one process there)
    other_process = ExamService(bank, QuizSettings(), clock)
    other_process.assemble(exam_id, seed=11)  # no sitting yet: assembling again is allowed
    with bank.session() as s:
        new_ids = list(s.scalars(select(ExamQuestionRow.id).where(ExamQuestionRow.exam_id == exam_id)))
    with bank.session() as s:
        again = cache.get(s, exam_id, "A", [new_ids[0]])
    assert {q.id for q in again.items} == set(new_ids)
    assert [(q.position, q.question.stem) for q in again.items] == [
        (e.number, e.question.stem) for e in other_process.paper_questions(exam_id)]


def test_assembling_again_forgets_the_paper(exams: ExamService, tmp_path: Path) -> None:
    exam_id = open_exam(exams, tmp_path, BLUEPRINT)
    with exams.bank.session() as s:
        before = exams._papers.get(s, exam_id, "A")
    exams.assemble(exam_id, seed=11)
    exams.open_exam(exam_id)
    token = login(exams, exam_id, PEOPLE[0])
    stems = {q.stem for q in exams.paper_for(token).questions}
    assert stems == {e.question.stem for e in exams.paper_questions(exam_id)}
    assert stems != {q.question.stem for q in before.items}


def test_a_broken_connection_fails_one_request_and_is_dropped(hand_exams: ExamService, tmp_path: Path) -> None:
    exams = hand_exams
    if exams.bank.engine.dialect.name != "postgresql":
        pytest.skip("the service's own pool is PostgreSQL's")
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:2])
    token = login(exams, exam_id, PEOPLE[0])
    assert exams.paper_for(token).questions
    with exams.bank.engine.connect() as conn:  # the server ends every other connection (a restart)
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    outcomes: list[str] = []
    for _ in range(3):
        try:
            outcomes.append("ok" if exams.paper_for(token).questions else "empty")
        except OperationalError:
            outcomes.append("failed")
    assert outcomes == ["failed", "ok", "ok"]
    exams.close()


def test_the_sweep_skips_a_round_while_another_process_sweeps(hand_exams: ExamService, tmp_path: Path,
                                                              clock: Clock) -> None:
    exams = hand_exams
    if exams.bank.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one process")
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:2])
    login(exams, exam_id, PEOPLE[0])
    clock.advance(minutes=31)
    with exams.bank.engine.connect() as other:
        assert other.scalar(select(func.pg_try_advisory_lock(SWEEP_LOCK_KEY)))
        assert exams.sweep() == 0
        other.scalar(select(func.pg_advisory_unlock(SWEEP_LOCK_KEY)))
        other.commit()
    assert exams.sweep() == 1 and exams.sweep() == 0
    exams.close()


def test_the_timer_submits_at_the_sitting_end_and_the_examinee_at_once(hand_exams: ExamService, tmp_path: Path,
                                                                      clock: Clock) -> None:
    exams = hand_exams
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:2])
    started = clock()
    _late, early = (login(exams, exam_id, p) for p in PEOPLE[:2])
    clock.advance(minutes=5)
    exams.submit(early)
    clock.advance(minutes=40)
    assert exams.sweep() == 1
    with exams.bank.session() as s:
        submitted = {oid: (as_utc(at), by) for oid, at, by in s.execute(
            select(SittingRow.officer_id, SittingRow.submitted_at, SittingRow.submitted_by))}
    assert submitted == {PEOPLE[0][0]: (started + timedelta(minutes=30), "timer"),  # HAND_BLUEPRINT's duration
                         PEOPLE[1][0]: (started + timedelta(minutes=5), "examinee")}
