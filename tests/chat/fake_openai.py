"""A tiny OpenAI-compatible chat-completions server on loopback, for tests only.

It streams a scripted reply as SSE ``data: {...}`` chunks (or answers with a scripted HTTP error) and
records every request body it gets.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """What the server does with the next requests."""

    chunks: list[str] = field(default_factory=list)
    status: int = 200
    error_body: str = '{"error": {"message": "model overloaded"}}'
    delay_s: float = 0.0
    raw_lines: list[str] | None = None


class FakeOpenAI:
    """``reply(prompt) -> str``, when given, writes the streamed text from the last message instead of
    ``script.chunks``."""

    def __init__(self, reply: Callable[[str], str] | None = None) -> None:
        self.reply = reply
        self.script = Script()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append(dict(self.headers))
                script = fake.script
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                if script.status != 200:
                    payload = script.error_body.encode()
                    self.send_response(script.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                lines = script.raw_lines
                if lines is None:
                    chunks = script.chunks
                    if fake.reply is not None:
                        text = fake.reply(body["messages"][-1]["content"])
                        chunks = [text[i : i + 7] for i in range(0, len(text), 7)]
                    lines = [": keep-alive"]
                    lines += [f"data: {json.dumps(_chunk({'role': 'assistant'}), ensure_ascii=False)}"]
                    lines += [
                        f"data: {json.dumps(_chunk({'content': c}), ensure_ascii=False)}"
                        for c in chunks
                    ]
                    lines += [f"data: {json.dumps(_chunk({}, 'stop'))}", "data: [DONE]"]
                for line in lines:
                    if script.delay_s:
                        time.sleep(script.delay_s)
                    try:
                        self.wfile.write((line + "\n\n").encode())
                        self.wfile.flush()
                    except (BrokenPipeError, ConnectionResetError):
                        return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
