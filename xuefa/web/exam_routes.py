"""The examinee's JSON routes (``/api/exam/...``) and page (``/exam``) over ``quiz.exam.service.ExamService``.

Errors are ``{"error": "<中文>"}`` with 401 (no or bad token), 403 (refused), 404 (unknown exam code),
409 (second login, already submitted), 410 (time over), 422 (bad body), 429 (an address that entered too many
wrong exam codes, 警号 or 姓名: xuefa.web.guesses). The service's blocking database
calls run in the thread pool. The router's lifespan runs ``exams.sweep()`` every
``QuizSettings.exam_sweep_interval_s`` seconds, so sittings whose time is up are submitted even if their
examinee never comes back; with the database's wrong-code limiter (several processes) the same loop prunes
its old rows once a window (``xuefa.web.shared_guesses.PruneSchedule``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from quiz.db import as_utc
from quiz.exam.models import (
    AuditAction,
    ExamineePaper,
    ExamineeResult,
    ExamRefused,
    LoginResult,
    PaperOption,
)
from quiz.exam.service import ExamService
from xuefa.web.guesses import GuessLimiter, Limiter, client_address, too_many
from xuefa.web.shared_guesses import PruneSchedule, SharedGuessLimiter

log = logging.getLogger(__name__)

EXAM_PAGE = Path(__file__).parent / "static" / "exam.html"
MAX_BODY_BYTES = 64 * 1024
NO_STORE = {"Cache-Control": "no-store"}
T = TypeVar("T")
WRONG_GUESSES = frozenset({AuditAction.LOGIN_UNKNOWN_CODE, AuditAction.LOGIN_NOT_LISTED,
                           AuditAction.LOGIN_WRONG_NAME})
"""Refused logins that count as a wrong guess (not: the exam is not open yet, a second device …)."""


class BadBody(ValueError):
    pass


def build_exam_router(exams: ExamService, guesses: Limiter | None = None) -> APIRouter:
    prunes = PruneSchedule(guesses, guesses.window_s) if isinstance(guesses, SharedGuessLimiter) else None

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(sweep_forever(exams, prunes), name="exam-sweep")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    router = APIRouter(lifespan=lifespan)

    @router.get("/exam", include_in_schema=False)
    async def exam_page() -> Response:
        if not EXAM_PAGE.is_file():
            return error(404, "考试页面缺失")
        return FileResponse(EXAM_PAGE, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})

    guesses = guesses or GuessLimiter(exams.settings.wrong_code_limit, exams.settings.wrong_code_window_s)

    @router.post("/api/exam/login")
    async def login(request: Request) -> Response:
        address = client_address(request)
        if wait := await run_in_threadpool(guesses.retry_after, address):
            return too_many(wait, NO_STORE, address)

        async def call() -> dict[str, Any]:
            body = await read_body(request, ("code", "officer_id", "name"))
            device = body.get("device")
            try:
                result = await run_in_threadpool(exams.login, str(body["code"]), str(body["officer_id"]),
                                                 str(body["name"]), client_of(request),
                                                 device if isinstance(device, str) else "")
            except ExamRefused as refused:
                if refused.action in WRONG_GUESSES:
                    await run_in_threadpool(guesses.failed, address)
                raise
            return login_json(result)

        return await answer(call)

    @router.get("/api/exam/paper")
    async def paper(request: Request) -> Response:
        return await answer(lambda: threaded(exams.paper_for, token_of(request)), paper_json)

    @router.put("/api/exam/answer")
    async def save(request: Request) -> Response:
        async def call() -> dict[str, Any]:
            body = await read_body(request, ("id", "given"))
            result = await run_in_threadpool(exams.save_answer, token_of(request), str(body["id"]), body["given"])
            return {"saved": result.saved, "remaining_s": result.remaining_s}

        return await answer(call)

    @router.post("/api/exam/submit")
    async def submit(request: Request) -> Response:
        return await answer(lambda: threaded(exams.submit, token_of(request)),
                            lambda r: {"submitted": r.submitted, "already": r.already})

    @router.get("/api/exam/result")
    async def result(request: Request) -> Response:
        return await answer(lambda: threaded(exams.result_for, token_of(request)), result_json)

    @router.get("/api/exam/state")
    async def state(request: Request) -> Response:
        return await answer(lambda: threaded(exams.state_for, token_of(request)),
                            lambda s: {"remaining_s": s.remaining_s, "submitted": s.submitted})

    return router


async def sweep_forever(exams: ExamService, prunes: PruneSchedule | None = None) -> None:
    while True:
        await run_in_threadpool(upkeep, exams, prunes)
        await asyncio.sleep(exams.sweep_interval_s)


def upkeep(exams: ExamService, prunes: PruneSchedule | None) -> None:
    """One round of the sweep's loop: submit the sittings whose time is up; when due, delete the wrong codes
    that left the limiter's window (several processes: the database's limiter). A failure (database busy)
    is logged and retried at the next round."""
    try:
        done = exams.sweep()
        if done:
            log.info("exam sweep submitted %d sittings whose time was up", done)
    except Exception:
        log.exception("exam sweep failed")
    if prunes is None:
        return
    try:
        pruned = prunes.tick()
        if pruned:
            log.info("pruned %d wrong codes older than the limiter's window", pruned)
    except Exception:
        log.exception("pruning the wrong codes failed")


async def threaded(fn: Callable[[str], T], token: str) -> T:
    return await run_in_threadpool(fn, token)


async def answer(call: Callable[[], Any], shape: Callable[[Any], Any] | None = None) -> Response:
    """Run a service call; its refusal becomes ``{"error": …}`` with the refusal's status."""
    try:
        value = await call()
    except ExamRefused as e:
        return error(e.status, e.message)
    except BadBody as e:
        return error(422, str(e))
    except Exception:
        log.exception("exam request failed")
        return error(500, "服务器内部错误，请稍后重试。")
    return JSONResponse(shape(value) if shape else value, headers=NO_STORE)


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=NO_STORE)


async def read_body(request: Request, fields: tuple[str, ...]) -> dict[str, Any]:
    return parse_body(await request.body(), fields)


def parse_body(raw: bytes, fields: tuple[str, ...]) -> dict[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise BadBody("请求格式不正确：内容过大。")
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as e:
        raise BadBody("请求格式不正确：不是有效的 JSON。") from e
    if not isinstance(body, dict):
        raise BadBody("请求格式不正确：应为 JSON 对象。")
    missing = [f for f in fields if f not in body]
    if missing:
        raise BadBody(f"请求格式不正确：缺少 {'、'.join(missing)}。")
    for f in fields:
        if f != "given" and not isinstance(body[f], str | int):
            raise BadBody(f"请求格式不正确：{f} 应为文字。")
    return body


def token_of(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def client_of(request: Request) -> str:
    return f"{client_address(request)} {request.headers.get('user-agent', '')[:200]}".strip()


# JSON shapes (the contract) ------------------------------------------------------------------------------


def options_json(options: tuple[PaperOption, ...]) -> list[dict[str, str]]:
    return [{"key": o.key, "text": o.text} for o in options]


def login_json(r: LoginResult) -> dict[str, Any]:
    return {"token": r.token, "name": r.name, "unit": r.unit, "title": r.title,
            "ends_at": as_utc(r.ends_at).isoformat(), "remaining_s": r.remaining_s, "submitted": r.submitted,
            "code": r.code, "officer_id": r.officer_id}


def paper_json(p: ExamineePaper) -> dict[str, Any]:
    return {
        "title": p.title,
        "remaining_s": p.remaining_s,
        "submitted": p.submitted,
        "total_points": p.total_points,
        "questions": [
            {"id": q.id, "number": q.number, "type": q.type, "type_name": q.type_name, "stem": q.stem,
             "options": options_json(q.options), "points": q.points}
            for q in p.questions
        ],
        "answers": dict(p.answers),
    }


def result_json(r: ExamineeResult) -> dict[str, Any]:
    if not r.released:
        return {"released": False}
    return {
        "released": True,
        "score": r.score,
        "total": r.total,
        "questions": [
            {"number": q.number, "type": q.type, "type_name": q.type_name, "stem": q.stem,
             "options": options_json(q.options), "given": q.given, "answer": q.answer, "correct": q.correct,
             "points": q.points, "earned": q.earned, "explanation": q.explanation,
             "source": [asdict(s) for s in q.source]}
            for q in r.questions
        ],
    }
