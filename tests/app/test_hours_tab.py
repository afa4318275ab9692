"""The 学时 tab (issue 13): the composition root's 学时 service and its audit, the HTML of real reports from a
real database, the handlers of the app refusing another unit, and in Debian's Chromium an officer at phone
size and the administrators at desktop size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from kb.base import KnowledgeBase
from quiz.db import AttemptRow
from quiz.hours import reports
from quiz.hours.activities import ActivityImportError
from quiz.hours.models import ActivityDraft, ActivityKind, Officer, Source
from quiz.hours.rules import HoursRules, RulesError
from quiz.hours.settings import HoursSettings
from quiz.people.accounts import Accounts
from quiz.people.models import Role
from tests.app.browser import choose_file, visit
from tests.app.conftest import ADMIN_PASSWORD
from tests.app.hours_site import (
    ACTIVITY_HEADER,
    EAST,
    FIRST_PASSWORD,
    NEW_PASSWORD,
    WEST,
    HandClock,
    HoursSite,
    make_site,
    signed_in,
    write_sheet,
)
from tests.app.test_practice import answer_current, open_practice
from xuefa.app.hours_html import (
    OFFICERS_SHOWN,
    city_report_html,
    officer_year_html,
    problems_html,
    unit_report_html,
)
from xuefa.app.rules_form import LABELS, rules_from_form, rules_values
from xuefa.app.state import Services
from xuefa.app.ui import build_app


def test_the_composition_root_builds_hours_audited_through_the_accounts(app_kb: KnowledgeBase,
                                                                          tmp_path: Path) -> None:
    from xuefa.services import build_services
    from xuefa.settings import Settings

    services = build_services(Settings(home=tmp_path, admin_password=ADMIN_PASSWORD), app_kb)
    try:
        hours, accounts = services.hours, services.accounts
        assert hours is not None and accounts is not None
        assert hours.engine is accounts.engine, "学时 read the accounts' and the practice's database"
        city = accounts.sign_in("admin", ADMIN_PASSWORD, "10.0.0.9").actor
        year = hours.today().year
        hours.set_rules(city, year, hours.rules(year).model_copy(update={"exam_hours": 3.0}))
        from_browser = hours.recording(lambda actor, action, target, detail: accounts.record(
            actor, action, target, detail, "10.0.0.7"))
        assert from_browser.rules(year).exam_hours == 3.0 and hours.record is not from_browser.record
        from_browser.plan_docx(city, year)
        entries = [(e.login, e.action, e.client) for e in accounts.audit(Accounts.system_actor())
                   if e.action.startswith("hours.")]
        assert entries == [("admin", "hours.export_plan", "10.0.0.7"), ("admin", "hours.set_rules", "")]
        assert accounts.officer("nobody") is None and Role.CITY_ADMIN is city.role
    finally:
        services.close()


# the HTML of real reports -----------------------------------------------------------------------------------


@pytest.fixture()
def site(app_kb: KnowledgeBase, tmp_path: Path, database_url: str) -> Iterator[HoursSite]:
    made = make_site(app_kb, tmp_path, database_url, HandClock())
    yield made
    made.close()


def held(site: HoursSite) -> None:
    """东区: a lecture for two (one title with markup), the leader's first quarter; 西区 nothing."""
    east = site.accounts.actor(signed_in(site.accounts, "east"))
    assert east is not None
    site.hours.add_activity(east, ActivityDraft(EAST, ActivityKind.LECTURE, "<b>行政处罚法</b>讲座", date(2026, 3, 15),
                                                3.0, ("100001", "100002")))
    site.hours.add_activity(east, ActivityDraft(EAST, ActivityKind.LEADERS, "一季度学法", date(2026, 2, 10), 2.0,
                                                ("100002",)))


def test_an_officers_year_as_html(site: HoursSite) -> None:
    held(site)
    page = officer_year_html(site.hours.officer_year("100001", 2026))
    assert "<b>3</b> / 60 学时" in page and "还差 57 学时" in page
    assert 'aria-valuenow="3"' in page and 'style="width:5.0%"' in page, "a progress bar of 3 against 60"
    assert page.count('class="xf-col"') == 12 and "3月 3学时" in page, "a column a month, the figures spoken"
    assert "&lt;b&gt;行政处罚法&lt;/b&gt;讲座" in page and "<b>行政处罚法" not in page, "titles are text"
    assert "今天在线练习还可计 2 学时" in page, "the hand clock's day is in 2026: what practice may still earn"


def test_a_unit_report_and_the_city_as_html(site: HoursSite) -> None:
    held(site)
    city = Accounts.system_actor()
    report = site.hours.unit_report(city, EAST, 2026)
    page = unit_report_html(report)
    behind = [line.officer.officer_id for line in report.officers]
    assert page.index(behind[0]) < page.index(behind[-1]), "officers behind first"
    assert page.count("落后") >= 2 and "截至上月末应达" in page and "30 学时" in page
    assert "法治讲座：已完成（03-15）" in page and "旁听庭审：未到期" in page
    leaders = page[page.index('id="xf-hours-leaders"'):]
    assert "李四" in leaders and leaders.count("已完成") == 1 and leaders.count("未完成") == 1, \
        "the first quarter done, the second missed (July), the rest not due"
    assert "<b>行政处罚法" not in page
    side = city_report_html(site.hours.city_report(city, 2026))
    assert side.count('class="xf-hbar-row"') == 2 and EAST in side and WEST in side
    assert "各单位人均学时" in side and "旁听庭审、模拟执法" in side


def test_a_large_units_page_lists_those_furthest_behind_and_points_to_the_export() -> None:
    officers = [Officer(f"{i:06d}", f"人员{i}", EAST, "", False) for i in range(OFFICERS_SHOWN + 5)]
    report = reports.unit_report(EAST, 2026, HoursRules.seeded(HoursSettings()), officers, [], [], date(2026, 7, 1))
    page = unit_report_html(report)
    assert page.count('<tr class="xf-missing">') == OFFICERS_SHOWN
    assert f"共 {OFFICERS_SHOWN + 5} 人" in page and "导出学时记录（XLSX）" in page


def test_a_refused_sheet_and_the_rules_form(site: HoursSite, tmp_path: Path) -> None:
    east = site.accounts.actor(signed_in(site.accounts, "east"))
    assert east is not None
    bad = write_sheet(tmp_path / "活动.xlsx", ACTIVITY_HEADER, [
        ["100001", "张三", "讲座", "讲座<script>", "2026-03-20", 2, "", ""],
        ["999999", "", "讲座", "讲座", "2026-03-20", 2, "", ""],
        ["100002", "", "讲座", "讲座", "2026-03-20", -1, "", ""],
    ])
    with pytest.raises(ActivityImportError) as caught:
        site.hours.import_activities(east, bad)
    page = problems_html(caught.value.file_name, [(p.row, p.reason) for p in caught.value.problems], "未导入")
    assert "活动.xlsx：未导入" in page and "第 3 行：警号 999999 没有账号" in page and "第 4 行：学时 -1 应大于 0" in page
    assert "<script>" not in page
    values = rules_values(site.hours.rules(2026))
    values[list(LABELS).index("exam_hours")] = 3
    assert rules_from_form(values).exam_hours == 3
    values[list(LABELS).index("yearly_target")] = 0
    with pytest.raises(RulesError, match="年度目标（学时）应大于 0"):
        rules_from_form(values)


# the app's handlers --------------------------------------------------------------------------------------------


def handlers(services: Services) -> dict[str, Any]:
    demo = build_app(services)
    return {str(f.name): f.fn for f in demo.fns.values()}


def test_a_unit_admin_is_refused_another_units_report_files_and_the_rules(site: HoursSite, tmp_path: Path) -> None:
    fns = handlers(site.services)
    east = signed_in(site.accounts, "east")
    refused = fns["show_unit_hours"](None, east, WEST, 2026)
    assert "您无权查看这个单位的学时" in refused[0] and "王五" not in refused[0]
    assert refused[-1] == gr.skip(), "the session stays"
    assert 'data-unit="东区大队"' in fns["show_unit_hours"](None, east, EAST, 2026)[0]
    for name in ("export_hours_xlsx", "export_unit_pdf", "export_plan_docx"):
        outputs = fns[name](None, east, WEST, 2026)
        assert outputs[0] == gr.skip() and "无权" in outputs[1], name
    made = fns["export_hours_xlsx"](None, east, EAST, 2026)[0]["value"]
    people = load_workbook(made, read_only=True)["人员"]
    assert sorted(str(row[0]) for row in people.iter_rows(min_row=2, values_only=True)) == ["100001", "100002"]
    pdf = Path(fns["export_unit_pdf"](None, east, EAST, 2026)[0]["value"])
    assert pdf.name == "学时汇总-东区大队-2026.pdf" and pdf.read_bytes()[:5] == b"%PDF-"
    plan = Path(fns["export_plan_docx"](None, east, EAST, 2026)[0]["value"])
    assert "东区大队" in "".join(p.text for p in Document(str(plan)).paragraphs)

    theirs = write_sheet(tmp_path / "西区活动.xlsx", ACTIVITY_HEADER,
                         [["200001", "王五", "讲座", "西区讲座", "2026-03-20", 2, "", ""]])
    shown = list(fns["import_activity_sheet"](None, east, str(theirs), EAST, 2026))[-1][0]
    assert "第 2 行：单位“西区大队”不在您的管理范围内" in shown
    assert site.hours.officer_year("200001", 2026).total == 0, "nothing stored"

    rules = rules_values(site.hours.rules(2026))
    rules[list(LABELS).index("exam_hours")] = 5
    assert fns["save_hours_rules"](None, east, 2026, *rules)[0] == gr.skip()
    assert site.hours.rules(2026).exam_hours == 2, "only the city administrator changes the rules"
    city = signed_in(site.accounts, "admin", ADMIN_PASSWORD)
    assert "已保存" in fns["save_hours_rules"](None, city, 2026, *rules)[0]
    assert site.hours.rules(2026).exam_hours == 5
    officer = signed_in(site.accounts, "100001")
    assert fns["show_unit_hours"](None, officer, EAST, 2026)[-1] == "", "an officer's token opens no admin panel"
    audit = [(e.login, e.action) for e in site.accounts.audit(Accounts.system_actor()) if e.action.startswith("hours")]
    assert audit == [("admin", "hours.set_rules"), ("east", "hours.export_plan"), ("east", "hours.export_pdf"),
                     ("east", "hours.export_xlsx")]


# in a real browser ------------------------------------------------------------------------------------------------

PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                         "device_scale_factor": 2}
UPDATE_MS = 30_000


def sign_in(v: Any, login: str, password: str, change_to: str = "") -> None:
    """Sign in through the 学时 tab's form; ``change_to``: the first password is changed to it."""
    page = v.page
    v.tap(page.get_by_role("tab", name="学时"))
    page.locator("#xf-hours-login-account textarea").fill(login)
    page.locator("#xf-hours-password input").fill(password)
    v.tap(page.locator("#xf-hours-login-btn"))
    if change_to:
        page.locator("#xf-hours-login-change").wait_for(timeout=UPDATE_MS)
        page.locator("#xf-hours-login-old input").fill(password)
        page.locator("#xf-hours-login-new input").fill(change_to)
        page.locator("#xf-hours-login-again input").fill(change_to)
        v.tap(page.locator("#xf-hours-login-save"))


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_an_officer_on_a_phone_signs_in_sees_the_year_and_practice_counts(
    browser: Any, serve_app: Any, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    site = make_site(app_kb, tmp_path)
    year = site.hours.today().year
    with visit(browser, serve_app(site.services), "phone-390", **PHONE) as v:
        page = v.page
        open_practice(v)
        v.tap(page.locator("#xf-p-start"))
        page.locator("#xf-p-question .xf-pq-stem").wait_for(timeout=60_000)
        answer_current(v, site.bank, right=True)  # anonymous, before signing in

        sign_in(v, "100001", FIRST_PASSWORD, change_to=NEW_PASSWORD)
        page.locator("#xf-hours-officer").wait_for(timeout=UPDATE_MS)
        assert "/ 60 学时" in page.locator("#xf-hours-total").inner_text()
        assert page.locator("#xf-hours-officer .xf-cols .xf-col").count() == 12, "a column a month"
        assert page.locator("#xf-hours-officer .xf-progress").is_visible()
        v.no_horizontal_scroll()

        v.tap(page.get_by_role("tab", name="练习"))
        page.locator("#xf-p-who", has_text="警号 100001").wait_for(timeout=UPDATE_MS)
        v.tap(page.locator("#xf-p-next"))
        page.locator("#xf-p-question", has_text="第 2 / 5 题").wait_for(timeout=UPDATE_MS)
        answer_current(v, site.bank, right=False)  # signed in

        v.tap(page.get_by_role("tab", name="学时"))
        practice_row = page.locator("#xf-hours-officer .xf-hbar-row", has_text="在线练习")
        practice_row.locator(".xf-hbar-value:not(:text-is('0'))").wait_for(timeout=UPDATE_MS)
        v.no_horizontal_scroll()
        assert v.small_tap_targets() == [], "every button a finger's size"
        v.shot("40-hours-officer", full_page=True)
    with site.bank.session() as s:
        users = [user for (user,) in s.execute(select(AttemptRow.user_id))]
    assert users == ["badge:100001", "badge:100001"], "the anonymous answer adopted, the next one under the 警号"
    assert site.hours.officer_year("100001", year).by_source[Source.PRACTICE] > 0
    site.close()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_unit_admin_imports_activities_and_the_city_admin_sees_the_units_and_changes_a_rule(
    browser: Any, serve_app: Any, app_kb: KnowledgeBase, tmp_path: Path
) -> None:
    site = make_site(app_kb, tmp_path)
    signed_in(site.accounts, "east")  # its first password changed already
    year = site.hours.today().year
    day = f"{year}-{site.hours.today().month:02d}-01"
    bad = write_sheet(tmp_path / "东区活动-有误.xlsx", ACTIVITY_HEADER, [
        ["100001", "张三", "讲座", "行政强制法讲座", day, 3, "签到表", ""],
        ["999999", "", "讲座", "行政强制法讲座", day, 3, "", ""],
        ["100002", "李四", "讲座", "行政强制法讲座", day, -5, "", ""],
    ])
    good = write_sheet(tmp_path / "东区活动.xlsx", ACTIVITY_HEADER, [
        ["100001", "张三", "讲座", "行政强制法讲座", day, 3, "签到表", ""],
        ["100002", "李四", "讲座", "行政强制法讲座", day, 3, "签到表", ""],
    ])
    url = serve_app(site.services)
    with visit(browser, url, "desktop") as v:
        page = v.page
        sign_in(v, "east", NEW_PASSWORD)
        report = page.locator('#xf-hours-unit[data-unit="东区大队"]')
        report.wait_for(timeout=UPDATE_MS)
        assert not page.locator("#xf-hours-city-panel").is_visible(), "no city report for a unit administrator"
        assert WEST not in page.locator("#xf-hours-admin").inner_text(), "another unit is nowhere on the page"
        choose_file(page, "#xf-hours-sheet", bad)
        v.tap(page.locator("#xf-hours-load"))
        refused = page.locator("#xf-hours-loaded .xf-refused")
        refused.wait_for(timeout=UPDATE_MS)
        assert "第 3 行：警号 999999 没有账号" in refused.inner_text()
        assert "第 4 行：学时 -5 应大于 0" in refused.inner_text()
        assert site.hours.officer_year("100001", year).total == 0, "nothing stored from a sheet with a bad row"
        page.locator("#xf-hours-sheet input[type=file]").wait_for(state="attached", timeout=UPDATE_MS)
        v.shot("41-hours-unit-refused", full_page=True)

        choose_file(page, "#xf-hours-sheet", good)
        v.tap(page.locator("#xf-hours-load"))
        page.locator("#xf-hours-loaded", has_text="已导入 1 项活动，2 人次").wait_for(timeout=UPDATE_MS)
        row = page.locator("#xf-hours-unit tr", has_text="张三")
        row.locator("td.xf-num b", has_text="3").wait_for(timeout=UPDATE_MS)
        assert site.hours.officer_year("100001", year).total == 3
        v.tap(page.locator("#xf-hours-xlsx"))
        link = page.locator("#xf-hours-download a").first
        link.wait_for(timeout=UPDATE_MS)
        assert page.request.get(link.get_attribute("href")).body()[:2] == b"PK", "an XLSX (zip) file downloads"
        v.shot("42-hours-unit", full_page=True)
        v.tap(page.locator("#xf-hours-admin-logout"))
        page.locator("#xf-hours-login-fields").wait_for(timeout=UPDATE_MS)

        sign_in(v, "admin", ADMIN_PASSWORD)
        city = page.locator("#xf-hours-city")
        city.wait_for(timeout=UPDATE_MS)
        assert city.locator(".xf-hbar-row").count() == 2, "the units side by side"
        assert EAST in city.inner_text() and WEST in city.inner_text()
        v.tap(page.locator("#xf-hours-rules").get_by_text("学时规则（市级管理员）"))
        exam_hours = page.locator("#xf-rule-exam-hours input")
        page.wait_for_function("() => document.querySelector('#xf-rule-exam-hours input')?.value === '2'",
                               timeout=UPDATE_MS)  # the stored rules shown first
        for _ in range(10):  # the sign-in's refreshes of the form may still be arriving: type until it stays
            exam_hours.fill("3")
            page.wait_for_timeout(1000)
            if exam_hours.input_value() == "3":
                break
        v.tap(page.locator("#xf-hours-save-rules"))
        page.locator("#xf-hours-rules-note", has_text=f"{year} 年学时规则已保存").wait_for(timeout=UPDATE_MS)
        v.shot("43-hours-city", full_page=True)
    assert site.hours.rules(year).exam_hours == 3
    entries = [(e.login, e.action, e.client) for e in site.accounts.audit(Accounts.system_actor())
               if e.action.startswith("hours.")]
    assert entries == [("admin", "hours.set_rules", "127.0.0.1"), ("east", "hours.export_xlsx", "127.0.0.1"),
                       ("east", "hours.import_activities", "127.0.0.1")]
    site.close()
