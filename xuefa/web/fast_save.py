"""``FastSave``: the exam's hottest request, ``PUT /api/exam/answer``, answered before FastAPI's routing.

An examinee saves every answer, so a server spends most of an exam on this one request; FastAPI's routing,
request object and response classes cost several times the save itself (one database round trip). This
ASGI middleware answers it with the same service call, the same body checks (``exam_routes.parse_body``) and
the same JSON contract as the route in ``xuefa.web.exam_routes``; every other request goes on to the app.
With ``saves`` (PostgreSQL) a save to a sitting this process remembers runs on the event loop
(``quiz.exam.async_save``); the first save of a token here, and every refusal, run the service in a thread.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quiz.exam.async_save import AsyncSaves
from quiz.exam.models import ExamRefused, SaveResult
from quiz.exam.service import ExamService
from xuefa.web.exam_routes import MAX_BODY_BYTES, BadBody, parse_body

log = logging.getLogger(__name__)

SAVE_PATH = "/api/exam/answer"
HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]


class FastSave:
    def __init__(self, app: ASGIApp, exams: ExamService, saves: AsyncSaves | None = None) -> None:
        self.app = app
        self.exams = exams
        self.saves = saves

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != SAVE_PATH or scope["method"] != "PUT":
            await self.app(scope, receive, send)
            return
        status, reply = await self._save(scope, receive)
        body = json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [*HEADERS, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def _save(self, scope: Scope, receive: Receive) -> tuple[int, dict[str, Any]]:
        try:
            raw = await read_all(receive)
            body = parse_body(raw, ("id", "given"))
            result = await self._run(bearer_token(scope), str(body["id"]), body["given"])
        except ExamRefused as e:
            return e.status, {"error": e.message}
        except BadBody as e:
            return 422, {"error": str(e)}
        except Exception:
            log.exception("exam save failed")
            return 500, {"error": "服务器内部错误，请稍后重试。"}
        return 200, {"saved": result.saved, "remaining_s": result.remaining_s}

    async def _run(self, token: str, qid: str, given: object) -> SaveResult:
        planned = self.exams.plan_remembered_save(token, qid, given) if self.saves is not None else None
        if planned is None or self.saves is None:
            return await to_thread.run_sync(self.exams.save_answer, token, qid, given)
        if await self.saves.save(planned):
            return self.exams.settle_save(planned, token, claimed=True)
        return await to_thread.run_sync(self.exams.settle_save, planned, token, False)


async def read_all(receive: Receive) -> bytes:
    """The request's body, stopping once it is longer than ``MAX_BODY_BYTES`` (parse_body then refuses it)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY_BYTES or not message.get("more_body", False):
            break
    return b"".join(chunks)


def bearer_token(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""
