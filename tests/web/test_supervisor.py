"""xuefa's supervisor of the worker processes (``xuefa.web.supervisor``, what ``xuefa serve --workers N``
runs): real processes on PostgreSQL; a worker SIGKILLed is replaced and the port keeps answering, SIGTERM
stops every worker; a worker that cannot start stops the supervisor instead of a restart loop; an idle
worker's server ticks once a second and still leaves promptly."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from quiz.bank.store import QuestionBank
from tests.app.conftest import free_port
from tests.loops import run_in_own_loop
from xuefa.web.supervisor import TICK_S, QuietServer
from xuefa.web.workers import worker_command

PROJECT = Path(__file__).resolve().parents[2]


def environment(home: Path, database_url: str) -> dict[str, str]:
    return {**os.environ, "XUEFA_HOME": str(home), "XUEFA_QUIZ__DATABASE_URL": database_url,
            "PYTHONPATH": str(PROJECT)}


def workers_of(pid: int) -> set[int]:
    """The supervisor's worker processes (multiprocessing's spawn children, not its resource tracker)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return set()
    found = set()
    for child in children:
        try:
            if b"--multiprocessing-fork" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(int(child))
        except OSError:
            pass
    return found


def answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/contest/buzz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def wait_until(check: object, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture()
def supervisor(database_url: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("several worker processes need PostgreSQL")
    QuestionBank(database_url).close()  # the tables, before the workers race to create them
    port = free_port()
    log = tmp_path / "supervisor.log"
    process = subprocess.Popen(worker_command("127.0.0.1", port, 2, log_level="warning"), cwd=PROJECT,
                               env=environment(tmp_path, database_url), stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_until(lambda: answers(url) and len(workers_of(process.pid)) == 2):
            raise RuntimeError(f"the workers did not start: {log.read_text(errors='replace')[-2000:]}")
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_killed_worker_is_replaced_and_sigterm_stops_them_all(
        supervisor: tuple[subprocess.Popen[bytes], str]) -> None:
    process, url = supervisor
    first = workers_of(process.pid)
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    assert wait_until(lambda: len(workers_of(process.pid)) == 2 and victim not in workers_of(process.pid), 60)
    assert all(answers(url) for _ in range(6))  # either worker may take a new connection
    now = workers_of(process.pid)
    assert len(now - first) == 1

    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in now)
    assert not answers(url)


def test_a_worker_that_cannot_start_stops_the_supervisor(tmp_path: Path) -> None:
    """On SQLite the worker's app refuses to start (several processes need PostgreSQL): the supervisor exits 1
    instead of starting it again and again."""
    command = worker_command("127.0.0.1", free_port(), 2, log_level="warning")
    env = environment(tmp_path, f"sqlite:///{tmp_path / 'quiz.sqlite'}")
    finished = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, timeout=120)
    assert finished.returncode == 1, finished.stdout.decode(errors="replace")[-2000:]
    assert "PostgreSQL" in (finished.stdout + finished.stderr).decode(errors="replace")


async def hello(scope: dict[str, object], receive: object, send: object) -> None:  # pragma: no cover
    raise AssertionError("no request in this test")


def test_the_quiet_server_ticks_once_a_second_and_leaves_within_a_tick() -> None:
    config = uvicorn.Config(hello, log_level="warning")
    config.load()
    server = QuietServer(config)
    ticks = 0
    on_tick = server.on_tick

    async def counted(counter: int) -> bool:
        nonlocal ticks
        ticks += 1
        return await on_tick(counter)

    server.on_tick = counted  # type: ignore[method-assign]

    async def run() -> float:
        task = asyncio.create_task(server.main_loop())
        await asyncio.sleep(2.5 * TICK_S)
        server.should_exit = True
        asked = time.monotonic()
        await asyncio.wait_for(task, 3 * TICK_S)
        return time.monotonic() - asked

    took = run_in_own_loop(run)
    assert took <= TICK_S + 0.5
    assert 3 <= ticks <= 5  # ten a second in uvicorn's own server
    assert any(name == b"date" for name, _ in server.server_state.default_headers)


def test_a_worker_whose_app_cannot_be_imported_stops_the_supervisor(tmp_path: Path) -> None:
    """uvicorn exits 1 when the app's module cannot be imported (a broken install): still not restarted."""
    (tmp_path / "xuefa_broken_app.py").write_text("raise ImportError('a broken install')\n", encoding="utf-8")
    script = ("import sys; import xuefa.web.supervisor as s; s.APP = 'xuefa_broken_app:app'; "
              "sys.exit(s.main(sys.argv[1:]))")
    env = {**environment(tmp_path, f"sqlite:///{tmp_path / 'quiz.sqlite'}"),
           "PYTHONPATH": os.pathsep.join((str(PROJECT), str(tmp_path)))}
    command = [sys.executable, "-c", script, "--workers", "2", "--port", str(free_port()), "--log-level", "warning"]
    finished = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, timeout=120)
    assert finished.returncode == 1, (finished.stdout + finished.stderr).decode(errors="replace")[-2000:]
