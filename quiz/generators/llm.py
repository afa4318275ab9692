"""简答/案例分析 with a language model: the hook the composition root plugs an LLM into.

The quiz never imports chat: the caller passes ``complete(prompt) -> str`` (for instance the chat
package's OpenAI-compatible client). The model writes a question on one article as JSON; each key point
must be supported by the article text (most of its characters found there and every amount it names
used by the article), otherwise the question is discarded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from quiz.checklist import ChecklistItem
from quiz.checks import key_point_supported
from quiz.generators.base import Context, build
from quiz.models import Question, QuestionType
from quiz.source import Article

Complete = Callable[[str], str]

PROMPTS: dict[str, str] = {
    "short": (
        "你是交通运输行政执法考试命题人。请仅依据下面这一条法律条文，出一道简答题。\n"
        "只输出JSON：{{\"stem\": 题目, \"answer\": 参考答案, \"key_points\": [得分要点, …]}}。"
        "每个得分要点必须是条文原文中的表述。\n《{law}》{label}：{text}"
    ),
    "case": (
        "你是交通运输行政执法考试命题人。请仅依据下面这一条法律条文，编写一道案例分析题：先描述一个交通运输执法"
        "案例，再提出问题。\n只输出JSON：{{\"stem\": 案例和问题, \"answer\": 参考答案, \"key_points\": [得分要点, …]}}。"
        "每个得分要点必须是条文原文中的表述。\n《{law}》{label}：{text}"
    ),
}


def _parse(reply: str) -> dict[str, object] | None:
    match = re.search(r"\{.*\}", reply, re.S)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


@dataclass
class LLMQuestion:
    """A generator of ``short`` or ``case`` questions through ``complete``."""

    type: QuestionType
    complete: Complete

    def from_article(self, article: Article, ctx: Context) -> list[Question]:
        prompt = PROMPTS[self.type].format(law=article.law, label=article.label, text=article.body)
        data = _parse(self.complete(prompt))
        if data is None:
            return []
        stem, answer = str(data.get("stem") or "").strip(), str(data.get("answer") or "").strip()
        raw_points = data.get("key_points")
        points = tuple(str(p).strip() for p in raw_points if str(p).strip()) if isinstance(raw_points, list) else ()
        if not stem or not answer or not points or not all(key_point_supported(p, article.body) for p in points):
            return []
        q = build(self.type, stem, answer, article, evidence=answer, generator=f"{self.type}.llm")
        q.key_points = points
        return [q]

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]:
        return []


def llm_question_types(complete: Complete) -> dict[str, LLMQuestion]:
    """``short`` and ``case`` generators for ``QuestionTypes.with_llm``."""
    return {"short": LLMQuestion("short", complete), "case": LLMQuestion("case", complete)}
