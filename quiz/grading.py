"""Grade one answer against a question's key.

单选/多选: the letters (order, case, separators ignored; 多选 needs exactly the keys). 判断: 对/错, 正确/错误,
true/false, √/×. 填空: the missing text with whitespace and punctuation ignored, and amounts compared by
value (5日 = 五日). 简答/案例分析: each key point counts when most of its characters occur in the answer and
every amount or time limit it names is in the answer too (by value: 三万元 = 3万元; 五万元 does not count
for 三万元); the score is the share of key points hit, and the answer passes with at least 60% of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.models import Citation
from quiz.models import Question, parse_judge
from quiz.quantities import find_quantities, quantity_keys
from quiz.text import bare, coverage, normalize

KEY_POINT_HIT = 0.6
OPEN_PASS = 0.6

Given = str | bool | Sequence[str]
"""An answer to grade: letters as text or one by one (``"a, c"``, ``["C", "A"]``), true/false, or text."""


@dataclass(frozen=True)
class Grade:
    correct: bool
    expected: str | bool
    given: str | bool
    explanation: str
    sources: tuple[Citation, ...]
    score: float
    missed_points: tuple[str, ...] = ()


def letters(given: Given) -> str:
    """``"a, c"``, ``["C", "A"]`` → ``"AC"``."""
    text = "".join(given) if isinstance(given, list | tuple) else str(given)
    return "".join(sorted(set(re.sub(r"[^A-Fa-f]", "", text).upper())))


def same_text(given: str, expected: str) -> bool:
    if bare(normalize(given)) == bare(normalize(expected)):
        return True
    a, b = find_quantities(given), find_quantities(expected)
    return len(a) == len(b) == 1 and a[0].key == b[0].key and bare(given) == bare(a[0].text)


def point_hit(point: str, answer: str) -> bool:
    """Whether an open answer states a key point: most of its words, and all of its amounts."""
    return coverage(point, answer) >= KEY_POINT_HIT and quantity_keys(point) <= quantity_keys(answer)


def grade(question: Question, given: Given) -> Grade:
    missed: tuple[str, ...] = ()
    shown: str | bool
    if question.type in ("single", "multi"):
        shown = letters(given)
        correct = shown == letters(str(question.answer))
        score = 1.0 if correct else 0.0
    elif question.type == "judge":
        try:
            shown = given if isinstance(given, bool) else parse_judge(str(given))
        except ValueError:
            shown = str(given)
        correct = shown is question.answer
        score = 1.0 if correct else 0.0
    elif question.type == "blank":
        shown = str(given)
        correct = same_text(shown, str(question.answer))
        score = 1.0 if correct else 0.0
    else:
        shown = str(given)
        points = question.key_points or (str(question.answer),)
        missed = tuple(p for p in points if not point_hit(p, shown))
        score = 1 - len(missed) / len(points)
        correct = score >= OPEN_PASS
    return Grade(
        correct=correct,
        expected=question.answer,
        given=shown,
        explanation=question.explanation,
        sources=question.sources,
        score=score,
        missed_points=missed,
    )
