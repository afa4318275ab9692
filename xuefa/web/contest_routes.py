"""The contest's plain pages and JSON routes: the big screen, the phones' buzzers, their state.

- ``GET /contest/screen/{code}``: the big-screen page (16:9, for the projector)
- ``GET /contest/buzz``: a phone's buzzer page (``?team=<team code>`` joins at once)
- ``GET /api/contest/{code}/state?since=<version>``: the public state (never the key before the host
  reveals it, never the teams' codes), with ``server_now``; with ``since`` equal to the current version the
  request waits (long poll, at most ``wait`` seconds) until the state changes
- ``GET /api/contest/team/{team_code}``: which contest and team a code joins
- ``POST /api/contest/buzz`` ``{"team_code": "…"}``: a press; the reply says whether it won and, if not,
  why it was ignored (early, late, double, already answered, no 抢答 question)

An address that sends too many unknown team codes is refused for a while (429, xuefa.web.guesses).

The host's actions are not here: they go through the 竞赛 tab behind the admin password.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from quiz.contest.model import BuzzOutcome, ContestError
from quiz.contest.service import BuzzReply, ContestNotFound, ContestService
from quiz.contest.views import ScreenView
from xuefa.web.guesses import GuessLimiter, Limiter, client_address, too_many
from xuefa.web.paths import STATIC_DIR

log = logging.getLogger(__name__)

LONG_POLL_S = 10.0
"""How long a state request with ``since`` waits for a change at most (the page asks again at once)."""
RECHECK_S = 1.0
"""A waiting request looks at the version at least this often, even without a wake-up."""
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'self'",
    "Referrer-Policy": "no-referrer",
}
JSON_HEADERS = {"Cache-Control": "no-store"}


def buzz_message(reply: BuzzReply) -> str:
    """What the phone tells its team about a press."""
    outcome = BuzzOutcome(reply.outcome)
    if outcome == BuzzOutcome.WON:
        return f"抢到了！请{reply.team_name}作答。"
    if outcome == BuzzOutcome.EARLY:
        return "主持人还没有开放抢答，这次按键无效。"
    if outcome == BuzzOutcome.LATE:
        if reply.winner is not None:
            return f"慢了 {reply.behind_ms / 1000:.2f} 秒：{reply.winner_name}已抢到。"
        return "抢答时间已过，这次按键无效。"
    if outcome == BuzzOutcome.DOUBLE:
        return "已经按过了，不必重复按。"
    if outcome == BuzzOutcome.ANSWERED:
        return "本题你队已经答过，不能再抢。"
    return "现在没有抢答题，按键无效。"


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=JSON_HEADERS)


class Wakeups:
    """Wakes the state requests waiting on a contest when it changes (the change comes from any thread)."""

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def notify(self, code: str) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fire, code)

    def _fire(self, code: str) -> None:
        event = self._events.pop(code, None)
        if event is not None:
            event.set()

    async def wait(self, code: str, timeout: float) -> None:
        self._loop = asyncio.get_running_loop()
        event = self._events.setdefault(code, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


def build_contest_router(contests: ContestService, guesses: Limiter | None = None) -> APIRouter:
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        """On PostgreSQL, wake this process's screens when another process changes a contest."""
        await run_in_threadpool(contests.follow_other_processes)
        try:
            yield
        finally:
            await run_in_threadpool(contests.close)

    router = APIRouter(lifespan=lifespan)
    wakeups = Wakeups()
    contests.subscribe(wakeups.notify)
    guesses = guesses or GuessLimiter(contests.settings.wrong_code_limit, contests.settings.wrong_code_window_s)

    def page(name: str) -> FileResponse:
        return FileResponse(STATIC_DIR / name, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    @router.get("/contest/screen/{code}", include_in_schema=False)
    async def screen_page(code: str) -> Response:
        try:
            await run_in_threadpool(contests.screen, code)
        except ContestNotFound as exc:
            body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>没有这场竞赛</title>'
                    f'</head><body><h1>没有这场竞赛</h1><p>{html.escape(str(exc))}</p></body></html>')
            return HTMLResponse(body, status_code=404, headers=PAGE_HEADERS)
        return page("contest-screen.html")

    @router.get("/contest/buzz", include_in_schema=False)
    async def buzz_page() -> Response:
        return page("contest-buzz.html")

    @router.get("/api/contest/team/{team_code}")
    async def team(team_code: str, request: Request) -> Response:
        client = client_address(request)
        if wait := await run_in_threadpool(guesses.retry_after, client):
            return too_many(wait, JSON_HEADERS, client)
        try:
            entry = await run_in_threadpool(contests.team, team_code)
        except ContestNotFound as exc:
            await run_in_threadpool(guesses.failed, client)
            return error(404, str(exc))
        return JSONResponse(asdict(entry), headers=JSON_HEADERS)

    bodies: dict[str, tuple[int, bytes]] = {}

    def state_body(view: ScreenView) -> bytes:
        """The view as JSON, made once per version (many screens and phones ask for the same one)."""
        cached = bodies.get(view.code)
        if cached is not None and cached[0] == view.version:
            return cached[1]
        body = json.dumps(asdict(view), ensure_ascii=False, separators=(",", ":")).encode()
        bodies[view.code] = (view.version, body)
        return body

    async def current(code: str) -> ScreenView:
        view = contests.cached_screen(code)
        return view if view is not None else await run_in_threadpool(contests.screen, code)

    @router.get("/api/contest/{code}/state")
    async def state(code: str, since: int | None = None, wait: float = LONG_POLL_S) -> Response:
        try:
            view = await current(code)
            if since is not None and since == view.version:
                deadline = time.monotonic() + max(0.0, min(wait, 25.0))
                while view.version == since:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    await wakeups.wait(view.code, min(left, RECHECK_S))
                    view = await current(code)
        except ContestNotFound as exc:
            return error(404, str(exc))
        now = json.dumps(contests.clock.wall()).encode()
        body = b'{"server_now":' + now + b"," + state_body(view)[1:]
        return Response(body, media_type="application/json", headers=JSON_HEADERS)

    @router.post("/api/contest/buzz")
    async def buzz(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("team_code"), str | int):
            log.info("buzz refused: not a JSON object with team_code")
            return error(400, '请求格式不对：需要 JSON {"team_code": "六位队伍码"}。')
        client = client_address(request)
        if wait := await run_in_threadpool(guesses.retry_after, client):
            return too_many(wait, JSON_HEADERS, client)
        try:
            reply = await run_in_threadpool(contests.buzz, str(body["team_code"])[:32])
        except ContestNotFound as exc:
            log.info("buzz refused: %s", exc)
            await run_in_threadpool(guesses.failed, client)
            return error(404, str(exc))
        except ContestError as exc:
            log.info("buzz refused: %s", exc)
            return error(409, str(exc))
        data: dict[str, Any] = asdict(reply)
        data["message"] = buzz_message(reply)
        data["server_now"] = contests.clock.wall()
        return JSONResponse(data, headers=JSON_HEADERS)

    return router
