"""Rosters from real XLSX and CSV files: flexible headers, and refusals that name the rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.exam.models import RosterError
from quiz.exam.roster import read_roster
from quiz.exam.service import ExamService
from tests.quiz.exam.conftest import HAND_BLUEPRINT, write_roster


def test_xlsx_with_title_line_and_other_names(tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", [[12345, "张 三", "一大队"], ["ａ-07", "李四", None]],
                        header=("执法证号（必填）", "姓名", "所属单位"), title="2026 年度考试考生名单")
    entries, id_header = read_roster(path)
    assert id_header == "执法证号（必填）"
    assert [(e.row, e.officer_id, e.name, e.unit) for e in entries] == [(3, "12345", "张三", "一大队"),
                                                                        (4, "A-07", "李四", "")]


def test_gbk_csv_with_bianhao(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes("编号,姓名,单位\n001,王五,路政大队\n002,赵六,运政科\n".encode("gb18030"))
    entries, id_header = read_roster(path)
    assert id_header == "编号" and [e.officer_id for e in entries] == ["001", "002"]
    assert entries[1].unit == "运政科"


def test_bad_rows_are_named_and_nothing_is_imported(hand_exams: ExamService, tmp_path: Path) -> None:
    info = hand_exams.create_exam("名单检查", HAND_BLUEPRINT)
    good = write_roster(tmp_path / "good.xlsx", [["1", "甲", "一队"], ["2", "乙", "一队"]])
    assert hand_exams.import_roster(info.id, good).imported == 2
    bad = write_roster(tmp_path / "bad.xlsx", [["1", "甲", ""], ["", "乙", ""], ["3", "", ""], ["1", "丙", ""],
                                               [None, None, "只有单位"]])
    with pytest.raises(RosterError) as e:
        hand_exams.import_roster(info.id, bad)
    text = str(e.value)
    assert "bad.xlsx" in text
    assert "第 3 行：缺少警号（姓名：乙）" in text
    assert "第 4 行：警号 3 缺少姓名" in text
    assert "第 5 行：警号 1 重复（与第 2 行相同）" in text
    assert [p.row for p in e.value.problems] == [3, 4, 5]
    assert hand_exams.roster(info.id) == [("1", "甲", "一队"), ("2", "乙", "一队")], "the old roster stays"
    assert any(a.action == "roster_refused" and "第 5 行" in a.message for a in hand_exams.audit(info.id))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("r.xlsx", None, "没有找到表头"),
    ("r.csv", "姓名,单位\n甲,一队\n", "没有找到表头"),
    ("r.csv", "警号,姓名\n", "没有考生"),
    ("r.xls", "x", ".xls"),
    ("r.txt", "x", ".xlsx 或 .csv"),
    ("r.xlsx", "not a zip", "无法读取"),
])
def test_unreadable_rosters(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content is None:
        write_roster(path, [["1", "2"]], header=("甲", "乙"))
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(RosterError) as e:
        read_roster(path)
    assert message in str(e.value) and name in str(e.value)


def test_a_new_roster_keeps_who_has_started(hand_exams: ExamService, tmp_path: Path) -> None:
    info = hand_exams.create_exam("换名单", HAND_BLUEPRINT)
    hand_exams.assemble(info.id)
    hand_exams.import_roster(info.id, write_roster(tmp_path / "a.csv", [["1", "甲", "一队"], ["2", "乙", "二队"]]))
    hand_exams.open_exam(info.id)
    hand_exams.login(info.code, "1", "甲")
    with pytest.raises(RosterError) as e:
        hand_exams.import_roster(info.id, write_roster(tmp_path / "b.csv", [["2", "乙", "二队"], ["3", "丙", "二队"]]))
    assert "已经开始答题的考生：1" in str(e.value)
    assert any(a.action == "roster_refused" and "：1" in a.message for a in hand_exams.audit(info.id))
    report = hand_exams.import_roster(info.id, write_roster(tmp_path / "c.csv", [["1", "甲", "一队"], ["3", "丙", ""]]))
    assert (report.imported, report.replaced, report.units) == (2, 2, 1)
