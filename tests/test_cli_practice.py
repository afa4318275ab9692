"""`xuefa practice` and the `xuefa bank` commands that read the knowledge base (import with checked sources,
recheck after a new version of a law), on real files, a real Chroma and the bundled embedding model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import RULE_V1, RULE_V2, run

pytestmark = pytest.mark.xdist_group("kb")

LAW = "公路超限检测站管理示例规定"


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    rule = tmp_path / "rule.md"
    rule.write_text(RULE_V1, encoding="utf-8")
    assert run(home, "ingest", str(rule))[0] == 0
    return home


def test_practice_new_keeps_a_verified_set_in_the_bank(home: Path) -> None:
    code, out = run(home, "practice", "new", "--count", "3", "--law", LAW, "--type", "judge", "--json")
    made = json.loads(out)
    assert code == 0 and made and all(q["type"] == "judge" and q["id"] for q in made)
    assert all(s["law"] == LAW for q in made for s in q["source"])
    listed = json.loads(run(home, "bank", "list", "--json")[1])
    assert [q["id"] for q in listed] == [q["id"] for q in made]
    code, out = run(home, "practice", "new", "--law", "道路交通安全法")
    assert code == 1 and "道路交通安全法" in out


def test_practice_checklist_makes_questions_item_by_item_and_remembers_them(home: Path, tmp_path: Path) -> None:
    checklist = tmp_path / "清单.md"
    checklist.write_text(
        "# 超限检测应知应会\n\n## 一、处罚\n\n"
        f"问：拒绝超限检测的罚款上限是多少？\n答：由公路管理机构处三万元以下的罚款。\n依据：《{LAW}》第三条\n\n"
        f"问：超限运输车辆拒不卸载的怎么办？\n答：公路管理机构可以依法扣留车辆。\n依据：《{LAW}》第四条\n\n"
        "问：个人所得税怎么交？\n答：按税法。\n依据：《中华人民共和国个人所得税法》第二条\n", encoding="utf-8")
    code, out = run(home, "practice", "checklist", str(checklist))
    assert code == 0, out
    assert "超限检测应知应会: 3 items" in out and "3 answered questions remembered" in out
    assert "1 items cites no article of the knowledge base: 3" in out
    questions = json.loads(run(home, "bank", "list", "--json")[1])
    assert questions and {q["checklist_item"] for q in questions} <= {"超限检测应知应会#1", "超限检测应知应会#2"}
    assert json.loads(run(home, "memory", "list", "--json")[1]) == {"清单：超限检测应知应会": 3}

    code, out = run(home, "practice", "checklist", str(checklist))
    assert code == 0 and "(0 new in the bank), 0 answered questions remembered" in out
    pdf = tmp_path / "清单.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    code, out = run(home, "practice", "checklist", str(pdf))
    assert code == 1 and "清单.pdf" in out and "不支持的清单格式" in out


def test_bank_import_checks_sources_and_recheck_flags_changed_articles(home: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "题库.csv"
    sheet.write_text(
        "题型,题干,答案,出处\n"
        "判断题,车辆超限运输拒不接受检测的，处三万元以下的罚款。,正确,《公路超限检测站管理示例规定》第三条\n"
        "判断题,超限检测站应当悬挂标志。,正确,《公路超限检测站管理示例规定》第2条\n", encoding="utf-8")
    code, out = run(home, "bank", "import", str(sheet), "--approve")
    assert code == 0 and "2 questions read, 2 new in the bank (approved)" in out
    unknown = tmp_path / "外法.csv"
    unknown.write_text("题型,题干,答案,出处\n判断题,某题。,正确,《中华人民共和国个人所得税法》第二条\n", encoding="utf-8")
    code, out = run(home, "bank", "import", str(unknown))
    assert code == 1 and "外法.csv: row 2: source" in out and "is not in the knowledge base" in out
    assert run(home, "bank", "import", str(unknown), "--no-check")[0] == 0

    code, out = run(home, "bank", "recheck")
    assert code == 0 and "0 questions newly flagged" in out
    newer = tmp_path / "rule-2021.md"
    newer.write_text(RULE_V2, encoding="utf-8")
    assert run(home, "ingest", str(newer))[0] == 0
    code, out = run(home, "bank", "recheck")
    assert code == 0 and "1 questions newly flagged for review; 1 await review" in out
    code, out = run(home, "bank", "list", "--review", "--json")
    (flagged,) = json.loads(out)
    assert flagged["stem"].startswith("车辆超限运输") and flagged["status"] == "draft"
    assert flagged["needs_review"] == "article text changed"
