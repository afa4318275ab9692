"""The examinee's JSON routes over a real database (SQLite and PostgreSQL) with FastAPI's TestClient, and
once under a real uvicorn server with Gradio mounted beside them (page, lifespan, background sweep)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz.bank.store import QuestionBank
from quiz.exam.service import ExamService
from quiz.settings import QuizSettings
from tests.app.conftest import free_port
from tests.quiz.exam.conftest import HAND_BLUEPRINT, PEOPLE, Clock, hand_questions, open_exam
from xuefa.web.exam_routes import EXAM_PAGE, build_exam_router
from xuefa.web.server import build_server, run_server


@pytest.fixture()
def sweep_s() -> float:
    """Seconds between background sweeps: none within a test unless it asks (a sweep racing a request would
    make the lazy path's answers depend on timing)."""
    return 3600.0


@pytest.fixture()
def exams(database_url: str, sweep_s: float) -> Iterator[ExamService]:
    bank = QuestionBank(database_url)
    bank.add(hand_questions())
    yield ExamService(bank, QuizSettings(exam_sweep_interval_s=sweep_s), Clock())
    bank.close()


@pytest.fixture()
def client(exams: ExamService) -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(build_exam_router(exams))
    with TestClient(app) as c:  # runs the router's lifespan (the sweep task)
        yield c


def login(client: TestClient, code: str, person: tuple[str, str, str] = PEOPLE[0]) -> dict:
    r = client.post("/api/exam/login", json={"code": code, "officer_id": person[0], "name": person[1]})
    assert r.status_code == 200, r.text
    return r.json()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_sitting_through_the_json_routes(exams: ExamService, client: TestClient, tmp_path: Path) -> None:
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])
    code = exams.get_exam(exam_id).code
    session = login(client, code)
    assert set(session) >= {"token", "name", "unit", "title", "ends_at", "remaining_s", "submitted"}
    assert session["name"] == PEOPLE[0][1] and session["remaining_s"] == 1800 and session["submitted"] is False
    assert session["ends_at"].startswith("2026-03-02T01:30:00")
    h = auth(session["token"])
    paper = client.get("/api/exam/paper", headers=h)
    assert paper.headers["cache-control"] == "no-store"
    data = paper.json()
    assert set(data) == {"title", "remaining_s", "submitted", "total_points", "questions", "answers"}
    assert data["total_points"] == 20 and data["answers"] == {}
    for q in data["questions"]:
        assert set(q) == {"id", "number", "type", "type_name", "stem", "options", "points"}
        assert all(set(o) == {"key", "text"} for o in q["options"])
    raw = paper.text
    for secret in ("第五十一条规定二百元", "explanation", "answer\"", "半个月", "key_points"):
        assert secret not in raw
    q = {x["type"]: x for x in data["questions"]}
    right = next(o["key"] for o in q["single"]["options"] if o["text"] == "二百元")
    saved = client.put("/api/exam/answer", headers=h, json={"id": q["single"]["id"], "given": right})
    assert saved.json() == {"saved": True, "remaining_s": 1800}
    client.put("/api/exam/answer", headers=h, json={"id": q["judge"]["id"], "given": True})
    multi = "".join(o["key"] for o in q["multi"]["options"] if o["text"] != "行政拘留以外的强制措施")
    client.put("/api/exam/answer", headers=h, json={"id": q["multi"]["id"], "given": multi})
    assert client.get("/api/exam/paper", headers=h).json()["answers"] == {
        q["single"]["id"]: right, q["judge"]["id"]: True, q["multi"]["id"]: multi}
    assert client.get("/api/exam/state", headers=h).json() == {"remaining_s": 1800, "submitted": False}
    assert client.get("/api/exam/result", headers=h).json() == {"released": False}
    assert client.post("/api/exam/submit", headers=h).json()["submitted"] is True
    assert client.post("/api/exam/submit", headers=h).json() == {"submitted": True, "already": True}
    late = client.put("/api/exam/answer", headers=h, json={"id": q["blank"]["id"], "given": "十五日"})
    assert late.status_code == 409 and "已提交" in late.json()["error"]
    assert client.get("/api/exam/result", headers=h).json() == {"released": False}
    exams.close_exam(exam_id)
    exams.release_results(exam_id)
    result = client.get("/api/exam/result", headers=h).json()
    assert result["released"] is True and result["score"] == 7 and result["total"] == 20
    first = result["questions"][0]
    assert set(first) >= {"number", "stem", "given", "answer", "correct", "points", "explanation", "source"}
    assert first == {**first, "number": 1, "given": right, "answer": right, "correct": True, "points": 2,
                     "earned": 2, "source": [{"law": "中华人民共和国行政处罚法", "article": "第五十一条"}]}
    by_type = {x["type"]: x for x in result["questions"]}
    assert by_type["blank"]["given"] is None and by_type["blank"]["answer"] == "十五日 或 15天 或 半个月"
    assert by_type["multi"]["answer"] == multi and by_type["judge"]["answer"] is True


def test_refusals_have_status_and_chinese_message(exams: ExamService, client: TestClient, tmp_path: Path) -> None:
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])
    code = exams.get_exam(exam_id).code

    def refused(r: httpx.Response, status: int, words: str) -> None:
        assert r.status_code == status, r.text
        assert words in r.json()["error"], r.json()

    refused(client.get("/api/exam/paper"), 401, "请先登录")
    refused(client.get("/api/exam/state", headers=auth("forged")), 401, "重新登录")
    refused(client.get("/api/exam/paper", headers={"Authorization": "Basic abc"}), 401, "请先登录")
    refused(client.post("/api/exam/login", json={"code": "999999", "officer_id": "1", "name": "甲"}), 404, "考试码")
    refused(client.post("/api/exam/login", content=b"{not json"), 422, "JSON")
    refused(client.post("/api/exam/login", json={"code": code}), 422, "缺少 officer_id、name")
    refused(client.post("/api/exam/login", json=["x"]), 422, "JSON 对象")
    refused(client.post("/api/exam/login", json={"code": code, "officer_id": "1", "name": "甲"}), 403, "名单中没有")
    token = login(client, code)["token"]
    refused(client.post("/api/exam/login", json={"code": code, "officer_id": PEOPLE[0][0], "name": PEOPLE[0][1]}),
            409, "另一台设备")
    body = {"code": code, "officer_id": PEOPLE[2][0], "name": PEOPLE[2][1], "device": "d-1"}
    first = client.post("/api/exam/login", json=body).json()["token"]
    again = client.post("/api/exam/login", json=body)
    assert again.status_code == 200 and again.json()["token"] != first, "the same device may log in again"
    refused(client.post("/api/exam/login", json={**body, "device": "d-2"}), 409, "另一台设备")
    other = login(client, code, PEOPLE[1])["token"]
    foreign = client.get("/api/exam/paper", headers=auth(other)).json()["questions"][0]["id"]
    refused(client.put("/api/exam/answer", headers=auth(token), json={"id": foreign, "given": "A"}), 403, "不在您的试卷")
    mine = client.get("/api/exam/paper", headers=auth(token)).json()["questions"]
    single = next(q for q in mine if q["type"] == "single")
    refused(client.put("/api/exam/answer", headers=auth(token), json={"id": single["id"], "given": "Z"}), 422, "没有选项")
    refused(client.put("/api/exam/answer", headers=auth(token), json={"id": single["id"]}), 422, "缺少 given")
    exams.clock.advance(minutes=31)  # type: ignore[attr-defined]
    refused(client.put("/api/exam/answer", headers=auth(token), json={"id": single["id"], "given": "A"}), 410, "时间已到")
    assert client.get("/api/exam/state", headers=auth(token)).json() == {"remaining_s": 0, "submitted": True}
    actions = {a.action for a in exams.audit(exam_id)}
    assert {"bad_token", "login_unknown_code", "login_not_listed", "second_login", "foreign_question",
            "save_after_time"} <= actions


@pytest.mark.parametrize("sweep_s", [0.05])
def test_the_background_sweep_submits_at_time_end(exams: ExamService, client: TestClient, tmp_path: Path) -> None:
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])
    login(client, exams.get_exam(exam_id).code)
    exams.clock.advance(minutes=30)  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while exams.get_exam(exam_id).submitted == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert exams.get_exam(exam_id).submitted == 1
    assert [e.submitted_by for e in exams.report(exam_id).examinees if e.state == "已交卷"] == ["timer"]


def test_under_uvicorn_beside_gradio(tmp_path: Path) -> None:
    bank = QuestionBank(f"sqlite:///{tmp_path / 'quiz.sqlite'}")
    bank.add(hand_questions())
    clock = Clock()
    exams = ExamService(bank, QuizSettings(exam_sweep_interval_s=0.05), clock)
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])
    with gr.Blocks() as demo:
        gr.Markdown("学法通")
    server = run_server(build_server(demo, [build_exam_router(exams)]), "127.0.0.1", free_port(), block=False,
                        quiet=True)
    assert server is not None
    try:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            page = http.get("/exam")
            if EXAM_PAGE.is_file():
                assert page.status_code == 200 and page.headers["cache-control"] == "no-cache"
                assert "text/html" in page.headers["content-type"]
            else:
                assert page.status_code == 404
            r = http.post("/api/exam/login", content=json.dumps(
                {"code": exams.get_exam(exam_id).code, "officer_id": PEOPLE[0][0], "name": PEOPLE[0][1]}))
            assert r.status_code == 200
            assert http.get("/api/exam/state", headers=auth(r.json()["token"])).json()["remaining_s"] == 1800
            clock.advance(minutes=31)
            deadline = time.monotonic() + 10
            while exams.get_exam(exam_id).submitted == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert exams.get_exam(exam_id).submitted == 1, "the sweep runs under uvicorn's lifespan"
            assert http.get("/").status_code == 200, "Gradio still answers at /"
    finally:
        server.close()
        bank.close()
    assert not server.thread.is_alive()
