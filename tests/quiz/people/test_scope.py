"""Roles and units through the real service: a unit administrator acts on its unit and the units below it
only, never makes a city administrator; the audit says who did what, when and from where, in scope."""

from __future__ import annotations

import pytest

from quiz.people.accounts import Accounts
from quiz.people.models import AccessDenied, AccountError, Actor, Role, Scope, UnitInfo
from tests.quiz.people.conftest import HandClock, sign_in_as


def test_units_form_a_tree(accounts: Accounts, units: list[str]) -> None:
    accounts.add_unit("一大队", "一支队")  # again: nothing happens
    assert accounts.units() == [UnitInfo("市局", "", 0), UnitInfo("一支队", "市局", 0),
                                UnitInfo("一大队", "一支队", 0), UnitInfo("二大队", "一支队", 0),
                                UnitInfo("二支队", "市局", 0)]
    assert accounts.scope_of("一支队") == Scope(frozenset({"一支队", "一大队", "二大队"}))
    assert accounts.scope_of(" 二 支队") == Scope(frozenset({"二支队"}))
    assert [u.name for u in accounts.units(accounts.scope_of("一支队"))] == ["一支队", "一大队", "二大队"]
    with pytest.raises(AccountError, match="没有名为“三支队”的单位"):
        accounts.scope_of("三支队")
    with pytest.raises(AccountError, match="已存在，上级单位是“一支队”"):
        accounts.add_unit("一大队", "二支队")
    with pytest.raises(AccountError, match="上级单位“三支队”不存在"):
        accounts.add_unit("三大队", "三支队")


def test_a_unit_admin_acts_in_its_subtree_only(accounts: Accounts, city: Actor, units: list[str]) -> None:
    admin = sign_in_as(accounts, city, "zhidui1", Role.UNIT_ADMIN, "一支队")
    assert admin.scope == Scope(frozenset({"一支队", "一大队", "二大队"}))
    assert admin.may("二大队") and not admin.may("二支队") and not admin.may("")
    accounts.add_account(admin, "1001", "甲", Role.OFFICER, unit="一大队", client="10.0.0.5")
    accounts.add_account(admin, "dadui2", "乙", Role.UNIT_ADMIN, unit="二大队", password="二大队管理员密码")
    accounts.add_account(city, "2001", "丙", Role.OFFICER, unit="二支队")
    with pytest.raises(AccessDenied, match="不属于您管理的单位"):
        accounts.add_account(admin, "1002", "丁", Role.OFFICER, unit="二支队")
    with pytest.raises(AccessDenied, match="市级管理员"):
        accounts.add_account(admin, "boss", "戊", Role.CITY_ADMIN)
    with pytest.raises(AccessDenied):
        accounts.set_password(admin, "2001", "另一个单位的密码")
    with pytest.raises(AccessDenied):
        accounts.deactivate(admin, "2001")
    with pytest.raises(AccessDenied):
        accounts.set_password(admin, "admin", "城市管理员的密码")
    with pytest.raises(AccessDenied):
        accounts.accounts(admin, unit="二支队")
    with pytest.raises(AccessDenied):
        accounts.add_unit("一中队", "二支队", actor=admin)
    accounts.add_unit("一中队", "一大队", actor=admin)
    assert {a.login for a in accounts.accounts(admin)} == {"zhidui1", "1001", "dadui2"}
    assert [a.login for a in accounts.accounts(admin, unit="一大队")] == ["1001"]
    assert [a.login for a in accounts.accounts(admin, role=Role.UNIT_ADMIN)] == ["zhidui1", "dadui2"]
    assert {a.login for a in accounts.accounts(city)} == {"admin", "zhidui1", "1001", "dadui2", "2001"}
    assert [a.login for a in accounts.accounts(city, unit="")] == ["admin"]
    lower = accounts.sign_in("dadui2", "二大队管理员密码").actor
    assert lower.must_change_password
    with pytest.raises(AccessDenied, match="修改初始密码"):
        accounts.accounts(lower)


def test_an_account_needs_a_known_unit_and_a_free_login(accounts: Accounts, city: Actor,
                                                        units: list[str]) -> None:
    with pytest.raises(AccountError, match="需要填写所属单位"):
        accounts.add_account(city, "3001", "甲", Role.OFFICER)
    with pytest.raises(AccountError, match="单位“三支队”不存在"):
        accounts.add_account(city, "3001", "甲", Role.OFFICER, unit="三支队")
    info = accounts.add_account(city, "ab-9", "甲", Role.OFFICER, unit="二支队", title="副大队长", leader=True)
    assert (info.login, info.unit, info.title, info.leader, info.has_password) == ("AB-9", "二支队", "副大队长",
                                                                                  True, False)
    assert accounts.officer(" ab-9") == info
    assert accounts.officer("nobody") is None
    with pytest.raises(AccountError, match="已存在"):
        accounts.add_account(city, "AB-9", "乙", Role.OFFICER, unit="二支队")
    with pytest.raises(AccountError, match="已存在"):
        accounts.add_account(city, "ab-9", "乙", Role.UNIT_ADMIN, unit="二支队")
    assert accounts.units(accounts.scope_of("二支队")) == [UnitInfo("二支队", "市局", 1)]


def test_the_audit_says_who_what_when_where(accounts: Accounts, city: Actor, units: list[str],
                                            clock: HandClock) -> None:
    admin = sign_in_as(accounts, city, "zhidui2", Role.UNIT_ADMIN, "二支队")
    clock.advance(minutes=5)
    accounts.add_account(admin, "4001", "甲", Role.OFFICER, unit="二支队", client="10.2.2.2 Firefox")
    accounts.add_account(city, "4002", "乙", Role.OFFICER, unit="一大队", client="10.0.0.1")
    accounts.deactivate(city, "4002", client="10.0.0.1")
    accounts.record(admin, "exam_exported", target="2026 年度考试", detail="XLSX", client="10.2.2.2 Firefox")
    mine = accounts.audit(admin)
    assert [(e.login, e.action, e.target) for e in mine] == [
        ("zhidui2", "exam_exported", "2026 年度考试"), ("zhidui2", "account_added", "4001"),
        ("zhidui2", "password_changed", "zhidui2"), ("zhidui2", "sign_in", "zhidui2"),
        ("admin", "account_added", "zhidui2")]
    added = mine[1]
    assert (added.role, added.unit, added.client, added.at) == (Role.UNIT_ADMIN, "二支队", "10.2.2.2 Firefox",
                                                                clock.now)
    assert "执法人员 甲" in added.detail
    everything = accounts.audit(city)
    assert [e.action for e in everything[:2]] == ["exam_exported", "account_deactivated"]
    assert everything[1].unit == "一大队" and everything[1].target == "4002"
    assert [e.target for e in accounts.audit(city, action="account_added")] == ["4002", "4001", "zhidui2"]
    assert len(accounts.audit(city, limit=2)) == 2


def test_practice_records_of_an_administrator_stay_apart(accounts: Accounts, city: Actor) -> None:
    assert accounts.practice_user(city) == "account:admin"
    assert accounts.practice_user(Accounts.system_actor()) == "account:cli"
