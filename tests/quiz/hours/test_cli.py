"""``xuefa hours`` through CliRunner against a real database (SQLite and PostgreSQL), as the local city
administrator."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from docx import Document
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from quiz.people.tables import AdminAuditRow
from xuefa.cli import cli


def run(home: Path, database_url: str, *args: str) -> Result:
    (home / "settings.yaml").write_text(f"quiz:\n  database_url: \"{database_url}\"\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["--home", str(home), "hours", *args], catch_exceptions=False)


def test_the_hours_commands(engine: Engine, database_url: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    rules = run(home, database_url, "rules", "--year", "2026", "--json")
    assert rules.exit_code == 0, rules.output
    assert json.loads(rules.output)["yearly_target"] == 60.0

    (tmp_path / "rules.json").write_text('{"yearly_target": 50, "exam_hours": 3}', encoding="utf-8")
    assert run(home, database_url, "set-rules", str(tmp_path / "rules.json"), "--year", "2026").exit_code == 0
    assert json.loads(run(home, database_url, "rules", "--year", "2026", "--json").output)["yearly_target"] == 50.0
    with Session(engine) as s:
        audited = s.execute(select(AdminAuditRow.login, AdminAuditRow.action, AdminAuditRow.client)).tuples().all()
    assert [(login, action) for login, action, _ in audited] == [("cli", "hours.set_rules")]
    assert audited[0][2].startswith("cli ")
    (tmp_path / "bad.json").write_text('{"yearly_target": -1}', encoding="utf-8")
    bad = run(home, database_url, "set-rules", str(tmp_path / "bad.json"), "--year", "2026")
    assert bad.exit_code == 1 and "bad.json" in bad.output and "yearly_target" in bad.output

    refreshed = run(home, database_url, "refresh", "--year", "2026")
    assert refreshed.exit_code == 0 and refreshed.output.startswith("0 ")

    book = Workbook()
    book.active.append(["警号", "姓名", "活动类型", "活动名称", "日期", "学时"])  # type: ignore[union-attr]
    book.active.append(["A002", "李四", "旁听庭审", "旁听庭审", "2026-05-20", 4])  # type: ignore[union-attr]
    book.active.append(["B001", "王五", "模拟执法", "模拟执法", "2026-06-20", 25])  # type: ignore[union-attr]
    book.save(tmp_path / "活动.xlsx")
    refused = run(home, database_url, "import", str(tmp_path / "活动.xlsx"))
    assert refused.exit_code == 1 and "第 3 行：学时 25 超过规则允许的上限 8" in refused.output
    book.active.delete_rows(3)  # type: ignore[union-attr]
    book.save(tmp_path / "活动.xlsx")
    imported = run(home, database_url, "import", str(tmp_path / "活动.xlsx"))
    assert imported.exit_code == 0 and "1 项活动，1 人次" in imported.output

    officer = json.loads(run(home, database_url, "report", "--year", "2026", "--officer", "a002", "--json").output)
    assert officer["total"] == 4.0 and officer["target"] == 50.0 and officer["by_source"]["activity"] == 4.0
    assert officer["entries"][0]["day"] == "2026-05-20" and officer["entries"][0]["kind"] == "旁听庭审"
    unit = json.loads(run(home, database_url, "report", "--year", "2026", "--unit", "一支队", "--json").output)
    assert [o["officer"]["officer_id"] for o in unit["officers"]] == ["A001", "A002"]
    city = json.loads(run(home, database_url, "report", "--year", "2026", "--json").output)
    assert {u["unit"]: u["mean"] for u in city["units"]}["一大队"] == 4.0
    text = run(home, database_url, "report", "--year", "2026", "--unit", "一大队")
    assert "旁听庭审：已完成" in text.output
    missing = run(home, database_url, "report", "--year", "2026", "--unit", "三支队")
    assert missing.exit_code == 1 and "三支队" in missing.output

    assert run(home, database_url, "export", "--year", "2026", "--xlsx", str(tmp_path / "学时.xlsx")).exit_code == 0
    assert load_workbook(tmp_path / "学时.xlsx").sheetnames == ["人员", "单位", "年度活动"]
    pdf = run(home, database_url, "pdf", "--year", "2026", "--unit", "一支队", str(tmp_path / "一支队.pdf"))
    assert pdf.exit_code == 0 and (tmp_path / "一支队.pdf").read_bytes().startswith(b"%PDF")
    plan = run(home, database_url, "plan", "--year", "2027", "--unit", "二支队", "--docx", str(tmp_path / "计划.docx"))
    assert plan.exit_code == 0
    assert "二支队2027年度学法培训计划" in Document(str(tmp_path / "计划.docx")).paragraphs[0].text
