"""A fake OpenAI-compatible chat-completions endpoint on 127.0.0.1 whose reply is computed from the prompt.

Only the network edge is fake: the real client (chat.llm, through xuefa.quiz_llm) streams from it over
HTTP as from vLLM or Ollama. ``reply(prompt) -> str`` decides what the "model" writes; ``status`` makes it
answer with an HTTP error instead. Every request body is kept (``tests.chat.fake_openai`` is the server).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.chat.fake_openai import FakeOpenAI

ARTICLE_RE = re.compile(r"《(?P<law>[^》]+)》(?P<label>第[^：]+条)：(?P<text>.*)\Z", re.S)


def article_of(prompt: str) -> tuple[str, str, str]:
    """(law, 第X条, text) of the article a quiz prompt quotes."""
    m = ARTICLE_RE.search(prompt)
    assert m is not None, prompt
    return m.group("law"), m.group("label"), m.group("text").strip()


class FakeLLM(FakeOpenAI):
    """The chat tests' fake endpoint, answering with ``reply(prompt)``; ``status`` makes it fail instead."""

    def __init__(self, reply: Callable[[str], str]) -> None:
        super().__init__(reply=reply)

    @property
    def status(self) -> int:
        return self.script.status

    @status.setter
    def status(self, value: int) -> None:
        self.script.status = value
