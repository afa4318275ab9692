"""应知应会 checklists in Markdown, CSV, DOCX and XLSX → the same items."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.models import Citation
from quiz.checklist.items import ChecklistError, load_checklist, parse_csv, parse_markdown

FIXTURE = Path(__file__).parent / "data" / "应知应会清单-测试.md"

MD = """# 交通运输行政执法人员应知应会清单（样例）

××支队
说明：每项均注明依据条款。

## 一、行政处罚程序

1. 执法人员不得少于两人，法律另有规定的除外；应当出示执法证件。（《中华人民共和国行政处罚法》第四十二条）

问：当事人要求听证的，应当在什么期限内提出？
答：应当在行政机关告知后五日内提出；
行政机关应当在举行听证的七日前通知当事人。
依据：《中华人民共和国行政处罚法》第六十四条

## 二、行政强制

3. 查封、扣押的期限不得超过三十日，须填写《现场笔录》。（《中华人民共和国行政强制法》第二十五条）
"""

CSV = (
    "序号,类别,题型,问题,答案,依据法规,依据条款\r\n"
    "1,行政处罚程序,知识点,,执法人员不得少于两人，法律另有规定的除外；应当出示执法证件。,中华人民共和国行政处罚法,第四十二条\r\n"
    '2,行政处罚程序,问答,当事人要求听证的，应当在什么期限内提出？,"应当在行政机关告知后五日内提出；\n'
    '行政机关应当在举行听证的七日前通知当事人。",中华人民共和国行政处罚法,第六十四条\r\n'
    "3,行政强制,知识点,,查封、扣押的期限不得超过三十日，须填写《现场笔录》。,中华人民共和国行政强制法,第二十五条\r\n"
)


def plain(items):  # type: ignore[no-untyped-def]
    return [(i.number, i.part, i.kind, i.question, i.answer.replace("\n", ""), i.citations) for i in items]


def test_markdown_items() -> None:
    checklist = parse_markdown(MD)
    assert checklist.title == "交通运输行政执法人员应知应会清单（样例）"
    first, qa, third = checklist.items
    assert (first.number, first.part, first.kind, first.question) == (1, "行政处罚程序", "知识点", "")
    assert first.answer == "执法人员不得少于两人，法律另有规定的除外；应当出示执法证件。"
    assert first.citations == (Citation(law="中华人民共和国行政处罚法", article=42),)
    assert (qa.number, qa.kind, qa.question) == (2, "问答", "当事人要求听证的，应当在什么期限内提出？")
    assert qa.answer.startswith("应当在行政机关告知后五日内提出；\n行政机关")
    assert qa.citations == (Citation(law="中华人民共和国行政处罚法", article=64),)
    assert third.citations == (Citation(law="中华人民共和国行政强制法", article=25),)  # not 《现场笔录》
    assert third.part == "行政强制" and third.key.endswith("#3")


def test_csv_gives_the_same_items_as_markdown() -> None:
    assert plain(parse_csv(CSV).items) == plain(parse_markdown(MD).items)


def test_docx_and_xlsx(tmp_path: Path) -> None:
    import docx
    from openpyxl import Workbook

    document = docx.Document()
    for line in MD.splitlines():
        if line.startswith("# "):
            document.add_paragraph(line[2:], style="Title")
        elif line.startswith("## "):
            document.add_paragraph(line[3:], style="Heading 1")
        elif line.strip():
            document.add_paragraph(line)
    document.save(str(tmp_path / "清单.docx"))
    book = Workbook()
    import csv
    import io

    for row in csv.reader(io.StringIO(CSV)):
        book.active.append(row)
    book.save(str(tmp_path / "清单.xlsx"))

    expected = plain(parse_markdown(MD).items)
    assert plain(load_checklist(tmp_path / "清单.docx").items) == expected
    assert plain(load_checklist(tmp_path / "清单.xlsx").items) == expected
    assert load_checklist(tmp_path / "清单.xlsx", title="样例").items[0].key == "样例#1"


def test_unreadable_checklists_raise(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(ChecklistError):
        load_checklist(tmp_path / "a.pdf")
    (tmp_path / "b.csv").write_text("甲,乙\n1,2\n", encoding="utf-8")
    with pytest.raises(ChecklistError):
        load_checklist(tmp_path / "b.csv")


def test_shared_checklist_in_three_forms(shared_dir: Path) -> None:
    folder = shared_dir / "checklist"
    md, csv_, docx_ = (load_checklist(folder / f"应知应会清单.{ext}") for ext in ("md", "csv", "docx"))
    assert len(md.items) == 60
    assert sum(i.kind == "问答" for i in md.items) == 28
    assert [i.number for i in md.items] == list(range(1, 61))
    assert all(len(i.citations) == 1 for i in md.items)
    assert plain(md.items) == plain(csv_.items) == plain(docx_.items)


def test_errors_are_chinese_and_name_the_file_and_row(tmp_path: Path) -> None:
    (tmp_path / "清单.pdf").write_bytes(b"%PDF")
    with pytest.raises(ChecklistError, match=r"^清单\.pdf：不支持的清单格式“\.pdf”"):
        load_checklist(tmp_path / "清单.pdf")
    (tmp_path / "空.md").write_text("# 标题\n\n没有条目的说明文字。\n", encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"^空\.md：没有找到清单条目"):
        load_checklist(tmp_path / "空.md")
    (tmp_path / "表.csv").write_text("甲,乙\n1,2\n", encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"^表\.csv：第 1 行表头中没有“答案”或“要点”列（表头为：甲、乙）"):
        load_checklist(tmp_path / "表.csv")
    (tmp_path / "重复.csv").write_text(
        "序号,答案,依据\n1,甲,《中华人民共和国行政强制法》第九条\n1,乙,《中华人民共和国行政强制法》第十条\n",
        encoding="utf-8",
    )
    with pytest.raises(ChecklistError, match=r"^重复\.csv：第 3 行：序号 1 与第 2 行重复"):
        load_checklist(tmp_path / "重复.csv")
    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ChecklistError, match=r"^坏\.docx：文件已损坏或不是有效的 docx 文件"):
        load_checklist(tmp_path / "坏.docx")
    (tmp_path / "坏.xlsx").write_bytes(b"")
    with pytest.raises(ChecklistError, match=r"^坏\.xlsx：文件已损坏"):
        load_checklist(tmp_path / "坏.xlsx")
    (tmp_path / "乱码.md").write_bytes(b"\xff\xfe\x00\xd8\x00\xdc" * 3)
    with pytest.raises(ChecklistError, match="既不是 UTF-8 也不是 GB18030"):
        load_checklist(tmp_path / "乱码.md")


def test_gbk_markdown_and_numbering_that_restarts_per_part(tmp_path: Path) -> None:
    text = (
        "# 分部编号的清单\n\n## 一、强制\n\n1. 查封、扣押的期限不得超过三十日。（《中华人民共和国行政强制法》第二十五条）\n\n"
        "## 二、处罚\n\n1. 当事人要求听证的，应当在行政机关告知后五日内提出。（《中华人民共和国行政处罚法》第六十四条）\n"
    )
    (tmp_path / "gbk.md").write_bytes(text.encode("gb18030"))
    checklist = load_checklist(tmp_path / "gbk.md")
    assert [(i.number, i.part) for i in checklist.items] == [(1, "强制"), (2, "处罚")]
    assert len({i.key for i in checklist.items}) == 2, "keys stay unique"


def test_the_small_fixture_checklist() -> None:
    checklist = load_checklist(FIXTURE)
    assert checklist.title == "测试支队应知应会清单"
    assert [(i.number, i.kind) for i in checklist.items] == [
        (1, "知识点"), (2, "问答"), (3, "知识点"), (4, "知识点"), (5, "问答"), (6, "知识点"), (7, "知识点")
    ]
    assert checklist.items[6].citations == (Citation(law="交通运输行政执法程序规定", article=4),)
