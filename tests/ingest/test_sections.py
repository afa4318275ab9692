from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sections import (
    drop_title_repeats,
    han_only,
    is_furniture,
    join_broken_lines,
    parse_division,
    parse_sections,
    split_signature,
    starts_section,
    strip_page_furniture,
)
from ingest.structure import parse_document
from ingest.text import LoadedText
from kb.models import Level, Unit

EN = "\u2002"

# A scraped government page in the shape of the seed document: portal furniture, a field block with en spaces,
# the title broken over two lines, lost characters (2023—2025 → 20232025, the date → 202419), lines broken in
# mid-sentence and headings run into the previous paragraph.
SCRAPED = f"""示例政务网 2024年1月9日星期二

简体| 繁体 无障碍 长者模式

名{EN}{EN}称{EN}:
示例市交通运输委员会关于印发提升示例执法质量行动计划 (2023—2025年)的通知
索{EN}引{EN}号{EN}:
1112000030045280XK/2024-00087
发{EN}布{EN}机{EN}构{EN}:
示例市交通运输委员会
发{EN}文{EN}字{EN}号{EN}:
示交发〔2024〕3号
成{EN}文{EN}日{EN}期{EN}:
发{EN}文{EN}日{EN}期{EN}:




示例市交通运输委员会关于印发提升示例执法质量行动计划

20232025的通知


各区交通运输管理部门,委属相关处室和单位

现将《提升示例执法质量行动计划(20232025》印发给你们,请认真组织实施。

202419

(此件主动公开)

提升示例执法质量行动计划(20232025

为全面提升本市示例执法质量和效能,不断增强执法队伍素质能力,结合行业实际,制定本计划

一、总体要求

以习近平新时代中国特色社会主义思想为指导,坚持问题导向,着力转变执法观念,优化执法方式,规范执法行为,力争通过三年的努力,使执法突出问题得到有效整治。

二、主要任务

(一)提升执法人员能力素质

1.强化政治理论学习。按年度制定执法人员学习教育计划,组织开展全覆盖学习培训,不断提高执法人员政治判断力。(责任部门:各级执法单位;完成时限:2024年底前)

2.组织开展全员轮训。制定全体执法人员轮训工作方案,到20246底前,对本单位全体执法人员进行轮训,轮训结束后及时组织考核

验收。(责任部门:各级执法单位;完成时限:20246底前)3.健全培训工作机制。每年至少举办1次法治专题讲座、知识竞赛、旁听庭审和模拟执法,确保每名执法人员每年接受培训不少于60学时。(责任部门:各级执法单位)(二)推进严格规范公正文明执法4.开展专项整治。聚焦人民群众反映强烈的运动式执法、一刀切执法等问题,深入开展专项整治,梳理形成突出问题清单。(责任部门:委法规处)三、工作要求(一)加强组织领导。各级执法单位要高度重视,及时部署安排,统筹协调推进,研究制定年度工作计划,明确方法步骤和工作重点。(二)加强跟踪督导。各责任部门要严格按照时间节点要求逐项推进落实到位,并根据完成情况梳理总结工作动态,定期报送委法规处。



| 政策解读
| 相关政策
"""

FURNITURE = (
    "政务网",
    "简体",
    "无障碍",
    "索",
    "1112000030045280XK",
    "202419",
    "此件主动公开",
    "政策解读",
    "相关政策",
)


@pytest.fixture(scope="module")
def scraped() -> list[Unit]:
    return list(parse_document(LoadedText(Path("scraped.txt"), SCRAPED, "text")).units)


def test_scraped_page_metadata() -> None:
    meta = parse_document(LoadedText(Path("scraped.txt"), SCRAPED, "text")).meta
    assert meta.title == "示例市交通运输委员会关于印发提升示例执法质量行动计划(2023—2025年)的通知"
    assert meta.issuing_body == "示例市交通运输委员会"
    assert meta.doc_number == "示交发〔2024〕3号"
    assert meta.level is Level.NORMATIVE
    assert meta.version_date is None


def test_scraped_page_sections(scraped: list[Unit]) -> None:
    assert [u.label for u in scraped] == [
        "前言",
        "一、",
        "二、（一）1.",
        "二、（一）2.",
        "二、（一）3.",
        "二、（二）4.",
        "三、（一）",
        "三、（二）",
    ]
    assert [u.title for u in scraped[1:4]] == ["总体要求", "强化政治理论学习", "组织开展全员轮训"]
    assert scraped[2].heading_path == ("二、主要任务", "（一）提升执法人员能力素质")
    assert scraped[5].heading_path == ("二、主要任务", "（二）推进严格规范公正文明执法")
    assert scraped[6].heading_path == ("三、工作要求",)
    assert [u.ordinal for u in scraped] == list(range(len(scraped)))
    assert [u.number for u in scraped] == list(range(1, len(scraped) + 1))
    assert all(u.kind == "section" for u in scraped)


def test_scraped_page_text_is_repaired(scraped: list[Unit]) -> None:
    assert scraped[3].text == (
        "2.组织开展全员轮训。制定全体执法人员轮训工作方案,到20246底前,对本单位全体执法人员进行轮训,"
        "轮训结束后及时组织考核验收。(责任部门:各级执法单位;完成时限:20246底前)"
    )
    assert scraped[4].text.startswith("3.健全培训工作机制。") and scraped[4].text.endswith(
        "(责任部门:各级执法单位)"
    )
    assert scraped[0].text.splitlines() == [
        "各区交通运输管理部门,委属相关处室和单位",
        "现将《提升示例执法质量行动计划(20232025》印发给你们,请认真组织实施。",
        "为全面提升本市示例执法质量和效能,不断增强执法队伍素质能力,结合行业实际,制定本计划",
    ]


def test_scraped_page_furniture_is_dropped(scraped: list[Unit]) -> None:
    text = "\n".join(u.text for u in scraped)
    for furniture in FURNITURE:
        assert furniture not in text
    assert "20232025的通知" not in text


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("天津政务网 2019年12月3日星期二", True),
        ("简体| 繁体 无障碍 长者模式", True),
        ("【打印】 【关闭】", True),
        ("分享到：微信 微博", True),
        ("来源：天津市交通运输委员会", True),
        ("— 3 —", True),
        ("第2页 共5页", True),
        ("(此件主动公开)", True),
        ("2018年12月5日", False),
        ("国务院办公厅", False),
        ("一、总体要求", False),
        ("（三）关闭违规网站", False),
    ],
)
def test_is_furniture(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


def test_page_fields() -> None:
    lines = [
        "名 称：示例通知",
        "发文日期：",
        "示例局关于做好示例工作的通知",
        "发布机构:",
        "示例局",
        "正文第一段。",
    ]
    kept, fields = strip_page_furniture(lines)
    assert fields == {"title": "示例通知", "issuing_body": "示例局"}
    assert kept == ["示例局关于做好示例工作的通知", "正文第一段。"]


def test_drop_title_repeats() -> None:
    title = "示例局关于印发提升执法质量三年行动计划(2023—2025年)的通知"
    lines = [
        "示例局关于印发提升执法质量三年行动计划",
        "20232025的通知",
        "各有关单位：",
        "提升执法质量三年行动计划(20232025",
        "正文。",
    ]
    assert drop_title_repeats(lines, title) == ["各有关单位：", "正文。"]


def test_join_broken_lines() -> None:
    lines = [
        "一、总体要求",
        "以习近平新时代中国特色社会主义思想为指导，坚持",
        "问题导向。",
        "二、主要任务",
        "（一）提升能力",
    ]
    assert join_broken_lines(lines, starts_section) == [
        "一、总体要求以习近平新时代中国特色社会主义思想为指导，坚持问题导向。",
        "二、主要任务",
        "（一）提升能力",
    ]
    closes = {"一、总体要求"}.__contains__
    assert join_broken_lines(lines, starts_section, closes)[:2] == [
        "一、总体要求",
        "以习近平新时代中国特色社会主义思想为指导，坚持问题导向。",
    ]


def test_split_signature() -> None:
    body = ["正文。", "国务院办公厅", "2018年12月5日"]
    assert split_signature(body) == (["正文。"], ["国务院办公厅", "2018年12月5日"])
    assert split_signature(["正文。", "本意见自2018年12月5日起施行。"]) == (
        ["正文。", "本意见自2018年12月5日起施行。"],
        [],
    )


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("第一章 总则", "第一章 总则"),
        ("第一章　总　则", "第一章 总则"),
        ("第3节 一般规定", "第三节 一般规定"),
        ("附　则", "附则"),
        ("第一章规定的事项，依照本法执行。", None),
        ("第二章中的规定", None),
    ],
)
def test_parse_division(line: str, heading: str | None) -> None:
    division = parse_division(line)
    assert (division.heading if division else None) == heading


LONG_PARAGRAPH = "各级交通运输执法单位要加强执法人员培训，提高执法能力和水平，确保执法行为规范有序。" * 12


def test_long_sections_are_split_at_paragraphs() -> None:
    lines = ["一、总体要求", *[LONG_PARAGRAPH] * 5, "二、主要任务", "（一）加强培训。" + LONG_PARAGRAPH]
    units = parse_sections(lines)
    assert all(len(u.text) <= 1500 for u in units)
    first_section = [u for u in units if u.label == "一、"]
    assert [u.text.count(LONG_PARAGRAPH) for u in first_section] == [3, 2]
    assert all(u.text.startswith("一、总体要求") for u in first_section)
    assert units[-1].label == "二、（一）" and units[-1].title == "加强培训"


def test_a_huge_paragraph_is_split_at_sentences() -> None:
    units = parse_sections(["一、总体要求", LONG_PARAGRAPH * 4])
    assert len(units) == 2
    assert all(len(u.text) <= 1500 and u.text.endswith("。") for u in units)
    assert "".join(u.text.removeprefix("一、总体要求\n") for u in units) == LONG_PARAGRAPH * 4


def test_small_sections_are_merged_and_no_text_is_lost() -> None:
    lines = [
        "一、处罚的种类",
        "行政处罚的种类包括下列几种，各级交通运输执法单位应当依法适用，不得擅自增设：",
        "（一）警告；",
        "（二）罚款；",
        "（三）吊销许可证件。",
        "二、工作要求",
        "（一）加强领导。各级交通运输执法单位要高度重视，及时部署安排，统筹协调推进。",
        "（二）加强督导。各责任部门要严格按照时间节点要求逐项推进落实到位。",
    ]
    units = parse_sections(lines)
    assert all(len(u.text) >= 50 for u in units)
    assert [u.label for u in units] == ["一、", "二、（一）"]
    assert units[0].text == "\n".join(lines[:5])
    assert units[1].text == "\n".join(lines[6:])
    assert units[1].heading_path == ("二、工作要求",)
    assert han_only("".join(u.text for u in units)) == han_only("".join(lines[:5] + lines[6:]))


def test_parent_heading_without_body_is_only_a_path() -> None:
    lines = [
        "二、主要任务",
        "（一）提升执法人员能力素质",
        "1.强化政治理论学习。按年度制定执法人员学习教育计划，组织开展全覆盖学习培训，不断提高政治判断力。",
    ]
    (unit,) = parse_sections(lines)
    assert (unit.label, unit.title, unit.heading_path) == (
        "二、（一）1.",
        "强化政治理论学习",
        ("二、主要任务", "（一）提升执法人员能力素质"),
    )
    assert unit.text == lines[2]


def test_chapters_in_an_article_less_document() -> None:
    lines = [
        "第一章 总体要求",
        "一、指导思想",
        "以习近平新时代中国特色社会主义思想为指导，坚持问题导向，着力转变执法观念，规范执法行为。",
    ]
    (unit,) = parse_sections(lines)
    assert (unit.label, unit.heading_path) == ("第一章一、", ("第一章 总体要求",))


def test_text_without_headings_is_one_body() -> None:
    lines = ["各有关单位：", "现将有关事项通知如下，请结合实际认真贯彻执行，执行中遇到的问题请及时反馈。"]
    (unit,) = parse_sections(lines)
    assert (unit.label, unit.title, unit.heading_path) == ("正文", "", ())
    assert unit.text == "\n".join(lines)


def test_seed_document(shared_dir: Path) -> None:
    path = next((shared_dir / "seed").glob("天津市交通运输委员会-提升交通运输行政执法质量三年行动计划*.txt"))
    doc = parse_document(LoadedText(path, path.read_text(encoding="utf-8"), "text", title_hint=path.stem))
    assert (
        doc.meta.title
        == "天津市交通运输委员会关于印发提升交通运输行政执法质量三年行动计划(2023—2025年)的通知"
    )
    assert doc.meta.issuing_body == "天津市交通运输委员会"
    assert doc.meta.doc_number == "津交发〔2024〕"
    assert doc.meta.level is Level.NORMATIVE
    assert doc.kind == "section"
    labels = [u.label for u in doc.units]
    tasks = [label for label in labels if label.startswith("二、")]
    assert [t.rsplit("）", 1)[1] for t in tasks] == [f"{n}." for n in range(1, 34)]
    assert labels[:2] == ["前言", "一、"] and labels[-3:] == ["三、（一）", "三、（二）", "三、（三）"]
    by_label = {u.label: u for u in doc.units}
    assert by_label["二、（三）20."].text.startswith("20.加强行政执法协作。建立健全跨部门")
    assert "全面落实三地域执法协作试点示范各项任务" in by_label["二、（三）20."].text
    assert by_label["二、（四）23."].heading_path == (
        "二、主要任务与举措",
        "（四）加快构建行政执法协调监督工作体系",
    )
    assert by_label["二、（一）6."].title == "健全培训工作机制"
    text = "\n".join(u.text for u in doc.units)
    for furniture in (
        "天津政务网",
        "简体",
        "长者模式",
        "索   引",
        "1112000030045280XK",
        "202419",
        "此件主动公开",
        "政策解读",
    ):
        assert furniture not in text
    assert all(50 <= len(u.text) <= 1500 for u in doc.units)
