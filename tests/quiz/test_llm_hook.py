"""short/case questions through an injected LLM callable; unsupported key points are discarded."""

from __future__ import annotations

import json
import random

from quiz.generation.checks import check_question
from quiz.generation.generators import QUESTION_TYPES, Context
from quiz.grading import grade


def fake_llm(points: list[str]):  # type: ignore[no-untyped-def]
    def complete(prompt: str) -> str:
        assert "第五十一条" in prompt
        return "好的：\n" + json.dumps(
            {"stem": "哪些情形可以当场作出行政处罚决定？", "answer": "；".join(points), "key_points": points},
            ensure_ascii=False,
        )

    return complete


def test_short_question_from_an_article(article, real_index) -> None:
    points = ["违法事实确凿并有法定依据", "对公民处以二百元以下罚款", "对法人或者其他组织处以三千元以下罚款"]
    registry = QUESTION_TYPES.with_llm(fake_llm(points))
    (q,) = registry["short"].from_article(article("行政处罚法", 51), Context(real_index, random.Random(0)))
    assert q.type == "short" and q.key_points == tuple(points)
    assert check_question(q, real_index) == []
    assert grade(q, "违法事实确凿并有法定依据，对公民处以二百元以下罚款，对法人或者其他组织处以三千元以下罚款").correct
    assert not grade(q, "可以当场处罚").correct


def test_key_points_the_article_does_not_support_are_discarded(article, real_index) -> None:
    registry = QUESTION_TYPES.with_llm(fake_llm(["对公民处以五百元以下罚款", "违法事实确凿"]))
    assert registry["case"].from_article(article("行政处罚法", 51), Context(real_index, random.Random(0))) == []
    broken = QUESTION_TYPES.with_llm(lambda prompt: "无法出题")
    assert broken["short"].from_article(article("行政处罚法", 51), Context(real_index, random.Random(0))) == []


def test_replies_in_fences_or_with_points_as_one_string(article, real_index) -> None:
    from quiz.generation.generators.llm import key_points, parse_reply

    assert parse_reply('说明\n```json\n{"stem": "s", "answer": "a", "key_points": ["p"]}\n```\n完') == {
        "stem": "s", "answer": "a", "key_points": ["p"]}
    assert parse_reply("没有JSON") is None and parse_reply("{坏的}") is None and parse_reply("[1, 2]") is None
    assert key_points("1. 违法事实确凿；（二）有法定依据\n有法定依据") == ("违法事实确凿", "有法定依据")
    assert key_points(None) == () and key_points(["", " 甲 "]) == ("甲",)

    def as_string(prompt: str) -> str:
        return json.dumps({"stem": "当场处罚的条件？", "answer": "见条文",
                           "key_points": "违法事实确凿并有法定依据；可以当场作出行政处罚决定"}, ensure_ascii=False)

    registry = QUESTION_TYPES.with_llm(as_string)
    (q,) = registry["short"].from_article(article("行政处罚法", 51), Context(real_index, random.Random(0)))
    assert q.key_points == ("违法事实确凿并有法定依据", "可以当场作出行政处罚决定")
