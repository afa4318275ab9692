"""The client of an OpenAI-compatible chat-completions endpoint (vLLM, Ollama, DeepSeek, Qwen …), streamed.

Every failure (unreachable, timeout, HTTP error, malformed stream, an error object in the stream) is one
``LLMError``: the answer service then falls back to the extractive answer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import httpx

from chat.settings import LLMSettings

Role = Literal["system", "user", "assistant"]


class LLMError(Exception):
    """The model endpoint could not give an answer; the message says why (for logs and the notice)."""


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


class LLMClient(Protocol):
    def stream_chat(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        """The model's reply in pieces as they arrive; raises LLMError."""
        ...


class OpenAICompatibleClient:
    """Streaming ``POST {base_url}/chat/completions`` over httpx; thread-safe (one pooled client)."""

    def __init__(self, settings: LLMSettings, transport: httpx.BaseTransport | None = None) -> None:
        if not settings.enabled:
            raise ValueError("LLM settings need base_url and model")
        self.settings = settings
        self._url = settings.base_url.rstrip("/") + "/chat/completions"
        timeout = httpx.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 5.0))
        self._client = httpx.Client(timeout=timeout, transport=transport, trust_env=False)

    def close(self) -> None:
        self._client.close()

    def _payload(self, messages: Sequence[ChatMessage]) -> dict[str, Any]:
        return {
            "model": self.settings.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "stream": True,
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }

    def stream_chat(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        headers = {
            "Authorization": f"Bearer {self.settings.api_key.get_secret_value()}",
            "Accept": "text/event-stream",
        }
        deadline = time.monotonic() + self.settings.timeout_s
        try:
            with self._client.stream(
                "POST", self._url, json=self._payload(messages), headers=headers
            ) as response:
                if response.status_code != 200:
                    body = response.read().decode("utf-8", "replace")[:300]
                    raise LLMError(f"HTTP {response.status_code}: {body}".strip())
                if response.headers.get("content-type", "").startswith("application/json"):
                    yield _message_content(_json(response.read().decode("utf-8", "replace")))
                    return
                for line in response.iter_lines():
                    if time.monotonic() > deadline:
                        raise LLMError(f"no complete answer within {self.settings.timeout_s:g} s")
                    piece = _sse_piece(line)
                    if piece is None:
                        return
                    if piece:
                        yield piece
        except httpx.TimeoutException as exc:
            raise LLMError(f"timeout: {exc.__class__.__name__}") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"{exc.__class__.__name__}: {exc}") from exc


def _json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LLMError(f"malformed response: {text[:120]!r}") from exc
    if not isinstance(data, dict):
        raise LLMError(f"malformed response: {text[:120]!r}")
    if data.get("error"):
        error = data["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise LLMError(f"endpoint error: {message}")
    return data


def _sse_piece(line: str) -> str | None:
    """The text of one SSE line: '' for keep-alives and empty deltas, None at ``data: [DONE]``."""
    line = line.strip()
    if not line.startswith("data:"):
        return ""
    payload = line[5:].strip()
    if payload == "[DONE]":
        return None
    data = _json(payload)
    choices = data.get("choices") or []
    if not choices:
        return ""
    delta = choices[0].get("delta") or {}
    content = delta.get("content")
    return content if isinstance(content, str) else ""


def _message_content(data: dict[str, Any]) -> str:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError("response without choices[0].message.content") from exc
    return content if isinstance(content, str) else ""


def create_llm_client(settings: LLMSettings) -> LLMClient | None:
    """The client the settings configure, or None when no endpoint is set (extractive answers only)."""
    return OpenAICompatibleClient(settings) if settings.enabled else None
