"""Files for the organiser: a paper (or its key, or its 解析) as DOCX or PDF, and the results as XLSX.

DOCX: python-docx, 宋体 set as the East-Asian font of every run (Word otherwise falls back to a Western
font's idea of CJK). PDF: fpdf2 with a CJK TrueType font embedded (subset); ``find_cjk_font`` looks for
one on the system and raises FontMissing naming the Debian package to install.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from quiz.exam.document import Block
from quiz.exam.models import FontMissing
from quiz.exam.report import ExamReport

if TYPE_CHECKING:
    from docx.oxml.text.font import CT_RPr

DOCX_FONT = "宋体"
DOCX_HEADING_FONT = "黑体"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
FONT_PACKAGES = "fonts-wqy-zenhei（或 fonts-noto-cjk）"


@dataclass(frozen=True)
class CjkFont:
    path: Path
    face: int = 0  # the face of a collection (.ttc)


# DOCX ------------------------------------------------------------------------------------------------


def to_docx(content: Sequence[Block]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(11)
    _east_asian(normal.element, DOCX_FONT)
    for block in content:
        para = doc.add_paragraph()
        lines = block.text.split("\n")
        for i, line in enumerate(lines):
            run = para.add_run(line)
            if i < len(lines) - 1:
                run.add_break()
            font = DOCX_HEADING_FONT if block.kind in ("title", "section") else DOCX_FONT
            run.font.name = font
            _east_asian(run._element, font)
            if block.kind == "title":
                run.font.size, run.bold = Pt(16), True
            elif block.kind == "section":
                run.font.size, run.bold = Pt(12), True
            elif block.kind == "answer":
                run.bold = True
            elif block.kind == "note":
                run.font.size = Pt(10)
        fmt = para.paragraph_format
        if block.kind in ("title", "subtitle"):
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if block.kind in ("option", "answer", "note"):
            fmt.left_indent = Pt(21)
        if block.kind == "section":
            fmt.space_before = Pt(10)
        fmt.space_after = Pt(2)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class _RunPropertiesOwner(Protocol):
    """A run's or a style's element: python-docx gives both ``get_or_add_rPr``."""

    def get_or_add_rPr(self) -> CT_RPr: ...


def _east_asian(element: _RunPropertiesOwner, font: str) -> None:
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:ascii"), font)
    rfonts.set(qn("w:hAnsi"), font)
    rfonts.set(qn("w:eastAsia"), font)


# PDF -------------------------------------------------------------------------------------------------


def find_cjk_font(configured: str = "") -> CjkFont:
    """The configured font file, else the first CJK font found on the system."""
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise FontMissing(f"设置的 PDF 字体文件不存在：{configured}")
        return CjkFont(path, _sc_face(path))
    for candidate in FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return CjkFont(path, _sc_face(path))
    raise FontMissing(
        f"导出 PDF 需要一款可嵌入的中文字体，但本机没有找到。请安装 {FONT_PACKAGES}："
        "apt-get install fonts-wqy-zenhei，或在设置 quiz.exam_pdf_font 中指定 .ttf/.ttc 字体文件。"
    )


def _sc_face(path: Path) -> int:
    """In a collection, the Simplified Chinese face (Noto CJK puts Japanese first)."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    try:
        from fontTools.ttLib import TTCollection  # comes with fpdf2

        collection = TTCollection(str(path), lazy=True)
    except Exception:
        return 0
    try:
        for i, face in enumerate(collection.fonts):
            name = face["name"].getDebugName(1) or ""
            if name.endswith(" SC") or "Simplified" in name:
                return i
        return 0
    finally:
        collection.close()


def to_pdf(content: Sequence[Block], font: CjkFont, title: str = "") -> bytes:
    from fpdf import FPDF

    # fontTools' subsetter warns about tables it drops (the bitmap strikes of WenQuanYi): not our concern
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(18, 15, 18)
    pdf.add_font("cjk", "", str(font.path), collection_font_number=font.face)
    pdf.set_title(title or (content[0].text if content else ""))
    pdf.set_creator("学法通")
    pdf.add_page()
    sizes = {"title": 16, "section": 12.5, "note": 9.5}
    for block in content:
        size = sizes.get(block.kind, 11)
        pdf.set_font("cjk", size=size)
        indent = 7 if block.kind in ("option", "answer", "note") else 0
        if block.kind == "section":
            pdf.ln(3)
        pdf.set_x(pdf.l_margin + indent)
        align = "C" if block.kind in ("title", "subtitle") else "L"
        pdf.multi_cell(pdf.epw - indent, size * 0.55, block.text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.2)
    return bytes(pdf.output())


# XLSX ------------------------------------------------------------------------------------------------


def results_xlsx(report: ExamReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheets: list[tuple[str, list[str], list[list[object]]]] = [
        ("成绩", ["排名", "警号/编号", "姓名", "单位", "试卷", "状态", "得分", "满分", "是否合格", "开始时间", "交卷时间", "交卷方式"],
         [[e.rank, e.officer_id, e.name, e.unit, e.variant, e.state, e.score, e.total,
           None if e.passed is None else ("合格" if e.passed else "不合格"), _time(e.started_at),
           _time(e.submitted_at), SUBMITTED_BY.get(e.submitted_by, e.submitted_by)] for e in report.examinees]),
        ("单位统计", ["单位", "应考人数", "交卷人数", "平均分", "最高分", "最低分", "合格率"],
         [[u.unit, u.roster, u.submitted, _r(u.mean), u.highest, u.lowest, _pct(u.pass_rate)] for u in report.units]),
        ("法规统计", ["法规", "题数", "作答人次", "正确率", "得分率"],
         [[x.law, x.questions, x.answers, _pct(x.facility), _pct(x.score_rate)] for x in report.laws]),
        ("试题分析", ["试卷", "题号", "题库编号", "题型", "法规", "题干", "分值", "作答人数", "答对人数", "难度（正确率）",
                  "区分度"],
         [[q.variant, q.number, q.bank_id, q.type_name, q.law, q.stem, q.points, q.takers, q.correct,
           _pct(q.facility), _r(q.discrimination)] for q in report.questions]),
        ("分数分布", ["分数段", "人数"], [[b.label, b.count] for b in report.distribution]),
    ]
    for i, (name, header, rows) in enumerate(sheets):
        sheet = book.worksheets[0] if i == 0 else book.create_sheet()
        sheet.title = name
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for col, head in zip(sheet.iter_cols(min_row=1, max_row=1), header, strict=True):
            width = 60 if head == "题干" else 28 if head in ("单位", "法规") else max(10, len(head) * 2 + 2)
            sheet.column_dimensions[col[0].column_letter].width = width
        sheet.freeze_panes = "A2"
        if name == "试题分析":
            for cells in sheet.iter_rows(min_row=2):
                cells[5].alignment = Alignment(wrap_text=True, vertical="top")
    head = book.create_sheet("概况")
    exam = report.exam
    for label, value in (("考试", exam.title), ("考试码", exam.code), ("满分", exam.total_points),
                         ("合格分", report.pass_mark), ("应考人数", exam.roster), ("交卷人数", report.submitted),
                         ("平均分", _r(report.mean)), ("最高分", report.highest), ("最低分", report.lowest),
                         ("合格率", _pct(report.pass_rate))):
        head.append([label, value])
    head.column_dimensions["A"].width = 12
    head.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SUBMITTED_BY = {"examinee": "考生交卷", "timer": "到时自动交卷", "organiser": "结束考试时交卷"}


def _time(value: object) -> str:
    from datetime import datetime, timedelta, timezone

    if not isinstance(value, datetime):
        return ""
    return value.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"
