"""What an examinee's requests can get wrong, over real HTTP against the running server (uvicorn, Gradio
mounted beside the exam router) on SQLite and PostgreSQL: a second login, missing, tampered and forged
tokens, another examinee's question, answers after the time is up, key fields before submission, bad
bodies, and a restart of the server (a new ExamService and server on the same database) keeping answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quiz.bank.store import QuestionBank
from quiz.exam.service import ExamService
from quiz.settings import QuizSettings
from tests.quiz.exam.conftest import Clock
from tests.web.exam_site import PEOPLE, Site, fill_bank, open_exam, real_questions, running_site

STATIC = Path(__file__).resolve().parents[2] / "xuefa" / "web" / "static"
KEY_FIELDS = {"answer", "keys", "correct", "explanation", "source", "sources", "key_points",
              "evidence", "earned", "score"}


@pytest.fixture()
def bank(database_url: str) -> Iterator[QuestionBank]:
    b = fill_bank(database_url)
    yield b
    b.close()


@pytest.fixture()
def site(bank: QuestionBank) -> Iterator[Site]:
    with running_site(bank) as s:
        yield s


def chinese(r: Any) -> str:
    """The response's error message; it must be Chinese."""
    message = r.json()["error"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return str(message)


def start(site: Site, tmp_path: Path, person: tuple[str, str, str] = PEOPLE[0]) -> tuple[str, str, dict]:
    """Open an exam (once per site) and log ``person`` in: (code, token, paper)."""
    if not site.exams.list_exams():
        open_exam(site.exams, tmp_path)
    code = site.exams.list_exams()[0].code
    r = site.login(code, person)
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    paper = site.call("GET", "/paper", token)
    assert paper.status_code == 200, paper.text
    return code, token, paper.json()


def first_option(q: dict) -> Any:
    return {"single": "A", "multi": "AB", "judge": True, "blank": "三十日"}.get(q["type"], "合法、适当。")


def test_a_second_login_is_refused_and_the_first_device_keeps_working(site: Site, tmp_path: Path) -> None:
    code, token, paper = start(site, tmp_path)
    q = paper["questions"][0]
    again = site.login(code)
    assert again.status_code == 409
    assert "另一台设备" in chinese(again)
    assert site.call("PUT", "/answer", token, json={"id": q["id"], "given": first_option(q)}).status_code == 200
    assert site.call("GET", "/paper", token).json()["answers"] == {q["id"]: first_option(q)}

    unknown = site.login("000000")
    assert unknown.status_code == 404 and "考试码" in chinese(unknown)
    wrong_name = site.login(code, (PEOPLE[1][0], "冒名顶替", ""))
    assert wrong_name.status_code == 403 and "姓名" in chinese(wrong_name)
    assert site.login(code, ("NOT-LISTED", "路人", "")).status_code == 403


def test_missing_tampered_and_forged_tokens_are_refused(site: Site, tmp_path: Path) -> None:
    _, token, paper = start(site, tmp_path)
    q = paper["questions"][0]
    body = {"id": q["id"], "given": first_option(q)}
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    cases = {
        "missing": {},
        "empty": {"Authorization": "Bearer"},
        "tampered": {"Authorization": f"Bearer {tampered}"},
        "forged": {"Authorization": "Bearer " + "x" * 43},
        "huge": {"Authorization": "Bearer " + "y" * 5000},
        "not bearer": {"Authorization": f"Basic {token}"},
    }
    for name, headers in cases.items():
        for method, path, kw in (("GET", "/paper", {}), ("PUT", "/answer", {"json": body}),
                                 ("GET", "/state", {}), ("POST", "/submit", {}), ("GET", "/result", {})):
            r = site.call(method, path, headers=dict(headers), **kw)
            assert r.status_code == 401, (name, method, path, r.status_code, r.text)
            assert "登录" in chinese(r), (name, path)
    state = site.call("GET", "/state", token).json()
    assert state["submitted"] is False, "a refused submit with a bad token submits nothing"
    assert site.call("GET", "/paper", token).json()["answers"] == {}, "a refused save stores nothing"


def test_another_examinees_question_id_is_refused(site: Site, tmp_path: Path) -> None:
    _, mine, my_paper = start(site, tmp_path, PEOPLE[0])
    _, theirs, their_paper = start(site, tmp_path, PEOPLE[1])
    my_ids = {q["id"] for q in my_paper["questions"]}
    their_ids = {q["id"] for q in their_paper["questions"]}
    assert not my_ids & their_ids, "question ids are per examinee"
    q = their_paper["questions"][0]
    assert site.call("PUT", "/answer", theirs, json={"id": q["id"], "given": first_option(q)}).status_code == 200

    r = site.call("PUT", "/answer", mine, json={"id": q["id"], "given": first_option(q)})
    assert r.status_code == 403 and "不在您的试卷" in chinese(r)
    for forged in ("q000000000000", "", "1", "x" * 1000):
        r = site.call("PUT", "/answer", mine, json={"id": forged, "given": "A"})
        assert r.status_code == 403, (forged, r.text)
    assert site.call("GET", "/paper", mine).json()["answers"] == {}
    assert site.call("GET", "/paper", theirs).json()["answers"] == {q["id"]: first_option(q)}


def test_bad_bodies_get_422_with_a_chinese_message(site: Site, tmp_path: Path) -> None:
    _, token, paper = start(site, tmp_path)
    by_type = {q["type"]: q for q in paper["questions"]}
    single, judge = by_type["single"], by_type["judge"]
    bad: list[tuple[str, dict[str, Any]]] = [
        ("not json", {"content": b"{given: A", "headers": {"Content-Type": "application/json"}}),
        ("a list", {"json": ["A"]}),
        ("no given", {"json": {"id": single["id"]}}),
        ("no id", {"json": {"given": "A"}}),
        ("two letters on a 单选", {"json": {"id": single["id"], "given": "AB"}}),
        ("a letter it does not show", {"json": {"id": single["id"], "given": "Z"}}),
        ("a number for a 判断", {"json": {"id": judge["id"], "given": 7}}),
        ("too long", {"json": {"id": by_type["blank"]["id"], "given": "长" * 501}}),
    ]
    for name, kw in bad:
        r = site.call("PUT", "/answer", token, **kw)
        assert r.status_code == 422, (name, r.status_code, r.text)
        chinese(r)
    r = site.call("POST", "/login", content=b"\xff\xfe", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "请求格式不正确" in chinese(r)
    assert site.call("GET", "/paper", token).json()["answers"] == {}, "nothing of a refused body is stored"


def test_answers_after_the_time_is_up_are_refused_and_the_earlier_ones_graded(site: Site, tmp_path: Path) -> None:
    _, token, paper = start(site, tmp_path)
    first, second = paper["questions"][0], paper["questions"][1]
    assert site.call("PUT", "/answer", token, json={"id": first["id"], "given": first_option(first)}).status_code == 200
    site.clock.advance(minutes=30, seconds=-1)
    r = site.call("PUT", "/answer", token, json={"id": second["id"], "given": first_option(second)})
    assert r.status_code == 200 and r.json()["remaining_s"] == 1, "one second before the end still counts"

    site.clock.advance(seconds=1)
    late = site.call("PUT", "/answer", token, json={"id": first["id"], "given": "B" if first["type"] == "single"
                                                     else first_option(first)})
    assert late.status_code == 410 and "考试时间已到" in chinese(late)
    assert site.call("GET", "/state", token).json() == {"remaining_s": 0, "submitted": True}
    again = site.call("PUT", "/answer", token, json={"id": first["id"], "given": first_option(first)})
    assert again.status_code == 409, "after the automatic submission an answer is refused as submitted"
    stored = site.call("GET", "/paper", token).json()
    assert stored["submitted"] is True and stored["answers"] == {
        first["id"]: first_option(first), second["id"]: first_option(second)}, "the late answer changed nothing"
    assert site.call("POST", "/submit", token).json() == {"submitted": True, "already": True}


def walk_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from walk_keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk_keys(v)


def test_no_key_before_submission(site: Site, tmp_path: Path) -> None:
    _, token, paper = start(site, tmp_path)
    for path in ("/paper", "/state", "/result"):
        r = site.call("GET", path, token)
        assert r.status_code == 200
        data = r.json()
        assert not set(walk_keys(data)) & KEY_FIELDS, (path, set(walk_keys(data)) & KEY_FIELDS)
        raw = json.dumps(data, ensure_ascii=False)
        for q in real_questions():  # no explanation of any question of the bank reaches the examinee
            assert q.explanation not in raw, (path, q.explanation)
    assert site.call("GET", "/result", token).json() == {"released": False}
    short = next(q for q in paper["questions"] if q["type"] == "short")
    assert not short["options"] and "<img" in short["stem"], "text goes out as data; the page escapes it"


def test_a_restart_keeps_answers_and_tokens(bank: QuestionBank, database_url: str, tmp_path: Path) -> None:
    clock = Clock()
    with running_site(bank, clock) as first:
        _, token, paper = start(first, tmp_path)
        given = {q["id"]: first_option(q) for q in paper["questions"][:4]}
        for qid, value in given.items():
            assert first.call("PUT", "/answer", token, json={"id": qid, "given": value}).status_code == 200
        url = first.url

    fresh = QuestionBank(database_url)  # a new engine, service and server: nothing kept in memory
    try:
        with running_site(fresh, clock) as second:
            assert second.url != url
            resumed = second.call("GET", "/paper", token)
            assert resumed.status_code == 200, "the token of the first server still works"
            assert resumed.json()["answers"] == given
            assert [q["id"] for q in resumed.json()["questions"]] == [q["id"] for q in paper["questions"]], \
                "same order, same ids"
            last = paper["questions"][4]
            assert second.call("PUT", "/answer", token, json={"id": last["id"], "given": first_option(last)}
                               ).status_code == 200
            assert second.call("POST", "/submit", token).json()["submitted"] is True
            exam_id = second.exams.list_exams()[0].id
            second.exams.release_results(exam_id)
            result = second.call("GET", "/result", token).json()
            assert result["released"] is True
            got = {q["number"]: q["given"] for q in result["questions"]}
            numbers = {q["id"]: q["number"] for q in paper["questions"]}
            expected = {numbers[qid]: v for qid, v in given.items()} | {numbers[last["id"]]: first_option(last)}
            assert {n: v for n, v in got.items() if v is not None} == expected
    finally:
        fresh.close()
    again = QuestionBank(database_url)
    try:
        assert ExamService(again, QuizSettings()).get_exam(exam_id).submitted == 1
    finally:
        again.close()


def test_the_page_loads_nothing_from_outside() -> None:
    for name in ("exam.html", "exam.js", "exam.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, name
        assert "@import" not in text and "url(" not in text, name
    script = (STATIC / "exam.js").read_text(encoding="utf-8")
    for sink in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, f"exam.js uses {sink}: text must go in through textContent"
