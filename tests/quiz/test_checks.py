"""The key checks reject questions whose key the cited article does not support."""

from __future__ import annotations

import random
from dataclasses import replace

from kb.models import Citation
from quiz.generation.checks import check_question, strip_prefix
from quiz.generation.generators import QUESTION_TYPES, Context
from quiz.models import Question


def make(kind: str, art, index, want=lambda q: True, seed: int = 0) -> Question:  # type: ignore[no-untyped-def]
    for s in range(seed, seed + 30):
        for q in QUESTION_TYPES[kind].from_article(art, Context(index, random.Random(s))):
            if want(q) and not check_question(q, index):
                return q
    raise AssertionError("no valid question")


def test_strip_prefix() -> None:
    assert strip_prefix("根据《行政处罚法》，执法人员不得少于两人。") == "执法人员不得少于两人。"
    assert strip_prefix("根据《行政处罚法》第九条，下列属于…") == "下列属于…"


def test_single_with_the_wrong_letter_is_rejected(article, real_index) -> None:
    q = make("single", article("行政处罚法", 51), real_index, lambda q: q.generator == "single.quantity")
    wrong = next(letter for letter in q.options if letter != q.answer)
    assert check_question(replace(q, answer=wrong), real_index)


def test_single_with_a_distractor_the_article_supports_is_rejected(article, real_index) -> None:
    q = make("single", article("行政处罚法", 51), real_index, lambda q: q.options[str(q.answer)] == "三千元")
    wrong = next(letter for letter in q.options if letter != q.answer)
    options = dict(q.options) | {wrong: "二百元"}  # the article's other amount: not provably wrong here
    problems = check_question(replace(q, options=options), real_index)
    assert problems and "distractor" in problems[0]


def test_duplicate_options_and_bad_letters_are_rejected(article, real_index) -> None:
    q = make("single", article("行政处罚法", 51), real_index)
    letters = list(q.options)
    dup = dict(q.options) | {letters[1]: q.options[letters[0]]}
    assert "duplicate options" in check_question(replace(q, options=dup), real_index)
    assert check_question(replace(q, answer="F"), real_index)


def test_source_must_exist(article, real_index) -> None:
    q = make("blank", article("行政处罚法", 64), real_index)
    gone = replace(q, sources=(Citation(law="中华人民共和国行政处罚法", article=999),))
    assert check_question(gone, real_index) == ["cites an article that is not in the knowledge base"]
    other = replace(q, sources=(Citation(law="中华人民共和国行政处罚法", article=9),))
    assert check_question(other, real_index)  # the key is not in article 9


def test_judge_with_a_flipped_answer_is_rejected(article, real_index) -> None:
    true_q = make("judge", article("行政处罚法", 42), real_index, lambda q: q.answer is True)
    false_q = make("judge", article("行政处罚法", 42), real_index, lambda q: q.answer is False)
    assert check_question(replace(true_q, answer=False), real_index)
    assert check_question(replace(false_q, answer=True), real_index)


def test_judge_with_an_untraceable_change_is_rejected(article, real_index) -> None:
    q = make("judge", article("行政处罚法", 42), real_index, lambda q: q.answer is False)
    invented = replace(q, stem="根据《行政处罚法》，执法人员应当穿着制服执法。")
    assert check_question(invented, real_index)


def test_judge_imported_without_evidence_is_traced_to_the_article(article, real_index) -> None:
    q = make("judge", article("行政处罚法", 42), real_index, lambda q: q.answer is False)
    assert check_question(replace(q, evidence=""), real_index) == []


def test_blank_with_a_changed_answer_is_rejected(article, real_index) -> None:
    q = make("blank", article("行政处罚法", 64), real_index, lambda q: q.answer == "五日")
    assert check_question(replace(q, answer="十日"), real_index)


def test_multi_with_a_key_outside_the_article_is_rejected(article, real_index) -> None:
    q = make("multi", article("行政处罚法", 9), real_index)
    key = q.answer[0]
    options = dict(q.options) | {key: "责令改正"}
    assert check_question(replace(q, options=options), real_index)


def test_multi_with_a_distractor_from_the_list_is_rejected(article, real_index) -> None:
    q = make("multi", article("行政处罚法", 9), real_index)
    distractor = next(letter for letter in q.options if letter not in str(q.answer))
    options = dict(q.options) | {distractor: "行政拘留"}
    if "行政拘留" in q.options.values():
        options[distractor] = "警告、通报批评"
    assert check_question(replace(q, options=options), real_index)


def test_giveaway_is_rejected(article, real_index) -> None:
    q = make("multi", article("行政处罚法", 9), real_index)
    key_text = q.options[q.answer[0]]
    giveaway = replace(q, stem=f"根据《行政处罚法》第九条，“{key_text}”属于下列哪些种类？（  ）")
    problems = check_question(giveaway, real_index)
    assert problems and any("giveaway" in p or "echo" in p for p in problems)
