from __future__ import annotations

from kb.lexicon import asked_quantities, asks_for_penalty, expand, states_quantity, terms_of_art
from kb.models import Unit


def test_terms_of_art_reach_both_searches_and_colloquial_words_only_the_lexical_one() -> None:
    assert "不予行政处罚" in terms_of_art("首违不罚适用于哪些情形？")
    assert terms_of_art("签字的人不在场怎么办？") == []
    assert {"签名", "见证人"} <= set(expand("签字的人不在场怎么办？"))
    assert expand("首违不罚")[:1] == ["初次违法"]


def test_question_intents() -> None:
    assert asks_for_penalty("有人在桥下搭棚，按哪条处罚？")
    assert not asks_for_penalty("公路用地的范围是多少？")
    assert asked_quantities("当事人不服，多长时间内可以申请行政复议？") == ["time-limit"]
    assert asked_quantities("起诉期限是多长？") == ["time-limit"]
    assert asked_quantities("决定移送后，要在多少小时内移送公安？") == ["time-limit"]
    assert asked_quantities("客车超员超过百分之多少，罚款档次提高？") == ["percentage"]
    assert asked_quantities("当事人多少岁以下不予处罚？") == ["age"]
    assert asked_quantities("总质量多少以下的货车不用办许可？") == ["weight"]
    assert asked_quantities("哪一条列出了需要申请许可的涉路施工活动？") == ["enumeration"]
    assert asked_quantities("超限运输车辆怎么处罚？") == []


def test_articles_stating_a_quantity() -> None:
    time_limit, percentage, age = states_quantity("time-limit"), states_quantity("percentage"), states_quantity("age")
    assert time_limit(Unit("article", 20, "第二十条", "自知道之日起六十日内提出行政复议申请"))
    assert time_limit(Unit("article", 1, "第一条", "应当在15个工作日内作出决定"))
    assert time_limit(Unit("article", 5, "第五条", "应当在24小时内向同级公安机关移送"))
    assert not time_limit(Unit("article", 2, "第二条", "处二千元以上一万元以下的罚款"))
    assert percentage(Unit("article", 92, "第九十二条", "超过额定乘员百分之二十的，处五百元以上二千元以下罚款"))
    assert not percentage(Unit("article", 2, "第二条", "处二千元以上一万元以下的罚款"))
    listing = states_quantity("enumeration")
    assert listing(Unit("article", 27, "第二十七条", "进行下列涉路施工活动，建设单位应当提出申请：（一）占用公路"))
    assert not listing(Unit("article", 28, "第二十八条", "公路管理机构应当自受理申请之日起20日内作出决定"))
    assert age(Unit("article", 30, "第三十条", "不满十四周岁的未成年人有违法行为的，不予行政处罚"))
