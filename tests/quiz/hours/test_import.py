"""Activity sheets: a good one imported, a bad one refused row by row with nothing stored changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quiz.hours.activities import ActivityImportError
from quiz.hours.models import ActivityDraft, ActivityKind, Source
from quiz.hours.service import Hours
from quiz.hours.tables import ActivityRow, AttendanceRow
from tests.quiz.hours.conftest import ADMIN_ONE, CITY, Audit

HEADER = ["警号", "姓名", "活动类型", "活动名称", "日期", "学时", "证明材料", "单位"]


def sheet(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    book.active.append(HEADER)  # type: ignore[union-attr]
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    book.save(path)
    return path


def stored(hours: Hours) -> tuple[int, int]:
    with Session(hours.engine) as s:
        return (s.scalar(select(func.count()).select_from(ActivityRow)) or 0,
                s.scalar(select(func.count()).select_from(AttendanceRow)) or 0)


def test_a_good_sheet_is_imported(hours: Hours, tmp_path: Path, audit: Audit) -> None:
    path = sheet(tmp_path / "活动.xlsx", [
        ["A001", "张三", "讲座", "行政处罚法讲座", "2026-03-15", 2, "签到表.pdf", ""],
        ["A002", "李四", "法治讲座", "行政处罚法讲座", date(2026, 3, 15), 2, "", "一支队"],
        ["A002", "", "轮训", "春季轮训", "2026-04-13~2026-04-17", 30, "", ""],
    ])
    assert hours.import_activities(ADMIN_ONE, path) == (2, 3)
    assert hours.officer_year("A002", 2026).by_source[Source.ACTIVITY] == 32.0
    assert audit.lines[-1] == ("admin1", "hours.import_activities", "活动.xlsx", "2 项活动，3 人次")
    # the lecture by the officer's own unit (A001: 一支队) and the one naming 一支队 are the same activity
    report = hours.unit_report(ADMIN_ONE, "一支队", 2026)
    assert {a.kind: a.dates for a in report.yearly_activities}[ActivityKind.LECTURE] == (date(2026, 3, 15),)


def test_a_csv_sheet_is_imported(hours: Hours, tmp_path: Path) -> None:
    path = tmp_path / "庭审.csv"
    path.write_text(",".join(HEADER) + "\nB001,王五,旁听庭审,旁听行政诉讼,2026/5/20,4,,\n", encoding="utf-8-sig")
    assert hours.import_activities(CITY, path) == (1, 1)


def test_a_bad_sheet_is_refused_row_by_row_and_nothing_stored_changes(hours: Hours, tmp_path: Path) -> None:
    hours.add_activity(CITY, ActivityDraft("一支队", ActivityKind.LECTURE, "已录入讲座", date(2026, 3, 1), 2.0,
                                           ("A001",)))
    before = stored(hours)
    path = sheet(tmp_path / "坏表.xlsx", [
        ["A001", "张三", "讲座", "新讲座", "2026-03-20", 2, "", ""],  # good, but not written
        ["", "张三", "讲座", "新讲座", "2026-03-20", 2, "", ""],
        ["Z999", "", "讲座", "新讲座", "2026-03-20", 2, "", ""],
        ["A002", "", "讲座", "新讲座", "2026-03-20", 2, "", "不存在支队"],
        ["A002", "", "讲座", "二支队讲座", "2026-03-20", 2, "", "二支队"],
        ["A001", "张三", "讲座", "新讲座", "2026-03-20", 2, "", ""],
        ["A002", "", "讲座", "新讲座", "2026-02-30", 2, "", ""],
        ["A002", "", "讲座", "讲座二", "2026-03-21", -2, "", ""],
        ["A002", "", "讲座", "讲座三", "2026-03-21", 0, "", ""],
        ["A002", "", "讲座", "讲座四", "2026-03-21", 30, "", ""],
        ["A002", "", "轮训", "轮训", "2026-04-01~2026-04-02", 17, "", ""],
        ["A002", "", "打球", "团建", "2026-03-21", 2, "", ""],
        ["A002", "", "讲座", "讲座五", "2026-03-21", "两小时", "", ""],
        ["A001", "李四", "讲座", "讲座六", "2026-03-21", 2, "", ""],
        ["A001", "", "讲座", "已录入讲座", "2026-03-01", 2, "", ""],
    ])
    with pytest.raises(ActivityImportError) as caught:
        hours.import_activities(ADMIN_ONE, path)
    problems = {p.row: p.reason for p in caught.value.problems}
    assert caught.value.file_name == "坏表.xlsx" and "坏表.xlsx" in str(caught.value)
    assert problems == {
        3: "缺少警号",
        4: "警号 Z999 没有账号",
        5: "单位“不存在支队”不存在",
        6: "单位“二支队”不在您的管理范围内",
        7: "与第 2 行重复",
        8: "日期“2026-02-30”无法识别（应为 2026-03-15，轮训可写 2026-03-02~2026-03-06）",
        9: "学时 -2 应大于 0",
        10: "学时 0 应大于 0",
        11: "学时 30 超过规则允许的上限 8（1 天，每天至多 8）",
        12: "学时 17 超过规则允许的上限 16（2 天，每天至多 8）",
        13: "活动类型“打球”未知（可用：法治讲座、旁听庭审、模拟执法、轮训、领导学法、知识竞赛、其他）",
        14: "学时“两小时”不是数字",
        15: "姓名“李四”与警号 A001 的账号（张三）不符",
        16: "这条记录已经导入过（同一警号、活动类型、活动名称和日期）",
    }
    assert stored(hours) == before


def test_a_sheet_without_the_columns_is_refused(hours: Hours, tmp_path: Path) -> None:
    path = tmp_path / "缺列.csv"
    path.write_text("警号,姓名\nA001,张三\n", encoding="utf-8")
    with pytest.raises(ActivityImportError, match="表头缺少列：活动类型、活动名称、日期、学时"):
        hours.import_activities(CITY, path)
