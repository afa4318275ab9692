"""``xuefa users`` through click's CliRunner with ``--home tmp_path``, over a SQLite file or PostgreSQL
(``quiz.database_url`` in the home's settings.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from quiz.db import make_engine
from quiz.people.accounts import Accounts
from quiz.people.models import Role
from quiz.people.settings import AccountSettings
from tests.quiz.people.conftest import write_roster
from xuefa.cli import cli

ADMIN_PASSWORD = "命令行测试的口令1"


@pytest.fixture()
def home(tmp_path: Path, database_url: str) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.yaml").write_text(yaml.safe_dump(
        {"admin_password": ADMIN_PASSWORD, "quiz": {"database_url": database_url}}, allow_unicode=True),
        encoding="utf-8")
    return home


def run(home: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], input=stdin, catch_exceptions=False)
    return result.exit_code, result.output


def test_units_accounts_passwords_and_the_audit(home: Path, database_url: str) -> None:
    assert run(home, "users", "add-unit", "市局")[0] == 0
    assert run(home, "users", "add-unit", "一支队", "--parent", "市局")[0] == 0
    code, out = run(home, "users", "add-unit", "一大队", "--parent", "三支队")
    assert code == 1 and "上级单位“三支队”不存在" in out
    code, out = run(home, "users", "add", "zd1", "--name", "张三", "--role", "unit_admin", "--unit", "一支队",
                    "--password-stdin", stdin="支队管理员初始密码\n")
    assert code == 0 and "单位管理员" in out and "待改密码" in out
    code, out = run(home, "users", "add", "1001", "--name", "李四", "--role", "officer", "--unit", "一支队",
                    "--title", "支队长", "--leader")
    assert code == 0 and "未设密码" in out
    code, out = run(home, "users", "add", "1002", "--name", "王五", "--role", "officer", "--unit", "二支队")
    assert code == 1 and "单位“二支队”不存在" in out
    code, out = run(home, "users", "passwd", "1001", stdin="短\n短\n")
    assert code == 1 and "至少需要 8 个字符" in out
    code, out = run(home, "users", "passwd", "1001", stdin="李四的新密码abc\n李四的新密码abc\n")
    assert code == 0 and "已设置 1001" in out
    assert run(home, "users", "units")[1].splitlines() == ["市局  0 人", "  一支队  1 人"]
    assert json.loads(run(home, "users", "units", "--json")[1])[1] == {"name": "一支队", "parent": "市局",
                                                                       "officers": 1}
    listed = json.loads(run(home, "users", "list", "--unit", "市局", "--role", "officer", "--json")[1])
    assert [(a["login"], a["title"], a["leader"], a["has_password"]) for a in listed] == [
        ("1001", "支队长", True, True)]
    engine = make_engine(database_url)
    try:
        accounts = Accounts(engine, AccountSettings(), bootstrap_password=ADMIN_PASSWORD)
        assert accounts.sign_in("1001", "李四的新密码abc").actor.must_change_password
        assert accounts.sign_in("admin", ADMIN_PASSWORD).actor.role is Role.CITY_ADMIN
    finally:
        engine.dispose()
    assert run(home, "users", "deactivate", "1001")[0] == 0
    listed = json.loads(run(home, "users", "list", "--json")[1])
    assert [(a["login"], a["active"]) for a in listed] == [("admin", True), ("1001", False), ("zd1", True)]
    entries = json.loads(run(home, "users", "audit", "--json")[1])
    assert [e["action"] for e in entries[:3]] == ["account_deactivated", "sign_in", "password_set"]
    by_cli = [e for e in entries if e["login"] == "cli"]
    assert {e["action"] for e in by_cli} == {"unit_added", "account_added", "password_set", "account_deactivated"}
    assert all(e["client"].startswith("cli ") and e["role"] == "city_admin" for e in by_cli)
    assert "account_deactivated  1001" in run(home, "users", "audit", "--limit", "1")[1]


def test_roster_import_and_its_refusal(home: Path, tmp_path: Path) -> None:
    good = write_roster(tmp_path / "名单.xlsx", [["2001", "甲", "一大队", "", ""], ["2002", "乙", "二大队", "", ""]])
    code, out = run(home, "users", "import", str(good))
    assert code == 1 and "名单.xlsx" in out and "第 2 行：单位“一大队”不存在" in out and "第 3 行" in out
    code, out = run(home, "users", "import", str(good), "--create-units")
    assert code == 0 and "新增 2 人，更新 0 人，未变 0 人" in out
    bad = write_roster(tmp_path / "bad.xlsx", [["2001", "", "一大队", "", ""]])
    code, out = run(home, "users", "import", str(bad))
    assert code == 1 and "第 2 行：警号 2001 缺少姓名" in out
    assert [a["name"] for a in json.loads(run(home, "users", "list", "--json")[1])] == ["甲", "乙"]
