"""Exams owned by units (issue 13): the owner stored and read back, the listing filtered by an account's
scope, the guard of one exam, and an older database without the column opened (its exams are the city's);
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from quiz.bank.store import QuestionBank
from quiz.exam.models import AuditAction
from quiz.exam.service import ExamService
from quiz.people.access import NOT_YOURS, owner_for, require, require_admin
from quiz.people.models import AccessDenied, Actor, Role, Scope
from quiz.settings import QuizSettings
from tests.quiz.exam.conftest import HAND_BLUEPRINT, Clock

CITY = Actor(1, "admin", "法规处", Role.CITY_ADMIN, "", Scope.everything())
EAST = Actor(2, "east", "东区管理员", Role.UNIT_ADMIN, "东区大队", Scope(frozenset({"东区大队", "东区一中队"})))
WEST = Actor(3, "west", "西区管理员", Role.UNIT_ADMIN, "西区大队", Scope(frozenset({"西区大队"})))
OFFICER = Actor(4, "100001", "张三", Role.OFFICER, "东区大队", Scope(frozenset()))


def test_an_exam_carries_its_unit_and_a_scope_lists_only_its_units(hand_exams: ExamService) -> None:
    city = hand_exams.create_exam("全市考试", HAND_BLUEPRINT)
    east = hand_exams.create_exam("东区考试", HAND_BLUEPRINT, unit=" 东区大队 ")
    squad = hand_exams.create_exam("中队考试", HAND_BLUEPRINT, unit="东区一中队")
    west = hand_exams.create_exam("西区考试", HAND_BLUEPRINT, unit="西区大队")
    assert (city.unit, east.unit, hand_exams.get_exam(west.id).unit) == ("", "东区大队", "西区大队")
    assert [e.id for e in hand_exams.list_exams()] == [west.id, squad.id, east.id, city.id]
    assert [e.id for e in hand_exams.list_exams(CITY.scope)] == [west.id, squad.id, east.id, city.id]
    assert [e.id for e in hand_exams.list_exams(EAST.scope)] == [squad.id, east.id]
    assert [e.id for e in hand_exams.list_exams(WEST.scope)] == [west.id]
    assert hand_exams.owner(east.id) == "东区大队" and hand_exams.owner(city.id) == ""


def test_the_guard_refuses_another_units_exam_without_naming_it(hand_exams: ExamService) -> None:
    west = hand_exams.create_exam("西区考试", HAND_BLUEPRINT, unit="西区大队")
    city = hand_exams.create_exam("全市考试", HAND_BLUEPRINT)
    assert require(WEST, hand_exams.owner(west.id)) is WEST
    assert require(CITY, hand_exams.owner(west.id)) is CITY
    for actor, exam_id in ((EAST, west.id), (EAST, city.id), (WEST, city.id)):
        with pytest.raises(AccessDenied) as refused:
            require(actor, hand_exams.owner(exam_id))
        assert str(refused.value) == NOT_YOURS and "西区" not in str(refused.value)
    with pytest.raises(AccessDenied, match="管理权限"):
        require(OFFICER, "东区大队")
    with pytest.raises(AccessDenied, match="登录"):
        require_admin(None)
    with pytest.raises(AccessDenied, match="修改初始密码"):
        require_admin(Actor(5, "new", "新管理员", Role.UNIT_ADMIN, "东区大队", EAST.scope, must_change_password=True))


def test_a_new_exam_is_owned_by_the_creators_unit_or_the_city_admins_pick() -> None:
    assert owner_for(EAST) == "东区大队"
    assert owner_for(EAST, "东区一中队") == "东区一中队"
    assert owner_for(CITY) == "" and owner_for(CITY, "西区大队") == "西区大队"
    with pytest.raises(AccessDenied):
        owner_for(EAST, "西区大队")
    with pytest.raises(AccessDenied):
        owner_for(WEST, "东区大队")


def test_an_older_database_without_the_unit_column_opens_and_its_exams_are_the_citys(
        hand_bank: QuestionBank, clock: Clock) -> None:
    old = ExamService(hand_bank, QuizSettings(), clock).create_exam("旧版本的考试", HAND_BLUEPRINT)
    with hand_bank.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_exam_exams_unit"))
        conn.execute(text("ALTER TABLE exam_exams DROP COLUMN unit"))
    reopened = ExamService(hand_bank, QuizSettings(), clock)
    assert [(e.id, e.unit) for e in reopened.list_exams()] == [(old.id, "")]
    assert reopened.list_exams(EAST.scope) == [] and reopened.owner(old.id) == ""
    newer = reopened.create_exam("新考试", HAND_BLUEPRINT, unit="东区大队")
    assert [e.id for e in reopened.list_exams(EAST.scope)] == [newer.id]


def test_a_units_view_of_its_exams_log_leaves_out_the_entries_tied_to_no_exam(hand_exams: ExamService) -> None:
    east = hand_exams.create_exam("东区考试", HAND_BLUEPRINT, unit="东区大队")
    hand_exams.log_audit(east.id, "100001", AuditAction.LOGIN, "东区考生登录")
    hand_exams.log_audit(None, "200002", AuditAction.LOGIN_UNKNOWN_CODE, "西区考生输错考试码")

    def examinees(unbound: bool) -> set[str]:
        return {a.officer_id for a in hand_exams.audit(east.id, unbound=unbound)} - {""}

    assert examinees(True) == {"100001", "200002"}, "the city's view"
    assert examinees(False) == {"100001"}
