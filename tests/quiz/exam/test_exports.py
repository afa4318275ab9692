"""Exports as real files: the paper, key and 解析 as DOCX (python-docx) and PDF (pypdf: Chinese text
extractable, the CJK font embedded), the results as XLSX (openpyxl)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from quiz.exam import exports
from quiz.exam.models import ExamError, FontMissing
from quiz.exam.service import ExamService
from quiz.settings import QuizSettings
from tests.quiz.exam.conftest import HAND_BLUEPRINT, PEOPLE, open_exam


@pytest.fixture()
def exam_id(hand_exams: ExamService, tmp_path: Path) -> int:
    exam_id = open_exam(hand_exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:2], title="2026年度法律知识考试")
    token = hand_exams.login(hand_exams.get_exam(exam_id).code, *PEOPLE[0][:2]).token
    q = hand_exams.paper_for(token).questions[0]
    hand_exams.save_answer(token, q.id, next(o.key for o in q.options if o.text == "二百元"))
    hand_exams.close_exam(exam_id)
    return exam_id


def docx_text(data: bytes) -> tuple[str, set[str]]:
    doc = Document(io.BytesIO(data))
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs for r in p.runs}
    return "\n".join(p.text for p in doc.paragraphs), fonts


def test_docx_paper_key_and_explanations(hand_exams: ExamService, exam_id: int) -> None:
    paper, fonts = docx_text(hand_exams.export_paper(exam_id, "A", "docx"))
    assert paper.startswith("2026年度法律知识考试") and "考试时间：30 分钟　满分：20 分" in paper
    assert "一、单选题（共 1 题，每题 2 分，共 2 分）" in paper and "五、简答题" in paper
    assert "1．手工单选：当场处罚的罚款上限是？（  ）" in paper and "B．二百元" in paper
    assert "【答案】" not in paper and "第五十一条规定二百元" not in paper and "答：" in paper
    assert fonts <= {"宋体", "黑体"} and "宋体" in fonts
    key, _ = docx_text(hand_exams.export_paper(exam_id, "A", "docx", with_key=True))
    assert "参考答案" in key and "1．B" in key and "3．√" in key and "得分要点" in key
    assert "4．十五日 或 15天 或 半个月" in key
    assert "手工单选" not in key
    explained, _ = docx_text(hand_exams.export_paper(exam_id, "A", "docx", with_explanations=True))
    assert "【答案】B" in explained and "【解析】第五十一条规定二百元。" in explained
    assert "【出处】《中华人民共和国行政处罚法》第五十一条" in explained


def test_pdf_embeds_a_cjk_font(hand_exams: ExamService, exam_id: int) -> None:
    data = hand_exams.export_paper(exam_id, "A", "pdf", with_explanations=True)
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "手工单选：当场处罚的罚款上限是" in text and "【解析】" in text
    embedded = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"]
                embedded += [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
    assert embedded, "the CJK font is embedded"


def test_missing_font_is_named(hand_exams: ExamService, exam_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "FONT_CANDIDATES", ("/nonexistent/font.ttc",))
    with pytest.raises(FontMissing) as e:
        hand_exams.export_paper(exam_id, "A", "pdf")
    assert "fonts-wqy-zenhei" in str(e.value)
    configured = ExamService(hand_exams.bank, QuizSettings(exam_pdf_font="/nonexistent/x.ttf"))
    with pytest.raises(FontMissing) as e:
        configured.export_paper(exam_id, "A", "pdf")
    assert "/nonexistent/x.ttf" in str(e.value)
    with pytest.raises(ExamError):
        hand_exams.export_paper(exam_id, "B", "docx")
    with pytest.raises(ExamError):
        hand_exams.export_paper(exam_id, "A", "odt")  # type: ignore[arg-type]


def test_results_xlsx(hand_exams: ExamService, exam_id: int) -> None:
    book = load_workbook(io.BytesIO(hand_exams.export_results(exam_id)))
    assert book.sheetnames == ["成绩", "单位统计", "法规统计", "试题分析", "分数分布", "概况"]
    rows = list(book["成绩"].iter_rows(values_only=True))
    assert rows[0][:7] == ("排名", "警号/编号", "姓名", "单位", "试卷", "状态", "得分")
    assert rows[1][1:7] == (PEOPLE[0][0], PEOPLE[0][1], PEOPLE[0][2], "A", "已交卷", 2)
    assert rows[2][5] == "未登录"
    analysis = list(book["试题分析"].iter_rows(values_only=True))
    assert len(analysis) == 6 and analysis[1][3] == "单选" and analysis[1][9] == "100.0%"
    summary = dict(book["概况"].iter_rows(values_only=True))
    assert summary["满分"] == 20 and summary["交卷人数"] == 1


def zip_members(data: bytes) -> dict[str, bytes]:
    """A DOCX's parts, without the zip's timestamps (two exports a second apart differ only in those)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_export_files_are_named_for_the_organiser(hand_exams: ExamService, exam_id: int, tmp_path: Path) -> None:
    from quiz.exam.document import PaperKind

    out = tmp_path / "out"
    out.mkdir()
    key = hand_exams.export_file(exam_id, out, PaperKind.KEY, "docx")
    assert key == out / "2026年度法律知识考试-参考答案.docx"
    assert zip_members(key.read_bytes()) == zip_members(hand_exams.export_paper(exam_id, "A", "docx", with_key=True))
    explained = hand_exams.export_file(exam_id, out, PaperKind.EXPLAINED, "pdf")
    assert explained.name == "2026年度法律知识考试-答案与解析.pdf" and explained.read_bytes()[:4] == b"%PDF"
    results = hand_exams.export_file(exam_id, out, None, "pdf", "B")  # the results: always XLSX
    assert results.name == "2026年度法律知识考试-成绩.xlsx"
    assert load_workbook(io.BytesIO(results.read_bytes())).sheetnames[0] == "成绩"
    with pytest.raises(ExamError):
        hand_exams.export_file(exam_id, out, PaperKind.PAPER, "docx", "B")
