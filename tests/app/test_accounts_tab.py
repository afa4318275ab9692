"""The 账号 page (issue 13): units, accounts and the audit as HTML; the app's handlers keeping a unit
administrator to its units (accounts, passwords, deactivation, the roster) on SQLite and PostgreSQL; and in
Debian's Chromium at desktop size a roster refused row by row, then imported, an account added, a password
reset, an account deactivated, and the audit naming who, what, when and from where."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from kb.base import KnowledgeBase
from quiz.people.accounts import Accounts
from quiz.people.models import Role
from tests.app.browser import choose_file, visit
from tests.app.hours_site import (
    EAST,
    FIRST_PASSWORD,
    NEW_PASSWORD,
    WEST,
    HoursSite,
    make_site,
    signed_in,
    write_sheet,
)
from xuefa.app.accounts_html import accounts_html, audit_html
from xuefa.app.state import Services
from xuefa.app.ui import build_app

ROSTER_HEADER = ["警号", "姓名", "单位", "职务"]
UPDATE_MS = 30_000


@pytest.fixture()
def site(app_kb: KnowledgeBase, tmp_path: Path, database_url: str) -> Iterator[HoursSite]:
    made = make_site(app_kb, tmp_path, database_url)
    yield made
    made.close()


def handlers(services: Services) -> dict[str, Any]:
    demo = build_app(services)
    return {str(f.name): f.fn for f in demo.fns.values()}


def test_accounts_and_the_audit_as_html(site: HoursSite) -> None:
    city = Accounts.system_actor()
    site.accounts.add_account(city, "100009", "<b>赵六</b>", Role.OFFICER, unit=EAST)
    site.accounts.deactivate(city, "200001", client="10.1.2.3")
    page = accounts_html(site.accounts.accounts(city), site.accounts.clock())
    assert "&lt;b&gt;赵六&lt;/b&gt;" in page and "<b>赵六" not in page
    assert page.count("<tr") == 1 + 6 and "未设密码" in page and "已停用" in page and "待改初始密码" in page
    audit = audit_html(site.accounts.audit(city))
    assert "停用账号" in audit and "10.1.2.3" in audit and "200001" in audit and "添加账号" in audit


def test_a_unit_admins_handlers_keep_to_its_units(site: HoursSite, tmp_path: Path) -> None:
    fns = handlers(site.services)
    east = signed_in(site.accounts, "east")
    shown = fns["accounts_session"](east)
    listing = shown[7]
    assert "100001" in listing and "200001" not in listing and "west" not in listing
    assert fns["list_accounts"](None, east, WEST)[0] == gr.skip(), "another unit's accounts: nothing shown"

    refused = fns["add_account"](None, east, "100010", "钱七", Role.OFFICER.value, WEST, "", False, "")
    assert "无权操作" in refused[0] and site.accounts.officer("100010") is None
    assert "无权操作" in fns["reset_password"](None, east, "200001", "另一个-口令-99")[0]
    assert "无权操作" in fns["deactivate_account"](None, east, "200001")[0]
    assert site.accounts.officer("200001").active  # type: ignore[union-attr]
    roster = write_sheet(tmp_path / "名单.xlsx", ROSTER_HEADER, [["100011", "孙八", EAST, ""],
                                                                  ["200011", "周九", WEST, ""]])
    outputs = list(fns["import_roster_sheet"](None, east, str(roster), False))[-1]
    assert "第 3 行：单位“西区大队”不在您管理的范围内" in outputs[0]
    assert site.accounts.officer("100011") is None, "nothing stored"

    added = fns["add_account"](None, east, "100010", "钱七", Role.OFFICER.value, EAST, "执法队员", False, "")
    assert "已添加执法人员账号 100010（钱七）" in added[0] and "100010" in added[4]
    assert "已重置 100010 的密码" in fns["reset_password"](None, east, "100010", "钱七的-口令-2026")[0]
    assert "已停用账号 100010" in fns["deactivate_account"](None, east, "100010")[0]
    assert not site.accounts.officer("100010").active  # type: ignore[union-attr]
    mine = [(e.login, e.action, e.target) for e in site.accounts.audit(site.accounts.actor(east))  # type: ignore[arg-type]
            if e.login == "east" and e.action in ("account_added", "password_set", "account_deactivated")]
    assert mine == [("east", "account_deactivated", "100010"), ("east", "password_set", "100010"),
                    ("east", "account_added", "100010")]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_unit_admin_manages_its_accounts_in_the_browser(
    browser: Any, serve_app: Any, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    site = make_site(app_kb, tmp_path)
    signed_in(site.accounts, "east")
    bad = write_sheet(tmp_path / "东区名单-有误.xlsx", ROSTER_HEADER, [
        ["100021", "吴一", EAST, "执法队员"],
        ["", "郑二", EAST, "执法队员"],
        ["100022", "王三", "不存在的大队", ""],
        ["100021", "吴一", EAST, "执法队员"],
    ])
    good = write_sheet(tmp_path / "东区名单.xlsx", ROSTER_HEADER, [
        ["100021", "吴一", EAST, "执法队员"],
        ["100023", "冯四", EAST, "副大队长"],
    ])
    with visit(browser, serve_app(site.services), "desktop") as v:
        page = v.page
        v.tap(page.get_by_role("tab", name="账号"))
        page.locator("#xf-acc-login-panel-account textarea").fill("east")
        page.locator("#xf-acc-login-password input").fill(NEW_PASSWORD)
        v.tap(page.locator("#xf-acc-login-btn"))
        listing = page.locator("#xf-acc-table")
        listing.wait_for(timeout=UPDATE_MS)
        assert "100001" in listing.inner_text() and WEST not in page.locator("#xf-accounts").inner_text()

        choose_file(page, "#xf-acc-roster-file", bad)
        v.tap(page.locator("#xf-acc-load"))
        refused = page.locator("#xf-acc-roster-report .xf-refused")
        refused.wait_for(timeout=UPDATE_MS)
        text = refused.inner_text()
        assert "第 3 行：缺少警号" in text and "第 4 行：单位“不存在的大队”不存在" in text and "第 5 行：警号 100021 重复" in text
        assert site.accounts.officer("100021") is None, "nothing stored from a roster with a bad row"
        v.shot("44-accounts-refused", full_page=True)

        page.locator("#xf-acc-roster-file input[type=file]").wait_for(state="attached", timeout=UPDATE_MS)
        choose_file(page, "#xf-acc-roster-file", good)
        v.tap(page.locator("#xf-acc-load"))
        page.locator("#xf-acc-roster-report", has_text="新增 2 人").wait_for(timeout=UPDATE_MS)
        page.locator("#xf-acc-table", has_text="冯四").wait_for(timeout=UPDATE_MS)

        v.tap(page.locator("#xf-acc-new").get_by_text("添加账号"))
        page.locator("#xf-acc-login textarea").fill("100031")
        page.locator("#xf-acc-name textarea").fill("陈五")
        page.locator("#xf-acc-password input").fill(FIRST_PASSWORD)
        v.tap(page.locator("#xf-acc-add"))
        page.locator("#xf-acc-message", has_text="已添加执法人员账号 100031（陈五）").wait_for(timeout=UPDATE_MS)
        page.locator("#xf-acc-table", has_text="陈五").wait_for(timeout=UPDATE_MS)
        v.tap(page.locator("#xf-acc-manage").get_by_text("重置密码 / 停用账号"))
        page.locator("#xf-acc-target textarea").fill("100023")
        page.locator("#xf-acc-new-password input").fill(FIRST_PASSWORD)
        v.tap(page.locator("#xf-acc-reset"))
        page.locator("#xf-acc-message", has_text="已重置 100023 的密码").wait_for(timeout=UPDATE_MS)
        page.locator("#xf-acc-target textarea").fill("100021")
        v.tap(page.locator("#xf-acc-deactivate"))
        page.locator("#xf-acc-message", has_text="已停用账号 100021").wait_for(timeout=UPDATE_MS)
        v.tap(page.locator("#xf-acc-audit").get_by_text("操作记录"))
        audit = page.locator("#xf-acc-audit-table")
        audit.wait_for(timeout=UPDATE_MS)
        assert "导入名单" in audit.inner_text() and "名单被拒" in audit.inner_text()
        assert "127.0.0.1" in audit.inner_text()
        v.shot("45-accounts", full_page=True)
    assert site.accounts.sign_in("100023", FIRST_PASSWORD).actor.must_change_password
    added = site.accounts.sign_in("100031", FIRST_PASSWORD).actor
    assert (added.unit, added.role, added.must_change_password) == (EAST, Role.OFFICER, True)
    assert not site.accounts.officer("100021").active  # type: ignore[union-attr]
    site.close()
