from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.manifest import hint_for, read_manifest
from ingest.metadata import (
    DATE_RE,
    extract_metadata,
    filename_date,
    find_dates,
    find_doc_number,
    find_order_number,
    infer_level,
    infer_validity,
    issuer_from_doc_number,
    parse_cn_date,
    parse_history,
    short_title,
)
from kb.models import DocumentMeta, Level, Validity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年1月22日", date(2021, 1, 22)),
        ("２０２１年１月２２日", date(2021, 1, 22)),
        ("二〇二一年一月二十二日", date(2021, 1, 22)),
        ("二○一四年十二月三十一日", date(2014, 12, 31)),
        ("2021 年 1 月 22 日", date(2021, 1, 22)),
        ("2021年2月30日", None),
    ],
)
def test_parse_cn_date(text: str, expected: date | None) -> None:
    match = DATE_RE.search(text)
    assert match is not None
    assert parse_cn_date(match) == expected


def test_find_dates_skips_effective_dates() -> None:
    text = "2014年8月8日天津市人民政府令第9号公布  自2014年10月1日起施行"
    assert find_dates(text) == [date(2014, 8, 8)]
    assert find_dates("2011年7月1日 施行") == []
    assert find_dates("2011年7月1日 施行", skip_effective=False) == [date(2011, 7, 1)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("行政处罚法(2021-01-22).md", date(2021, 1, 22)),
        ("行政处罚法（2021-1-2）.pdf", date(2021, 1, 2)),
        ("提升行动计划(2023—2025).txt", None),
        ("行政处罚法.md", None),
    ],
)
def test_filename_date(name: str, expected: date | None) -> None:
    assert filename_date(name) == expected


def test_history_of_a_one_line_rule_header() -> None:
    line = (
        "(2016年7月27日交通运输部、工业和信息化部、公安部、商务部、工商总局、质检总局、国家网信办发布，"
        "根据2019年12月28日《交通运输部 工业和信息化部 公安部 商务部 市场监管总局 国家网信办关于修改"
        "〈网络预约出租汽车经营服务管理暂行办法〉的决定》第一次修正)"
    )
    entries = parse_history([line])
    assert [e.date for e in entries] == [date(2016, 7, 27), date(2019, 12, 28)]
    assert entries[0].text.startswith("2016年7月27日交通运输部") and entries[0].text.endswith("发布")
    assert entries[1].text.startswith("根据2019年12月28日")
    assert entries[0].issuer == "交通运输部、工业和信息化部、公安部、商务部、工商总局、质检总局、国家网信办"
    assert entries[1].issuer == "交通运输部、工业和信息化部、公安部、商务部、市场监管总局、国家网信办"


@pytest.mark.parametrize(
    ("segment", "issuer"),
    [
        ("2021年1月22日 第十三届全国人民代表大会常务委员会第二十五次会议修订", "全国人民代表大会常务委员会"),
        ("1996年3月17日 第八届全国人民代表大会第四次会议通过", "全国人民代表大会"),
        ("2011年3月7日 中华人民共和国国务院令第593号公布", "国务院"),
        ("2011年2月16日 国务院第144次常务会议通过", "国务院"),
        ("2017年3月1日 《国务院关于修改和废止部分行政法规的决定》第二次修订", "国务院"),
        ("2004年11月22日交通部令第10号公布", "交通部"),
        ("2011年12月26日交通运输部第13号令发布", "交通运输部"),
        ("2019年4月12日交通运输部令2019年第9号公布", "交通运输部"),
        ("根据2016年12月10日交通运输部《关于修改〈路政管理规定〉的决定》修正", "交通运输部"),
        ("2014年8月1日经天津市人民政府第35次常务会议通过", "天津市人民政府"),
        ("2020年7月6日天津市第十七届人民代表大会常务委员会第二十次会议通过", "天津市人民代表大会常务委员会"),
        ("1987年8月22日 国务院发布", "国务院"),
    ],
)
def test_history_issuers(segment: str, issuer: str) -> None:
    (entry,) = parse_history([segment])
    assert entry.issuer == issuer


def test_history_step_broken_after_its_date_is_joined() -> None:
    lines = [
        "（1996年3月17日 第八届全国人民代表大会第四次会议通过",
        "2021年1月22日",
        "第十三届全国人民代表大会常务委员会第二十五次会议修订）",
    ]
    entries = parse_history(lines)
    assert [e.date for e in entries] == [date(1996, 3, 17), date(2021, 1, 22)]
    assert entries[-1].text == "2021年1月22日 第十三届全国人民代表大会常务委员会第二十五次会议修订"
    assert entries[-1].issuer == "全国人民代表大会常务委员会"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("交政法发〔2010〕251号  2010年6月2日", "交政法发〔2010〕251号"),
        ("国办发[2018]118号", "国办发〔2018〕118号"),
        ("津交发〔2024〕", "津交发〔2024〕"),
        ("交运规（2019）3号", "交运规〔2019〕3号"),
        ("2021年1月22日 第十三届全国人民代表大会常务委员会第二十五次会议修订", ""),
    ],
)
def test_find_doc_number(text: str, expected: str) -> None:
    assert find_doc_number(text) == expected


def test_find_order_number() -> None:
    assert find_order_number("(2019年4月12日交通运输部令2019年第9号公布 根据…)") == "交通运输部令2019年第9号"
    assert (
        find_order_number("2011年3月7日 中华人民共和国国务院令第593号公布") == "中华人民共和国国务院令第593号"
    )
    assert find_order_number("2011年2月16日 国务院第144次常务会议通过") == ""


@pytest.mark.parametrize(
    ("doc_number", "issuer"),
    [
        ("交政法发〔2010〕251号", "交通运输部"),
        ("国办发〔2018〕118号", "国务院办公厅"),
        ("国发〔2014〕1号", "国务院"),
        ("交办运〔2020〕1号", "交通运输部办公厅"),
        ("津交发〔2024〕", "天津市交通运输委员会"),
        ("京政发〔2020〕1号", ""),
    ],
)
def test_issuer_from_doc_number(doc_number: str, issuer: str) -> None:
    assert issuer_from_doc_number(doc_number) == issuer


@pytest.mark.parametrize(
    ("title", "history", "doc_number", "issuer", "level"),
    [
        ("中华人民共和国宪法", [], "", "", Level.CONSTITUTION),
        ("中华人民共和国行政处罚法", [], "", "", Level.LAW),
        (
            "全国人民代表大会常务委员会关于修改部分法律的决定",
            ["2009年8月27日 第十一届全国人民代表大会常务委员会通过"],
            "",
            "",
            Level.LAW,
        ),
        ("城市公共交通条例", [], "", "", Level.ADMIN_REGULATION),
        (
            "行政执法机关移送涉嫌犯罪案件的规定",
            ["2001年7月9日 中华人民共和国国务院令第310号公布"],
            "",
            "国务院",
            Level.ADMIN_REGULATION,
        ),
        ("中华人民共和国道路交通安全法实施条例", [], "", "国务院", Level.ADMIN_REGULATION),
        ("路政管理规定", ["2003年1月27日交通部令第2号发布"], "", "交通部", Level.DEPARTMENT_RULE),
        ("网络预约出租汽车经营服务管理暂行办法", [], "", "交通运输部、公安部", Level.DEPARTMENT_RULE),
        ("交通运输部行政许可实施细则", [], "", "", Level.DEPARTMENT_RULE),
        (
            "天津市行政执法监督规定",
            ["2014年8月8日天津市人民政府令第9号公布"],
            "",
            "天津市人民政府",
            Level.LOCAL_GOV_RULE,
        ),
        (
            "天津市道路运输条例",
            ["2020年7月6日天津市人民代表大会常务委员会通过"],
            "",
            "",
            Level.LOCAL_REGULATION,
        ),
        ("关于规范交通运输行政处罚自由裁量权的若干意见", [], "交政法发〔2010〕251号", "", Level.NORMATIVE),
        (
            "天津市交通运输委员会关于印发提升交通运输行政执法质量三年行动计划(2023—2025年)的通知",
            [],
            "",
            "",
            Level.NORMATIVE,
        ),
        ("交通运输行政执法三年行动方案", [], "", "", Level.NORMATIVE),
        ("道路运输车辆管理办法", [], "交运规〔2019〕3号", "交通运输部", Level.NORMATIVE),
        ("学习笔记", [], "", "", Level.OTHER),
    ],
)
def test_infer_level(title: str, history: list[str], doc_number: str, issuer: str, level: Level) -> None:
    assert infer_level(title, history, doc_number, issuer) is level


@pytest.mark.parametrize(
    ("texts", "validity"),
    [
        (["2011年1月8日 《国务院关于废止和修改部分行政法规的决定》第一次修订"], Validity.CURRENT),
        (["示例规定（已废止）"], Validity.REPEALED),
        (["【失效】"], Validity.REPEALED),
        (["时效性：已被修改"], Validity.AMENDED),
        (["本规定尚未生效"], Validity.NOT_YET),
    ],
)
def test_infer_validity(texts: list[str], validity: Validity) -> None:
    assert infer_validity(texts) is validity


def test_short_title() -> None:
    assert short_title("中华人民共和国行政处罚法") == "行政处罚法"
    assert short_title("公路安全保护条例") == "公路安全保护条例"


def test_metadata_of_a_law() -> None:
    header = [
        "中华人民共和国行政处罚法",
        "1996年3月17日 第八届全国人民代表大会第四次会议通过",
        "2021年1月22日 第十三届全国人民代表大会常务委员会第二十五次会议修订",
    ]
    meta = extract_metadata(header, path=Path("法律/行政处罚法(2021-01-22).md"))
    assert meta.title == "中华人民共和国行政处罚法"
    assert meta.short_title == "行政处罚法"
    assert meta.level is Level.LAW
    assert meta.issuing_body == "全国人民代表大会常务委员会"
    assert meta.version_date == date(2021, 1, 22)
    assert meta.validity is Validity.CURRENT
    assert meta.history == tuple(header[1:])
    assert meta.source == "法律/行政处罚法(2021-01-22).md"


def test_metadata_of_a_ministry_rule() -> None:
    header = [
        "交通运输行政执法程序规定",
        "(2019年4月12日交通运输部令2019年第9号公布 根据2021年6月30日《交通运输部关于修改〈交通运输行政执法程序规定〉的决定》修正)",
    ]
    meta = extract_metadata(header)
    assert (meta.level, meta.issuing_body, meta.version_date) == (
        Level.DEPARTMENT_RULE,
        "交通运输部",
        date(2021, 6, 30),
    )
    assert meta.doc_number == "交通运输部令2019年第9号"
    assert len(meta.history) == 2


def test_metadata_of_a_local_government_rule() -> None:
    header = [
        "天津市行政执法监督规定",
        "（2014年8月1日经天津市人民政府第35次常务会议通过  2014年8月8日天津市人民政府令第9号公布  自2014年10月1日起施行）",
    ]
    meta = extract_metadata(header)
    assert (meta.level, meta.issuing_body, meta.version_date) == (
        Level.LOCAL_GOV_RULE,
        "天津市人民政府",
        date(2014, 8, 8),
    )
    assert meta.history == (
        "2014年8月1日经天津市人民政府第35次常务会议通过",
        "2014年8月8日天津市人民政府令第9号公布",
    )


def test_metadata_of_a_normative_document() -> None:
    meta = extract_metadata(
        ["关于规范交通运输行政处罚自由裁量权的若干意见", "交政法发〔2010〕251号  2010年6月2日"]
    )
    assert (meta.level, meta.issuing_body, meta.doc_number, meta.version_date) == (
        Level.NORMATIVE,
        "交通运输部",
        "交政法发〔2010〕251号",
        date(2010, 6, 2),
    )


def test_signature_gives_date_and_issuer_when_the_header_does_not() -> None:
    meta = extract_metadata(["关于做好示例工作的通知"], signature=["天津市交通运输委员会", "2024年1月9日"])
    assert (meta.issuing_body, meta.version_date) == ("天津市交通运输委员会", date(2024, 1, 9))


def test_page_fields_win_over_the_text() -> None:
    fields = {
        "title": "示例局关于印发示例方案 (2023—2025年)的通知",
        "issuing_body": "示例局",
        "doc_number": "示发〔2024〕3号",
    }
    meta = extract_metadata(["示例方案"], fields=fields)
    assert meta.title == "示例局关于印发示例方案(2023—2025年)的通知"
    assert (meta.issuing_body, meta.doc_number, meta.level) == ("示例局", "示发〔2024〕3号", Level.NORMATIVE)


@pytest.mark.parametrize(
    ("value", "validity"),
    [("有效", Validity.CURRENT), ("失效", Validity.REPEALED), ("已被修改", Validity.AMENDED)],
)
def test_validity_page_field(value: str, validity: Validity) -> None:
    assert extract_metadata(["示例规定"], fields={"validity": value}).validity is validity


def test_filename_date_when_the_history_is_incomplete() -> None:
    header = ["中华人民共和国道路交通安全法实施条例", "2004年4月30日 中华人民共和国国务院令第405号公布"]
    assert extract_metadata(header).version_date == date(2004, 4, 30)
    named = extract_metadata(header, path=Path("道路交通安全法实施条例(2017-10-07).md"))
    assert named.version_date == date(2017, 10, 7)


def test_title_from_hint_or_file_name() -> None:
    assert extract_metadata([], title_hint="公路法(2017-11-04)").title == "公路法"
    assert extract_metadata([], path=Path("城市公共交通条例(2024-10-17).md")).title == "城市公共交通条例"
    meta = extract_metadata(["2004年4月30日 中华人民共和国国务院令第406号公布"], title_hint="道路运输条例")
    assert meta.title == "道路运输条例"


def test_order_lines_are_not_titles() -> None:
    header = [
        "中华人民共和国主席令",
        "第七十号",
        "中华人民共和国示例法",
        "2021年1月1日 第十三届全国人民代表大会常务委员会通过",
    ]
    assert extract_metadata(header).title == "中华人民共和国示例法"


def test_hints_win_field_by_field() -> None:
    hints = DocumentMeta(title="", issuing_body="交通运输部", version_date=date(2020, 1, 1))
    meta = extract_metadata(
        ["中华人民共和国示例法", "2019年1月1日 第十三届全国人民代表大会常务委员会第七次会议通过"], hints=hints
    )
    assert meta.title == "中华人民共和国示例法"
    assert meta.level is Level.LAW
    assert (meta.issuing_body, meta.version_date) == ("交通运输部", date(2020, 1, 1))


MANIFEST = (
    "file\ttitle\tkind\tissuing_body\tversion_date\tsource\tarticles\n"
    "法律/行政处罚法(2021-01-22).md\t中华人民共和国行政处罚法\t法律\t全国人民代表大会常务委员会\t2021-01-22\trepo@1:a.md\t86\n"
    "规范性文件/意见.md\t关于…的意见\t规范性文件\t\t\t\t0\n"
)


def test_read_manifest(tmp_path: Path) -> None:
    (tmp_path / "MANIFEST.tsv").write_text(MANIFEST, encoding="utf-8")
    hints = read_manifest(tmp_path)
    assert hints == read_manifest(tmp_path / "MANIFEST.tsv")
    law = hints["法律/行政处罚法(2021-01-22).md"]
    assert law == DocumentMeta(
        title="中华人民共和国行政处罚法",
        level=Level.LAW,
        issuing_body="全国人民代表大会常务委员会",
        version_date=date(2021, 1, 22),
        source="repo@1:a.md",
    )
    opinion = hints["规范性文件/意见.md"]
    assert (opinion.level, opinion.issuing_body, opinion.version_date) == (Level.NORMATIVE, "", None)
    assert hint_for(hints, tmp_path, tmp_path / "法律" / "行政处罚法(2021-01-22).md") == law
    assert hint_for(hints, tmp_path, tmp_path / "其他.md") is None


def test_missing_manifest_gives_no_hints(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) == {}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("title\tkind\nX\t法律\n", "no 'file' column"),
        ("file\tkind\na.md\t法规\n", "unknown kind"),
        ("file\tversion_date\na.md\t2021/01/22\n", "YYYY-MM-DD"),
    ],
)
def test_malformed_manifest(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / "MANIFEST.tsv").write_text(content, encoding="utf-8")
    with pytest.raises(IngestError, match=reason):
        read_manifest(tmp_path)
