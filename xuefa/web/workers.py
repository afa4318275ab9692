"""``build_worker_app``: the examinees' and teams' routes alone (the exam and contest JSON routes and pages,
their static files), no Gradio: what ``xuefa serve --workers N`` runs in N processes on one port beside the
app, under xuefa's supervisor (``xuefa.web.supervisor``: idle workers wake once a second, a dead one is replaced
at once)::

    XUEFA_HOME=… python -m xuefa.web.supervisor --workers 4 --port 7861

uvicorn's own supervisor serves the same factory as well::

    XUEFA_HOME=… uvicorn xuefa.web.workers:build_worker_app --factory --workers 4 --port 7861

Only on PostgreSQL: every process shares the contests, the exam timer sweep and the wrong-code limiter
through the database (``quiz.contest.service``, ``quiz.exam.service``, ``xuefa.web.shared_guesses``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool
from starlette.concurrency import run_in_threadpool

from quiz.exam.async_save import AsyncSaves
from xuefa.services import contest_service, exam_service, open_bank
from xuefa.settings import Settings, load_settings
from xuefa.web.contest_routes import build_contest_router
from xuefa.web.exam_routes import build_exam_router
from xuefa.web.fast_save import FastSave
from xuefa.web.paths import STATIC_DIR, STATIC_PATH
from xuefa.web.routes import shared_limiter

WORKER_PATHS = ("/api/exam", "/exam", "/api/contest", "/contest", STATIC_PATH)
"""The path prefixes a reverse proxy sends to the workers (docs/deployment.md); the rest goes to the app."""


class WorkersNeedPostgres(ValueError):
    """Several processes on a SQLite database (one writer at a time)."""


def require_postgres(settings: Settings, workers: int) -> None:
    url = settings.quiz.database_url
    if workers > 1 and not url.startswith("postgresql"):
        raise WorkersNeedPostgres(
            f"--workers {workers}：多个进程需要 PostgreSQL 数据库（quiz.database_url，如 "
            "postgresql+psycopg://用户:密码@主机/库名）；SQLite 同一时间只允许一个写入者，请用 --workers 1。")


KEEP_ALIVE_S = 75
"""Seconds a worker keeps an idle connection open (uvicorn's default is 5): an examinee thinks 20–60 s
between answers, and a connection opened anew for each save cost the worker more CPU than the save itself
(docs/benchmarks.md). nginx's own keepalive_timeout is 75 s."""

SCHEMA_LOCK_KEY = 0x7866_0E02
"""The PostgreSQL advisory lock held while a process creates the tables (CREATE TABLE IF NOT EXISTS races)."""


@contextlib.contextmanager
def schema_lock(settings: Settings) -> Iterator[None]:
    engine = create_engine(settings.quiz.database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(select(func.pg_advisory_lock(SCHEMA_LOCK_KEY)))
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(SCHEMA_LOCK_KEY)))
    finally:
        engine.dispose()


def prepare_database(settings: Settings) -> None:
    """Create every table the app and the workers use, before they start together."""
    with schema_lock(settings):
        bank = open_bank(settings)
        try:
            shared_limiter(bank.engine, settings.quiz)
        finally:
            bank.close()


def build_worker_app(settings: Settings | None = None) -> FastSave:
    """The worker's app over ``settings`` (default: read from the environment and the home's settings file,
    as ``xuefa serve`` passes them: ``XUEFA_HOME``, ``XUEFA_SETTINGS``). ``FastSave`` is the outermost layer:
    a save goes through none of FastAPI's (its per-request telemetry check, Starlette's error middleware);
    every other request, and the lifespan, go on to the FastAPI app."""
    settings = settings or load_settings()
    require_postgres(settings, 2)
    with schema_lock(settings):  # workers start together: one at a time creates the tables
        bank = open_bank(settings)
        exams = exam_service(settings, bank)
        contests = contest_service(settings, bank)
        guesses = shared_limiter(bank.engine, settings.quiz)

    saves = AsyncSaves(bank.engine)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await saves.aclose()
            await run_in_threadpool(exams.close)  # its own pools (the saves', the sessions')
            await run_in_threadpool(bank.close)

    app = FastAPI(title="学法通 worker", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.include_router(build_exam_router(exams, guesses))
    app.include_router(build_contest_router(contests, guesses))
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="xuefa-static")
    return FastSave(app, exams=exams, saves=saves)


def start_workers(settings: Settings, config: Path | None, host: str, port: int, workers: int
                  ) -> subprocess.Popen[bytes]:
    """The supervisor of ``workers`` processes of ``build_worker_app`` on host:port (``xuefa.web.supervisor``: it
    replaces a worker that dies); they read the same settings as this process (its environment,
    ``settings.home``, ``config``)."""
    require_postgres(settings, workers)
    prepare_database(settings)
    env = {**os.environ, "XUEFA_HOME": str(settings.home)}
    if config is not None:
        env["XUEFA_SETTINGS"] = str(config)
    return subprocess.Popen(worker_command(host, port, workers), env=env)


def worker_command(host: str, port: int, workers: int, keep_alive_s: int = KEEP_ALIVE_S,
                   log_level: str | None = None) -> list[str]:
    """The command of xuefa's supervisor of ``workers`` processes of ``build_worker_app`` (``xuefa.web.supervisor``),
    as ``xuefa serve --workers`` and the load benchmark run it."""
    return [sys.executable, "-m", "xuefa.web.supervisor", "--workers", str(workers), "--host", host, "--port",
            str(port), "--keep-alive-s", str(keep_alive_s), "--timeout-graceful-shutdown", "5",
            *(["--log-level", log_level] if log_level else [])]


def stop_workers(supervisor: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    supervisor.terminate()
    try:
        supervisor.wait(timeout_s)
    except subprocess.TimeoutExpired:
        supervisor.kill()
        supervisor.wait()
