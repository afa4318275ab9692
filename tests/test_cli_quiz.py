"""`xuefa bank`, `xuefa exam` and `xuefa contest` end to end: a real SQLite question bank in a tmp home, real
question sheets, blueprints and rosters, real XLSX/CSV/DOCX exports read back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xuefa.cli import cli

PUNISH = "中华人民共和国行政处罚法"
SHEET = f"""题型,题干,选项A,选项B,选项C,选项D,答案,解析,出处,难度
单选题,当场处罚的罚款上限是？,一百元,二百元,三百元,五百元,B,第五十一条,《{PUNISH}》第五十一条,易
单选题,下列不属于行政处罚种类的是？,警告,罚款,记过,没收违法所得,C,第九条,《{PUNISH}》第九条,中
判断题,行政处罚的设定应当公开。,,,,,正确,第五条,《{PUNISH}》第五条,易
判断题,违法行为在二年内未被发现的，不再给予行政处罚。,,,,,正确,第三十六条,《{PUNISH}》第三十六条,中
"""


def run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """A home whose question bank holds the four questions of ``SHEET``, as drafts."""
    sheet = tmp_path / "题库.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    home = tmp_path / "home"
    code, out = run(home, "bank", "import", str(sheet), "--no-check")
    assert code == 0 and "题库.csv: 4 questions read, 4 new in the bank (drafts)" in out
    return home


def test_bank_import_list_approve_reject_export(home: Path, tmp_path: Path) -> None:
    code, out = run(home, "bank", "list")
    assert code == 0 and out.count("待审") == 4 and "4 questions" in out
    code, out = run(home, "bank", "list", "--type", "judge", "--json")
    listed = json.loads(out)
    assert [(q["id"], q["answer"], q["status"]) for q in listed] == [(3, True, "draft"), (4, True, "draft")]

    code, out = run(home, "bank", "approve", "1", "3", "4")
    assert code == 0 and "approved 3 questions" in out
    code, out = run(home, "bank", "reject", "2", "99")
    assert code == 1 and "rejected 1 questions" in out and "no question with id 99" in out
    code, out = run(home, "bank", "list", "--status", "approved", "--law", "行政处罚法", "--limit", "2")
    assert code == 0 and "3 questions (2 shown)" in out

    sheet = tmp_path / "approved.csv"
    code, out = run(home, "bank", "export", str(sheet), "--status", "approved")
    assert code == 0 and f"3 questions written to {sheet}" in out
    with sheet.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["题型", "题干"] and [r[1] for r in rows[1:]] == [
        "当场处罚的罚款上限是？", "行政处罚的设定应当公开。", "违法行为在二年内未被发现的，不再给予行政处罚。"]
    book = tmp_path / "all.xlsx"
    assert run(home, "bank", "export", str(book))[0] == 0
    assert load_workbook(book).active.max_row == 5

    again = tmp_path / "again"
    code, out = run(again, "bank", "import", str(book), "--no-check", "--approve")
    assert code == 0 and "4 new in the bank (approved)" in out
    code, out = run(home, "bank", "import", str(sheet), "--no-check")
    assert code == 0 and "3 questions read, 0 new" in out


def test_bank_errors_name_the_file(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("题型,题干,答案\n单选题,缺选项的题,B\n", encoding="utf-8")
    code, out = run(home, "bank", "import", str(bad), "--no-check")
    assert code == 1 and "bad.csv: row 2" in out and "names no given option" in out
    headless = tmp_path / "headless.csv"
    headless.write_text("甲,乙\n1,2\n", encoding="utf-8")
    code, out = run(home, "bank", "import", str(headless), "--no-check")
    assert code == 1 and "headless.csv: missing columns 题型, 题干, 答案" in out
    code, out = run(home, "bank", "export", str(tmp_path / "out.doc"))
    assert code == 1 and "out.doc: export to .xlsx or .csv" in out
    code, out = run(home, "bank", "import", str(tmp_path / "absent.csv"))
    assert code == 2 and "absent.csv" in out
    assert "4 questions" in run(home, "bank", "list")[1], "a refused file stores nothing"


def test_an_exam_from_blueprint_to_report(home: Path, tmp_path: Path) -> None:
    from xuefa.services import exam_service, question_bank
    from xuefa.settings import load_settings

    blueprint = tmp_path / "蓝图.yaml"
    blueprint.write_text("duration_min: 30\npoints: {判断: 5}\nitems:\n  - {type: 判断, count: 1}\n", encoding="utf-8")
    roster = tmp_path / "名单.csv"
    roster.write_text("警号,姓名,单位\n001,张三,一大队\n002,李四,二大队\n", encoding="utf-8")

    code, out = run(home, "exam", "check", str(blueprint), "--variants", "2")
    assert code == 1 and "判断 × 全部法律：需要 2 题（2 套试卷各 1 题，不得重复），题库只有 0 题" in out
    assert run(home, "bank", "approve", "3", "4")[0] == 0
    code, out = run(home, "exam", "check", str(blueprint), "--variants", "2")
    assert code == 0 and "题库够用" in out

    code, out = run(home, "exam", "create", "2026年度执法考试", "--blueprint", str(blueprint))
    assert code == 0 and "created exam 1 “2026年度执法考试”" in out and "1 questions, 5 points, 30 minutes" in out
    code, out = run(home, "exam", "list", "--json")
    (info,) = json.loads(out)
    assert (info["id"], info["status"], info["variants"]) == (1, "draft", [])
    exam_code = info["code"]

    code, out = run(home, "exam", "open", exam_code)
    assert code == 1 and "请先组卷，再开放考试。" in out
    code, out = run(home, "exam", "assemble", exam_code, "--variants", "2", "--seed", "1")
    assert code == 0 and "paper A: 1 questions, 5 points" in out and "paper B: 1 questions" in out
    code, out = run(home, "exam", "roster", "1", str(roster))
    assert code == 0 and "名单.csv: 2 examinees (identified by 警号), 2 units" in out
    code, out = run(home, "exam", "open", "1")
    assert code == 0 and f"enter the code {exam_code}" in out

    settings = load_settings(home=home)
    with question_bank(settings) as bank:
        exams = exam_service(settings, bank)
        token = exams.login(exam_code, "001", "张三").token
        (question,) = exams.paper_for(token).questions
        assert exams.save_answer(token, question.id, True).saved
        assert exams.submit(token).submitted
        exams.login(exam_code, "002", "李四")

    code, out = run(home, "exam", "unlock", "1", "002")
    assert code == 0 and "unlocked 002" in out
    code, out = run(home, "exam", "release", "1")
    assert code == 1 and "还有 1 名考生正在答题" in out
    code, out = run(home, "exam", "close", "1")
    assert code == 0 and "2 of 2 examinees submitted" in out
    assert "results released" in run(home, "exam", "release", "1")[1]
    assert "results withdrawn" in run(home, "exam", "release", "1", "--withdraw")[1]

    code, out = run(home, "exam", "report", "1", "--json")
    report = json.loads(out)
    assert report["submitted"] == 2 and report["highest"] == 5 and report["lowest"] == 0
    assert [(e["officer_id"], e["score"], e["passed"]) for e in report["examinees"]] == [
        ("001", 5, True), ("002", 0, False)]
    code, out = run(home, "exam", "report", "1")
    assert code == 0 and "submitted 2, mean 2.5" in out and "一大队: 1/1 submitted, mean 5.0" in out

    results = tmp_path / "成绩.xlsx"
    code, out = run(home, "exam", "export", "1", "--out", str(results))
    assert code == 0 and str(results) in out
    assert "张三" in {c.value for row in load_workbook(results).worksheets[0].iter_rows() for c in row}
    paper = tmp_path / "B卷答案.docx"
    code, out = run(home, "exam", "export", "1", "--out", str(paper), "--variant", "b", "--key")
    assert code == 0 and paper.read_bytes()[:2] == b"PK"
    code, out = run(home, "exam", "export", "1", "--out", str(tmp_path / "C卷.docx"), "--variant", "C")
    assert code == 1 and "没有 C 卷" in out
    code, out = run(home, "exam", "export", "1", "--out", str(tmp_path / "paper.txt"))
    assert code == 1 and "paper.txt: export to .xlsx (results), .docx or .pdf (paper)" in out

    code, out = run(home, "exam", "audit", exam_code, "--limit", "100")
    assert code == 0 and "roster  导入名单 名单.csv：2 人" in out and "submit 001" in out and "unlock 002" in out


def test_exam_errors_name_the_file_or_the_exam(home: Path, tmp_path: Path) -> None:
    not_a_blueprint = tmp_path / "名单.csv"
    not_a_blueprint.write_text("警号,姓名\n001,张三\n", encoding="utf-8")
    code, out = run(home, "exam", "create", "考试", "--blueprint", str(not_a_blueprint))
    assert code == 1 and "名单.csv: 蓝图应是一个对象" in out
    blueprint = tmp_path / "bp.json"
    blueprint.write_text(json.dumps({"items": [{"type": "单选", "count": 1}]}), encoding="utf-8")
    code, out = run(home, "exam", "create", "考试", "--blueprint", str(blueprint), "--starts", "2026-03-02 09:00",
                    "--ends", "2026-03-02 11:00")
    assert code == 0
    (info,) = json.loads(run(home, "exam", "list", "--json")[1])
    assert (info["starts_at"], info["ends_at"]) == ("2026-03-02T01:00:00+00:00", "2026-03-02T03:00:00+00:00")
    bad_roster = tmp_path / "roster.csv"
    bad_roster.write_text("甲,乙\n1,2\n", encoding="utf-8")
    code, out = run(home, "exam", "roster", "1", str(bad_roster))
    assert code == 1 and "名单 roster.csv 无法导入" in out
    code, out = run(home, "exam", "open", "7")
    assert code == 1 and "没有编号为 7 的考试。" in out
    code, out = run(home, "exam", "report", "第一场")
    assert code == 1 and "no exam numbered or coded '第一场'" in out


def test_a_contest_created_shown_exported_and_deleted(home: Path, tmp_path: Path) -> None:
    code, out = run(home, "contest", "create", "执法知识竞赛", "--team", "一大队", "--team", "二大队",
                    "--required", "1", "--buzz", "2", "--risk", "0", "--law", PUNISH)
    assert code == 0 and "“执法知识竞赛”: 2 rounds" in out and "一大队: buzzer code" in out
    (contest,) = json.loads(run(home, "contest", "list", "--json")[1])
    assert (contest["name"], contest["phase"], contest["teams"], contest["rounds"]) == ("执法知识竞赛", "idle", 2, 2)
    contest_code = contest["code"]

    code, out = run(home, "contest", "show", contest_code.lower(), "--json")
    shown = json.loads(out)
    assert [(r["kind"], r["planned"], r["asked"]) for r in shown["rounds"]] == [("required", 2, 0), ("buzz", 2, 0)]
    assert [t["name"] for t in shown["teams"]] == ["一大队", "二大队"] and all(len(t["code"]) == 6 for t in shown["teams"])
    assert f"{contest_code}  执法知识竞赛  等待出题" in run(home, "contest", "show", contest_code)[1]

    book = tmp_path / "竞赛.xlsx"
    code, out = run(home, "contest", "export", contest_code, "--out", str(book))
    assert code == 0 and {"总分", "答题记录"} <= {s.title for s in load_workbook(book).worksheets}
    table = tmp_path / "竞赛.csv"
    assert run(home, "contest", "export", contest_code, "--out", str(table))[0] == 0
    assert table.read_text(encoding="utf-8-sig").startswith("记录,")
    code, out = run(home, "contest", "export", contest_code, "--out", str(tmp_path / "竞赛.txt"))
    assert code == 1 and "不支持的导出格式：.txt" in out

    code, out = run(home, "contest", "create", "独角戏", "--team", "一大队")
    assert code == 1 and "至少需要两支队伍" in out
    assert run(home, "contest", "delete", contest_code) == (0, f"deleted contest {contest_code}\n")
    code, out = run(home, "contest", "export", contest_code, "--out", str(book))
    assert code == 1 and f"没有编号为 {contest_code} 的竞赛" in out
    assert "0 contests" in run(home, "contest", "list")[1]
