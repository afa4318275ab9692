"""A fake OpenAI-compatible chat-completions endpoint on 127.0.0.1 whose reply is computed from the prompt.

Only the network edge is fake: the real client (chat.llm, through xuefa.quiz_llm) streams from it over
HTTP as from vLLM or Ollama. ``reply(prompt) -> str`` decides what the "model" writes; ``status`` makes it
answer with an HTTP error instead. Every request body is kept.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ARTICLE_RE = re.compile(r"《(?P<law>[^》]+)》(?P<label>第[^：]+条)：(?P<text>.*)\Z", re.S)


def article_of(prompt: str) -> tuple[str, str, str]:
    """(law, 第X条, text) of the article a quiz prompt quotes."""
    m = ARTICLE_RE.search(prompt)
    assert m is not None, prompt
    return m.group("law"), m.group("label"), m.group("text").strip()


class FakeLLM:
    def __init__(self, reply: Callable[[str], str]) -> None:
        self.reply = reply
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                fake.requests.append(body)
                if self.path != "/v1/chat/completions" or fake.status != 200:
                    payload = b'{"error": {"message": "model overloaded"}}'
                    self.send_response(404 if fake.status == 200 else fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                prompt = body["messages"][-1]["content"]
                text = fake.reply(prompt)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
                for delta in [{"role": "assistant"}, *({"content": p} for p in pieces)]:
                    chunk = {"id": "x", "object": "chat.completion.chunk", "model": body.get("model"),
                             "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeLLM:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
