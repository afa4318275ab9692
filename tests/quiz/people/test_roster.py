"""The officers' roster from real XLSX and CSV files: officers inserted or updated by 警号 in one go, or the
whole file refused with every bad row and its reason, and nothing stored changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.people.accounts import Accounts
from quiz.people.models import AccessDenied, AccountInfo, Actor, Role, RosterImport, RosterImportError
from quiz.people.roster import leader_from_title
from tests.quiz.people.conftest import sign_in_as, write_roster


def snapshot(accounts: Accounts, actor: Actor) -> list[AccountInfo]:
    return accounts.accounts(actor)


def test_a_good_roster_adds_then_updates(accounts: Accounts, city: Actor, units: list[str], tmp_path: Path) -> None:
    first = write_roster(tmp_path / "名单.xlsx", [
        [1001, "张 三", "一大队", "副大队长", None],
        ["a-02", "李四", "一大队", "科员", ""],
        ["1003", "王五", "二大队", "办公室主任科员", None],
        ["1004", "赵六", "二支队", "", "是"],
    ], title="2026 年度执法人员名单")
    assert accounts.import_roster(city, first, client="10.0.0.1") == RosterImport(4, 0, 0)
    found = {a.login: a for a in accounts.accounts(city, role=Role.OFFICER)}
    assert {k: (a.name, a.unit, a.title, a.leader, a.has_password) for k, a in found.items()} == {
        "1001": ("张三", "一大队", "副大队长", True, False),
        "A-02": ("李四", "一大队", "科员", False, False),
        "1003": ("王五", "二大队", "办公室主任科员", False, False),
        "1004": ("赵六", "二支队", "", True, False),
    }
    accounts.deactivate(city, "1004")
    second = write_roster(tmp_path / "名单2.xlsx", [
        [1001, "张三", "一大队", "副大队长", "是"],
        ["A-02", "李四", "二大队", "科员", "否"],
        ["1004", "赵六", "二支队", "", "是"],
        ["1005", "孙七", "二支队", "", ""],
    ])
    assert accounts.import_roster(city, second) == RosterImport(added=1, updated=2, unchanged=1)
    moved, back = accounts.officer("a-02"), accounts.officer("1004")
    assert moved is not None and moved.unit == "二大队" and moved.leader is False
    assert back is not None and back.active, "on the roster again: active again"
    assert [u.officers for u in accounts.units()] == [0, 0, 1, 2, 2]
    imported = accounts.audit(city, action="roster_imported")
    assert [(e.target, e.detail, e.login) for e in imported] == [
        ("名单2.xlsx", "新增 1 人，更新 2 人，未变 1 人", "admin"), ("名单.xlsx", "新增 4 人，更新 0 人，未变 0 人", "admin")]
    assert imported[1].client == "10.0.0.1"


def test_every_bad_row_is_named_and_nothing_changes(accounts: Accounts, city: Actor, units: list[str],
                                                    tmp_path: Path) -> None:
    accounts.add_account(city, "9001", "原有", Role.OFFICER, unit="二支队")
    accounts.add_account(city, "9002", "本单位", Role.OFFICER, unit="一大队")
    accounts.add_account(city, "ADMIN9", "管理员", Role.UNIT_ADMIN, unit="一大队")
    admin = sign_in_as(accounts, city, "zhidui1", Role.UNIT_ADMIN, "一支队")
    before = snapshot(accounts, city)
    bad = write_roster(tmp_path / "bad.xlsx", [
        ["1", "甲", "一大队", "", ""],          # 2: good
        ["", "乙", "一大队", "", ""],           # 3: no 警号
        ["3", "", "一大队", "", ""],            # 4: no name
        ["4", "丁", "", "", ""],                # 5: no unit
        ["5", "戊", "三大队", "", ""],          # 6: unknown unit
        ["6", "己", "二支队", "", ""],          # 7: outside the admin's units
        ["1", "庚", "一大队", "", ""],          # 8: 警号 twice
        ["9001", "辛", "一大队", "", ""],       # 9: an account of another unit
        ["admin9", "壬", "一大队", "", ""],     # 10: an administrator's login
        ["10", "癸", "一大队", "", "也许"],     # 11: neither yes nor no
        ["9002", "本单位", "二大队", "", ""],   # 12: good (moves within the admin's units)
        [None, None, None, None, None],        # 13: empty, skipped
        ["<b>1", "子", "一大队", "", ""],       # 14: a symbol a page would read
    ])
    with pytest.raises(RosterImportError) as e:
        accounts.import_roster(admin, bad, client="10.3.3.3")
    problems = [(p.row, p.reason) for p in e.value.problems]
    assert problems == [
        (3, "缺少警号（姓名：乙）"),
        (4, "警号 3 缺少姓名"),
        (5, "警号 4 缺少单位"),
        (6, "单位“三大队”不存在（请先添加该单位，或选择自动创建单位）"),
        (7, "单位“二支队”不在您管理的范围内"),
        (8, "警号 1 重复（与第 2 行相同）"),
        (9, "警号 9001 已是其他单位的人员，请由市级管理员调整其单位"),
        (10, "警号 ADMIN9 已是管理员账号，不能作为执法人员导入"),
        (11, "警号 10 的“领导班子成员”应填“是”或“否”"),
        (14, "警号含有不能使用的符号（如尖括号、引号、斜杠）"),
    ]
    message = str(e.value)
    assert message.startswith("名单 bad.xlsx 无法导入：10 行有问题，整份名单未导入。")
    assert "第 6 行：单位“三大队”不存在" in message
    assert "二支队" not in problems[6][1], "another unit's account is not named"
    assert snapshot(accounts, city) == before
    assert [u.name for u in accounts.units()] == units
    refused = accounts.audit(city, action="roster_refused")
    assert len(refused) == 1 and refused[0].login == "zhidui1" and refused[0].client == "10.3.3.3"
    assert "第 11 行" in refused[0].detail


def test_create_units_below_the_unit_admin(accounts: Accounts, city: Actor, units: list[str],
                                           tmp_path: Path) -> None:
    admin = sign_in_as(accounts, city, "dadui1", Role.UNIT_ADMIN, "一大队")
    path = write_roster(tmp_path / "r.csv", [])
    path.write_text("执法证号（必填）,姓名,所属单位\n501,甲,一中队\n502,乙,一大队\n", encoding="utf-8-sig")
    assert accounts.import_roster(admin, path, create_units=True) == RosterImport(2, 0, 0)
    assert accounts.scope_of("一大队").units == frozenset({"一大队", "一中队"})
    accounts.import_roster(city, write_roster(tmp_path / "c.xlsx", [["601", "丙", "新单位", "", ""]]),
                           create_units=True)
    assert next(u for u in accounts.units() if u.name == "新单位").parent == ""


@pytest.mark.parametrize(("name", "content", "message"), [
    ("r.csv", "姓名,单位\n甲,一队\n", "没有找到表头"),
    ("r.csv", "警号,姓名\n1,甲\n", "没有找到“单位”列"),
    ("r.csv", "警号,姓名,单位\n", "名单中没有人员"),
    ("r.xls", "x", ".xls"),
    ("r.xlsx", "not a zip", "无法读取"),
])
def test_unreadable_rosters_are_named(accounts: Accounts, city: Actor, tmp_path: Path, name: str, content: str,
                                      message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RosterImportError, match=message) as e:
        accounts.import_roster(city, path)
    assert name in str(e.value)


def test_an_officer_may_not_import(accounts: Accounts, city: Actor, units: list[str], tmp_path: Path) -> None:
    officer = sign_in_as(accounts, city, "7001", Role.OFFICER, "一大队")
    with pytest.raises(AccessDenied):
        accounts.import_roster(officer, write_roster(tmp_path / "r.xlsx", [["1", "甲", "一大队", "", ""]]))


@pytest.mark.parametrize(("title", "leader"), [
    ("局长", True), ("副支队长", True), ("大队长", True), ("党委书记", True), ("政委", True), ("教导员", True),
    ("中队长", False), ("副中队长", False), ("主任科员", False), ("四级主任科员", False), ("科员", False), ("", False),
])
def test_leaders_from_their_title(title: str, leader: bool) -> None:
    assert leader_from_title(title) is leader
