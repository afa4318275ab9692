"""The files, opened and read back: the records as XLSX, a unit's one-page PDF, the plan as DOCX."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from quiz.exam.exports import find_cjk_font
from quiz.exam.models import FontMissing
from quiz.hours.models import ActivityDraft, ActivityKind
from quiz.hours.service import Hours
from tests.quiz.hours.conftest import ADMIN_ONE, CITY, Records, china


def some_records(hours: Hours, records: Records) -> None:
    records.answers("A002", [china("2026-03-03 08:00") + timedelta(minutes=i) for i in range(46)])
    hours.add_activity(CITY, ActivityDraft("一支队", ActivityKind.LECTURE, "讲座", date(2026, 3, 1), 2.0,
                                           ("A001", "A002")))
    hours.add_activity(CITY, ActivityDraft("一支队", ActivityKind.LEADERS, "学法", date(2026, 2, 1), 2.0, ("A001",)))


def test_the_records_xlsx_has_officers_and_units(hours: Hours, records: Records) -> None:
    some_records(hours, records)
    book = load_workbook(io.BytesIO(hours.records_xlsx(CITY, 2026)))
    assert book.sheetnames == ["人员", "单位", "年度活动"]
    people = list(book["人员"].iter_rows(values_only=True))
    assert people[0][:8] == ("警号", "姓名", "单位", "职务", "领导班子成员", "年度学时", "目标", "进度")
    by_id = {row[0]: row for row in people[1:]}
    assert set(by_id) == {"A001", "A002", "B001"}
    assert by_id["A002"][5] == 3.02 and by_id["A002"][2] == "一大队"
    assert by_id["A001"][4] == "是" and by_id["A001"][-1] == 4.0  # December's cumulative
    units = {row[0]: row for row in book["单位"].iter_rows(min_row=2, values_only=True)}
    assert units["一支队"][1:3] == (1, 4.0)
    assert "法治讲座" not in str(units["一支队"][7]) and "法治讲座" in str(units["二支队"][7])
    one = load_workbook(io.BytesIO(hours.records_xlsx(ADMIN_ONE, 2026, "一支队")))
    assert [r[0] for r in one["人员"].iter_rows(min_row=2, values_only=True)] == ["A002", "A001"]


def test_the_unit_pdf_is_one_page(hours: Hours, records: Records) -> None:
    try:
        font = find_cjk_font()
    except FontMissing:
        pytest.skip("no CJK font installed")
    some_records(hours, records)
    reader = PdfReader(io.BytesIO(hours.unit_pdf(ADMIN_ONE, 2026, "一支队", font)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "一支队" in text and "法治讲座" in text and "张三" in text


def test_the_plan_docx_holds_the_activities_and_the_counting(hours: Hours) -> None:
    doc = Document(io.BytesIO(hours.plan_docx(ADMIN_ONE, 2027)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "一支队2027年度学法培训计划" in text and "2027年01月31日" in text
    assert "不少于 60 学时" in text and "每天至多 2 学时" in text
    (table,) = doc.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["活动", "时间", "学时", "参加人员", "说明"]
    activities = [r[0] for r in rows[1:]]
    for kind in ("法治讲座", "旁听庭审", "模拟执法", "知识竞赛", "轮训", "轮训考核验收"):
        assert kind in activities
    assert sum(a.startswith("领导学法") for a in activities) == 4
    assert ["轮训", "2027-04-13 至 2027-04-17", "30", "全体执法人员（分批）", "5 天，每天 6 学时"] in rows
    city = Document(io.BytesIO(hours.plan_docx(CITY, 2027)))
    assert city.paragraphs[0].text == "全市2027年度学法培训计划"
