"""The fast save path (``xuefa.web.fast_save.FastSave``) answers ``PUT /api/exam/answer`` exactly as the
exam route does: the same statuses and JSON for a save, a refusal and a bad body, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz.bank.store import QuestionBank
from quiz.exam.service import ExamService
from quiz.settings import QuizSettings
from tests.quiz.exam.conftest import HAND_BLUEPRINT, PEOPLE, hand_questions, open_exam
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
        app.add_middleware(FastSave, exams=exams)
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
