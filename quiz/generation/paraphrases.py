"""Meaning-preserving rewordings of an article's statement, for 判断 items that are true but not verbatim.

``以上``/``以下`` include the number itself (民法典 第一千二百五十九条), so:

- ``二千元以上一万元以下的罚款`` → ``不少于二千元、不超过一万元的罚款``;
- ``三万元以下的罚款`` → ``不超过三万元的罚款``; ``五年以上的`` → ``不少于五年的``;
- ``任何单位和个人不得在公路上设卡`` → ``禁止任何单位和个人在公路上设卡``.

``restore`` undoes them, given the statement the item was made from, so the key check compares a
paraphrased stem with the article's own words.
"""

from __future__ import annotations

import re

from quiz.quantities import QUANTITY_RE

_Q = rf"(?:{QUANTITY_RE.pattern.replace('(?P<num>', '(?:').replace('(?P<unit>', '(?:')})"
_RANGE = re.compile(rf"({_Q})以上({_Q})以下的")
_UPPER = re.compile(rf"(?<![以上、])({_Q})以下的")
_LOWER = re.compile(rf"(?<![以下、])({_Q})以上的")
_RANGE_BACK = re.compile(rf"不少于({_Q})、不超过({_Q})的")
_UPPER_BACK = re.compile(rf"不超过({_Q})的")
_LOWER_BACK = re.compile(rf"不少于({_Q})的")
_SUBJECT = re.compile(r"^([^，。；、：]{2,14}?)不得(?!不)")


def paraphrase(text: str) -> str | None:
    """``text`` reworded without changing its meaning, or None if no rewording applies."""
    out = _RANGE.sub(r"不少于\1、不超过\2的", text)
    out = _UPPER.sub(r"不超过\1的", out)
    out = _LOWER.sub(r"不少于\1的", out)
    m = _SUBJECT.match(out)
    if m and out.count("不得") == 1:
        out = f"禁止{m.group(1)}{out[m.end():]}"
    return out if out != text else None


def restore(statement: str, evidence: str) -> str:
    """A paraphrased statement in the article's wording again (a statement not paraphrased is unchanged)."""
    out = _RANGE_BACK.sub(r"\1以上\2以下的", statement)
    out = _UPPER_BACK.sub(r"\1以下的", out)
    out = _LOWER_BACK.sub(r"\1以上的", out)
    m = _SUBJECT.match(evidence)
    if m and out.startswith("禁止") and not evidence.startswith("禁止"):
        size = len(m.group(1))
        out = out[2 : 2 + size] + "不得" + out[2 + size :]
    return out
