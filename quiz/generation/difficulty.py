"""Difficulty 1–3 by a simple, documented rule.

Start from the type: 判断 and 单选 are 1, 填空 and 多选 are 2, 简答 and 案例分析 are 3. Add 1 when the
article is dense, i.e. it has three or more amounts/time limits that can be confused with the key, or
six or more enumerated 项, or the statement the question rests on is longer than 80 characters. Cap at 3.
"""

from __future__ import annotations

from quiz.models import QuestionType
from quiz.quantities import find_quantities
from quiz.text import ITEM_MARKER_RE

BASE: dict[str, int] = {"judge": 1, "single": 1, "blank": 2, "multi": 2, "short": 3, "case": 3}
DENSE_QUANTITIES = 3
DENSE_ITEMS = 6
LONG_EVIDENCE = 80


def difficulty(qtype: QuestionType, article_text: str, evidence: str = "") -> int:
    items = sum(1 for line in article_text.split("\n") if ITEM_MARKER_RE.match(line))
    dense = (
        len(find_quantities(article_text)) >= DENSE_QUANTITIES
        or items >= DENSE_ITEMS
        or len(evidence) > LONG_EVIDENCE
    )
    return min(3, BASE[qtype] + int(dense))
