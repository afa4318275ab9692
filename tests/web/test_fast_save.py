"""The fast save path (``xuefa.web.fast_save.FastSave``) answers ``PUT /api/exam/answer`` exactly as the
exam route does: the same statuses and JSON for a save, a refusal and a bad body, on SQLite and PostgreSQL
(there with the saves of remembered sittings on the event loop, ``quiz.exam.async_save``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from quiz.bank.store import QuestionBank
from quiz.exam.async_save import APPLICATION_NAME, AsyncSaves
from quiz.exam.models import LoginResult
from quiz.exam.service import ExamService, PlannedSave
from quiz.settings import QuizSettings
from tests.loops import run_in_own_loop
from tests.quiz.exam.conftest import HAND_BLUEPRINT, PEOPLE, Clock, hand_questions, open_exam
from xuefa.web.exam_routes import build_exam_router
from xuefa.web.fast_save import FastSave


@pytest.fixture()
def exams(database_url: str) -> Iterator[ExamService]:
    bank = QuestionBank(database_url)
    bank.add(hand_questions())
    yield ExamService(bank, QuizSettings(exam_sweep_interval_s=3600))
    bank.close()


def app_of(exams: ExamService, fast: bool) -> FastAPI:
    app = FastAPI()
    app.include_router(build_exam_router(exams))
    if fast:
        saves = AsyncSaves(exams.bank.engine) if exams.bank.engine.dialect.name == "postgresql" else None
        app.add_middleware(FastSave, exams=exams, saves=saves)
    return app


def test_the_fast_path_answers_as_the_route_does(exams: ExamService, tmp_path: Path) -> None:
    code = exams.get_exam(open_exam(exams, tmp_path, HAND_BLUEPRINT)).code
    replies: dict[bool, list[tuple[int, dict[str, object]]]] = {}
    for fast, person in ((False, PEOPLE[0]), (True, PEOPLE[1])):
        with TestClient(app_of(exams, fast)) as client:
            token = client.post("/api/exam/login", json={"code": code, "officer_id": person[0],
                                                         "name": person[1]}).json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            paper = client.get("/api/exam/paper", headers=auth).json()
            single = next(q for q in paper["questions"] if q["type"] == "single")
            multi = next(q for q in paper["questions"] if q["type"] == "multi")
            answers = [
                client.put("/api/exam/answer", headers=auth, json={"id": single["id"], "given": "B"}),
                client.put("/api/exam/answer", headers=auth, json={"id": multi["id"], "given": "AC"}),
                client.put("/api/exam/answer", json={"id": single["id"], "given": "A"}),  # no token
                client.put("/api/exam/answer", headers=auth, json={"id": "nope", "given": "A"}),
                client.put("/api/exam/answer", headers=auth, content=b"{not json"),
                client.put("/api/exam/answer", headers=auth, json={"id": single["id"]}),
                client.put("/api/exam/answer", headers=auth, json={"id": single["id"], "given": "Z"}),
                client.put("/api/exam/answer", headers=auth, content=b"x" * 70_000),
            ]
            replies[fast] = [(r.status_code, r.json()) for r in answers]
            assert all(r.headers["cache-control"] == "no-store" for r in answers)
            stored = client.get("/api/exam/paper", headers=auth).json()["answers"]
            assert stored == {single["id"]: "B", multi["id"]: "AC"}
    for (slow_status, slow), (fast_status, fast_reply) in zip(replies[False], replies[True], strict=True):
        assert slow_status == fast_status
        assert slow.keys() == fast_reply.keys()
        if "error" in slow:
            assert slow["error"] == fast_reply["error"]
    assert [s for s, _ in replies[True]] == [200, 200, 401, 403, 422, 422, 422, 422]


@pytest.fixture()
def postgres_exams(database_url: str) -> Iterator[tuple[ExamService, Clock]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("the saves on the event loop are PostgreSQL's")
    bank = QuestionBank(database_url)
    bank.add(hand_questions())
    clock = Clock()
    yield ExamService(bank, QuizSettings(exam_sweep_interval_s=3600), clock=clock), clock
    bank.close()


def test_a_remembered_sitting_is_saved_on_the_event_loop_and_refused_as_in_a_thread(
        postgres_exams: tuple[ExamService, Clock], tmp_path: Path) -> None:
    exams, clock = postgres_exams
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT)
    code = exams.get_exam(exam_id).code
    saves = AsyncSaves(exams.bank.engine)
    app = FastAPI()
    app.include_router(build_exam_router(exams))
    with TestClient(FastSave(app, exams=exams, saves=saves)) as client:
        tokens = [client.post("/api/exam/login", json={"code": code, "officer_id": oid, "name": name}).json()["token"]
                  for oid, name, *_ in PEOPLE[:3]]
        auths = [{"Authorization": f"Bearer {t}"} for t in tokens]
        singles = [next(q["id"] for q in client.get("/api/exam/paper", headers=auth).json()["questions"]
                        if q["type"] == "single") for auth in auths]  # each paper has its own ids
        for auth, qid in zip(auths, singles, strict=True):  # a token's first save is read in a thread, then remembered
            assert client.put("/api/exam/answer", headers=auth, json={"id": qid, "given": "A"}).status_code == 200
        assert all(exams.plan_remembered_save(t, qid, "B") is not None for t, qid in zip(tokens, singles, strict=True))
        first = client.put("/api/exam/answer", headers=auths[0], json={"id": singles[0], "given": "B"})
        assert first.status_code == 200 and first.json()["saved"] is True
        assert client.get("/api/exam/paper", headers=auths[0]).json()["answers"] == {singles[0]: "B"}

        assert client.post("/api/exam/submit", headers=auths[1]).status_code == 200
        after_submit = client.put("/api/exam/answer", headers=auths[1], json={"id": singles[1], "given": "B"})
        assert (after_submit.status_code, after_submit.json()) == (409, {"error": "试卷已提交，不能再修改答案。"})

        clock.advance(hours=5)  # past every sitting's end
        late = client.put("/api/exam/answer", headers=auths[2], json={"id": singles[2], "given": "B"})
        assert late.status_code == 410
        assert client.get("/api/exam/state", headers=auths[2]).json()["submitted"] is True
        assert client.get("/api/exam/paper", headers=auths[2]).json()["answers"] == {singles[2]: "A"}
        client.portal.call(saves.aclose)  # type: ignore[union-attr]


def remembered_save(exams: ExamService, tmp_path: Path) -> tuple[LoginResult, str, PlannedSave]:
    """An examinee logged in whose sitting this process remembers (one answer saved), and a save planned."""
    code = exams.get_exam(open_exam(exams, tmp_path, HAND_BLUEPRINT)).code
    login = exams.login(code, PEOPLE[0][0], PEOPLE[0][1])
    qid = next(q.id for q in exams.paper_for(login.token).questions if q.type == "single")
    exams.save_answer(login.token, qid, "A")  # remembered from here on
    planned = exams.plan_remembered_save(login.token, qid, "B")
    assert planned is not None
    return login, qid, planned


def end_the_saves_connections(exams: ExamService) -> None:
    with exams.bank.engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND application_name = :name"),
                     {"name": APPLICATION_NAME})


def test_a_broken_connection_fails_one_save_and_is_not_reused(postgres_exams: tuple[ExamService, Clock],
                                                              tmp_path: Path) -> None:
    exams, _ = postgres_exams
    saves = AsyncSaves(exams.bank.engine, max_connections=1)
    login, qid, planned = remembered_save(exams, tmp_path)

    async def run() -> list[bool | str]:
        outcomes: list[bool | str] = [await saves.save(planned)]
        end_the_saves_connections(exams)  # the server ends the saves' connection
        try:
            outcomes.append(await saves.save(planned))
        except psycopg.OperationalError:
            outcomes.append("failed")
        outcomes.append(await saves.save(planned))
        await saves.aclose()
        return outcomes

    assert run_in_own_loop(run) == [True, "failed", True]
    assert exams.paper_for(login.token).answers == {qid: "B"}


def test_every_kind_of_answer_is_stored_by_the_event_loop_save_as_the_service_reads_it(
        postgres_exams: tuple[ExamService, Clock], tmp_path: Path) -> None:
    """Letters, true/false, Chinese text with quotes and a backslash, and a cleared answer (None), each saved on
    the event loop (the statement's parameters in PostgreSQL's text form) and read back by the service."""
    exams, _ = postgres_exams
    code = exams.get_exam(open_exam(exams, tmp_path, HAND_BLUEPRINT)).code
    login = exams.login(code, PEOPLE[0][0], PEOPLE[0][1])
    ids: dict[str, str] = {q.type: q.id for q in exams.paper_for(login.token).questions}
    exams.save_answer(login.token, ids["single"], "A")  # remembered from here on
    saves = AsyncSaves(exams.bank.engine)
    answers: dict[str, str | bool | None] = {"single": "C", "multi": "ABD", "judge": False,
                                             "blank": '十五日 "内" \\ 缴纳', "short": None}

    async def run() -> list[bool]:
        written = []
        for kind, given in answers.items():
            planned = exams.plan_remembered_save(login.token, ids[kind], given)
            assert planned is not None
            written.append(await saves.save(planned))
        await saves.aclose()
        return written

    assert run_in_own_loop(run) == [True] * len(answers)
    stored = exams.paper_for(login.token).answers
    assert stored == {ids[k]: v for k, v in answers.items() if v is not None}


def test_a_connection_lost_while_idle_is_found_before_a_save_meets_it(postgres_exams: tuple[ExamService, Clock],
                                                                      tmp_path: Path) -> None:
    exams, _ = postgres_exams
    saves = AsyncSaves(exams.bank.engine, max_connections=1)
    *_, planned = remembered_save(exams, tmp_path)

    async def run() -> list[bool]:
        outcomes = [await saves.save(planned)]
        end_the_saves_connections(exams)
        for _ in range(50):  # the loop reads the server's goodbye on the idle connection's socket
            await asyncio.sleep(0.02)
        outcomes.append(await saves.save(planned))
        await saves.aclose()
        return outcomes

    assert run_in_own_loop(run) == [True, True]
