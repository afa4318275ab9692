from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.structure import match_article, normalised_text, parse_document
from ingest.text import LoadedText
from kb.models import DocumentMeta, Level, ParsedDocument, Unit


def parse(text: str, name: str = "示例法.md", hints: DocumentMeta | None = None) -> ParsedDocument:
    return parse_document(LoadedText(Path(name), text, "markdown"), hints)


def articles(doc: ParsedDocument) -> list[Unit]:
    return [u for u in doc.units if u.kind == "article"]


def by_label(doc: ParsedDocument, label: str) -> Unit:
    return next(u for u in doc.units if u.label == label)


LAW = """中华人民共和国示例法
（2020年1月1日第十三届全国人民代表大会常务委员会第一次会议通过　2021年3月5日第十三届全国人民代表大会常务委员会第二次会议修正）
第一编 总则
第一章 一般规定
第一条 为了示范，制定本法。
第二条 本法所称示例，是指：
（一）甲；
（二）乙，包括：
1.丙；
2．丁；
3、戊；
（三）己。
前款第二项所列的情形除外。
有下列情形之一的，不适用本法：
(一)庚；
(二)辛。
第二章 具体规定
第一节 甲类
第三条 甲类示例适用本节。
第二节 乙类
第四条 乙类示例适用本节。
第二编 分则
第三章 其他规定
第五条 其他事项。
附则
第六条 本法自2021年1月1日起施行。
"""


def test_headings_build_heading_paths() -> None:
    doc = parse(LAW)
    paths = {u.label: u.heading_path for u in doc.units}
    assert paths["第一条"] == ("第一编 总则", "第一章 一般规定")
    assert paths["第三条"] == ("第一编 总则", "第二章 具体规定", "第一节 甲类")
    assert paths["第四条"] == ("第一编 总则", "第二章 具体规定", "第二节 乙类")
    assert paths["第五条"] == ("第二编 分则", "第三章 其他规定")
    assert paths["第六条"] == ("第二编 分则", "附则")


def test_clauses_items_and_subitems() -> None:
    article = by_label(parse(LAW), "第二条")
    assert [c.number for c in article.clauses] == [1, 2, 3]
    first, second, third = article.clauses
    assert first.text == "本法所称示例，是指："
    assert [i.number for i in first.items] == [1, 2, 3]
    assert first.items[1].text == "（二）乙，包括："
    assert first.items[1].subitems == ("1.丙；", "2．丁；", "3、戊；")
    assert second.text == "前款第二项所列的情形除外。" and second.items == ()
    assert [i.text for i in third.items] == ["(一)庚；", "(二)辛。"]


def test_unit_text_is_label_and_clauses() -> None:
    article = by_label(parse(LAW), "第二条")
    assert article.text.startswith("第二条 本法所称示例，是指：\n（一）甲；\n（二）乙，包括：\n1.丙；")
    assert article.text.endswith(
        "前款第二项所列的情形除外。\n有下列情形之一的，不适用本法：\n(一)庚；\n(二)辛。"
    )
    assert article.kind == "article" and article.number == 2 and article.key == "第二条"


def test_ordinals_run_in_document_order() -> None:
    doc = parse(LAW)
    assert [u.ordinal for u in doc.units] == list(range(len(doc.units)))
    assert [u.number for u in doc.units] == [1, 2, 3, 4, 5, 6]
    assert doc.kind == "article"


def test_arabic_and_fullwidth_article_numbers() -> None:
    doc = parse("示例规定\n第1条 第一条内容。\n第２条 第二条内容。\n第33条 跳到第三十三条。\n")
    assert [(u.number, u.label) for u in doc.units] == [(1, "第一条"), (2, "第二条"), (33, "第三十三条")]
    assert by_label(doc, "第三十三条").text == "第三十三条 跳到第三十三条。"


def test_zhi_yi_articles() -> None:
    doc = parse("示例法\n第十条 十。\n第十条之一 十之一。\n第十条之二 十之二。\n第十一条 十一。\n")
    assert [(u.number, u.label) for u in doc.units] == [
        (10, "第十条"),
        (10, "第十条之一"),
        (10, "第十条之二"),
        (11, "第十一条"),
    ]
    assert len({u.key for u in doc.units}) == 4


def test_cross_reference_lines_are_not_headings() -> None:
    text = """示例法
第三十七条 当事人有权陈述。
第三十八条 行政机关应当依照本法
第三十八条规定的程序作出决定，
第五条的规定不受影响。
第三十九条、第四十条规定的情形除外。
第三十九条 下一条。
"""
    doc = parse(text)
    assert [u.label for u in doc.units] == ["第三十七条", "第三十八条", "第三十九条"]
    article = by_label(doc, "第三十八条")
    assert [c.text for c in article.clauses] == [
        "行政机关应当依照本法第三十八条规定的程序作出决定，第五条的规定不受影响。",
        "第三十九条、第四十条规定的情形除外。",
    ]


def test_headings_without_space_must_continue_the_numbering() -> None:
    text = """示例条例
第一条为了规范管理，制定本条例。
第二条本条例适用于全省。
第九条应当适用的情形另行规定。
第三条本条例自公布之日起施行。
"""
    doc = parse(text)
    assert [u.label for u in doc.units] == ["第一条", "第二条", "第三条"]
    assert [c.text for c in by_label(doc, "第二条").clauses] == [
        "本条例适用于全省。",
        "第九条应当适用的情形另行规定。",
    ]
    assert by_label(doc, "第一条").clauses[0].text == "为了规范管理，制定本条例。"


@pytest.mark.parametrize(
    ("line", "prev", "expected"),
    [
        ("第五条 行政处罚遵循公正、公开的原则。", (4, ""), (5, "")),
        ("第五条", (4, ""), (5, "")),
        ("第五条", (7, ""), None),
        ("第三十八条规定…", (37, ""), None),
        ("第三十八条的规定", None, None),
        ("第三十八条第一款", (37, ""), None),
        ("第38条 内容", (37, ""), (38, "")),
        ("第十条之一　内容", (10, ""), (10, "之一")),
        ("第十条之一内容", (10, ""), (10, "之一")),
        ("第十条之一内容", (12, ""), None),
        ("第一章 总则", None, None),
    ],
)
def test_match_article(line: str, prev: tuple[int, str] | None, expected: tuple[int, str] | None) -> None:
    heading = match_article(line, prev)
    assert (None if heading is None else (heading.number, heading.suffix)) == expected


def test_heading_alone_on_its_line() -> None:
    doc = parse("示例法\n第一条\n为了示范，制定本法。\n本法适用于示例。\n第二条\n（一）甲；\n（二）乙。\n")
    first, second = doc.units
    assert [c.text for c in first.clauses] == ["为了示范，制定本法。", "本法适用于示例。"]
    assert first.text == "第一条 为了示范，制定本法。\n本法适用于示例。"
    assert second.clauses[0].text == "" and len(second.clauses[0].items) == 2


def test_fuze_as_chapter_without_space() -> None:
    doc = parse("示例法\n第一章　总　则\n第一条 总则。\n第二章附则\n第二条 附则。\n")
    assert [u.heading_path for u in doc.units] == [("第一章 总则",), ("第二章 附则",)]


def test_toc_block_does_not_create_chapters() -> None:
    text = """中华人民共和国示例法
目　录
第一章 总则（第一条至第二条）
第二章 法律责任
第三章 附则
第一章 总则
第一条 总则内容。
第二条 总则内容。
第二章 法律责任
第三条 责任内容。
"""
    doc = parse(text)
    assert [u.heading_path for u in doc.units] == [("第一章 总则",), ("第一章 总则",), ("第二章 法律责任",)]
    assert doc.meta.title == "中华人民共和国示例法"


def test_markdown_leftovers_are_ignored() -> None:
    markdown = """# 中华人民共和国示例法

2020年1月1日 第十三届全国人民代表大会常务委员会第一次会议通过

<!-- INFO END -->

## 第一章　总则

**第一条**　为了示范，\u200b制定本法。

### 第一节 一般规定

第二条 一般规定。
"""
    clean = """中华人民共和国示例法
2020年1月1日 第十三届全国人民代表大会常务委员会第一次会议通过
第一章　总则
第一条　为了示范，制定本法。
第一节 一般规定
第二条 一般规定。
"""
    md_doc, clean_doc = parse(markdown), parse(clean)
    assert md_doc.units == clean_doc.units
    assert md_doc.meta == clean_doc.meta
    assert md_doc.units[0].text == "第一条 为了示范，制定本法。"
    assert md_doc.units[1].heading_path == ("第一章 总则", "第一节 一般规定")
    assert md_doc.content_hash == clean_doc.content_hash


def test_content_hash_is_sha256_of_normalised_text() -> None:
    text = "示例法\n\n  第一条 内容。  \r\n\r\n第二条 内容。\n"
    expected = hashlib.sha256("示例法\n第一条 内容。\n第二条 内容。".encode()).hexdigest()
    assert normalised_text(text) == "示例法\n第一条 内容。\n第二条 内容。"
    assert parse(text).content_hash == expected


def test_lines_broken_mid_sentence_are_joined() -> None:
    text = """示例规定
第九条 申请人可以委托代理人代为提出交通行政许可
申请，但依法应当由申请人到实施机关办公场所提出行政许可申请的除外。
第十条 有下列情形之一的，
不予受理：
（一）申请事项依法不需要取得行政许可
的；
（二）其他情形。
"""
    doc = parse(text)
    assert [len(u.clauses) for u in doc.units] == [1, 1]
    assert (
        doc.units[0]
        .clauses[0]
        .text.endswith("交通行政许可申请，但依法应当由申请人到实施机关办公场所提出行政许可申请的除外。")
    )
    tenth = doc.units[1].clauses[0]
    assert tenth.text == "有下列情形之一的，不予受理："
    assert [i.text for i in tenth.items] == ["（一）申请事项依法不需要取得行政许可的；", "（二）其他情形。"]


def test_item_styles() -> None:
    text = """示例规定
第一条 包括：
（一）甲类：
（1）甲一；
（2）甲二；
（二）乙类。
第二条 包括：
（1）丙；
（2）丁。
第三条 包括：
1.戊；
2.己。
"""
    doc = parse(text)
    first, second, third = (u.clauses[0] for u in doc.units)
    assert [(i.number, i.subitems) for i in first.items] == [(1, ("（1）甲一；", "（2）甲二；")), (2, ())]
    assert [(i.number, i.text) for i in second.items] == [(1, "（1）丙；"), (2, "（2）丁。")]
    assert [(i.number, i.text) for i in third.items] == [(1, "1.戊；"), (2, "2.己。")]


def test_text_between_chapter_and_article_is_kept_as_section() -> None:
    doc = parse("示例法\n第一章 总则\n本章规定总的原则和适用范围，供理解全法时参考。\n第一条 内容。\n")
    assert [u.kind for u in doc.units] == ["section", "article"]
    assert doc.units[0].label == "第一章 总则"
    assert doc.units[0].text == "本章规定总的原则和适用范围，供理解全法时参考。"
    assert [u.number for u in doc.units] == [1, 1]


def test_appendix_after_the_articles_becomes_sections() -> None:
    text = """示例规定
第一条 内容。
第二条 本规定自发布之日起施行。
附件：示例文书格式
一、文书名称
示例文书的名称应当写明机关全称和文书种类，并在右上角标注编号，编号由年份和序号组成。
"""
    doc = parse(text)
    assert [u.kind for u in doc.units] == ["article", "article", "section"]
    assert doc.units[1].text == "第二条 本规定自发布之日起施行。"
    assert "附件：示例文书格式" in doc.units[2].text


def test_article_less_text_becomes_sections() -> None:
    text = """关于示例工作的通知
各有关单位：
为做好示例工作，进一步规范执法行为，现就有关事项通知如下，请结合本地区本单位实际认真贯彻执行。
一、总体要求
坚持依法行政，规范执法行为，提高执法质量和效率，切实保障当事人的合法权益，推动执法工作高质量发展。
二、工作任务
（一）加强培训。每年组织不少于一次的全员培训，并将培训情况纳入年度考核，考核结果作为评先评优的依据。
"""
    doc = parse(text, "关于示例工作的通知.txt")
    assert doc.kind == "section"
    assert [u.label for u in doc.units] == ["前言", "一、", "二、（一）"]
    assert doc.meta.level is Level.NORMATIVE


def test_a_notice_quoting_an_article_stays_sections() -> None:
    text = """关于做好行政处罚工作的通知
各有关单位：
为做好行政处罚工作，现就有关事项通知如下，请结合本地区本单位实际认真贯彻执行，确保各项要求落到实处。
一、充分认识意义
行政处罚法第五条规定：
第五条 行政处罚遵循公正、公开的原则。
各单位要严格落实上述规定，确保执法行为规范有序，切实保障当事人的合法权益，不断提升执法公信力。
二、工作要求
（一）加强领导。各级交通运输执法单位要高度重视，及时部署安排，统筹协调推进，明确责任分工，确保各项工作按期完成。
"""
    doc = parse(text, "通知.txt")
    assert doc.kind == "section"
    assert [u.label for u in doc.units] == ["前言", "一、", "二、（一）"]
    assert "第五条 行政处罚遵循公正、公开的原则。" in doc.units[1].text


def test_preamble_prose_in_the_header_is_kept() -> None:
    text = "中华人民共和国示例法\n序言\n中国是世界上历史最悠久的国家之一。各族人民共同创造了灿烂的文化。\n第一章 总纲\n第一条 内容。\n"
    doc = parse(text)
    assert [(u.kind, u.label) for u in doc.units] == [("section", "序言"), ("article", "第一条")]
    assert doc.units[0].text == "中国是世界上历史最悠久的国家之一。各族人民共同创造了灿烂的文化。"
    assert doc.meta.title == "中华人民共和国示例法"


def test_empty_text_is_an_error() -> None:
    with pytest.raises(IngestError, match="no text"):
        parse("\n \n<!-- INFO END -->\n")


def test_hints_win_over_inference() -> None:
    hints = DocumentMeta(
        title="示例法（修订版）",
        level=Level.DEPARTMENT_RULE,
        issuing_body="交通运输部",
        version_date=date(2022, 2, 2),
        source="manifest",
    )
    meta = parse(LAW, hints=hints).meta
    assert (meta.title, meta.level, meta.issuing_body, meta.version_date, meta.source) == (
        "示例法（修订版）",
        Level.DEPARTMENT_RULE,
        "交通运输部",
        date(2022, 2, 2),
        "manifest",
    )
    assert len(meta.history) == 2


def test_many_articles_parse_quickly() -> None:
    parts = ["# 性能示例法", "2020年1月1日 第十三届全国人民代表大会常务委员会第一次会议通过"]
    number = 0
    for chapter in range(1, 251):
        parts.append(f"## 第{chapter}章 第{chapter}章")
        for _ in range(100):
            number += 1
            parts += [
                f"第{number}条 第{number}条规定了下列事项：",
                "（一）第一项；",
                "（二）第二项。",
                "违反前款的，依法处理。",
            ]
    text = "\n\n".join(parts)
    start = time.perf_counter()
    doc = parse(text)
    elapsed = time.perf_counter() - start
    assert len(doc.units) == 25_000
    assert doc.units[-1].heading_path == ("第二百五十章 第250章",)
    assert elapsed < 10, f"25k articles took {elapsed:.1f}s"
