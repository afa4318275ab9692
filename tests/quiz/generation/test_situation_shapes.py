"""Issue 15: the shapes of penalty and procedure articles read as cases, on article text copied from
../shared/corpus: the authority first (…部门对…违反本办法第N条，…的，应当…), a conduct read from the article a
rule points at (违反本条例第N条规定的), a conduct told of one party or one ，或者-part, a party's conduct that
names an agency (未经有关交通主管部门批准), and a procedure's deadline (…应当自…之日起十日内…). Every item's key
is proved by quiz.generation.checks and the flipped or changed key is refused."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from quiz.generation.checks import check_question
from quiz.generation.conducts import alternatives, one_party, referenced_conducts
from quiz.generation.deadlines import deadlines
from quiz.generation.generators.base import Context
from quiz.generation.generators.deadline import judge_deadline_situations
from quiz.generation.generators.judge import TrueFalse
from quiz.generation.generators.situation import (
    blank_situations,
    judge_situations,
    multi_situations,
    penalty_rules,
    single_situations,
)
from quiz.generation.situations import rules
from quiz.models import Question
from quiz.source import ArticleIndex
from tests.quiz.generation.texts import index_of, law

DANGEROUS_GOODS = law("危险货物道路运输安全管理办法", {
    56: "交通运输主管部门对危险货物承运人违反本办法第七条，未对从业人员进行安全教育和培训的，应当责令限期改正，"
        "可以处5万元以下的罚款；逾期未改正的，责令停产停业整顿，并处5万元以上10万元以下的罚款，对其直接负责的主管人员和"
        "其他直接责任人员处1万元以上2万元以下的罚款。",
    61: "交通运输主管部门对危险货物道路运输车辆驾驶人具有下列情形之一的，应当责令改正，处1000元以上3000元以下的罚款：\n"
        "（一）违反本办法第二十四条、第四十四条，未按照规定随车携带危险货物运单、安全卡的；\n"
        "（二）违反本办法第四十七条，罐式车辆罐体、可移动罐柜、罐箱的关闭装置在运输过程中未处于关闭状态的。",
    72: "公安机关对危险货物运输车辆违反本办法第四十八条，未依照批准路线等行驶的，应当责令改正，并对承运人予以处罚：\n"
        "（一）运输剧毒化学品的，处1000元以上1万元以下的罚款；\n"
        "（二）运输民用爆炸物品的，处5万元以上20万元以下的罚款；\n"
        "（三）运输烟花爆竹的，处200元以上2000元以下的罚款；\n"
        "（四）运输放射性物品的，处2万元以上10万元以下的罚款。",
    69: "公安机关对危险货物承运人违反本办法第四十四条，通过道路运输危险化学品不配备押运人员的，应当责令改正，"
        "处1万元以上5万元以下的罚款；构成违反治安管理行为的，依法给予治安管理处罚。",
})
ROAD_SAFETY = law("公路安全保护条例", {
    22: "禁止利用公路桥梁进行牵拉、吊装等危及公路桥梁安全的施工作业。\n"
        "禁止利用公路桥梁(含桥下空间)、公路隧道、涵洞堆放物品，搭建设施以及铺设高压电线和输送易燃、易爆或者其他有毒有害"
        "气体、液体的管道。",
    58: "违反本条例第二十条规定的，由水行政主管部门或者流域管理机构责令改正，可以处3万元以下的罚款。",
    59: "违反本条例第二十二条规定的，由公路管理机构责令改正，处2万元以上10万元以下的罚款。",
})
ROAD_TRANSPORT = law("中华人民共和国道路运输条例", {
    66: "违反本条例的规定，客运经营者、货运经营者、道路运输相关业务经营者非法转让、出租道路运输许可证件的，由县级以上地方"
        "人民政府交通运输主管部门责令停止违法行为，收缴有关证件，处2000元以上1万元以下的罚款；有违法所得的，没收违法所得。",
    70: "违反本条例的规定，道路运输站（场）经营者擅自改变道路运输站（场）的用途和服务功能，或者不公布运输线路、起止经停站点、"
        "运输班次、始发时间、票价的，由县级以上地方人民政府交通运输主管部门责令改正；拒不改正的，处3000元的罚款；有违法所得"
        "的，没收违法所得。",
})
HIGHWAY = law("中华人民共和国公路法", {
    75: "违反本法第二十五条规定，未经有关交通主管部门批准擅自施工的，交通主管部门可以责令停止施工，并可以处五万元以下的罚款。",
    76: "有下列违法行为之一的，由交通主管部门责令停止违法行为，可以处三万元以下的罚款：\n"
        "（一）违反本法第四十四条第一款规定，擅自占用、挖掘公路的；\n"
        "（二）违反本法第四十七条规定，从事危及公路安全的作业的；",
})
OVERLOAD_STATIONS = law("公路超限检测站管理办法", {
    37: "公路超限检测站违反本办法有关规定的，由县级以上人民政府交通运输主管部门责令改正，对负有直接责任的主管人员和其他直接"
        "责任人员依法给予处分，并由省、自治区、直辖市人民政府交通运输主管部门予以通报。",
})
REVIEW = law("中华人民共和国行政复议法", {
    31: "行政复议申请材料不齐全或者表述不清楚，无法判断行政复议申请是否符合本法第三十条第一款规定的，行政复议机关应当自收到申请"
        "之日起五日内书面通知申请人补正。补正通知应当一次性载明需要补正的事项。\n"
        "申请人应当自收到补正通知之日起十日内提交补正材料。有正当理由不能按期补正的，行政复议机关可以延长合理的补正期限。"
        "无正当理由逾期不补正的，视为申请人放弃行政复议申请，并记录在案。",
})

WORKERS = law("道路运输从业人员管理规定", {
    47: "违反本规定，有下列行为之一的人员，由设区的市级交通运输主管部门处5万元以上10万元以下的罚款：\n"
        "（一）未取得相应从业资格证件，从事道路危险货物运输活动的；\n"
        "（二）使用失效、伪造、变造的从业资格证件，从事道路危险货物运输活动的；\n"
        "（三）超越从业资格证件核定范围，从事道路危险货物运输活动的。",
})
COMPENSATION = law("中华人民共和国国家赔偿法", {
    13: "赔偿义务机关应当自收到申请之日起两个月内，作出是否赔偿的决定，赔偿义务机关作出赔偿决定，应当充分听取赔偿请求人的意见，"
        "并可以与赔偿请求人就赔偿方式、赔偿项目和赔偿数额依照本法第四章的规定进行协商。\n"
        "赔偿义务机关决定赔偿的，应当制作赔偿决定书，并自作出决定之日起十日内送达赔偿请求人。\n"
        "赔偿义务机关决定不予赔偿的，应当自作出决定之日起十日内书面通知赔偿请求人，并说明不予赔偿的理由。",
})
TRANSPORT_REVIEW = law("交通运输行政复议规定", {
    11: "交通运输行政复议机关收到交通运输行政复议申请后，应当在五日内进行审查。对符合《行政复议法》规定的行政复议申请，应当决定"
        "予以受理，并制作《交通运输行政复议申请受理通知书》（见附件2）送达申请人、被申请人。",
})


@pytest.fixture(scope="module")
def index() -> ArticleIndex:
    return index_of(DANGEROUS_GOODS, ROAD_SAFETY, ROAD_TRANSPORT, HIGHWAY, OVERLOAD_STATIONS, REVIEW, COMPENSATION,
                    TRANSPORT_REVIEW, WORKERS)


def article(index: ArticleIndex, title: str, number: int):  # type: ignore[no-untyped-def]
    return next(a for a in index.of_law(title) if a.unit.number == number)


def items(art, index: ArticleIndex, seeds: int = 4) -> list[Question]:  # type: ignore[no-untyped-def]
    out: list[Question] = []
    for seed in range(seeds):
        ctx = Context(index, random.Random(seed))
        true, false = judge_situations(art, ctx)
        out += single_situations(art, ctx) + multi_situations(art, ctx) + blank_situations(art, ctx) + true + false
    return out


def assert_proved_and_flips_refused(qs: list[Question], index: ArticleIndex) -> None:
    """Candidates the checks pass (generate drops the others), at least one, and none with its key changed."""
    proved = [q for q in qs if check_question(q, index) == []]
    assert proved, [check_question(q, index) for q in qs]
    for q in proved:
        if q.type == "judge":
            assert check_question(replace(q, answer=not q.answer), index), q.stem
        elif q.type == "single":
            wrong = next(letter for letter in q.options if letter != q.answer)
            assert check_question(replace(q, answer=wrong), index), (q.stem, q.options[wrong])


def test_authority_first_rules_read_the_authority_the_party_and_the_conduct(index: ArticleIndex) -> None:
    (rule,) = rules(article(index, "危险货物道路运输安全管理办法", 56).body)
    assert (rule.authority, rule.subject) == ("交通运输主管部门", "危险货物承运人")
    assert rule.conducts == ("未对从业人员进行安全教育和培训",)
    assert rule.consequence == "责令限期改正，可以处5万元以下的罚款"
    (listed,) = rules(article(index, "危险货物道路运输安全管理办法", 61).body)
    assert (listed.authority, listed.subject) == ("交通运输主管部门", "危险货物道路运输车辆驾驶人")
    assert "未按照规定随车携带危险货物运单、安全卡" in listed.conducts
    (police,) = rules(article(index, "危险货物道路运输安全管理办法", 69).body)
    assert police.authority == "公安机关" and police.conducts == ("通过道路运输危险化学品不配备押运人员",)


@pytest.mark.parametrize("number", [56, 61, 69])
def test_authority_first_cases_prove_their_keys(index: ArticleIndex, number: int) -> None:
    art = article(index, "危险货物道路运输安全管理办法", number)
    qs = items(art, index)
    assert_proved_and_flips_refused(qs, index)
    assert any("危险货物" in q.stem.split("根据《")[0] for q in qs), "the case names the party of the article"


def test_a_fine_split_by_kind_of_cargo_is_one_rule_per_kind(index: ArticleIndex) -> None:
    art = article(index, "危险货物道路运输安全管理办法", 72)
    by_kind = {r.conducts[0]: r for r in rules(art.body)}
    rule = by_kind["运输烟花爆竹的车辆未依照批准路线等行驶"]
    assert (rule.authority, rule.consequence) == ("公安机关", "处200元以上2000元以下的罚款")
    assert len(by_kind) == 4 and "处5万元以上20万元以下的罚款" in rule.exclusive
    qs = items(art, index)
    assert_proved_and_flips_refused(qs, index)
    fine_items = [q for q in qs if q.generator == "single.situation.consequence" and check_question(q, index) == []]
    assert fine_items
    for q in fine_items:  # another kind's fine is offered, and is refused as the key
        kind = next(k for k in by_kind if k in q.stem)
        assert q.options[str(q.answer)] == by_kind[kind].consequence
        assert set(q.options.values()) & set(by_kind[kind].exclusive)


def test_a_list_whose_party_follows_it(index: ArticleIndex) -> None:
    (rule,) = rules(article(index, "道路运输从业人员管理规定", 47).body)  # 有下列行为之一的人员，由…
    assert rule.subject == "人员" and "未取得相应从业资格证件，从事道路危险货物运输活动" in rule.conducts
    qs = items(article(index, "道路运输从业人员管理规定", 47), index)
    assert_proved_and_flips_refused(qs, index)
    assert all("当事人王某" in q.stem for q in qs), "a person, not a company"


def test_a_rule_that_points_at_an_article_reads_the_conduct_it_forbids(index: ArticleIndex) -> None:
    forbidden = article(index, "公路安全保护条例", 22).body
    assert ("", "利用公路桥梁进行牵拉、吊装等危及公路桥梁安全的施工作业") in referenced_conducts(forbidden)
    art = article(index, "公路安全保护条例", 59)
    assert rules(art.body) == [], "without the article it points at, no conduct"
    (rule,) = rules(art.body, {22: forbidden})
    assert rule.cited == (22,) and rule.authority == "公路管理机构"
    assert "利用公路桥梁进行牵拉、吊装等危及公路桥梁安全的施工作业" in rule.conducts
    # 第二十条 (禁止在…下列范围内采砂：) lists places, not conducts: 第五十八条 gives no case
    assert penalty_rules(article(index, "公路安全保护条例", 58), Context(index, random.Random(0))) == []


def test_cases_read_by_reference_cite_both_articles_and_need_both(index: ArticleIndex) -> None:
    art = article(index, "公路安全保护条例", 59)
    qs = items(art, index)
    assert_proved_and_flips_refused(qs, index)
    for q in qs:
        assert [c.article for c in q.sources] == [59, 22]
        assert check_question(replace(q, sources=q.sources[:1]), index), "the conduct is not in 第五十九条 alone"


def test_a_conduct_is_told_of_one_party_or_one_alternative(index: ArticleIndex) -> None:
    assert one_party("客运经营者、货运经营者、道路运输相关业务经营者非法转让、出租道路运输许可证件") == (
        "客运经营者非法转让、出租道路运输许可证件")
    assert one_party("道路危险货物运输企业或者单位不按照规定随车携带《道路运输证》") == (
        "道路危险货物运输企业不按照规定随车携带《道路运输证》")
    assert one_party("未经批准擅自施工") == ""
    assert alternatives("道路运输站（场）经营者擅自改变道路运输站（场）的用途和服务功能，或者不公布运输线路、票价") == [
        "道路运输站（场）经营者擅自改变道路运输站（场）的用途和服务功能", "道路运输站（场）经营者不公布运输线路、票价"]
    assert alternatives("对重大危险源未登记建档，未进行定期检测、评估、监控，未制定应急预案，或者未告知应急措施") == [
        "对重大危险源未登记建档，未进行定期检测、评估、监控，未制定应急预案", "对重大危险源未告知应急措施"]
    assert alternatives("客运经营者强行招揽旅客，货运经营者强行招揽货物") == ["客运经营者强行招揽旅客", "货运经营者强行招揽货物"]
    assert alternatives("未取得相应从业资格证件，驾驶道路客运车辆") == [], "one act in two parts, not alternatives"
    (rule,) = rules(article(index, "中华人民共和国道路运输条例", 66).body)
    assert "客运经营者非法转让、出租道路运输许可证件" in rule.conducts
    qs = items(article(index, "中华人民共和国道路运输条例", 66), index)
    assert_proved_and_flips_refused(qs, index)
    assert any("某客运经营者非法转让" in q.stem for q in qs)


def test_a_partys_conduct_may_name_an_agency_but_an_agency_is_no_party(index: ArticleIndex) -> None:
    (rule,) = rules(article(index, "中华人民共和国公路法", 75).body)
    assert rule.conducts == ("未经有关交通主管部门批准擅自施工",) and rule.authority == "交通主管部门"
    assert_proved_and_flips_refused(items(article(index, "中华人民共和国公路法", 75), index), index)
    assert rules(article(index, "公路超限检测站管理办法", 37).body) == [], "公路超限检测站 alone is no conduct"


@pytest.mark.parametrize(("title", "number", "told"), [
    ("中华人民共和国国家赔偿法", 13, "赔偿义务机关决定不予赔偿，于作出决定之日起第"),  # <trigger>的，应当自…
    ("交通运输行政复议规定", 11, "交通运输行政复议机关于收到交通运输行政复议申请后第"),  # <actor>收到…后，应当在五日内…
])
def test_deadlines_as_cases(index: ArticleIndex, title: str, number: int, told: str) -> None:
    art = article(index, title, number)
    assert deadlines(art.body)
    true, false = judge_deadline_situations(art, Context(index, random.Random(1)))
    assert true and false
    for q in true + false:
        assert told in q.stem and q.stem.endswith("这一做法符合法定期限。"), q.stem
        assert check_question(q, index) == [], q.stem
        assert check_question(replace(q, answer=not q.answer), index)
    judged = TrueFalse().from_article(art, Context(index, random.Random(0)))
    assert judged and all(q.generator == "judge.situation.deadline" for q in judged)


def test_a_deadline_that_may_be_extended_asks_only_days_inside_it(index: ArticleIndex) -> None:
    art = article(index, "中华人民共和国行政复议法", 31)  # …可以延长合理的补正期限
    (deadline,) = deadlines(art.body)
    assert (deadline.actor, deadline.event, deadline.limit.text, deadline.action) == (
        "申请人", "收到补正通知", "十日", "提交补正材料")
    true, false = judge_deadline_situations(art, Context(index, random.Random(1)))
    assert true and not false
    q = true[0]
    assert "申请人于收到补正通知之日起第" in q.stem and check_question(q, index) == []
    late = q.stem.replace("之日起第" + q.stem.split("之日起第")[1].split("日")[0], "之日起第十五")
    assert check_question(replace(q, stem=late, answer=False), index), "late, but the limit may be extended"
    edge = q.stem.replace("之日起第" + q.stem.split("之日起第")[1].split("日")[0], "之日起第十")
    assert check_question(replace(q, stem=edge), index), "the last day itself is left to counting rules"


def test_acts_listed_or_joined_by_huozhe_are_each_a_case() -> None:
    assert alternatives("机动车维修经营者使用假冒伪劣配件维修机动车，承修已报废的机动车或者擅自改装机动车") == [
        "机动车维修经营者使用假冒伪劣配件维修机动车", "机动车维修经营者承修已报废的机动车", "机动车维修经营者擅自改装机动车"]
    assert alternatives("货运经营者强行招揽货物或者没有采取必要措施防止货物脱落、扬撒") == [
        "货运经营者强行招揽货物", "货运经营者没有采取必要措施防止货物脱落、扬撒"]
    assert alternatives("水路运输经营者未经国务院交通运输主管部门许可或者超越许可范围使用外国籍船舶经营水路运输业务") == [], (
        "未经…许可 is a condition of the act, not an act")


def test_an_agencys_act_is_no_case_and_a_compound_authority_is_not_swapped() -> None:
    approving = ("违反本条例的规定，擅自批准收费公路建设、收费站、收费期限、车辆通行费收费标准或者收费公路权益转让的，由省、自治区、"
                 "直辖市人民政府责令改正，并处五万元以下的罚款。")
    assert rules(approving) == []
    city = law("城市公共交通条例", {
        48: "城市公共交通企业未经城市人民政府同意终止运营服务的，由城市人民政府城市公共交通主管部门责令改正，处5万元以上10万元以下的罚款。",
    })
    index = index_of(city)
    art = index.of_law("城市公共交通条例")[0]
    (rule,) = rules(art.body)
    assert rule.authority == "城市人民政府城市公共交通主管部门"
    qs = items(art, index)
    assert qs and not any(q.generator == "single.situation.authority" for q in qs), "城市公共市场监督管理部门 is no name"
    for q in qs:
        assert "城市公共市场" not in q.stem and "城市公共公安" not in q.stem


def test_no_nonsense_period_among_the_options_and_no_penalty_asked_of_a_measure() -> None:
    accidents = law("生产安全事故报告和调查处理条例", {
        35: "事故发生单位主要负责人有下列行为之一的，处上一年年收入40%至80%的罚款；属于国家工作人员的，并依法给予处分；"
            "构成犯罪的，依法追究刑事责任：\n(一)不立即组织事故抢救的；\n(二)迟报或者漏报事故的；\n(三)在事故调查处理期间擅离职守的。",
    })
    sea = law("中华人民共和国海上交通安全法", {
        91: "船舶、海上设施对港口安全具有威胁的，海事管理机构应当责令立即或者限期改正、限制操作，责令驶往指定地点、禁止进港或者"
            "将其驱逐出港。",
    })
    index = index_of(accidents, sea)
    qs = items(index.of_law("生产安全事故报告和调查处理条例")[0], index, seeds=8)
    assert qs
    for q in qs:
        texts = [q.stem, *q.options.values()]
        assert not any(re.search(r"上(?!一年)[^，；、]{1,3}年年收入", t) for t in texts), q.options
    measures = items(index.of_law("中华人民共和国海上交通安全法")[0], index)
    assert not any(q.generator == "single.situation.authority" for q in measures), "责令驶往指定地点 is no 处罚"
