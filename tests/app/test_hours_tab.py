"""The 学时 tab (issue 13): the composition root's 学时 service and its audit, the HTML of real reports from a
real database, the handlers of the app refusing another unit, and in Debian's Chromium an officer at phone
size and the administrators at desktop size."""

from __future__ import annotations

from pathlib import Path

from kb.base import KnowledgeBase
from quiz.people.accounts import Accounts
from quiz.people.models import Role
from tests.app.conftest import ADMIN_PASSWORD

EAST, WEST = "东区大队", "西区大队"


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
