"""`xuefa exam` and `xuefa contest` with ``--unit`` (issue 13): created for a unit, listed by a unit and the
units below it, an unknown unit refused; a real SQLite home through CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from xuefa.cli import cli


def run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_exams_and_contests_of_a_unit(tmp_path: Path) -> None:
    home = tmp_path / "home"
    blueprint = tmp_path / "蓝图.yaml"
    blueprint.write_text("duration_min: 30\npoints: {判断: 5}\nitems:\n  - {type: 判断, count: 1}\n", encoding="utf-8")
    assert run(home, "users", "add-unit", "东区大队")[0] == 0
    assert run(home, "users", "add-unit", "东区一中队", "--parent", "东区大队")[0] == 0
    assert run(home, "users", "add-unit", "西区大队")[0] == 0
    assert run(home, "exam", "create", "全市考试", "--blueprint", str(blueprint))[0] == 0
    assert run(home, "exam", "create", "中队考试", "--blueprint", str(blueprint), "--unit", "东区一中队")[0] == 0
    assert run(home, "exam", "create", "西区考试", "--blueprint", str(blueprint), "--unit", "西区大队")[0] == 0
    code, out = run(home, "exam", "create", "无名考试", "--blueprint", str(blueprint), "--unit", "北区大队")
    assert code != 0 and "没有名为“北区大队”的单位" in out
    listed = json.loads(run(home, "exam", "list", "--json")[1])
    assert [(e["title"], e["unit"]) for e in listed] == [("西区考试", "西区大队"), ("中队考试", "东区一中队"),
                                                         ("全市考试", "")]
    assert [e["title"] for e in json.loads(run(home, "exam", "list", "--json", "--unit", "东区大队")[1])] == ["中队考试"]
    code, out = run(home, "exam", "list", "--unit", "西区大队")
    assert code == 0 and "西区考试  西区大队" in out and "1 exams" in out

    code, out = run(home, "contest", "create", "东区竞赛", "--team", "甲", "--team", "乙", "--unit", "东区大队")
    assert code == 0, out
    assert run(home, "contest", "create", "全市竞赛", "--team", "甲", "--team", "乙")[0] == 0
    contests = json.loads(run(home, "contest", "list", "--json")[1])
    assert sorted((c["name"], c["unit"]) for c in contests) == [("东区竞赛", "东区大队"), ("全市竞赛", "")]
    mine = json.loads(run(home, "contest", "list", "--json", "--unit", "东区大队")[1])
    assert [c["name"] for c in mine] == ["东区竞赛"]
    assert "0 contests" in run(home, "contest", "list", "--unit", "东区一中队")[1], "a unit below sees none above"
