"""Extractive answers (no LLM) on a real small knowledge base."""

from __future__ import annotations

import pytest

from chat.models import DISCLAIMER, Answer, Turn
from chat.render import answer_to_json, render_answer_text, render_citation
from chat.service import AnswerService
from kb.base import KnowledgeBase
from kb.models import Citation


def cited(answer: Answer) -> list[tuple[str, int | None]]:
    return [(c.law, c.article) for c in answer.citations]


def assert_all_resolved(kb: KnowledgeBase, answer: Answer) -> None:
    for c in answer.all_citations:
        assert c.resolved and c.version_date is not None
        hit = kb.lookup(c)
        assert hit is not None and hit.unit_id == c.unit_id
        assert c.quote == hit.unit.text


@pytest.mark.parametrize(
    ("question", "law", "article", "clause", "phrase"),
    [
        ("首违不罚是行政处罚法哪一条规定的？", "中华人民共和国行政处罚法", 33, 1, "初次违法且危害后果轻微"),
        ("扣押车辆一般最长能扣多少天？能不能延长？", "中华人民共和国行政强制法", 25, 1, "三十日"),
        (
            "扣押车辆时车上有司机的被褥、锅碗这些生活用品，能一起扣吗？",
            "中华人民共和国行政强制法",
            23,
            1,
            "生活必需品",
        ),
        ("罚款逾期不交，加处罚款每天按多少算，有没有上限？", "中华人民共和国行政处罚法", 72, 1, "百分之三"),
    ],
)
def test_cites_the_answering_clause(
    service: AnswerService,
    kb: KnowledgeBase,
    question: str,
    law: str,
    article: int,
    clause: int | None,
    phrase: str,
) -> None:
    answer = service.answer(question)
    assert answer.grounded and answer.status == "answered" and answer.mode == "extractive"
    assert 1 <= len(answer.claims) <= 4
    matching = [c for c in answer.claims if (c.citation.law, c.citation.article) == (law, article)]
    assert matching, cited(answer)
    assert any(c.citation.clause == clause for c in matching)
    assert any(phrase in c.text for c in matching)
    # each claim is followed by its citation in the text, with the 款 where the article has several
    for claim in answer.claims:
        assert render_citation(claim.citation) in answer.text
    assert_all_resolved(kb, answer)


def test_claims_single_out_the_clause_not_the_whole_article(service: AnswerService) -> None:
    answer = service.answer("首违不罚是行政处罚法哪一条规定的？")
    claim = next(c for c in answer.claims if c.citation.article == 33)
    article_text = claim.citation.quote
    assert len(claim.text) < len(article_text)
    assert "当事人有证据足以证明没有主观过错" not in claim.text  # that is 第二款
    assert "《中华人民共和国行政处罚法》第三十三条第一款" in answer.text


def test_item_is_cited_with_its_number(service: AnswerService) -> None:
    answer = service.answer("罚款逾期不交，加处罚款每天按多少算？")
    claim = next(c for c in answer.claims if c.citation.article == 72)
    assert claim.citation.item == 1
    assert render_citation(claim.citation) == "《中华人民共和国行政处罚法》第七十二条第一款第一项"
    assert claim.text.startswith("当事人逾期不履行行政处罚决定的")  # the 款's lead-in stays with its 项


def test_named_article_is_summarised_from_its_own_clauses(service: AnswerService) -> None:
    answer = service.answer("公路法第七十一条主要规定了什么？")
    assert answer.grounded
    assert {(c.law, c.article) for c in answer.citations} == {("中华人民共和国公路法", 71)}
    assert [c.citation.clause for c in answer.claims] == [1, 2, 3]
    assert ("中华人民共和国公路法", 71) not in {(c.law, c.article) for c in answer.related}


def test_related_articles_come_from_other_hits(service: AnswerService) -> None:
    answer = service.answer("路政巡查发现有人在公路用地上堆放建材，影响通行，能罚多少？")
    ids = {c.unit_id for c in answer.citations}
    assert answer.related and not ids & {c.unit_id for c in answer.related}
    assert ("中华人民共和国公路法", 77) in {(c.law, c.article) for c in answer.citations + answer.related}


def test_cross_reference_in_a_claim_becomes_related(service: AnswerService) -> None:
    # 第七十七条 punishes "违反本法第四十六条的规定": the prohibition comes along as related
    answer = service.answer("在公路用地范围内堆放物品影响公路畅通的，交通主管部门可以处多少罚款？")
    shown = {(c.law, c.article) for c in answer.citations + answer.related}
    assert {("中华人民共和国公路法", 77), ("中华人民共和国公路法", 46)} <= shown


@pytest.mark.parametrize("question", ["个人所得税专项附加扣除包括哪些项目？", "住房公积金怎么提取来还房贷？"])
def test_out_of_scope_has_no_basis(service: AnswerService, kb: KnowledgeBase, question: str) -> None:
    answer = service.answer(question)
    assert not answer.grounded and answer.status == "no_basis"
    assert "没有找到" in answer.text
    assert answer.citations == () and answer.claims == ()
    assert 1 <= len(answer.possibly_related) <= 3
    assert_all_resolved(kb, answer)
    assert "可能相关的条文" in render_answer_text(answer)


def test_unknown_article_is_noticed(service: AnswerService) -> None:
    answer = service.answer("行政处罚法第九百条是怎么规定的？")
    assert any(n.kind == "citation_not_found" and "第九百条" in n.text for n in answer.notices)
    assert all(c.article != 900 for c in answer.all_citations)


def test_followup_uses_the_conversation(service: AnswerService) -> None:
    first = service.answer("行政机关扣押当事人的车辆，期限最长是多少？")
    follow = service.answer("那能延长吗？", [Turn(first.question, first)])
    assert follow.query.startswith("行政机关扣押当事人的车辆")
    assert any(n.kind == "followup_rewritten" for n in follow.notices)
    assert ("中华人民共和国行政强制法", 25) in cited(follow)
    # a chain of follow-ups keeps the first topic; a plain-string history works as well
    third = service.answer(
        "这个要书面告知吗？", [Turn(first.question, first.text), Turn(follow.question, follow)]
    )
    assert third.query.startswith("行政机关扣押当事人的车辆") and "那能延长吗" not in third.query


def test_standalone_question_is_not_rewritten(service: AnswerService) -> None:
    first = service.answer("扣押的期限是多少天？")
    second = service.answer("首违不罚是行政处罚法哪一条规定的？", [Turn(first.question, first)])
    assert second.query == "首违不罚是行政处罚法哪一条规定的？"


@pytest.mark.parametrize("question", ["", "   \n\t ", "\u3000"])
def test_empty_question_is_an_error_answer_without_search(service: AnswerService, question: str) -> None:
    answer = service.answer(question)
    assert answer.status == "invalid" and not answer.grounded
    assert "问题为空" in answer.text
    assert "search_ms" not in answer.timings_ms and answer.all_citations == ()
    assert [n.kind for n in answer.notices] == ["empty_question"]


def test_long_question_is_cut_with_a_notice(service: AnswerService) -> None:
    question = "扣押的期限是多少天？" + "啊" * 10_000
    answer = service.answer(question)
    limit = service.settings.max_question_chars
    assert len(answer.question) == limit
    assert any(n.kind == "question_truncated" and str(limit) in n.text for n in answer.notices)


def test_html_in_a_question_is_plain_text(service: AnswerService) -> None:
    question = '<script>alert("x")</script><b>扣押</b>的期限是多少天？'
    answer = service.answer(question)
    assert (
        answer.question == question
    )  # kept as text, neither escaped nor stripped: rendering is the UI's job
    assert answer.grounded
    text = render_answer_text(answer)
    assert "<script>" not in text


def test_rendered_answer_has_disclaimer_and_version_dates(service: AnswerService) -> None:
    answer = service.answer("扣押车辆一般最长能扣多少天？")
    text = render_answer_text(answer)
    assert "仅供学习参考" in DISCLAIMER and text.endswith(DISCLAIMER)
    assert "《中华人民共和国行政强制法》（版本日期：2011-06-30）" in text
    no_basis = render_answer_text(service.answer("住房公积金怎么提取来还房贷？"))
    assert "仅供学习参考" in no_basis and "版本日期" in no_basis


def test_answer_json_shape(service: AnswerService, kb: KnowledgeBase) -> None:
    answer = service.answer("首违不罚是行政处罚法哪一条规定的？")
    data = answer_to_json(answer)
    assert set(data) == {"answer", "grounded", "citations", "lacking"}
    assert data["lacking"] == []  # this service is given no foundation list (tests/chat/test_lacking.py)
    assert data["grounded"] is True and "仅供学习参考" in data["answer"]
    first = data["citations"][0]
    assert first == {
        "law": "中华人民共和国行政处罚法",
        "article": "第三十三条",
        "text": kb.lookup("行政处罚法第三十三条").unit.text,  # type: ignore[union-attr]
        "ocr": False,
    }
    for c in data["citations"]:
        assert set(c) == {"law", "article", "text", "ocr"}
        assert kb.lookup(f"{c['law']}{c['article']}") is not None
    assert len({(c["law"], c["article"]) for c in data["citations"]}) == len(data["citations"])


def test_render_citation_forms() -> None:
    assert (
        render_citation(Citation("中华人民共和国行政处罚法", 33, clause=1))
        == "《中华人民共和国行政处罚法》第三十三条第一款"
    )
    assert render_citation(Citation("《公路法》", 10, "之一")) == "《公路法》第十条之一"
    assert (
        render_citation(Citation("行政强制法", 55, clause=1, item=2))
        == "《行政强制法》第五十五条第一款第二项"
    )
    assert render_citation(Citation("某意见", None, section_label="二、（三）")) == "《某意见》二、（三）"


def test_one_service_answers_concurrent_questions(service: AnswerService) -> None:
    from concurrent.futures import ThreadPoolExecutor

    questions = [
        "首违不罚是行政处罚法哪一条规定的？",
        "扣押车辆一般最长能扣多少天？",
        "公路法第七十一条主要规定了什么？",
    ] * 3
    expected = {q: service.answer(q).citations for q in set(questions)}
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(service.answer, questions))
    assert [a.citations for a in answers] == [expected[q] for q in questions]
