"""Who may do what in the admin panels (issue 13): a unit administrator sees, opens and exports only its
units' exams and contests, the city administrator all of them; a first sign-in changes its password; an
expired session shows the login again; every admin action leaves an audit entry. Through the real handlers
of the app (``build_app``) and, at desktop size, in Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from kb.base import KnowledgeBase
from quiz.bank.store import QuestionBank
from quiz.contest.service import ContestService
from quiz.exam.models import ExamStatus
from quiz.exam.service import ExamService
from quiz.people.accounts import Accounts
from quiz.people.models import Role
from quiz.settings import QuizSettings
from tests.app.browser import visit
from tests.app.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, make_accounts, make_services
from tests.quiz.exam.conftest import HAND_BLUEPRINT, hand_questions
from xuefa.app.state import Services
from xuefa.app.ui import build_app

EAST, WEST = "东区大队", "西区大队"
FIRST_PASSWORD = "东区-初始-2026"
NEW_PASSWORD = "东区-新的-口令-88"
UPDATE_MS = 30_000


@dataclass
class HandClock:
    now: datetime = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Site:
    services: Services
    accounts: Accounts
    exams: ExamService
    contests: ContestService
    east_exam: int
    west_exam: int
    east_contest: str
    west_contest: str


def make_site(kb: KnowledgeBase, home: Path, clock: HandClock | None = None) -> Site:
    services = make_services(kb, home)
    if clock is not None:
        services.accounts = make_accounts(home / "hand", ADMIN_PASSWORD, clock)
    accounts = services.accounts
    assert accounts is not None
    bank = QuestionBank(f"sqlite:///{home / 'quiz.sqlite'}")
    bank.add(hand_questions())
    exams, contests = ExamService(bank, QuizSettings()), ContestService(bank, QuizSettings(seed=3))
    services.bank, services.exams, services.contests = bank, exams, contests
    city = Accounts.system_actor()
    for unit in (EAST, WEST):
        accounts.add_unit(unit)
    accounts.add_account(city, "east", "东区管理员", Role.UNIT_ADMIN, unit=EAST, password=FIRST_PASSWORD)
    accounts.add_account(city, "100001", "张三", Role.OFFICER, unit=EAST, password=FIRST_PASSWORD)
    east = exams.create_exam("东区年度考试", HAND_BLUEPRINT, unit=EAST)
    west = exams.create_exam("西区年度考试", HAND_BLUEPRINT, unit=WEST)
    east_c = contests.create("东区知识竞赛", ["甲队", "乙队"], unit=EAST)
    west_c = contests.create("西区知识竞赛", ["甲队", "乙队"], unit=WEST)
    return Site(services, accounts, exams, contests, east.id, west.id, east_c.code, west_c.code)


def handlers(services: Services) -> dict[str, Any]:
    demo = build_app(services)
    return {f.name: f.fn for f in demo.fns.values()}


def signed_in(accounts: Accounts, login: str, password: str) -> str:
    token = accounts.sign_in(login, password).token
    if accounts.actor(token).must_change_password:  # type: ignore[union-attr]
        accounts.change_password(token, password, NEW_PASSWORD)
    return token


def audited(accounts: Accounts, action: str) -> list[tuple[str, str]]:
    return [(e.login, e.target) for e in accounts.audit(Accounts.system_actor(), action=action)]


@pytest.fixture()
def site(app_kb: KnowledgeBase, tmp_path: Path) -> Iterator[Site]:
    made = make_site(app_kb, tmp_path)
    yield made
    made.exams.bank.close()


def test_a_unit_admins_handlers_refuse_another_units_exam_and_contest(site: Site) -> None:
    fns = handlers(site.services)
    token = signed_in(site.accounts, "east", FIRST_PASSWORD)
    assert fns["do_open"](None, token, site.west_exam)[-1] is not None
    assert site.exams.get_exam(site.west_exam).status == ExamStatus.DRAFT, "nothing done"
    for name in ("do_export_results", "do_report", "show", "do_audit"):
        outputs = fns[name](None, token, site.west_exam)
        assert all(o is None or (isinstance(o, dict) and o.get("__type__") == "update") for o in outputs[:-1]), name
    assert audited(site.accounts, "exam_export") == [] and audited(site.accounts, "exam_open") == []
    assert "已生成" in fns["do_export_results"](None, token, site.east_exam)[0]
    assert audited(site.accounts, "exam_export") == [("east", f"考试 {site.east_exam}")]
    assert [e.id for e in site.exams.list_exams(site.accounts.actor(token).scope)] == [site.east_exam]  # type: ignore[union-attr]

    outputs = fns["host_finish"](None, token, site.west_contest, "")
    assert site.contests.get(site.west_contest).phase.value != "finished", "another unit's contest untouched"
    assert fns["export_xlsx"](None, token, site.west_contest)[0] == gr.skip()
    fns["on_delete"](None, token, site.west_contest, "")
    assert site.west_contest in {c.code for c in site.contests.contests()}
    fns["host_finish"](None, token, site.east_contest, "")
    assert site.contests.get(site.east_contest).phase.value == "finished"
    assert audited(site.accounts, "contest_host") == [("east", site.east_contest)]
    assert outputs[-1] == gr.skip(), "the session stays"
    admin = signed_in(site.accounts, ADMIN_LOGIN, ADMIN_PASSWORD)
    fns["do_export_results"](None, admin, site.east_exam)
    fns["do_export_results"](None, admin, site.west_exam)
    east = site.accounts.actor(token)
    assert east is not None
    assert [(e.login, e.target) for e in site.accounts.audit(east, action="exam_export")] == [
        ("admin", f"考试 {site.east_exam}"), ("east", f"考试 {site.east_exam}")], "the east unit reads what concerned it"


def test_officers_get_no_admin_panel_and_a_new_exam_is_the_creators_units(site: Site) -> None:
    fns = handlers(site.services)
    session, _, message = fns["do_login"]("100001", FIRST_PASSWORD, None)
    assert session == gr.skip() and "没有管理权限" in message
    token = signed_in(site.accounts, "east", FIRST_PASSWORD)
    form = [[["单选", "", "", "", 1]], 30, False, False, "", 1, 1, 1, 1, 1, 1]
    assert "考试码" in fns["do_create"](None, token, "东区补考", "", "", 1, "", *form)[0]
    assert fns["do_create"](None, token, "偷建西区考试", "", "", 1, WEST, *form)[-1] == gr.skip()
    made = {e.title: e.unit for e in site.exams.list_exams()}
    assert made.get("东区补考") == EAST and "偷建西区考试" not in made
    assert fns["keep"](None, token, ["1"]) == (gr.skip(), gr.skip(), gr.skip()), "the knowledge base is the city's"
    assert audited(site.accounts, "kb_review") == []
    admin = signed_in(site.accounts, ADMIN_LOGIN, ADMIN_PASSWORD)
    fns["do_create"](None, admin, "西区补考", "", "", 1, WEST, *form)
    fns["do_create"](None, admin, "全市考试", "", "", 1, "", *form)
    made = {e.title: e.unit for e in site.exams.list_exams()}
    assert made["西区补考"] == WEST and made["全市考试"] == ""
    assert [login for login, _ in audited(site.accounts, "exam_create")] == ["admin", "admin", "east"]


def test_an_expired_session_clears_the_state_and_nothing_is_done(app_kb: KnowledgeBase, tmp_path: Path) -> None:
    clock = HandClock()
    made = make_site(app_kb, tmp_path, clock)
    fns = handlers(made.services)
    token = signed_in(made.accounts, "east", FIRST_PASSWORD)
    assert "东区年度考试" in fns["show"](None, token, made.east_exam)[0]
    clock.now += timedelta(hours=made.accounts.settings.session_hours, seconds=1)
    assert fns["do_open"](None, token, made.east_exam)[-1] == "", "the State is cleared: every tab shows its login"
    assert made.exams.get_exam(made.east_exam).status == ExamStatus.DRAFT
    made.exams.bank.close()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_unit_admin_changes_its_first_password_and_sees_only_its_units_exam(
    browser: Any, serve_app: Any, site: Site
) -> None:
    with visit(browser, serve_app(site.services), "desktop") as v:
        page = v.page
        v.tap(page.locator("#xf-tab-exam-button"))
        page.locator("#xf-exam-login-account textarea").fill("east")
        page.locator("#xf-exam-password input").fill(FIRST_PASSWORD)
        v.tap(page.locator("#xf-exam-login-btn"))
        page.locator("#xf-exam-login-change").wait_for(timeout=UPDATE_MS)
        assert not page.locator("#xf-exam-console").is_visible(), "the password first"
        page.locator("#xf-exam-login-old input").fill(FIRST_PASSWORD)
        page.locator("#xf-exam-login-new input").fill(NEW_PASSWORD)
        page.locator("#xf-exam-login-again input").fill(NEW_PASSWORD)
        v.tap(page.locator("#xf-exam-login-save"))
        page.locator("#xf-exam-console").wait_for(timeout=UPDATE_MS)
        page.locator("#xf-exam-info", has_text="东区年度考试").wait_for(timeout=UPDATE_MS)
        assert listed(v) == ["东区年度考试"], "another unit's exam is not listed"
        v.tap(page.locator("#xf-exam-export").get_by_text("导出", exact=True))
        v.tap(page.locator("#xf-exam-export-results"))
        page.locator("#xf-exam-download a").first.wait_for(timeout=UPDATE_MS)
        v.shot("30-unit-admin-exams", full_page=True)
        v.tap(page.get_by_role("button", name="退出登录").locator("visible=true").first)
        page.locator("#xf-exam-login-fields").wait_for(timeout=UPDATE_MS)

        page.locator("#xf-exam-login-account textarea").fill(ADMIN_LOGIN)
        page.locator("#xf-exam-password input").fill(ADMIN_PASSWORD)
        v.tap(page.locator("#xf-exam-login-btn"))
        page.locator("#xf-exam-console").wait_for(timeout=UPDATE_MS)
        page.locator("#xf-exam-info", has_text="西区年度考试").wait_for(timeout=UPDATE_MS)
        assert sorted(listed(v)) == ["东区年度考试", "西区年度考试"], "the city sees both"
    assert site.accounts.actor(site.accounts.sign_in("east", NEW_PASSWORD).token) is not None
    exported = [(e.login, e.target, e.client) for e in site.accounts.audit(Accounts.system_actor(),
                                                                          action="exam_export")]
    assert exported == [("east", f"考试 {site.east_exam}", "127.0.0.1")]


def listed(v: Any) -> list[str]:
    """The titles in the exam chooser."""
    return chooser_options(v, "#xf-exam-pick")


def chooser_options(v: Any, selector: str) -> list[str]:
    """The titles in a chooser (its options, opened and closed again)."""
    page = v.page
    v.tap(page.locator(f"{selector} input"))
    options = page.locator("ul[role=listbox] li")
    options.first.wait_for(timeout=UPDATE_MS)
    titles = [text.replace("✓", "").strip().split("（")[0] for text in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return titles


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_unit_admin_hosts_only_its_units_contest(browser: Any, serve_app: Any, site: Site) -> None:
    signed_in(site.accounts, "east", FIRST_PASSWORD)  # (the first password changed already)
    with visit(browser, serve_app(site.services), "desktop") as v:
        page = v.page
        v.tap(page.locator("#xf-tab-contest-button"))
        page.locator("#xc-login-account textarea").fill("east")
        page.locator("#xc-password input").fill(NEW_PASSWORD)
        v.tap(page.locator("#xc-login-btn"))
        page.locator("#xc-status", has_text="东区知识竞赛").wait_for(timeout=UPDATE_MS)
        assert chooser_options(v, "#xc-contest") == ["东区知识竞赛"], "another unit's contest is not listed"
        v.shot("31-unit-admin-contest")
        v.tap(page.locator("#xf-tab-exam-button"))  # the one sign-in opened the 考试 tab too
        page.locator("#xf-exam-info", has_text="东区年度考试").wait_for(timeout=UPDATE_MS)
