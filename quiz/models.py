"""A quiz question as plain data, and its JSON form."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal, TypeGuard, cast, get_args

from kb.citations import citation_from_json as citation_from_json
from kb.citations import citation_to_json
from kb.identity import parse_article_label as parse_article_label
from kb.models import Citation

QuestionType = Literal["single", "multi", "judge", "blank", "short", "case"]
QUESTION_TYPE_NAMES: dict[str, str] = {
    "single": "单选",
    "multi": "多选",
    "judge": "判断",
    "blank": "填空",
    "short": "简答",
    "case": "案例分析",
}
LETTERS = "ABCDEF"
BLANK = "____"
SLOT = "（  ）"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"


def is_question_type(value: str) -> TypeGuard[QuestionType]:
    """Is ``value`` a type's key (``single`` …)?"""
    return value in get_args(QuestionType)


def question_type(value: str) -> QuestionType:
    """``single`` or 单选 → ``single``; ValueError for anything else."""
    if is_question_type(value):
        return value
    for key, name in QUESTION_TYPE_NAMES.items():
        if value.strip() in (name, name + "题"):
            return cast(QuestionType, key)
    raise ValueError(f"unknown question type {value!r}; known: {', '.join(get_args(QuestionType))}")


@dataclass
class Question:
    """One exam question and where its key comes from.

    ``answer``: letters for single/multi (``B``, ``ACD``), True/False for judge, the missing text for
    blank, the reference answer for short/case (with ``key_points``). ``evidence`` is the text the key
    rests on (the article sentence, or the checklist answer); ``source_hashes`` maps each cited article
    (``行政处罚法|第五十一条``) to the hash of its text when the question was made.
    """

    type: QuestionType
    stem: str
    answer: str | bool
    explanation: str
    sources: tuple[Citation, ...]
    options: dict[str, str] = field(default_factory=dict)
    difficulty: int = 1
    law: str = ""
    chapter: str = ""
    checklist_item: str = ""
    status: ReviewStatus = ReviewStatus.DRAFT
    evidence: str = ""
    key_points: tuple[str, ...] = ()
    generator: str = ""
    source_hashes: dict[str, str] = field(default_factory=dict)
    needs_review: str = ""
    id: int | None = None

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(t for t in (self.law, self.chapter) if t)

    @property
    def keys(self) -> tuple[str, ...]:
        """The correct option letters (single/multi)."""
        return tuple(self.answer) if isinstance(self.answer, str) and self.type in ("single", "multi") else ()

    def with_status(self, status: ReviewStatus) -> Question:
        return replace(self, status=status)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "stem": self.stem,
            "options": dict(self.options),
            "answer": self.answer,
            "explanation": self.explanation,
            "source": [citation_to_json(c) for c in self.sources],
            "difficulty": self.difficulty,
            "tags": list(self.tags),
            "law": self.law,
            "chapter": self.chapter,
            "checklist_item": self.checklist_item or None,
            "key_points": list(self.key_points),
            "status": self.status.value,
            "needs_review": self.needs_review or None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Question:
        qtype = question_type(str(data["type"]))
        answer = data["answer"]
        if qtype == "judge" and not isinstance(answer, bool):
            answer = parse_judge(str(answer))
        return cls(
            type=qtype,
            stem=str(data["stem"]),
            answer=answer,
            explanation=str(data.get("explanation") or ""),
            sources=tuple(citation_from_json(s) for s in data.get("source") or ()),
            options={str(k): str(v) for k, v in (data.get("options") or {}).items()},
            difficulty=int(data.get("difficulty") or 1),
            law=str(data.get("law") or ""),
            chapter=str(data.get("chapter") or ""),
            checklist_item=str(data.get("checklist_item") or ""),
            status=ReviewStatus(data.get("status") or ReviewStatus.DRAFT),
            key_points=tuple(data.get("key_points") or ()),
            id=data.get("id"),
        )


def parse_judge(text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "对", "正确", "√", "✓", "t", "1", "是", "yes", "y"):
        return True
    if value in ("false", "错", "错误", "×", "✗", "f", "0", "否", "no", "n"):
        return False
    raise ValueError(f"not a true/false answer: {text!r}")


def dump_json(questions: Iterable[Question], indent: int | None = 2) -> str:
    """The JSON list ``xuefa quiz generate --json`` prints (Chinese kept as is)."""
    return json.dumps([q.to_json() for q in questions], ensure_ascii=False, indent=indent)
