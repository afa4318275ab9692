"""Several server processes on one PostgreSQL database (issue 14): two real worker processes
(``uvicorn xuefa.web.workers:build_worker_app --factory``) judge presses the same way, refuse the same
code-guesser, and sweep each due sitting once; on SQLite ``xuefa serve --workers 2`` is refused."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from quiz.bank.store import QuestionBank
from quiz.contest.model import RoundKind, RoundSpec
from quiz.contest.service import ContestService
from quiz.db import utcnow
from quiz.exam.models import AuditAction
from quiz.exam.service import ExamService
from quiz.exam.tables import AuditRow, SittingRow
from quiz.settings import QuizSettings
from tests.app.conftest import free_port
from tests.quiz.contest.questions import single
from tests.quiz.exam.conftest import HAND_BLUEPRINT, PEOPLE, Clock, hand_questions, open_exam
from xuefa.cli import cli

PROJECT = Path(__file__).resolve().parents[2]
WRONG_CODE_LIMIT = 3
SETTINGS = QuizSettings(seed=3, wrong_code_limit=WRONG_CODE_LIMIT, wrong_code_window_s=600)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    url: str


@pytest.fixture()
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes need PostgreSQL (the SQLite refusal is tested below)")
    return database_url


def start_worker(url: str, home: Path, log: Path) -> Worker:
    port = free_port()
    env = {**os.environ, "XUEFA_HOME": str(home), "XUEFA_QUIZ__DATABASE_URL": url,
           "XUEFA_QUIZ__WRONG_CODE_LIMIT": str(WRONG_CODE_LIMIT), "XUEFA_QUIZ__WRONG_CODE_WINDOW_S": "600",
           "XUEFA_QUIZ__EXAM_SWEEP_INTERVAL_S": "0.2", "PYTHONPATH": str(PROJECT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "xuefa.web.workers:build_worker_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env, cwd=PROJECT, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    worker = Worker(process, f"http://127.0.0.1:{port}")
    for _ in range(600):  # up to a minute on a loaded machine
        if process.poll() is not None:
            raise RuntimeError(f"worker exited: {log.read_text(encoding='utf-8', errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{worker.url}/contest/buzz", timeout=2).status_code == 200:
                return worker
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("worker did not start")


@pytest.fixture()
def workers(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Worker, Worker]]:
    QuestionBank(postgres_url).close()  # the tables, before two processes race to create them
    started: list[Worker] = []
    try:
        for name in ("a", "b"):
            started.append(start_worker(postgres_url, tmp_path / f"home-{name}", tmp_path / f"worker-{name}.log"))
        yield started[0], started[1]
    finally:
        for w in started:
            w.process.terminate()
        for w in started:
            try:
                w.process.wait(15)
            except subprocess.TimeoutExpired:
                w.process.kill()
                w.process.wait()


def press_at_once(targets: list[tuple[str, str]]) -> list[dict[str, object]]:
    """Send each (worker url, team code) press from its own thread, released together."""
    barrier = threading.Barrier(len(targets))
    replies: list[dict[str, object]] = [{} for _ in targets]

    def press(i: int, url: str, team_code: str) -> None:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            replies[i] = client.post(f"{url}/api/contest/buzz", json={"team_code": team_code}).json()

    threads = [threading.Thread(target=press, args=(i, url, code)) for i, (url, code) in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return replies


def wait_for_change(url: str, code: str, since: int, into: dict[str, object]) -> None:
    """A screen's long poll: the state once its version is no longer ``since``."""
    into.update(httpx.get(f"{url}/api/contest/{code}/state", params={"since": since, "wait": 20}, timeout=30).json())


def test_presses_on_two_processes_have_one_winner_the_same_on_both(postgres_url: str,
                                                                     workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    bank = QuestionBank(postgres_url)
    bank.add([single(n) for n in range(8)])
    host = ContestService(bank, SETTINGS)
    rounds = 5
    contest = host.create("两进程抢答", ["一队", "二队", "三队", "四队"], [RoundSpec(RoundKind.BUZZ, questions=rounds)])
    code = contest.code
    host.start_round(code, 0)
    try:
        for _ in range(rounds):
            host.draw(code)
            host.open_buzz(code)
            since = httpx.get(f"{b.url}/api/contest/{code}/state", timeout=10).json()["version"]
            waiting: dict[str, object] = {}
            waiter = threading.Thread(target=wait_for_change, args=(b.url, code, since, waiting))
            waiter.start()
            targets = [(a.url if i % 2 == 0 else b.url, t.code) for i, t in enumerate(contest.teams)]
            replies = press_at_once(targets)
            waiter.join()
            winners = [r for r in replies if r["outcome"] == "won"]
            assert len(winners) == 1, replies
            winner = winners[0]["team"]
            assert all(r["winner"] == winner for r in replies if r["outcome"] == "late"), replies
            assert {r["outcome"] for r in replies} <= {"won", "late"}
            stored = host.get(code).current
            assert stored is not None
            assert [p.team for p in stored.presses if p.outcome.value == "won"] == [winner]
            assert sorted(p.team for p in stored.presses) == [0, 1, 2, 3], "every press is written, late ones too"
            # a screen waiting on the other process woke up with the press
            assert int(waiting["version"]) > since  # type: ignore[call-overload]
            for reader in (a, b):
                view = httpx.get(f"{reader.url}/api/contest/{code}/state", timeout=10).json()
                assert view["version"] == host.screen(code).version
            host.judge(code, "C")
            host.reveal(code)
    finally:
        host.close()
        bank.close()


def test_a_guesser_refused_on_one_process_is_refused_on_the_other(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    for n in range(WRONG_CODE_LIMIT):
        assert httpx.get(f"{a.url}/api/contest/team/90000{n}", timeout=10).status_code == 404
    refused = httpx.get(f"{b.url}/api/contest/team/900009", timeout=10)
    assert refused.status_code == 429 and "尝试次数过多" in refused.json()["error"]
    exam_login = httpx.post(f"{b.url}/api/exam/login", json={"code": "000000", "officer_id": "1", "name": "某"},
                            timeout=10)
    assert exam_login.status_code == 429


def test_the_sweeps_of_two_processes_submit_each_due_sitting_once(postgres_url: str, tmp_path: Path,
                                                                   workers: tuple[Worker, Worker]) -> None:
    bank = QuestionBank(postgres_url)
    bank.add(hand_questions())
    clock = Clock(utcnow() - timedelta(hours=2))  # sittings started two hours ago: their 30 minutes are up
    exams = ExamService(bank, SETTINGS, clock)
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT)
    code = exams.get_exam(exam_id).code
    for officer_id, name, _unit in PEOPLE:
        exams.login(code, officer_id, name)
    try:
        with bank.session() as s:
            open_count = select(func.count()).select_from(SittingRow).where(SittingRow.exam_id == exam_id,
                                                                             SittingRow.submitted_at.is_(None))
            for _ in range(600):  # the workers sweep every 0.2 s
                if not s.scalar(open_count):
                    break
                time.sleep(0.1)
                s.expire_all()
            assert s.scalar(open_count) == 0
            time.sleep(1.0)  # a few more sweeps of both processes: nothing is submitted twice
            submits = s.execute(select(AuditRow.officer_id, func.count()).where(
                AuditRow.exam_id == exam_id, AuditRow.action == str(AuditAction.SUBMIT)).group_by(AuditRow.officer_id)
            ).all()
            by = set(s.scalars(select(SittingRow.submitted_by).where(SittingRow.exam_id == exam_id)))
        assert sorted(submits) == sorted((p[0], 1) for p in PEOPLE)
        assert by == {"timer"}
    finally:
        bank.close()


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "serve", "--workers", "2"],
                                env={"XUEFA_QUIZ__DATABASE_URL": ""})
    assert result.exit_code != 0
    assert "多个进程需要 PostgreSQL" in result.output and "--workers 1" in result.output
