"""Files of the 学时 records: the year's records as XLSX (officers, units), a one-page PDF summary of a
unit (fpdf2 with a CJK font, ``quiz.exam.exports.find_cjk_font``), the yearly plan as DOCX."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

from quiz.exam.exports import DOCX_FONT, DOCX_HEADING_FONT, CjkFont
from quiz.hours.models import Due, Source, UnitReport
from quiz.hours.plan import Plan

PDF_OFFICERS = 12
"""The officers furthest behind that the one-page PDF lists."""


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def records_xlsx(reports: Sequence[UnitReport]) -> bytes:
    """Sheet 人员: one row per officer (total, per source, cumulative per month, on track); sheet 单位: one
    row per unit; sheet 年度活动: each unit's yearly activities and leaders' quarters."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(sheet: WriteOnlyWorksheet, names: list[str]) -> list[Cell]:
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        return cells

    people = book.create_sheet("人员")
    people.freeze_panes = "A2"
    people.append(header(people, ["警号", "姓名", "单位", "职务", "领导班子成员", "年度学时", "目标", "进度",
                                  *(s.label for s in Source), *(f"{m}月累计" for m in range(1, 13))]))
    for report in reports:
        for line in report.officers:
            o = line.officer
            people.append([o.officer_id, o.name, o.unit, o.title, "是" if o.leader else "", line.total,
                           report.target, "正常" if line.on_track else "落后",
                           *(line.by_source[s] for s in Source), *line.cumulative])
    units = book.create_sheet("单位")
    units.append(header(units, ["单位", "人数", "人均学时", "达标人数", "达标率", "进度正常人数", "进度正常率",
                                "未开展的年度活动", "领导学法缺季次"]))
    for report in reports:
        n = len(report.officers)
        units.append([report.unit, n, round(report.mean, 2), report.at_target,
                      _pct(report.at_target / n) if n else "", report.on_track,
                      _pct(report.on_track / n) if n else "",
                      "、".join(a.kind.value for a in report.yearly_activities if a.state is not Due.DONE),
                      sum(q is Due.MISSING for leader in report.leaders for q in leader.quarters)])
    duties = book.create_sheet("年度活动")
    duties.append(header(duties, ["单位", "项目", "状态", "日期"]))
    for report in reports:
        for activity in report.yearly_activities:
            duties.append([report.unit, activity.kind.value, activity.state.label,
                           "、".join(f"{d:%Y-%m-%d}" for d in activity.dates)])
        for leader in report.leaders:
            for quarter, state in enumerate(leader.quarters, start=1):
                duties.append([report.unit, f"领导学法 第{quarter}季度 {leader.officer.name}", state.label, ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def unit_pdf(report: UnitReport, font: CjkFont) -> bytes:
    """One A4 page: the figures, the distribution as bars, the yearly activities and leaders' quarters, the
    officers furthest behind."""
    from fpdf import FPDF

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(15, 12, 15)
    pdf.add_font("cjk", "", str(font.path), collection_font_number=font.face)
    pdf.set_title(f"{report.unit} {report.year} 年学时情况")
    pdf.set_creator("学法通")
    pdf.add_page()

    def line(text: str, size: float = 10, height: float = 5.5, align: str = "L") -> None:
        pdf.set_font("cjk", size=size)
        pdf.cell(pdf.epw, height, text, align=align, new_x="LMARGIN", new_y="NEXT")

    n = len(report.officers)
    line(f"{report.unit}　{report.year} 年度学法学时情况", 15, 9, "C")
    line(f"人数 {n}　人均 {report.mean:.1f} 学时　目标 {report.target:g} 学时　"
         f"达标 {report.at_target} 人　进度正常 {report.on_track} 人（按进度应达 {report.expected_now:g} 学时）")
    pdf.ln(2)
    line("学时分布", 11.5, 7)
    top = pdf.get_y()
    most = max((b.count for b in report.distribution), default=0) or 1
    bar_w, gap, chart_h = 20.0, 4.0, 34.0
    for i, b in enumerate(report.distribution):
        x = pdf.l_margin + i * (bar_w + gap)
        h = chart_h * b.count / most
        pdf.set_fill_color(70, 110, 170)
        if h:
            pdf.rect(x, top + chart_h - h, bar_w, h, style="F")
        pdf.set_font("cjk", size=8)
        pdf.set_xy(x, top + chart_h - h - 4)
        pdf.cell(bar_w, 4, str(b.count), align="C")
        pdf.set_xy(x, top + chart_h + 1)
        pdf.cell(bar_w, 4, b.label, align="C")
    pdf.set_xy(pdf.l_margin, top + chart_h + 7)
    line("年度活动", 11.5, 7)
    for a in report.yearly_activities:
        dates = "、".join(f"{d:%m-%d}" for d in a.dates[:4])
        line(f"{a.kind.value}：{a.state.label}{'（' + dates + '）' if dates else ''}")
    line("领导班子成员季度学法", 11.5, 7)
    for leader in report.leaders[:8]:
        line(f"{leader.officer.name}：" + "　".join(f"第{q}季度 {s.label}" for q, s in
                                                 enumerate(leader.quarters, start=1)))
    if not report.leaders:
        line("（本单位未登记领导班子成员）")
    line(f"学时落后最多的人员（前 {min(PDF_OFFICERS, n)} 名）", 11.5, 7)
    for o in report.officers[:PDF_OFFICERS]:
        line(f"{o.officer.officer_id}　{o.officer.name}　{o.officer.unit}　{o.total:g} 学时"
             f"{'' if o.on_track else '　落后'}", 9.5, 5)
    return bytes(pdf.output())


def plan_docx(plan: Plan) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_FONT)

    def paragraph(text: str, size: float = 11, bold: bool = False, center: bool = False) -> None:
        para = doc.add_paragraph()
        run = para.add_run(text)
        run.font.size, run.bold = Pt(size), bold
        if bold:
            run.font.name = DOCX_HEADING_FONT
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_HEADING_FONT)
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER

    paragraph(f"{plan.unit or '全市'}{plan.year}年度学法培训计划", 16, True, True)
    paragraph(f"（于 {plan.file_by:%Y年%m月%d日} 前报法规处备案）", 10, center=True)
    paragraph("一、学时目标与计算办法", 12.5, True)
    for sentence in plan.counting:
        paragraph(sentence)
    paragraph("二、活动安排", 12.5, True)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, ("活动", "时间", "学时", "参加人员", "说明"), strict=True):
        cell.text = head
    for item in plan.items:
        cells = table.add_row().cells
        for cell, value in zip(cells, (item.activity, item.when, f"{item.hours:g}", item.who, item.note),
                               strict=True):
            cell.text = value
    paragraph("三、组织保障", 12.5, True)
    paragraph("各项活动由单位法制机构组织实施，活动结束后及时在学法通中登记学时并上传证明材料；"
              "领导班子成员学法情况按季度登记。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
