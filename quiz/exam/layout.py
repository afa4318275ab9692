"""One examinee's view of a paper: question order (shuffled within each type's section), option order,
and opaque question ids, all derived from the exam's secret and the officer id (the same on every
reload and device), and the translation of answers between display letters and the paper's letters.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from quiz.exam.models import PaperAnswer
from quiz.models import LETTERS, parse_judge

PINNED_OPTION_WORDS = ("以上", "都正确", "均正确", "都不正确", "均不正确", "都对", "都不对")
"""Options that refer to the others (以上都对) stay last."""
MAX_BLANK_CHARS = 500
MAX_TEXT_CHARS = 5000


class BadAnswer(ValueError):
    """An answer that does not fit its question (the message is for the examinee)."""


@dataclass(frozen=True)
class Slot:
    """One question as an examinee sees it."""

    id: str  # opaque
    eq: int  # exam_questions.id
    type: str
    options: tuple[str, ...]  # the paper's letters in display order

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "eq": self.eq, "type": self.type, "options": list(self.options)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Slot:
        return cls(str(data["id"]), int(data["eq"]), str(data["type"]), tuple(data.get("options") or ()))

    # answers: display ⇄ paper ---------------------------------------------------------------------------
    def to_paper(self, given: Any) -> PaperAnswer:
        """Check an answer as sent by the page and express it in the paper's letters (None: cleared)."""
        if given is None or given == "" or given == []:
            return None
        if self.type in ("single", "multi"):
            text = "".join(given) if isinstance(given, list) and all(isinstance(g, str) for g in given) else given
            if not isinstance(text, str):
                raise BadAnswer("选择题的答案应是选项字母。")
            picked = sorted({c for c in text.upper() if not c.isspace() and c not in ",，、"})
            shown = LETTERS[: len(self.options)]
            bad = [c for c in picked if c not in shown]
            if bad:
                raise BadAnswer(f"没有选项 {''.join(bad)}。")
            if self.type == "single" and len(picked) != 1:
                raise BadAnswer("单选题只能选一个选项。")
            return "".join(sorted(self.options[shown.index(c)] for c in picked))
        if self.type == "judge":
            if isinstance(given, bool):
                return given
            try:
                return parse_judge(str(given))
            except ValueError as e:
                raise BadAnswer("判断题的答案应是 true（正确）或 false（错误）。") from e
        if not isinstance(given, str):
            raise BadAnswer("这道题的答案应是文字。")
        limit = MAX_BLANK_CHARS if self.type == "blank" else MAX_TEXT_CHARS
        if len(given) > limit:
            raise BadAnswer(f"答案太长（最多 {limit} 字）。")
        return given

    @overload
    def to_display(self, value: str) -> str: ...
    @overload
    def to_display(self, value: PaperAnswer) -> PaperAnswer: ...

    def to_display(self, value: PaperAnswer) -> PaperAnswer:
        """An answer or key in the paper's letters → the examinee's display letters."""
        if value is None or self.type not in ("single", "multi") or not isinstance(value, str):
            return value
        return "".join(sorted(LETTERS[self.options.index(c)] for c in value if c in self.options))


def seed_for(secret: str, officer_id: str) -> int:
    digest = hmac.new(secret.encode(), f"order|{officer_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def opaque_id(secret: str, officer_id: str, eq: int) -> str:
    return "q" + hmac.new(secret.encode(), f"id|{officer_id}|{eq}".encode(), hashlib.sha256).hexdigest()[:12]


def make_layout(secret: str, officer_id: str, paper: Sequence[tuple[int, str, Mapping[str, str]]]) -> list[Slot]:
    """``paper``: (exam question id, type, options) in paper order, grouped by type."""
    rng = random.Random(seed_for(secret, officer_id))
    sections: list[list[tuple[int, str, Mapping[str, str]]]] = []
    for entry in paper:
        if sections and sections[-1][0][1] == entry[1]:
            sections[-1].append(entry)
        else:
            sections.append([entry])
    slots: list[Slot] = []
    for section in sections:
        order = list(section)
        rng.shuffle(order)
        for eq, qtype, options in order:
            letters = [k for k in LETTERS if k in options]
            if qtype in ("single", "multi"):
                pinned = [k for k in letters if any(w in options[k] for w in PINNED_OPTION_WORDS)]
                free = [k for k in letters if k not in pinned]
                rng.shuffle(free)
                letters = free + pinned
            slots.append(Slot(opaque_id(secret, officer_id, eq), eq, qtype, tuple(letters)))
    return slots
