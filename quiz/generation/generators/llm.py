"""简答/案例分析 with a language model: the hook the composition root plugs an LLM into.

The quiz never imports chat: the caller passes ``complete(prompt) -> str`` (the composition root wraps the
chat package's OpenAI-compatible client, ``xuefa.quiz_llm``). The model writes a question on one given
article as JSON ``{"stem", "answer", "key_points"}``. The key is checked against the article: every key
point must be traceable to the article text (most of its characters found there, and only amounts the
article uses), otherwise the whole question is discarded, never emitted.

``complete`` raises ``CompletionError`` when the endpoint fails (unreachable, timeout, HTTP error): that
ends the run, since every later call would fail the same way. A reply that is not the JSON asked for, or
whose key fails the check, only costs that article. At most ``max_calls`` calls are made per run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kb.numbers import SMALL_NUMERALS
from quiz.checklist.items import ChecklistItem
from quiz.generation.checks import key_point_supported
from quiz.generation.generators.base import Context, build
from quiz.models import Question, QuestionType
from quiz.source import Article

Complete = Callable[[str], str]
MAX_CALLS = 40
MAX_ARTICLE_CHARS = 1500
MAX_POINTS = 8

PROMPTS: dict[str, str] = {
    "short": (
        "你是交通运输行政执法考试命题人。请仅依据下面这一条法律条文，出一道简答题。\n"
        "只输出一个JSON对象：{{\"stem\": 题目, \"answer\": 参考答案, \"key_points\": [得分要点, …]}}。"
        "得分要点2至5个，每个都必须摘自条文原文，不得改写数字、期限和机关名称。\n《{law}》{label}：{text}"
    ),
    "case": (
        "你是交通运输行政执法考试命题人。请仅依据下面这一条法律条文，编写一道案例分析题：先描述一个交通运输执法"
        "案例，再提出问题。\n只输出一个JSON对象：{{\"stem\": 案例和问题, \"answer\": 参考答案, "
        "\"key_points\": [得分要点, …]}}。得分要点2至5个，每个都必须摘自条文原文，不得改写数字、期限和机关名称。"
        "\n《{law}》{label}：{text}"
    ),
}
_FENCE_RE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)
_POINT_SPLIT_RE = re.compile(r"[；;\n]+")


class CompletionError(RuntimeError):
    """The language model endpoint gave no reply (the message says why)."""


@dataclass
class LLMStats:
    """What one run's calls gave: for the caller's report (``xuefa quiz generate``)."""

    calls: int = 0
    accepted: int = 0
    unparsable: int = 0
    unsupported: int = 0
    unsupported_points: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why situation items were dropped (checks' words)


def parse_reply(reply: str) -> dict[str, object] | None:
    """The JSON object of a reply (in a ``` fence or amid text), or None."""
    fenced = _FENCE_RE.search(reply)
    text = fenced.group(1) if fenced else reply
    match = re.search(r"\{.*\}", text, re.S)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def key_points(raw: object) -> tuple[str, ...]:
    """``["a", "b"]`` or ``"a；b"`` → the points, stripped, without empties or repeats."""
    if isinstance(raw, str):
        items: list[object] = list(_POINT_SPLIT_RE.split(raw))
    elif isinstance(raw, list):
        items = raw
    else:
        return ()
    points = (re.sub(rf"^\s*(?:\d+[.．、]|[（(][{SMALL_NUMERALS}\d]+[)）])\s*", "", str(p)).strip() for p in items)
    return tuple(dict.fromkeys(p for p in points if p))


@dataclass
class LLMQuestion:
    """A generator of ``short`` or ``case`` questions through ``complete``."""

    type: QuestionType
    complete: Complete
    max_calls: int = MAX_CALLS
    stats: LLMStats = field(default_factory=LLMStats)

    def from_article(self, article: Article, ctx: Context) -> list[Question]:
        if ctx.state.get("llm.calls", 0) >= self.max_calls:
            return []
        ctx.state["llm.calls"] = ctx.state.get("llm.calls", 0) + 1
        self.stats.calls += 1
        body = article.body if len(article.body) <= MAX_ARTICLE_CHARS else article.body[:MAX_ARTICLE_CHARS] + "…"
        reply = self.complete(PROMPTS[self.type].format(law=article.law, label=article.label, text=body))
        data = parse_reply(reply)
        stem = str(data.get("stem") or "").strip() if data else ""
        answer = str(data.get("answer") or "").strip() if data else ""
        points = key_points(data.get("key_points")) if data else ()
        if not stem or not answer or not points or len(points) > MAX_POINTS:
            self.stats.unparsable += 1
            return []
        unsupported = [p for p in points if not key_point_supported(p, article.body)]
        if unsupported:
            self.stats.unsupported += 1
            self.stats.unsupported_points.extend(unsupported)
            return []
        q = build(self.type, stem, answer, article, evidence="；".join(points), generator=f"{self.type}.llm")
        q.key_points = points
        self.stats.accepted += 1
        return [q]

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]:
        return []


def llm_question_types(complete: Complete, max_calls: int = MAX_CALLS) -> dict[QuestionType, LLMQuestion]:
    """``short`` and ``case`` generators for ``QuestionTypes.with_llm``."""
    return {"short": LLMQuestion("short", complete, max_calls), "case": LLMQuestion("case", complete, max_calls)}
