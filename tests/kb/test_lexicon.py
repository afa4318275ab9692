from __future__ import annotations

from kb.lexicon import asks_for_penalty, asks_for_time_limit, expand, states_time_limit, terms_of_art
from kb.models import Unit


def test_terms_of_art_reach_both_searches_and_colloquial_words_only_the_lexical_one() -> None:
    assert "不予行政处罚" in terms_of_art("首违不罚适用于哪些情形？")
    assert terms_of_art("签字的人不在场怎么办？") == []
    assert {"签名", "见证人"} <= set(expand("签字的人不在场怎么办？"))
    assert expand("首违不罚")[:1] == ["初次违法"]


def test_question_intents() -> None:
    assert asks_for_penalty("有人在桥下搭棚，按哪条处罚？")
    assert not asks_for_penalty("公路用地的范围是多少？")
    assert asks_for_time_limit("当事人不服，多长时间内可以申请行政复议？")
    assert asks_for_time_limit("起诉期限是多长？")
    assert not asks_for_time_limit("超限运输车辆怎么处罚？")


def test_articles_stating_a_time_limit() -> None:
    assert states_time_limit(Unit("article", 20, "第二十条", "自知道之日起六十日内提出行政复议申请"))
    assert states_time_limit(Unit("article", 1, "第一条", "应当在15个工作日内作出决定"))
    assert not states_time_limit(Unit("article", 2, "第二条", "处二千元以上一万元以下的罚款"))
