"""Signals of the no-basis judgement (kb.judge) beyond similarity: what a question asks that the best candidates
do not hold.

A near-domain question without a basis (a city's taxi fare, an officer's days of leave, a sentence length) is
often as similar to some article as an in-scope one; what gives it away is a specific ask — a price, a number
of days, a time — that none of the best candidates states. The asks are read from general Chinese
interrogatives (多少钱, 几天, 几点, 多少分, 几个, …), never from a question's nouns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

_NUMBER = r"[0-9０-９零〇一二两三四五六七八九十百千万]+"


class AnswerKind(Enum):
    """A kind of quantity a question may ask for: ``asked`` finds such a question, ``stated`` such an answer."""

    MONEY = (r"多少钱|几块钱|多少元|几元|(?:价格?|收费|费用?|票价)(?:是|为|要|大概|大约)?多少",
             rf"{_NUMBER}(?:元|块)")
    DURATION = (r"几天|多少天|几日|几个?月|多少个?月|几年|多少年|多长时间|多久|几周|几个工作日|几小时|多少小时",
                rf"{_NUMBER}(?:个工作日|日|天|个月|月|年|周|小时)")
    CLOCK = (r"几点|什么时候|何时|哪天|哪一天|几号|什么时间",
             rf"{_NUMBER}(?:时|点|月|日|号)|之日起|期间|以前|之前|以后")
    SCORE = (r"多少分|几分(?!之)", rf"{_NUMBER}分(?!之)")
    COUNT = (r"几个|多少个|几种|几项|几名|几次|多少名|多少人|多少次|多少辆|几辆|几支|多少支",
             rf"{_NUMBER}(?:个|种|项|名|次|人|辆|支)")

    def __init__(self, asked: str, stated: str) -> None:
        self.asked = re.compile(asked)
        self.stated = re.compile(stated)


def asked_kinds(question: str) -> tuple[AnswerKind, ...]:
    """The kinds of quantity a question asks for."""
    return tuple(kind for kind in AnswerKind if kind.asked.search(question))


def answer_missing(question: str, texts: Sequence[str]) -> float:
    """1.0 when the question asks for a kind of quantity and none of ``texts`` (the best candidates) states one
    of that kind, else 0.0."""
    kinds = asked_kinds(question)
    if not kinds:
        return 0.0
    return float(not any(kind.stated.search(text) for kind in kinds for text in texts))
