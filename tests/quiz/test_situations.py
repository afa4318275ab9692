"""Situation items (issue 15) on real articles: the case selects exactly one branch, the key check proves
the key and rejects a wrong-branch key, 判断 true forms are not the article verbatim."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from quiz.generation.checks import check_question
from quiz.generation.generators.base import Context
from quiz.generation.generators.judge import TrueFalse
from quiz.generation.generators.situation import (
    blank_situations,
    judge_situations,
    judge_time_situations,
    multi_situations,
    single_situations,
    time_situations,
)
from quiz.generation.paraphrases import paraphrase, restore
from quiz.generation.situations import as_option, case_value, rules, selected, values_for
from quiz.models import Question
from quiz.text import normalize


def ctx(index, seed: int = 0) -> Context:  # type: ignore[no-untyped-def]
    return Context(index, random.Random(seed))


def test_a_penalty_article_reads_into_its_conducts_authority_and_brackets(article) -> None:
    (rule,) = rules(article("公路法", 74).body)  # 没收违法所得，可以处违法所得三倍以下的罚款，没有违法所得的，可以处二万元以下的罚款
    assert rule.conducts == ("擅自在公路上设卡、收费",)
    assert rule.authority == "交通主管部门"
    assert [as_option(b.consequence) for b in rule.branches] == ["可以处违法所得三倍以下的罚款", "可以处二万元以下的罚款"]
    for branch in rule.branches:
        values = values_for(rule, branch)
        assert values and all(selected(rule, v) == [branch] for v in values), "each case amount selects one bracket"
    (listed,) = rules(article("公路法", 76).body)  # 有下列违法行为之一的 … （一）…（七）
    assert len(listed.conducts) >= 5 and "擅自占用、挖掘公路" in listed.conducts
    assert listed.consequence == "责令停止违法行为，可以处三万元以下的罚款"


def test_bracket_items_select_exactly_one_branch_and_a_wrong_branch_key_is_rejected(article, real_index) -> None:
    art = article("公路法", 74)
    (rule,) = rules(art.body)
    brackets = [q for seed in range(6) for q in single_situations(art, ctx(real_index, seed))
                if q.generator == "single.situation.bracket"]
    assert {q.options[str(q.answer)] for q in brackets} == {as_option(b.consequence) for b in rule.branches}
    for q in brackets:
        value = case_value(q.stem)
        assert value is not None and len(selected(rule, value)) == 1
        assert check_question(q, real_index) == []
        wrong = next(letter for letter, text in q.options.items()
                     if letter != q.answer and text in {as_option(b.consequence) for b in rule.branches})
        assert check_question(replace(q, answer=wrong), real_index), "the other bracket's consequence is not the key"
        no_amount = q.stem.replace(f"，违法所得{q.stem.split('违法所得')[-1].split('。')[0]}", "")
        no_amount = no_amount.replace("，尚无违法所得", "")
        assert check_question(replace(q, stem=no_amount), real_index), "a bracketed case must state its amount"


@pytest.mark.parametrize("number", [76, 78, 80, 81])
def test_consequence_and_authority_items_prove_their_key_and_reject_any_other(article, real_index, number) -> None:
    art = article("公路法", number)
    qs = single_situations(art, ctx(real_index, number))
    assert qs
    for q in qs:
        assert check_question(q, real_index) == [], q.stem
        assert normalize(q.stem) not in art.normalized
        for letter in q.options:
            if letter != q.answer:
                assert check_question(replace(q, answer=letter), real_index), (q.stem, q.options[letter])


def test_multi_items_key_exactly_the_measures_for_the_case(article, real_index) -> None:
    art = article("公路法", 81)  # 责令限期拆除，并可以处五万元以下的罚款
    (q,) = multi_situations(art, ctx(real_index))
    assert {q.options[k] for k in str(q.answer)} == {"责令限期拆除", "处五万元以下的罚款"}
    assert check_question(q, real_index) == []
    assert check_question(replace(q, answer=str(q.answer)[0]), real_index), "a key left out"
    extra = next(letter for letter in q.options if letter not in str(q.answer))
    assert check_question(replace(q, answer="".join(sorted(str(q.answer) + extra))), real_index)


def test_blank_items_ask_the_fine_of_the_case(article, real_index) -> None:
    art = article("公路法", 74)
    qs = blank_situations(art, ctx(real_index))
    assert {q.answer for q in qs} == {"违法所得三倍以下", "二万元以下"}
    for q in qs:
        assert check_question(q, real_index) == []
        other = "二万元以下" if q.answer == "违法所得三倍以下" else "违法所得三倍以下"
        assert check_question(replace(q, answer=other), real_index), "the other bracket's fine is rejected"


def test_judge_cases_are_true_with_the_right_handling_only(article, real_index) -> None:
    art = article("公路法", 74)
    true, false = judge_situations(art, ctx(real_index, 3))
    assert true and false
    for q in true + false:
        assert check_question(q, real_index) == []
        assert check_question(replace(q, answer=not q.answer), real_index), "the flipped answer is rejected"


def test_time_limits_as_cases(article, real_index) -> None:
    art = article("行政处罚法", 64)  # 当事人要求听证的，应当在行政机关告知后五日内提出
    single = [q for q in time_situations(art, ctx(real_index)) if q.options[str(q.answer)] == "五日"]
    assert single and "当事人要求听证。" in single[0].stem and "多长期限" in single[0].stem
    q = single[0]
    assert check_question(q, real_index) == []
    other = next(letter for letter in q.options if letter != q.answer)
    assert check_question(replace(q, options={**q.options, other: "七日"}), real_index), "七日 is the article's"
    true, false = judge_time_situations(art, ctx(real_index))
    assert true and false
    for j in true + false:
        assert "第" in j.stem and check_question(j, real_index) == []
        assert check_question(replace(j, answer=not j.answer), real_index)


def test_judge_true_forms_are_never_the_article_verbatim(real_index) -> None:
    gen = TrueFalse()
    seen = 0
    for art in real_index.of_law("中华人民共和国公路法")[:90]:
        for seed in range(2):
            for q in gen.from_article(art, ctx(real_index, seed)):
                if q.answer is True:
                    seen += 1
                    statement = normalize(q.stem.split("》，", 1)[1].rstrip("。"))
                    assert statement not in art.normalized
                    assert check_question(q, real_index) == []
    assert seen >= 5


def test_paraphrases_read_back_to_the_article() -> None:
    for text in ("处二千元以上一万元以下的罚款", "可以处三万元以下的罚款", "任何单位和个人不得在公路上非法设卡"):
        changed = paraphrase(text)
        assert changed and changed != text and restore(changed, text) == text
    assert paraphrase("行政机关应当依法作出决定") is None


def test_situation_items_survive_the_json_round_trip(article, real_index) -> None:
    art = article("公路法", 74)
    for q in single_situations(art, ctx(real_index)) + blank_situations(art, ctx(real_index)):
        back = Question.from_json(q.to_json())  # no generator, no evidence: the checks read the stem
        assert check_question(back, real_index) == []
