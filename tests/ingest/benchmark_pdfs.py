"""Discretion benchmarks published as PDF tables (text layer), drawn with fpdf2 from the same real penalty articles
as the XLSX and DOCX test benchmarks (:mod:`tests.benchmark_tables`):

- layout P1 (:func:`write_two_row_header_pdf`): a title, the issuer and date above a landscape table whose header
  stands over two rows (法律依据 over 违反条款/处罚依据) and whose violation and articles are merged down over
  their steps — the XLSX layout A drawn as a PDF;
- layout P2 (:func:`write_long_pdf`): a portrait table in other column spellings running over several pages, its
  header repeated on each, a violation's merged cells cut by a page break, a note line below.

Each writer returns the rows it drew as ``(violation, violated, basis, step, conditions, penalty)``.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from tests.benchmark_tables import DOCX_ROWS, ROAD_ROWS, SHEETS_B
from tests.ingest.make_files import find_cjk_font

TITLE_P1 = "滨海市交通运输行政处罚裁量基准（路政，PDF版）"
ISSUER_P1 = "滨海市交通运输委员会"
TITLE_P2 = "江河市交通运输综合行政执法裁量基准"
ISSUER_P2 = "江河市交通运输局"

Drawn = tuple[str, str, str, str, str, str]
Rows = list[tuple[str, str, str, list[tuple[str, str, str]]]]


def _pdf(orientation: str) -> FPDF:
    font = find_cjk_font()
    if font is None:
        raise RuntimeError("no TrueType CJK font (apt-get install fonts-wqy-zenhei)")
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font("cjk", fname=str(font[0]), collection_font_number=font[1])
    pdf.set_font("cjk", size=9)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    return pdf


def _lines(pdf: FPDF, title: str, *lines: str) -> None:
    pdf.set_font("cjk", size=14)
    pdf.cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    for line in lines:
        pdf.cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)


def write_two_row_header_pdf(path: Path) -> list[Drawn]:
    """Layout P1: landscape, header over two rows, the violation, its articles and number merged down."""
    pdf = _pdf("L")
    _lines(pdf, TITLE_P1, f"{ISSUER_P1}  2023年4月1日印发")
    drawn: list[Drawn] = []
    head = FontFace(emphasis="", fill_color=(230, 230, 230))
    with pdf.table(col_widths=(10, 48, 50, 56, 16, 52, 45), num_heading_rows=2, headings_style=head,
                   line_height=5, text_align="LEFT", repeat_headings=1) as table:
        top = table.row()
        top.cell("序号", rowspan=2)
        top.cell("违法行为", rowspan=2)
        top.cell("法律依据", colspan=2, align="C")
        top.cell("裁量阶次", rowspan=2)
        top.cell("适用情形", rowspan=2)
        top.cell("处罚标准", rowspan=2)
        second = table.row()
        second.cell("违反条款")
        second.cell("处罚依据")
        for n, (violation, violated, basis, steps) in enumerate(ROAD_ROWS, start=1):
            for i, (step, conditions, penalty) in enumerate(steps):
                row = table.row()
                if i == 0:
                    for text in (str(n), violation, violated, basis):
                        row.cell(text, rowspan=len(steps))
                row.cell(step)
                row.cell(conditions)
                row.cell(penalty)
                drawn.append((violation, violated, basis, step, conditions, penalty))
    pdf.output(str(path))
    return drawn


def long_rows() -> Rows:
    """The rows of layout P2: every field of the one-sheet-per-field workbook, the DOCX rows, and the road rows
    again under another name, enough to run over several portrait pages."""
    rows: Rows = [row for field in SHEETS_B.values() for row in field] + DOCX_ROWS
    return rows + [(f"{violation}（复核）", violated, basis, steps) for violation, violated, basis, steps in ROAD_ROWS]


def write_long_pdf(path: Path) -> list[Drawn]:
    """Layout P2: portrait, other column names, over several pages with the header repeated; merged violation
    cells (fpdf2 keeps a merged group on one page or splits it with the text on the first part)."""
    pdf = _pdf("P")
    _lines(pdf, TITLE_P2, f"{ISSUER_P2}", "2022年6月1日起施行")
    drawn: list[Drawn] = []
    with pdf.table(col_widths=(9, 36, 33, 33, 14, 30, 35), line_height=5, text_align="LEFT", repeat_headings=1,
                   headings_style=FontFace(emphasis="", fill_color=(230, 230, 230))) as table:
        header = table.row()
        for text in ("编号", "违法行为名称", "违法依据", "处罚条款", "违法程度", "具体情形", "处罚幅度"):
            header.cell(text)
        n = 0
        for violation, violated, basis, steps in long_rows():
            for i, (step, conditions, penalty) in enumerate(steps):
                n += 1
                row = table.row()
                row.cell(str(n))
                if i == 0:
                    row.cell(violation, rowspan=len(steps))
                row.cell(violated)
                row.cell(basis)
                row.cell(step)
                row.cell(conditions)
                row.cell(penalty)
                drawn.append((violation, violated, basis, step, conditions, penalty))
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 8, "注：以上、以下均含本数。", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return drawn
