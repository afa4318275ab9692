"""Contest benchmark: how fast screens and phones see a change, and how presses are served under load.

    PYTHONPATH=. python scripts/bench_contest.py [--watchers 100] [--teams 20] [--questions 20]
        [--database-url postgresql+psycopg://…]   # a scratch database is made on that server and dropped
        [--workers 3]   # PostgreSQL: three worker processes, the screens and the presses spread over them

Serves the contest routes with uvicorn on 127.0.0.1 (a SQLite bank in a temp folder, or ``--database-url``)
and drives them over real HTTP:
The clients run in child processes so that they do not share the server's interpreter lock.
- ``watchers`` clients long-poll ``/api/contest/<code>/state?since=`` like big screens and phones; the host
  changes the state (show, open buzzing, judge, reveal) at random moments; the figure is the time from the
  change to each client having the new version (goal: within ~1 s);
- at each of ``questions`` 抢答 questions all ``teams`` press at once (one HTTP request each); figures: the
  press round trip (p50/p95/max), exactly one winner each time, and whether the winner's press was the first
  to reach the server (by the server's own order).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from quiz.bank.store import QuestionBank
from quiz.contest.model import RoundKind, RoundSpec
from quiz.contest.service import ContestService
from quiz.contest.views import screen_view
from quiz.models import Question
from quiz.settings import QuizSettings
from scripts.scratch_db import drop_database, scratch_database


def questions(n: int) -> list[Question]:
    from kb.models import Citation

    law = "中华人民共和国行政强制法"
    return [
        Question(type="single", stem=f"基准题 {i}：行政机关申请（  ）强制执行，不缴纳申请费。", answer="C",
                 options={"A": "审计机关", "B": "人民检察院", "C": "人民法院", "D": "监察机关"},
                 explanation="依据第六十条。", sources=(Citation(law=law, article=60),), law=law)
        for i in range(n)
    ]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def serve(contests: ContestService) -> tuple[str, object]:
    from fastapi import FastAPI

    from tests.app.conftest import free_port
    from xuefa.web.contest_routes import build_contest_router
    from xuefa.web.server import run_server

    app = FastAPI()
    app.include_router(build_contest_router(contests))
    port = free_port()
    server = run_server(app, "127.0.0.1", port, block=False, quiet=True)
    assert server is not None
    return f"http://127.0.0.1:{port}", server


async def _watch(client: httpx.AsyncClient, url: str, seen: dict[int, float], stop: asyncio.Event) -> None:
    version: int | None = None
    while not stop.is_set():
        params = {} if version is None else {"since": version, "wait": 5}
        try:
            state = (await client.get(url, params=params, timeout=15)).json()
        except httpx.HTTPError:
            await asyncio.sleep(0.2)
            continue
        if state["version"] != version:
            version = state["version"]
            seen.setdefault(version, time.monotonic())


def watchers_process(url: str, watchers: int, ready: Any, done: Any, out: Any) -> None:
    """In its own process (the server's GIL stays the server's): ``watchers`` long-polling clients; sends back
    each client's {version: monotonic time it arrived}."""

    async def run() -> list[dict[int, float]]:
        limits = httpx.Limits(max_connections=watchers + 10, max_keepalive_connections=watchers + 10)
        async with httpx.AsyncClient(limits=limits) as client:
            stop = asyncio.Event()
            seen: list[dict[int, float]] = [{} for _ in range(watchers)]
            tasks = [asyncio.create_task(_watch(client, url, s, stop)) for s in seen]
            await asyncio.sleep(1.0)
            ready.set()
            while not done.is_set():
                await asyncio.sleep(0.1)
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            return seen

    out.send(asyncio.run(run()))


def serve_workers(url: str, workers: int, home: Path) -> tuple[list[str], list[subprocess.Popen[bytes]]]:
    """``workers`` separate worker processes (``xuefa.web.workers``) on the PostgreSQL ``url``, each on its own
    port, so that the clients can be spread over them by hand (which process each press reaches is known)."""
    from tests.app.conftest import free_port

    env = {**os.environ, "XUEFA_HOME": str(home), "XUEFA_QUIZ__DATABASE_URL": url,
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    bases, processes = [], []
    for _ in range(workers):
        port = free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "xuefa.web.workers:build_worker_app", "--factory", "--host",
             "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"], env=env))
        bases.append(f"http://127.0.0.1:{port}")
    for base, process in zip(bases, processes, strict=True):
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"worker {base} exited")
            try:
                httpx.get(f"{base}/contest/buzz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
    return bases, processes


def presses_process(bases: list[str], team_codes: list[str], conn: Any) -> None:
    """In its own process: on each "go", all teams press at once (team i through ``bases[i % len(bases)]``);
    sends back (outcome, seconds, winner) per press."""

    async def run() -> None:
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=len(team_codes) + 5)) as client:

            async def press(i: int) -> tuple[str, float, int | None]:
                started = time.monotonic()
                base = bases[i % len(bases)]
                reply = (await client.post(f"{base}/api/contest/buzz", json={"team_code": team_codes[i]},
                                           timeout=15)).json()
                return str(reply.get("outcome", "")), time.monotonic() - started, reply.get("winner")

            for base in bases:  # a first request to each (refused: no such team) opens the connection pool
                await client.post(f"{base}/api/contest/buzz", json={"team_code": "0"}, timeout=15)
            while conn.recv() == "go":
                order = random.sample(range(len(team_codes)), len(team_codes))
                conn.send(await asyncio.gather(*(press(i) for i in order)))

    asyncio.run(run())


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts) if total // parts or i < total % parts]


def update_latency(bases: list[str], contests: ContestService, code: str, watchers: int, changes: int,
                   processes: int) -> list[float]:
    ctx = multiprocessing.get_context("spawn")
    done = ctx.Event()
    children = []
    for k, share in enumerate(split(watchers, processes)):
        ready = ctx.Event()
        receive, send = ctx.Pipe(duplex=False)
        base = bases[k % len(bases)]  # the watchers of each client process on one worker, in turn
        child = ctx.Process(target=watchers_process, args=(f"{base}/api/contest/{code}/state", share, ready, done,
                                                           send))
        child.start()
        children.append((child, ready, receive))
    for _, ready, _ in children:
        ready.wait(60)
    changed: dict[int, float] = {}
    steps = [lambda: contests.draw(code), lambda: contests.open_buzz(code),
             lambda: contests.buzz(contests.get(code).teams[0].code),
             lambda: contests.judge(code, "C"), lambda: contests.reveal(code)]
    for i in range(changes):
        time.sleep(random.uniform(0.3, 0.8))
        steps[i % len(steps)]()
        changed[contests.version(code)] = time.monotonic()
    time.sleep(1.5)
    done.set()
    seen: list[dict[int, float]] = []
    for child, _, receive in children:
        seen += receive.recv()
        child.join()
    delays = [s[v] - at for s in seen for v, at in changed.items() if v in s]
    missed = sum(1 for s in seen for v in changed if v not in s)
    if missed:
        print(f"  versions a client never saw (superseded before it asked again): {missed}")
    return delays


def buzz_round(bases: list[str], contests: ContestService, code: str, team_codes: list[str], rounds: int
               ) -> tuple[list[float], int, int]:
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe()
    child = ctx.Process(target=presses_process, args=(bases, team_codes, there))
    child.start()
    times: list[float] = []
    single_winner = first_is_winner = 0
    for _ in range(rounds):
        contests.draw(code)
        contests.open_buzz(code)
        here.send("go")
        replies = here.recv()
        times += [t for _, t, _ in replies]
        winners = {w for o, _, w in replies if o in ("won", "late") and w is not None}
        single_winner += sum(1 for o, _, _ in replies if o == "won") == 1 and len(winners) == 1
        presses = screen_view(contests.get(code)).presses  # from the database: the workers judged them
        first_is_winner += bool(presses) and presses[0].outcome == "won" and len(presses) == len(team_codes)
        contests.judge(code, "C")
        contests.reveal(code)
    here.send("stop")
    child.join()
    return times, single_winner, first_is_winner


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--watchers", type=int, default=100)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--client-processes", type=int, default=4, help="processes the watching clients run in")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=0, help="PostgreSQL: serve from this many worker processes "
                        "(xuefa.web.workers, one port each; clients spread over them) instead of one in-process server")
    args = parser.parse_args()
    if args.workers and not args.database_url:
        parser.error("--workers needs --database-url postgresql+psycopg://…")
    random.seed(1)
    home = Path(tempfile.mkdtemp(prefix="xuefa-bench-contest-"))
    scratch = scratch_database(args.database_url, "xf_bench") if args.database_url else None
    bank = QuestionBank(scratch or f"sqlite:///{home / 'quiz.sqlite'}")
    bank.add(questions(args.questions + args.changes + 10))
    contests = ContestService(bank, QuizSettings(seed=1))
    processes: list[subprocess.Popen[bytes]] = []
    server: object = None
    if args.workers:
        bases, processes = serve_workers(bank.url, args.workers, home)
    else:
        base, server = serve(contests)
        bases = [base]
    print(f"database: {bank.url.split('://')[0]} · server {', '.join(bases)} (clients in separate processes)")

    c = contests.create("基准：刷新", ["甲", "乙"], [RoundSpec(RoundKind.BUZZ, questions=args.changes,
                                                             buzz_seconds=60, answer_seconds=60)])
    contests.start_round(c.code, 0)
    delays = update_latency(bases, contests, c.code, args.watchers, args.changes, args.client_processes)
    print(f"screen/phone update after a host action, {args.watchers} long-polling clients × {args.changes} changes:")
    print(f"  p50 {1000 * statistics.median(delays):.1f} ms · p95 {1000 * pct(delays, 95):.1f} ms · "
          f"max {1000 * max(delays):.1f} ms · within 1 s: {sum(d <= 1.0 for d in delays) / len(delays):.1%}")

    names = [f"第{i + 1}队" for i in range(args.teams)]
    c2 = contests.create("基准：抢答", names, [RoundSpec(RoundKind.BUZZ, questions=args.questions,
                                                      buzz_seconds=60, answer_seconds=60)])
    contests.start_round(c2.code, 0)
    times, single, first = buzz_round(bases, contests, c2.code, [t.code for t in c2.teams], args.questions)
    print(f"buzz: {args.teams} teams pressing at once × {args.questions} questions ({len(times)} presses):")
    print(f"  round trip p50 {1000 * statistics.median(times):.1f} ms · p95 {1000 * pct(times, 95):.1f} ms · "
          f"max {1000 * max(times):.1f} ms")
    print(f"  exactly one winner: {single}/{args.questions} · winner = first press the server received: "
          f"{first}/{args.questions}")
    if server is not None:
        server.close()  # type: ignore[attr-defined]
    for process in processes:
        process.terminate()
        process.wait(15)
    bank.close()
    if scratch:
        drop_database(args.database_url, scratch)
    return 0 if single == first == args.questions else 1


if __name__ == "__main__":
    sys.exit(main())
