"""Signing in through the real service: sessions that expire by the clock, lockout, the first password
change, the bootstrap administrator of the admin_password setting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.people.accounts import Accounts
from quiz.people.models import AccessDenied, AccountError, Actor, Role, Scope, SignInError, SignInReason
from quiz.people.tables import AccountRow, SessionRow
from tests.quiz.people.conftest import HandClock

PASSWORD = "初始密码-abc123"


@pytest.fixture()
def officer_login(accounts: Accounts, city: Actor, units: list[str]) -> str:
    accounts.add_account(city, " 0012 a ", "张 三", Role.OFFICER, unit="一大队", title="科员", password=PASSWORD)
    return "0012A"


def test_sign_in_out_and_the_actor_of_a_token(accounts: Accounts, officer_login: str) -> None:
    signed = accounts.sign_in("0012a", PASSWORD, client="10.1.1.7 Mobile Safari")
    actor = signed.actor
    assert (actor.login, actor.name, actor.role, actor.unit) == ("0012A", "张三", Role.OFFICER, "一大队")
    assert actor.must_change_password and not actor.admin
    assert actor.scope == Scope(frozenset({"一大队"}))
    assert accounts.actor(signed.token) == actor
    assert accounts.practice_user(actor) == "badge:0012A"
    with Session(accounts.engine) as s:
        stored = s.scalars(select(SessionRow).where(SessionRow.account_id == actor.account_id)).one()
        assert stored.token_hash != signed.token and len(stored.token_hash) == 64
        assert stored.client == "10.1.1.7 Mobile Safari"
        stored_hash = s.scalars(select(AccountRow.password_hash).where(AccountRow.login == "0012A")).one()
        assert stored_hash.startswith("$argon2id$") and PASSWORD not in stored_hash
    accounts.sign_out(signed.token)
    assert accounts.actor(signed.token) is None
    accounts.sign_out(signed.token)  # twice: nothing happens


@pytest.mark.parametrize("token", ["", "x" * 43, "x" * 5000])
def test_an_unknown_token_is_no_one(accounts: Accounts, token: str) -> None:
    assert accounts.actor(token) is None


def test_a_session_expires_by_the_clock(make_accounts: Callable[..., Accounts], city: Actor, units: list[str],
                                        clock: HandClock) -> None:
    accounts = make_accounts(session_hours=2)
    accounts.add_account(city, "77", "李四", Role.OFFICER, unit="二支队", password=PASSWORD)
    token = accounts.sign_in("77", PASSWORD).token
    clock.advance(hours=1, minutes=59)
    assert accounts.actor(token) is not None
    clock.advance(minutes=1)
    assert accounts.actor(token) is None
    with pytest.raises(AccountError, match="登录已过期"):
        accounts.change_password(token, PASSWORD, "另一个新密码xyz")


def test_unknown_login_and_wrong_password_read_the_same(accounts: Accounts, officer_login: str) -> None:
    with pytest.raises(SignInError) as unknown:
        accounts.sign_in("99999", PASSWORD)
    with pytest.raises(SignInError) as wrong:
        accounts.sign_in(officer_login, "不是这个密码123")
    assert str(unknown.value) == str(wrong.value) == "账号或密码不正确。"
    assert unknown.value.reason is wrong.value.reason is SignInReason.WRONG


def test_lockout_after_failures_and_unlock_by_time(make_accounts: Callable[..., Accounts], city: Actor,
                                                   units: list[str], clock: HandClock) -> None:
    accounts = make_accounts(lockout_failures=3, lockout_minutes=10)
    accounts.add_account(city, "501", "王五", Role.OFFICER, unit="一大队", password=PASSWORD)
    for _ in range(2):
        with pytest.raises(SignInError) as e:
            accounts.sign_in("501", "错的密码一二三四", client="10.9.9.9")
        assert e.value.reason is SignInReason.WRONG
    with pytest.raises(SignInError) as e:
        accounts.sign_in("501", "错的密码一二三四", client="10.9.9.9")
    assert e.value.reason is SignInReason.LOCKED and e.value.minutes_left == 10
    assert "10 分钟后再试" in str(e.value)
    clock.advance(minutes=6)
    with pytest.raises(SignInError) as e:
        accounts.sign_in("501", PASSWORD)  # the right password while locked is refused too
    assert e.value.reason is SignInReason.LOCKED and e.value.minutes_left == 4
    clock.advance(minutes=4)
    assert accounts.sign_in("501", PASSWORD).actor.login == "501"
    entries = accounts.audit(city, action="sign_in_failed")
    assert len(entries) == 4 and {e.login for e in entries} == {"501"}
    assert all(e.unit == "一大队" for e in entries)
    locked = accounts.audit(city, action="locked")
    assert len(locked) == 1 and locked[0].client == "10.9.9.9"
    assert locked[0].at == clock.now - timedelta(minutes=10)


def test_a_success_resets_the_count(make_accounts: Callable[..., Accounts], city: Actor, units: list[str]) -> None:
    accounts = make_accounts(lockout_failures=2)
    accounts.add_account(city, "502", "赵六", Role.OFFICER, unit="一大队", password=PASSWORD)
    with pytest.raises(SignInError):
        accounts.sign_in("502", "错的密码一二三四")
    accounts.sign_in("502", PASSWORD)
    with pytest.raises(SignInError) as e:
        accounts.sign_in("502", "错的密码一二三四")
    assert e.value.reason is SignInReason.WRONG, "one failure after a success is not two in a row"


def test_first_sign_in_changes_the_password(accounts: Accounts, officer_login: str) -> None:
    token = accounts.sign_in(officer_login, PASSWORD).token
    other = accounts.sign_in(officer_login, PASSWORD).token
    for old, new, message in ((PASSWORD + "x", "新的密码甲乙丙丁", "原密码不正确"),
                              (PASSWORD, "short", "至少需要 8 个字符"),
                              (PASSWORD, "0012a", "至少"),
                              (PASSWORD, "aaaaaaaaaa", "同一个字符"),
                              (PASSWORD, PASSWORD, "不能与原密码相同")):
        with pytest.raises(AccountError, match=message):
            accounts.change_password(token, old, new)
    actor = accounts.change_password(token, PASSWORD, "新的密码甲乙丙丁")
    assert not actor.must_change_password
    assert accounts.actor(token) == actor, "this session goes on"
    assert accounts.actor(other) is None, "the other sessions end"
    with pytest.raises(SignInError):
        accounts.sign_in(officer_login, PASSWORD)
    assert not accounts.sign_in(officer_login, "新的密码甲乙丙丁").actor.must_change_password


def test_a_password_equal_to_the_login_is_refused(accounts: Accounts, city: Actor, units: list[str]) -> None:
    with pytest.raises(AccountError, match="不能与账号相同"):
        accounts.add_account(city, "zhang.wei", "张伟", Role.UNIT_ADMIN, unit="一支队", password="ZHANG.WEI")


def test_no_password_yet_and_deactivated(accounts: Accounts, city: Actor, units: list[str]) -> None:
    accounts.add_account(city, "601", "钱七", Role.OFFICER, unit="二大队")
    with pytest.raises(SignInError) as e:
        accounts.sign_in("601", "随便什么密码啊")
    assert e.value.reason is SignInReason.NO_PASSWORD and "尚未设置密码" in str(e.value)
    accounts.set_password(city, "601", "管理员设的密码1")
    signed = accounts.sign_in("601", "管理员设的密码1")
    assert signed.actor.must_change_password
    accounts.deactivate(city, "601")
    assert accounts.actor(signed.token) is None
    with pytest.raises(SignInError) as e:
        accounts.sign_in("601", "管理员设的密码1")
    assert e.value.reason is SignInReason.INACTIVE
    with pytest.raises(SignInError) as e:
        accounts.sign_in("601", "错误的密码啊啊啊")
    assert e.value.reason is SignInReason.WRONG, "a deactivated account says so only to its own password"


def test_an_admin_reset_lifts_a_lock_and_ends_sessions(make_accounts: Callable[..., Accounts], city: Actor,
                                                        units: list[str]) -> None:
    accounts = make_accounts(lockout_failures=1)
    accounts.add_account(city, "602", "孙八", Role.OFFICER, unit="二大队", password=PASSWORD)
    token = accounts.sign_in("602", PASSWORD).token
    with pytest.raises(SignInError):
        accounts.sign_in("602", "错误的密码啊啊啊")
    assert accounts.actor(token) is None, "a lock ends the sessions"
    accounts.set_password(city, "602", "重置后的密码123")
    assert accounts.sign_in("602", "重置后的密码123").actor.must_change_password


def test_bootstrap_admin_on_an_empty_database(make_accounts: Callable[..., Accounts]) -> None:
    accounts = make_accounts(bootstrap_password="设置里的口令123")
    signed = accounts.sign_in("ADMIN", "设置里的口令123", client="127.0.0.1")
    actor = signed.actor
    assert (actor.login, actor.role, actor.unit, actor.scope) == ("admin", Role.CITY_ADMIN, "", Scope.everything())
    assert not actor.must_change_password and actor.admin
    assert accounts.actor(signed.token) == actor
    with pytest.raises(AccountError, match="admin_password"):
        accounts.change_password(signed.token, "设置里的口令123", "我自己的新口令456")
    with pytest.raises(AccountError, match="保留"):
        accounts.add_account(actor, "admin", "又一个", Role.CITY_ADMIN)
    accounts.add_unit("一大队")
    for login in ("Admin", "CLI"):
        with pytest.raises(AccountError, match="保留"):
            accounts.add_account(actor, login, "又一个", Role.OFFICER, unit="一大队")
    assert [e.action for e in accounts.audit(actor)] == ["sign_in"]


def test_a_changed_setting_is_the_password(make_accounts: Callable[..., Accounts]) -> None:
    make_accounts(bootstrap_password="旧的口令old1").sign_in("admin", "旧的口令old1")
    changed = make_accounts(bootstrap_password="新的口令new2")
    token = changed.sign_in("admin", "新的口令new2").token
    assert changed.actor(token) is not None
    with pytest.raises(SignInError) as e:
        changed.sign_in("admin", "旧的口令old1")
    assert e.value.reason is SignInReason.WRONG
    cleared = make_accounts(bootstrap_password="")
    with pytest.raises(SignInError) as e:
        cleared.sign_in("admin", "新的口令new2")
    assert e.value.reason is SignInReason.NO_PASSWORD
    assert cleared.actor(token) is None, "an emptied setting ends the bootstrap account's sessions"


def test_an_officer_may_not_administer(accounts: Accounts, officer_login: str) -> None:
    token = accounts.sign_in(officer_login, PASSWORD).token
    officer = accounts.change_password(token, PASSWORD, "新的密码甲乙丙丁")
    with pytest.raises(AccessDenied, match="只有管理员"):
        accounts.add_account(officer, "603", "周九", Role.OFFICER, unit="一大队")
    with pytest.raises(AccessDenied):
        accounts.audit(officer)
    with pytest.raises(AccessDenied):
        accounts.accounts(officer)


def test_an_unknown_login_checks_a_dummy_hash(accounts: Accounts) -> None:
    assert "_dummy_hash" not in vars(accounts.passwords)
    with pytest.raises(SignInError):
        accounts.sign_in("nobody", "什么密码都行啊")
    assert "_dummy_hash" in vars(accounts.passwords), "the time of a real hash check was spent"


def test_a_weaker_hash_is_renewed_at_sign_in(accounts: Accounts, officer_login: str) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1).hash(PASSWORD)
    info = accounts.officer(officer_login)
    assert info is not None
    with Session(accounts.engine) as s:
        s.get_one(AccountRow, info.id).password_hash = weak
        s.commit()
    accounts.sign_in(officer_login, PASSWORD)
    with Session(accounts.engine) as s:
        renewed = s.scalars(select(AccountRow.password_hash).where(AccountRow.login == officer_login)).one()
    assert renewed != weak and not accounts.passwords.hasher.check_needs_rehash(renewed)
    assert accounts.sign_in(officer_login, PASSWORD).actor.login == officer_login
