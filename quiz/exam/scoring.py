"""Points for one answer on an exam paper.

单选/判断: all or nothing. 多选: exact set for full points; with partial credit on, an answer with no wrong
option earns the share of the keys it chose (少选按比例得分, 错选不得分). 填空: normalised text equal to the key
or to an accepted variant (alternatives in the key separated by ``|``/``｜``, and the question's
``key_points`` for a blank); amounts compare by value (5日 = 五日). 简答/案例分析: points × the share of key
points whose words appear in the answer (counted correct at 60%, as in practice grading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz.exam.models import PaperAnswer
from quiz.grading import grade, letters, same_text
from quiz.models import Question

_ALTERNATIVES_RE = re.compile(r"[|｜]")


@dataclass(frozen=True)
class Scored:
    earned: float
    correct: bool


def blank_keys(question: Question) -> list[str]:
    keys = [k.strip() for k in _ALTERNATIVES_RE.split(str(question.answer)) if k.strip()]
    return keys + [p for p in question.key_points if p.strip()]


def score(question: Question, given: PaperAnswer, points: float, multi_partial: bool = False) -> Scored:
    if given is None or (isinstance(given, str) and not given.strip()):
        return Scored(0.0, False)
    if question.type == "multi":
        chosen, keys = set(letters(str(given))), set(letters(str(question.answer)))
        if chosen == keys:
            return Scored(points, True)
        if multi_partial and chosen and chosen <= keys:
            return Scored(round(points * len(chosen) / len(keys), 2), False)
        return Scored(0.0, False)
    if question.type == "blank":
        ok = any(same_text(str(given), key) for key in blank_keys(question))
        return Scored(points if ok else 0.0, ok)
    result = grade(question, given)
    if question.type in ("short", "case"):
        return Scored(round(points * result.score, 2), result.correct)
    return Scored(points if result.correct else 0.0, result.correct)
