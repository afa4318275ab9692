"""Question analysis, follow-up rewriting and article segmentation (no knowledge base needed)."""

from __future__ import annotations

import pytest

from chat.followup import is_followup, rewrite, topic_of
from chat.models import Answer, Turn
from chat.question import content_tokens, detect_intent, names_a_law, prepare
from chat.rerank import rerank
from chat.segments import split_unit
from kb.models import Clause, DocStatus, DocumentMeta, Hit, Item, StoredDocument, Unit

KNOWN = ["中华人民共和国行政处罚法", "行政处罚法", "公路法", "中华人民共和国公路法", "公路安全保护条例"]
HISTORY = [Turn("货车超限了，车主拒绝卸载，能扣车吗？", "…")]


@pytest.mark.parametrize(
    ("question", "amount", "penalty", "procedure", "lookup"),
    [
        ("扣押车辆一般最长能扣多少天？", True, True, False, False),
        ("超限运输怎么处罚？", False, True, False, False),
        ("现场笔录没人签字怎么办？", False, False, True, False),
        ("首违不罚是哪一条规定的？", False, False, False, True),
    ],
)
def test_intent(question: str, amount: bool, penalty: bool, procedure: bool, lookup: bool) -> None:
    intent = detect_intent(question)
    assert (intent.amount, intent.penalty, intent.procedure, intent.lookup) == (
        amount,
        penalty,
        procedure,
        lookup,
    )


def test_content_tokens_drop_question_words_and_law_names() -> None:
    tokens = content_tokens("首违不罚是行政处罚法哪一条规定的？", KNOWN)
    assert "行政处罚法" not in tokens and "哪一条" not in tokens and "规定" not in tokens
    assert {"首违", "不罚"} <= set(tokens)
    assert content_tokens("公路法第七十一条主要规定了什么？", KNOWN) == []


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("那公路法呢？", True),
        ("按《某某条例》处理", True),
        ("首违不罚是行政处罚法哪一条", True),
        ("依法处理了吗", False),
        ("违法行为三年前发生的", False),
        ("那罚款多少？", False),
    ],
)
def test_names_a_law(text: str, named: bool) -> None:
    assert names_a_law(text, KNOWN) is named


def test_prepare_cuts_and_normalises() -> None:
    assert prepare("  a \n b\t", 10).text == "a b"
    p = prepare("问" * 50, 10)
    assert p.truncated and p.text == "问" * 10 and p.original_length == 50
    assert prepare(" \u3000\n", 10).text == ""


@pytest.mark.parametrize(
    "question", ["那罚款多少？", "这个呢", "那要几天？", "那公路法呢？", "如果当事人拒绝签字呢？"]
)
def test_elliptical_followups_get_the_topic(question: str) -> None:
    assert is_followup(question, KNOWN)
    r = rewrite(question, HISTORY, 3, KNOWN)
    assert r.rewritten and r.topic == "货车超限了，车主拒绝卸载，能扣车"
    assert r.query == f"货车超限了，车主拒绝卸载，能扣车。{question}"


@pytest.mark.parametrize(
    "question",
    ["公路法对在公路上堆放物品怎么罚？", "扣押车辆最长多少天？", "行政处罚法第三十三条讲的是什么？"],
)
def test_standalone_questions_are_kept(question: str) -> None:
    assert rewrite(question, HISTORY, 3, KNOWN).query == question


def test_no_history_or_zero_turns_means_no_rewrite() -> None:
    assert not rewrite("那罚款多少？", [], 3, KNOWN).rewritten
    assert not rewrite("那罚款多少？", HISTORY, 0, KNOWN).rewritten


def test_only_the_last_turns_count() -> None:
    history = [*HISTORY, Turn("这个呢", "…"), Turn("那呢", "…")]
    assert rewrite("那罚款多少？", history, 3, KNOWN).topic == "货车超限了，车主拒绝卸载，能扣车"
    assert not rewrite("那罚款多少？", history, 2, KNOWN).rewritten  # both last turns are bare follow-ups


def test_an_answer_passes_its_topic_on() -> None:
    earlier = Answer(question="那罚款多少？", text="…", grounded=True, topic="货车超限")
    assert rewrite("那要几天？", [Turn("那罚款多少？", earlier)], 3, KNOWN).topic == "货车超限"


def test_topic_strips_the_interrogative_ending() -> None:
    assert topic_of("司机倒货躲检测，怎么处理？") == "司机倒货躲检测"
    assert topic_of("扣押的期限是多少？") == "扣押的期限是多少"


def test_split_unit_into_clause_sentences_and_items() -> None:
    unit = Unit(
        kind="article",
        number=72,
        label="第七十二条",
        text="…",
        clauses=(
            Clause(
                1,
                "当事人逾期不履行的。行政机关可以采取下列措施：",
                (Item(1, "（一）加处罚款；"), Item(2, "拍卖；")),
            ),
            Clause(2, "当事人申请复议的，不停止执行。"),
        ),
    )
    segs = split_unit(unit)
    assert [(s.clause, s.item) for s in segs] == [(1, None), (1, 1), (1, 2), (2, None)]
    assert segs[1].quote == "行政机关可以采取下列措施：（一）加处罚款；"
    assert segs[2].text == "（二）拍卖；"
    single = Unit(kind="article", number=3, label="第三条", text="…", clauses=(Clause(1, "甲。乙！"),))
    assert [(s.clause, s.text) for s in split_unit(single)] == [(None, "甲。"), (None, "乙！")]
    loose = Unit(kind="section", number=1, label="一、", text="一句。两句。")
    assert [s.text for s in split_unit(loose)] == ["一句。", "两句。"]


def _hit(law: str, number: int, text: str, heading: tuple[str, ...] = (), via: str = "hybrid") -> Hit:
    meta = DocumentMeta(title=law)
    doc = StoredDocument(f"d-{law}", law, meta, "h", DocStatus.ACTIVE, 1)
    unit = Unit("article", number, f"第{number}条", text, heading, (Clause(1, text),), ordinal=number)
    return Hit(f"{law}-{number}", unit, doc, 1.0, via=via)  # type: ignore[arg-type]


def test_rerank_prefers_the_article_that_answers() -> None:
    duty = _hit("甲条例", 41, "客运班车应当按照批准的站点停靠。", ("第三章 客运",))
    penalty = _hit(
        "甲条例", 68, "客运班车不按批准的站点停靠的，处1000元以上3000元以下的罚款。", ("第七章 法律责任",)
    )
    other = _hit("乙规定", 9, "客运站应当公布班次。")
    question = "客运班车不按批准的站点停靠怎么罚？"
    weights = {t: 1.0 for t in content_tokens(question, KNOWN)}
    ranked = rerank([duty, other, penalty], weights, detect_intent(question))
    assert ranked[0].hit.unit.number == 68
    # a law the question names gains; an article it cites stays first whatever it says
    assert rerank([other, duty], {"应当": 1.0}, detect_intent("应当"))[0].hit is other
    assert rerank([other, duty], {"应当": 1.0}, detect_intent("应当"), named_laws={"甲条例"})[0].hit is duty
    cited = _hit("乙规定", 1, "无关。", via="direct")
    assert rerank([duty, penalty, cited], weights, detect_intent(question))[0].hit is cited
